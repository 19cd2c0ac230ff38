/**
 * What the cache suites share: the shared pod fixture in key order (as a
 * storage list delivers it), a watch cache over it, the peers' stores over
 * the same frozen objects, and the correctness checks.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { type IndexDefinition, type CacheListOptions, type CacheListResult, namespaceIndex, WatchCache } from '@apiserver-kit/cache';
import { deepFreeze, type KubeObject } from '@apiserver-kit/codec';
import { ListWatch, type KubernetesListObject, type KubernetesObject, type Watch } from '@kubernetes/client-node';
import { makePod } from '../fixtures/pod.js';
import { assert } from '../lib/harness.js';
import { settledNow } from '../storage/store-fixture.js';

/** The peer's label, with the version pinned in benchmarks/package.json. */
export const CLIENT_NODE = '@kubernetes/client-node 1.4.0';

/** How many nodes the pods of {@link cachePods} are spread over (the list-by-field suite: 10 000 nodes × 10 pods). */
export const NODES = 10_000;
/** How many values label `group` takes: one value selects 1 % of the pods. */
export const GROUPS = 100;

/** The storage key of an object, as the watch cache files it by default. */
export function keyOf(object: KubeObject): string {
  return `/${object.kind === 'ConfigMap' ? 'configmaps' : 'pods'}/${object.metadata!.namespace!}/${object.metadata!.name!}`;
}

/**
 * `n` frozen pods of the shared fixture (`fixtures/pod.ts`), each with one more
 * label, `group: g<i % 100>` (1 % selectivity), and `spec.nodeName` spread over
 * {@link NODES} nodes; sorted by key, as a storage list delivers them (which is
 * also the order the cache allocates its entries in).
 */
export function cachePods(n: number): KubeObject[] {
  const pods: KubeObject[] = [];
  for (let i = 0; i < n; i++) {
    const pod = makePod(i) as KubeObject & { metadata: { labels: Record<string, string> }; spec: Record<string, unknown> };
    pod.metadata.labels['group'] = `g${i % GROUPS}`;
    pod.spec['nodeName'] = nodeName(i % NODES);
    pods.push(deepFreeze(pod));
  }
  return sortByKey(pods);
}

/** The name of node `i` of {@link cachePods}. */
export function nodeName(i: number): string {
  return `node-${String(i).padStart(5, '0')}.cluster.local`;
}

/** `objects` sorted by storage key (a copy). */
export function sortByKey<T extends KubeObject>(objects: readonly T[]): T[] {
  return objects
    .map((object) => ({ key: keyOf(object), object }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map((pair) => pair.object);
}

/**
 * `objects` in creation order (by resourceVersion; the fixture's pod `i` has
 * resourceVersion 1000 + i): the order in which watch events fill a store,
 * scrambled in key order since pod names carry a hash.
 */
export function creationOrder(objects: readonly KubeObject[]): KubeObject[] {
  return [...objects].sort((a, b) => Number(a.metadata!.resourceVersion) - Number(b.metadata!.resourceVersion));
}

/** A ready watch cache of `resource` holding `objects` at revision `revision`; close it when done (it holds a timer). */
export function filledCache(objects: readonly KubeObject[], indexes: readonly IndexDefinition[] = [namespaceIndex()], resource = 'pods', revision = 10_000_000): WatchCache {
  const cache = new WatchCache({ resource, indexes, bookmarkIntervalMs: 0 });
  cache.replace(objects, revision);
  return cache;
}

/** `key → object` in the order of `objects`: the floor's store. */
export function filledMap(objects: readonly KubeObject[]): Map<string, KubeObject> {
  const map = new Map<string, KubeObject>();
  for (const object of objects) map.set(keyOf(object), object);
  return map;
}

/** A peer informer with a hand to push watch events into it. */
export interface ClientNodeStore {
  readonly informer: ListWatch<KubernetesObject>;
  /** Delivers one watch event, as the peer's watch would. */
  readonly emit: (phase: 'ADDED' | 'MODIFIED' | 'DELETED', object: KubernetesObject) => void;
}

/**
 * `@kubernetes/client-node`'s informer cache (`ListWatch`, its `ObjectCache`:
 * a `Map` of namespace → name → object), filled by its own list-then-watch
 * path: `start()` calls the list function, then opens the (fake) watch, whose
 * event handler `emit` drives.
 */
export async function clientNodeStore(objects: readonly KubeObject[]): Promise<ClientNodeStore> {
  let handler: ((phase: string, object: unknown) => void) | undefined;
  const watch = {
    watch: (_path: string, _query: unknown, callback: (phase: string, object: unknown) => void): Promise<AbortController> => {
      handler = callback;
      return Promise.resolve(new AbortController());
    },
  } as unknown as Watch;
  const list = (): Promise<KubernetesListObject<KubernetesObject>> =>
    Promise.resolve({ apiVersion: 'v1', kind: 'List', metadata: { resourceVersion: '1' }, items: objects as unknown as KubernetesObject[] });
  const informer = new ListWatch<KubernetesObject>('/api/v1/pods', watch, list, false);
  await informer.start();
  assert(handler !== undefined, 'the informer opened no watch');
  const deliver = handler;
  return { informer, emit: (phase, object) => deliver(phase, object) };
}

/**
 * `cache.list(options)` for a read that completes within the call (resourceVersion
 * `"0"`: no wait, so the whole LIST runs synchronously before `list` returns).
 */
export function listNow(cache: WatchCache, options: CacheListOptions): Promise<CacheListResult> {
  return cache.list({ resourceVersion: '0', ...options });
}

/**
 * A task's check for {@link listNow}: the LIST completed within the call (so
 * the timing covers all of it); its items are checked by the suite's verify().
 */
export function assertListedNow(listed: Promise<CacheListResult>): void {
  assert(settledNow(listed) === 'fulfilled', `the list did not complete within the call (${settledNow(listed)})`);
}

/** Throws unless `items` are exactly `expected` (same instances, same order). */
export function assertSameObjects(items: readonly KubeObject[], expected: readonly KubeObject[], what: string): void {
  assert(items.length === expected.length, `${what}: ${items.length} objects, expected ${expected.length}`);
  for (let i = 0; i < items.length; i++) {
    if (items[i] !== expected[i]) throw new Error(`${what}: object ${i} is ${keyOf(items[i]!)}, expected ${keyOf(expected[i]!)}`);
  }
}

/** Throws unless `items` hold exactly the objects of `expected`, in any order. */
export function assertSameSet(items: readonly KubeObject[], expected: readonly KubeObject[], what: string): void {
  assert(items.length === expected.length, `${what}: ${items.length} objects, expected ${expected.length}`);
  const want = new Set(expected);
  for (const item of items) if (!want.has(item)) throw new Error(`${what}: unexpected object ${keyOf(item)}`);
}

/** The plain objects of a cache list, in order. */
export function objectsOf(result: CacheListResult): KubeObject[] {
  return result.items.map((item) => item.getObject());
}

/** Node's `gc()`, for heap measurements. */
export const collectGarbage: () => void = (() => {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
})();

/** Heap bytes in use after a full collection. */
export function heapAfterGc(): number {
  collectGarbage();
  collectGarbage();
  return process.memoryUsage().heapUsed;
}

/** Where timed tasks put their results, so that no result is dead code (the runner empties it after every suite). */
export { sink } from '../lib/harness.js';
