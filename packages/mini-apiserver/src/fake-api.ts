/**
 * The fake API: the reference host without HTTP, for controller tests. One
 * MemoryStorage (on the given clock), the host's Cachers and its registry —
 * built by the same code as `startApiServer` — behind the controller's
 * `ApiClient` contract. What a controller sees through it is what it would
 * see through `connect()` to the host: the same stored objects, the same
 * validation, generated names, status subresource and patch formats, the
 * same `StatusError`s. Every successful write is recorded in `writes`, the
 * settle point of `SharedInformerFactory.settle`.
 *
 * Differences from the host over HTTP, on purpose: no encoding (objects are
 * the cache's own frozen objects), no flow control, and a watch without
 * `timeoutSeconds` has no deadline.
 */
import { type Cacher, cacherListerWatcher, type ListerWatcher } from '@apiserver-kit/cache';
import type { KubeObject, ObjectShape } from '@apiserver-kit/codec';
import { ApiClientBase, type ListerWatcherScope, type ResourceClient, type ResourceType, WriteLedger } from '@apiserver-kit/controller';
import { badArgument, checkOptions, type Clock, received, systemClock } from '@apiserver-kit/core';
import { MemoryStorage, type Storage } from '@apiserver-kit/storage';
import { FakeResourceClient, shuttingDown } from './fake-resource-client.js';
import { pathNotFound } from './handlers/request-info.js';
import { bootstrapNamespaces, createRegistry, startCachers } from './host-state.js';
import type { Registry } from './registry/registry.js';
import { apiVersionOf, CORE_V1_RESOURCES, type ResourceInfo, storageKey } from './resources.js';

/** Options of {@link createFakeApi}. */
export interface FakeApiOptions {
  /**
   * Objects created before the fake API is returned, each through the
   * registry as a client's create (validated, stamped, recorded in
   * `writes`): the Namespaces among them first, then the others in the order
   * given. A namespaced object whose namespace does not exist then gets a
   * plain Namespace created for it (Kubernetes' admission would refuse it:
   * list a Namespace to give it labels); one without a namespace goes to
   * `default`. Sent `status` is kept (pods too).
   * @default none
   */
  readonly objects?: readonly (ObjectShape | KubeObject)[] | undefined;
  /** Time of the storage (creationTimestamp, compaction) and the caches (bookmarks, watch deadlines). @default systemClock */
  readonly clock?: Clock | undefined;
  /** Randomness of generated names. @default Math.random */
  readonly random?: (() => number) | undefined;
  /** The uids of created objects. @default crypto.randomUUID */
  readonly uid?: (() => string) | undefined;
  /** The resources served. @default CORE_V1_RESOURCES (namespaces, nodes, pods, configmaps) */
  readonly resources?: readonly ResourceInfo[] | undefined;
  /** Create `default`, `kube-system`, `kube-public` and `kube-node-lease`, as the host does. @default true */
  readonly bootstrapNamespaces?: boolean | undefined;
  /** Records kept by `writes`. @default 4096 */
  readonly ledgerCapacity?: number | undefined;
}

/** See the module comment; made by {@link createFakeApi}. */
export class FakeApi extends ApiClientBase {
  /** Every successful write made through this fake API (seeded objects included). */
  readonly writes: WriteLedger;
  /** The store of record: write to it directly to simulate another writer (not recorded in `writes`). */
  readonly storage: Storage;
  /** The Cacher of each served resource. */
  readonly cachers: ReadonlyMap<ResourceInfo, Cacher>;
  /** The served resources. */
  readonly resources: readonly ResourceInfo[];
  readonly #registry: Registry;
  #closed: Promise<void> | undefined;

  /** Use {@link createFakeApi} (it waits for the caches and seeds the objects). */
  constructor(registry: Registry, writes: WriteLedger) {
    super();
    this.#registry = registry;
    this.writes = writes;
    this.storage = registry.context.storage;
    this.cachers = registry.context.cachers;
    this.resources = registry.context.resources;
  }

  /** The served resource of `type`, if served. */
  infoOf(type: ResourceType): ResourceInfo | undefined {
    return this.#registry.find(type.group, type.version, type.resource);
  }

