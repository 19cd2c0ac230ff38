/**
 * The controller package's HTTP ApiClient (`connect`) against the reference
 * host: every verb, the Status errors, watches, and the write ledger.
 */
import { connect, CONFIG_MAPS, type HttpApiClient, loadKubeconfig, NODES, type WatchEvent, type WriteRecord } from '@apiserver-kit/controller';
import { isStatusError, type ObjectShape, type StatusError } from '@apiserver-kit/codec';
import type { ConfigMap, Pod } from 'kubernetes-types/core/v1.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ApiServer, startApiServer } from '../src/index.js';

let server: ApiServer;
let api: HttpApiClient;

beforeEach(async () => {
  server = await startApiServer();
  api = connect({ kubeconfig: loadKubeconfig({ text: server.kubeconfig({ namespace: 'default' }) }) });
});
afterEach(async () => {
  await api.close();
  await server.close();
});

function pod(name: string, labels: Record<string, string> = {}): Pod {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, labels }, spec: { containers: [{ name: 'main', image: 'nginx' }] } };
}

function configMap(name: string, data: Record<string, string> = {}): ConfigMap {
  return { metadata: { name }, data };
}

async function failure(promise: Promise<unknown>): Promise<StatusError> {
  try {
    await promise;
  } catch (error) {
    if (isStatusError(error)) return error;
    throw error;
  }
  throw new Error('expected a StatusError');
}

/** The next `n` events of a watch (the iterator stays open). */
async function take<T extends ObjectShape>(events: AsyncIterator<WatchEvent<T>>, n: number): Promise<WatchEvent<T>[]> {
  const out: WatchEvent<T>[] = [];
  while (out.length < n) {
    const next = await events.next();
    if (next.done === true) throw new Error(`the watch ended after ${out.length} of ${n} events`);
    out.push(next.value);
  }
  return out;
}

function recordsOf(since = 0): readonly WriteRecord[] {
  return api.writes.since(since);
}

