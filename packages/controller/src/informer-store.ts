/**
 * The store an informer's Reflector writes into: its watch cache, with each
 * change turned into handler notifications on the way (client-go's
 * DeltaFIFO + `processDeltas` in one synchronous step: there is no queue
 * between the watch and the cache, only between the cache and each handler).
 *
 * ```
 *   Reflector ─replace(items, rv)─▶ diff against the cache ─▶ cache.replace ─▶ add / update / delete(DeletedFinalStateUnknown)
 *             ─apply(event)──────▶ old = cache.get(key)   ─▶ cache.apply   ─▶ add / update(old, new) / delete(last state)
 *             ─advance(rv)───────▶ cache.advance                            ─▶ progress
 * ```
 *
 * Objects are keyed by the cache's own `keyOf` (`/<resource>/<ns>/<name>`),
 * whatever keys the source sends, so that the lister's `get(ns, name)` finds
 * them wherever the source stores them.
 */
import type { CacheEvent, ReflectorStore, RevisionSource, WatchCache } from '@apiserver-kit/cache';
import { CachingObject, type KubeObject, type ObjectShape, type Stored } from '@apiserver-kit/codec';
import type { Notification } from './handler-queue.js';
import { DeletedFinalStateUnknown } from './informer-handler.js';

/**
 * The boundary between the cache (which holds `KubeObject`s) and the typed
 * informer: the cache holds only what the informer's source sent for `T`.
 */
export function asStored<T extends ObjectShape>(object: unknown): Stored<T> {
  return object as Stored<T>;
}

/** What the store tells its informer. */
export interface InformerStoreHooks<T extends ObjectShape> {
  /** One notification for every registration. */
  readonly distribute: (notification: Notification<T>) => void;
  /** After a replace's notifications were distributed; `first` for the initial list. */
  readonly onReplaced: (first: boolean) => void;
  /** After any change of the store's revision. */
  readonly onProgress: () => void;
}

/** See the module comment. */
export class InformerStore<T extends ObjectShape> implements ReflectorStore {
  readonly #cache: WatchCache;
  readonly #hooks: InformerStoreHooks<T>;
  #synced = false;

  constructor(cache: WatchCache, hooks: InformerStoreHooks<T>) {
    this.#cache = cache;
    this.#hooks = hooks;
  }

  get revision(): number {
    return this.#cache.revision;
  }

  /** Whether the initial list is in. */
  get hasSynced(): boolean {
    return this.#synced;
  }

  setRevisionSource(source: RevisionSource | undefined): void {
    this.#cache.setRevisionSource(source);
  }

  /**
   * Replaces the state (a list, a relist, a WatchList's initial events) and
   * distributes the difference: adds (in the initial list: `isInInitialList`),
   * updates of objects whose resourceVersion changed, and tombstones for the
   * objects gone. Same-version objects notify nothing (client-go sends them
   * to registrations due for a resync only; they learn nothing new).
   * O(n log n).
   *
   * @throws RangeError (from the cache) for a revision below the store's: nothing is applied.
   */
  replace(objects: readonly KubeObject[], revision: number): void {
    const cache = this.#cache;
    const first = !this.#synced;
    const seen = new Set<string>();
    const changed: { readonly key: string; readonly old: Stored<T> | undefined }[] = [];
    for (const object of objects) {
      const key = cache.keyOf(object);
      if (seen.has(key)) continue;
      seen.add(key);
      const old = cache.get(key)?.getObject();
      if (old === undefined || old.metadata?.resourceVersion !== object.metadata?.resourceVersion) changed.push({ key, old: old === undefined ? undefined : asStored<T>(old) });
    }
    const gone: { readonly key: string; readonly object: Stored<T> }[] = [];
    if (cache.isReady) {
      for (const item of cache.tryList({ resourceVersion: '0' })?.items ?? []) {
        const object = item.getObject();
        const key = cache.keyOf(object);
        if (!seen.has(key)) gone.push({ key, object: asStored<T>(object) });
      }
    }
    // The difference may stand for any change since the store's revision before the replace (the settle rule's `after`).
    const after = cache.isReady ? cache.revision : 0;
    cache.replace(objects, revision);
    this.#synced = true;
    const distribute = this.#hooks.distribute;
    for (const { key, old } of changed) {
      const current = cache.get(key);
      if (current === undefined) continue;
      const object = asStored<T>(current.getObject());
      if (old === undefined) distribute({ kind: 'add', key, revision, after, object, initial: first });
      else distribute({ kind: 'update', key, revision, after, old, object });
    }
    for (const { key, object } of gone) distribute({ kind: 'delete', key, revision, after, object: new DeletedFinalStateUnknown(key, object) });
    this.#hooks.onReplaced(first);
    this.#hooks.onProgress();
  }

  /**
   * Applies one change and distributes it: an add, an update with the state
   * it replaces, or a delete with the last state (a delete of an object the
   * store does not hold notifies nothing). O(log n + indexes + handlers).
   *
   * @throws RangeError (from the cache) for a revision not above the store's.
   */
  apply(event: CacheEvent): void {
    const cache = this.#cache;
    const given = CachingObject.from(event.object as KubeObject | CachingObject);
    const key = cache.keyOf(given.getObject());
    const held = cache.get(key);
    const old = held === undefined ? undefined : asStored<T>(held.getObject());
    cache.apply({ type: event.type, object: given, revision: event.revision });
    const distribute = this.#hooks.distribute;
    const revision = event.revision;
    const after = revision - 1;
    if (event.type === 'DELETED') {
      if (old !== undefined) distribute({ kind: 'delete', key, revision, after, object: asStored<T>(given.getObject()) });
    } else {
      const current = cache.get(key);
      if (current !== undefined) {
        const object = asStored<T>(current.getObject());
        if (old === undefined) distribute({ kind: 'add', key, revision, after, object, initial: false });
        else distribute({ kind: 'update', key, revision, after, old, object });
      }
    }
    this.#hooks.onProgress();
  }

  advance(revision: number): void {
    const before = this.#cache.revision;
    this.#cache.advance(revision);
    if (this.#cache.revision !== before) this.#hooks.onProgress();
  }
}
