/**
 * The watch cache: the current state of one resource (an ordered store with
 * indexes) plus a churn-sized history of its recent changes, serving LIST and
 * WATCH from memory with Kubernetes' resourceVersion semantics.
 *
 * ```
 *   Reflector ──replace(items, rv)──▶ ┌──────────────────────────────────────────────┐
 *             ──apply(event)────────▶ │ OrderedStore (key order, O(1) snapshots)      │──▶ list()
 *             ──advance(rv)─────────▶ │ Indexer (namespace, labels, fields, custom)   │
 *                                     │ EventHistory ring (capacity by churn)         │──▶ watch() ─▶ CacheWatcher…
 *                                     │ snapshots by revision (paginated lists)       │
 *                                     └──────────────────────────────────────────────┘
 * ```
 *
 * One `CachingObject` per object version is held, and the same instance goes
 * to LIST results, initial watch events and live watch events, so each
 * version is encoded at most once per format.
 *
 * Everything here is synchronous except the waits of consistent reads: a
 * LIST materialises its page in one synchronous pass (JavaScript runs nothing
 * else meanwhile, so the pass sees one version), a watch reads a
 * copy-on-write snapshot lazily. Nothing sorts on read.
 */
import { BACKGROUND_TIMER as BACKGROUND } from '@apiserver-kit/core';
import {
  CachingObject,
  type CachingWatchEvent,
  bookmarkObject,
  badRequest,
  CONTINUE_EXPIRED_MESSAGE,
  expired,
  type KubeObject,
  type ObjectShape,
  StatusError,
  type Stored,
  tooLargeResourceVersion,
  tooManyRequests,
  tooOldResourceVersion,
  CachingWatchEvent as WatchEvent,
} from '@apiserver-kit/codec';
import { type Clock, systemClock, type Timer } from '@apiserver-kit/storage';
import { CacheWatcher, type WatcherSource } from './cache-watcher.js';
import { type ContinueToken, IssuedContinueTokens } from './continue-token.js';
import { type FieldRequirement, FieldSelector } from './field-selector.js';
import { type IndexDefinition, Indexer, namespaceIndex } from './indexer.js';
import { checkDuration, checkInteger, received } from '@apiserver-kit/core';
import { candidates, type ListPlan, planList, prefixEnd, SCAN } from './list-planner.js';
import { type EntryChunks, OrderedStore, StoreEntry, type StoreSnapshot } from './ordered-store.js';
import { validateListOptions } from './list-options.js';
import { checkLimit, parseResourceVersion } from './resource-version.js';
import { type SelectableFields, SelectableFieldsRegistry } from './selectable-fields.js';
import { SelectionPredicate } from './selection-predicate.js';
import { type CapacityOptions, growCapacity, resolveCapacityOptions, type ResolvedCapacityOptions, shrinkCapacity } from './watch-cache-capacity.js';
import { type ChangeType, EventHistory, HistoryEvent } from './watch-cache-history.js';
import { RevisionWaiters } from './watch-cache-waiters.js';
import { type ObjectKind, resolveObjectKind } from './resource-kinds.js';
import type { WatchFanout } from './watch-fanout.js';

/** Where a watch cache learns the store's current revision, for consistent reads; the {@link Reflector} provides it. */
export interface RevisionSource {
  /** The storage's current revision (a quorum read). */
  currentRevision(): Promise<number>;
  /** Asks the source to report progress soon (a storage watch bookmark), so the cache advances when quiet. */
  requestProgress?(): void;
}

/**
 * An object a cache takes in: a `T`, or an untyped object as a source decoded
 * it (the Reflector's), plain or wrapped.
 */
export type CacheInput<T extends ObjectShape = KubeObject> = T | KubeObject | CachingObject<T> | CachingObject;

/** A change to apply to the cache, in revision order (storage events fit). */
export interface CacheEvent<T extends ObjectShape = KubeObject> {
  readonly type: ChangeType;
  /** The new object; for DELETED, the last state (its resourceVersion the deletion revision). */
  readonly object: CacheInput<T>;
  /** The revision of the change; above every revision applied before. */
  readonly revision: number;
  /** The storage key; @default computed by the cache's `keyOf`. */
  readonly key?: string | undefined;
}

/** A capacity change of the history, reported to {@link WatchCacheOptions.onResize}. */
export interface CapacityResize {
  readonly from: number;
  readonly to: number;
  readonly reason: 'grow' | 'shrink';
  /** The clock's time of the change, in milliseconds. */
  readonly at: number;
}

/** Observable state of a watch cache (a fresh object per read). */
export interface WatchCacheStats {
  /** Objects in the store. */
  readonly objects: number;
  /** The revision the cache reflects. */
  readonly revision: number;
  /** Watches and Exact lists from this revision on can be served from the history. */
  readonly historyStart: number;
  /** Events held in the history. */
  readonly events: number;
  /** The history's capacity. */
  readonly capacity: number;
  /** How often the history grew / shrank. */
  readonly grows: number;
  readonly shrinks: number;
  /** Open watchers. */
  readonly watchers: number;
  /** Snapshots kept for paginated and Exact lists. */
  readonly snapshots: number;
}

/** Options of {@link WatchCache}; `T` is the cache's object type. */
export interface WatchCacheOptions<T extends ObjectShape = KubeObject> {
  /** The resource, e.g. `pods`: names the selectable fields, the default key prefix and messages. */
  readonly resource: string;
  /** The key prefix of every object, ending with `/` (added if missing); @default `/<resource>/` */
  readonly prefix?: string | undefined;
  /** The storage key of an object; @default prefix + `<namespace>/<name>` (or `<name>` without a namespace) */
  readonly keyOf?: ((object: Stored<T>) => string) | undefined;
  /** The selectable fields of the resource; @default Kubernetes' for `resource` */
  readonly selectableFields?: SelectableFields | undefined;
  /** The indexes (the built-in ones fit any `T`; `customIndex<T>` reads a typed object); @default `[namespaceIndex()]` */
  readonly indexes?: readonly IndexDefinition<T>[] | undefined;
  /** Time for the capacity policy, consistent-read timeouts, snapshot expiry and bookmarks; @default systemClock */
  readonly clock?: Clock | undefined;
  /** The history capacity policy; @default 75 s window, 100 … 102 400 events, checked every 15 s */
  readonly capacity?: CapacityOptions | undefined;
  /** How many unread events a watcher may accumulate before it is shed (a clean end, as cache_watcher.go closes; see {@link CacheWatcher.shed}); @default 1000 */
  readonly watcherQueueLimit?: number | undefined;
  /** How long a read waits for the cache to reach a revision, in milliseconds; @default 3000 */
  readonly consistentReadTimeoutMs?: number | undefined;
  /** How many list snapshots to keep for continue tokens and Exact lists; @default 16 */
  readonly maxSnapshots?: number | undefined;
  /** How long an unused list snapshot is kept, in milliseconds; @default 75_000 */
  readonly snapshotTtlMs?: number | undefined;
  /** Period of the BOOKMARK events sent to watchers that allow them, in milliseconds; 0 for none; @default 60_000 */
  readonly bookmarkIntervalMs?: number | undefined;
  /**
   * `apiVersion` and `kind` of BOOKMARK objects, also on an empty cache
   * (cacher.go builds bookmarks from the resource's own type; client-go's
   * WatchList informer drops a bookmark of another kind). Required for a
   * resource that is not built in; @default the built-in resource's (see
   * {@link resolveObjectKind}).
   */
  readonly objectKind?: ObjectKind | undefined;
  /**
   * Called after each capacity change of the history (during an `apply`, or
   * from the capacity timer). What it throws is ignored: the change is applied
   * whole either way.
   */
  readonly onResize?: ((resize: CapacityResize) => void) | undefined;
  /**
   * A dispatcher that takes over live delivery (routing, bounded queues, slow
   * watcher handling): watchers then run in routed mode. The {@link Cacher}
   * sets this; @default none — the cache notifies every watcher of every change.
   */
  readonly fanout?: WatchFanout | undefined;
}

