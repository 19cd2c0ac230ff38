import { badArgument as fail, type Clock, fraction, monotonicClock, nonNegativeNumber, positiveInteger, positiveNumber } from '@apiserver-kit/core';
import { unitRandom } from './internal/unit-random.js';
import { TokenBucket } from './token-bucket.js';

/** What a {@link RetryAfterPolicy} is told about one rejection. */
export interface Rejection {
  /** The bucket that rejected, when a token bucket did (its `waitTime` is the honest wait). */
  readonly bucket?: TokenBucket;
  /** Tokens (or seats) the rejected request asked for. @default 1 */
  readonly tokens?: number;
  /** The current time from the clock, when the caller has already read it. */
  readonly now?: number;
}

/**
 * Chooses the `Retry-After` (whole seconds, ≥ 1) of each 429. Called once per
 * rejection: a policy may count rejections (the congestion policy does).
 */
export interface RetryAfterPolicy {
  /** Seconds the rejected client should wait before retrying. */
  retryAfterSeconds(rejection?: Rejection): number;
}

/** One step of {@link CongestionRetryAfterOptions.steps}: above this fraction of the congestion bucket, answer `seconds`. */
export interface RetryAfterStep {
  /** The congestion bucket's available fraction must be strictly above this. */
  readonly above: number;
  /** The Retry-After for this step. */
  readonly seconds: number;
}

/** Options of {@link CongestionRetryAfter}. */
export interface CongestionRetryAfterOptions {
  /** Tokens in the congestion bucket. @default 1024 (2^10) */
  readonly capacity?: number | undefined;
  /** Milliseconds in which an empty congestion bucket refills completely. @default 1000 */
  readonly windowMs?: number | undefined;
  /** The Retry-After while the bucket is more than half full. @default 1 */
  readonly minSeconds?: number | undefined;
  /** The Retry-After when the bucket is (nearly) empty; Kubernetes' APF goes up to 32. @default 8 */
  readonly maxSeconds?: number | undefined;
  /**
   * Explicit steps, checked in order; the first whose `above` the available
   * fraction exceeds wins, else `maxSeconds`.
   * @default doubling from `minSeconds` per halving of the bucket: > 1/2 → 1, > 1/4 → 2, > 1/8 → 4, else 8
   */
  readonly steps?: readonly RetryAfterStep[] | undefined;
  /** Adds up to this fraction of the step, at random, to spread retries (0 = none). @default 0 */
  readonly jitter?: number | undefined;
  /** Random source in [0, 1) for the jitter; answers outside [0, 1] (NaN included) are clamped into it. @default Math.random */
  readonly random?: (() => number) | undefined;
  /** Where time comes from. @default {@link monotonicClock} */
  readonly clock?: Clock | undefined;
}

/**
 * The default policy, proven at 30 000-node scale: a separate congestion
 * bucket from which every rejection takes a token. A brief spike leaves it
 * mostly full (Retry-After 1); a storm drains it and the answer grows to 2, 4,
 * 8 s, so the retries spread out instead of coming straight back.
 *
 * The rejecting bucket cannot tell these apart: it is always nearly empty when
 * it rejects. The congestion bucket can, because it counts rejections.
 *
 * Costs: one token-bucket take per rejection, no allocation.
 */
export class CongestionRetryAfter implements RetryAfterPolicy {
  /** The congestion bucket (inspect it for metrics; do not take from it). */
  readonly congestion: TokenBucket;
  readonly #steps: readonly RetryAfterStep[];
  readonly #maxSeconds: number;
  readonly #jitter: number;
  readonly #random: () => number;

