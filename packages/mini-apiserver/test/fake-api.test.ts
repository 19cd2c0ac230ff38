import { getEventListeners } from 'node:events';
/**
 * createFakeApi: every verb of the ResourceClient contract over the host's
 * registry, in process — generateName, name validation with Kubernetes'
 * messages, selectors and paging, the three patch types, delete
 * preconditions, watch, the write ledger, seeding, and the host's errors.
 */
import { isStatusError, type ObjectShape } from '@apiserver-kit/codec';
import { CONFIG_MAPS, NAMESPACES, NODES, PODS, resourceType, type WatchEvent } from '@apiserver-kit/controller';
import { FakeClock } from '@apiserver-kit/core';
import type { ConfigMap, Pod } from 'kubernetes-types/core/v1.js';
import { afterEach, describe, expect, it } from 'vitest';
import { createFakeApi, type FakeApi } from '../src/index.js';

const SUBDOMAIN_MESSAGE =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL_MESSAGE =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";

let api: FakeApi | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

function pod(name: string, extra: { labels?: Record<string, string>; nodeName?: string; namespace?: string } = {}): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, ...(extra.namespace === undefined ? {} : { namespace: extra.namespace }), ...(extra.labels === undefined ? {} : { labels: extra.labels }) },
    spec: { ...(extra.nodeName === undefined ? {} : { nodeName: extra.nodeName }), containers: [{ name: 'main', image: 'nginx' }] },
  };
}

function configMap(name: string, data: Record<string, string> = {}): ConfigMap {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data };
}

/** The StatusError a promise rejects with. */
async function failure(promise: Promise<unknown>): Promise<{ reason: string; code: number; message: string }> {
  try {
    await promise;
  } catch (error) {
    if (isStatusError(error)) return { reason: error.reason, code: error.code, message: error.message };
    throw error;
  }
  throw new Error('expected a StatusError');
}

/** Reads `count` events of a watch stream. */
async function take<T extends ObjectShape>(stream: AsyncIterable<WatchEvent<T>>, count: number): Promise<WatchEvent<T>[]> {
  const events: WatchEvent<T>[] = [];
  if (count === 0) return events;
  for await (const event of stream) {
    events.push(event);
    if (events.length === count) break;
  }
  return events;
}

