/**
 * The Cacher's dispatcher: takes each change from the watch cache once, finds
 * the watchers that can want it through their trigger registrations, and
 * offers it to each one's bounded queue without waiting. When some queues are
 * full it waits for them on a shared {@link TimeBudget}, then sheds the
 * watchers that still have no room (a clean end of their streams).
 *
 * ```
 *   change (seq, entry, previous) ──▶ incoming ──▶ triggers of entry and previous
 *                                                  │  index "field:spec.nodeName": "node-7" → {w12, w40}
 *                                                  │  index "namespace":           "team-a" → {w3}
 *                                                  └─ + unrouted watchers (no pinned trigger)
 *        each visited watcher: offer() ──queued──▶ its queue (a shared event reference)
 *                                     └─full──▶ wait ≤ budget ──still full──▶ shed (closed cleanly)
 * ```
 *
 * Why queues of references and not the watcher cursors: a cursor makes a
 * watcher read past every change of the resource to find its own, so a
 * per-node watcher would still cost O(changes) — routing would only save the
 * notification. A queue costs one pointer per delivered event, is bounded by
 * its limit, and lets the dispatcher see "full" exactly (Kubernetes' buffered
 * channel). The history ring stays the source for replays (watch from an old
 * revision), which the watcher reads by cursor up to its registration point.
 *
 * While the dispatcher waits, later changes wait in `incoming` (bounded by the
 * write rate times the budget, ≤ 100 ms by default); the cache keeps applying.
 */
import { BACKGROUND_TIMER as BACKGROUND } from '@apiserver-kit/core';
import type { Clock } from '@apiserver-kit/storage';
import type { CacheWatcher } from './cache-watcher.js';
import type { CacherMetrics } from './cacher-metrics.js';
import type { TimeBudget } from './cacher-time-budget.js';
import type { IndexDefinition } from './indexer.js';
import { MAX_PINNED_VALUES } from './list-planner.js';
import type { StoreEntry } from './ordered-store.js';
import type { SelectionPredicate } from './selection-predicate.js';
import type { HistoryEvent } from './watch-cache-history.js';
import type { WatchFanout } from './watch-fanout.js';

/** The trigger a watcher is registered under: one index and the values its selector pins. */
export interface WatchTrigger {
  /** The index whose values route events to the watcher. */
  readonly index: IndexDefinition;
  /** The values pinned (the watcher wants only objects carrying one of them). */
  readonly values: readonly string[];
}

interface Registration {
  readonly watcher: CacheWatcher;
  readonly trigger: WatchTrigger | undefined;
  /** The dispatch stamp of the last visit, so a watcher is visited once per change. */
  stamp: number;
}

interface Route {
  readonly index: IndexDefinition;
  readonly buckets: Map<string, Set<Registration>>;
  size: number;
}

interface Incoming {
  readonly event: HistoryEvent;
  readonly seq: number;
}

/** Options of {@link CacherDispatcher}; built by the Cacher. */
export interface CacherDispatcherOptions {
  readonly resource: string;
  /** The cache's key prefix (a namespace scope is a prefix below it). */
  readonly prefix: string;
  /** The indexes events can be routed by (those naming a label or a field). */
  readonly indexes: readonly IndexDefinition[];
  readonly clock: Clock;
  readonly budget: TimeBudget;
  readonly metrics: CacherMetrics;
  /** Told when a watcher ends, whatever the reason. */
  readonly onDetach?: ((watcher: CacheWatcher) => void) | undefined;
}

/**
 * Routes, queues and sheds; see the module comment. Costs per change:
 * O(routed indexes in use + watchers visited), one `valuesOf` per index in use
 * for the new and the previous version; nothing per unvisited watcher.
 */
export class CacherDispatcher implements WatchFanout {
  readonly #resource: string;
  readonly #prefix: string;
  readonly #indexes: readonly IndexDefinition[];
  readonly #clock: Clock;
  readonly #budget: TimeBudget;
  readonly #metrics: CacherMetrics;
  readonly #onDetach: ((watcher: CacheWatcher) => void) | undefined;
  readonly #routes = new Map<string, Route>();
  readonly #unrouted = new Set<Registration>();
  readonly #registrations = new Map<CacheWatcher, Registration>();
  #incoming: Incoming[] = [];
  #head = 0;
  #waiting = false;
  #stamp = 0;
  #startedRevision = 0;
  #blocked: CacheWatcher[] = [];

