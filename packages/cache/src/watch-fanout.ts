/**
 * The seam between a watch cache and a dispatcher that delivers its changes
 * to watchers (the {@link Cacher}'s). Without one, the cache notifies every
 * watcher of every change and each watcher reads the shared history through
 * its own cursor; with one, the cache hands each change to the fan-out once
 * and the fan-out decides which watchers see it (routing by index) and what
 * to do when a watcher's queue is full.
 */
import type { CacheWatcher } from './cache-watcher.js';
import type { HistoryEvent } from './watch-cache-history.js';

/**
 * A dispatcher of a watch cache's changes. All calls are synchronous and made
 * by the cache; an implementation may deliver later (it may wait on a full
 * watcher queue), but then it must say so through {@link WatchFanout.nextSeq}.
 */
export interface WatchFanout {
  /**
   * The sequence number of the oldest change handed over and not yet offered
   * to any watcher, or `undefined` when every change has been offered. A new
   * watcher replays the history up to it from the ring, and the fan-out
   * offers it the changes from it on.
   */
  readonly nextSeq: number | undefined;
  /** The revision of the last change whose offering has started: what a bookmark may claim while changes wait. */
  readonly startedRevision: number;
  /** Takes change `seq` (just appended to the history). Must not throw. */
  dispatch(event: HistoryEvent, seq: number): void;
  /** A watcher in routed mode was opened: from now on the fan-out offers it changes. */
  attach(watcher: CacheWatcher): void;
  /** The watcher ended (closed, failed, or the cache relisted): forget it. */
  detach(watcher: CacheWatcher): void;
}
