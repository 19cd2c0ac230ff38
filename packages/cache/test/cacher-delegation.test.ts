// What the cache cannot serve goes to storage: k8s.io/apiserver pkg/storage/cacher/delegator.go (CacheDelegator.GetList,
// CacheDelegator.Get, shouldDelegateList, shouldDelegateListOnNotReadyCache) and etcd3 errors.go handleCompactedErrorForPaging.
import { FakeClock, MemoryStorage } from '@apiserver-kit/storage';
import { afterEach, describe, expect, it } from 'vitest';
import { INCONSISTENT_CONTINUE_MESSAGE, type StatusError } from '@apiserver-kit/codec';
import {
  Cacher,
  type CacherOptions,
  decodeContinueToken,
  encodeContinueToken,
  encodeContinueTokenFrom,
  type ListerWatcher,
  storageListerWatcher,
} from '../src/index.js';
import { names, pod } from './helpers.js';

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

/** A storage holding pods p0…p4 in namespace `ns` (revisions 1…5), labels app=a on even ones. */
async function seeded(clock: FakeClock): Promise<MemoryStorage> {
  const storage = new MemoryStorage({ clock });
  for (let i = 0; i < 5; i++) await storage.create(`/pods/ns/p${i}`, pod({ ns: 'ns', name: `p${i}`, labels: { app: i % 2 === 0 ? 'a' : 'b' } }));
  return storage;
}

/** A Cacher over `storage` (its Reflector watching it, or `source`), started and ready. */
async function started(storage: MemoryStorage, clock: FakeClock, options: Partial<CacherOptions> & { source?: ListerWatcher } = {}): Promise<Cacher> {
  const cacher = new Cacher({
    resource: 'pods',
    clock,
    storage,
    source: storageListerWatcher(storage, '/pods/'),
    reflector: { progressIntervalMs: 0 },
    bookmarkIntervalMs: 0,
    ...options,
  });
  cacher.start();
  await cacher.onReady();
  cleanup = () => cacher.stop();
  return cacher;
}

/** `storage`'s pods as a source whose watches have `requestProgress` (or none: an HTTP-like source). */
function rewatched(storage: MemoryStorage, requestProgress?: () => void): ListerWatcher {
  const inner = storageListerWatcher(storage, '/pods/');
  return {
    list: (options) => inner.list(options),
    watch: (options) => {
      const watch = inner.watch(options);
      const wrapped = { [Symbol.asyncIterator]: () => watch[Symbol.asyncIterator](), close: () => watch.close() };
      return requestProgress === undefined ? wrapped : { ...wrapped, requestProgress };
    },
    currentRevision: () => storage.currentRevision(),
  };
}

async function failure(promise: Promise<unknown>): Promise<StatusError> {
  return promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (error: unknown) => error as StatusError,
  );
}