  constructor(options: CacherDispatcherOptions) {
    this.#resource = options.resource;
    this.#prefix = options.prefix;
    // Namespace last: among equally selective triggers a field or label one is narrower in practice.
    this.#indexes = [...options.indexes.filter((d) => d.label !== undefined || d.field !== undefined)].sort(
      (a, b) => Number(a.field === 'metadata.namespace') - Number(b.field === 'metadata.namespace'),
    );
    this.#clock = options.clock;
    this.#budget = options.budget;
    this.#metrics = options.metrics;
    this.#onDetach = options.onDetach;
  }

  /** {@inheritDoc WatchFanout.nextSeq} */
  get nextSeq(): number | undefined {
    return this.#head < this.#incoming.length ? this.#incoming[this.#head]!.seq : undefined;
  }

  /** {@inheritDoc WatchFanout.startedRevision} */
  get startedRevision(): number {
    return this.#startedRevision;
  }

  /** Changes taken and not yet offered (they wait while the dispatcher waits on full queues). */
  get backlog(): number {
    return this.#incoming.length - this.#head;
  }

  /** Whether the dispatcher is waiting on full queues now. */
  get isWaiting(): boolean {
    return this.#waiting;
  }

  /** Watchers registered under a trigger / unrouted. */
  get watcherCounts(): { readonly routed: number; readonly unrouted: number } {
    return { routed: this.#registrations.size - this.#unrouted.size, unrouted: this.#unrouted.size };
  }

  /**
   * The trigger a watcher with `predicate` under `prefix` is registered under,
   * or `undefined` (it sees every change): the routable index whose pinned
   * values are fewest (at most {@link MAX_PINNED_VALUES}); a namespace scope
   * (a prefix `/<resource>/<ns>/`) pins the namespace index.
   */
  triggerFor(predicate: SelectionPredicate, prefix: string): WatchTrigger | undefined {
    let best: WatchTrigger | undefined;
    const scope = namespaceOfPrefix(this.#prefix, prefix);
    for (const index of this.#indexes) {
      let values: readonly string[] | undefined;
      if (index.label !== undefined) values = predicate.label.pinnedValues(index.label);
      if (values === undefined && index.field !== undefined) values = predicate.field.pinnedValues(index.field);
      if (index.field === 'metadata.namespace' && scope !== undefined) {
        values = values === undefined ? [scope] : values.filter((v) => v === scope);
        // A scope and a selector that disagree select nothing: any trigger value will do.
        if (values.length === 0) values = [scope];
      }
      if (values === undefined || values.length > MAX_PINNED_VALUES) continue;
      if (best === undefined || values.length < best.values.length) best = { index, values };
    }
    return best;
  }

  /** {@inheritDoc WatchFanout.attach} */
  attach(watcher: CacheWatcher): void {
    if (this.#registrations.has(watcher)) return;
    const trigger = this.triggerFor(watcher.predicate, watcher.prefix);
    const registration: Registration = { watcher, trigger, stamp: 0 };
    this.#registrations.set(watcher, registration);
    safely(() => this.#metrics.watchers.add(this.#resource, 1));
    if (trigger === undefined) {
      this.#unrouted.add(registration);
      return;
    }
    let route = this.#routes.get(trigger.index.name);
    if (route === undefined) {
      route = { index: trigger.index, buckets: new Map(), size: 0 };
      this.#routes.set(trigger.index.name, route);
    }
    route.size++;
    for (const value of trigger.values) {
      let bucket = route.buckets.get(value);
      if (bucket === undefined) route.buckets.set(value, (bucket = new Set()));
      bucket.add(registration);
    }
  }

  /** {@inheritDoc WatchFanout.detach} */
  detach(watcher: CacheWatcher): void {
    const registration = this.#registrations.get(watcher);
    if (registration === undefined) return;
    this.#registrations.delete(watcher);
    safely(() => this.#metrics.watchers.add(this.#resource, -1));
    const { trigger } = registration;
    if (trigger === undefined) this.#unrouted.delete(registration);
    else {
      const route = this.#routes.get(trigger.index.name)!;
      for (const value of trigger.values) {
        const bucket = route.buckets.get(value);
        if (bucket === undefined) continue;
        bucket.delete(registration);
        if (bucket.size === 0) route.buckets.delete(value);
      }
      if (--route.size === 0) this.#routes.delete(trigger.index.name);
    }
    this.#onDetach?.(watcher);
  }

  /** {@inheritDoc WatchFanout.dispatch} */
  dispatch(event: HistoryEvent, seq: number): void {
    this.#incoming.push({ event, seq });
    if (!this.#waiting) this.#drain();
  }

  /** Offers queued changes until one finds full queues (then waits asynchronously and resumes). */
  #drain(): void {
    while (this.#head < this.#incoming.length) {
      const item = this.#incoming[this.#head]!;
      this.#head++;
      this.#startedRevision = item.event.revision;
      this.#offerAll(item.event, item.seq);
      if (this.#blocked.length > 0) {
        const blocked = this.#blocked;
        this.#blocked = [];
        this.#waiting = true;
        const resume = (): void => {
          this.#waiting = false;
          this.#done(item.event);
          this.#drain();
        };
        // The wait itself does not throw (offers and terminations are synchronous and total); should it,
        // dispatch must still resume, or every watcher would stall behind it.
        void this.#waitFor(item, blocked).then(resume, resume);
        return;
      }
      this.#done(item.event);
    }
    this.#incoming = [];
    this.#head = 0;
  }

  #done(event: HistoryEvent): void {
    try {
      this.#metrics.eventsDispatched.inc(this.#resource);
      this.#metrics.dispatchLatencyMs.observe(this.#clock.now() - event.recordedAt);
    } catch {
      // A host's metrics (a subclass feeding its own registry) must not stop delivery: see `safely`.
    }
  }

  #offerAll(event: HistoryEvent, seq: number): void {
    const stamp = ++this.#stamp;
    let visited = 0;
    let delivered = 0;
    if (this.#routes.size > 0) {
      for (const route of this.#routes.values()) {
        for (const entry of [event.entry, event.previous]) {
          if (entry === undefined) continue;
          const values = valuesOf(route.index, entry);
          if (values === undefined) continue;
          if (typeof values === 'string') {
            const bucket = route.buckets.get(values);
            if (bucket !== undefined) for (const registration of bucket) if (registration.stamp !== stamp) {
              registration.stamp = stamp;
              visited++;
              if (this.#offer(registration.watcher, event, seq)) delivered++;
            }
          } else {
            for (const value of values) {
              const bucket = route.buckets.get(value);
              if (bucket !== undefined) for (const registration of bucket) if (registration.stamp !== stamp) {
                registration.stamp = stamp;
                visited++;
                if (this.#offer(registration.watcher, event, seq)) delivered++;
              }
            }
          }
        }
      }
    }
    for (const registration of this.#unrouted) {
      visited++;
      if (this.#offer(registration.watcher, event, seq)) delivered++;
    }
    try {
      this.#metrics.watchersVisited.inc(this.#resource, visited);
      if (delivered > 0) this.#metrics.eventsDelivered.inc(this.#resource, delivered);
    } catch {
      // See `safely`.
    }
  }

  /** Offers without waiting; remembers a full queue. Returns whether the event was queued. */
  #offer(watcher: CacheWatcher, event: HistoryEvent, seq: number): boolean {
    const result = watcher.offer(event, seq);
    if (result === 'queued') {
      try {
        this.#metrics.queueLength.observe(watcher.queueLength);
      } catch {
        // See `safely`.
      }
      return true;
    }
    if (result === 'full') this.#blocked.push(watcher);
    return false;
  }

  /**
   * Waits, within the budget shared by every wait, for each blocked watcher to
   * make room, one after the other (as Kubernetes does with one timer); a
   * watcher still full when the budget runs out is shed (closed cleanly; its
   * client resumes from the last revision it received). Unspent budget goes back.
   */
  async #waitFor(item: Incoming, blocked: readonly CacheWatcher[]): Promise<void> {
    const start = this.#clock.now();
    const allowed = this.#budget.take();
    let expired = allowed <= 0;
    let expire!: () => void;
    const expiry = new Promise<void>((resolve) => (expire = resolve));
    const timer = expired
      ? undefined
      : this.#clock.setTimer(
          () => {
            expired = true;
            expire();
          },
          allowed,
          // At most the budget cap (100 ms): it only ever shortens a wait for a reader, which whatever
          // feeds that reader (a socket, a source) keeps the process alive for.
          BACKGROUND,
        );
    let delivered = 0;
    for (const watcher of blocked) {
      let result = watcher.offer(item.event, item.seq);
      while (result === 'full' && !expired) {
        await Promise.race([watcher.onSpace(), expiry]);
        result = watcher.offer(item.event, item.seq);
      }
      if (result === 'full') {
        safely(() => this.#metrics.watchersTerminated.inc('unresponsive'));
        // A clean end, not an ERROR (cache_watcher.go closes the result channel): the client
        // re-watches from the last revision it got instead of relisting on a 410.
        watcher.shed();
      } else if (result === 'queued') delivered++;
    }
    timer?.cancel();
    const spent = this.#clock.now() - start;
    this.#budget.giveBack(allowed - spent);
    safely(() => {
      this.#metrics.dispatchStallMs.observe(spent);
      if (delivered > 0) this.#metrics.eventsDelivered.inc(this.#resource, delivered);
    });
  }
}

/**
 * Runs a metrics update, ignoring a throw: the metrics may be a host's
 * (a `CacherMetrics` subclass feeding its own registry), and a failing
 * counter must not half-apply a change, stall delivery or crash the process.
 */
function safely(update: () => void): void {
  try {
    update();
  } catch {
    // Dropped on purpose: losing one observation is better than losing events.
  }
}

function valuesOf(index: IndexDefinition, entry: StoreEntry): string | readonly string[] | undefined {
  return index.valuesOf(entry);
}

/** The namespace of a scope prefix `<base><ns>/`, or `undefined` for the whole resource or another shape. */
function namespaceOfPrefix(base: string, prefix: string): string | undefined {
  if (prefix === base || !prefix.startsWith(base) || !prefix.endsWith('/')) return undefined;
  const ns = prefix.slice(base.length, -1);
  return ns === '' || ns.includes('/') ? undefined : ns;
}
