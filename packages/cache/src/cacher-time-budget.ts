/**
 * The shared time budget of the Cacher's dispatcher: how long, in all, it may
 * wait for full watcher queues to make room before it sheds their
 * watchers. Refilled continuously with the clock and capped, so a burst of
 * slow consumers costs the others at most `capMs` of delay, and a steady
 * trickle at most `refillMsPerSecond` per second.
 *
 * ```
 *   budget ms
 *   cap 100 ┤━━━━━┓            ╱━━━━━━━━━━     refill 50 ms per second of clock time
 *           │     ┃          ╱                 take(): everything available, budget → 0
 *           │     ┃        ╱                   giveBack(unused): returned, still capped
 *         0 ┤     ┗━━━━━━╱
 *           └─────┴─────────────────▶ time
 *                 take() → waited ≤ 100 ms on full queues, then shed the rest
 * ```
 */
import type { Clock } from '@apiserver-kit/storage';
import { checkDuration } from '@apiserver-kit/core';

/** Options of {@link TimeBudget}. */
export interface TimeBudgetOptions {
  /** Milliseconds of budget added per second of clock time; @default 50 */
  readonly refillMsPerSecond?: number | undefined;
  /** The most budget held, in milliseconds (also the initial budget); @default 100 */
  readonly capMs?: number | undefined;
}

/**
 * A refilling allowance of waiting time (Kubernetes' `timeBudget`), read
 * through an injectable clock. O(1) per call; not shared between cachers.
 */
export class TimeBudget {
  readonly #clock: Clock;
  readonly #refillPerMs: number;
  /** The cap, in milliseconds. */
  readonly capMs: number;
  #budget: number;
  #last: number;

  /** @throws TypeError/RangeError naming a bad option. */
  constructor(clock: Clock, options: TimeBudgetOptions = {}) {
    const refill = options.refillMsPerSecond ?? 50;
    checkDuration('refillMsPerSecond', refill);
    const cap = options.capMs ?? 100;
    checkDuration('capMs', cap);
    this.#clock = clock;
    this.#refillPerMs = refill / 1000;
    this.capMs = cap;
    this.#budget = cap;
    this.#last = clock.now();
  }

  /** The budget available now, in milliseconds. */
  get available(): number {
    this.#refresh();
    return this.#budget;
  }

  /** Takes the whole available budget (the caller waits at most that long), leaving 0. */
  take(): number {
    this.#refresh();
    const taken = this.#budget;
    this.#budget = 0;
    return taken;
  }

  /** Returns the part of a {@link take} that was not spent (negative counts as 0); the cap still applies. */
  giveBack(unusedMs: number): void {
    this.#refresh();
    if (unusedMs > 0) this.#budget = Math.min(this.capMs, this.#budget + unusedMs);
  }

  #refresh(): void {
    const now = this.#clock.now();
    const elapsed = now - this.#last;
    this.#last = now;
    if (elapsed > 0) this.#budget = Math.min(this.capMs, this.#budget + elapsed * this.#refillPerMs);
  }
}