describe('createFakeApi() — create, get, update, delete', () => {
  it('a pod round trip: the server fills uid, creationTimestamp (the clock), resourceVersion and the Pending status', async () => {
    const clock = new FakeClock(Date.parse('2024-05-01T10:00:00Z'));
    api = await createFakeApi({ clock });
    const pods = api.pods('default');
    const created = await pods.create(pod('web-0'));
    expect(created.metadata).toMatchObject({ name: 'web-0', namespace: 'default', creationTimestamp: '2024-05-01T10:00:00Z' });
    expect(created.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    // podStrategy.PrepareForCreate: Pending, with the QoS class.
    expect(created.status).toEqual({ phase: 'Pending', qosClass: 'BestEffort' });
    expect(Object.isFrozen(created)).toBe(true);
    expect(await pods.get('web-0')).toEqual(created);

    const updated = await pods.update({ ...created, metadata: { ...created.metadata, labels: { app: 'web' } } });
    expect(updated.metadata.labels).toEqual({ app: 'web' });
    expect(Number(updated.metadata.resourceVersion)).toBeGreaterThan(Number(created.metadata.resourceVersion));
    expect(updated.metadata.uid).toBe(created.metadata.uid);

    await pods.delete('web-0');
    expect(await failure(pods.get('web-0'))).toEqual({ reason: 'NotFound', code: 404, message: 'pods "web-0" not found' });
  });

  it('create with generateName: apimachinery SimpleNameGenerator (5 characters, no vowels), from the given random', async () => {
    api = await createFakeApi({ random: () => 0 });
    const created = await api.configMaps('default').create({ metadata: { generateName: 'settings-' } });
    expect(created.metadata.name).toBe('settings-bbbbb');
    // A clash of generated names is retried with a new name (generic Store.Create), here the same one 8 times: AlreadyExists.
    expect(await failure(api.configMaps('default').create({ metadata: { generateName: 'settings-' } }))).toEqual({
      reason: 'AlreadyExists',
      code: 409,
      message: 'configmaps "settings-bbbbb" already exists',
    });
  });

  it('a clash of generated names is retried with the next name', async () => {
    const sequence = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0.99, 0.99, 0.99, 0.99, 0.99];
    let i = 0;
    api = await createFakeApi({ random: () => sequence[i++ % sequence.length]! });
    await api.configMaps('default').create({ metadata: { generateName: 'x-' } });
    const second = await api.configMaps('default').create({ metadata: { generateName: 'x-' } });
    expect(second.metadata.name).toBe('x-99999');
  });

  it('name validation: ValidateObjectMeta with NameIsDNSSubdomain (pods, nodes, configmaps) and ValidateNamespaceName (DNS-1123 label)', async () => {
    api = await createFakeApi();
    expect(await failure(api.pods('default').create(pod('Web_0')))).toEqual({
      reason: 'Invalid',
      code: 422,
      message: `Pod "Web_0" is invalid: metadata.name: Invalid value: "Web_0": ${SUBDOMAIN_MESSAGE}`,
    });
    expect(await failure(api.namespaces().create({ metadata: { name: 'team.a' } }))).toEqual({
      reason: 'Invalid',
      code: 422,
      message: `Namespace "team.a" is invalid: metadata.name: Invalid value: "team.a": ${LABEL_MESSAGE}`,
    });
    const long = 'n'.repeat(64);
    expect((await failure(api.namespaces().create({ metadata: { name: long } }))).message).toBe(
      `Namespace "${long}" is invalid: metadata.name: Invalid value: "${long}": must be no more than 63 characters`,
    );
    // A dot is fine in a subdomain (nodes are often FQDNs).
    expect((await api.nodes().create({ metadata: { name: 'node-1.example.com' } })).metadata.name).toBe('node-1.example.com');
    expect(await failure(api.configMaps('default').create({ metadata: {} }))).toEqual({
      reason: 'Invalid',
      code: 422,
      message: 'ConfigMap "" is invalid: metadata.name: Required value: name or generateName is required',
    });
  });

  it('generateName is validated as a prefix (maskTrailingDash), and the generated name too', async () => {
    api = await createFakeApi({ random: () => 0 });
    // A trailing dash is allowed in a prefix.
    expect((await api.pods('default').create({ ...pod(''), metadata: { generateName: 'web-' } })).metadata.name).toBe('web-bbbbb');
    const refused = await failure(api.pods('default').create({ ...pod(''), metadata: { generateName: 'Web-' } }));
    expect(refused.code).toBe(422);
    expect(refused.message).toBe(
      `Pod "Web-bbbbb" is invalid: [metadata.generateName: Invalid value: "Web-": ${SUBDOMAIN_MESSAGE}, metadata.name: Invalid value: "Web-bbbbb": ${SUBDOMAIN_MESSAGE}]`,
    );
  });

  it('NamespaceLifecycle: a create in a missing namespace → NotFound; the system namespaces exist and are not deletable', async () => {
    api = await createFakeApi();
    expect(await failure(api.pods('nowhere').create(pod('p')))).toEqual({ reason: 'NotFound', code: 404, message: 'namespaces "nowhere" not found' });
    expect((await api.namespaces().list()).items.map((ns) => ns.metadata.name)).toEqual(['default', 'kube-node-lease', 'kube-public', 'kube-system']);
    expect(await failure(api.namespaces().delete('kube-system'))).toEqual({
      reason: 'Forbidden',
      code: 403,
      message: 'namespaces "kube-system" is forbidden: this namespace may not be deleted',
    });
  });

  it('the namespace of the object must be the client\'s (EnsureObjectNamespaceMatchesRequestNamespace); a client without one uses the object\'s', async () => {
    api = await createFakeApi();
    expect(await failure(api.pods('default').create(pod('p', { namespace: 'kube-system' })))).toEqual({
      reason: 'BadRequest',
      code: 400,
      message: 'the namespace of the provided object does not match the namespace sent on the request',
    });
    expect((await api.pods().create(pod('p', { namespace: 'kube-system' }))).metadata.namespace).toBe('kube-system');
    // A named request of a namespaced kind without a namespace, or a cluster-scoped kind in a namespace: no such path.
    expect(await failure(api.pods().get('p'))).toMatchObject({ reason: 'NotFound', code: 404, message: 'the server could not find the requested resource' });
    expect(await failure(api.resource(NODES, 'default').list())).toMatchObject({ reason: 'NotFound', code: 404 });
  });

  it('update: optimistic concurrency (a stale resourceVersion → Conflict), a uid precondition, the name must match', async () => {
    api = await createFakeApi();
    const maps = api.configMaps('default');
    const created = await maps.create(configMap('settings', { a: '1' }));
    await maps.update({ ...created, data: { a: '2' } });
    expect(await failure(maps.update({ ...created, data: { a: '3' } }))).toEqual({
      reason: 'Conflict',
      code: 409,
      message: 'Operation cannot be fulfilled on configmaps "settings": the object has been modified; please apply your changes to the latest version and try again',
    });
    // Without a resourceVersion: an unconditional update.
    const { resourceVersion: _, ...metadata } = created.metadata;
    expect((await maps.update({ ...created, metadata, data: { a: '4' } })).data).toEqual({ a: '4' });
    expect((await failure(maps.update({ ...created, metadata: { ...metadata, uid: 'other' } }))).reason).toBe('Conflict');
    expect(await failure(maps.update(configMap('missing')))).toEqual({ reason: 'NotFound', code: 404, message: 'configmaps "missing" not found' });
  });

  it('delete with preconditions (uid, resourceVersion) → Conflict with the storage\'s message', async () => {
    api = await createFakeApi();
    const maps = api.configMaps('default');
    const created = await maps.create(configMap('doomed'));
    expect(await failure(maps.delete('doomed', { preconditions: { uid: 'not-the-uid' } }))).toEqual({
      reason: 'Conflict',
      code: 409,
      message: `Operation cannot be fulfilled on configmaps "doomed": Precondition failed: UID in precondition: not-the-uid, UID in object meta: ${created.metadata.uid}`,
    });
    expect((await failure(maps.delete('doomed', { preconditions: { resourceVersion: '1' } }))).reason).toBe('Conflict');
    await maps.delete('doomed', { preconditions: { uid: created.metadata.uid, resourceVersion: created.metadata.resourceVersion } });
    expect((await failure(maps.delete('doomed'))).reason).toBe('NotFound');
  });

  it('dryRun is refused as the host refuses it; fieldValidation=Strict refuses unknown fields', async () => {
    api = await createFakeApi();
    expect(await failure(api.configMaps('default').create(configMap('x'), { dryRun: true }))).toEqual({ reason: 'BadRequest', code: 400, message: 'dryRun is not supported by this server' });
    const strict = await failure(api.configMaps('default').create({ ...configMap('x'), dat: {} } as ConfigMap, { fieldValidation: 'Strict' }));
    expect(strict).toEqual({ reason: 'BadRequest', code: 400, message: 'ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: unknown field "dat"' });
    // Warn (the default) and Ignore drop the field, as decoding into the typed object does.
    expect(await api.configMaps('default').create({ ...configMap('x'), dat: {} } as ConfigMap)).not.toHaveProperty('dat');
  });

  it('bad arguments are TypeErrors with the blocks\' message', async () => {
    api = await createFakeApi();
    await expect(api.pods('default').get('')).rejects.toThrow(new TypeError('Expected `name` to be a non-empty string, got `""` (string)'));
    await expect(api.pods('default').patch('p', 'apply' as 'merge', {})).rejects.toThrow(TypeError);
    await expect(createFakeApi({ objects: [{ apiVersion: 'v1', kind: 'Widget', metadata: { name: 'w' } }] })).rejects.toThrow(TypeError);
  });

  it('an unserved resource: NotFound 404 from every verb; after close(): ServiceUnavailable 503', async () => {
    api = await createFakeApi();
    const widgets = api.resource(resourceType({ group: 'example.com', version: 'v1', resource: 'widgets', kind: 'Widget', namespaced: true }), 'default');
    expect(await failure(widgets.list())).toEqual({ reason: 'NotFound', code: 404, message: 'the server could not find the requested resource' });
    await api.close();
    expect(await failure(api.pods('default').list())).toEqual({ reason: 'ServiceUnavailable', code: 503, message: 'apiserver is shutting down' });
  });
});