/** Options of {@link WatchCache.list}, as the Kubernetes list parameters. */
export interface CacheListOptions {
  /** Unset: a consistent read; `"0"`: any cached state; `"N"`: see `resourceVersionMatch`. */
  readonly resourceVersion?: string | undefined;
  /** `NotOlderThan` (state ≥ N) or `Exact` (state at N); unset with `limit`: Exact, without: NotOlderThan. */
  readonly resourceVersionMatch?: string | undefined;
  /** At most this many items (0: no limit); ignored for resourceVersion `"0"`, as Kubernetes. */
  readonly limit?: number | undefined;
  /** The continue token of the previous page. */
  readonly continue?: string | undefined;
  /** @default everything */
  readonly predicate?: SelectionPredicate | undefined;
  /** A narrower key prefix under the cache's (a namespace: `/pods/ns/`; a missing final `/` is added, as Kubernetes does); @default the cache's */
  readonly prefix?: string | undefined;
  /** Aborts a wait for the cache to catch up. */
  readonly signal?: AbortSignal | undefined;
}

/** The answer of {@link WatchCache.list}; `T` is the cache's object type. */
export interface CacheListResult<T extends ObjectShape = KubeObject> {
  /** The objects in key order: shared, frozen versions with their cached encodings. */
  readonly items: readonly CachingObject<T>[];
  /** The revision the items reflect. */
  readonly resourceVersion: string;
  /** The token of the next page, when there is one. */
  readonly continue?: string;
  /** How many items follow, when there is a next page and both selectors are empty (namespace-scoped lists too); the cache's own count. */
  readonly remainingItemCount?: number;
  /** How the candidates were read (for observability and tests). */
  readonly plan: ListPlan;
}

/** Options of {@link WatchCache.watch}, as the Kubernetes watch parameters. */
export interface CacheWatchOptions {
  /** Unset: consistent; `"0"`: from any cached state; `"N"`: the changes after N. */
  readonly resourceVersion?: string | undefined;
  /** Must be `NotOlderThan` when `sendInitialEvents` is set, and unset otherwise. */
  readonly resourceVersionMatch?: string | undefined;
  /** Send the state as ADDED events first (then a bookmark with the initial-events-end annotation); see the class doc. */
  readonly sendInitialEvents?: boolean | undefined;
  /** Send BOOKMARK events (needed for the initial-events-end bookmark). */
  readonly allowWatchBookmarks?: boolean | undefined;
  /** @default everything */
  readonly predicate?: SelectionPredicate | undefined;
  /** A narrower key prefix under the cache's (a missing final `/` is added, as Kubernetes does). */
  readonly prefix?: string | undefined;
  /** Closes the watch when aborted; aborts a wait for the cache to catch up. */
  readonly signal?: AbortSignal | undefined;
  /** This watcher's queue bound; @default the cache's `watcherQueueLimit` */
  readonly queueLimit?: number | undefined;
}

/** A consistent read: wait for the store's current revision, asked from the revision source. */
const CONSISTENT = 'consistent';

/** A validated LIST: the revision to reach first, then the synchronous read. */
interface ListRequest {
  readonly waitFor: number | typeof CONSISTENT | undefined;
  readonly serve: () => CacheListResult;
}

interface KeptSnapshot {
  readonly snapshot: StoreSnapshot;
  expiresAt: number;
}


/**
 * The watch cache of one resource. Fed by a {@link Reflector} (or directly
 * with {@link replace}, {@link apply}, {@link advance}), it serves
 * {@link list} and {@link watch}.
 *
 * resourceVersion semantics (Kubernetes'):
 *
 * | request | LIST | WATCH |
 * | --- | --- | --- |
 * | unset | consistent: the store's current revision (asked from the source), waited for | initial ADDED events of that state, then changes |
 * | `"0"` | the cached state, `limit` ignored | initial ADDED events of the cached state, then changes |
 * | `"N"`, NotOlderThan (or unset without limit) | waits until the cache reaches N, serves the current state | the changes after N (Expired when older than the history) |
 * | `"N"`, Exact (or unset with limit) | the state at N: a kept snapshot, or rebuilt from the current one by undoing the history after N (Expired when older) | — |
 * | `sendInitialEvents` | — | initial events of the state (per resourceVersion as for a NotOlderThan list), then a bookmark with the initial-events-end annotation when bookmarks are allowed |
 *
 * Costs: `apply` O(log n + indexes + watchers); a LIST O(log n + page) over a
 * scan or index (plus, for a selective scan, the skipped entries), and for a
 * past revision O(c log n) once to rebuild it from the c changes since; a
 * watch O(1) to open plus O(1) per event read.
 *
 * Caveats: until the first `replace()`, `list`/`watch` throw TooManyRequests
 * 429 with Retry-After 1, as Kubernetes' cacher (see {@link onReady}). With a real clock the cache holds timers (capacity
 * checks, bookmarks) from the first `replace()` on: call {@link close}.
 *
 * Typed objects: `new WatchCache<Pod>({ resource: 'pods' })` (kubernetes-types'
 * `Pod`) returns `CachingObject<Pod>`s, whose `getObject()` is a
 * `Stored<Pod>`; @default `KubeObject`, untyped. `T` is the caller's claim
 * about what the source holds: nothing checks it at run time. Watch events
 * ({@link CacheWatcher}) stay untyped: their objects may be bookmarks.
 */
