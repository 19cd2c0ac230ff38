/**
 * How long a work queue makes a failed key wait before it is handed out
 * again: client-go's `workqueue.RateLimiter` (default_rate_limiters.go). The
 * implementations live one per file (`rate-limiter-*.ts`); this file holds
 * the contract and the default a controller uses.
 */
import type { Clock } from '@apiserver-kit/core';
import { BucketRateLimiter } from './rate-limiter-bucket.js';
import { ItemExponentialFailureRateLimiter } from './rate-limiter-exponential.js';
import { MaxOfRateLimiter } from './rate-limiter-max-of.js';

/**
 * Decides the delay before a key is retried. `when` records a failure (it is
 * not a pure read: each call counts), `forget` clears a key's history once it
 * succeeded, `numRequeues` says how many failures are on record.
 */
export interface RateLimiter<K = string> {
  /** The delay in milliseconds before `key` may be processed again; counts one more failure. */
  when(key: K): number;
  /** Clears `key`'s failure history (it succeeded, or was given up on). */
  forget(key: K): void;
  /** How many failures of `key` are on record. */
  numRequeues(key: K): number;
}

/** Options of {@link defaultControllerRateLimiter}. */
export interface DefaultControllerRateLimiterOptions {
  /** The clock of the overall bucket. @default monotonicClock */
  readonly clock?: Clock | undefined;
}

/**
 * client-go's `DefaultControllerRateLimiter()`: the larger of a per-key
 * exponential backoff (5 ms, doubling per failure, at most 1000 s) and an
 * overall token bucket (10 retries per second, bursts of 100) that only
 * slows retries when many keys fail at once.
 *
 * @throws TypeError when `options` is not an object.
 */
export function defaultControllerRateLimiter<K = string>(options: DefaultControllerRateLimiterOptions = {}): MaxOfRateLimiter<K> {
  return new MaxOfRateLimiter<K>(
    new ItemExponentialFailureRateLimiter<K>({ baseDelayMs: 5, maxDelayMs: 1_000_000 }),
    new BucketRateLimiter<K>({ qps: 10, burst: 100, clock: options.clock }),
  );
}
