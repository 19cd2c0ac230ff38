/**
 * The event history of a watch cache: a cyclic buffer of the most recent
 * changes, addressed by a monotonic sequence number so that a reader (a
 * watcher, a reconstruction of a past revision) holds a plain integer cursor
 * and notices when the buffer has moved past it.
 *
 * ```
 *   slots:      [ e7 | e8 | e9 | e3 | e4 | e5 | e6 ]      capacity 7
 *                           ▲ head       ▲ tail (oldest, seq startSeq)
 *   sequence:   e3 e4 e5 e6 e7 e8 e9          seq n lives in slot n % capacity
 *               └ startSeq        └ endSeq-1
 *   revisions:  strictly increasing, maybe with gaps (other prefixes' writes)
 *   complete:   every change with revision > historyStart is in the buffer
 * ```
 *
 * Appending to a full buffer evicts the oldest event, and `historyStart`
 * becomes that event's revision: a watch from an older revision can no
 * longer be served (Expired). Resizing keeps the newest events.
 */
import { CachingObject, CachingWatchEvent } from '@apiserver-kit/codec';
import type { StoreEntry } from './ordered-store.js';

/** The type of a change as stored (never BOOKMARK). */
export type ChangeType = 'ADDED' | 'MODIFIED' | 'DELETED';

/**
 * One change in the history. `entry` is the version after the change
 * (`undefined` for a deletion), `previous` the one before (`undefined` for a
 * creation): a watcher with a selector turns an update that leaves it into a
 * DELETED and one that enters it into an ADDED, and a list at a past revision
 * undoes the change by putting `previous` back.
 */
export class HistoryEvent {
  readonly type: ChangeType;
  readonly key: string;
  readonly revision: number;
  readonly entry: StoreEntry | undefined;
  readonly previous: StoreEntry | undefined;
  /** The event's object: the new version, or for a deletion the last state at the deletion revision. */
  readonly object: CachingObject;
  /** When the cache recorded the change (the clock's milliseconds), for the capacity policy. */
  readonly recordedAt: number;
  #modified: CachingWatchEvent | undefined;
  #deleted: CachingWatchEvent | undefined;

  constructor(type: ChangeType, key: string, revision: number, entry: StoreEntry | undefined, previous: StoreEntry | undefined, object: CachingObject, recordedAt: number) {
    this.type = type;
    this.key = key;
    this.revision = revision;
    this.entry = entry;
    this.previous = previous;
    this.object = object;
    this.recordedAt = recordedAt;
    // Shared by every watcher and every later catch-up: frozen (the lazy wire events are private fields).
    Object.freeze(this);
  }

  /**
   * The shared wire event of this change as a watcher of that type sees it,
   * made on first use and reused by every watcher (so framing is done once
   * per format). A DELETED seen by a watcher the update moved out of carries
   * the previous content at this event's revision, as Kubernetes sends.
   */
  watchEvent(type: ChangeType): CachingWatchEvent {
    switch (type) {
      case 'ADDED':
        return this.entry!.addedEvent();
      case 'MODIFIED':
        return (this.#modified ??= new CachingWatchEvent('MODIFIED', this.object));
      case 'DELETED':
        return (this.#deleted ??= new CachingWatchEvent('DELETED', this.type === 'DELETED' ? this.object : this.#previousAtRevision()));
    }
  }

  #previousAtRevision(): CachingObject {
    const previous = this.previous!.object.getObject();
    return new CachingObject({ ...previous, metadata: { ...previous.metadata, resourceVersion: String(this.revision) } });
  }
}

/** The cyclic buffer; see the module comment. Costs: append O(1), lookup by sequence O(1), by revision O(log n). */
export class EventHistory {
  #slots: (HistoryEvent | undefined)[];
  #startSeq = 0;
  #endSeq = 0;
  #historyStart: number;

  /** @param capacity a positive integer; @param historyStart the revision the history is complete from. */
  constructor(capacity: number, historyStart = 0) {
    this.#slots = new Array<HistoryEvent | undefined>(capacity).fill(undefined);
    this.#historyStart = historyStart;
  }

  /** The number of slots. */
  get capacity(): number {
    return this.#slots.length;
  }

  /** How many events are held. */
  get size(): number {
    return this.#endSeq - this.#startSeq;
  }

  /** Whether appending would evict. */
  get isFull(): boolean {
    return this.size === this.#slots.length;
  }

  /** The sequence number of the oldest held event. */
  get startSeq(): number {
    return this.#startSeq;
  }

  /** One past the sequence number of the newest event. */
  get endSeq(): number {
    return this.#endSeq;
  }

  /** Every change with a revision above this one is held: watches from it or later can be served. */
  get historyStart(): number {
    return this.#historyStart;
  }

  /** The event with sequence number `seq`, if still held. */
  at(seq: number): HistoryEvent | undefined {
    if (seq < this.#startSeq || seq >= this.#endSeq) return undefined;
    return this.#slots[seq % this.#slots.length];
  }

  /** The oldest held event. */
  oldest(): HistoryEvent | undefined {
    return this.at(this.#startSeq);
  }

  /** Appends `event`, evicting the oldest when full. */
  push(event: HistoryEvent): void {
    if (this.isFull) this.#evictOldest();
    this.#slots[this.#endSeq % this.#slots.length] = event;
    this.#endSeq++;
  }

  /** The sequence number of the first held event with a revision above `revision` (`endSeq` if none). */
  seqAfter(revision: number): number {
    let low = this.#startSeq;
    let high = this.#endSeq;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.at(middle)!.revision > revision) high = middle;
      else low = middle + 1;
    }
    return low;
  }

  /** Changes the number of slots to `capacity`, keeping the newest events that fit. O(size). */
  resize(capacity: number): void {
    while (this.size > capacity) this.#evictOldest();
    const slots = new Array<HistoryEvent | undefined>(capacity).fill(undefined);
    for (let seq = this.#startSeq; seq < this.#endSeq; seq++) slots[seq % capacity] = this.at(seq);
    this.#slots = slots;
  }

  /** Drops every event; the history is complete from `revision` on (a relist). */
  reset(revision: number): void {
    this.#slots.fill(undefined);
    this.#startSeq = this.#endSeq;
    this.#historyStart = revision;
  }

  #evictOldest(): void {
    const slot = this.#startSeq % this.#slots.length;
    this.#historyStart = this.#slots[slot]!.revision;
    this.#slots[slot] = undefined;
    this.#startSeq++;
  }
}
