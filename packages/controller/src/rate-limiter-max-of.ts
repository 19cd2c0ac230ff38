import { badArgument } from '@apiserver-kit/core';
import { checkLimiter } from './internal/rate-limiter-check.js';
import type { RateLimiter } from './rate-limiter.js';

/**
 * client-go's `MaxOfRateLimiter`: asks every limiter (each counts the
 * failure) and waits the longest of their delays; `numRequeues` is the
 * largest count, `forget` forgets in all of them.
 */
export class MaxOfRateLimiter<K = string> implements RateLimiter<K> {
  readonly #limiters: readonly RateLimiter<K>[];

  /** @throws TypeError when no limiter is given or one is not a RateLimiter. */
  constructor(...limiters: RateLimiter<K>[]) {
    if (limiters.length === 0) badArgument('limiters', 'at least one RateLimiter', limiters);
    limiters.forEach((limiter, i) => checkLimiter(`limiters[${i}]`, limiter));
    this.#limiters = limiters;
  }

  when(key: K): number {
    let delay = 0;
    for (const limiter of this.#limiters) {
      const d = limiter.when(key);
      if (d > delay) delay = d;
    }
    return delay;
  }

  forget(key: K): void {
    for (const limiter of this.#limiters) limiter.forget(key);
  }

  numRequeues(key: K): number {
    let n = 0;
    for (const limiter of this.#limiters) n = Math.max(n, limiter.numRequeues(key));
    return n;
  }
}
