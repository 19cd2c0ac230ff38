/**
 * What `connect()` puts on the wire, against a stub server that records each
 * request: URLs (core and group paths, a base path prefix, escaped names),
 * headers (bearer token, accept per format, patch content types), bodies
 * (DeleteOptions), Retry-After handling on writes (client-go `checkWait`),
 * and the protobuf fallback to JSON for kinds the codec does not know.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FakeClock } from '@apiserver-kit/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connect, PODS, resourceType } from '../src/index.js';

interface Seen {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

let server: Server;
let base: string;
let seen: Seen[];
/** Answers the next requests (in order); the default answers an object echoing the path. */
let answers: ((req: IncomingMessage, res: ServerResponse, body: string) => void)[];

function object(name: string, resourceVersion = '7'): Record<string, unknown> {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'ns', uid: `uid-${name}`, resourceVersion } };
}

beforeEach(async () => {
  seen = [];
  answers = [];
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      const answer = answers.shift();
      if (answer !== undefined) return answer(req, res, body);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(req.url?.includes('limit=1') ? { kind: 'PodList', apiVersion: 'v1', metadata: { resourceVersion: '42' }, items: [] } : object('x')));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterEach(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function json(res: ServerResponse, code: number, value: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(code, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(value));
}

describe('connect() on the wire (client-go rest.Request)', () => {
  it('URLs: core and group paths, namespaces, subresources, a base path prefix, escaped names; the bearer token', async () => {
    const api = connect({ url: `${base}/prefix/`, token: 't0k' });
    const widgets = resourceType({ group: 'example.com', version: 'v1alpha1', resource: 'widgets', kind: 'Widget', namespaced: true });
    await api.pods('ns').get('a b');
    await api.resource(widgets, 'ns').get('w');
    await api.nodes().list({ labelSelector: 'zone=a', limit: 5, resourceVersion: '0', resourceVersionMatch: 'NotOlderThan' });
    await api.pods('ns').updateStatus(object('p') as never);
    expect(seen.map((s) => `${s.method} ${s.url}`)).toEqual([
      'GET /prefix/api/v1/namespaces/ns/pods/a%20b',
      'GET /prefix/apis/example.com/v1alpha1/namespaces/ns/widgets/w',
      'GET /prefix/api/v1/nodes?labelSelector=zone%3Da&limit=5&resourceVersion=0&resourceVersionMatch=NotOlderThan',
      'PUT /prefix/api/v1/namespaces/ns/pods/p/status',
    ]);
    expect(seen.every((s) => s.headers.authorization === 'Bearer t0k')).toBe(true);
    await api.close();
  });

  it('patch content types (merge, json, strategic); writes add dryRun/fieldValidation; delete sends DeleteOptions', async () => {
    const api = connect({ url: base });
    const pods = api.pods('ns');
    await pods.patch('p', 'merge', { a: 1 });
    await pods.patch('p', 'json', [{ op: 'remove', path: '/a' }]);
    await pods.patchStatus('p', 'strategic', { status: {} }, { fieldValidation: 'Strict' });
    answers.push((_req, res) => json(res, 200, { kind: 'Status', apiVersion: 'v1', status: 'Success', details: { name: 'p', kind: 'pods', uid: 'uid-p' } }));
    await pods.delete('p', { preconditions: { uid: 'uid-p', resourceVersion: '6' } });
    expect(seen.map((s) => [s.method, s.url, s.headers['content-type']])).toEqual([
      ['PATCH', '/api/v1/namespaces/ns/pods/p', 'application/merge-patch+json'],
      ['PATCH', '/api/v1/namespaces/ns/pods/p', 'application/json-patch+json'],
      ['PATCH', '/api/v1/namespaces/ns/pods/p/status?fieldValidation=Strict', 'application/strategic-merge-patch+json'],
      ['DELETE', '/api/v1/namespaces/ns/pods/p', 'application/json'],
      // The delete answered a Status: a consistent one-item list reads the revision to record.
      ['GET', '/api/v1/namespaces/ns/pods?limit=1', undefined],
    ]);
    expect(JSON.parse(seen[3]!.body)).toEqual({ apiVersion: 'v1', kind: 'DeleteOptions', preconditions: { uid: 'uid-p', resourceVersion: '6' } });
    expect(api.writes.since(0).at(-1)).toEqual({ resource: 'pods', namespace: 'ns', name: 'p', uid: 'uid-p', revision: 42, object: undefined });
    await api.close();
  });

  it('a write throttled with 429 + Retry-After is sent again after that time on the clock, once recorded', async () => {
    const clock = new FakeClock();
    const api = connect({ url: base, clock });
    const throttle = (_req: IncomingMessage, res: ServerResponse): void =>
      json(res, 429, { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'TooManyRequests', code: 429, message: 'slow down' }, { 'retry-after': '2' });
    answers.push(throttle, throttle);
    const pending = api.pods('ns').create(object('c') as never);
    for (let i = 0; i < 2; i++) {
      while (clock.pendingTimers === 0) await new Promise((resolve) => setImmediate(resolve));
      expect(clock.nextTimerAt()).toBe(clock.now() + 2000);
      clock.advance(2000);
    }
    expect((await pending).metadata.name).toBe('x');
    expect(seen.map((s) => s.method)).toEqual(['POST', 'POST', 'POST']);
    expect(new Set(seen.map((s) => s.body)).size).toBe(1);
    expect(api.writes.since(0)).toHaveLength(1);
    await api.close();

    const impatient = connect({ url: base, maxRetries: 0 });
    answers.push(throttle);
    await expect(impatient.pods('ns').create(object('c') as never)).rejects.toMatchObject({ reason: 'TooManyRequests', code: 429, details: { retryAfterSeconds: 2 } });
    expect(impatient.writes.since(0)).toHaveLength(0);
    await impatient.close();
  });

  it('accept: protobuf asks client-go’s `protobuf, json` for known kinds, JSON for others (custom resources); a JSON answer is read as JSON', async () => {
    const api = connect({ url: base, accept: 'protobuf' });
    const widgets = resourceType({ group: 'example.com', version: 'v1', resource: 'widgets', kind: 'Widget', namespaced: true });
    await api.pods('ns').get('p');
    await api.resource(widgets, 'ns').get('w');
    await api.pods('ns').patch('p', 'merge', {});
    answers.push((_req, res) => json(res, 200, { kind: 'PodList', apiVersion: 'v1', metadata: { resourceVersion: '3' }, items: [{ metadata: { name: 'a' } }] }));
    const listed = await api.listerWatcher(PODS).list({});
    expect(listed.items).toEqual([{ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'a' } }]);
    answers.push((_req, res) => json(res, 200, { kind: 'WidgetList', apiVersion: 'example.com/v1', metadata: { resourceVersion: '3' }, items: [] }));
    await api.listerWatcher(widgets).list({});
    expect(seen.map((s) => s.headers.accept)).toEqual([
      'application/vnd.kubernetes.protobuf, application/json',
      'application/json',
      'application/json', // writes read JSON
      'application/vnd.kubernetes.protobuf, application/json',
      'application/json',
    ]);
    await api.close();
  });

  it('a protobuf answer that does not decode → InternalError naming it; a non-Status error body → the reason of its code', async () => {
    const api = connect({ url: base, accept: 'protobuf' });
    answers.push((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/vnd.kubernetes.protobuf' });
      res.end(Buffer.from('k8s\0garbage'));
    });
    await expect(api.pods('ns').get('p')).rejects.toMatchObject({ reason: 'InternalError', code: 500, message: expect.stringMatching(/unable to decode .* as protobuf/) });
    answers.push((_req, res) => {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('nope');
    });
    await expect(api.pods('ns').get('p')).rejects.toMatchObject({ reason: 'NotFound', code: 404 });
    await api.close();
  });

  it('bad arguments are TypeErrors naming them', async () => {
    const api = connect({ url: base });
    expect(() => api.resource({} as never)).toThrow(/Expected `type` to be a ResourceType/);
    expect(() => api.pods('')).toThrow(/Expected `namespace` to be a non-empty string/);
    await expect(api.pods('ns').update({ metadata: {} } as never)).rejects.toThrow(/Expected `object.metadata.name` to be a non-empty string/);
    await expect(api.pods('ns').create(null as never)).rejects.toThrow(/Expected `object` to be an object/);
    expect(() => connect({ url: base, maxRetries: -1 })).toThrow(RangeError);
    expect(seen).toEqual([]);
    await api.close();
  });
});
