import { gunzipSync } from 'node:zlib';
import { request as httpRequest } from 'node:http';
import { FakeClock } from '@apiserver-kit/core';
import { MemoryStorage } from '@apiserver-kit/storage';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type ApiServer, type SeedObject, startApiServer } from '../src/server.js';
import { call, openWatch, pod, tick } from './server-helpers.js';

describe('startApiServer() — LIST through the cache', () => {
  let server: ApiServer;
  beforeAll(async () => {
    const seed = [];
    for (let i = 0; i < 12; i++) {
      seed.push({ key: `/pods/default/p-${String(i).padStart(2, '0')}`, object: pod(`p-${String(i).padStart(2, '0')}`, 'default', { labels: { app: i % 3 === 0 ? 'db' : 'web' }, nodeName: `node-${i % 2}` }) });
    }
    server = await startApiServer({ seed, flowControl: false });
  });
  afterAll(async () => {
    await server.close();
  });

  it('label and field selectors', async () => {
    const db = await call(server.url, 'GET', '/api/v1/namespaces/default/pods?labelSelector=app%3Ddb');
    expect(db.status).toBe(200);
    expect(db.body.kind).toBe('PodList');
    expect(db.body.items.map((item: any) => item.metadata.name)).toEqual(['p-00', 'p-03', 'p-06', 'p-09']);
    const node = await call(server.url, 'GET', '/api/v1/pods?fieldSelector=spec.nodeName%3Dnode-1,metadata.namespace%3Ddefault');
    expect(node.body.items).toHaveLength(6);
  });

  it('limit and continue page through a list at one resourceVersion', async () => {
    const names: string[] = [];
    let token = '';
    let rv: string | undefined;
    for (let page = 0; page < 10; page++) {
      const answer = await call(server.url, 'GET', `/api/v1/namespaces/default/pods?limit=5${token === '' ? '' : `&continue=${encodeURIComponent(token)}`}`);
      expect(answer.status).toBe(200);
      names.push(...answer.body.items.map((item: any) => item.metadata.name));
      rv ??= answer.body.metadata.resourceVersion;
      expect(answer.body.metadata.resourceVersion).toBe(rv);
      token = answer.body.metadata.continue ?? '';
      if (token === '') break;
      expect(answer.body.metadata.remainingItemCount).toBe(12 - names.length);
    }
    expect(names).toEqual(Array.from({ length: 12 }, (_, i) => `p-${String(i).padStart(2, '0')}`));
  });

  it('a malformed label selector → BadRequest 400 from the selector parser', async () => {
    const answer = await call(server.url, 'GET', '/api/v1/pods?labelSelector=app%20in%20(');
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ kind: 'Status', reason: 'BadRequest', code: 400 });
    const field = await call(server.url, 'GET', '/api/v1/pods?fieldSelector=spec.nodename%3Dx');
    expect(field.status).toBe(400);
    expect(field.body.message).toBe('field label not supported: spec.nodename');
  });

  it('list options that do not fit together → Invalid 422', async () => {
    const answer = await call(server.url, 'GET', '/api/v1/pods?resourceVersionMatch=Exact');
    expect(answer.status).toBe(422);
    expect(answer.body.reason).toBe('Invalid');
  });

  it('a Table list has one row per object', async () => {
    const answer = await call(server.url, 'GET', '/api/v1/namespaces/default/pods?limit=500', { headers: { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json' } });
    expect(answer.body.kind).toBe('Table');
    expect(answer.body.rows).toHaveLength(12);
  });
});

describe('startApiServer() — gzip for large lists', () => {
  it('a list over 128 KiB is gzipped when the client accepts it, a small one is not', async () => {
    const seed: SeedObject[] = [{ key: '/namespaces/big', object: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'big' } } }];
    for (let i = 0; i < 200; i++) seed.push({ key: `/configmaps/big/c-${i}`, object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `c-${i}`, namespace: 'big' }, data: { blob: 'x'.repeat(1024) } } });
    const server = await startApiServer({ seed, flowControl: false });
    try {
      const raw = await new Promise<{ encoding: string | undefined; body: Buffer }>((resolve, reject) => {
        httpRequest(`${server.url}/api/v1/namespaces/big/configmaps`, { headers: { 'Accept-Encoding': 'gzip' } }, (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => resolve({ encoding: response.headers['content-encoding'], body: Buffer.concat(chunks) }));
        })
          .on('error', reject)
          .end();
      });
      expect(raw.encoding).toBe('gzip');
      expect(JSON.parse(gunzipSync(raw.body).toString()).items).toHaveLength(200);
      const small = await new Promise<string | undefined>((resolve, reject) => {
        httpRequest(`${server.url}/api/v1/namespaces`, { headers: { 'Accept-Encoding': 'gzip' } }, (response) => {
          response.resume();
          resolve(response.headers['content-encoding']);
        })
          .on('error', reject)
          .end();
      });
      expect(small).toBeUndefined();
    } finally {
      await server.close();
    }
  });
});

