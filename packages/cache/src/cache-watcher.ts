/**
 * One watcher of a watch cache. It owns no copy of any event: it reads the
 * initial events lazily from a snapshot (or an index result) and then the
 * shared history ring through an integer cursor, and converts each change for
 * its selector on the way out.
 *
 * ```
 *   initial events (snapshot at R) ─▶ [bookmark R, initial-events-end] ─▶ history after R ─▶ live
 *                                                                          ▲ cursor (seq)
 *   ring:  … e(R+1) e(R+2) … e(head)      a consumer that has caught up waits; the cache
 *                                         wakes it synchronously after each append
 * ```
 *
 * Bounded: a consumer that lets more than `queueLimit` events it would
 * receive pile up is shed — a clean end, as Kubernetes' cache_watcher.go
 * closes the result channel, so the client resumes from the last
 * resourceVersion it received (see {@link CacheWatcher.shed}); under the
 * {@link Cacher} the fan-out decides when, on a bare watch cache the unread
 * count does. One whose cursor the ring evicted fails with Expired 410.
 * Neither costs the cache or the other watchers anything: the cache never
 * waits for a watcher. The per-event work is `notify()`.
 *
 * Routed mode (a {@link WatchFanout} on the cache, i.e. the {@link Cacher}):
 * the cursor only replays the history up to the fan-out's position at
 * registration; later changes arrive through `offer()` into a bounded queue
 * of shared event references, so a watcher never scans events routed to
 * others. The fan-out decides what to do with a full queue (the Cacher's
 * waits within a time budget, then sheds the watcher: a clean end).
 *
 * States:
 *
 * ```
 *   initial ──▶ history/live ──evicted / relist──▶ failing ──next()──▶ throws once ──▶ done
 *      ├──────────────shed() (lag > queueLimit, or the fan-out gave up on a full queue)─────────────────▶ done
 *      └──────────────close() / return() / abort──────────────────────────────────────────────────────▶ done
 * ```
 */
import { type CachingWatchEvent, type StatusError, tooOldResourceVersion } from '@apiserver-kit/codec';
import { ITERATOR_DONE as DONE, PullIterator } from '@apiserver-kit/core';
import type { StoreEntry } from './ordered-store.js';
import type { SelectionPredicate } from './selection-predicate.js';
import type { EventHistory, HistoryEvent } from './watch-cache-history.js';

/**
 * The event a watcher with `predicate` receives for `event`, or `undefined`:
 * an update that moves an object into the selection is an ADDED, out of it a
 * DELETED (carrying the previous content at the event's revision), as
 * Kubernetes' cache watcher does. Allocates nothing (events are shared).
 */
export function watchEventFor(event: HistoryEvent, predicate: SelectionPredicate): CachingWatchEvent | undefined {
  const now = event.entry !== undefined && predicate.matches(event.entry);
  const before = event.previous !== undefined && predicate.matches(event.previous);
  if (now) return event.watchEvent(before ? 'MODIFIED' : 'ADDED');
  return before ? event.watchEvent('DELETED') : undefined;
}

/** What a watcher reads from its cache. */
export interface WatcherSource {
  /** The shared history ring. */
  readonly history: EventHistory;
  /** The cache's current revision. */
  readonly revision: number;
  /** A shared BOOKMARK event at `revision`. */
  bookmark(revision: number, initialEventsEnd: boolean): CachingWatchEvent;
  /** Stops notifying `watcher`. */
  detach(watcher: CacheWatcher): void;
}

