/**
 * Timers of any length on a {@link Clock} whose timers are `setTimeout`'s:
 * Node runs a `setTimeout` of more than 2^31 − 1 ms (about 24.8 days) after
 * 1 ms instead, so a watch with `timeoutSeconds` ≥ 2 147 484 would end at
 * once. A long delay is split into steps no longer than that, re-armed until
 * the deadline, so no timer ever gets a larger delay.
 */
import type { Clock, Timer, TimerOptions } from './clock.js';

/** The longest delay Node's `setTimeout` honours, in milliseconds (2^31 − 1). */
export const MAX_TIMER_DELAY_MS: number = 2 ** 31 - 1;

/** Runs `callback` once at `clock.now() + delayMs` (an `Infinity` delay never runs); the returned timer cancels it. */
export function setLongTimer(clock: Clock, callback: () => void, delayMs: number, options?: TimerOptions): Timer {
  if (delayMs === Infinity) return { cancel: () => {} };
  const at = clock.now() + delayMs;
  let current: Timer | undefined;
  let cancelled = false;
  const arm = (delay: number): void => {
    current = clock.setTimer(
      () => {
        if (cancelled) return;
        const left = at - clock.now();
        if (left > 0 && delay === MAX_TIMER_DELAY_MS) arm(Math.min(left, MAX_TIMER_DELAY_MS));
        else callback();
      },
      delay,
      options,
    );
  };
  arm(Math.min(Math.max(delayMs, 0), MAX_TIMER_DELAY_MS));
  return {
    cancel: () => {
      cancelled = true;
      current?.cancel();
    },
  };
}