  /**
   * The verbs on `type` in `namespace`. An unserved type or a namespace on a
   * cluster-scoped type fails every verb with NotFound 404, as the host's router.
   */
  resource<T extends ObjectShape>(type: ResourceType<T>, namespace?: string): ResourceClient<T> {
    if (typeof type !== 'object' || type === null || typeof type.resource !== 'string') badArgument('type', 'a ResourceType', type);
    if (namespace !== undefined && typeof namespace !== 'string') badArgument('namespace', 'a string', namespace);
    const context = { registry: this.#registry, writes: this.writes, checkOpen: () => this.#checkOpen() };
    return new FakeResourceClient<T>(context, type, this.infoOf(type), namespace);
  }

  /**
   * The informer source of `type`: `cacherListerWatcher` over its Cacher, in `scope`.
   * @throws StatusError NotFound 404 for an unserved type; TypeError for a namespace scope on a cluster-scoped type.
   */
  listerWatcher(type: ResourceType, scope: ListerWatcherScope = {}): ListerWatcher {
    checkOptions('scope', scope);
    const info = this.infoOf(type);
    if (info === undefined) throw pathNotFound();
    if (!info.namespaced && scope.namespace !== undefined && scope.namespace !== '') badArgument('scope.namespace', `undefined for the cluster-scoped ${info.resource}`, scope.namespace);
    const cacher = this.cachers.get(info);
    if (cacher === undefined) throw pathNotFound();
    return cacherListerWatcher(cacher, {
      ...(scope.namespace === undefined ? {} : { namespace: scope.namespace }),
      ...(scope.labelSelector === undefined ? {} : { labelSelector: scope.labelSelector }),
      ...(scope.fieldSelector === undefined ? {} : { fieldSelector: scope.fieldSelector }),
    });
  }

  /** Stops the caches (open watches end cleanly); later calls fail with ServiceUnavailable 503. Idempotent. */
  close(): Promise<void> {
    this.#closed ??= Promise.all([...this.cachers.values()].map((cacher) => cacher.stop())).then(() => undefined);
    return this.#closed;
  }

  #checkOpen(): void {
    if (this.#closed !== undefined) throw shuttingDown();
  }
}

/** The served resource of an object's apiVersion and kind. */
function infoOfObject(resources: readonly ResourceInfo[], object: ObjectShape, index: number): ResourceInfo {
  const info = resources.find((candidate) => candidate.kind === object.kind && apiVersionOf(candidate) === object.apiVersion);
  if (info === undefined) {
    badArgument(`objects[${index}]`, 'an object with the apiVersion and kind of a served resource', { apiVersion: object.apiVersion, kind: object.kind });
  }
  return info;
}

/** Creates the seeds: namespaces first, then the others, with the namespaces they lack. */
async function seed(api: FakeApi, objects: readonly (ObjectShape | KubeObject)[]): Promise<void> {
  const seeds = objects.map((object, index) => {
    if (typeof object !== 'object' || object === null) badArgument(`objects[${index}]`, 'an object', object);
    return { object, info: infoOfObject(api.resources, object, index) };
  });
  const isNamespace = (info: ResourceInfo): boolean => info.group === '' && info.resource === 'namespaces';
  const namespaces = api.resources.find(isNamespace);
  for (const { object, info } of [...seeds.filter((s) => isNamespace(s.info)), ...seeds.filter((s) => !isNamespace(s.info))]) {
    const type = { group: info.group, version: info.version, resource: info.resource, kind: info.kind, namespaced: info.namespaced };
    // A namespaced seed without a namespace goes to `default`, as `kubectl create -f` puts it.
    const own = object.metadata?.namespace;
    const namespace = info.namespaced ? (own === undefined || own === '' ? 'default' : own) : undefined;
    if (namespace !== undefined && namespace !== '' && namespaces !== undefined) {
      try {
        await api.storage.get(storageKey(namespaces, namespace));
      } catch {
        await api.namespaces().create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
      }
    }
    await api.resource(type, namespace).create(object);
  }
}

/**
 * A fake API (see {@link FakeApi}), its caches synced and `options.objects` created.
 * @throws TypeError for bad options or an object of an unserved kind; the
 *   `StatusError` of a seed the registry refuses (Invalid, AlreadyExists, …) — nothing is left running then.
 */
export async function createFakeApi(options: FakeApiOptions = {}): Promise<FakeApi> {
  checkOptions('options', options);
  if (options.objects !== undefined && !Array.isArray(options.objects)) badArgument('options.objects', 'an array', options.objects);
  if (options.random !== undefined && typeof options.random !== 'function') throw new TypeError(`Expected \`options.random\` to be a function, got ${received(options.random)}`);
  const clock = options.clock ?? systemClock;
  const resources = options.resources ?? CORE_V1_RESOURCES;
  const storage = new MemoryStorage({ clock, ...(options.uid === undefined ? {} : { uid: options.uid }) });
  if (options.bootstrapNamespaces !== false) await bootstrapNamespaces(storage, resources);
  const cachers = startCachers(storage, resources, clock);
  const api = new FakeApi(createRegistry(storage, resources, cachers, options.random ?? Math.random), new WriteLedger({ capacity: options.ledgerCapacity }));
  try {
    await Promise.all([...cachers.values()].map((cacher) => cacher.onReady()));
    await seed(api, options.objects ?? []);
  } catch (error) {
    await api.close();
    throw error;
  }
  return api;
}
