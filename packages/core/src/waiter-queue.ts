/**
 * The waiting side of a pull-based, single-consumer async iterator: a watch
 * whose events are read on demand (from a log, a ring, a queue) rather than
 * pushed into a buffer per consumer.
 *
 * ```
 *   consumer: next() ──take() ready?──yes──▶ resolved at once
 *                           └──no──▶ parked (FIFO) ◀── wake(): take() for the oldest
 *   producer: append, then wake() / handOff(result) / endAll()
 * ```
 *
 * The owner supplies `take()`: the next result if one is ready, `undefined`
 * when the consumer has caught up, or a throw (the iteration's failure, once).
 * A throw rejects the oldest parked read and ends the others `done`.
 */

/** The `done` result every ended iteration answers with (frozen, shared). */
export const ITERATOR_DONE: IteratorReturnResult<undefined> = Object.freeze({ done: true, value: undefined });

interface Waiter<T> {
  resolve(result: IteratorResult<T>): void;
  reject(error: unknown): void;
}

/**
 * Parked `next()` calls of an async iterator, answered in order from its
 * `take()`. Allocates a promise and a waiter only when a read has to wait.
 */
export class WaiterQueue<T> {
  readonly #take: () => IteratorResult<T> | undefined;
  #waiters: Waiter<T>[] = [];

  /** @param take the next ready result, `undefined` to wait; may throw the iteration's failure. */
  constructor(take: () => IteratorResult<T> | undefined) {
    this.#take = take;
  }

  /** How many reads are waiting. */
  get length(): number {
    return this.#waiters.length;
  }

  /**
   * An iterator's `next()`: the ready result at once when no earlier read
   * waits, else a read that waits for {@link WaiterQueue.wake}. Rejects with
   * what `take()` throws.
   */
  next(): Promise<IteratorResult<T>> {
    if (this.#waiters.length === 0) {
      try {
        const result = this.#take();
        if (result !== undefined) return Promise.resolve(result);
      } catch (error) {
        return Promise.reject(error);
      }
    }
    return new Promise((resolve, reject) => this.#waiters.push({ resolve, reject }));
  }

  /**
   * Hands a ready result (an event, a bookmark, the failure) to the oldest
   * waiting read, if any; nothing when `take()` has nothing. One read per call.
   */
  wake(): void {
    const waiter = this.#waiters[0];
    if (waiter === undefined) return;
    let result: IteratorResult<T> | undefined;
    try {
      result = this.#take();
    } catch (error) {
      this.#waiters.shift();
      waiter.reject(error);
      this.endAll();
      return;
    }
    if (result === undefined) return;
    this.#waiters.shift();
    waiter.resolve(result);
  }

  /**
   * Resolves the oldest waiting read with `result` directly, bypassing
   * `take()` (a producer's fast path when nothing else is queued); `false`
   * when no read waits.
   */
  handOff(result: IteratorResult<T>): boolean {
    const waiter = this.#waiters.shift();
    if (waiter === undefined) return false;
    waiter.resolve(result);
    return true;
  }

  /** Resolves every waiting read `done` (the iteration ended). */
  endAll(): void {
    for (const waiter of this.#waiters.splice(0)) waiter.resolve(ITERATOR_DONE);
  }
}
