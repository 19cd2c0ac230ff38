import { checkDuration } from '@apiserver-kit/core';
import { checkLimiter } from './internal/rate-limiter-check.js';
import type { RateLimiter } from './rate-limiter.js';

/**
 * client-go's `WithMaxWaitRateLimiter`: another limiter's delay, cut to at
 * most `maxWaitMs` (a bound on how stale a key may get under a slow overall bucket).
 */
export class WithMaxWaitRateLimiter<K = string> implements RateLimiter<K> {
  readonly #limiter: RateLimiter<K>;
  /** The longest delay, ms. */
  readonly maxWaitMs: number;

  /** @throws TypeError / RangeError for a bad limiter or `maxWaitMs`. */
  constructor(limiter: RateLimiter<K>, maxWaitMs: number) {
    checkLimiter('limiter', limiter);
    checkDuration('maxWaitMs', maxWaitMs);
    this.#limiter = limiter;
    this.maxWaitMs = maxWaitMs;
  }

  when(key: K): number {
    return Math.min(this.#limiter.when(key), this.maxWaitMs);
  }

  forget(key: K): void {
    this.#limiter.forget(key);
  }

  numRequeues(key: K): number {
    return this.#limiter.numRequeues(key);
  }
}
