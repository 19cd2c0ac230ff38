import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiServer, startApiServer } from '../src/server.js';
import { call, pod } from './server-helpers.js';

let server: ApiServer;
beforeAll(async () => {
  server = await startApiServer({ flowControl: false });
});
afterAll(async () => {
  await server.close();
});

describe('startApiServer() — writes and reads of one object', () => {
  it('POST, GET, PUT, DELETE: a pod round trip, with the server filling uid, creationTimestamp and resourceVersion', async () => {
    const created = await call(server.url, 'POST', '/api/v1/namespaces/default/pods', { body: pod('web-0') });
    expect(created.status).toBe(201);
    expect(created.body.metadata).toMatchObject({ name: 'web-0', namespace: 'default' });
    expect(created.body.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.body.metadata.creationTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);

    const got = await call(server.url, 'GET', '/api/v1/namespaces/default/pods/web-0');
    expect(got.status).toBe(200);
    expect(got.body).toEqual(created.body);

    const changed = { ...got.body, metadata: { ...got.body.metadata, labels: { app: 'web' } } };
    const updated = await call(server.url, 'PUT', '/api/v1/namespaces/default/pods/web-0', { body: changed });
    expect(updated.status).toBe(200);
    expect(updated.body.metadata.labels).toEqual({ app: 'web' });
    expect(Number(updated.body.metadata.resourceVersion)).toBeGreaterThan(Number(created.body.metadata.resourceVersion));
    expect(updated.body.metadata.uid).toBe(created.body.metadata.uid);

    const deleted = await call(server.url, 'DELETE', '/api/v1/namespaces/default/pods/web-0', { body: { propagationPolicy: 'Background' } });
    expect(deleted.status).toBe(200);
    expect(deleted.body.metadata.name).toBe('web-0');
    const gone = await call(server.url, 'GET', '/api/v1/namespaces/default/pods/web-0');
    expect(gone.status).toBe(404);
    expect(gone.body).toMatchObject({ kind: 'Status', reason: 'NotFound', message: 'pods "web-0" not found', code: 404 });
  });

  it('PUT with a stale resourceVersion → Conflict 409 (optimistic concurrency)', async () => {
    const created = await call(server.url, 'POST', '/api/v1/namespaces/default/configmaps', { body: { metadata: { name: 'settings' }, data: { a: '1' } } });
    expect(created.status).toBe(201);
    const first = await call(server.url, 'PUT', '/api/v1/namespaces/default/configmaps/settings', { body: { ...created.body, data: { a: '2' } } });
    expect(first.status).toBe(200);
    const stale = await call(server.url, 'PUT', '/api/v1/namespaces/default/configmaps/settings', { body: { ...created.body, data: { a: '3' } } });
    expect(stale.status).toBe(409);
    expect(stale.body).toMatchObject({
      reason: 'Conflict',
      message: 'Operation cannot be fulfilled on configmaps "settings": the object has been modified; please apply your changes to the latest version and try again',
    });
  });

  it('DELETE of a ConfigMap answers a Success Status; a failed uid precondition → Conflict 409', async () => {
    const created = await call(server.url, 'POST', '/api/v1/namespaces/default/configmaps', { body: { metadata: { name: 'doomed' } } });
    const refused = await call(server.url, 'DELETE', '/api/v1/namespaces/default/configmaps/doomed', { body: { preconditions: { uid: 'not-the-uid' } } });
    expect(refused.status).toBe(409);
    expect(refused.body.message).toBe(`Operation cannot be fulfilled on configmaps "doomed": Precondition failed: UID in precondition: not-the-uid, UID in object meta: ${created.body.metadata.uid}`);
    const deleted = await call(server.url, 'DELETE', '/api/v1/namespaces/default/configmaps/doomed', { body: { preconditions: { uid: created.body.metadata.uid }, propagationPolicy: 'Foreground' } });
    expect(deleted.status).toBe(200);
    expect(deleted.body).toEqual({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details: { name: 'doomed', kind: 'configmaps', uid: created.body.metadata.uid } });
  });

  it('POST with generateName → a generated name of 5 more characters', async () => {
    const created = await call(server.url, 'POST', '/api/v1/namespaces/default/pods', { body: { metadata: { generateName: 'job-' }, spec: { containers: [{ name: 'c', image: 'busybox' }] } } });
    expect(created.status).toBe(201);
    expect(created.body.metadata.name).toMatch(/^job-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    expect(created.body).toMatchObject({ apiVersion: 'v1', kind: 'Pod' });
  });

  it('EnsureObjectNamespaceMatchesRequestNamespace: another namespace in the body → BadRequest 400', async () => {
    const answer = await call(server.url, 'POST', '/api/v1/namespaces/default/pods', { body: pod('x', 'kube-system') });
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ reason: 'BadRequest', message: 'the namespace of the provided object does not match the namespace sent on the request' });
  });

  it('NamespaceLifecycle: a create in a namespace that does not exist → NotFound 404', async () => {
    const answer = await call(server.url, 'POST', '/api/v1/namespaces/nowhere/pods', { body: pod('x', 'nowhere') });
    expect(answer.status).toBe(404);
    expect(answer.body).toMatchObject({ reason: 'NotFound', message: 'namespaces "nowhere" not found' });
  });

  it('ValidateObjectMeta: a name that is no DNS subdomain → Invalid 422 naming metadata.name', async () => {
    const answer = await call(server.url, 'POST', '/api/v1/namespaces/default/configmaps', { body: { metadata: { name: 'Not_Valid' } } });
    expect(answer.status).toBe(422);
    expect(answer.body.reason).toBe('Invalid');
    expect(answer.body.message).toMatch(/^ConfigMap "Not_Valid" is invalid: metadata\.name: Invalid value: "Not_Valid": a lowercase RFC 1123 subdomain/);
    expect(answer.body.details.causes[0].field).toBe('metadata.name');
  });

  it('a cluster-scoped create (Namespace), then a namespaced create in it', async () => {
    const ns = await call(server.url, 'POST', '/api/v1/namespaces', { body: { metadata: { name: 'team-a' } } });
    expect(ns.status).toBe(201);
    const cm = await call(server.url, 'POST', '/api/v1/namespaces/team-a/configmaps', { body: { metadata: { name: 'c' } } });
    expect(cm.status).toBe(201);
    const forbidden = await call(server.url, 'DELETE', '/api/v1/namespaces/default');
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.message).toBe('namespaces "default" is forbidden: this namespace may not be deleted');
  });

  it('an unknown resource → NotFound 404 "the server could not find the requested resource"', async () => {
    for (const path of ['/api/v1/widgets', '/api/v1/namespaces/default/widgets/x', '/apis/apps/v1/deployments', '/api/v1/pods/x', '/api/v1/namespaces/default/pods/x/exec']) {
      const answer = await call(server.url, 'GET', path);
      expect(answer.status, path).toBe(404);
      expect(answer.body, path).toEqual({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'the server could not find the requested resource', reason: 'NotFound', details: {}, code: 404 });
    }
  });

  it('a method a path does not serve → MethodNotAllowed 405', async () => {
    const answer = await call(server.url, 'POST', '/api/v1/namespaces/default/pods/x', { body: pod('x') });
    expect(answer.status).toBe(405);
    expect(answer.body).toMatchObject({ reason: 'MethodNotAllowed', code: 405 });
  });

  it('a body in a media type no decoder reads → UnsupportedMediaType 415', async () => {
    const answer = await call(server.url, 'POST', '/api/v1/namespaces/default/pods', { body: 'name: x', headers: { 'Content-Type': 'text/plain' } });
    expect(answer.status).toBe(415);
    expect(answer.body).toMatchObject({ reason: 'UnsupportedMediaType', code: 415 });
    const apply = await call(server.url, 'PATCH', '/api/v1/namespaces/default/pods/x', { body: '{}', headers: { 'Content-Type': 'application/apply-patch+yaml' } });
    expect(apply.status).toBe(415);
  });

  it('PATCH with a merge patch and a strategic merge patch', async () => {
    await call(server.url, 'POST', '/api/v1/namespaces/default/pods', { body: pod('patched') });
    const merged = await call(server.url, 'PATCH', '/api/v1/namespaces/default/pods/patched', { body: '{"metadata":{"labels":{"tier":"front"}}}', headers: { 'Content-Type': 'application/merge-patch+json' } });
    expect(merged.status).toBe(200);
    expect(merged.body.metadata.labels).toEqual({ tier: 'front' });
    const strategic = await call(server.url, 'PATCH', '/api/v1/namespaces/default/pods/patched', {
      body: '{"spec":{"containers":[{"name":"main","image":"nginx:2"}]}}',
      headers: { 'Content-Type': 'application/strategic-merge-patch+json' },
    });
    expect(strategic.status).toBe(200);
    expect(strategic.body.spec.containers).toEqual([{ name: 'main', image: 'nginx:2' }]);
  });

  it('Accept: YAML and protobuf answers; a Table on `as=Table;g=meta.k8s.io;v=v1`', async () => {
    await call(server.url, 'POST', '/api/v1/namespaces/default/pods', { body: pod('formats') });
    const yaml = await call(server.url, 'GET', '/api/v1/namespaces/default/pods/formats', { headers: { Accept: 'application/yaml' } });
    expect(yaml.headers.get('content-type')).toBe('application/yaml');
    expect(yaml.text).toContain('name: formats');
    const proto = await fetch(`${server.url}/api/v1/namespaces/default/pods/formats`, { headers: { Accept: 'application/vnd.kubernetes.protobuf' } });
    expect(proto.headers.get('content-type')).toBe('application/vnd.kubernetes.protobuf');
    expect(Buffer.from(await proto.arrayBuffer()).subarray(0, 4).toString('latin1')).toBe('k8s\0');
    const table = await call(server.url, 'GET', '/api/v1/namespaces/default/pods/formats', { headers: { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json' } });
    expect(table.body).toMatchObject({ kind: 'Table', apiVersion: 'meta.k8s.io/v1' });
    expect(table.body.rows).toHaveLength(1);
    expect(table.body.columnDefinitions.map((column: { name: string }) => column.name)).toEqual(expect.arrayContaining(['Name', 'Ready', 'Status', 'Restarts', 'Age']));
  });

  it('DELETE of a collection deletes what the selector matches and answers the list of it; ?pretty=true indents', async () => {
    await call(server.url, 'POST', '/api/v1/namespaces', { body: { metadata: { name: 'sweep' } } });
    for (const [name, app] of [['a', 'x'], ['b', 'x'], ['c', 'y']]) {
      await call(server.url, 'POST', '/api/v1/namespaces/sweep/configmaps', { body: { metadata: { name, labels: { app } } } });
    }
    const swept = await call(server.url, 'DELETE', '/api/v1/namespaces/sweep/configmaps?labelSelector=app%3Dx');
    expect(swept.status).toBe(200);
    expect(swept.body.kind).toBe('ConfigMapList');
    expect(swept.body.items.map((item: any) => item.metadata.name)).toEqual(['a', 'b']);
    const left = await call(server.url, 'GET', '/api/v1/namespaces/sweep/configmaps?pretty=true');
    expect(left.body.items.map((item: any) => item.metadata.name)).toEqual(['c']);
    expect(left.text).toContain('\n  "items": [');
  });

  it('dryRun → BadRequest 400 (writes are never simulated here); an unknown fieldValidation → 400; Strict is accepted', async () => {
    const dry = await call(server.url, 'POST', '/api/v1/namespaces/default/configmaps?dryRun=All', { body: { metadata: { name: 'dry' } } });
    expect(dry.status).toBe(400);
    expect(dry.body.message).toBe('dryRun is not supported by this server');
    const bad = await call(server.url, 'POST', '/api/v1/namespaces/default/configmaps?fieldValidation=Loose', { body: { metadata: { name: 'v' } } });
    expect(bad.status).toBe(400);
    const strict = await call(server.url, 'POST', '/api/v1/namespaces/default/configmaps?fieldValidation=Strict', { body: { metadata: { name: 'v' } } });
    expect(strict.status).toBe(201);
  });

  it('DELETE with dryRun only in its DeleteOptions body (as client-go sends it) → 400, and the object stays', async () => {
    const kept = await call(server.url, 'POST', '/api/v1/namespaces/default/configmaps', { body: { metadata: { name: 'kept' } } });
    expect(kept.status).toBe(201);
    const dry = await call(server.url, 'DELETE', '/api/v1/namespaces/default/configmaps/kept', { body: { kind: 'DeleteOptions', apiVersion: 'v1', dryRun: ['All'] } });
    expect(dry.status).toBe(400);
    expect(dry.body.message).toBe('dryRun is not supported by this server');
    const odd = await call(server.url, 'DELETE', '/api/v1/namespaces/default/configmaps/kept', { body: { dryRun: ['Some'] } });
    expect(odd.body.message).toBe('Invalid dry run value: Some');
    expect((await call(server.url, 'GET', '/api/v1/namespaces/default/configmaps/kept')).status).toBe(200);
  });

  it('kubeconfig() points at the server over plain HTTP', () => {
    const text = server.kubeconfig();
    expect(text).toContain(`server: "${server.url}"`);
    expect(text).toContain('current-context: "mini-apiserver"');
  });
});
