/**
 * Test helpers of the informer tests: pods, a storage-backed ApiClient that
 * records its writes, and a ListerWatcher wrapper that closes watches and
 * injects 410s on demand.
 */
import { Cacher, cacherListerWatcher, type ListerWatcher, type SourceEvent, type SourceList, type SourceWatch, storageListerWatcher } from '@apiserver-kit/cache';
import { expired, type KubeObject, type ObjectShape, type Stored } from '@apiserver-kit/codec';
import type { Clock } from '@apiserver-kit/core';
import { MemoryStorage } from '@apiserver-kit/storage';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { ApiClientBase, type ListerWatcherScope, type ResourceClient, resourceId, type ResourceType, WriteLedger } from '../src/index.js';

export function pod(namespace: string, name: string, labels?: Record<string, string>, nodeName?: string): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { namespace, name, ...(labels === undefined ? {} : { labels }) },
    spec: { containers: [{ name: 'c', image: 'i' }], ...(nodeName === undefined ? {} : { nodeName }) },
  };
}

/** Waits a macrotask at a time until `condition` holds. */
export async function until(condition: () => boolean, what: string, rounds = 2000): Promise<void> {
  for (let i = 0; i < rounds; i++) {
    if (condition()) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** A watch whose events come from an inner watch, and which the test can end or fail. */
class ControlledWatch implements SourceWatch {
  readonly #inner: SourceWatch;
  readonly #onClose: () => void;
  readonly #queue: (SourceEvent | Error | 'end')[] = [];
  #wake: (() => void) | undefined;
  #closed = false;

  constructor(inner: SourceWatch, onClose: () => void) {
    this.#inner = inner;
    this.#onClose = onClose;
    void this.#pump();
  }

  async #pump(): Promise<void> {
    try {
      for await (const event of this.#inner) this.inject(event);
      this.inject('end');
    } catch (error) {
      this.inject(error as Error);
    }
  }

  inject(item: SourceEvent | Error | 'end'): void {
    this.#queue.push(item);
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }

  requestProgress(): void {
    this.#inner.requestProgress?.();
  }

  close(): void {
    this.#closed = true;
    this.#onClose();
    this.#inner.close();
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<SourceEvent> {
    for (;;) {
      if (this.#closed) return;
      const item = this.#queue.shift();
      if (item === undefined) {
        await new Promise<void>((resolve) => {
          this.#wake = resolve;
        });
        continue;
      }
      if (item === 'end') return;
      if (item instanceof Error) throw item;
      yield item;
    }
  }
}

/** A ListerWatcher over `inner` whose open watches the test ends (a clean close) or fails (Expired 410). */
export class FaultySource implements ListerWatcher {
  readonly #inner: ListerWatcher;
  readonly #open = new Set<ControlledWatch>();
  lists = 0;
  watches = 0;

  /** The inner source's WatchList, when it has one (ended or failed by the test as a watch). */
  declare watchList?: (options: { readonly signal?: AbortSignal | undefined }) => SourceWatch;

  constructor(inner: ListerWatcher) {
    this.#inner = inner;
    if (inner.watchList !== undefined) {
      this.watchList = (options) => {
        this.watches++;
        const watch = new ControlledWatch(inner.watchList!(options), () => this.#open.delete(watch));
        this.#open.add(watch);
        return watch;
      };
    }
  }

  async list(options: { readonly signal?: AbortSignal | undefined }): Promise<SourceList> {
    this.lists++;
    return this.#inner.list(options);
  }

  watch(options: { readonly fromRevision: number; readonly signal?: AbortSignal | undefined }): SourceWatch {
    this.watches++;
    const watch = new ControlledWatch(this.#inner.watch(options), () => this.#open.delete(watch));
    this.#open.add(watch);
    return watch;
  }

  currentRevision(): Promise<number> {
    return this.#inner.currentRevision!();
  }

  /** Watches open now (not yet ended by the test). */
  get openWatches(): number {
    return this.#open.size;
  }

  /** Ends every open watch cleanly (the informer resumes from its last revision). */
  closeWatches(): void {
    for (const watch of this.#open) watch.inject('end');
    this.#open.clear();
  }

  /** Fails every open watch with Expired 410 (the informer relists). */
  expireWatches(): void {
    for (const watch of this.#open) watch.inject(expired('too old resource version: 1 (2)'));
    this.#open.clear();
  }
}

/** The storage key of an object of `type`. */
export function keyOf(type: ResourceType, namespace: string | undefined, name: string): string {
  return namespace === undefined || namespace === '' ? `/${resourceId(type)}/${name}` : `/${resourceId(type)}/${namespace}/${name}`;
}

/**
 * An ApiClient over a MemoryStorage with just what the informer tests use:
 * create, update, delete (recorded in `writes`), and listerWatchers with
 * a scope (selectors applied by a filter over storage's list and watch).
 */
export class StorageApi extends ApiClientBase {
  readonly storage: MemoryStorage;
  readonly writes: WriteLedger = new WriteLedger();
  readonly listerWatchers: { type: string; scope: ListerWatcherScope | undefined }[] = [];
  readonly #wrap: (source: ListerWatcher) => ListerWatcher;
  readonly #clock: Clock | undefined;
  /** Set: listerWatchers read a Cacher per resource (selectors served as the host does); unset: storage itself (no selectors). */
  readonly #viaCacher: boolean;
  readonly #cachers = new Map<string, Cacher>();

  constructor(storage: MemoryStorage, options: { wrap?: (source: ListerWatcher) => ListerWatcher; viaCacher?: boolean; clock?: Clock } = {}) {
    super();
    this.storage = storage;
    this.#wrap = options.wrap ?? ((source) => source);
    this.#viaCacher = options.viaCacher ?? false;
    this.#clock = options.clock;
  }

  resource<T extends ObjectShape>(type: ResourceType<T>, namespace?: string): ResourceClient<T> {
    const storage = this.storage;
    const writes = this.writes;
    const record = (object: KubeObject, deleted: boolean, revision?: number): void => {
      writes.record({
        resource: resourceId(type),
        namespace: object.metadata?.namespace,
        name: object.metadata!.name!,
        uid: object.metadata?.uid,
        revision: revision ?? Number(object.metadata?.resourceVersion),
        object: deleted ? undefined : object,
      });
    };
    const unsupported = (): never => {
      throw new Error('not in the test ApiClient');
    };
    return {
      type,
      namespace,
      get: async (name) => (await storage.get(keyOf(type, namespace, name))) as unknown as Stored<T>,
      list: unsupported,
      watch: unsupported,
      create: async (object) => {
        const meta = (object as unknown as KubeObject).metadata!;
        const stored = await storage.create(keyOf(type, meta.namespace ?? namespace, meta.name!), object as unknown as KubeObject);
        record(stored, false);
        return stored as unknown as Stored<T>;
      },
      update: async (object) => {
        const meta = (object as unknown as KubeObject).metadata!;
        const stored = await storage.guaranteedUpdate(keyOf(type, meta.namespace ?? namespace, meta.name!), () => object as unknown as KubeObject);
        record(stored, false);
        return stored as unknown as Stored<T>;
      },
      updateStatus: unsupported,
      patch: unsupported,
      patchStatus: unsupported,
      delete: async (name) => {
        const deleted = await storage.delete(keyOf(type, namespace, name));
        record(deleted, true);
      },
    };
  }

  listerWatcher(type: ResourceType, scope?: ListerWatcherScope): ListerWatcher {
    this.listerWatchers.push({ type: resourceId(type), scope });
    if (this.#viaCacher) {
      let cacher = this.#cachers.get(resourceId(type));
      if (cacher === undefined) {
        cacher = new Cacher({ resource: type.resource, clock: this.#clock, source: storageListerWatcher(this.storage, `/${resourceId(type)}/`), storage: this.storage, reflector: { progressIntervalMs: 0 } });
        cacher.start();
        this.#cachers.set(resourceId(type), cacher);
      }
      return this.#wrap(cacherListerWatcher(cacher, scope ?? {}));
    }
    if (scope?.labelSelector !== undefined || scope?.fieldSelector !== undefined) throw new Error('selectors need viaCacher');
    const prefix = scope?.namespace === undefined ? `/${resourceId(type)}/` : `/${resourceId(type)}/${scope.namespace}/`;
    return this.#wrap(storageListerWatcher(this.storage, prefix));
  }

  async close(): Promise<void> {
    for (const cacher of this.#cachers.values()) await cacher.stop();
  }
}