describe('Cacher.list — delegation to storage (delegator.go)', () => {
  it('Exact list at a revision storage still holds but the cache never had → served from storage, not 410', async () => {
    const clock = new FakeClock();
    const storage = await seeded(clock);
    await storage.delete('/pods/ns/p1'); // revision 6
    const cacher = await started(storage, clock); // history starts at 6
    const result = await cacher.list({ resourceVersion: '3', resourceVersionMatch: 'Exact' });
    expect(result.servedFrom).toBe('storage');
    expect(result.resourceVersion).toBe('3');
    expect(names(result.items)).toEqual(['ns/p0', 'ns/p1', 'ns/p2']);
    expect(cacher.metrics.listsDelegated.get('pods')).toBe(1);
    // Legacy exact match (limit with resourceVersion and no match): the same, paginated.
    const page = await cacher.list({ resourceVersion: '4', limit: 2 });
    expect(page).toMatchObject({ servedFrom: 'storage', resourceVersion: '4', remainingItemCount: 2 });
    expect(names(page.items)).toEqual(['ns/p0', 'ns/p1']);
    expect(page.continue).toBe(encodeContinueToken('/pods/ns/p1', '/pods/', 4, 2));
    // The next page continues at revision 4 from storage (the cache does not hold it): p1 is still there.
    const next = await cacher.list({ continue: page.continue!, limit: 2 });
    expect(next).toMatchObject({ servedFrom: 'storage', resourceVersion: '4' });
    expect(names(next.items)).toEqual(['ns/p2', 'ns/p3']);
    // A revision the cache holds is served by the cache.
    expect((await cacher.list({ resourceVersion: '6', resourceVersionMatch: 'Exact' })).servedFrom).toBe('cache');
  });

  it('a storage page has the cache page shape: items, resourceVersion, token text, remainingItemCount; selectors applied', async () => {
    const clock = new FakeClock();
    const storage = await seeded(clock);
    const cacher = await started(storage, clock);
    const fromCache = await cacher.list({ resourceVersion: '5', resourceVersionMatch: 'Exact', limit: 2 });
    expect(fromCache.servedFrom).toBe('cache');
    // Force storage: the same request against a cache that cannot serve it (a new one, history starting later).
    await storage.create('/configmaps/ns/x', { metadata: { name: 'x', namespace: 'ns' } }); // revision 6, not a pod
    const other = new Cacher({ resource: 'pods', clock, storage, bookmarkIntervalMs: 0 });
    other.cache.replace([], 6);
    const fromStorage = await other.list({ resourceVersion: '5', resourceVersionMatch: 'Exact', limit: 2 });
    expect(fromStorage.servedFrom).toBe('storage');
    const shape = (r: typeof fromCache): unknown => ({ items: names(r.items), rv: r.resourceVersion, token: r.continue, remaining: r.remainingItemCount });
    expect(shape(fromStorage)).toEqual(shape(fromCache));
    // Label and field selectors, with a limit: matching items only; the token names the last one returned.
    const selected = await other.list({ resourceVersion: '5', resourceVersionMatch: 'Exact', limit: 1, labelSelector: 'app=a', fieldSelector: 'metadata.name!=p0' });
    expect(names(selected.items)).toEqual(['ns/p2']);
    expect(selected.remainingItemCount).toBeUndefined();
    expect(decodeContinueToken(selected.continue!, '/pods/')).toEqual({ revision: 5, startKey: '/pods/ns/p2\u0000', remainingCount: 0 });
    const rest = await other.list({ continue: selected.continue!, limit: 1, labelSelector: 'app=a', fieldSelector: 'metadata.name!=p0' });
    expect(names(rest.items)).toEqual(['ns/p4']);
    expect(rest.continue).toBeUndefined();
    // A namespace scope: the prefix /pods/ns/.
    const scoped = await other.list({ resourceVersion: '5', resourceVersionMatch: 'Exact', namespace: 'other' });
    expect(scoped.items).toEqual([]);
    other.cache.close();
  });

  // One key per object, storage's (delegator.go lists from storage by key; etcd3 store.go GetList pages by the last key
  // it returned): an object stored without metadata.namespace under a namespaced key is paged under that key, not keyOf's.
  it('a storage page keys items with storage\'s keys (ListResult.keys), so an object without a namespace under /pods/ns/ continues there', async () => {
    const clock = new FakeClock();
    const storage = new MemoryStorage({ clock });
    for (let i = 0; i < 4; i++) await storage.create(`/pods/ns/q${i}`, { apiVersion: 'v1', kind: 'Pod', metadata: { name: `q${i}` } });
    const cacher = new Cacher({ resource: 'pods', clock, storage, bookmarkIntervalMs: 0 });
    cacher.cache.replace([], 4);
    const page = await cacher.list({ resourceVersion: '3', resourceVersionMatch: 'Exact', limit: 2 });
    expect(page.servedFrom).toBe('storage');
    expect(page.items.map((item) => item.getObject().metadata?.name)).toEqual(['q0', 'q1']);
    // keyOf would say /pods/q1 (no namespace), which sorts after every /pods/ns/ key: the next page would be empty.
    expect(decodeContinueToken(page.continue!, '/pods/')).toEqual({ revision: 3, startKey: '/pods/ns/q1\u0000', remainingCount: 1 });
    expect(page.remainingItemCount).toBe(1);
    const next = await cacher.list({ continue: page.continue!, limit: 2 });
    expect(next.items.map((item) => item.getObject().metadata?.name)).toEqual(['q2']);
    expect(next.continue).toBeUndefined();
    cacher.cache.close();
  });

  it('continue token whose revision storage compacted → 410 Expired with metadata.continue = a token of rv −1 (etcd3 handleCompactedErrorForPaging); that token continues at the latest revision', async () => {
    const clock = new FakeClock();
    const storage = await seeded(clock);
    const cacher = await started(storage, clock);
    await storage.guaranteedUpdate('/pods/ns/p3', (current) => ({ ...current!, metadata: { ...current!.metadata, labels: { app: 'c' } } })); // 6
    await storage.compact(6);
    const token = encodeContinueToken('/pods/ns/p1', '/pods/', 2);
    const error = await failure(cacher.list({ continue: token, limit: 2 }));
    expect([error.reason, error.code, error.message]).toEqual(['Expired', 410, INCONSISTENT_CONTINUE_MESSAGE]);
    const inconsistent = error.toStatus().metadata.continue;
    expect(inconsistent).toBe(encodeContinueTokenFrom('/pods/ns/p1\u0000', '/pods/', -1));
    expect(decodeContinueToken(inconsistent!, '/pods/')).toEqual({ revision: -1, startKey: '/pods/ns/p1\u0000', remainingCount: 0 });
    await tick();
    const latest = await cacher.list({ continue: inconsistent!, limit: 2 });
    expect(names(latest.items)).toEqual(['ns/p2', 'ns/p3']);
    expect(latest.resourceVersion).toBe('6');
    expect(latest.items[1]!.getObject().metadata?.labels).toEqual({ app: 'c' });
  });

  it('Exact list below storage compaction → storage answers 410 (no fallback to the latest state)', async () => {
    const clock = new FakeClock();
    const storage = await seeded(clock);
    await storage.compact(4);
    const cacher = await started(storage, clock);
    const error = await failure(cacher.list({ resourceVersion: '3', resourceVersionMatch: 'Exact' }));
    expect([error.reason, error.code]).toEqual(['Expired', 410]);
    expect(error.toStatus().metadata.continue).toBeUndefined();
  });

  it('consistent list on a source without requestProgress → storage at once (shouldDelegateList), not 504 after another resource was written', async () => {
    const clock = new FakeClock();
    const storage = await seeded(clock);
    // An HTTP-like source: its watch cannot report progress.
    const source = rewatched(storage);
    const cacher = await started(storage, clock, { source });
    await tick();
    await storage.create('/nodes/n1', { metadata: { name: 'n1' } }); // revision 6: the cache never sees it
    const result = await cacher.list({ labelSelector: 'app=b' });
    expect(result).toMatchObject({ servedFrom: 'storage', resourceVersion: '6' });
    expect(names(result.items)).toEqual(['ns/p1', 'ns/p3']);
  });

  it('consistent list whose wait times out → storage latest (delegator.go IsTooLargeResourceVersion fallback)', async () => {
    const clock = new FakeClock();
    const storage = await seeded(clock);
    // Claims progress support but never reports any.
    const source = rewatched(storage, () => {});
    const cacher = await started(storage, clock, { source, consistentReadTimeoutMs: 3000 });
    await storage.create('/nodes/n1', { metadata: { name: 'n1' } }); // revision 6
    const pending = cacher.list({ limit: 2 });
    await tick();
    clock.advance(3000);
    const result = await pending;
    expect(result).toMatchObject({ servedFrom: 'storage', resourceVersion: '6', remainingItemCount: 3 });
    expect(names(result.items)).toEqual(['ns/p0', 'ns/p1']);
    // Without storage the same wait is the cache's Timeout.
    const bare = new Cacher({ resource: 'pods', clock, source, reflector: { progressIntervalMs: 0 }, bookmarkIntervalMs: 0 });
    bare.start();
    await bare.onReady();
    await storage.create('/nodes/n2', { metadata: { name: 'n2' } }); // revision 7
    const timedOut = failure(bare.list());
    await tick();
    clock.advance(3000);
    expect((await timedOut).reason).toBe('Timeout');
    await bare.stop();
  });

  it('not ready: a list with a limit and no selector goes to storage (shouldDelegateListOnNotReadyCache); others get the cache answer', async () => {
    const clock = new FakeClock();
    const storage = await seeded(clock);
    const cacher = new Cacher({ resource: 'pods', clock, storage, bookmarkIntervalMs: 0 });
    const page = await cacher.list({ limit: 3 });
    expect(page).toMatchObject({ servedFrom: 'storage', resourceVersion: '5', remainingItemCount: 2 });
    expect(names(page.items)).toEqual(['ns/p0', 'ns/p1', 'ns/p2']);
    const error = await failure(cacher.list({ limit: 3, labelSelector: 'app=a' }));
    // The cache's not-ready answer (TooManyRequests 429 with Retry-After, as cacher.go).
    expect(['TooManyRequests', 'ServiceUnavailable']).toContain(error.reason);
    // Validation happens on the storage path too: Invalid 422.
    const invalid = await failure(cacher.list({ limit: 3, resourceVersionMatch: 'Exact' }));
    expect([invalid.reason, invalid.code]).toEqual(['Invalid', 422]);
    cacher.cache.close();
  });
});