describe('createFakeApi() — list with selectors and paging', () => {
  it('label and field selectors, namespace scope, limit/continue with remainingItemCount', async () => {
    api = await createFakeApi({
      objects: [
        pod('a', { namespace: 'team-a', labels: { app: 'web' }, nodeName: 'n1' }),
        pod('b', { namespace: 'team-a', labels: { app: 'db' }, nodeName: 'n2' }),
        pod('c', { namespace: 'team-b', labels: { app: 'web' }, nodeName: 'n1' }),
      ],
    });
    const names = (list: { items: readonly { metadata: { name: string } }[] }): string[] => list.items.map((item) => item.metadata.name);
    expect(names(await api.pods().list({ labelSelector: 'app=web' }))).toEqual(['a', 'c']);
    expect(names(await api.pods().list({ fieldSelector: 'spec.nodeName=n1' }))).toEqual(['a', 'c']);
    expect(names(await api.pods('team-a').list({ labelSelector: 'app in (web,db)', fieldSelector: 'spec.nodeName!=n1' }))).toEqual(['b']);
    const first = await api.pods().list({ limit: 2 });
    expect(names(first)).toEqual(['a', 'b']);
    expect(first.metadata.remainingItemCount).toBe(1);
    const second = await api.pods().list({ limit: 2, continue: first.metadata.continue });
    expect(names(second)).toEqual(['c']);
    expect(second.metadata.continue).toBeUndefined();
    expect(second.metadata.resourceVersion).toBe(first.metadata.resourceVersion);
    expect((await failure(api.pods().list({ labelSelector: 'app in (' }))).reason).toBe('BadRequest');
    expect((await failure(api.pods().list({ fieldSelector: 'spec.unknown=x' }))).reason).toBe('BadRequest');
    expect(await failure(api.pods().list({ limit: -1 }))).toEqual({ reason: 'BadRequest', code: 400, message: 'limit: Invalid value: -1: must be greater than or equal to 0' });
  });

  it('seeding: namespaces first, a missing one created (plain), objects in order, every write in the ledger', async () => {
    api = await createFakeApi({
      objects: [pod('p', { namespace: 'implicit' }), { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'given', labels: { team: 'x' } } }, pod('q', { namespace: 'given' })],
    });
    expect((await api.namespaces().get('given')).metadata.labels).toEqual({ team: 'x' });
    expect((await api.namespaces().get('implicit')).metadata.labels).toBeUndefined();
    expect(api.writes.since(0).map((record) => `${record.resource} ${record.namespace ?? ''}/${record.name}`)).toEqual([
      'namespaces /given',
      'namespaces /implicit',
      'pods implicit/p',
      'pods given/q',
    ]);
  });
});