/** How a watcher starts; built by the watch cache. */
export interface CacheWatcherInit {
  readonly predicate: SelectionPredicate;
  /** Only keys under this prefix. */
  readonly prefix: string;
  /** The initial events' candidates (filtered here), or `undefined` for none. */
  readonly initial: Iterator<StoreEntry> | undefined;
  /** The revision the watch starts after: the initial events' revision or the requested one. */
  readonly revision: number;
  /** The sequence number of the first history event to read. */
  readonly cursor: number;
  /** Send a bookmark with the initial-events-end annotation after the initial events. */
  readonly initialEventsEndBookmark: boolean;
  /** Send bookmarks when asked to ({@link CacheWatcher.requestBookmark}). */
  readonly allowBookmarks: boolean;
  /** The most events the consumer may leave unread. */
  readonly queueLimit: number;
  /**
   * Routed mode: the sequence number of the first change the fan-out will
   * `offer()`; the cursor replays the history up to it (and at least up to
   * `cursor`), later changes come from the queue. Unset: the cache notifies.
   */
  readonly liveSeq?: number | undefined;
}

/** What {@link CacheWatcher.offer} did with a change. */
export type OfferResult = 'skipped' | 'queued' | 'full';

/**
 * A watch on a {@link WatchCache}: iterate it once with `for await`; each
 * value is a shared `CachingWatchEvent` (do not modify; its bytes are cached
 * per format). Ending the loop early or `close()` ends it.
 */
export class CacheWatcher extends PullIterator<CachingWatchEvent> {
  readonly #source: WatcherSource;
  readonly #predicate: SelectionPredicate;
  readonly #prefix: string;
  readonly #queueLimit: number;
  readonly #allowBookmarks: boolean;
  readonly #firstLiveSeq: number;
  #initial: Iterator<StoreEntry> | undefined;
  #endBookmark: boolean;
  readonly #initialRevision: number;
  #cursor: number;
  /** The revision of the last change read (delivered or skipped): where a resumed watch continues. */
  #lastRevision: number;
  /** Events appended since the watch started that this watcher will deliver and has not yet. */
  #pending = 0;
  #bookmarkRequested = false;
  readonly #routed: boolean;
  /**
   * Routed mode: the delivered events not yet read, and their revisions, in
   * `[#queueHead, #queueTail)`. The arrays are reused once drained (read
   * slots cleared), not emptied: emptying an array drops its backing store,
   * and every watcher then allocated a new one for the next event: applying
   * and delivering a change to 10,000 watchers took about a third longer
   * (benchmarks cache/fanout).
   */
  #queue: (CachingWatchEvent | undefined)[] = [];
  #queueRevisions: number[] = [];
  #queueHead = 0;
  #queueTail = 0;
  #spaceWaiters: (() => void)[] = [];
  #failure: StatusError | undefined;
  #done = false;
  #shed = false;
  #stopWaiters: (() => void)[] = [];

  /** @internal built by `WatchCache.watch`. */
  constructor(source: WatcherSource, init: CacheWatcherInit) {
    super();
    this.#source = source;
    this.#predicate = init.predicate;
    this.#prefix = init.prefix;
    this.#queueLimit = init.queueLimit;
    this.#allowBookmarks = init.allowBookmarks;
    this.#initial = init.initial;
    this.#endBookmark = init.initialEventsEndBookmark;
    this.#initialRevision = init.revision;
    this.#lastRevision = init.revision;
    this.#cursor = init.cursor;
    this.#routed = init.liveSeq !== undefined;
    this.#firstLiveSeq = init.liveSeq === undefined ? source.history.endSeq : Math.max(init.cursor, init.liveSeq);
  }

  /** @internal the selection (for routing). */
  get predicate(): SelectionPredicate {
    return this.#predicate;
  }

  /** @internal the key prefix (for routing). */
  get prefix(): string {
    return this.#prefix;
  }

  /** The queue bound: in routed mode the capacity of the queue, else the most unread events tolerated. */
  get queueLimit(): number {
    return this.#queueLimit;
  }

  /** Routed mode: events delivered and not yet read (0 otherwise). */
  get queueLength(): number {
    return this.#queueTail - this.#queueHead;
  }

  /** Whether the watch failed or ended: nothing more will be queued. */
  get isStopped(): boolean {
    return this.#done || this.#failure !== undefined;
  }

