/**
 * The Cacher: watch fan-out for one resource. One {@link Reflector} fills one
 * {@link WatchCache}; the cache hands each change once to the
 * {@link CacherDispatcher}, which routes it by index to the watchers that can
 * want it and queues a reference to the shared, once-framed event.
 *
 * ```
 *   storage ─▶ Reflector ─▶ WatchCache.apply ─▶ store + indexes + history ring (HistoryEvent: entry, previous)
 *                                 │
 *                                 ▼ dispatch(event, seq)  (once per change)
 *                           CacherDispatcher ── triggers of entry/previous ─▶ watcher queues (≤ 10/100/1000 refs)
 *                                 │ full: wait ≤ TimeBudget, then shed (a clean end: the client resumes from its last RV)
 *                                 ▼
 *   CacheWatcher: initial events (snapshot, key order) ─▶ end bookmark ─▶ replay (ring) ─▶ queue ─▶ bookmarks
 *                                 │ next()/tryNext(): the shared CachingWatchEvent
 *                                 ▼
 *   writeWatchResponse: event.framed(encoder) (encoded once per version per identifier, CachingObject)
 *                       ─▶ writeChunks (cork, writev, wait for drain) ─▶ socket
 * ```
 */
import { BACKGROUND_TIMER as BACKGROUND } from '@apiserver-kit/core';
import { badRequest, CachingObject, isStatusError, type KubeObject, notFound, type ObjectShape } from '@apiserver-kit/codec';
import { type Clock, systemClock, type Timer } from '@apiserver-kit/storage';
import type { CacheWatcher } from './cache-watcher.js';
import { CacherDispatcher, type WatchTrigger } from './cacher-dispatcher.js';
import { CacherMetrics } from './cacher-metrics.js';
import { type CacherStorage, listFromStorage } from './cacher-storage.js';
import { decodeContinueToken } from './continue-token.js';
import { setLongTimer } from '@apiserver-kit/core';
import { validateListOptions } from './list-options.js';
import { checkLimit, parseResourceVersion } from './resource-version.js';
import { type ObjectKind, resolveObjectKind } from './resource-kinds.js';
import { TimeBudget } from './cacher-time-budget.js';
import { FieldSelector, parseFieldSelector } from './field-selector.js';
import { type IndexDefinition, namespaceIndex } from './indexer.js';
import { checkDuration, checkInteger, received } from '@apiserver-kit/core';
import { LabelSelector, parseLabelSelector } from './label-selector.js';
import type { ListerWatcher, SourceWatch } from './lister-watcher.js';
import { Reflector, type ReflectorOptions } from './reflector.js';
import { type SelectableFields, SelectableFieldsRegistry } from './selectable-fields.js';
import { SelectionPredicate } from './selection-predicate.js';
import { type CacheListOptions, type CacheListResult, WatchCache, type WatchCacheOptions, type WatchCacheStats } from './watch-cache.js';

/** Queue sizes of watchers by selectivity (Kubernetes' 10 / 100 / 1000). */
export interface CacherQueueSizes {
  /** Watchers registered under a trigger value (a node's pods): few events each. @default 10 */
  readonly routed?: number | undefined;
  /** Watchers with a selector no index answers: some events, checked one by one. @default 100 */
  readonly filtered?: number | undefined;
  /** Watchers of everything (in scope): every event. @default 1000 */
  readonly unfiltered?: number | undefined;
}