describe('Cacher.get — GET resourceVersion semantics (delegator.go Get)', () => {
  it('unset → storage (the latest); "0" → the cache; "N" → waits for the cache to reach N; NotFound as Kubernetes', async () => {
    const clock = new FakeClock();
    const storage = await seeded(clock);
    // Fed directly, the cache lags storage: what each GET reads shows where it was served from.
    const cacher = new Cacher({ resource: 'pods', clock, storage, bookmarkIntervalMs: 0 });
    cacher.cache.replace([pod({ ns: 'ns', name: 'p0', rv: 1 })], 1);
    expect((await cacher.get('p4', { namespace: 'ns' })).getObject().metadata?.resourceVersion).toBe('5');
    expect((await cacher.get('p4', { namespace: 'ns', resourceVersion: '' })).getObject().metadata?.name).toBe('p4');
    const notCached = await failure(cacher.get('p4', { namespace: 'ns', resourceVersion: '0' }));
    expect([notCached.reason, notCached.code, notCached.message]).toEqual(['NotFound', 404, 'pods "p4" not found']);
    expect((await cacher.get('p0', { namespace: 'ns', resourceVersion: '0' })).getObject().metadata?.resourceVersion).toBe('1');
    let done = false;
    const waiting = cacher.get('p4', { namespace: 'ns', resourceVersion: '5' }).then((object) => {
      done = true;
      return object;
    });
    await tick();
    expect(done).toBe(false);
    cacher.cache.apply({ type: 'ADDED', object: pod({ ns: 'ns', name: 'p4', rv: 5 }), revision: 5 });
    expect((await waiting).getObject().metadata?.resourceVersion).toBe('5');
    const late = failure(cacher.get('p4', { namespace: 'ns', resourceVersion: '9' }));
    await tick();
    clock.advance(3000);
    const timedOut = await late;
    expect([timedOut.reason, timedOut.code]).toEqual(['Timeout', 504]);
    const bad = await failure(cacher.get('p4', { namespace: 'ns', resourceVersion: 'x' }));
    expect([bad.reason, bad.code]).toEqual(['BadRequest', 400]);
    cacher.cache.close();
  });

  it('without storage, unset is a consistent read of the cache; not ready with storage → storage', async () => {
    const clock = new FakeClock();
    const storage = await seeded(clock);
    const notReady = new Cacher({ resource: 'pods', clock, storage, bookmarkIntervalMs: 0 });
    expect((await notReady.get('p2', { namespace: 'ns', resourceVersion: '0' })).getObject().metadata?.name).toBe('p2');
    const bare = new Cacher({ resource: 'pods', clock, bookmarkIntervalMs: 0 });
    bare.cache.replace([pod({ ns: 'ns', name: 'a', rv: 1 })], 1);
    expect((await bare.get('a', { namespace: 'ns' })).getObject().metadata?.name).toBe('a');
    notReady.cache.close();
    bare.cache.close();
  });
});