describe('createFakeApi() — patch', () => {
  it('merge, JSON and strategic merge patches, as the host applies them', async () => {
    api = await createFakeApi();
    const pods = api.pods('default');
    await pods.create({ ...pod('p'), spec: { containers: [{ name: 'main', image: 'nginx' }, { name: 'side', image: 'busybox' }] } });
    const merged = await pods.patch('p', 'merge', { metadata: { labels: { a: '1' } } });
    expect(merged.metadata.labels).toEqual({ a: '1' });
    const json = await pods.patch('p', 'json', [{ op: 'add', path: '/metadata/labels/b', value: '2' }]);
    expect(json.metadata.labels).toEqual({ a: '1', b: '2' });
    // Strategic merge: containers merge by name (a merge patch would replace the list).
    const strategic = await pods.patch('p', 'strategic', { spec: { containers: [{ name: 'side', image: 'alpine' }] } });
    expect(strategic.spec?.containers.map((c) => `${c.name}=${c.image}`)).toEqual(['main=nginx', 'side=alpine']);
    // A failed JSON patch test: Invalid with the host's message; a stale resourceVersion in the patch: Conflict.
    expect((await failure(pods.patch('p', 'json', [{ op: 'test', path: '/metadata/name', value: 'q' }]))).reason).toBe('Invalid');
    expect((await failure(pods.patch('p', 'merge', { metadata: { resourceVersion: '1' } }))).reason).toBe('Conflict');
    // The patcher's own check of the name (the URL's).
    expect(await failure(pods.patch('p', 'merge', { metadata: { name: 'q' } }))).toEqual({ reason: 'BadRequest', code: 400, message: 'the name of the object (q) does not match the name on the URL (p)' });
    expect((await failure(pods.patch('missing', 'merge', {}))).reason).toBe('NotFound');
  });
});