/** Options of {@link Cacher}: those of its {@link WatchCache} plus the fan-out's; `T` is the object type. */
export interface CacherOptions<T extends ObjectShape = KubeObject> extends Omit<WatchCacheOptions<T>, 'fanout' | 'bookmarkIntervalMs' | 'watcherQueueLimit' | 'objectKind'> {
  /**
   * `apiVersion` and `kind` of the resource's objects, carried by BOOKMARK
   * events (Kubernetes builds them from the resource's new-object function;
   * client-go's WatchList informer drops a bookmark of another kind).
   * @default the built-in table's entry for `resource` (pods → v1 Pod, …; see `BUILT_IN_RESOURCE_KINDS`); required for other resources
   */
  readonly objectKind?: ObjectKind | undefined;
  /** Where the Reflector lists and watches; without one, feed {@link Cacher.cache} directly. */
  readonly source?: ListerWatcher | undefined;
  /**
   * The storage the cache reflects (its keys under the cache's prefix), read
   * for what the cache cannot serve, as Kubernetes' CacheDelegator does: GET
   * without resourceVersion, Exact lists and continue tokens older than the
   * cache's history, consistent lists when the source cannot report progress
   * or the wait times out, lists with a limit and no selector while the cache
   * is not ready. @default none — those requests get the cache's answer (Expired, Timeout, TooManyRequests).
   */
  readonly storage?: CacherStorage<T> | undefined;
  /** Options of the Reflector (its clock defaults to the Cacher's). */
  readonly reflector?: ReflectorOptions | undefined;
  /** Per-watcher queue sizes. */
  readonly queueSizes?: CacherQueueSizes | undefined;
  /** Budget for waiting on full queues, refilled per second of clock time, in milliseconds; @default 50 */
  readonly budgetRefillMsPerSecond?: number | undefined;
  /** The most budget held, in milliseconds; @default 100 */
  readonly budgetCapMs?: number | undefined;
  /** Period of progress bookmarks for watchers that allow them, in milliseconds; 0 for none; @default 60_000 */
  readonly bookmarkIntervalMs?: number | undefined;
  /** Fraction of the period taken off at random per bookmark, so watchers spread out; @default 0.25 */
  readonly bookmarkJitter?: number | undefined;
  /** Source of jitter in [0, 1); @default Math.random */
  readonly random?: (() => number) | undefined;
  /** Where counters and histograms go; share one between cachers to aggregate; @default a fresh one */
  readonly metrics?: CacherMetrics | undefined;
}

/** What a watch and a list request share: revision, selectors and scope, as Kubernetes' parameters. */
export interface CacherRequestScope {
  /** Watch: unset = consistent start, `"0"` = any cached state, `"N"` = the changes after N (Expired 410 when older than the history). List: as {@link CacheListOptions.resourceVersion}. */
  readonly resourceVersion?: string | undefined;
  /** Watch: only with `sendInitialEvents`, and then `NotOlderThan`. List: as {@link CacheListOptions.resourceVersionMatch}. */
  readonly resourceVersionMatch?: string | undefined;
  /** Kubernetes label selector syntax, or a parsed selector. */
  readonly labelSelector?: string | LabelSelector | undefined;
  /** Kubernetes field selector syntax (fields of the resource), or a parsed selector. */
  readonly fieldSelector?: string | FieldSelector | undefined;
  /** Only objects of this namespace. */
  readonly namespace?: string | undefined;
  /** Watch: closes it when aborted (the client went away). List: aborts a wait for the cache to catch up. */
  readonly signal?: AbortSignal | undefined;
}

/** A watch request, as Kubernetes' watch parameters. */
export interface CacherWatchRequest extends CacherRequestScope {
  /** Stream the state as ADDED events in key order, then (with `allowWatchBookmarks`) a BOOKMARK annotated `k8s.io/initial-events-end`; needs `resourceVersionMatch=NotOlderThan`. */
  readonly sendInitialEvents?: boolean | undefined;
  /** Send BOOKMARK events (progress every `bookmarkIntervalMs`, and 2 s before the deadline). */
  readonly allowWatchBookmarks?: boolean | undefined;
  /** End the watch (cleanly, no error) after this many seconds; 0 or unset: no deadline. Any length works (longer than a `setTimeout` can wait: re-armed in steps). */
  readonly timeoutSeconds?: number | undefined;
}

/** A list request, as Kubernetes' list parameters (served from the cache, or from storage where the cache cannot). */
export interface CacherListRequest extends CacherRequestScope {
  /** At most this many items (0: no limit). */
  readonly limit?: number | undefined;
  /** The continue token of the previous page. */
  readonly continue?: string | undefined;
}

/** The answer of {@link Cacher.list}: the cache's result shape, wherever it was served from. */
export interface CacherListResult<T extends ObjectShape = KubeObject> extends CacheListResult<T> {
  /** Where the page was read: the watch cache, or the storage (delegated, see {@link CacherOptions.storage}). */
  readonly servedFrom: 'cache' | 'storage';
}

/** A GET request, as Kubernetes' get parameters. */
export interface CacherGetRequest {
  /** The object's namespace; unset or `""` for a cluster-scoped resource. */
  readonly namespace?: string | undefined;
  /**
   * Unset or `""`: the latest state (read from storage when one is given, as
   * Kubernetes does; else a consistent read of the cache); `"0"`: the cached
   * state; `"N"`: a state not older than N (waits for the cache).
   */
  readonly resourceVersion?: string | undefined;
  /** Aborts a wait for the cache to catch up. */
  readonly signal?: AbortSignal | undefined;
}

