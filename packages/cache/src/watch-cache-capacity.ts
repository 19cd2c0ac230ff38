/**
 * The capacity policy of the event history: keep at least a time window of
 * events (default 75 s: one bookmark period of 60 s plus 15 s), so that a
 * client that reconnects within it resumes its watch instead of relisting,
 * within bounds that cap memory.
 *
 * ```
 *                 full, and the oldest event is younger than the window
 *              ┌──────────────────────────────────────────────────────┐
 *              │                       (churn: we would evict fresh)  ▼
 *   ┌─────────────────┐                                    ┌──────────────────┐
 *   │ capacity c      │                                    │ capacity min(2c, │
 *   │                 │◀───────────────────────────────────│   upperBound)    │
 *   └─────────────────┘  the event starting the newest     └──────────────────┘
 *       ▲                quarter (or every event, when fewer than c/4 are held)
 *       │                is older than the window → max(c/2, lowerBound)
 *       └── checked when an event is appended AND on a timer (checkIntervalMs),
 *           so a cache that went quiet gives its memory back without a write
 * ```
 *
 * Halving never drops an event inside the window: when the event at
 * position size − c/4 is older than the window, every event younger than the
 * window sits in the newest quarter, and half the slots keep it. Kubernetes
 * applies the same two rules but only when an event arrives, so a burst
 * followed by silence keeps its peak memory forever.
 */
import { badArgument, checkDuration, checkInteger } from '@apiserver-kit/core';
import type { EventHistory } from './watch-cache-history.js';

/** Options of the history capacity policy (all optional). */
export interface CapacityOptions {
  /** The time window of events to keep, in milliseconds; @default 75_000 */
  readonly windowMs?: number | undefined;
  /** The smallest capacity (a positive integer); @default 100 */
  readonly lowerBound?: number | undefined;
  /** The largest capacity; @default 102_400 */
  readonly upperBound?: number | undefined;
  /** The starting capacity, between the bounds; @default lowerBound */
  readonly initial?: number | undefined;
  /** How often the shrink rule is checked without writes, in milliseconds; @default 15_000 */
  readonly checkIntervalMs?: number | undefined;
}

/** {@link CapacityOptions} with every default filled in. */
export interface ResolvedCapacityOptions {
  readonly windowMs: number;
  readonly lowerBound: number;
  readonly upperBound: number;
  readonly initial: number;
  readonly checkIntervalMs: number;
}

/** The defaults of {@link CapacityOptions}. */
export const DEFAULT_CAPACITY: ResolvedCapacityOptions = Object.freeze({
  windowMs: 75_000,
  lowerBound: 100,
  upperBound: 102_400,
  initial: 100,
  checkIntervalMs: 15_000,
});

/**
 * Validates and completes capacity options.
 *
 * @throws TypeError/RangeError naming the offending option.
 */
export function resolveCapacityOptions(options: CapacityOptions = {}): ResolvedCapacityOptions {
  const windowMs = options.windowMs ?? DEFAULT_CAPACITY.windowMs;
  checkDuration('capacity.windowMs', windowMs);
  const lowerBound = options.lowerBound ?? DEFAULT_CAPACITY.lowerBound;
  checkInteger('capacity.lowerBound', lowerBound, 1);
  const upperBound = options.upperBound ?? Math.max(DEFAULT_CAPACITY.upperBound, lowerBound);
  checkInteger('capacity.upperBound', upperBound, lowerBound);
  const initial = options.initial ?? lowerBound;
  checkInteger('capacity.initial', initial, lowerBound);
  if (initial > upperBound) badArgument('capacity.initial', `at most \`capacity.upperBound\` (${upperBound})`, initial, RangeError);
  const checkIntervalMs = options.checkIntervalMs ?? DEFAULT_CAPACITY.checkIntervalMs;
  checkDuration('capacity.checkIntervalMs', checkIntervalMs, 1);
  return { windowMs, lowerBound, upperBound, initial, checkIntervalMs };
}

/**
 * The capacity to grow to before appending at `now`, or `undefined` to keep
 * it: when the buffer is full and its oldest event is younger than the window.
 */
export function growCapacity(history: EventHistory, now: number, options: ResolvedCapacityOptions): number | undefined {
  if (!history.isFull || history.capacity >= options.upperBound) return undefined;
  const oldest = history.oldest();
  if (oldest === undefined || now - oldest.recordedAt >= options.windowMs) return undefined;
  return Math.min(history.capacity * 2, options.upperBound);
}

/**
 * The capacity to shrink to at `now`, or `undefined` to keep it: when the
 * event opening the newest quarter of the slots is older than the window (or
 * fewer than a quarter of the slots are in use).
 */
export function shrinkCapacity(history: EventHistory, now: number, options: ResolvedCapacityOptions): number | undefined {
  if (history.capacity <= options.lowerBound) return undefined;
  const quarter = Math.max(1, Math.floor(history.capacity / 4));
  const position = history.size - quarter;
  if (position >= 0) {
    const event = history.at(history.startSeq + position)!;
    if (now - event.recordedAt < options.windowMs) return undefined;
  }
  return Math.max(Math.floor(history.capacity / 2), options.lowerBound);
}
