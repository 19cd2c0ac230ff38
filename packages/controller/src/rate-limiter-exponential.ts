import { checkDuration, checkOptions } from '@apiserver-kit/core';
import type { RateLimiter } from './rate-limiter.js';

/** Options of {@link ItemExponentialFailureRateLimiter}. */
export interface ItemExponentialFailureRateLimiterOptions {
  /** The delay after the first failure, in milliseconds. @default 5 */
  readonly baseDelayMs?: number | undefined;
  /** The longest delay, in milliseconds. @default 1 000 000 (1000 s) */
  readonly maxDelayMs?: number | undefined;
}

/**
 * Per-key exponential backoff (client-go's `ItemExponentialFailureRateLimiter`):
 * the n-th failure of a key (n from 0) waits `baseDelayMs · 2^n`, capped at
 * `maxDelayMs`. Keys are independent.
 *
 * ```
 * failures  0   1    2    3    …   n
 * delay     5   10   20   40   …   min(5·2^n, 1 000 000) ms
 * ```
 *
 * Overflow-safe: `2^n` past the range of a double is `Infinity`, which the
 * cap turns into `maxDelayMs`, so a key that failed 10 000 times waits the
 * maximum, never 0 or NaN. Costs: one Map entry per failing key until
 * {@link ItemExponentialFailureRateLimiter.forget}.
 */
export class ItemExponentialFailureRateLimiter<K = string> implements RateLimiter<K> {
  /** The delay after the first failure, ms. */
  readonly baseDelayMs: number;
  /** The longest delay, ms. */
  readonly maxDelayMs: number;
  readonly #failures = new Map<K, number>();

  /** @throws TypeError / RangeError when a delay is not a non-negative finite number. */
  constructor(options: ItemExponentialFailureRateLimiterOptions = {}) {
    checkOptions('options', options);
    const base = options.baseDelayMs ?? 5;
    const max = options.maxDelayMs ?? 1_000_000;
    checkDuration('baseDelayMs', base);
    checkDuration('maxDelayMs', max);
    this.baseDelayMs = base;
    this.maxDelayMs = max;
  }

  when(key: K): number {
    const failures = this.#failures.get(key) ?? 0;
    this.#failures.set(key, failures + 1);
    const delay = this.baseDelayMs * 2 ** failures;
    // Infinity (overflow) and anything past the cap become the cap; 0·Infinity (base 0) is NaN: no delay.
    if (Number.isNaN(delay)) return 0;
    return delay < this.maxDelayMs ? delay : this.maxDelayMs;
  }

  forget(key: K): void {
    this.#failures.delete(key);
  }

  numRequeues(key: K): number {
    return this.#failures.get(key) ?? 0;
  }
}
