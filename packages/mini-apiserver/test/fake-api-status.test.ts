/**
 * The status subresource of pods, nodes and namespaces, on the fake API and
 * on the host over HTTP: Kubernetes' status strategies (podStatusStrategy,
 * nodeStatusStrategy, namespaceStatusStrategy `PrepareForUpdate`: the stored
 * spec stays; for pods the owner references too, and qosClass is
 * backfilled) and the main strategies (podStrategy etc. `PrepareForUpdate`:
 * the stored status stays). Create still keeps a sent status (the host's
 * choice: no kubelet sets it).
 */
import type { Namespace, Node, Pod } from 'kubernetes-types/core/v1.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiServer, createFakeApi, type FakeApi, startApiServer } from '../src/index.js';
import { call } from './server-helpers.js';

let api: FakeApi;
let server: ApiServer;
beforeAll(async () => {
  api = await createFakeApi();
  server = await startApiServer({ flowControl: false });
});
afterAll(async () => {
  await api.close();
  await server.close();
});

function pod(name: string): Pod {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { containers: [{ name: 'main', image: 'nginx' }] } };
}

describe('status subresource — fake API', () => {
  it('updateStatus (podStatusStrategy): status and labels change; spec, ownerReferences stay; an empty qosClass is backfilled', async () => {
    const pods = api.pods('default');
    const created = await pods.create(pod('s-1'));
    expect(created.status).toEqual({ phase: 'Pending', qosClass: 'BestEffort' });
    const updated = await pods.updateStatus({
      ...created,
      metadata: { ...created.metadata, labels: { seen: 'yes' }, ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: 'n', uid: 'u' }] },
      spec: { containers: [{ name: 'main', image: 'changed' }] },
      status: { phase: 'Running' },
    });
    expect(updated.status).toEqual({ phase: 'Running', qosClass: 'BestEffort' });
    expect(updated.spec).toEqual(created.spec);
    expect(updated.metadata.labels).toEqual({ seen: 'yes' });
    expect(updated.metadata.ownerReferences).toBeUndefined();
    // Optimistic concurrency as any update.
    await expect(pods.updateStatus({ ...created, status: { phase: 'Failed' } })).rejects.toMatchObject({ reason: 'Conflict', code: 409 });
  });

  it('patchStatus: merge and strategic patches of status; a spec in the patch is dropped', async () => {
    const pods = api.pods('default');
    await pods.create(pod('s-2'));
    const merged = await pods.patchStatus('s-2', 'merge', { spec: { containers: [{ name: 'main', image: 'x' }] }, status: { phase: 'Running', podIP: '10.0.0.1' } });
    expect(merged.status).toMatchObject({ phase: 'Running', podIP: '10.0.0.1', qosClass: 'BestEffort' });
    expect(merged.spec?.containers[0]?.image).toBe('nginx');
    const strategic = await pods.patchStatus('s-2', 'strategic', { status: { conditions: [{ type: 'Ready', status: 'True' }] } });
    expect(strategic.status?.conditions).toEqual([{ type: 'Ready', status: 'True' }]);
    expect(strategic.status?.podIP).toBe('10.0.0.1');
  });

  it('main-resource update and patch (podStrategy.PrepareForUpdate) keep the stored status', async () => {
    const pods = api.pods('default');
    const created = await pods.create(pod('s-3'));
    const running = await pods.patchStatus('s-3', 'merge', { status: { phase: 'Running' } });
    const updated = await pods.update({ ...running, metadata: { ...running.metadata, labels: { a: 'b' } }, status: { phase: 'Failed' } });
    expect(updated.status).toEqual(running.status);
    expect(updated.metadata.labels).toEqual({ a: 'b' });
    const patched = await pods.patch('s-3', 'merge', { status: { phase: 'Succeeded' } });
    expect(patched.status).toEqual(running.status);
    expect(created.status?.phase).toBe('Pending');
  });

  it('create keeps a sent pod status (the host\'s choice; Kubernetes resets it)', async () => {
    const created = await api.pods('default').create({ ...pod('s-4'), status: { phase: 'Running' } });
    expect(created.status).toEqual({ phase: 'Running' });
  });

  it('nodes (nodeStatusStrategy) and namespaces (namespaceStatusStrategy): status changes, spec stays; main update keeps status', async () => {
    const node = await api.nodes().create({ metadata: { name: 'n-1' }, spec: { podCIDR: '10.0.0.0/24' }, status: { phase: 'Pending' } } as Node);
    const nodeStatus = await api.nodes().updateStatus({ ...node, spec: { unschedulable: true }, status: { conditions: [{ type: 'Ready', status: 'True' }] } });
    expect(nodeStatus.spec).toEqual({ podCIDR: '10.0.0.0/24' });
    expect(nodeStatus.status).toEqual({ conditions: [{ type: 'Ready', status: 'True' }] });
    const nodeMain = await api.nodes().update({ ...nodeStatus, spec: { unschedulable: true }, status: {} });
    expect(nodeMain.spec).toEqual({ unschedulable: true });
    expect(nodeMain.status).toEqual(nodeStatus.status);

    const ns = await api.namespaces().create({ metadata: { name: 'ns-1' }, spec: { finalizers: ['kubernetes'] } } as Namespace);
    const terminating = await api.namespaces().patchStatus('ns-1', 'merge', { spec: { finalizers: [] }, status: { phase: 'Terminating' } });
    expect(terminating.spec).toEqual(ns.spec);
    expect(terminating.status).toEqual({ phase: 'Terminating' });
    // namespaceStrategy.PrepareForUpdate: the main resource keeps status and spec.finalizers (only /finalize changes them).
    const relabeled = await api.namespaces().update({ ...terminating, metadata: { ...terminating.metadata, labels: { a: 'b' } }, spec: { finalizers: [] }, status: { phase: 'Active' } });
    expect(relabeled.metadata.labels).toEqual({ a: 'b' });
    expect(relabeled.spec).toEqual({ finalizers: ['kubernetes'] });
    expect(relabeled.status).toEqual({ phase: 'Terminating' });
  });

  it('a kind without the subresource (configmaps): NotFound 404, as the host\'s router', async () => {
    const created = await api.configMaps('default').create({ metadata: { name: 'cm' } });
    await expect(api.configMaps('default').updateStatus(created)).rejects.toMatchObject({ reason: 'NotFound', code: 404, message: 'the server could not find the requested resource' });
    await expect(api.configMaps('default').patchStatus('cm', 'merge', {})).rejects.toMatchObject({ reason: 'NotFound', code: 404 });
  });
});

