/**
 * Parity: the same operations against the fake API (in process) and the
 * reference host over HTTP (plain fetch), both on a FakeClock with the same
 * uids and random names — the same answers: stored objects equal to the
 * byte, failures with the same HTTP code, reason and message.
 */
import { isStatusError } from '@apiserver-kit/codec';
import { FakeClock } from '@apiserver-kit/core';
import { MemoryStorage } from '@apiserver-kit/storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiServer, createFakeApi, type FakeApi, mulberry32, startApiServer } from '../src/index.js';
import { call } from './server-helpers.js';

type Outcome = { readonly code: number; readonly body?: unknown; readonly reason?: string; readonly message?: string };

const START = Date.parse('2024-01-01T00:00:00Z');

function counter(): () => string {
  let n = 0;
  return () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`;
}

let api: FakeApi;
let server: ApiServer;
beforeAll(async () => {
  api = await createFakeApi({ clock: new FakeClock(START), random: mulberry32(7), uid: counter() });
  const clock = new FakeClock(START);
  server = await startApiServer({ clock, storage: new MemoryStorage({ clock, uid: counter() }), random: mulberry32(7), flowControl: false });
});
afterAll(async () => {
  await api.close();
  await server.close();
});

/** The fake API's outcome, in HTTP terms: the code of success, or the StatusError's. */
async function viaFake(operation: () => Promise<unknown>, successCode: number): Promise<Outcome> {
  try {
    const result = await operation();
    return result === undefined ? { code: successCode } : { code: successCode, body: result };
  } catch (error) {
    if (!isStatusError(error)) throw error;
    return { code: error.code, reason: error.reason, message: error.message };
  }
}

/** The host's outcome over HTTP; `withBody` false for answers the fake API's contract has no value for (a delete). */
async function viaHttp(method: string, path: string, options: { body?: unknown; contentType?: string; withBody?: boolean } = {}): Promise<Outcome> {
  const answer = await call(server.url, method, path, {
    ...(options.body === undefined ? {} : { body: options.body }),
    ...(options.contentType === undefined ? {} : { headers: { 'Content-Type': options.contentType } }),
  });
  if (answer.status >= 400) return { code: answer.status, reason: answer.body.reason, message: answer.body.message };
  return options.withBody === false ? { code: answer.status } : { code: answer.status, body: answer.body };
}

const NS = '/api/v1/namespaces/default';
const pod = (name: string, labels: Record<string, string> = {}): Record<string, unknown> => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, labels },
  spec: { containers: [{ name: 'main', image: 'nginx' }] },
});

describe('fake API ≡ host over HTTP', () => {
  it('the same sequence of writes and reads gives the same answers, step by step', async () => {
    const pods = api.pods('default');
    const steps: [string, () => Promise<Outcome>, () => Promise<Outcome>][] = [
      ['create', () => viaFake(() => pods.create(pod('web-0', { app: 'web' })), 201), () => viaHttp('POST', `${NS}/pods`, { body: pod('web-0', { app: 'web' }) })],
      ['create again', () => viaFake(() => pods.create(pod('web-0')), 201), () => viaHttp('POST', `${NS}/pods`, { body: pod('web-0') })],
      ['bad name', () => viaFake(() => pods.create(pod('Web_0')), 201), () => viaHttp('POST', `${NS}/pods`, { body: pod('Web_0') })],
      ['missing namespace', () => viaFake(() => api.pods('nope').create(pod('x')), 201), () => viaHttp('POST', '/api/v1/namespaces/nope/pods', { body: pod('x') })],
      [
        'generateName',
        () => viaFake(() => api.configMaps('default').create({ metadata: { generateName: 'cfg-' }, data: { a: '1' } }), 201),
        () => viaHttp('POST', `${NS}/configmaps`, { body: { metadata: { generateName: 'cfg-' }, data: { a: '1' } } }),
      ],
      [
        'strict fields',
        () => viaFake(() => api.configMaps('default').create({ metadata: { name: 'c' }, bogus: 1 } as object, { fieldValidation: 'Strict' }), 201),
        () => viaHttp('POST', `${NS}/configmaps?fieldValidation=Strict`, { body: { metadata: { name: 'c' }, bogus: 1 } }),
      ],
      ['get', () => viaFake(() => pods.get('web-0'), 200), () => viaHttp('GET', `${NS}/pods/web-0`)],
      ['get missing', () => viaFake(() => pods.get('nope'), 200), () => viaHttp('GET', `${NS}/pods/nope`)],
      [
        'updateStatus',
        async () => viaFake(async () => pods.updateStatus({ ...(await pods.get('web-0')), status: { phase: 'Running' } }), 200),
        async () => {
          const current = await call(server.url, 'GET', `${NS}/pods/web-0`);
          return viaHttp('PUT', `${NS}/pods/web-0/status`, { body: { ...current.body, status: { phase: 'Running' } } });
        },
      ],
      [
        'update stale',
        () => viaFake(() => pods.update({ ...pod('web-0'), metadata: { name: 'web-0', resourceVersion: '5' } }), 200),
        () => viaHttp('PUT', `${NS}/pods/web-0`, { body: { ...pod('web-0'), metadata: { name: 'web-0', resourceVersion: '5' } } }),
      ],
      [
        'update other namespace',
        () => viaFake(() => api.resource({ ...api.pods().type }, 'default').update({ ...pod('web-0'), metadata: { name: 'web-0', namespace: 'kube-system' } } as object), 200),
        () => viaHttp('PUT', `${NS}/pods/web-0`, { body: { ...pod('web-0'), metadata: { name: 'web-0', namespace: 'kube-system' } } }),
      ],
      [
        'patchStatus merge',
        () => viaFake(() => pods.patchStatus('web-0', 'merge', { status: { podIP: '10.0.0.9' }, spec: { nodeName: 'x' } }), 200),
        () => viaHttp('PATCH', `${NS}/pods/web-0/status`, { body: { status: { podIP: '10.0.0.9' }, spec: { nodeName: 'x' } }, contentType: 'application/merge-patch+json' }),
      ],
      [
        'patch strategic',
        () => viaFake(() => pods.patch('web-0', 'strategic', { metadata: { labels: { tier: 'front' } }, status: { phase: 'Failed' } }), 200),
        () => viaHttp('PATCH', `${NS}/pods/web-0`, { body: { metadata: { labels: { tier: 'front' } }, status: { phase: 'Failed' } }, contentType: 'application/strategic-merge-patch+json' }),
      ],
      [
        'patch json test fails',
        () => viaFake(() => pods.patch('web-0', 'json', [{ op: 'test', path: '/metadata/name', value: 'other' }]), 200),
        () => viaHttp('PATCH', `${NS}/pods/web-0`, { body: [{ op: 'test', path: '/metadata/name', value: 'other' }], contentType: 'application/json-patch+json' }),
      ],
      ['list selector', () => viaFake(() => pods.list({ labelSelector: 'tier=front' }), 200), () => listViaHttp(`${NS}/pods?labelSelector=tier%3Dfront`)],
      ['list bad selector', () => viaFake(() => pods.list({ labelSelector: 'tier in (' }), 200), () => viaHttp('GET', `${NS}/pods?labelSelector=${encodeURIComponent('tier in (')}`)],
      ['list limit', () => viaFake(() => pods.list({ limit: -1 }), 200), () => viaHttp('GET', `${NS}/pods?limit=-1`)],
      ['configmap status', () => viaFake(() => api.configMaps('default').patchStatus('c', 'merge', {}), 200), () => viaHttp('PATCH', `${NS}/configmaps/c/status`, { body: {}, contentType: 'application/merge-patch+json' })],
      [
        'delete precondition',
        () => viaFake(() => pods.delete('web-0', { preconditions: { uid: 'wrong' } }), 200),
        () => viaHttp('DELETE', `${NS}/pods/web-0`, { body: { preconditions: { uid: 'wrong' } }, withBody: false }),
      ],
      ['delete', () => viaFake(() => pods.delete('web-0'), 200), () => viaHttp('DELETE', `${NS}/pods/web-0`, { withBody: false })],
      ['delete again', () => viaFake(() => pods.delete('web-0'), 200), () => viaHttp('DELETE', `${NS}/pods/web-0`, { withBody: false })],
      ['delete kube-system', () => viaFake(() => api.namespaces().delete('kube-system'), 200), () => viaHttp('DELETE', '/api/v1/namespaces/kube-system', { withBody: false })],
      ['dryRun', () => viaFake(() => pods.create(pod('d'), { dryRun: true }), 201), () => viaHttp('POST', `${NS}/pods?dryRun=All`, { body: pod('d') })],
    ];
    const fake: Record<string, Outcome> = {};
    const host: Record<string, Outcome> = {};
    for (const [name, onFake, onHost] of steps) {
      fake[name] = await onFake();
      host[name] = await onHost();
    }
    expect(fake).toEqual(host);
    // The run was not trivial: failures of several reasons, and successes with objects.
    expect(new Set(Object.values(host).map((outcome) => outcome.reason ?? 'ok'))).toEqual(
      new Set(['ok', 'AlreadyExists', 'Invalid', 'NotFound', 'BadRequest', 'Conflict', 'Forbidden']),
    );
  });
});

/** A list over HTTP, in the fake API's list shape. */
async function listViaHttp(path: string): Promise<Outcome> {
  const outcome = await viaHttp('GET', path);
  if (outcome.body === undefined) return outcome;
  const body = outcome.body as { items: unknown[]; metadata: Record<string, unknown> };
  // The fake API's items carry their kind and apiVersion (the cache's objects); a list's items on the wire do too.
  return { code: outcome.code, body: { items: body.items, metadata: body.metadata } };
}
