/**
 * Type fixture (never run): storage, cache and codec typed by the object type,
 * with kubernetes-types' interfaces and no casts. `MemoryStorage<Pod>`,
 * `WatchCache<Pod>` and `Cacher<Pod>` return `Stored<Pod>` (name and
 * resourceVersion present); the `@ts-expect-error` lines prove that a wrong
 * type is refused. The untyped default (`KubeObject`) keeps compiling.
 * `tsc --noEmit -p test/types/tsconfig.json` must exit 0.
 */
import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import { CachingObject, CachingWatchEvent, type KubeObject, type Stored } from '@apiserver-kit/codec';
import { type ListResult, MemoryStorage, type Storage, type StorageEvent, type UpdateFunction } from '@apiserver-kit/storage';
import {
  type CacheEvent,
  type CacheListResult,
  Cacher,
  type CacherListResult,
  type CacherStorage,
  customIndex,
  fieldIndex,
  type IndexDefinition,
  labelIndex,
  namespaceIndex,
  type ListerWatcher,
  type ReflectorStore,
  storageListerWatcher,
  WatchCache,
} from '@apiserver-kit/cache';

const pod: Pod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web-1', namespace: 'ns', labels: { app: 'web' } },
  spec: { containers: [{ name: 'web', image: 'nginx' }], nodeName: 'node-1' },
};
const node: Node = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-1' }, spec: { unschedulable: false } };

export async function typedStorage(): Promise<string[]> {
  const storage = new MemoryStorage<Pod>();
  const created: Stored<Pod> = await storage.create('/pods/ns/web-1', pod);
  const name: string = (await storage.get('/pods/ns/web-1')).metadata.name;
  const resourceVersion: string = created.metadata.resourceVersion;
  const nodeName: string | undefined = (await storage.get('/pods/ns/web-1')).spec?.nodeName;
  const list: ListResult<Pod> = await storage.list('/pods/');
  const images: (string | undefined)[] = list.items.map((p) => p.spec?.containers[0]?.image);

  // tryUpdate gets the stored Pod (or undefined) and returns a Pod.
  const moved = await storage.guaranteedUpdate('/pods/ns/web-1', (current) => ({ ...current!, spec: { ...current!.spec!, nodeName: 'node-2' } }));
  const movedTo: string | undefined = moved.spec?.nodeName;
  const relabel: UpdateFunction<Pod> = (current: Stored<Pod> | undefined): Pod => ({ ...pod, metadata: { ...current?.metadata, labels: { app: 'db' } } });
  await storage.guaranteedUpdate('/pods/ns/web-1', relabel, { ignoreNotFound: true });

  const watch = storage.watch('/pods/', { fromRevision: 0 });
  for await (const event of watch) {
    const typedEvent: StorageEvent<Pod> = event;
    if (typedEvent.type !== 'BOOKMARK') {
      const object: Stored<Pod> = typedEvent.object;
      const phase: string | undefined = object.status?.phase;
      void phase;
    }
    if (typedEvent.type === 'MODIFIED') void typedEvent.prevObject.metadata.resourceVersion.length;
    break;
  }
  const deleted: Stored<Pod> = await storage.delete('/pods/ns/web-1');
  const asContract: Storage<Pod> = storage;
  const asCacherStorage: CacherStorage<Pod> = storage;
  void [asContract, asCacherStorage, deleted];

  // @ts-expect-error a Node is not a Pod
  await storage.create('/pods/ns/node-1', node);
  // @ts-expect-error tryUpdate must return a Pod
  await storage.guaranteedUpdate('/pods/ns/web-1', () => node);
  // @ts-expect-error a Pod has no spec.unschedulable
  void (await storage.get('/pods/ns/web-1')).spec?.unschedulable;
  // @ts-expect-error the items are Pods, not Nodes
  const nodes: readonly Stored<Node>[] = list.items;
  // @ts-expect-error a Storage<Pod> is not a Storage<Node>
  const nodeStorage: Storage<Node> = storage;
  void [nodes, nodeStorage];

  return [name, resourceVersion, nodeName ?? '', movedTo ?? '', ...images.map(String)];
}