export class WatchCache<T extends ObjectShape = KubeObject> {
  /** The resource name. */
  readonly resource: string;
  /** The key prefix of every object. */
  readonly prefix: string;
  readonly #keyOf: (object: ObjectShape) => string;
  readonly #fields: SelectableFields;
  readonly #clock: Clock;
  readonly #capacity: ResolvedCapacityOptions;
  readonly #queueLimit: number;
  readonly #timeoutMs: number;
  readonly #maxSnapshots: number;
  readonly #snapshotTtlMs: number;
  readonly #bookmarkIntervalMs: number;
  readonly #onResize: ((resize: CapacityResize) => void) | undefined;
  readonly #store = new OrderedStore();
  readonly #indexer: Indexer;
  readonly #history: EventHistory;
  readonly #watchers = new Set<CacheWatcher>();
  readonly #snapshots = new Map<number, KeptSnapshot>();
  /** Continue tokens issued recently, decoded. */
  readonly #tokens = new IssuedContinueTokens();
  /** The end of the key range under {@link prefix}. */
  readonly #prefixEnd: string;
  /** Reads waiting for a revision: a heap, O(log n) per add, timeout and release. */
  readonly #waiters = new RevisionWaiters();
  #revision = 0;
  #ready = false;
  #closed = false;
  #resolveReady!: () => void;
  readonly #readyPromise: Promise<void>;
  #source: RevisionSource | undefined;
  #capacityTimer: Timer | undefined;
  #bookmarkTimer: Timer | undefined;
  readonly #objectKind: ObjectKind;
  #bookmark: CachingWatchEvent | undefined;
  #endBookmark: CachingWatchEvent | undefined;
  readonly #fanout: WatchFanout | undefined;
  #grows = 0;
  #shrinks = 0;
  readonly #watcherSource: WatcherSource;