  /**
   * @internal routed mode: the fan-out hands over change `seq`. Filters it
   * (prefix, selector transitions) and queues the shared wire event without
   * waiting: `'full'` when the queue is at its limit (nothing queued; offer
   * again later). O(1) plus a predicate check.
   */
  offer(event: HistoryEvent, seq: number): OfferResult {
    if (this.#done || this.#failure !== undefined || seq < this.#firstLiveSeq) return 'skipped';
    if (!event.key.startsWith(this.#prefix)) return 'skipped';
    const delivered = watchEventFor(event, this.#predicate);
    if (delivered === undefined) return 'skipped';
    if (this.#queueTail - this.#queueHead >= this.#queueLimit) return 'full';
    this.#queue[this.#queueTail] = delivered;
    this.#queueRevisions[this.#queueTail++] = event.revision;
    if (this.waiting > 0) this.wake();
    return 'queued';
  }

  /** @internal resolves once the queue has room (or the watch stopped); at once if it has. */
  onSpace(): Promise<void> {
    if (this.isStopped || this.queueLength < this.#queueLimit) return Promise.resolve();
    return new Promise<void>((resolve) => this.#spaceWaiters.push(resolve));
  }

  /** The revision of the last change this watcher has read: resume a new watch from it. */
  get lastRevision(): number {
    return this.#lastRevision;
  }

  /** Whether the watch has ended (closed, or failed and the failure delivered). */
  get isDone(): boolean {
    return this.#done;
  }

  /** @internal called by the cache, synchronously, after it appended `event`. O(1) plus a predicate check. */
  notify(event: HistoryEvent): void {
    if (this.#done || this.#failure !== undefined) return;
    if (this.waiting > 0) {
      this.wake();
      return;
    }
    if (!event.key.startsWith(this.#prefix) || watchEventFor(event, this.#predicate) === undefined) return;
    // Shed, not failed (cache_watcher.go just closes): an error here would make client-go relist.
    if (++this.#pending > this.#queueLimit) this.shed();
  }

  /** @internal called by the cache on progress: the next time the watcher is idle it sends a BOOKMARK. */
  requestBookmark(): void {
    if (!this.#allowBookmarks || this.#done || this.#failure !== undefined) return;
    this.#bookmarkRequested = true;
    if (this.waiting > 0) this.wake();
  }

  /** @internal ends the watch with `error`, delivered to the consumer on its next read. */
  fail(error: StatusError): void {
    if (this.#done || this.#failure !== undefined) return;
    this.#failure = error;
    this.#initial = undefined;
    this.#releaseQueue();
    this.#source.detach(this);
    this.#notifyStopped();
    this.wake();
  }

  /**
   * @internal ends the watch because its consumer could not keep up: a clean
   * end, as {@link close}, so that the client resumes from the last
   * resourceVersion it received instead of relisting (Kubernetes'
   * cache_watcher.go `terminate`/`stopLocked` only closes the result
   * channel). {@link isShed} tells it apart from other ends.
   */
  shed(): void {
    if (this.isStopped) return;
    this.#shed = true;
    this.close();
  }

  /** Whether the watch was ended for falling behind (see {@link shed}): a clean end, counted apart. */
  get isShed(): boolean {
    return this.#shed;
  }

  /** Resolves once the watch stops (closed, shed, or failed); at once if it has. Never rejects. */
  onStopped(): Promise<void> {
    if (this.isStopped) return Promise.resolve();
    return new Promise<void>((resolve) => this.#stopWaiters.push(resolve));
  }

  /** Ends the watch; pending reads resolve `done`. Idempotent. */
  override close(): void {
    if (this.#done) return;
    this.#finish();
    this.endWaiters();
  }

  /**
   * The next event if one is ready, without waiting: `undefined` when the
   * consumer has caught up or the watch is done.
   *
   * @throws the watch's failure (once).
   */
  tryNext(): CachingWatchEvent | undefined {
    if (this.waiting > 0) return undefined;
    const result = this.take();
    return result === undefined || result.done === true ? undefined : result.value;
  }

  /** The next event, bookmark or failure if ready (see {@link PullIterator}); `next()` waits when the consumer has caught up. */
  protected override take(): IteratorResult<CachingWatchEvent> | undefined {
    if (this.#done) return DONE;
    if (this.#failure !== undefined) {
      const failure = this.#failure;
      this.#finish();
      throw failure;
    }
    if (this.#initial !== undefined) {
      for (;;) {
        const next = this.#initial.next();
        if (next.done === true) break;
        const entry = next.value;
        if (entry.key.startsWith(this.#prefix) && this.#predicate.matches(entry)) return { done: false, value: entry.addedEvent() };
      }
      this.#initial = undefined;
    }
    if (this.#endBookmark) {
      this.#endBookmark = false;
      return { done: false, value: this.#source.bookmark(this.#initialRevision, true) };
    }
    const history = this.#source.history;
    const replayEnd = this.#routed ? this.#firstLiveSeq : history.endSeq;
    while (this.#cursor < replayEnd) {
      if (this.#cursor < history.startSeq) {
        // The ring moved past us (capacity, relist): the changes we still needed are gone.
        this.#failure = tooOldResourceVersion(this.#lastRevision, history.historyStart);
        return this.take();
      }
      const seq = this.#cursor++;
      const event = history.at(seq)!;
      this.#lastRevision = event.revision;
      if (!event.key.startsWith(this.#prefix)) continue;
      const delivered = watchEventFor(event, this.#predicate);
      if (delivered === undefined) continue;
      if (seq >= this.#firstLiveSeq && this.#pending > 0) this.#pending--;
      return { done: false, value: delivered };
    }
    if (this.#queueHead < this.#queueTail) {
      const head = this.#queueHead++;
      const value = this.#queue[head]!;
      this.#queue[head] = undefined;
      this.#lastRevision = this.#queueRevisions[head]!;
      if (this.#queueHead === this.#queueTail) {
        this.#queueHead = 0;
        this.#queueTail = 0;
        // A backlog's large arrays go back; a few slots are kept for the next event.
        if (this.#queue.length > 64) {
          this.#queue = [];
          this.#queueRevisions = [];
        }
      } else if (this.#queueHead >= 1024 && this.#queueHead * 2 >= this.#queueTail) {
        // Compact now and then so the arrays stay bounded by the limit.
        this.#queue = this.#queue.slice(this.#queueHead, this.#queueTail);
        this.#queueRevisions = this.#queueRevisions.slice(this.#queueHead, this.#queueTail);
        this.#queueTail -= this.#queueHead;
        this.#queueHead = 0;
      }
      if (this.#spaceWaiters.length > 0) for (const resolve of this.#spaceWaiters.splice(0)) resolve();
      return { done: false, value };
    }
    if (this.#bookmarkRequested) {
      this.#bookmarkRequested = false;
      const revision = this.#source.revision;
      if (revision >= this.#lastRevision) {
        this.#lastRevision = revision;
        return { done: false, value: this.#source.bookmark(revision, false) };
      }
    }
    return undefined;
  }

  #finish(): void {
    this.#done = true;
    this.#initial = undefined;
    this.#releaseQueue();
    this.#source.detach(this);
    this.#notifyStopped();
  }

  #notifyStopped(): void {
    if (this.#stopWaiters.length > 0) for (const resolve of this.#stopWaiters.splice(0)) resolve();
  }

  /** Drops the queued events (memory goes back at once) and releases a waiting fan-out. */
  #releaseQueue(): void {
    this.#queue = [];
    this.#queueRevisions = [];
    this.#queueHead = 0;
    this.#queueTail = 0;
    if (this.#spaceWaiters.length > 0) for (const resolve of this.#spaceWaiters.splice(0)) resolve();
  }

}
