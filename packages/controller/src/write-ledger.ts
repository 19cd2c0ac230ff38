/**
 * The writes made through one {@link ApiClient}, in revision order: what a
 * test's settle point waits for. An informer has delivered "everything
 * written so far" once it has handed its handlers every recorded write it
 * will ever see — those whose object matches its scope, or that change an
 * object it holds. Writes by others (kubectl, another process) are not
 * recorded and not waited for.
 *
 * Bounded: the newest {@link WriteLedgerOptions.capacity} records are kept;
 * a waiter behind the dropped ones waits for the newest dropped revision.
 */
import type { ObjectShape } from '@apiserver-kit/codec';
import { checkInteger } from '@apiserver-kit/core';

/** One write: what it left under its key, at which revision. */
export interface WriteRecord {
  /** {@link resourceId} of the resource: `pods`, `apps/deployments`. */
  readonly resource: string;
  readonly namespace: string | undefined;
  readonly name: string;
  readonly uid: string | undefined;
  /**
   * The revision of the write. For a delete whose revision the server did not
   * say (a Status answer), a revision read after it: an upper bound.
   */
  readonly revision: number;
  /** The object after the write; undefined for a delete. */
  readonly object: ObjectShape | undefined;
}

/** Options of {@link WriteLedger}. */
export interface WriteLedgerOptions {
  /** Records kept; @default 4096 */
  readonly capacity?: number | undefined;
}

/** See the module comment. */
export class WriteLedger {
  readonly #capacity: number;
  readonly #records: WriteRecord[] = [];
  readonly #listeners = new Set<(record: WriteRecord) => void>();
  #droppedRevision = 0;

  /** @throws RangeError for a bad capacity. */
  constructor(options: WriteLedgerOptions = {}) {
    this.#capacity = options.capacity ?? 4096;
    checkInteger('capacity', this.#capacity, 1);
  }

  /** The highest revision recorded (0 before any write). */
  get revision(): number {
    return Math.max(this.#droppedRevision, this.#records.at(-1)?.revision ?? 0);
  }

  /** The newest revision among records no longer kept (0: none dropped). */
  get droppedRevision(): number {
    return this.#droppedRevision;
  }

  /** Records a write (implementations of ApiClient call this after each successful write) and tells the listeners. */
  record(record: WriteRecord): void {
    // Concurrent writes may answer out of revision order: keep the records sorted.
    let at = this.#records.length;
    while (at > 0 && this.#records[at - 1]!.revision > record.revision) at--;
    this.#records.splice(at, 0, Object.freeze({ ...record }));
    if (this.#records.length > this.#capacity) this.#droppedRevision = Math.max(this.#droppedRevision, this.#records.shift()!.revision);
    for (const listener of this.#listeners) {
      try {
        listener(record);
      } catch {
        // A waiter's bug must not fail the write that was recorded.
      }
    }
  }

  /** The kept records with a revision above `revision`, in revision order. */
  since(revision: number): readonly WriteRecord[] {
    let at = this.#records.length;
    while (at > 0 && this.#records[at - 1]!.revision > revision) at--;
    return this.#records.slice(at);
  }

  /** Calls `listener` after every record; returns the unsubscribe function. */
  onRecord(listener: (record: WriteRecord) => void): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }
}