describe('status subresource — the host over HTTP', () => {
  const POD = '/api/v1/namespaces/default/pods/h-1';

  it('GET /status returns the object; PUT and PATCH /status change only status; PUT of the pod keeps status', async () => {
    const created = await call(server.url, 'POST', '/api/v1/namespaces/default/pods', { body: pod('h-1') });
    expect(created.status).toBe(201);
    const got = await call(server.url, 'GET', `${POD}/status`);
    expect(got.status).toBe(200);
    expect(got.body).toEqual(created.body);
    const put = await call(server.url, 'PUT', `${POD}/status`, { body: { ...created.body, spec: { containers: [{ name: 'main', image: 'x' }] }, status: { phase: 'Running' } } });
    expect(put.status).toBe(200);
    expect(put.body.status).toEqual({ phase: 'Running', qosClass: 'BestEffort' });
    expect(put.body.spec).toEqual(created.body.spec);
    const patch = await call(server.url, 'PATCH', `${POD}/status`, { body: { status: { podIP: '10.1.1.1' } }, headers: { 'Content-Type': 'application/merge-patch+json' } });
    expect(patch.status).toBe(200);
    expect(patch.body.status).toEqual({ phase: 'Running', qosClass: 'BestEffort', podIP: '10.1.1.1' });
    const main = await call(server.url, 'PUT', POD, { body: { ...patch.body, status: { phase: 'Failed' } } });
    expect(main.status).toBe(200);
    expect(main.body.status).toEqual(patch.body.status);
  });

  it('other methods on /status → 405; /status of a configmap or another subresource → 404', async () => {
    await call(server.url, 'POST', '/api/v1/namespaces/default/configmaps', { body: { metadata: { name: 'h-cm' } } });
    expect((await call(server.url, 'DELETE', `${POD}/status`)).body).toMatchObject({ reason: 'MethodNotAllowed', code: 405 });
    expect((await call(server.url, 'POST', `${POD}/status`, { body: {} })).status).toBe(405);
    expect((await call(server.url, 'GET', '/api/v1/namespaces/default/configmaps/h-cm/status')).body).toMatchObject({ reason: 'NotFound', code: 404 });
    expect((await call(server.url, 'GET', `${POD}/log`)).status).toBe(404);
    expect((await call(server.url, 'GET', `${POD}/status/x`)).status).toBe(404);
    expect((await call(server.url, 'GET', '/api/v1/nodes/x/status')).body).toMatchObject({ reason: 'NotFound', message: 'nodes "x" not found' });
  });

  it('discovery lists pods/status, nodes/status, namespaces/status (legacy and aggregated)', async () => {
    const legacy = await call(server.url, 'GET', '/api/v1');
    expect(legacy.body.resources.filter((r: { name: string }) => r.name.includes('/'))).toEqual([
      { name: 'namespaces/status', singularName: '', namespaced: false, kind: 'Namespace', verbs: ['get', 'patch', 'update'] },
      { name: 'nodes/status', singularName: '', namespaced: false, kind: 'Node', verbs: ['get', 'patch', 'update'] },
      { name: 'pods/status', singularName: '', namespaced: true, kind: 'Pod', verbs: ['get', 'patch', 'update'] },
    ]);
    const aggregated = await call(server.url, 'GET', '/api', { headers: { Accept: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList' } });
    const pods = aggregated.body.items[0].versions[0].resources.find((r: { resource: string }) => r.resource === 'pods');
    expect(pods.subresources).toEqual([{ subresource: 'status', responseKind: { group: '', version: 'v1', kind: 'Pod' }, verbs: ['get', 'patch', 'update'] }]);
    const openapi = await call(server.url, 'GET', '/openapi/v3/api/v1');
    const status = openapi.body.paths['/api/v1/namespaces/{namespace}/pods/{name}/status'];
    expect([status.get.operationId, status.put.operationId, status.patch.operationId]).toEqual([
      'readCoreV1NamespacedPodStatus',
      'replaceCoreV1NamespacedPodStatus',
      'patchCoreV1NamespacedPodStatus',
    ]);
  });
});