describe('createFakeApi() — watch', () => {
  it('typed events of the Cacher from a resourceVersion, in the client\'s scope; close() ends it', async () => {
    api = await createFakeApi({ objects: [pod('old')] });
    const pods = api.pods('default');
    const { metadata } = await pods.list();
    const stream = pods.watch({ resourceVersion: metadata.resourceVersion, labelSelector: 'app=web' });
    const events = take(stream, 3);
    await pods.create(pod('ignored'));
    const created = await pods.create(pod('w', { labels: { app: 'web' } }));
    await pods.patch('w', 'merge', { metadata: { annotations: { x: 'y' } } });
    await pods.delete('w');
    const seen = await events;
    expect(seen.map((event) => `${event.type} ${event.object.metadata.resourceVersion}`)).toEqual([
      `ADDED ${created.metadata.resourceVersion}`,
      `MODIFIED ${Number(created.metadata.resourceVersion) + 1}`,
      `DELETED ${Number(created.metadata.resourceVersion) + 2}`,
    ]);
    stream.close();
  });

  it('sendInitialEvents: ADDED of the state, then the initial-events-end bookmark', async () => {
    api = await createFakeApi({ objects: [configMap('a'), configMap('b')].map((c) => ({ ...c, metadata: { ...c.metadata, namespace: 'default' } })) });
    const stream = api.configMaps('default').watch({ sendInitialEvents: true, resourceVersionMatch: 'NotOlderThan', allowWatchBookmarks: true });
    const seen = await take(stream, 3);
    expect(seen.map((event) => event.type)).toEqual(['ADDED', 'ADDED', 'BOOKMARK']);
    expect(seen[2]!.object.metadata.annotations).toEqual({ 'k8s.io/initial-events-end': 'true' });
    stream.close();
  });

  it('a revision older than the cache\'s history → the iteration rejects with Expired 410 (as the host\'s ERROR event); a signal ends the watch', async () => {
    api = await createFakeApi();
    const old = api.configMaps('default').watch({ resourceVersion: '1' });
    const error = await take(old, 1).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(isStatusError(error, 'Expired')).toBe(true);
    expect((error as Error).message).toMatch(/^too old resource version: 1 \(\d+\)$/);
    const abort = new AbortController();
    const quiet = api.nodes().watch({ signal: abort.signal });
    const ended = take(quiet, 1);
    abort.abort();
    expect(await ended).toEqual([]);
  });

  it('a closed watch leaves no listener on the caller\'s signal (one signal shared by many watches does not grow)', async () => {
    api = await createFakeApi();
    const abort = new AbortController();
    for (let i = 0; i < 20; i++) {
      const stream = api.pods('default').watch({ signal: abort.signal });
      stream.close();
    }
    const iterated = api.pods('default').watch({ signal: abort.signal, resourceVersion: '0' });
    const ended = take(iterated, 100);
    await new Promise((resolve) => setImmediate(resolve));
    iterated.close();
    await ended;
    expect(getEventListeners(abort.signal, 'abort')).toHaveLength(0);
  });
});

describe('createFakeApi() — the write ledger', () => {
  it('records every successful write with resource, namespace, name, uid, revision and the object after; a delete with its revision', async () => {
    api = await createFakeApi();
    const before = api.writes.revision;
    const created = await api.pods('default').create(pod('p'));
    const patched = await api.pods('default').patchStatus('p', 'merge', { status: { phase: 'Running' } });
    await failure(api.pods('default').create(pod('p')));
    await api.pods('default').delete('p');
    const node = await api.nodes().create({ metadata: { name: 'n' } });
    const records = api.writes.since(before);
    expect(records.map(({ resource, namespace, name, uid }) => ({ resource, namespace, name, uid }))).toEqual([
      { resource: 'pods', namespace: 'default', name: 'p', uid: created.metadata.uid },
      { resource: 'pods', namespace: 'default', name: 'p', uid: created.metadata.uid },
      { resource: 'pods', namespace: 'default', name: 'p', uid: created.metadata.uid },
      { resource: 'nodes', namespace: undefined, name: 'n', uid: node.metadata.uid },
    ]);
    expect(records.map((record) => record.revision)).toEqual([1, 2, 3, 4].map((i) => Number(created.metadata.resourceVersion) + i - 1));
    expect(records[0]!.object).toBe(created);
    expect(records[1]!.object).toBe(patched);
    expect(records[2]!.object).toBeUndefined();
    // The delete's revision is the storage's.
    expect(records[2]!.revision).toBe(await api.storage.currentRevision() - 1);
  });

  it('listerWatcher(): cacherListerWatcher over the fake API\'s Cacher, in a scope', async () => {
    api = await createFakeApi({ objects: [pod('a', { namespace: 'x', labels: { app: 'web' } }), pod('b', { namespace: 'x' }), pod('c', { namespace: 'y', labels: { app: 'web' } })] });
    const source = api.listerWatcher(PODS, { namespace: 'x', labelSelector: 'app=web' });
    const list = await source.list({});
    expect(list.items.map((item) => item.metadata?.name)).toEqual(['a']);
    expect(list.revision).toBe(api.writes.revision);
    expect(() => api!.listerWatcher(NAMESPACES, { namespace: 'x' })).toThrow(TypeError);
    expect(() => api!.listerWatcher(resourceType({ group: 'x', version: 'v1', resource: 'w', kind: 'W', namespaced: false }))).toThrow(expect.objectContaining({ reason: 'NotFound' }));
    void CONFIG_MAPS;
  });
});
