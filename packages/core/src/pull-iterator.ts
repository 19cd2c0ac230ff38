/**
 * A pull-based, single-consumer async iterator with waiting reads: the base of
 * a watch whose events are read on demand (from a log, a ring, a queue)
 * rather than pushed into a buffer per consumer.
 *
 * ```
 *   consumer: next() ──take() ready?──yes──▶ resolved at once
 *                           └──no──▶ parked (FIFO) ◀── wake(): take() for the oldest
 *   producer: append, then wake() / handOff(result) / endWaiters()
 * ```
 *
 * A subclass supplies `take()`: the next result if one is ready, `undefined`
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
 * An async iterator whose reads wait, in order, for the results its subclass
 * `take()`s. Iterate it once with `for await`; `break` (or `return()`) calls
 * `close()`. Allocates a promise and a waiter only when a read has to wait.
 */
export abstract class PullIterator<T> implements AsyncIterableIterator<T> {
  #waiters: Waiter<T>[] = [];

  /** The next result if one is ready, `undefined` to wait; may throw the iteration's failure (once). */
  protected abstract take(): IteratorResult<T> | undefined;

  /** Ends the iteration; must answer waiting reads (with {@link PullIterator.endWaiters}). Idempotent. */
  abstract close(): void;

  /** How many reads are waiting. */
  protected get waiting(): number {
    return this.#waiters.length;
  }

  /**
   * The next result: at once when no earlier read waits and `take()` has one,
   * else when the producer wakes this read. Rejects with what `take()` throws.
   */
  next(): Promise<IteratorResult<T>> {
    if (this.#waiters.length === 0) {
      try {
        const result = this.take();
        if (result !== undefined) return Promise.resolve(result);
      } catch (error) {
        return Promise.reject(error);
      }
    }
    return new Promise((resolve, reject) => this.#waiters.push({ resolve, reject }));
  }

  /** Ends the iteration (`break` in `for await`). */
  return(): Promise<IteratorResult<T>> {
    this.close();
    return Promise.resolve(ITERATOR_DONE);
  }

  /** The iterator itself: iterate it once. */
  [Symbol.asyncIterator](): this {
    return this;
  }

  /**
   * Hands a ready result (an event, a bookmark, the failure) to the oldest
   * waiting read, if any; nothing when `take()` has nothing. One read per call.
   */
  protected wake(): void {
    const waiter = this.#waiters[0];
    if (waiter === undefined) return;
    let result: IteratorResult<T> | undefined;
    try {
      result = this.take();
    } catch (error) {
      this.#waiters.shift();
      waiter.reject(error);
      this.endWaiters();
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
  protected handOff(result: IteratorResult<T>): boolean {
    const waiter = this.#waiters.shift();
    if (waiter === undefined) return false;
    waiter.resolve(result);
    return true;
  }

  /** Resolves every waiting read `done` (the iteration ended). */
  protected endWaiters(): void {
    for (const waiter of this.#waiters.splice(0)) waiter.resolve(ITERATOR_DONE);
  }
}
