import { badArgument, checkDuration } from '@apiserver-kit/core';
import type { RateLimiter } from './rate-limiter.js';

/** Options of {@link ItemFastSlowRateLimiter}. */
export interface ItemFastSlowRateLimiterOptions {
  /** The delay of the first `maxFastAttempts` failures, in milliseconds. */
  readonly fastDelayMs: number;
  /** The delay of every later failure, in milliseconds. */
  readonly slowDelayMs: number;
  /** How many failures get the fast delay. */
  readonly maxFastAttempts: number;
}

/**
 * client-go's `ItemFastSlowRateLimiter`: a key's first `maxFastAttempts`
 * failures wait `fastDelayMs`, the later ones `slowDelayMs` (polling a
 * condition quickly at first, then slowly). Costs: one Map entry per failing key.
 */
export class ItemFastSlowRateLimiter<K = string> implements RateLimiter<K> {
  readonly fastDelayMs: number;
  readonly slowDelayMs: number;
  readonly maxFastAttempts: number;
  readonly #failures = new Map<K, number>();

  /** @throws TypeError / RangeError for a missing or out-of-range option. */
  constructor(options: ItemFastSlowRateLimiterOptions) {
    if (typeof options !== 'object' || options === null) badArgument('options', 'an object', options);
    checkDuration('fastDelayMs', options.fastDelayMs);
    checkDuration('slowDelayMs', options.slowDelayMs);
    const attempts = options.maxFastAttempts;
    if (typeof attempts !== 'number' || !Number.isSafeInteger(attempts)) badArgument('maxFastAttempts', 'a non-negative integer', attempts);
    if (attempts < 0) badArgument('maxFastAttempts', 'a non-negative integer', attempts, RangeError);
    this.fastDelayMs = options.fastDelayMs;
    this.slowDelayMs = options.slowDelayMs;
    this.maxFastAttempts = attempts;
  }

  when(key: K): number {
    const failures = (this.#failures.get(key) ?? 0) + 1;
    this.#failures.set(key, failures);
    return failures <= this.maxFastAttempts ? this.fastDelayMs : this.slowDelayMs;
  }

  forget(key: K): void {
    this.#failures.delete(key);
  }

  numRequeues(key: K): number {
    return this.#failures.get(key) ?? 0;
  }
}
