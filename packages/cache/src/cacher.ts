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
 *                                 │ full: wait ≤ TimeBudget, then terminate (Gone, resume RV)
 *                                 ▼
 *   CacheWatcher: initial events (snapshot, key order) ─▶ end bookmark ─▶ replay (ring) ─▶ queue ─▶ bookmarks
 *                                 │ next()/tryNext(): the shared CachingWatchEvent
 *                                 ▼
 *   writeWatchResponse: event.framed(encoder) (encoded once per version per identifier, CachingObject)
 *                       ─▶ writeChunks (cork, writev, wait for drain) ─▶ socket
 * ```
 */
import { badRequest } from '@apiserver-kit/codec';
import { type Clock, systemClock, type Timer } from '@apiserver-kit/storage';
import type { CacheWatcher } from './cache-watcher.js';
import { CacherDispatcher, type WatchTrigger } from './cacher-dispatcher.js';
import { CacherMetrics } from './cacher-metrics.js';
import { TimeBudget } from './cacher-time-budget.js';
import { FieldSelector, parseFieldSelector } from './field-selector.js';
import { namespaceIndex } from './indexer.js';
import { checkDuration, checkInteger, received } from '@apiserver-kit/core';
import { LabelSelector, parseLabelSelector } from './label-selector.js';
import type { ListerWatcher } from './lister-watcher.js';
import { Reflector, type ReflectorOptions } from './reflector.js';
import { type SelectableFields, SelectableFieldsRegistry } from './selectable-fields.js';
import { SelectionPredicate } from './selection-predicate.js';
import { type CacheListOptions, type CacheListResult, WatchCache, type WatchCacheOptions, type WatchCacheStats } from './watch-cache.js';

/** Queue sizes of watchers by selectivity (Kubernetes' 10 / 100 / 1000). */
export interface CacherQueueSizes {
  /** Watchers registered under a trigger value (a node's pods): few events each. @default 10 */
  readonly routed?: number;
  /** Watchers with a selector no index answers: some events, checked one by one. @default 100 */
  readonly filtered?: number;
  /** Watchers of everything (in scope): every event. @default 1000 */
  readonly unfiltered?: number;
}

/** Options of {@link Cacher}: those of its {@link WatchCache} plus the fan-out's. */
export interface CacherOptions extends Omit<WatchCacheOptions, 'fanout' | 'bookmarkIntervalMs' | 'watcherQueueLimit'> {
  /** Where the Reflector lists and watches; without one, feed {@link Cacher.cache} directly. */
  readonly source?: ListerWatcher;
  /** Options of the Reflector (its clock defaults to the Cacher's). */
  readonly reflector?: ReflectorOptions;
  /** Per-watcher queue sizes. */
  readonly queueSizes?: CacherQueueSizes;
  /** Budget for waiting on full queues, refilled per second of clock time, in milliseconds; @default 50 */
  readonly budgetRefillMsPerSecond?: number;
  /** The most budget held, in milliseconds; @default 100 */
  readonly budgetCapMs?: number;
  /** Period of progress bookmarks for watchers that allow them, in milliseconds; 0 for none; @default 60_000 */
  readonly bookmarkIntervalMs?: number;
  /** Fraction of the period taken off at random per bookmark, so watchers spread out; @default 0.25 */
  readonly bookmarkJitter?: number;
  /** Source of jitter in [0, 1); @default Math.random */
  readonly random?: () => number;
  /** Where counters and histograms go; share one between cachers to aggregate; @default a fresh one */
  readonly metrics?: CacherMetrics;
}

/** What a watch and a list request share: revision, selectors and scope, as Kubernetes' parameters. */
export interface CacherRequestScope {
  /** Watch: unset = consistent start, `"0"` = any cached state, `"N"` = the changes after N (Expired 410 when older than the history). List: as {@link CacheListOptions.resourceVersion}. */
  readonly resourceVersion?: string;
  /** Watch: only with `sendInitialEvents`, and then `NotOlderThan`. List: as {@link CacheListOptions.resourceVersionMatch}. */
  readonly resourceVersionMatch?: string;
  /** Kubernetes label selector syntax, or a parsed selector. */
  readonly labelSelector?: string | LabelSelector;
  /** Kubernetes field selector syntax (fields of the resource), or a parsed selector. */
  readonly fieldSelector?: string | FieldSelector;
  /** Only objects of this namespace. */
  readonly namespace?: string;
  /** Watch: closes it when aborted (the client went away). List: aborts a wait for the cache to catch up. */
  readonly signal?: AbortSignal;
}

/** A watch request, as Kubernetes' watch parameters. */
export interface CacherWatchRequest extends CacherRequestScope {
  /** Stream the state as ADDED events in key order, then a BOOKMARK annotated `k8s.io/initial-events-end`; needs `allowWatchBookmarks`. */
  readonly sendInitialEvents?: boolean;
  /** Send BOOKMARK events (progress every `bookmarkIntervalMs`, and 2 s before the deadline). */
  readonly allowWatchBookmarks?: boolean;
  /** End the watch (cleanly, no error) after this many seconds; 0 or unset: no deadline. */
  readonly timeoutSeconds?: number;
}

/** A list request, as Kubernetes' list parameters (served from the cache). */
export interface CacherListRequest extends CacherRequestScope {
  /** At most this many items (0: no limit). */
  readonly limit?: number;
  /** The continue token of the previous page. */
  readonly continue?: string;
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
 * `budgetRefillMsPerSecond`), then it is terminated.
 *
 * Caveats: with a real clock and bookmarks, each bookmarking watcher holds one
 * timer; call {@link stop} (or close the watchers) when done.
 */
export class Cacher {
  /** The resource name. */
  readonly resource: string;
  /** The watch cache (feed it directly when there is no `source`). */
  readonly cache: WatchCache;
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

  /** @throws TypeError/RangeError naming a bad option. */
  constructor(options: CacherOptions) {
    if (typeof options !== 'object' || options === null) throw new TypeError(`Expected \`options\` to be an object, got ${received(options)}`);
    this.#clock = options.clock ?? systemClock;
    this.metrics = options.metrics ?? new CacherMetrics();
    this.#budget = new TimeBudget(this.#clock, {
      ...(options.budgetRefillMsPerSecond === undefined ? {} : { refillMsPerSecond: options.budgetRefillMsPerSecond }),
      ...(options.budgetCapMs === undefined ? {} : { capMs: options.budgetCapMs }),
    });
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
      indexes,
      clock: this.#clock,
      budget: this.#budget,
      metrics: this.metrics,
      onDetach: (watcher) => this.#forget(watcher),
    });
    const { source: _source, reflector: _reflector, queueSizes: _q, budgetRefillMsPerSecond: _r, budgetCapMs: _c, bookmarkJitter: _j, random: _rand, metrics: _m, ...cacheOptions } = options;
    this.cache = new WatchCache({
      ...cacheOptions,
      indexes,
      clock: this.#clock,
      // The Cacher schedules bookmarks per watcher (jittered, before deadlines).
      bookmarkIntervalMs: 0,
      watcherQueueLimit: this.#sizes.unfiltered,
      fanout: this.#dispatcher,
    });
    this.resource = this.cache.resource;
    this.#fields = options.selectableFields ?? new SelectableFieldsRegistry().get(this.resource);
    this.reflector = options.source === undefined ? undefined : new Reflector(options.source, this.cache, { clock: this.#clock, ...options.reflector });
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
   * A LIST served from the cache (see {@link WatchCache.list}), its items the
   * same CachingObjects watches deliver: bytes encoded for one are reused by
   * the other.
   *
   * @throws StatusError BadRequest for malformed selectors or parameters, and as {@link WatchCache.list}.
   */
  list(request: CacherListRequest = {}): Promise<CacheListResult> {
    const { predicate, prefix } = this.#selection(request);
    return this.cache.list({
      predicate,
      prefix,
      ...(request.resourceVersion === undefined ? {} : { resourceVersion: request.resourceVersion }),
      ...(request.resourceVersionMatch === undefined ? {} : { resourceVersionMatch: request.resourceVersionMatch }),
      ...(request.limit === undefined ? {} : { limit: request.limit }),
      ...(request.continue === undefined ? {} : { continue: request.continue }),
      ...(request.signal === undefined ? {} : { signal: request.signal }),
    });
  }

  /**
   * Opens a watch. Parameter rules as Kubernetes: `sendInitialEvents`
   * requires `resourceVersionMatch=NotOlderThan` and `allowWatchBookmarks`;
   * `resourceVersionMatch` without `sendInitialEvents` is forbidden.
   *
   * The watcher's queue holds 10 (routed by a trigger), 100 (other selector)
   * or 1000 (everything) events by default; when it stays full beyond the
   * time budget, the watch fails with Gone 410 naming the revision to resume
   * from. At `timeoutSeconds` it ends cleanly.
   *
   * @throws StatusError BadRequest 400 for bad parameters or selectors;
   *   Expired 410 for a revision older than the history; Timeout 504 when the
   *   cache does not reach the revision in time; ServiceUnavailable before
   *   the initial list.
   */
  async watch(request: CacherWatchRequest = {}): Promise<CacheWatcher> {
    if (request.sendInitialEvents === true && request.allowWatchBookmarks !== true) {
      throw badRequest('allowWatchBookmarks: Forbidden: sendInitialEvents requires setting allowWatchBookmarks to true');
    }
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
      ...(request.resourceVersion === undefined ? {} : { resourceVersion: request.resourceVersion }),
      ...(request.resourceVersionMatch === undefined ? {} : { resourceVersionMatch: request.resourceVersionMatch }),
      ...(request.sendInitialEvents === undefined ? {} : { sendInitialEvents: request.sendInitialEvents }),
      ...(request.allowWatchBookmarks === undefined ? {} : { allowWatchBookmarks: request.allowWatchBookmarks }),
      ...(request.signal === undefined ? {} : { signal: request.signal }),
    });
    if (watcher.isStopped) return watcher;
    const now = this.#clock.now();
    const deadlineAt = timeoutSeconds > 0 ? now + timeoutSeconds * 1000 : undefined;
    const timers: WatchTimers = { deadline: undefined, bookmark: undefined, deadlineAt };
    this.#timers.set(watcher, timers);
    if (deadlineAt !== undefined) {
      timers.deadline = this.#clock.setTimer(() => {
        this.metrics.watchersTerminated.inc('timeout');
        watcher.close();
      }, deadlineAt - now);
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
    timers.bookmark = this.#clock.setTimer(() => {
      timers.bookmark = undefined;
      if (watcher.isStopped) return;
      watcher.requestBookmark();
      this.#scheduleBookmark(watcher, timers, this.#clock.now());
    }, at - now);
  }

  #forget(watcher: CacheWatcher): void {
    const timers = this.#timers.get(watcher);
    if (timers === undefined) return;
    this.#timers.delete(watcher);
    timers.deadline?.cancel();
    timers.bookmark?.cancel();
  }

  #selection(request: { readonly labelSelector?: string | LabelSelector; readonly fieldSelector?: string | FieldSelector; readonly namespace?: string }): {
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