/** Observable state of a Cacher (a fresh object per read). */
export interface CacherStats extends WatchCacheStats {
  /** Watchers registered under a trigger value (visited only for changes carrying it). */
  readonly routedWatchers: number;
  /** Watchers visited for every change (no pinned trigger). */
  readonly unroutedWatchers: number;
  /** Changes waiting while the dispatcher waits on full queues. */
  readonly backlog: number;
  /** Whether the dispatcher is waiting on full queues now. */
  readonly isDispatcherWaiting: boolean;
  /** The time budget available now, in milliseconds. */
  readonly budgetMs: number;
}

/*
 * Every timer the Cacher sets is a background one (BACKGROUND, `unref`): a process that
 * forgot `stop()` or to close a watcher exits. Safe because a timer here never
 * produces what a consumer waits for on its own: bookmarks and the deadline
 * only matter to a consumer that something else keeps alive — an HTTP
 * socket, a source's connection, the writes that feed the cache — and a
 * pending promise alone does not keep Node running. The price: a script
 * whose only pending work is a watch awaiting its `timeoutSeconds` exits
 * before the deadline instead of ending the loop (keep something ref'd, or
 * close the watcher).
 */

interface WatchTimers {
  deadline: Timer | undefined;
  bookmark: Timer | undefined;
  readonly deadlineAt: number | undefined;
}

/**
 * Watch fan-out over a watch cache; see the module comment for the path of an
 * event. Watches are {@link CacheWatcher}s (async iterators of shared
 * `CachingWatchEvent`s); stream one to an HTTP response with
 * {@link writeWatchResponse}.
 *
 * Costs: a change costs one dispatch visiting only the watchers registered
 * under its object's current or previous trigger values plus the unrouted
 * ones; a delivery is one pointer in a bounded queue; bytes are framed once
 * per event per encoder identifier, whoever reads them. A slow consumer costs
 * the others at most the time budget (≤ `budgetCapMs` at once, refilled
 * `budgetRefillMsPerSecond`), then it is shed (its stream ends cleanly).
 *
 * Caveats: with a real clock, each watcher with bookmarks or a deadline holds
 * a timer (a background one: it does not keep the process alive); call
 * {@link stop} (or close the watchers) when done.
 *
 * Typed objects: `new Cacher<Pod>({ resource: 'pods', … })` (kubernetes-types'
 * `Pod`) lists and gets `CachingObject<Pod>`s (`getObject()`: a
 * `Stored<Pod>`); @default `KubeObject`, untyped. `T` is the caller's claim
 * about the source's objects, as in {@link WatchCache}; watch events stay
 * untyped (their objects may be bookmarks).
 */
export class Cacher<T extends ObjectShape = KubeObject> {
  /** The resource name. */
  readonly resource: string;
  /** The watch cache (feed it directly when there is no `source`). */
  readonly cache: WatchCache<T>;
  /** The Reflector, when a `source` was given. */
  readonly reflector: Reflector | undefined;
  /** The counters and histograms. */
  readonly metrics: CacherMetrics;
  readonly #dispatcher: CacherDispatcher;
  readonly #budget: TimeBudget;
  readonly #clock: Clock;
  readonly #fields: SelectableFields;
  readonly #sizes: Required<CacherQueueSizes>;
  readonly #bookmarkIntervalMs: number;
  readonly #jitter: number;
  readonly #random: () => number;
  readonly #timers = new Map<CacheWatcher, WatchTimers>();
  readonly #storage: CacherStorage | undefined;
  /** Whether the source's current watch can report progress: `false` → consistent lists go to storage (delegator.go). */
  #progressSupported = true;