export async function typedWatchCache(): Promise<void> {
  const byNode: IndexDefinition<Pod> = customIndex<Pod>('node', (entry) => entry.object.getObject().spec?.nodeName);
  const cache = new WatchCache<Pod>({
    resource: 'pods',
    indexes: [namespaceIndex(), labelIndex('app'), fieldIndex('spec.nodeName'), byNode],
    keyOf: (object: Stored<Pod>) => `/pods/${object.metadata.namespace ?? ''}/${object.metadata.name}`,
  });
  cache.replace([pod, new CachingObject<Pod>(pod)], 1);
  const event: CacheEvent<Pod> = { type: 'MODIFIED', object: { ...pod, spec: { containers: [], nodeName: 'node-2' } }, revision: 2 };
  cache.apply(event);

  const nodeName: string | undefined = cache.get('/pods/ns/web-1')?.getObject().spec?.nodeName;
  const name: string | undefined = cache.get('/pods/ns/web-1')?.getObject().metadata.name;
  const page: CacheListResult<Pod> = await cache.list({ limit: 10 });
  const firstImage: string | undefined = page.items[0]?.getObject().spec?.containers[0]?.image;
  const onNode: string[] = cache.byIndex('node', 'node-2').map((o) => o.getObject().metadata.name);
  const now: CacheListResult<Pod> | undefined = cache.tryList();
  void [nodeName, name, firstImage, onNode, now];

  // Untyped objects, as a source decodes them, still go in.
  const decoded: KubeObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-2', namespace: 'ns' } };
  cache.apply({ type: 'ADDED', object: decoded, revision: 3 });
  // So a Reflector (untyped source) feeds a typed cache.
  const store: ReflectorStore = cache;
  void store;

  // @ts-expect-error a Node is not a Pod
  cache.replace([node], 4);
  // @ts-expect-error a Pod has no spec.unschedulable
  void cache.get('/pods/ns/web-1')?.getObject().spec?.unschedulable;
  // @ts-expect-error a custom index of Nodes does not fit a cache of Pods
  void new WatchCache<Pod>({ resource: 'pods', indexes: [customIndex<Node>('taints', (entry) => entry.object.getObject().spec?.taints?.map((t) => t.key))] });
  // @ts-expect-error the items are Pods
  const nodes: readonly CachingObject<Node>[] = page.items;
  void nodes;
}

export async function typedCacher(storage: MemoryStorage<Pod>): Promise<void> {
  const cacher = new Cacher<Pod>({ resource: 'pods', storage, indexes: [namespaceIndex(), customIndex<Pod>('node', (e) => e.object.getObject().spec?.nodeName)] });
  cacher.cache.replace([pod], 1);
  const got: CachingObject<Pod> = await cacher.get('web-1', { namespace: 'ns' });
  const nodeName: string | undefined = got.getObject().spec?.nodeName;
  const page: CacherListResult<Pod> = await cacher.list({ labelSelector: 'app=web' });
  const names: string[] = page.items.map((o) => o.getObject().metadata.name);
  const fromCache: string | undefined = cacher.cache.get('/pods/ns/web-1')?.getObject().spec?.nodeName;
  void [nodeName, names, fromCache];

  // @ts-expect-error a Pod has no spec.unschedulable
  void got.getObject().spec?.unschedulable;
  // @ts-expect-error the storage of a Cacher<Pod> holds Pods
  void new Cacher<Pod>({ resource: 'pods', storage: new MemoryStorage<Node>() });
}

export function typedCodec(): void {
  const object = new CachingObject<Pod>(pod);
  const name: string = object.getObject().metadata.name;
  const event = new CachingWatchEvent<Pod>('ADDED', object);
  const image: string | undefined = event.object.getObject().spec?.containers[0]?.image;
  void [name, image];
  // @ts-expect-error a Node is not a Pod
  void new CachingObject<Pod>(node);
}

// The default stays untyped and compiles as before.
export async function untypedDefaults(): Promise<void> {
  const storage = new MemoryStorage();
  const created = await storage.create('/configmaps/ns/a', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: 'ns' }, data: { k: 'v' } });
  const data: unknown = created['data'];
  const name: string = created.metadata.name;
  const cache = new WatchCache({ resource: 'configmaps', indexes: [namespaceIndex(), customIndex('data', (e) => Object.keys(e.object.getObject()['data'] ?? {}))] });
  cache.replace([created], created.metadata.resourceVersion === '' ? 0 : Number(created.metadata.resourceVersion));
  const cached: KubeObject | undefined = cache.get('/configmaps/ns/a')?.getObject();
  const cacher = new Cacher({ resource: 'configmaps', storage });
  const listed: CacherListResult = await cacher.list();
  const typedCacher: Cacher<KubeObject> = cacher;
  void [data, name, cached, listed, typedCacher];
}

// A typed storage feeds a cache through storageListerWatcher without a cast.
export const typedSource: ListerWatcher = storageListerWatcher(new MemoryStorage<Pod>(), '/pods/');