  /** @throws TypeError / RangeError naming the option that is out of range. */
  constructor(options: CongestionRetryAfterOptions = {}) {
    const capacity = positiveInteger('capacity', options.capacity ?? 1024);
    const windowMs = positiveNumber('windowMs', options.windowMs ?? 1000);
    const minSeconds = positiveInteger('minSeconds', options.minSeconds ?? 1);
    this.#maxSeconds = positiveInteger('maxSeconds', options.maxSeconds ?? 8);
    if (this.#maxSeconds < minSeconds) fail('maxSeconds', `an integer no smaller than minSeconds (${minSeconds})`, this.#maxSeconds, RangeError);
    this.#jitter = fraction('jitter', options.jitter ?? 0);
    if (options.random !== undefined && typeof options.random !== 'function') fail('random', 'a function', options.random);
    this.#random = options.random ?? Math.random;
    const ratePerSecond = (capacity * 1000) / windowMs;
    if (!Number.isFinite(ratePerSecond)) fail('windowMs', `large enough that capacity × 1000 / windowMs is finite (capacity ${capacity})`, windowMs, RangeError);
    this.congestion = new TokenBucket({ ratePerSecond, burst: capacity, clock: options.clock ?? monotonicClock });
    if (options.steps !== undefined) {
      for (const step of options.steps) {
        fraction('steps[].above', step.above);
        positiveInteger('steps[].seconds', step.seconds);
      }
      this.#steps = [...options.steps];
    } else {
      const steps: RetryAfterStep[] = [];
      for (let seconds = minSeconds, above = 0.5; seconds < this.#maxSeconds; seconds *= 2, above /= 2) {
        steps.push({ above, seconds });
      }
      this.#steps = steps;
    }
  }

  /** Takes one token from the congestion bucket and answers from what is left. */
  retryAfterSeconds(rejection?: Rejection): number {
    const now = rejection?.now ?? this.congestion.clock.now();
    // Empty stays empty (no debt): recovery takes one window after the storm ends.
    this.congestion.tryTake(1, now);
    return this.peekSeconds(now);
  }

  /** The answer a rejection would get now, without counting one (for metrics and tests). */
  peekSeconds(now: number = this.congestion.clock.now()): number {
    const left = this.congestion.availableAt(now) / this.congestion.burst;
    let seconds = this.#maxSeconds;
    for (const step of this.#steps) {
      if (left > step.above) {
        seconds = step.seconds;
        break;
      }
    }
    if (this.#jitter > 0) seconds = Math.ceil(seconds * (1 + this.#jitter * unitRandom(this.#random)));
    return seconds;
  }
}

/** Options of {@link WaitTimeRetryAfter}. */
export interface WaitTimeRetryAfterOptions {
  /** The smallest answer. @default 1 */
  readonly minSeconds?: number | undefined;
  /** The largest answer. @default 32 */
  readonly maxSeconds?: number | undefined;
}

/**
 * The alternative policy: the rejecting bucket's own `waitTime`, rounded up to
 * whole seconds and clamped. Honest for a single client; under a storm every
 * client hears the same short wait, so prefer {@link CongestionRetryAfter}.
 */
export class WaitTimeRetryAfter implements RetryAfterPolicy {
  readonly #min: number;
  readonly #max: number;

  /** @throws TypeError / RangeError naming the option that is out of range. */
  constructor(options: WaitTimeRetryAfterOptions = {}) {
    this.#min = positiveInteger('minSeconds', options.minSeconds ?? 1);
    this.#max = positiveInteger('maxSeconds', options.maxSeconds ?? 32);
    if (this.#max < this.#min) fail('maxSeconds', `an integer no smaller than minSeconds (${this.#min})`, this.#max, RangeError);
  }

  /**
   * `ceil(bucket.waitTime(tokens) / 1000)` clamped to [minSeconds, maxSeconds]; `minSeconds` without a bucket.
   *
   * @throws TypeError / RangeError when `rejection.tokens` is not a non-negative finite number.
   */
  retryAfterSeconds(rejection?: Rejection): number {
    const bucket = rejection?.bucket;
    if (bucket === undefined) return this.#min;
    const tokens = nonNegativeNumber('tokens', rejection?.tokens ?? 1);
    const ms = bucket.waitTime(Math.min(tokens, bucket.burst), rejection?.now);
    return Math.min(this.#max, Math.max(this.#min, Math.ceil(ms / 1000)));
  }
}

/**
 * A constant Retry-After — what a server without congestion feedback sends.
 * Kept for comparisons (the relist-storm simulation) and for hosts that must.
 *
 * @throws TypeError / RangeError when `seconds` is not a positive integer.
 */
export function fixedRetryAfter(seconds: number): RetryAfterPolicy {
  positiveInteger('seconds', seconds);
  return Object.freeze({ retryAfterSeconds: (): number => seconds });
}