  /**
   * @throws TypeError/RangeError naming a bad option; TypeError when
   *   `objectKind` is unset and `resource` is not a built-in resource (see
   *   `BUILT_IN_RESOURCE_KINDS`).
   */
  constructor(options: CacherOptions<NoInfer<T>>) {
    if (typeof options !== 'object' || options === null) throw new TypeError(`Expected \`options\` to be an object, got ${received(options)}`);
    this.#clock = options.clock ?? systemClock;
    this.metrics = options.metrics ?? new CacherMetrics();
    this.#budget = new TimeBudget(this.#clock, { refillMsPerSecond: options.budgetRefillMsPerSecond, capMs: options.budgetCapMs });
    const sizes = options.queueSizes ?? {};
    this.#sizes = { routed: sizes.routed ?? 10, filtered: sizes.filtered ?? 100, unfiltered: sizes.unfiltered ?? 1000 };
    checkInteger('queueSizes.routed', this.#sizes.routed, 1);
    checkInteger('queueSizes.filtered', this.#sizes.filtered, 1);
    checkInteger('queueSizes.unfiltered', this.#sizes.unfiltered, 1);
    this.#bookmarkIntervalMs = options.bookmarkIntervalMs ?? 60_000;
    checkDuration('bookmarkIntervalMs', this.#bookmarkIntervalMs);
    this.#jitter = options.bookmarkJitter ?? 0.25;
    if (typeof this.#jitter !== 'number' || !(this.#jitter >= 0 && this.#jitter < 1)) {
      throw new RangeError(`Expected \`bookmarkJitter\` to be a number in [0, 1), got ${received(this.#jitter)}`);
    }
    this.#random = options.random ?? Math.random;
    const indexes = options.indexes ?? [namespaceIndex()];
    const prefix = options.prefix ?? `/${String(options.resource)}/`;
    this.#dispatcher = new CacherDispatcher({
      resource: options.resource,
      prefix,
      indexes: untyped(indexes),
      clock: this.#clock,
      budget: this.#budget,
      metrics: this.metrics,
      onDetach: (watcher) => this.#forget(watcher),
    });
    const objectKind = resolveObjectKind(String(options.resource), options.objectKind);
    if (options.storage !== undefined && (typeof options.storage !== 'object' || options.storage === null || typeof options.storage.list !== 'function' || typeof options.storage.get !== 'function')) {
      throw new TypeError(`Expected \`storage\` to be a Storage (with get and list), got ${received(options.storage)}`);
    }
    const {
      source: _source,
      reflector: _reflector,
      queueSizes: _q,
      budgetRefillMsPerSecond: _r,
      budgetCapMs: _c,
      bookmarkJitter: _j,
      random: _rand,
      metrics: _m,
      storage: _s,
      objectKind: _k,
      ...cacheOptions
    } = options;
    this.cache = new WatchCache<T>({
      ...cacheOptions,
      objectKind,
      indexes,
      clock: this.#clock,
      // The Cacher schedules bookmarks per watcher (jittered, before deadlines).
      bookmarkIntervalMs: 0,
      watcherQueueLimit: this.#sizes.unfiltered,
      fanout: this.#dispatcher,
    });
    this.resource = this.cache.resource;
    this.#storage = untyped(options.storage);
    this.#fields = options.selectableFields ?? new SelectableFieldsRegistry().get(this.resource);
    this.reflector = options.source === undefined ? undefined : new Reflector(this.#observeProgress(options.source), this.cache, { ...options.reflector, clock: options.reflector?.clock ?? this.#clock });
  }

  /** Starts the Reflector (no-op without a source). */
  start(): void {
    this.reflector?.start();
  }

  /** Stops the Reflector, closes every watcher and the cache. */
  async stop(): Promise<void> {
    await this.reflector?.stop();
    this.cache.close();
  }

  /** Resolves when the cache holds its initial list. */
  onReady(): Promise<void> {
    return this.cache.onReady();
  }

  /** The cache's stats plus the fan-out's. */
  get stats(): CacherStats {
    const counts = this.#dispatcher.watcherCounts;
    return {
      ...this.cache.stats,
      routedWatchers: counts.routed,
      unroutedWatchers: counts.unrouted,
      backlog: this.#dispatcher.backlog,
      isDispatcherWaiting: this.#dispatcher.isWaiting,
      budgetMs: this.#budget.available,
    };
  }

  /**
   * The trigger a watch with `predicate` under key `prefix` is routed by, or
   * `undefined` when it is visited for every change (see
   * {@link CacherDispatcher.triggerFor}). O(indexes).
   */
  triggerFor(predicate: SelectionPredicate, prefix: string = this.cache.prefix): WatchTrigger | undefined {
    return this.#dispatcher.triggerFor(predicate, prefix);
  }

  /**
   * A LIST with Kubernetes' parameters, served from the cache (see
   * {@link WatchCache.list} for the resourceVersion semantics), its items the
   * same CachingObjects watches deliver: bytes encoded for one are reused by
   * the other.
   *
   * With a {@link CacherOptions.storage}, what the cache cannot serve is read
   * from storage, as Kubernetes' CacheDelegator (delegator.go) does, with the
   * same result shape (items, resourceVersion, a continue token in the same
   * format, remainingItemCount for an empty selector):
   *
   * | request | served from |
   * | --- | --- |
   * | Exact `N` (or `N` with a limit and no match), continue token | the cache if its history or a kept snapshot holds the revision, else storage at that revision |
   * | continue token whose revision storage compacted | Expired 410 with `metadata.continue` = a token of rv −1 (go on at the latest revision, inconsistently) |
   * | unset (consistent) | the cache after waiting for storage's revision; storage when the source cannot report progress, or the wait times out |
   * | `"0"`, NotOlderThan `N` | the cache |
   * | any, cache not ready, limit and no selector | storage (Kubernetes' ResilientWatchCacheInitialization) |
   *
   * @throws StatusError BadRequest 400 for malformed selectors or parameters;
   *   Invalid 422 for options that do not fit together; as
   *   {@link WatchCache.list} (Expired 410, Timeout 504, not ready) where the
   *   storage does not take over; what the storage throws where it does.
   */
  async list(request: CacherListRequest = {}): Promise<CacherListResult<T>> {
    const { predicate, prefix } = this.#selection(request);
    const storage = this.#storage;
    if (storage !== undefined) {
      if (!this.cache.isReady && predicate.isEverything && (request.limit ?? 0) > 0) return this.#listFromStorage(storage, request, predicate, prefix, false);
      const rv = request.resourceVersion ?? '';
      if (rv === '' && (request.continue ?? '') === '' && !this.#progressSupported) return this.#listFromStorage(storage, request, predicate, prefix, false);
    }
    try {
      const result = await this.cache.list({
        predicate,
        prefix,
        resourceVersion: request.resourceVersion,
        resourceVersionMatch: request.resourceVersionMatch,
        limit: request.limit,
        continue: request.continue,
        signal: request.signal,
      });
      return { ...result, servedFrom: 'cache' };
    } catch (error) {
      if (storage === undefined) throw error;
      // The cache validated the request: Expired means it no longer holds the revision (Exact, continue).
      if (isStatusError(error, 'Expired')) return this.#listFromStorage(storage, request, predicate, prefix, false);
      // A consistent read whose wait timed out: storage's latest state (delegator.go's fallback).
      if (isStatusError(error, 'Timeout') && (request.resourceVersion ?? '') === '' && (request.continue ?? '') === '') {
        return this.#listFromStorage(storage, request, predicate, prefix, true);
      }
      throw error;
    }
  }

  /**
   * A Kubernetes GET: the object `name` (in `namespace`), with Kubernetes'
   * resourceVersion semantics for GET (delegator.go `Get`): unset or `""` →
   * the latest state, read from storage when one is given (and a consistent
   * read of the cache otherwise); `"0"` → the cached state; `"N"` → a state
   * not older than N (waits for the cache, up to `consistentReadTimeoutMs`).
   * While the cache is not ready, a GET goes to storage when one is given.
   * Returns the shared CachingObject (do not modify). O(log n) from the cache.
   *
   * @throws StatusError NotFound 404; BadRequest 400 for a malformed
   *   resourceVersion, name or namespace; Timeout 504 when the cache does not
   *   reach N in time; not ready (without storage); what the storage throws.
   */
  async get(name: string, request: CacherGetRequest = {}): Promise<CachingObject<T>> {
    if (typeof name !== 'string' || name === '' || name.includes('/')) throw badRequest(`invalid name ${JSON.stringify(name)}`);
    const ns = request.namespace ?? '';
    if (typeof ns !== 'string' || ns.includes('/')) throw badRequest(`invalid namespace ${JSON.stringify(ns)}`);
    const key = ns === '' ? `${this.cache.prefix}${name}` : `${this.cache.prefix}${ns}/${name}`;
    const rv = request.resourceVersion ?? '';
    const revision = rv === '' ? undefined : parseResourceVersion(rv);
    const storage = this.#storage;
    if (storage !== undefined && (revision === undefined || !this.cache.isReady)) return typed<T>(CachingObject.from(await storage.get(key)));
    await this.cache.waitUntilFresh(revision, request.signal);
    const object = this.cache.get(key);
    if (object === undefined) throw notFound(this.resource, name);
    return object;
  }

  /** A list page read from storage; `latest`: at its current revision whatever the request asked (a timed-out consistent read). */
  async #listFromStorage(storage: CacherStorage, request: CacherListRequest, predicate: SelectionPredicate, prefix: string, latest: boolean): Promise<CacherListResult<T>> {
    const rv = request.resourceVersion ?? '';
    const token = request.continue ?? '';
    const match = validateListOptions({ resourceVersion: request.resourceVersion, resourceVersionMatch: request.resourceVersionMatch, continue: request.continue });
    const limit = checkLimit(request.limit);
    let revision: number | undefined;
    let startKey: string | undefined;
    let minimumRevision: number | undefined;
    if (token !== '') {
      const from = decodeContinueToken(token, prefix);
      if (rv !== '' && rv !== '0') throw badRequest('specifying resource version is not allowed when using continue');
      // rv −1: go on at the latest revision (the token of a 410 after compaction).
      revision = from.revision > 0 ? from.revision : undefined;
      startKey = from.startKey;
    } else if (rv !== '' && !latest) {
      const requested = parseResourceVersion(rv);
      if (requested > 0 && (match === 'Exact' || (match === undefined && limit > 0))) revision = requested;
      else if (requested > 0) minimumRevision = requested;
    }
    const result = await listFromStorage(storage, (object) => this.cache.keyOf(object), this.#fields, {
      prefix,
      predicate,
      limit,
      revision,
      startKey,
      isContinue: token !== '',
      minimumRevision,
    });
    try {
      this.metrics.listsDelegated.inc(this.resource);
    } catch {
      // See CacherDispatcher's `safely`.
    }
    return { ...typed<T>(result), servedFrom: 'storage' };
  }

  /** `source`, noting whether each watch it opens can report progress (a consistent read needs it to be answered by the cache). */
  #observeProgress(source: ListerWatcher): ListerWatcher {
    const watch = (options: Parameters<ListerWatcher['watch']>[0]): SourceWatch => {
      const opened = source.watch(options);
      this.#progressSupported = typeof opened.requestProgress === 'function';
      return opened;
    };
    const observed: ListerWatcher = { list: (options) => source.list(options), watch };
    const current = source.currentRevision;
    return current === undefined ? observed : { ...observed, currentRevision: () => current.call(source) };
  }

  /**
   * Opens a watch. Parameter rules as Kubernetes' `ValidateListOptions`
   * (Invalid 422): `sendInitialEvents` requires
   * `resourceVersionMatch=NotOlderThan`; `resourceVersionMatch` without
   * `sendInitialEvents` is forbidden. `allowWatchBookmarks` is not required
   * (without it, no initial-events-end bookmark is sent).
   *
   * The watcher's queue holds 10 (routed by a trigger), 100 (other selector)
   * or 1000 (everything) events by default; when it stays full beyond the
   * time budget, the watcher is shed: it ends cleanly, as at
   * `timeoutSeconds` (no ERROR event, as Kubernetes' cache watcher), so the
   * client re-watches from the last resourceVersion it received instead of
   * relisting; {@link CacheWatcher.isShed} and the
   * `watchersTerminated{reason="unresponsive"}` counter tell it apart.
   *
   * @throws StatusError BadRequest 400 for bad parameters or selectors;
   *   Expired 410 for a revision older than the history; Timeout 504 when the
   *   cache does not reach the revision in time; not ready before the initial
   *   list. These come before the stream opens: an HTTP host answers them
   *   with their status code. A failure after (the watcher's iteration
   *   throws) goes out as one ERROR event of an HTTP 200 stream
   *   ({@link writeWatchResponse}, {@link writeWatchError}).
   */
  async watch(request: CacherWatchRequest = {}): Promise<CacheWatcher> {
    const timeoutSeconds = request.timeoutSeconds ?? 0;
    if (typeof timeoutSeconds !== 'number' || !Number.isSafeInteger(timeoutSeconds) || timeoutSeconds < 0) {
      throw badRequest(`timeoutSeconds: Invalid value: ${JSON.stringify(timeoutSeconds)}: must be a non-negative integer`);
    }
    const { predicate, prefix } = this.#selection(request);
    const trigger = this.#dispatcher.triggerFor(predicate, prefix);
    const queueLimit = trigger !== undefined ? this.#sizes.routed : predicate.isEverything ? this.#sizes.unfiltered : this.#sizes.filtered;
    const watcher = await this.cache.watch({
      predicate,
      prefix,
      queueLimit,
      resourceVersion: request.resourceVersion,
      resourceVersionMatch: request.resourceVersionMatch,
      sendInitialEvents: request.sendInitialEvents,
      allowWatchBookmarks: request.allowWatchBookmarks,
      signal: request.signal,
    });
    if (watcher.isStopped) return watcher;
    const now = this.#clock.now();
    const deadlineAt = timeoutSeconds > 0 ? now + timeoutSeconds * 1000 : undefined;
    const timers: WatchTimers = { deadline: undefined, bookmark: undefined, deadlineAt };
    this.#timers.set(watcher, timers);
    if (deadlineAt !== undefined) {
      timers.deadline = setLongTimer(
        this.#clock,
        () => {
          watcher.close();
          try {
            this.metrics.watchersTerminated.inc('timeout');
          } catch {
            // A host's metrics must not keep the watch open (see CacherDispatcher's `safely`).
          }
        },
        deadlineAt - now,
        BACKGROUND,
      );
    }
    if (request.allowWatchBookmarks === true) this.#scheduleBookmark(watcher, timers, now);
    return watcher;
  }

  /**
   * The next bookmark: one period from now less a random jitter, or 2 s before
   * the deadline if that comes first (so a client that reconnects at its
   * timeout resumes from a fresh revision). Never blocks: the watcher sends
   * it when it is idle.
   */
  #scheduleBookmark(watcher: CacheWatcher, timers: WatchTimers, now: number): void {
    let at = this.#bookmarkIntervalMs > 0 ? now + this.#bookmarkIntervalMs * (1 - this.#jitter * this.#random()) : Infinity;
    if (timers.deadlineAt !== undefined && timers.deadlineAt - 2000 > now) at = Math.min(at, timers.deadlineAt - 2000);
    if (at === Infinity) return;
    timers.bookmark = setLongTimer(
      this.#clock,
      () => {
        timers.bookmark = undefined;
        if (watcher.isStopped) return;
        watcher.requestBookmark();
        this.#scheduleBookmark(watcher, timers, this.#clock.now());
      },
      at - now,
      BACKGROUND,
    );
  }