  /**
   * @throws TypeError/RangeError naming a bad option; TypeError when
   *   `objectKind` is unset and `resource` is not a built-in resource.
   */
  constructor(options: WatchCacheOptions<NoInfer<T>>) {
    if (typeof options !== 'object' || options === null) throw new TypeError(`Expected \`options\` to be an object, got ${received(options)}`);
    if (typeof options.resource !== 'string' || options.resource === '') {
      throw new TypeError(`Expected \`resource\` to be a non-empty string, got ${received(options.resource)}`);
    }
    this.resource = options.resource;
    const ownPrefix: unknown = options.prefix ?? `/${options.resource}/`;
    if (typeof ownPrefix !== 'string' || !ownPrefix.startsWith('/')) throw new TypeError(`Expected \`prefix\` to be a string starting with "/", got ${received(ownPrefix)}`);
    this.prefix = asDirectory(ownPrefix);
    this.#prefixEnd = prefixEnd(this.prefix);
    const prefix = this.prefix;
    this.#keyOf =
      untyped(options.keyOf) ??
      ((object: ObjectShape): string => {
        // Whatever the metadata holds: a non-string name or namespace counts as empty.
        const meta: unknown = object.metadata;
        const name = typeof meta === 'object' && meta !== null ? (meta as { name?: unknown }).name : undefined;
        const namespace = typeof meta === 'object' && meta !== null ? (meta as { namespace?: unknown }).namespace : undefined;
        const tail = typeof name === 'string' ? name : '';
        return typeof namespace === 'string' && namespace !== '' ? `${prefix}${namespace}/${tail}` : `${prefix}${tail}`;
      });
    this.#fields = options.selectableFields ?? new SelectableFieldsRegistry().get(options.resource);
    this.#indexer = new Indexer(untyped(options.indexes) ?? [namespaceIndex()]);
    this.#clock = options.clock ?? systemClock;
    this.#capacity = resolveCapacityOptions(options.capacity);
    this.#queueLimit = options.watcherQueueLimit ?? 1000;
    checkInteger('watcherQueueLimit', this.#queueLimit, 1);
    this.#timeoutMs = options.consistentReadTimeoutMs ?? 3000;
    checkDuration('consistentReadTimeoutMs', this.#timeoutMs);
    this.#maxSnapshots = options.maxSnapshots ?? 16;
    checkInteger('maxSnapshots', this.#maxSnapshots, 0);
    this.#snapshotTtlMs = options.snapshotTtlMs ?? 75_000;
    checkDuration('snapshotTtlMs', this.#snapshotTtlMs);
    this.#bookmarkIntervalMs = options.bookmarkIntervalMs ?? 60_000;
    checkDuration('bookmarkIntervalMs', this.#bookmarkIntervalMs);
    this.#onResize = options.onResize;
    this.#objectKind = resolveObjectKind(options.resource, options.objectKind);
    this.#fanout = options.fanout;
    this.#history = new EventHistory(this.#capacity.initial);
    this.#readyPromise = new Promise<void>((resolve) => {
      this.#resolveReady = resolve;
    });
    const self = this;
    this.#watcherSource = {
      get history(): EventHistory {
        return self.#history;
      },
      get revision(): number {
        // While the fan-out holds undelivered changes, progress stops at the last one it started.
        const fanout = self.#fanout;
        return fanout !== undefined && fanout.nextSeq !== undefined ? Math.min(fanout.startedRevision, self.#revision) : self.#revision;
      },
      bookmark: (revision, initialEventsEnd) => this.#bookmarkEvent(revision, initialEventsEnd),
      detach: (watcher) => {
        if (this.#watchers.delete(watcher)) this.#fanout?.detach(watcher);
      },
    };
  }

  /** The revision the cache reflects (0 before the first list). */
  get revision(): number {
    return this.#revision;
  }

  /** Whether the initial list is in. */
  get isReady(): boolean {
    return this.#ready;
  }

  /** The objects held. */
  get size(): number {
    return this.#store.size;
  }

  /** The index set (read it; the cache keeps it in step). */
  get indexer(): Indexer {
    return this.#indexer;
  }

  /** Size, capacity and resizes of the history, and more; a fresh object per read. */
  get stats(): WatchCacheStats {
    return {
      objects: this.#store.size,
      revision: this.#revision,
      historyStart: this.#history.historyStart,
      events: this.#history.size,
      capacity: this.#history.capacity,
      grows: this.#grows,
      shrinks: this.#shrinks,
      watchers: this.#watchers.size,
      snapshots: this.#snapshots.size,
    };
  }

  /** Resolves when the initial list is in (at once if it is). */
  onReady(): Promise<void> {
    return this.#readyPromise;
  }

  /** Sets the source of the store's current revision (the Reflector does this); `undefined`: consistent reads use the cache's revision. */
  setRevisionSource(source: RevisionSource | undefined): void {
    this.#source = source;
  }

  /** The key the cache files `object` under. */
  keyOf(object: T | KubeObject): string {
    return this.#keyOf(object);
  }

  /** The current version under `key`, or `undefined`. O(log n). */
  get(key: string): CachingObject<T> | undefined {
    const entry = this.#store.get(key);
    return entry === undefined ? undefined : typed<T>(entry.object);
  }

  /**
   * Resolves once the cache reflects `revision` (0: at once), or, for
   * `undefined`, the store's current revision (a consistent read, asked from
   * the revision source): what a GET with a resourceVersion waits for before
   * reading {@link get} (the Cacher's `get`).
   *
   * @throws StatusError as the waits of {@link list}: not ready or closed;
   *   Timeout 504 when the cache does not reach the revision in time.
   */
  async waitUntilFresh(revision: number | undefined, signal?: AbortSignal): Promise<void> {
    this.#checkReady();
    await this.#waitFor(revision ?? (await this.#consistentRevision()), signal);
  }

  /**
   * Replaces the whole state with `objects` at `revision` (a relist). The
   * history restarts empty at `revision`; open watchers end with Expired (their
   * position is older than the new history), as Kubernetes terminates them.
   * The first call makes the cache ready. O(n log n).
   *
   * `keys`, when given, are the storage keys of `objects`, in order: each
   * object is filed under its storage key, as {@link apply} files an event
   * under its `key`. Without them, keys come from `keyOf` (which cannot tell
   * where storage holds an object that lacks `metadata.namespace`).
   *
   * @throws RangeError when `revision` is below the cache's revision, or
   *   `keys` does not have one key per object.
   */
  replace(objects: Iterable<CacheInput<T>>, revision: number, keys?: readonly string[]): void {
    checkInteger('revision', revision, 0);
    if (revision < this.#revision) throw new RangeError(`Expected \`revision\` to be at least the cache's revision ${this.#revision}, got \`${revision}\` (number)`);
    const entries: StoreEntry[] = [];
    let i = 0;
    for (const item of objects) {
      const object = CachingObject.from(untyped(item));
      const raw = object.getObject();
      const key = keys === undefined ? this.#keyOf(raw) : keys[i];
      if (typeof key !== 'string') throw new RangeError(`Expected \`keys\` to hold one string per object, got ${received(key)} at index ${i}`);
      i++;
      entries.push(new StoreEntry(key, object, this.#fields.compute(raw), revisionOf(raw, revision)));
    }
    if (keys !== undefined && keys.length !== i) throw new RangeError(`Expected \`keys\` to hold one key per object (${i}), got ${keys.length}`);
    this.#store.replaceAll(entries);
    this.#indexer.rebuild(this.#store.entries());
    this.#history.reset(revision);
    this.#revision = revision;
    for (const watcher of [...this.#watchers]) watcher.fail(tooOldResourceVersion(watcher.lastRevision, revision));
    if (!this.#ready) {
      this.#ready = true;
      this.#resolveReady();
      this.#startTimers();
    }
    this.#releaseWaiters();
  }

  /**
   * Applies one change: store, indexes, history, watchers. An ADDED for an
   * existing key counts as MODIFIED, a MODIFIED for a missing one as ADDED;
   * a DELETED for a missing key only advances the revision.
   * Takes a typed or an untyped event (a Reflector's), so that every
   * `WatchCache<T>` is a `ReflectorStore`.
   *
   * @throws RangeError when `event.revision` is not above the cache's revision.
   */
  apply(event: CacheEvent<T> | CacheEvent): void {
    const { revision } = event;
    if (typeof revision !== 'number' || !Number.isSafeInteger(revision) || revision <= this.#revision) {
      throw new RangeError(`Expected \`event.revision\` to be an integer above the cache's revision ${this.#revision}, got ${received(revision)}`);
    }
    const object = CachingObject.from(untyped(event.object));
    const raw = object.getObject();
    const key = event.key ?? this.#keyOf(raw);
    const previous = this.#store.get(key);
    const now = this.#clock.now();
    let change: HistoryEvent;
    if (event.type === 'DELETED') {
      if (previous === undefined) {
        this.advance(revision);
        return;
      }
      this.#store.delete(key);
      this.#indexer.update(previous, undefined);
      change = new HistoryEvent('DELETED', key, revision, undefined, previous, object, now);
    } else {
      const entry = new StoreEntry(key, object, this.#fields.compute(raw), revision);
      this.#store.set(entry);
      this.#indexer.update(previous, entry);
      change = new HistoryEvent(previous === undefined ? 'ADDED' : 'MODIFIED', key, revision, entry, previous, object, now);
    }
    this.#resizeBeforeAppend(now);
    this.#history.push(change);
    this.#revision = revision;
    if (this.#fanout !== undefined) this.#fanout.dispatch(change, this.#history.endSeq - 1);
    else for (const watcher of this.#watchers) watcher.notify(change);
    this.#releaseWaiters();
  }

  /** Progress without a change: every change up to `revision` has been applied (a storage bookmark). */
  advance(revision: number): void {
    if (revision <= this.#revision) return;
    this.#revision = revision;
    this.#releaseWaiters();
  }

  /** Sends a BOOKMARK at the current revision to every idle watcher that allows bookmarks (also done every `bookmarkIntervalMs`). */
  requestBookmarks(): void {
    for (const watcher of this.#watchers) watcher.requestBookmark();
  }

  /**
   * Checks the shrink rule of the capacity policy now (the timer does this
   * every `checkIntervalMs`); returns the capacity after the check.
   */
  checkCapacity(): number {
    const to = shrinkCapacity(this.#history, this.#clock.now(), this.#capacity);
    if (to !== undefined) this.#resize(to, 'shrink');
    return this.#history.capacity;
  }

  /**
   * A LIST with Kubernetes' parameters; see the class doc for the
   * resourceVersion semantics.
   *
   * @throws StatusError TooManyRequests 429 before the initial list;
   *   ServiceUnavailable 503 once closed; BadRequest 400 for a parameter,
   *   continue token or field selector that does not parse or is unknown;
   *   Invalid 422 for parameters that do not fit together
   *   ({@link validateListOptions}); Expired 410 for a revision or continue
   *   token older than the history (and not in a kept snapshot); Timeout 504
   *   when the cache does not reach the revision in time.
   */
  list(options: CacheListOptions = {}): Promise<CacheListResult<T>> {
    // Not an async function: a LIST that need not wait (every page of a walk
    // after the first) is served now, without an async frame or awaits.
    try {
      const request = this.#listRequest(options);
      if (request.waitFor === CONSISTENT) {
        if (this.#source !== undefined) return this.#consistentRevision().then((revision) => this.#serveAfter(revision, request, options.signal));
      } else if (request.waitFor !== undefined && request.waitFor > this.#revision) {
        return this.#serveAfter(request.waitFor, request, options.signal);
      }
      return Promise.resolve(typed<T>(request.serve()));
    } catch (error) {
      return Promise.reject(error as Error);
    }
  }

  /** Serves `request` once the cache reaches `revision` (the wait starts now). */
  #serveAfter(revision: number, request: ListRequest, signal: AbortSignal | undefined): Promise<CacheListResult<T>> {
    return this.#waitFor(revision, signal).then(() => typed<T>(request.serve()));
  }


  /**
   * The non-blocking partner of {@link list}: the same answer when it can be
   * given now, `undefined` when `list` would wait — for a revision the cache
   * has not reached yet, or for a consistent read (resourceVersion unset)
   * while a revision source is set (the store's current revision is only
   * known asynchronously; without a source, a consistent read is served at the
   * cache's revision). Never waits and never asks the source: retry after
   * {@link onReady} or on the next change, or call `list` to wait.
   *
   * @throws StatusError as {@link list}, except Timeout 504: TooManyRequests
   *   429 before the initial list; ServiceUnavailable 503 once closed;
   *   BadRequest 400; Invalid 422; Expired 410.
   */
  tryList(options: Omit<CacheListOptions, 'signal'> = {}): CacheListResult<T> | undefined {
    const request = this.#listRequest(options);
    if (request.waitFor === CONSISTENT) {
      if (this.#source !== undefined) return undefined;
    } else if (request.waitFor !== undefined && request.waitFor > this.#revision) {
      return undefined;
    }
    return typed<T>(request.serve());
  }

  /** Validates a LIST and says which revision it must wait for (none, a number, or the store's current one) before `serve()`. */
  #listRequest(options: CacheListOptions): ListRequest {
    // Validation first, as the apiserver validates before it reaches the cache.
    const rv = options.resourceVersion ?? '';
    const token = options.continue ?? '';
    const match = validateListOptions({ resourceVersion: rv, continue: token, resourceVersionMatch: options.resourceVersionMatch });
    this.#checkReady();
    const predicate = this.#checkPredicate(options.predicate);
    const prefix = this.#checkPrefix(options.prefix);
    const limit = checkLimit(options.limit);
    if (token !== '') {
      const from = this.#tokens.decode(token, prefix);
      if (rv !== '' && rv !== '0') throw badRequest('specifying resource version is not allowed when using continue');
      if (from.revision < 0) return { waitFor: undefined, serve: () => this.#listCurrent(predicate, prefix, limit, from) };
      return { waitFor: from.revision, serve: () => this.#listAt(from.revision, predicate, prefix, limit, from) };
    }
    if (rv === '') return { waitFor: CONSISTENT, serve: () => this.#listCurrent(predicate, prefix, limit, undefined) };
    const revision = parseResourceVersion(rv);
    // resourceVersion "0": any cached state, and `limit` is ignored, as Kubernetes.
    if (revision === 0) return { waitFor: undefined, serve: () => this.#listCurrent(predicate, prefix, 0, undefined) };
    if (match === 'Exact' || (match === undefined && limit > 0)) {
      return { waitFor: revision, serve: () => this.#listAt(revision, predicate, prefix, limit, undefined) };
    }
    return { waitFor: revision, serve: () => this.#listCurrent(predicate, prefix, limit, undefined) };
  }

  /**
   * Opens a watch; see the class doc for the resourceVersion semantics.
   *
   * @throws StatusError TooManyRequests 429 before the initial list;
   *   BadRequest 400 for a malformed parameter or an unknown selector field;
   *   Invalid 422 for parameters that do not fit together (watch rules of
   *   {@link validateListOptions}); Expired 410 `too old resource version:
   *   X (Y)` for a revision older than the history; Timeout 504 when the
   *   cache does not reach the revision in time.
   */
  async watch(options: CacheWatchOptions = {}): Promise<CacheWatcher> {
    const send = options.sendInitialEvents;
    validateListOptions({ watch: true, sendInitialEvents: send, resourceVersionMatch: options.resourceVersionMatch });
    this.#checkReady();
    const predicate = this.#checkPredicate(options.predicate);
    const prefix = this.#checkPrefix(options.prefix);
    const rv = options.resourceVersion ?? '';
    const revision = rv === '' ? undefined : parseResourceVersion(rv);
    const wantsInitial = send ?? (revision === undefined || revision === 0);
    if (revision === undefined) {
      if (send !== false) await this.#waitFor(await this.#consistentRevision(), options.signal);
    } else if (revision > 0) {
      await this.#waitFor(revision, options.signal);
    }
    this.#checkReady();
    let watcher: CacheWatcher;
    const queueLimit = options.queueLimit ?? this.#queueLimit;
    checkInteger('queueLimit', queueLimit, 1);
    const fanout = this.#fanout;
    const common = {
      predicate,
      prefix,
      allowBookmarks: options.allowWatchBookmarks === true,
      queueLimit,
      ...(fanout === undefined ? {} : { liveSeq: fanout.nextSeq ?? this.#history.endSeq }),
    };
    if (wantsInitial) {
      watcher = new CacheWatcher(this.#watcherSource, {
        ...common,
        initial: this.#initialEntries(predicate, prefix),
        revision: this.#revision,
        cursor: this.#history.endSeq,
        initialEventsEndBookmark: send === true && options.allowWatchBookmarks === true,
      });
    } else if (revision === undefined || revision === 0) {
      watcher = new CacheWatcher(this.#watcherSource, { ...common, initial: undefined, revision: this.#revision, cursor: this.#history.endSeq, initialEventsEndBookmark: false });
    } else {
      if (revision < this.#history.historyStart) throw tooOldResourceVersion(revision, this.#history.historyStart);
      watcher = new CacheWatcher(this.#watcherSource, {
        ...common,
        initial: undefined,
        revision,
        cursor: this.#history.seqAfter(revision),
        initialEventsEndBookmark: false,
      });
    }
    this.#watchers.add(watcher);
    fanout?.attach(watcher);
    const { signal } = options;
    if (signal !== undefined) {
      if (signal.aborted) watcher.close();
      else signal.addEventListener('abort', () => watcher.close(), { once: true });
    }
    return watcher;
  }

  /**
   * The current objects filed under `value` in index `name`, in key order.
   * O(log n) per object.
   *
   * @throws RangeError for an unknown index.
   */
  byIndex(name: string, value: string): CachingObject<T>[] {
    const items: CachingObject<T>[] = [];
    for (const key of this.#indexer.keys(name, value)) {
      const entry = this.#store.get(key);
      if (entry !== undefined) items.push(typed<T>(entry.object));
    }
    return items;
  }

  /**
   * Stops the timers, closes every watcher and fails pending waits with
   * ServiceUnavailable. The state stays readable. Idempotent.
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#capacityTimer?.cancel();
    this.#bookmarkTimer?.cancel();
    for (const watcher of [...this.#watchers]) watcher.close();
    for (const waiter of this.#waiters.drain()) waiter.fail(new StatusError('ServiceUnavailable', `the ${this.resource} cache is closed`));
  }

  // ── lists ────────────────────────────────────────────────────────────────

  #listCurrent(predicate: SelectionPredicate, prefix: string, limit: number, from: ContinueToken | undefined): CacheListResult {
    const plan = planList(predicate, this.#indexer, this.#store.size);
    const page =
      plan.kind === 'scan'
        ? collectScan(this.#store, startOf(from, prefix), this.#endOf(prefix), predicate, limit, prefix === this.prefix && from === undefined)
        : collect(candidates(plan, this.#store, this.#indexer, prefix, from?.startKey), predicate, limit);
    const total = page.nextKey === undefined || !predicate.isEverything ? 0 : this.#countFrom(this.#store, from, prefix);
    const result = this.#result(page, this.#revision, predicate, prefix, total, plan);
    if (result.continue !== undefined) {
      // The next pages read this revision: keep it (once; later pages only renew it).
      const kept = this.#snapshots.get(this.#revision);
      const now = this.#clock.now();
      if (kept === undefined || kept.expiresAt <= now) this.#keepSnapshot(this.#store.snapshot(this.#revision));
      else kept.expiresAt = now + this.#snapshotTtlMs;
    }
    return result;
  }

  #listAt(revision: number, predicate: SelectionPredicate, prefix: string, limit: number, from: ContinueToken | undefined): CacheListResult {
    if (revision === this.#revision) return this.#listCurrent(predicate, prefix, limit, from);
    const snapshot = this.#snapshotAt(revision, from !== undefined);
    const page = collectScan(snapshot, startOf(from, prefix), this.#endOf(prefix), predicate, limit, prefix === this.prefix && from === undefined);
    const total = page.nextKey === undefined || !predicate.isEverything ? 0 : this.#countFrom(snapshot, from, prefix);
    return this.#result(page, revision, predicate, prefix, total, SCAN);
  }

  #result(page: Page, revision: number, predicate: SelectionPredicate, prefix: string, total: number, plan: ListPlan): CacheListResult {
    if (page.nextKey === undefined) return { items: page.items, resourceVersion: String(revision), plan };
    // Cheap only for an unfiltered list of the whole resource: the first page
    // knows the total, later pages carry it in the token (as Kubernetes' "rc").
    const counted = predicate.isEverything && total > 0;
    const remaining = counted ? total - page.items.length : 0;
    const resourceVersion = String(revision);
    const token = this.#tokens.encode(page.nextKey, prefix, revision, remaining);
    // Two literals, not a spread: every page of a walk builds one.
    return counted && remaining > 0
      ? { items: page.items, resourceVersion, continue: token, remainingItemCount: remaining, plan }
      : { items: page.items, resourceVersion, continue: token, plan };
  }

  /**
   * How many objects a page that starts where `from` says (or at `prefix`)
   * may return, for `remainingItemCount` (Kubernetes' etcd3 GetList counts the
   * keys from the page's start to the end of the prefix, for an empty
   * selector only). O(1) for a first page of the whole resource and for a
   * token this cache issued (its count is the one it wrote); otherwise the
   * keys are counted, O(log n + k / leaf size). A count a client wrote in a
   * token is never read.
   */
  #countFrom(store: OrderedStore | StoreSnapshot, from: ContinueToken | undefined, prefix: string): number {
    if (from === undefined && prefix === this.prefix) return store.size;
    if (from !== undefined && from.revision > 0 && from.remainingCount > 0 && this.#tokens.isIssued(from)) return from.remainingCount;
    return store.count(startOf(from, prefix), this.#endOf(prefix));
  }

  /** The end of the key range under `prefix` (the cache's own is computed once). */
  #endOf(prefix: string): string {
    return prefix === this.prefix ? this.#prefixEnd : prefixEnd(prefix);
  }

  /**
   * The state at a past `revision`: a kept snapshot, or the current state
   * with the history's changes after `revision` undone (newest first, each
   * putting its previous entry back): O(c log n) for c changes, copy-on-write
   * so the live store is untouched. The result is kept for the next pages.
   */
  #snapshotAt(revision: number, isContinue: boolean): StoreSnapshot {
    const now = this.#clock.now();
    const kept = this.#snapshots.get(revision);
    if (kept !== undefined && kept.expiresAt > now) {
      kept.expiresAt = now + this.#snapshotTtlMs;
      return kept.snapshot;
    }
    // A miss (rare: every page of a walk hits): drop whatever has expired.
    this.#dropExpiredSnapshots(now);
    if (revision < this.#history.historyStart) {
      throw isContinue ? expired(CONTINUE_EXPIRED_MESSAGE) : tooOldResourceVersion(revision, this.#history.historyStart);
    }
    const snapshot = this.#store.snapshot(revision);
    const tree = snapshot.tree();
    for (let seq = this.#history.endSeq - 1; seq >= this.#history.startSeq; seq--) {
      const event = this.#history.at(seq)!;
      if (event.revision <= revision) break;
      if (event.previous === undefined) tree.delete(event.key);
      else tree.set(event.key, event.previous, true);
    }
    this.#keepSnapshot(snapshot);
    return snapshot;
  }

  /** Drops the snapshots unused for `snapshotTtlMs`: on a miss, when one is kept, and on the capacity timer. */
  #dropExpiredSnapshots(now: number): void {
    for (const value of this.#snapshots.values()) if (value.expiresAt <= now) this.#snapshots.delete(value.snapshot.revision);
  }

  #keepSnapshot(snapshot: StoreSnapshot): void {
    if (this.#maxSnapshots === 0) return;
    const now = this.#clock.now();
    this.#dropExpiredSnapshots(now);
    const existing = this.#snapshots.get(snapshot.revision);
    const expiresAt = now + this.#snapshotTtlMs;
    if (existing !== undefined) {
      existing.expiresAt = expiresAt;
      return;
    }
    // Insertion order is age order: evict the oldest.
    while (this.#snapshots.size >= this.#maxSnapshots) this.#snapshots.delete(this.#snapshots.keys().next().value!);
    this.#snapshots.set(snapshot.revision, { snapshot, expiresAt });
  }

  // ── watches ──────────────────────────────────────────────────────────────

  #initialEntries(predicate: SelectionPredicate, prefix: string): Iterator<StoreEntry> {
    const plan = planList(predicate, this.#indexer, this.#store.size);
    if (plan.kind === 'index') {
      // Index buckets change with later writes: take the (small) candidate list now.
      return [...candidates(plan, this.#store, this.#indexer, prefix)][Symbol.iterator]();
    }
    return under(this.#store.snapshot(this.#revision).entries(prefix), prefix);
  }

  #bookmarkEvent(revision: number, initialEventsEnd: boolean): CachingWatchEvent {
    // One shared event per revision and kind, so its bytes are framed once however many watchers get it.
    const kept = initialEventsEnd ? this.#endBookmark : this.#bookmark;
    if (kept !== undefined && kept.object.getObject().metadata?.resourceVersion === String(revision)) return kept;
    const kind = this.#objectKind;
    const event = new WatchEvent('BOOKMARK', bookmarkObject(kind.apiVersion, kind.kind, String(revision), initialEventsEnd));
    if (initialEventsEnd) this.#endBookmark = event;
    else this.#bookmark = event;
    return event;
  }

  // ── readiness and consistent reads ───────────────────────────────────────

  #checkReady(): void {
    if (this.#closed) throw new StatusError('ServiceUnavailable', `the ${this.resource} cache is closed`);
    // 429, not 503 (cacher.go): client-go retries a 429 watch after Retry-After without relisting.
    if (!this.#ready) throw tooManyRequests('storage is (re)initializing', 1);
  }

  /**
   * The predicate with its field selector checked against the resource's
   * selectable fields, aliases resolved (`spec.host` → `spec.nodeName`), as
   * the apiserver converts field labels before a list or watch reaches the
   * cache. An unknown field would otherwise match nothing, silently.
   *
   * @throws StatusError BadRequest 400 `field label not supported: spec.nodename` (the resource's message).
   */
  #checkPredicate(predicate: SelectionPredicate | undefined): SelectionPredicate {
    if (predicate === undefined || predicate.field.isEmpty) return predicate ?? SelectionPredicate.everything;
    let resolved: FieldRequirement[] | undefined;
    const requirements = predicate.field.requirements;
    for (let i = 0; i < requirements.length; i++) {
      const requirement = requirements[i]!;
      const field = this.#fields.resolveField(requirement.field);
      if (field === undefined) throw badRequest(this.#fields.unsupportedFieldMessage(requirement.field));
      if (field !== requirement.field) {
        resolved ??= requirements.slice(0, i);
        resolved.push({ ...requirement, field });
      } else resolved?.push(requirement);
    }
    return resolved === undefined ? predicate : new SelectionPredicate(predicate.label, FieldSelector.fromRequirements(resolved));
  }

  #checkPrefix(prefix: string | undefined): string {
    if (prefix === undefined) return this.prefix;
    const directory = typeof prefix === 'string' ? asDirectory(prefix) : undefined;
    if (directory === undefined || !directory.startsWith(this.prefix)) {
      throw badRequest(`invalid prefix ${JSON.stringify(prefix)}: not under the ${this.resource} prefix ${JSON.stringify(this.prefix)}`);
    }
    return directory;
  }

  async #consistentRevision(): Promise<number> {
    return this.#source === undefined ? this.#revision : this.#source.currentRevision();
  }

  /** Resolves once the cache reaches `revision`; Timeout 504 after `consistentReadTimeoutMs`. */
  #waitFor(revision: number, signal: AbortSignal | undefined): Promise<void> {
    if (this.#revision >= revision) return Promise.resolve();
    signal?.throwIfAborted();
    this.#source?.requestProgress?.();
    return new Promise<void>((resolve, reject) => {
      // Leaving the heap by any way (reached, timed out, aborted, closed) undoes the other ways.
      const settle = (): void => {
        timer.cancel();
        signal?.removeEventListener('abort', onAbort);
      };
      const onAbort = (): void => {
        this.#waiters.remove(waiter);
        settle();
        reject(signal?.reason);
      };
      const timer = this.#clock.setTimer(() => {
        this.#waiters.remove(waiter);
        settle();
        reject(tooLargeResourceVersion(revision, this.#revision));
      }, this.#timeoutMs);
      const waiter = this.#waiters.add(
        revision,
        () => {
          settle();
          resolve();
        },
        (error) => {
          settle();
          reject(error);
        },
      );
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  #releaseWaiters(): void {
    this.#waiters.releaseUpTo(this.#revision);
  }

  // ── capacity ─────────────────────────────────────────────────────────────

  #resizeBeforeAppend(now: number): void {
    const grow = growCapacity(this.#history, now, this.#capacity);
    if (grow !== undefined) {
      this.#resize(grow, 'grow');
      return;
    }
    const shrink = shrinkCapacity(this.#history, now, this.#capacity);
    if (shrink !== undefined) this.#resize(shrink, 'shrink');
  }

  #resize(to: number, reason: 'grow' | 'shrink'): void {
    const from = this.#history.capacity;
    if (to === from) return;
    this.#history.resize(to);
    if (reason === 'grow') this.#grows++;
    else this.#shrinks++;
    // Called mid-apply (and from a timer): a throwing host callback must neither half-apply the change nor crash the process.
    try {
      this.#onResize?.({ from, to, reason, at: this.#clock.now() });
    } catch {
      // Ignored, as documented on `onResize`.
    }
  }

  #startTimers(): void {
    const check = (): void => {
      if (this.#closed) return;
      this.checkCapacity();
      this.#dropExpiredSnapshots(this.#clock.now());
      this.#capacityTimer = this.#clock.setTimer(check, this.#capacity.checkIntervalMs, BACKGROUND);
    };
    // Housekeeping: a ready cache alone does not keep the process alive.
    this.#capacityTimer = this.#clock.setTimer(check, this.#capacity.checkIntervalMs, BACKGROUND);
    if (this.#bookmarkIntervalMs > 0) {
      const bookmark = (): void => {
        if (this.#closed) return;
        this.requestBookmarks();
        this.#bookmarkTimer = this.#clock.setTimer(bookmark, this.#bookmarkIntervalMs, BACKGROUND);
      };
      this.#bookmarkTimer = this.#clock.setTimer(bookmark, this.#bookmarkIntervalMs, BACKGROUND);
    }
  }
}

/**
 * The boundary between the untyped store and `T`: the casts of
 * {@link WatchCache}, in one place. The cache holds what its source decoded
 * (`KubeObject`); `T` is the caller's claim about it, as client-go's typed
 * informers trust the decoder. A cast, not a widening: kubernetes-types'
 * interfaces are not assignable to `KubeObject` (their `ObjectMeta` has no
 * index signature). Overloads, so that each use names what it converts.
 */
function typed<T extends ObjectShape>(value: CachingObject): CachingObject<T>;
function typed<T extends ObjectShape>(value: CacheListResult): CacheListResult<T>;
function typed(value: unknown): unknown {
  return value;
}

/** The other direction of {@link typed}: what a caller gives, typed by `T`, as the cache holds it. */
function untyped<T extends ObjectShape>(value: CacheInput<T>): KubeObject | CachingObject;
function untyped<T extends ObjectShape>(value: ((object: Stored<T>) => string) | undefined): ((object: ObjectShape) => string) | undefined;
function untyped<T extends ObjectShape>(value: readonly IndexDefinition<T>[] | undefined): readonly IndexDefinition[] | undefined;
function untyped(value: unknown): unknown {
  return value;
}

/**
 * `prefix` ending with `/`, as Kubernetes' storage makes every list and watch
 * key: `/pods/a` selects the objects of namespace `a`, not those of `a2`, and
 * a continue token's start key (read back under the prefix) stays in it.
 */
function asDirectory(prefix: string): string {
  return prefix.endsWith('/') ? prefix : `${prefix}/`;
}

interface Page {
  readonly items: CachingObject[];
  /** When another match follows: where the next page starts, the last item's key plus NUL. */
  readonly nextKey: string | undefined;
}

/** The first key a page may hold: the token's start key, or the prefix. */
function startOf(from: ContinueToken | undefined, prefix: string): string {
  return from !== undefined && from.startKey > prefix ? from.startKey : prefix;
}

/** Takes up to `limit` (0: all) matching entries, and whether another match follows. */
function collect(entries: Iterator<StoreEntry> & Iterable<StoreEntry>, predicate: SelectionPredicate, limit: number): Page {
  const items: CachingObject[] = [];
  let lastKey = '';
  const everything = predicate.isEverything;
  for (const entry of entries) {
    if (!everything && !predicate.matches(entry)) continue;
    if (limit > 0 && items.length === limit) return { items, nextKey: `${lastKey}\u0000` };
    items.push(entry.object);
    lastKey = entry.key;
  }
  return { items, nextKey: undefined };
}

/**
 * {@link collect} over a key range of the store, eagerly: the scan plan's fast
 * path. It loops over the store a leaf at a time ({@link OrderedStore.chunks}),
 * with no call per entry. Arrays are sized up front where the size is bounded
 * (a page: `limit`; everything: the store) and trimmed: growing a large array
 * copies it and leaves the copies as garbage (a list of 100 k pods 5.6 →
 * 2.6 ms, benchmarks cache/empty-selector).
 */
function collectScan(store: OrderedStore | StoreSnapshot, fromKey: string, toKey: string, predicate: SelectionPredicate, limit: number, whole: boolean): Page {
  // Starts where the previous page stopped, without a search, when the store remembers it (nothing changed since).
  const chunks = store.chunks(fromKey, toKey);
  // One loop per case, each its own function: V8 then optimises each for its
  // own shape. Sharing one function, the 100 k-iteration loop of a whole list
  // re-optimised it for itself, and the pages of a walk that ran after a
  // whole list were 1.5× slower (benchmarks cache/paginate).
  if (limit > 0) return collectPage(store, chunks, predicate, limit);
  // Sized to the range, not the store: a namespace of 1 000 in a store of 100 000 must not allocate (and trim) 100 000 slots —
  // that made a lister's namespace list 3 ms instead of microseconds (benchmarks informer/sync). Counting walks leaves, not entries.
  return predicate.isEverything ? collectAll(chunks, whole ? store.size : store.count(fromKey, toKey)) : collectMatching(chunks, predicate);
}

/** Every entry of `chunks` (at most `size`), into an array sized up front. */
function collectAll(chunks: EntryChunks, size: number): Page {
  const items: CachingObject[] = new Array<CachingObject>(size);
  let n = 0;
  while (chunks.next()) {
    const entries = chunks.values;
    for (let i = chunks.start, end = chunks.end; i < end; i++) items[n++] = entries[i]!.object;
  }
  items.length = n;
  return { items, nextKey: undefined };
}

/** Every entry of `chunks` that matches `predicate`. */
function collectMatching(chunks: EntryChunks, predicate: SelectionPredicate): Page {
  const items: CachingObject[] = [];
  while (chunks.next()) {
    const entries = chunks.values;
    for (let i = chunks.start, end = chunks.end; i < end; i++) {
      const entry = entries[i]!;
      if (predicate.matches(entry)) items.push(entry.object);
    }
  }
  return { items, nextKey: undefined };
}

/** Up to `limit` matching entries of `chunks`; unfiltered, remembers where the next page starts. */
function collectPage(store: OrderedStore | StoreSnapshot, chunks: EntryChunks, predicate: SelectionPredicate, limit: number): Page {
  const everything = predicate.isEverything;
  const items: CachingObject[] = new Array<CachingObject>(Math.min(limit, store.size));
  let n = 0;
  let last: StoreEntry | undefined;
  while (chunks.next()) {
    const entries = chunks.values;
    for (let i = chunks.start, end = chunks.end; i < end; i++) {
      const entry = entries[i]!;
      if (!everything && !predicate.matches(entry)) continue;
      if (n === limit) {
        items.length = n;
        const nextKey = `${last!.key}\u0000`;
        // Unfiltered, this entry is the first at or after nextKey: where the next page starts.
        if (everything) store.remember(chunks, i, nextKey);
        return { items, nextKey };
      }
      items[n++] = entry.object;
      last = entry;
    }
  }
  items.length = n;
  return { items, nextKey: undefined };
}

/** The entries of an ordered iteration while their keys stay under `prefix`. */
function* under(entries: Iterable<StoreEntry>, prefix: string): IterableIterator<StoreEntry> {
  for (const entry of entries) {
    if (!entry.key.startsWith(prefix)) return;
    yield entry;
  }
}

function revisionOf(object: ObjectShape, fallback: number): number {
  const text = object.metadata?.resourceVersion;
  const value = text === undefined ? NaN : Number(text);
  return Number.isSafeInteger(value) && value > 0 ? value : fallback;
}