describe('startApiServer() — WATCH through the cache', () => {
  let server: ApiServer;
  afterEach(async () => {
    await server.close();
  });

  it('a watch sees ADDED, MODIFIED and DELETED of objects written meanwhile', async () => {
    server = await startApiServer({ flowControl: false });
    const list = await call(server.url, 'GET', '/api/v1/namespaces/default/configmaps');
    const watch = await openWatch(server.url, `/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=${list.body.metadata.resourceVersion}`);
    expect(watch.response.statusCode).toBe(200);
    // Kubernetes labels a JSON watch stream plain `application/json` (protobuf streams say `;stream=watch`).
    expect(watch.response.headers['content-type']).toBe('application/json');
    const created = await call(server.url, 'POST', '/api/v1/namespaces/default/configmaps', { body: { metadata: { name: 'w' }, data: { v: '1' } } });
    await call(server.url, 'PUT', '/api/v1/namespaces/default/configmaps/w', { body: { ...created.body, data: { v: '2' } } });
    await call(server.url, 'DELETE', '/api/v1/namespaces/default/configmaps/w');
    const events = [await watch.next(), await watch.next(), await watch.next()];
    expect(events.map((event) => event?.type)).toEqual(['ADDED', 'MODIFIED', 'DELETED']);
    expect(events[1]?.object.data).toEqual({ v: '2' });
    watch.close();
  });

  it('the legacy /watch/ path with a name watches that name only; a Table watch sends one-row Tables', async () => {
    server = await startApiServer({ flowControl: false });
    const watch = await openWatch(server.url, '/api/v1/watch/namespaces/default/configmaps/only?resourceVersion=0');
    const table = await openWatch(server.url, '/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=0', { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' });
    await call(server.url, 'POST', '/api/v1/namespaces/default/configmaps', { body: { metadata: { name: 'other' } } });
    await call(server.url, 'POST', '/api/v1/namespaces/default/configmaps', { body: { metadata: { name: 'only' } } });
    const event = await watch.next();
    expect(event?.type).toBe('ADDED');
    expect(event?.object.metadata.name).toBe('only');
    const first = await table.next();
    expect(first?.object.kind).toBe('Table');
    expect(first?.object.rows).toHaveLength(1);
    expect(first?.object.columnDefinitions.length).toBeGreaterThan(0);
    const second = await table.next();
    expect(second?.object.columnDefinitions).toEqual([]);
    watch.close();
    table.close();
  });

  it('a watch from a revision older than the cache history → HTTP 200 with one ERROR event: Expired 410', async () => {
    const seed = [1, 2, 3].map((i) => ({ key: `/configmaps/default/c-${i}`, object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `c-${i}`, namespace: 'default' } } }));
    server = await startApiServer({ seed, flowControl: false });
    const watch = await openWatch(server.url, '/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=1');
    expect(watch.response.statusCode).toBe(200);
    const event = await watch.next();
    expect(event?.type).toBe('ERROR');
    expect(event?.object).toMatchObject({ kind: 'Status', reason: 'Expired', code: 410 });
    expect(event?.object.message).toMatch(/^too old resource version: 1 \(\d+\)$/);
    expect(await watch.next()).toBeUndefined();
  });

  it('an Exact list at a compacted revision → HTTP 410 Expired (the cache delegates to storage)', async () => {
    const storage = new MemoryStorage();
    server = await startApiServer({ storage, flowControl: false });
    for (let i = 0; i < 3; i++) await storage.create(`/configmaps/default/c-${i}`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `c-${i}`, namespace: 'default' } });
    await storage.compact(await storage.currentRevision());
    const answer = await call(server.url, 'GET', '/api/v1/namespaces/default/configmaps?resourceVersion=1&resourceVersionMatch=Exact');
    expect(answer.status).toBe(410);
    expect(answer.body).toMatchObject({ reason: 'Expired', code: 410, message: 'The resourceVersion for the provided list is too old.' });
  });

  it('a resourceVersion the cache does not reach in time → Timeout 504 (list) and an ERROR event 504 (watch), on a FakeClock', async () => {
    const clock = new FakeClock();
    server = await startApiServer({ clock, flowControl: false });
    const pending = call(server.url, 'GET', '/api/v1/namespaces/default/configmaps?resourceVersion=100000');
    const watch = openWatch(server.url, '/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=100000');
    let settled = 0;
    void pending.then(() => settled++);
    void watch.then(() => settled++);
    // Let both requests reach their wait; then time passes on the fake clock until the read timeout fires for both.
    for (let i = 0; i < 100 && settled < 2; i++) {
      await tick();
      if (i > 10) clock.advance(500);
    }
    const answer = await pending;
    expect(answer.status).toBe(504);
    expect(answer.body).toMatchObject({ reason: 'Timeout', code: 504 });
    expect(answer.body.message).toMatch(/^Timeout: Too large resource version: 100000, current: \d+$/);
    expect(answer.headers.get('retry-after')).toBe('1');
    const stream = await watch;
    expect(stream.response.statusCode).toBe(200);
    const event = await stream.next();
    expect(event).toMatchObject({ type: 'ERROR', object: { reason: 'Timeout', code: 504 } });
  });
});
