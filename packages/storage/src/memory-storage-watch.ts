/**
 * One watch on a MemoryStorage. It delivers, in revision order:
 *
 * ```
 *   fromRevision      liveFrom (head when the watch opened)        now
 *        |  catch-up: read lazily |  live: pushed by writers into   |
 *        |  from the revision log |  a bounded queue (bufferSize)   |
 *        +------------------------+---------------------------------+
 * ```
 *
 * Catch-up costs the watch no memory (it walks the shared log; compaction
 * under it ends the watch with Expired). Live events are queued by reference;
 * when the queue is full the watch stops taking events, costs the writers
 * nothing more, and ends with Gone after the consumer drained the queue.
 *
 * States:
 *
 * ```
 *   open ──overflow / compacted──▶ failing ──queue drained──▶ (throws once) ──▶ done
 *     └───────close() / abort / return()────────────────────────────────────▶ done
 * ```
 */
import { expired, type StatusError, WATCH_TOO_OLD_MESSAGE } from '@apiserver-kit/codec';
import { ITERATOR_DONE as DONE, PullIterator } from '@apiserver-kit/core';
import type { ChangeEvent } from './memory-storage-log.js';
import type { BookmarkEvent, StorageEvent, StorageWatch } from './storage.js';
import { watchOverflow } from './storage-errors.js';

/** What a watch needs from its store. */
export interface WatchSource {
  /** The store's current revision. */
  readonly revision: number;
  /** The store's compaction point. */
  readonly compacted: number;
  /** The logged event of `revision`, if retained. */
  eventAt(revision: number): ChangeEvent | undefined;
  /** Stops pushing events to `watch`. */
  detach(watch: MemoryWatch): void;
}

/** A watch on a MemoryStorage; see the module comment. Single consumer. */
export class MemoryWatch extends PullIterator<StorageEvent> implements StorageWatch {
  readonly #source: WatchSource;
  readonly #prefix: string;
  readonly #fromRevision: number;
  readonly #liveFrom: number;
  readonly #bufferSize: number;
  readonly #signal: AbortSignal | undefined;
  readonly #onAbort = (): void => this.close();
  /** The last revision read from the log during catch-up. */
  #cursor: number;
  /** The revision of the last event handed to the consumer (or queued for it). */
  #lastQueued: number;
  #queue: ChangeEvent[] = [];
  #queueHead = 0;
  #failure: StatusError | undefined;
  #progressRequested = false;
  #done = false;

  constructor(source: WatchSource, prefix: string, fromRevision: number, bufferSize: number, signal: AbortSignal | undefined, failure: StatusError | undefined) {
    super();
    this.#source = source;
    this.#prefix = prefix;
    this.#fromRevision = fromRevision;
    this.#liveFrom = source.revision;
    this.#cursor = fromRevision;
    this.#lastQueued = fromRevision;
    this.#bufferSize = bufferSize;
    this.#signal = signal;
    this.#failure = failure;
    if (signal?.aborted === true) this.#done = true;
    else signal?.addEventListener('abort', this.#onAbort, { once: true });
  }

  /** Whether the watch still takes events from writers. */
  get isAttached(): boolean {
    return !this.#done && this.#failure === undefined;
  }

  /** Called by the store, synchronously, for every write in revision order. */
  push(event: ChangeEvent): void {
    if (event.revision <= this.#fromRevision || !event.key.startsWith(this.#prefix)) return;
    if (this.#done || this.#failure !== undefined) return;
    if (this.#cursor >= this.#liveFrom && this.#queued() === 0 && this.handOff({ done: false, value: event })) {
      this.#lastQueued = event.revision;
      return;
    }
    if (this.#queued() >= this.#bufferSize) {
      this.#fail(watchOverflow(this.#lastQueued, this.#bufferSize));
      return;
    }
    this.#queue.push(event);
    this.#lastQueued = event.revision;
  }

  /** {@inheritDoc StorageWatch.requestProgress} */
  requestProgress(): void {
    if (this.#done) return;
    this.#progressRequested = true;
    this.wake();
  }

  /** {@inheritDoc StorageWatch.close} */
  override close(): void {
    if (this.#done) return;
    this.#finish();
    this.endWaiters();
  }

  /** The next result if one is ready, `undefined` to wait (`next()` waits); throws the failure once. */
  protected override take(): IteratorResult<StorageEvent> | undefined {
    if (this.#done) return DONE;
    while (this.#cursor < this.#liveFrom) {
      const event = this.#source.eventAt(this.#cursor + 1);
      if (event === undefined) {
        // Compacted under the consumer: the changes it still needed are gone,
        // and so is the point of delivering the live events queued after them.
        // This failure wins over a pending overflow: resuming after the queued
        // events would skip the compacted ones. Kubernetes' message for a compacted
        // watch (etcd3 errors.go interpretWatchError).
        this.#failure = expired(WATCH_TOO_OLD_MESSAGE);
        this.#source.detach(this);
        this.#cursor = this.#liveFrom;
        this.#queue = [];
        this.#queueHead = 0;
        break;
      }
      this.#cursor++;
      if (event.key.startsWith(this.#prefix) && event.revision > this.#fromRevision) return { done: false, value: event };
    }
    if (this.#queued() > 0) {
      const event = this.#queue[this.#queueHead]!;
      this.#queue[this.#queueHead++] = undefined as unknown as ChangeEvent;
      if (this.#queueHead * 2 >= this.#queue.length) {
        this.#queue = this.#queue.slice(this.#queueHead);
        this.#queueHead = 0;
      }
      return { done: false, value: event };
    }
    if (this.#failure !== undefined) {
      const failure = this.#failure;
      this.#finish();
      throw failure;
    }
    if (this.#progressRequested) {
      this.#progressRequested = false;
      const bookmark: BookmarkEvent = Object.freeze({ type: 'BOOKMARK', revision: this.#source.revision });
      return { done: false, value: bookmark };
    }
    return undefined;
  }

  /** Ends the watch without answering waiters (the caller does). */
  #finish(): void {
    this.#done = true;
    this.#queue = [];
    this.#queueHead = 0;
    this.#signal?.removeEventListener('abort', this.#onAbort);
    this.#source.detach(this);
  }

  #queued(): number {
    return this.#queue.length - this.#queueHead;
  }

  #fail(error: StatusError): void {
    if (this.#failure !== undefined) return;
    this.#failure = error;
    this.#source.detach(this);
    this.wake();
  }

}
