import { badArgument as fail, type Clock, monotonicClock, nonNegativeInteger, positiveInteger, positiveNumber, sleep } from '@apiserver-kit/core';
import { unitRandom } from './internal/unit-random.js';

/** Options of {@link Backoff}. */
export interface BackoffOptions {
  /** The cap of the first retry's delay, in milliseconds. @default 100 */
  readonly baseMs?: number | undefined;
  /** The largest delay, in milliseconds. @default 30000 */
  readonly maxMs?: number | undefined;
  /** Growth of the cap per attempt. @default 2 */
  readonly factor?: number | undefined;
  /** Random source in [0, 1); answers outside [0, 1] (NaN included) are clamped into it. @default Math.random */
  readonly random?: (() => number) | undefined;
}

/**
 * Exponential backoff with full jitter: attempt `k` waits a uniformly random
 * time in `[0, min(maxMs, baseMs × factor^k))`, so clients that failed together
 * do not retry together. A server's Retry-After is a floor: never retry sooner.
 */
export class Backoff {
  readonly #base: number;
  readonly #max: number;
  readonly #factor: number;
  readonly #random: () => number;

  /** @throws TypeError / RangeError naming the option that is out of range. */
  constructor(options: BackoffOptions = {}) {
    this.#base = positiveNumber('baseMs', options.baseMs ?? 100);
    this.#max = positiveNumber('maxMs', options.maxMs ?? 30_000);
    this.#factor = positiveNumber('factor', options.factor ?? 2);
    if (this.#factor < 1) fail('factor', 'a number no smaller than 1', this.#factor, RangeError);
    if (options.random !== undefined && typeof options.random !== 'function') fail('random', 'a function', options.random);
    this.#random = options.random ?? Math.random;
  }

  /**
   * Milliseconds to wait before retry number `attempt` (0 = the first retry).
   *
   * @param retryAfterSeconds the server's Retry-After, if it sent one: the delay is at least that long.
   *   One that is not a positive number whose milliseconds are finite (NaN, Infinity,
   *   1e308, negative) is ignored, as client-go ignores a Retry-After header that does not parse.
   * @throws TypeError / RangeError when `attempt` is not a non-negative integer.
   */
  delayMs(attempt: number, retryAfterSeconds?: number): number {
    nonNegativeInteger('attempt', attempt);
    const cap = Math.min(this.#max, this.#base * this.#factor ** attempt);
    const jittered = unitRandom(this.#random) * cap;
    const floorMs = typeof retryAfterSeconds === 'number' ? retryAfterSeconds * 1000 : 0;
    return floorMs > jittered && floorMs < Number.POSITIVE_INFINITY ? floorMs : jittered;
  }
}

/**
 * The Retry-After an error carries, in seconds: `error.retryAfterSeconds`
 * (flowcontrol's {@link TooManyRequestsError}, codec's `StatusError`) or
 * `error.details.retryAfterSeconds` (a decoded `Status`), when it is a
 * non-negative finite number; `undefined` otherwise.
 */
export function retryAfterOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const direct = (error as { retryAfterSeconds?: unknown }).retryAfterSeconds;
  if (typeof direct === 'number' && direct >= 0 && direct < Number.POSITIVE_INFINITY) return direct;
  const nested = (error as { details?: { retryAfterSeconds?: unknown } }).details?.retryAfterSeconds;
  return typeof nested === 'number' && nested >= 0 && nested < Number.POSITIVE_INFINITY ? nested : undefined;
}

/** Options of {@link retryWithBackoff}. */
export interface RetryOptions extends BackoffOptions {
  /** Attempts in total, the first included. @default 5 */
  readonly maxAttempts?: number | undefined;
  /** Whether to retry after `error`. @default retry when the error carries a Retry-After or a 429/503/504 `code` */
  readonly shouldRetry?: ((error: unknown, attempt: number) => boolean) | undefined;
  /** Aborting stops waiting; the promise rejects with `signal.reason`. */
  readonly signal?: AbortSignal | undefined;
  /** Where sleeps are scheduled. @default {@link monotonicClock} */
  readonly clock?: Clock | undefined;
}

function isRetryable(error: unknown): boolean {
  if (retryAfterOf(error) !== undefined) return true;
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return code === 429 || code === 503 || code === 504;
}

/**
 * Calls `fn` until it succeeds, sleeping with {@link Backoff} (and at least the
 * server's Retry-After) between attempts. The last error is rethrown when the
 * attempts run out or `shouldRetry` says no.
 *
 * @throws the last error of `fn`; `signal.reason` when aborted.
 */
export async function retryWithBackoff<T>(fn: (attempt: number) => T | Promise<T>, options: RetryOptions = {}): Promise<T> {
  const maxAttempts = positiveInteger('maxAttempts', options.maxAttempts ?? 5);
  const backoff = new Backoff(options);
  const shouldRetry = options.shouldRetry ?? isRetryable;
  const clock = options.clock ?? monotonicClock;
  const signal = options.signal;
  for (let attempt = 0; ; attempt++) {
    if (signal?.aborted === true) throw signal.reason;
    try {
      return await fn(attempt);
    } catch (error) {
      if (attempt + 1 >= maxAttempts || !shouldRetry(error, attempt)) throw error;
      await sleep(clock, backoff.delayMs(attempt, retryAfterOf(error)), signal);
    }
  }
}