describe('connect() against the reference host (client-go typed clients)', () => {
  it('create, get, list (selectors, paging), update, patch (merge, json, strategic), delete — each write in the ledger', async () => {
    const pods = api.pods('default');
    const created = await pods.create(pod('web', { app: 'web' }));
    expect(created.metadata.uid).toBeTruthy();
    expect(created.kind).toBe('Pod');
    await pods.create(pod('db', { app: 'db' }));
    expect((await pods.get('web')).metadata.uid).toBe(created.metadata.uid);

    const all = await pods.list();
    expect(all.items.map((p) => p.metadata.name)).toEqual(['db', 'web']);
    expect(all.items[0]!.kind).toBe('Pod'); // restored on list items
    expect(Number(all.metadata.resourceVersion)).toBeGreaterThan(0);
    expect((await pods.list({ labelSelector: 'app=web' })).items.map((p) => p.metadata.name)).toEqual(['web']);
    expect((await pods.list({ fieldSelector: 'metadata.name=db' })).items.map((p) => p.metadata.name)).toEqual(['db']);
    const page = await pods.list({ limit: 1 });
    expect(page.items).toHaveLength(1);
    expect(page.metadata.continue).toBeTruthy();
    expect((await pods.list({ limit: 1, continue: page.metadata.continue })).items.map((p) => p.metadata.name)).toEqual(['web']);

    const updated = await pods.update({ ...created, metadata: { ...created.metadata, labels: { app: 'web', tier: 'front' } } });
    expect(updated.metadata.labels).toEqual({ app: 'web', tier: 'front' });
    const merged = await pods.patch('web', 'merge', { metadata: { annotations: { a: '1' } } });
    expect(merged.metadata.annotations).toEqual({ a: '1' });
    const jsonPatched = await pods.patch('web', 'json', [{ op: 'add', path: '/metadata/labels/x', value: 'y' }]);
    expect(jsonPatched.metadata.labels?.['x']).toBe('y');
    const strategic = await pods.patch('web', 'strategic', { spec: { containers: [{ name: 'main', image: 'nginx:2' }] } });
    expect(strategic.spec?.containers.map((c) => [c.name, c.image])).toEqual([['main', 'nginx:2']]);

    await pods.delete('db');
    await expect(pods.get('db')).rejects.toMatchObject({ reason: 'NotFound', code: 404 });

    const records = recordsOf();
    expect(records.map((r) => [r.resource, r.namespace, r.name, r.object === undefined ? 'delete' : 'write'])).toEqual([
      ['pods', 'default', 'web', 'write'],
      ['pods', 'default', 'db', 'write'],
      ['pods', 'default', 'web', 'write'],
      ['pods', 'default', 'web', 'write'],
      ['pods', 'default', 'web', 'write'],
      ['pods', 'default', 'web', 'write'],
      ['pods', 'default', 'db', 'delete'],
    ]);
    expect(records[0]!.revision).toBe(Number(created.metadata.resourceVersion));
    expect(records[5]!.revision).toBe(Number(strategic.metadata.resourceVersion));
    expect(records[0]!.uid).toBe(created.metadata.uid);
    // Revisions increase with the writes.
    expect(records.map((r) => r.revision)).toEqual([...records.map((r) => r.revision)].sort((a, b) => a - b));
  });

  it('a delete answered with the object (pods) records its resourceVersion; with a Status (configmaps) the revision of a consistent list after it and the uid from the details', async () => {
    const pods = api.pods('default');
    const created = await pods.create(pod('p'));
    await pods.delete('p');
    const podDelete = recordsOf().at(-1)!;
    expect(podDelete).toMatchObject({ resource: 'pods', name: 'p', uid: created.metadata.uid, object: undefined });
    expect(podDelete.revision).toBeGreaterThan(Number(created.metadata.resourceVersion));

    const maps = api.configMaps('default');
    const map = await maps.create(configMap('c', { k: 'v' }));
    const before = api.writes.revision;
    await maps.delete('c');
    const mapDelete = recordsOf().at(-1)!;
    expect(mapDelete).toMatchObject({ resource: 'configmaps', namespace: 'default', name: 'c', uid: map.metadata.uid, object: undefined });
    expect(mapDelete.revision).toBeGreaterThan(before);
    // The upper bound is the collection's revision right after the delete.
    const after = await maps.list();
    expect(mapDelete.revision).toBeLessThanOrEqual(Number(after.metadata.resourceVersion));
  });

  it('cluster-scoped resources (nodes) and typed objects written without kind/apiVersion', async () => {
    const node = await api.nodes().create({ metadata: { name: 'n1', labels: { zone: 'a' } } });
    expect(node.kind).toBe('Node');
    expect((await api.nodes().get('n1')).metadata.labels).toEqual({ zone: 'a' });
    await api.nodes().delete('n1');
    expect(recordsOf().map((r) => [r.resource, r.namespace, r.name])).toEqual([
      ['nodes', undefined, 'n1'],
      ['nodes', undefined, 'n1'],
    ]);
    expect(() => api.resource(NODES, 'default')).toThrow(/Expected `namespace` to be undefined for the cluster-scoped nodes/);
  });

  it('create in all namespaces takes metadata.namespace; without any namespace a TypeError', async () => {
    const anywhere = api.resource(CONFIG_MAPS);
    const created = await anywhere.create({ metadata: { name: 'x', namespace: 'kube-system' } });
    expect(created.metadata.namespace).toBe('kube-system');
    await expect(anywhere.create({ metadata: { name: 'y' } })).rejects.toThrow(/Expected `namespace` to be set to create configmaps/);
    await expect(anywhere.get('x')).rejects.toThrow(TypeError);
    expect((await anywhere.list()).items.map((c) => `${c.metadata.namespace}/${c.metadata.name}`)).toContain('kube-system/x');
  });

  it('errors are the server Status: 404 NotFound, 409 AlreadyExists, 409 Conflict on a stale update, 422 Invalid, 409 on a failed precondition', async () => {
    const pods = api.pods('default');
    const missing = await failure(pods.get('nope'));
    expect(missing).toMatchObject({ reason: 'NotFound', code: 404, message: 'pods "nope" not found' });
    expect(missing.details).toMatchObject({ name: 'nope', kind: 'pods' });

    const created = await pods.create(pod('web'));
    expect(await failure(pods.create(pod('web')))).toMatchObject({ reason: 'AlreadyExists', code: 409, message: 'pods "web" already exists' });

    await pods.patch('web', 'merge', { metadata: { labels: { v: '2' } } });
    const stale = await failure(pods.update({ ...created, metadata: { ...created.metadata, labels: { v: 'stale' } } }));
    expect(stale).toMatchObject({ reason: 'Conflict', code: 409 });
    expect(stale.message).toMatch(/the object has been modified; please apply your changes to the latest version and try again/);

    const invalid = await failure(pods.create(pod('Bad_Name')));
    expect(invalid).toMatchObject({ reason: 'Invalid', code: 422 });
    expect(invalid.details?.causes?.[0]?.field).toBe('metadata.name');

    const precondition = await failure(pods.delete('web', { preconditions: { uid: 'not-the-uid' } }));
    expect(precondition).toMatchObject({ reason: 'Conflict', code: 409 });
    expect(precondition.message).toMatch(/Precondition failed: UID in precondition: not-the-uid/);
    await pods.delete('web', { preconditions: { uid: created.metadata.uid, resourceVersion: undefined } });
    await expect(pods.get('web')).rejects.toMatchObject({ reason: 'NotFound' });

    const badPatch = await failure(pods.patch('nope', 'merge', {}));
    expect(badPatch).toMatchObject({ reason: 'NotFound', code: 404 });
    await expect(pods.patch('web', 'apply' as 'merge', {})).rejects.toThrow(/Expected `type` to be 'merge', 'json' or 'strategic'/);
    await expect(pods.get('')).rejects.toThrow(/Expected `name` to be a non-empty string/);
  });

  it('dryRun reaches the server (the host refuses it: 400) and nothing is recorded; fieldValidation=Strict refuses an unknown field', async () => {
    const pods = api.pods('default');
    expect(await failure(pods.create(pod('dry'), { dryRun: true }))).toMatchObject({ reason: 'BadRequest', code: 400, message: 'dryRun is not supported by this server' });
    await pods.create(pod('real'));
    expect(await failure(pods.delete('real', { dryRun: true }))).toMatchObject({ reason: 'BadRequest' });
    expect((await pods.get('real')).metadata.name).toBe('real');
    expect(recordsOf()).toHaveLength(1);
    const strict = await failure(pods.create({ ...pod('s'), bogus: 1 } as Pod, { fieldValidation: 'Strict' }));
    expect(strict).toMatchObject({ code: 400 });
    expect(strict.message).toMatch(/bogus/);
  });

  it('an unreachable server → ServiceUnavailable 503', async () => {
    const url = server.url;
    await server.close();
    const error = await failure(connect({ url }).pods('default').list());
    expect(error).toMatchObject({ reason: 'ServiceUnavailable', code: 503 });
    const watch = connect({ url }).pods('default').watch();
    await expect(take(watch[Symbol.asyncIterator](), 1)).rejects.toMatchObject({ reason: 'ServiceUnavailable' });
  });

  it('watch: ADDED, MODIFIED, DELETED in order from a resourceVersion, with selectors; close() ends the iteration', async () => {
    const pods = api.pods('default');
    const start = (await pods.list()).metadata.resourceVersion;
    const watch = pods.watch({ resourceVersion: start, labelSelector: 'app=web' });
    const events = watch[Symbol.asyncIterator]();
    await pods.create(pod('other', { app: 'db' }));
    const web = await pods.create(pod('web', { app: 'web' }));
    await pods.patch('web', 'merge', { metadata: { annotations: { a: '1' } } });
    await pods.delete('web');
    const seen = await take(events, 3);
    expect(seen.map((e) => [e.type, 'name' in e.object.metadata ? e.object.metadata.name : undefined])).toEqual([
      ['ADDED', 'web'],
      ['MODIFIED', 'web'],
      ['DELETED', 'web'],
    ]);
    expect(seen[0]!.object.metadata.resourceVersion).toBe(web.metadata.resourceVersion);
    const pending = events.next();
    watch.close();
    expect(await pending).toMatchObject({ done: true });
  });

  it('watch with sendInitialEvents: the state as ADDED, then a BOOKMARK annotated k8s.io/initial-events-end, then changes', async () => {
    const maps = api.configMaps('default');
    await maps.create(configMap('a'));
    await maps.create(configMap('b'));
    const controller = new AbortController();
    const watch = maps.watch({ sendInitialEvents: true, resourceVersionMatch: 'NotOlderThan', allowWatchBookmarks: true, signal: controller.signal });
    const events = watch[Symbol.asyncIterator]();
    const initial = await take(events, 3);
    expect(initial.map((e) => e.type)).toEqual(['ADDED', 'ADDED', 'BOOKMARK']);
    const bookmark = initial[2]!;
    expect(bookmark.object.metadata.annotations).toEqual({ 'k8s.io/initial-events-end': 'true' });
    expect(Number(bookmark.object.metadata.resourceVersion)).toBe(api.writes.revision);
    await maps.create(configMap('c'));
    expect((await take(events, 1))[0]).toMatchObject({ type: 'ADDED', object: { metadata: { name: 'c' } } });
    const pending = events.next();
    controller.abort();
    expect(await pending).toMatchObject({ done: true });
  });

  it('watch from a compacted or invalid resourceVersion → the Status (410 Expired / 400 BadRequest)', async () => {
    const bad = api.pods('default').watch({ resourceVersion: 'abc' });
    await expect(take(bad[Symbol.asyncIterator](), 1)).rejects.toMatchObject({ code: 400 });
  });

  it('close() ends open watches cleanly', async () => {
    const watch = api.pods().watch();
    const events = watch[Symbol.asyncIterator]();
    const pending = events.next();
    await api.close();
    expect(await pending).toMatchObject({ done: true });
  });

  it('updateStatus and patchStatus write the status subresource: the stored spec stays (podStatusStrategy.PrepareForUpdate)', async () => {
    const pods = api.pods('default');
    const created = await pods.create(pod('web'));
    const running = await pods.updateStatus({ ...created, spec: { containers: [{ name: 'main', image: 'ignored:1' }] }, status: { phase: 'Running' } });
    expect(running.status?.phase).toBe('Running');
    expect(running.spec?.containers[0]?.image).toBe('nginx');
    const patched = await pods.patchStatus('web', 'merge', { status: { phase: 'Succeeded' }, spec: { containers: [{ name: 'main', image: 'ignored:2' }] } });
    expect(patched.status?.phase).toBe('Succeeded');
    expect(patched.spec?.containers[0]?.image).toBe('nginx');
    // And the main resource keeps the stored status (podStrategy.PrepareForUpdate).
    const relabelled = await pods.update({ ...patched, metadata: { ...patched.metadata, labels: { a: 'b' } }, status: { phase: 'Failed' } });
    expect(relabelled.status?.phase).toBe('Succeeded');
    expect(recordsOf().map((r) => r.revision)).toEqual([created, running, patched, relabelled].map((o) => Number(o.metadata.resourceVersion)));
    const node = await api.nodes().create({ metadata: { name: 'n' } });
    const ready = await api.nodes().patchStatus('n', 'merge', { status: { conditions: [{ type: 'Ready', status: 'True' }] } });
    expect(ready.status?.conditions?.[0]?.type).toBe('Ready');
    expect(Number(ready.metadata.resourceVersion)).toBeGreaterThan(Number(node.metadata.resourceVersion));
    await expect(api.configMaps('default').updateStatus(configMap('no-status'))).rejects.toMatchObject({ reason: 'NotFound', code: 404 });
  });
});

