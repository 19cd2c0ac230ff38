import { checkOptions, type Clock, monotonicClock, positiveInteger, positiveNumber } from '@apiserver-kit/core';
import { TokenBucket } from '@apiserver-kit/flowcontrol';
import type { RateLimiter } from './rate-limiter.js';

/** Options of {@link BucketRateLimiter}. */
export interface BucketRateLimiterOptions {
  /** Retries admitted per second, overall. @default 10 */
  readonly qps?: number | undefined;
  /** Retries admitted at once before the rate applies. @default 100 */
  readonly burst?: number | undefined;
  /** Where time comes from. @default monotonicClock */
  readonly clock?: Clock | undefined;
}

/**
 * client-go's `BucketRateLimiter`: one token bucket shared by every key
 * (golang.org/x/time/rate's `Limiter.Reserve().Delay()`). `when` reserves a
 * token and returns how long until it is there: 0 while the bucket holds
 * tokens, then `1/qps` more per reservation. It never refuses: reservations
 * past the empty bucket go into debt, so the retries of a storm of failing
 * keys are spread at `qps`.
 *
 * ```
 * balance   100 ┤██▄▄                       burst of 100 reservations: wait 0
 *             0 ┼────▀▄▄────────────► t     then each one 100 ms (1/qps) later
 *          −100 ┤       ▀▀▄▄  (TokenBucket's floor)
 *          −900 ┤           ▀▀▄▄  debt kept here, repaid at qps
 * ```
 *
 * The balance lives in a flowcontrol {@link TokenBucket} (lazy refill, no
 * timers, clock readings sanitised). A TokenBucket's debt stops at
 * −burst; the debt below that is counted here (`overflow`), with the bucket
 * pinned at its floor, and repaid from the time elapsed, so a thousand
 * reservations at once wait up to 90 s as upstream, not 10.1 s. Costs: O(1),
 * no allocation; `numRequeues` is always 0 and `forget` does nothing (the
 * bucket is not per key).
 */
export class BucketRateLimiter<K = string> implements RateLimiter<K> {
  /** Retries admitted per second. */
  readonly qps: number;
  /** The bucket's capacity. */
  readonly burst: number;
  readonly #clock: Clock;
  readonly #bucket: TokenBucket;
  // Tokens reserved below the bucket's floor (−burst), and when the bucket was last pinned there.
  #overflow = 0;
  #pinnedAt = 0;

  /** @throws TypeError / RangeError when `qps` is not a positive finite number or `burst` not a positive integer. */
  constructor(options: BucketRateLimiterOptions = {}) {
    checkOptions('options', options);
    this.qps = positiveNumber('qps', options.qps ?? 10);
    this.burst = positiveInteger('burst', options.burst ?? 100);
    this.#clock = options.clock ?? monotonicClock;
    this.#bucket = new TokenBucket({ ratePerSecond: this.qps, burst: this.burst, clock: this.#clock });
  }

  when(_key: K): number {
    const now = this.#clock.now();
    const bucket = this.#bucket;
    if (this.#overflow > 0) this.#repay(now);
    if (this.#overflow > 0) {
      // Still in debt past the floor (pinned at `now` by #repay): one more token owed.
      this.#overflow += 1;
      return ((this.burst + this.#overflow) * 1000) / this.qps;
    }
    const balance = bucket.availableAt(now);
    if (balance - 1 >= -this.burst) {
      bucket.consume(1, now);
      return balance >= 1 ? 0 : ((1 - balance) * 1000) / this.qps;
    }
    // Past the floor: pin the bucket there and keep the rest of the debt here.
    bucket.consume(balance + this.burst, now);
    this.#overflow = 1 - balance - this.burst;
    this.#pinnedAt = now;
    return ((1 - balance) * 1000) / this.qps;
  }

  forget(_key: K): void {}

  numRequeues(_key: K): number {
    return 0;
  }

  // Repays the overflow from what the pinned bucket earned since it was pinned.
  #repay(now: number): void {
    const bucket = this.#bucket;
    // A clock stepping back earns nothing (the bucket rebases on its own).
    const earned = now > this.#pinnedAt ? ((now - this.#pinnedAt) * this.qps) / 1000 : 0;
    if (earned < this.#overflow) {
      this.#overflow -= earned;
      this.#pinnedAt = now;
      // The bucket refilled meanwhile: that refill went to the overflow, so back to the floor.
      bucket.consume(bucket.availableAt(now) + this.burst, now);
      return;
    }
    // Repaid: the balance is what is left of the earnings above the floor (the bucket may have hit its cap meanwhile).
    const balance = Math.min(this.burst, -this.burst + earned - this.#overflow);
    bucket.consume(bucket.availableAt(now) - balance, now);
    this.#overflow = 0;
  }
}
