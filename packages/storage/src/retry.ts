/**
 * Conflict retry with exponential backoff and jitter: a conflict means another
 * writer won the race, so retrying at once mostly loses again and burns CPU on
 * both sides. Waiting a growing, randomised time spreads the contenders out.
 *
 * ```
 * attempt   1      2          3                  4                          5
 *           |-10ms-|---20ms---|-------40ms-------|-----------80ms-----------|  → Conflict
 *           each wait × (1 + jitter·random), capped at capMs
 * ```
 */
import { isStatusError } from '@apiserver-kit/codec';
import { badArgument, checkInteger, checkOptions, type Clock, sleep, systemClock } from '@apiserver-kit/core';

/** How often and how patiently to retry (the fields of client-go's `wait.Backoff`). */
export interface RetryOptions {
  /** Attempts in all, the first included (a positive integer); @default 5 */
  readonly steps: number;
  /** The wait before the second attempt, in milliseconds; @default 10 */
  readonly durationMs: number;
  /** Each further wait is the previous one times this (≥ 1); @default 2 */
  readonly factor: number;
  /** Each wait is stretched by up to this fraction at random (≥ 0); 0 for none; @default 0.1 */
  readonly jitter: number;
  /** No wait exceeds this many milliseconds (before jitter); @default Infinity */
  readonly capMs: number;
}

/**
 * {@link RetryOptions} as a caller overrides them: any field may be left out
 * or `undefined`, and then keeps its default.
 */
export type PartialRetryOptions = { readonly [K in keyof RetryOptions]?: RetryOptions[K] | undefined };

/**
 * The default: client-go's `retry.DefaultRetry` (5 steps from 10 ms, jitter
 * 0.1) but with factor 2 instead of 1, so that the waits grow: 10, 20, 40 and
 * 80 ms, 150 ms in all before the last attempt. `Storage.guaranteedUpdate`
 * takes the same waits but has no last attempt: it keeps waiting 80 ms.
 */
export const DEFAULT_RETRY: RetryOptions = Object.freeze({ steps: 5, durationMs: 10, factor: 2, jitter: 0.1, capMs: Infinity });

/**
 * Fills `options` up from {@link DEFAULT_RETRY} and validates them.
 *
 * @throws TypeError/RangeError naming the offending option.
 */
export function resolveRetryOptions(options: PartialRetryOptions | undefined, defaults: RetryOptions = DEFAULT_RETRY): RetryOptions {
  checkOptions('retry', options);
  const resolved: RetryOptions = { ...defaults, ...stripUndefined(options ?? {}) };
  checkInteger('retry.steps', resolved.steps, 1);
  checkNumber('retry.durationMs', resolved.durationMs, 0, 'a non-negative number');
  checkNumber('retry.factor', resolved.factor, 1, 'a number ≥ 1');
  checkNumber('retry.jitter', resolved.jitter, 0, 'a non-negative number');
  // Infinity allowed (no cap), so not checkNumber; a non-number is a TypeError, as everywhere else.
  if (typeof resolved.capMs !== 'number' || Number.isNaN(resolved.capMs)) badArgument('retry.capMs', 'a non-negative number', resolved.capMs);
  if (resolved.capMs < 0) badArgument('retry.capMs', 'a non-negative number', resolved.capMs, RangeError);
  return resolved;
}

/**
 * The wait in milliseconds after the failed attempt number `attempt` (1-based):
 * `min(durationMs · factor^(attempt-1), capMs) · (1 + jitter · random())`.
 */
export function backoffDelay(options: RetryOptions, attempt: number, random: () => number = Math.random): number {
  const base = Math.min(options.durationMs * options.factor ** (attempt - 1), options.capMs);
  return options.jitter > 0 ? base * (1 + options.jitter * random()) : base;
}

/** Options of {@link retryOnConflict}. */
export interface RetryOnConflictOptions extends PartialRetryOptions {
  /** The clock the waits run on; @default systemClock */
  readonly clock?: Clock | undefined;
  /** Aborts during a wait; the promise rejects with `signal.reason`. */
  readonly signal?: AbortSignal | undefined;
  /** The source of jitter, in [0, 1); @default Math.random */
  readonly random?: (() => number) | undefined;
}

/**
 * Runs `fn`, and again after a backoff wait each time it fails with a
 * `StatusError` Conflict, up to `steps` attempts (client-go's
 * `retry.RetryOnConflict`). For a client-side get-modify-update loop;
 * `Storage.guaranteedUpdate` already retries by itself.
 *
 * @throws the last Conflict when every attempt conflicted; any other error at once.
 */
export async function retryOnConflict<T>(fn: (attempt: number) => Promise<T> | T, options: RetryOnConflictOptions = {}): Promise<T> {
  const { clock = systemClock, signal, random = Math.random, ...retry } = options;
  const resolved = resolveRetryOptions(retry);
  for (let attempt = 1; ; attempt++) {
    signal?.throwIfAborted();
    try {
      return await fn(attempt);
    } catch (error) {
      if (!isStatusError(error, 'Conflict') || attempt >= resolved.steps) throw error;
    }
    await sleep(clock, backoffDelay(resolved, attempt, random), signal);
  }
}

function checkNumber(name: string, value: unknown, min: number, constraint: string): void {
  if (typeof value !== 'number' || !Number.isFinite(value)) badArgument(name, constraint, value);
  if (value < min) badArgument(name, constraint, value, RangeError);
}

function stripUndefined<T extends object>(value: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  const out: { [K in keyof T]?: Exclude<T[K], undefined> } = {};
  for (const [key, item] of Object.entries(value)) if (item !== undefined) (out as Record<string, unknown>)[key] = item;
  return out;
}
