// The etcd-specific parts of EtcdStorage on a real etcd member: values as Kubernetes stores
// them (k8s\0 protobuf envelope, no resourceVersion inside), compaction, connection loss.
import { isStatusError, JsonEncoder, type KubeObject, LIST_TOO_OLD_MESSAGE, ProtobufEncoder, WATCH_TOO_OLD_MESSAGE } from '@apiserver-kit/codec';
import type { StorageEvent, StorageWatch } from '@apiserver-kit/storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EtcdStorage } from '../src/index.js';
import { type EtcdProcess, startEtcd } from '../src/testing.js';

let etcd: EtcdProcess;
let next = 0;
const opened: EtcdStorage[] = [];

beforeAll(async () => {
  etcd = await startEtcd();
});
afterAll(async () => {
  for (const storage of opened) storage.close();
  await etcd?.stop();
});

function store(options: { prefix?: string; codec?: ProtobufEncoder | JsonEncoder } = {}): EtcdStorage {
  const storage = new EtcdStorage({ endpoints: [...etcd.endpoints], prefix: options.prefix ?? `/unit-${next++}`, codec: options.codec, requestTimeoutMs: 2_000 });
  opened.push(storage);
  return storage;
}

const pod = (name: string, image = 'nginx'): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'ns', labels: { app: 'web' } },
  spec: { containers: [{ name: 'c', image }] },
});

async function rawValue(storage: EtcdStorage, key: string): Promise<Buffer> {
  const response = await storage.client.kv.range({ key: Buffer.from(storage.prefix + key) });
  return response.kvs[0]!.value;
}

/** The next change event (skips bookmarks). */
async function nextChange(watch: StorageWatch): Promise<StorageEvent> {
  for (;;) {
    const { value, done } = await watch[Symbol.asyncIterator]().next();
    if (done === true) throw new Error('watch ended');
    if (value.type !== 'BOOKMARK') return value;
  }
}

describe('EtcdStorage values', () => {
  it('keys under the prefix; values JSON without resourceVersion, which is the mod revision', async () => {
    const storage = store({ prefix: '/registry-json' });
    const created = await storage.create('/pods/ns/a', pod('a'));
    const raw = await rawValue(storage, '/pods/ns/a');
    const stored = JSON.parse(raw.toString('utf8')) as KubeObject;
    expect(stored.metadata?.resourceVersion).toBeUndefined();
    expect(stored.metadata?.uid).toBe(created.metadata.uid);
    const response = await storage.client.kv.range({ key: Buffer.from('/registry-json/pods/ns/a') });
    expect(created.metadata.resourceVersion).toBe(response.kvs[0]!.mod_revision);
  });

  // Kubernetes stores core objects as protobuf in etcd (runtime.Unknown in the k8s\0 envelope).
  it('protobuf codec → values in the k8s\\0 envelope, read back, listed and watched as objects', async () => {
    const storage = store({ codec: new ProtobufEncoder() });
    const watch = storage.watch('/pods/', { fromRevision: await storage.currentRevision() });
    const created = await storage.create('/pods/ns/a', pod('a'));
    const raw = await rawValue(storage, '/pods/ns/a');
    expect([...raw.subarray(0, 4)]).toEqual([0x6b, 0x38, 0x73, 0x00]);
    const decoded = new ProtobufEncoder().decode(raw);
    expect(decoded.metadata?.resourceVersion).toBeUndefined();
    expect(decoded.metadata?.name).toBe('a');
    expect(await storage.get('/pods/ns/a')).toEqual(created);
    expect((await storage.list('/pods/')).items).toEqual([created]);
    const updated = await storage.guaranteedUpdate('/pods/ns/a', (o) => ({ ...o!, spec: { containers: [{ name: 'c', image: 'nginx:2' }] } }));
    // Same bytes → no write (etcd3 store.go compares the encoding with the stored data).
    const same = await storage.guaranteedUpdate('/pods/ns/a', (o) => ({ ...o! }));
    expect(same).toEqual(updated);
    expect(await nextChange(watch)).toEqual({ type: 'ADDED', key: '/pods/ns/a', object: created, revision: Number(created.metadata.resourceVersion) });
    expect(await nextChange(watch)).toEqual({ type: 'MODIFIED', key: '/pods/ns/a', object: updated, prevObject: created, revision: Number(updated.metadata.resourceVersion) });
    watch.close();
  });

  it('protobuf codec and a kind it does not know → NotAcceptable, nothing written', async () => {
    const storage = store({ codec: new ProtobufEncoder() });
    const error = await storage.create('/widgets/ns/w', { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } }).catch((e: unknown) => e);
    expect(isStatusError(error, 'NotAcceptable')).toBe(true);
    expect((await storage.list('/')).items).toEqual([]);
  });

  it('a value the codec cannot decode (written by a JSON store, read by a protobuf one) → InternalError 500 naming the key', async () => {
    const prefix = `/mixed-${next++}`;
    await store({ prefix }).create('/pods/ns/a', pod('a'));
    const error = await store({ prefix, codec: new ProtobufEncoder() }).get('/pods/ns/a').catch((e: unknown) => e);
    expect(isStatusError(error) && [error.reason, error.code]).toEqual(['InternalError', 500]);
    expect((error as Error).message).toContain('unable to decode the object stored under "/pods/ns/a" with application/vnd.kubernetes.protobuf');
  });
});