  #forget(watcher: CacheWatcher): void {
    const timers = this.#timers.get(watcher);
    if (timers === undefined) return;
    this.#timers.delete(watcher);
    timers.deadline?.cancel();
    timers.bookmark?.cancel();
  }

  #selection(request: CacherRequestScope): {
    predicate: SelectionPredicate;
    prefix: string;
  } {
    const label = typeof request.labelSelector === 'string' ? parseLabelSelector(request.labelSelector) : (request.labelSelector ?? LabelSelector.everything);
    const field = typeof request.fieldSelector === 'string' ? parseFieldSelector(request.fieldSelector, this.#fields) : (request.fieldSelector ?? FieldSelector.everything);
    const predicate = label.isEmpty && field.isEmpty ? SelectionPredicate.everything : new SelectionPredicate(label, field);
    const ns = request.namespace;
    if (ns !== undefined && (typeof ns !== 'string' || ns.includes('/'))) throw badRequest(`invalid namespace ${JSON.stringify(ns)}`);
    const prefix = ns === undefined || ns === '' ? this.cache.prefix : `${this.cache.prefix}${ns}/`;
    return { predicate, prefix };
  }
}

/**
 * The boundary between the untyped cache internals and `T`: the casts of
 * {@link Cacher}, in one place. The cache holds what its source decoded
 * (`KubeObject`), and the Reflector, the dispatcher and the storage path work
 * on it untyped; `T` is the caller's claim about it (see {@link WatchCache}).
 * A cast, not a widening: kubernetes-types' interfaces are not assignable to
 * `KubeObject` (their `ObjectMeta` has no index signature). Overloads, so
 * that each use names what it converts.
 */
function typed<T extends ObjectShape>(value: CachingObject): CachingObject<T>;
function typed<T extends ObjectShape>(value: CacheListResult): CacheListResult<T>;
function typed(value: unknown): unknown {
  return value;
}

/** The other direction of {@link typed}: what is typed by `T`, as the untyped internals take it. */
function untyped<T extends ObjectShape>(value: readonly IndexDefinition<T>[]): readonly IndexDefinition[];
function untyped<T extends ObjectShape>(value: CacherStorage<T> | undefined): CacherStorage | undefined;
function untyped(value: unknown): unknown {
  return value;
}
