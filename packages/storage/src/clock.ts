/**
 * The injectable clock of every time-dependent part: automatic compaction by
 * age and the conflict-retry backoff read time and schedule sleeps through a
 * {@link Clock}, so tests drive time with a {@link FakeClock} instead of
 * sleeping.
 */

/** A scheduled callback; `cancel()` is idempotent and harmless after it ran. */
export interface Timer {
  /** Cancels the callback if it has not run yet. */
  cancel(): void;
}

/**
 * A source of time: a wall clock in milliseconds and one-shot timers.
 *
 * Keep it this small: every block (storage, cache, flow control) takes one,
 * and a host passes the same clock to all of them.
 */
export interface Clock {
  /** The current time in milliseconds since the epoch (or since the fake clock's start). */
  now(): number;
  /**
   * Runs `callback` once, `delayMs` milliseconds from now (0 = as soon as possible,
   * never synchronously).
   */
  setTimer(callback: () => void, delayMs: number, options?: TimerOptions): Timer;
}

/** How a timer is scheduled. */
export interface TimerOptions {
  /**
   * Housekeeping that must not keep the process alive on its own (Node's
   * `unref()`): a watch cache's capacity check, say. @default false
   */
  readonly background?: boolean;
}

/**
 * The real clock: `Date.now()` and `setTimeout`. Its timers keep the process
 * alive while pending, like `setTimeout`, except background ones.
 */
export const systemClock: Clock = Object.freeze({
  now: (): number => Date.now(),
  setTimer(callback: () => void, delayMs: number, options?: TimerOptions): Timer {
    const handle = setTimeout(callback, delayMs);
    if (options?.background === true) handle.unref();
    return { cancel: () => clearTimeout(handle) };
  },
});

interface FakeTimer {
  readonly at: number;
  readonly seq: number;
  readonly callback: () => void;
  cancelled: boolean;
}

/**
 * A manual clock for tests: time stands still until {@link FakeClock.advance}
 * moves it, which runs the due timers in deadline order (ties in scheduling
 * order), each seeing `now()` equal to its own deadline.
 *
 * ```
 * clock.setTimer(a, 10); clock.setTimer(b, 5);
 * clock.advance(7)   // runs b at now()=5, then now()=7
 * clock.advance(3)   // runs a at now()=10
 * ```
 *
 * Timers scheduled by a callback with a zero delay run within the same
 * `advance` call. Callbacks that continue in promise reactions (`await`) run
 * those continuations only after `advance` returns; see {@link FakeClock.settle}.
 */
export class FakeClock implements Clock {
  #now: number;
  #seq = 0;
  #timers: FakeTimer[] = [];

  /** @param startMs the initial `now()`; @default 0 */
  constructor(startMs = 0) {
    if (!Number.isFinite(startMs)) {
      throw new TypeError(`Expected \`startMs\` to be a finite number, got \`${String(startMs)}\` (${typeof startMs})`);
    }
    this.#now = startMs;
  }

  /** The fake current time in milliseconds. */
  now(): number {
    return this.#now;
  }

  /** Schedules `callback` at `now() + delayMs` (negative delays count as 0); `options` change nothing here. */
  setTimer(callback: () => void, delayMs: number, _options?: TimerOptions): Timer {
    const timer: FakeTimer = { at: this.#now + Math.max(0, delayMs || 0), seq: this.#seq++, callback, cancelled: false };
    this.#timers.push(timer);
    return {
      cancel: () => {
        timer.cancelled = true;
      },
    };
  }

  /** How many timers are scheduled and not cancelled. */
  get pendingTimers(): number {
    let count = 0;
    for (const timer of this.#timers) if (!timer.cancelled) count++;
    return count;
  }

  /** The deadline of the earliest pending timer, or `undefined` when none is pending. */
  nextTimerAt(): number | undefined {
    return this.#next()?.at;
  }

  /**
   * Moves time forward by `ms` milliseconds, running every timer that falls due.
   *
   * @throws RangeError when `ms` is negative or not finite.
   */
  advance(ms: number): void {
    if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) {
      throw new RangeError(`Expected \`ms\` to be a non-negative finite number, got \`${String(ms)}\` (${typeof ms})`);
    }
    const target = this.#now + ms;
    for (;;) {
      const timer = this.#next();
      if (timer === undefined || timer.at > target) break;
      this.#timers.splice(this.#timers.indexOf(timer), 1);
      this.#now = timer.at;
      timer.callback();
    }
    this.#now = target;
  }

  /**
   * Lets promise continuations run, then fires the earliest pending timer, and
   * repeats until no timer is pending or `maxTimers` ran. For code that awaits
   * between sleeps (a retry loop); returns the number of timers fired.
   *
   * @param maxTimers a bound against loops that always schedule another timer; @default 1000
   */
  async settle(maxTimers = 1000): Promise<number> {
    let fired = 0;
    for (;;) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      const next = this.nextTimerAt();
      if (next === undefined || fired >= maxTimers) return fired;
      this.advance(next - this.#now);
      fired++;
    }
  }

  #next(): FakeTimer | undefined {
    this.#timers = this.#timers.filter((timer) => !timer.cancelled);
    let best: FakeTimer | undefined;
    for (const timer of this.#timers) {
      if (best === undefined || timer.at < best.at || (timer.at === best.at && timer.seq < best.seq)) best = timer;
    }
    return best;
  }
}

/**
 * Resolves after `delayMs` on `clock`; rejects with `signal.reason` as soon as
 * `signal` aborts (and at once if it already has).
 */
export function sleep(clock: Clock, delayMs: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted === true) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      timer.cancel();
      reject(signal?.reason);
    };
    const timer = clock.setTimer(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, delayMs);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
