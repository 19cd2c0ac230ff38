/**
 * Error paths over HTTP not covered by the other server tests: every
 * failure a Kubernetes Status with its reason and code, in the format the
 * client negotiated, from request parameters, bodies, continue tokens and
 * preconditions.
 */
import { FakeClock } from '@apiserver-kit/core';
import { MemoryStorage } from '@apiserver-kit/storage';
import { afterEach, describe, expect, it } from 'vitest';
import { type ApiServer, startApiServer } from '../src/server.js';
import { call, pod } from './server-helpers.js';

const configMap = (name: string, data: Record<string, string> = {}): Record<string, unknown> => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default' }, data });

describe('startApiServer() — error paths over HTTP', () => {
  let server: ApiServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('a Status in the negotiated format: YAML for application/yaml, protobuf (k8s\\0 envelope) for protobuf', async () => {
    server = await startApiServer({ flowControl: false });
    const yaml = await call(server.url, 'GET', '/api/v1/namespaces/default/pods/missing', { headers: { Accept: 'application/yaml' } });
    expect(yaml.status).toBe(404);
    expect(yaml.headers.get('content-type')).toBe('application/yaml');
    expect(yaml.text).toContain('kind: Status\n');
    expect(yaml.text).toContain('reason: NotFound\n');
    expect(yaml.text).toContain('message: pods "missing" not found\n');
    const response = await fetch(`${server.url}/api/v1/namespaces/default/pods/missing`, { headers: { Accept: 'application/vnd.kubernetes.protobuf' } });
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toBe('application/vnd.kubernetes.protobuf');
    const bytes = Buffer.from(await response.arrayBuffer());
    expect(bytes.subarray(0, 4)).toEqual(Buffer.from('k8s\0', 'latin1'));
    expect(bytes.includes(Buffer.from('pods "missing" not found'))).toBe(true);
    expect(bytes.includes(Buffer.from('NotFound'))).toBe(true);
  });

  it('query parameters that do not parse → BadRequest 400 (resourceVersion, limit, continue, timeoutSeconds), on lists and watches', async () => {
    server = await startApiServer({ flowControl: false });
    const cases: Array<[string, RegExp]> = [
      ['/api/v1/pods?resourceVersion=abc', /^invalid resource version: /],
      ['/api/v1/pods?watch=true&resourceVersion=abc', /^invalid resource version: /],
      ['/api/v1/pods?limit=abc', /limit/],
      ['/api/v1/pods?limit=5&continue=garbage', /^invalid continue token: /],
      ['/api/v1/pods?watch=true&timeoutSeconds=-1', /timeoutSeconds/],
      ['/api/v1/pods?watch=true&labelSelector=a%3D%3D%3Db', /^unable to parse requirement: /],
      ['/api/v1/pods?fieldSelector=spec.unknownField%3Dx', /field label not supported: spec.unknownField/],
    ];
    for (const [path, message] of cases) {
      const answer = await call(server.url, 'GET', path);
      expect(answer.status, path).toBe(400);
      expect(answer.body, path).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'BadRequest', code: 400 });
      expect(answer.body.message, path).toMatch(message);
    }
  });

  it('a body that is not JSON → BadRequest 400; not an object of the kind → BadRequest 400; neither writes anything', async () => {
    server = await startApiServer({ flowControl: false });
    const broken = await call(server.url, 'POST', '/api/v1/namespaces/default/configmaps', { body: '{"metadata": ', headers: { 'Content-Type': 'application/json' } });
    expect(broken.status).toBe(400);
    expect(broken.body).toMatchObject({ kind: 'Status', reason: 'BadRequest', code: 400 });
    const wrongKind = await call(server.url, 'POST', '/api/v1/namespaces/default/configmaps', { body: pod('not-a-configmap') });
    expect(wrongKind.status).toBe(400);
    expect(wrongKind.body).toMatchObject({ kind: 'Status', reason: 'BadRequest', code: 400 });
    expect((await call(server.url, 'GET', '/api/v1/configmaps')).body.items).toEqual([]);
  });

  it('DELETE of a missing object → NotFound 404; a resourceVersion precondition that no longer holds → Conflict 409', async () => {
    server = await startApiServer({ flowControl: false });
    const missing = await call(server.url, 'DELETE', '/api/v1/namespaces/default/configmaps/missing');
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ reason: 'NotFound', message: 'configmaps "missing" not found', details: { name: 'missing', kind: 'configmaps' } });
    const created = await call(server.url, 'POST', '/api/v1/namespaces/default/configmaps', { body: configMap('settings') });
    const rv = created.body.metadata.resourceVersion as string;
    expect((await call(server.url, 'PUT', '/api/v1/namespaces/default/configmaps/settings', { body: { ...created.body, data: { a: 'b' } } })).status).toBe(200);
    const stale = await call(server.url, 'DELETE', '/api/v1/namespaces/default/configmaps/settings', { body: { kind: 'DeleteOptions', apiVersion: 'v1', preconditions: { resourceVersion: rv } } });
    expect(stale.status).toBe(409);
    expect(stale.body).toMatchObject({ kind: 'Status', reason: 'Conflict', code: 409 });
    expect((await call(server.url, 'GET', '/api/v1/namespaces/default/configmaps/settings')).status).toBe(200);
  });

  it('a JSON patch whose test operation fails → Invalid 422 naming the failed test (patch.go applyJSPatch), the object unchanged', async () => {
    server = await startApiServer({ flowControl: false });
    await call(server.url, 'POST', '/api/v1/namespaces/default/configmaps', { body: configMap('settings', { mode: 'a' }) });
    const failed = await call(server.url, 'PATCH', '/api/v1/namespaces/default/configmaps/settings', {
      body: JSON.stringify([{ op: 'test', path: '/data/mode', value: 'b' }, { op: 'replace', path: '/data/mode', value: 'c' }]),
      headers: { 'Content-Type': 'application/json-patch+json' },
    });
    expect(failed.status).toBe(422);
    expect(failed.body).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'Invalid', code: 422, details: { causes: [{ message: 'testing value /data/mode failed: test failed' }] } });
    expect((await call(server.url, 'GET', '/api/v1/namespaces/default/configmaps/settings')).body.data).toEqual({ mode: 'a' });
  });

  it('a continue token older than the watch cache history and than storage\'s compaction → Expired 410', async () => {
    const clock = new FakeClock(Date.UTC(2026, 0, 1));
    const storage = new MemoryStorage({ clock });
    server = await startApiServer({ clock, storage, flowControl: false });
    for (let i = 0; i < 5; i++) await storage.create(`/configmaps/default/c-${i}`, configMap(`c-${i}`));
    const first = await call(server.url, 'GET', '/api/v1/namespaces/default/configmaps?limit=2');
    expect(first.status).toBe(200);
    const token = first.body.metadata.continue as string;
    expect(token).toEqual(expect.any(String));
    // Time and changes move the cache's history past the token's revision; storage compacts it away.
    const configMaps = server.cachers.get([...server.cachers.keys()].find((info) => info.resource === 'configmaps')!)!;
    for (let round = 0; configMaps.cache.stats.historyStart <= Number(first.body.metadata.resourceVersion); round++) {
      expect(round).toBeLessThan(10);
      clock.advance(80_000);
      for (let i = 0; i < 150; i++) await storage.guaranteedUpdate('/configmaps/default/c-0', (current) => ({ ...current!, data: { round: `${round}-${i}` } }));
    }
    clock.advance(80_000);
    await storage.compact(await storage.currentRevision());
    const expired = await call(server.url, 'GET', `/api/v1/namespaces/default/configmaps?limit=2&continue=${encodeURIComponent(token)}`);
    expect(expired.status).toBe(410);
    expect(expired.body).toMatchObject({ kind: 'Status', reason: 'Expired', code: 410 });
    expect(expired.body.message).toMatch(/^The provided continue parameter is too old to display a consistent list result\./);
  });
});
