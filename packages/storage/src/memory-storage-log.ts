/**
 * The revision log of MemoryStorage: one change event per revision, from the
 * compaction point to the head. Revisions are gap-free, so the event of
 * revision `r` sits at index `r - base`: O(1) lookup, O(1) append, amortised
 * O(1) trimming from the front.
 *
 * ```
 *  #events:  [ dropped | dropped | r=C+1 | r=C+2 | ... | r=head ]
 *              ^ base             ^ #start (compacted + 1)
 * ```
 */
import type { AddedEvent, DeletedEvent, ModifiedEvent } from './storage.js';

/** A change event: what the log holds (bookmarks are per watch, never logged). */
export type ChangeEvent = AddedEvent | ModifiedEvent | DeletedEvent;

/** Trim the dropped front of the arrays once it is this long and over half of them. */
const RESLICE_MIN = 4096;

/** The retained change events, indexed by revision. */
export class RevisionLog {
  #events: ChangeEvent[] = [];
  #times: number[] = [];
  /** The revision of `#events[0]`. */
  #base = 1;
  /** Index of the first retained event. */
  #start = 0;

  /** How many events are retained. */
  get length(): number {
    return this.#events.length - this.#start;
  }

  /** Appends the event of the next revision, written at `timeMs`. */
  append(event: ChangeEvent, timeMs: number): void {
    if (event.revision !== this.#base + this.#events.length) {
      throw new Error(`revision log: expected revision ${this.#base + this.#events.length}, got ${event.revision}`);
    }
    this.#events.push(event);
    this.#times.push(timeMs);
  }

  /** The event of `revision`, or `undefined` when it was compacted away or is not written yet. */
  at(revision: number): ChangeEvent | undefined {
    const index = revision - this.#base;
    return index < this.#start ? undefined : this.#events[index];
  }

  /** When the event of `revision` was written (ms), or `undefined` when it is not retained. */
  timeAt(revision: number): number | undefined {
    const index = revision - this.#base;
    return index < this.#start ? undefined : this.#times[index];
  }

  /** Drops every event with a revision ≤ `revision`. */
  dropThrough(revision: number): void {
    const index = Math.min(revision + 1 - this.#base, this.#events.length);
    if (index <= this.#start) return;
    // Let the dropped events be collected even before the arrays are resliced.
    this.#events.fill(undefined as unknown as ChangeEvent, this.#start, index);
    this.#start = index;
    if (this.#start >= RESLICE_MIN && this.#start * 2 >= this.#events.length) {
      this.#events = this.#events.slice(this.#start);
      this.#times = this.#times.slice(this.#start);
      this.#base += this.#start;
      this.#start = 0;
    }
  }
}