describe('EtcdStorage compaction', () => {
  // etcd3 errors.go interpretListError / interpretWatchError.
  it('list and watch below etcd\'s compaction point → Expired 410 with Kubernetes\' messages; compactedRevision() finds it', async () => {
    const storage = store();
    const a = await storage.create('/pods/ns/a', pod('a'));
    const b = await storage.create('/pods/ns/b', pod('b'));
    // Another store compacts the same etcd: this one learns the point from etcd itself.
    await store().compact(Number(b.metadata.resourceVersion));
    expect(await storage.compactedRevision()).toBe(Number(b.metadata.resourceVersion));
    const listed = await storage.list('/pods/', { revision: Number(a.metadata.resourceVersion) }).catch((e: unknown) => e);
    expect(isStatusError(listed) && [listed.reason, listed.code, listed.message]).toEqual(['Expired', 410, LIST_TOO_OLD_MESSAGE]);
    const watch = storage.watch('/pods/', { fromRevision: Number(a.metadata.resourceVersion) });
    const watched = await watch[Symbol.asyncIterator]().next().catch((e: unknown) => e);
    expect(isStatusError(watched) && [watched.reason, watched.code, watched.message]).toEqual(['Expired', 410, WATCH_TOO_OLD_MESSAGE]);
  });

  it('a list larger than gRPC\'s default 4 MiB message limit is read whole (Kubernetes\' etcd client has no practical limit)', async () => {
    const storage = store();
    const blob = 'x'.repeat(64 * 1024);
    for (let i = 0; i < 80; i++) await storage.create(`/configmaps/ns/big-${String(i).padStart(2, '0')}`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `big-${String(i).padStart(2, '0')}`, namespace: 'ns' }, data: { blob } });
    const listed = await storage.list('/configmaps/');
    expect(listed.items).toHaveLength(80);
    expect(JSON.stringify(listed.items).length).toBeGreaterThan(5 * 1024 * 1024);
  });

  it('list with a limit → etcd range limit; nextKey is the first key not returned', async () => {
    const storage = store();
    for (const name of ['a', 'b', 'c']) await storage.create(`/pods/ns/${name}`, pod(name));
    const page = await storage.list('/pods/', { limit: 2 });
    expect(page.items.map((o) => o.metadata.name)).toEqual(['a', 'b']);
    expect(page.keys).toEqual(['/pods/ns/a', '/pods/ns/b']);
    expect(page).toMatchObject({ more: true, nextKey: '/pods/ns/c' });
  });
});

describe('EtcdStorage and a lost etcd', () => {
  it('etcd stopped → ServiceUnavailable 503 naming the endpoint; the watch waits, resumes from its last revision once etcd is back, missing nothing', async () => {
    const storage = store();
    const first = await storage.create('/pods/ns/a', pod('a'));
    const watch = storage.watch('/pods/', { fromRevision: Number(first.metadata.resourceVersion) - 1 });
    expect((await nextChange(watch)).revision).toBe(Number(first.metadata.resourceVersion));

    await etcd.stopMember(0);
    const failed = await storage.get('/pods/ns/a').catch((e: unknown) => e);
    expect(isStatusError(failed) && [failed.reason, failed.code]).toEqual(['ServiceUnavailable', 503]);
    expect((failed as Error).message).toContain(`etcd is unavailable (${etcd.endpoints[0]})`);
    const write = await storage.create('/pods/ns/b', pod('b')).catch((e: unknown) => e);
    expect(isStatusError(write, 'ServiceUnavailable')).toBe(true);

    await etcd.startMember(0);
    // The client skips a failed host for a second after three failures: retry until it serves.
    let second: KubeObject | undefined;
    for (let attempt = 0; second === undefined && attempt < 100; attempt++) {
      second = await storage.create('/pods/ns/b', pod('b')).catch(async (e: unknown) => {
        if (!isStatusError(e, 'ServiceUnavailable')) throw e;
        await new Promise((resolve) => setTimeout(resolve, 100));
        return undefined;
      });
    }
    const event = await nextChange(watch);
    expect(event).toMatchObject({ type: 'ADDED', key: '/pods/ns/b', revision: Number(second?.metadata?.resourceVersion) });
    const third = await storage.guaranteedUpdate('/pods/ns/a', (o) => ({ ...o!, spec: { containers: [{ name: 'c', image: 'v3' }] } }));
    expect((await nextChange(watch)).revision).toBe(Number(third.metadata.resourceVersion));
    watch.close();
  }, 60_000);

  it('a closed store → ServiceUnavailable 503; close() ends its watches', async () => {
    const storage = store();
    const watch = storage.watch('/pods/');
    storage.close();
    expect(await watch[Symbol.asyncIterator]().next()).toEqual({ done: true, value: undefined });
    const error = await storage.get('/pods/ns/a').catch((e: unknown) => e);
    expect(isStatusError(error, 'ServiceUnavailable')).toBe(true);
  });

  it('bad options → TypeError / BadRequest', () => {
    expect(() => new EtcdStorage({ endpoints: [] })).toThrow(TypeError);
    expect(() => new EtcdStorage({ prefix: '/registry/' })).toThrow('invalid prefix "/registry/": must not end with "/" (storage keys start with one)');
    expect(() => new EtcdStorage({ requestTimeoutMs: 0 })).toThrow(RangeError);
  });
});
