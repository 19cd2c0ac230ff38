/**
 * The injectable clock of every time-dependent block: storage's compaction by
 * age and conflict-retry backoff, the watch cache's time windows and
 * bookmarks, flow control's token buckets, queues and Retry-After all read
 * time and schedule timers through a {@link Clock}, so tests drive time with
 * a {@link FakeClock} instead of sleeping, and a host passes one clock object
 * to every block.
 */
import { setLongTimer } from './long-timer.js';

/** A scheduled callback; `cancel()` is idempotent and harmless after it ran. */
export interface Timer {
  /** Cancels the callback if it has not run yet. */
  cancel(): void;
}

/**
 * A source of time in milliseconds, and one-shot timers.
 *
 * Keep it this small: every block takes one. Token buckets ignore a
 * non-finite reading and rebase when the clock steps back (see TokenBucket),
 * so a wall clock that is set back cannot freeze them.
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
  readonly background?: boolean | undefined;
}

/** `{ background: true }`, shared: timers that must not keep the process alive (housekeeping, deadlines of watches whose socket already does). */
export const BACKGROUND_TIMER: TimerOptions = Object.freeze({ background: true });

function setSystemTimer(callback: () => void, delayMs: number, options?: TimerOptions): Timer {
  const handle = setTimeout(callback, delayMs);
  if (options?.background === true) handle.unref();
  return { cancel: () => clearTimeout(handle) };
}

/**
 * The real wall clock: `Date.now()` and `setTimeout`. Its timers keep the
 * process alive while pending, like `setTimeout`, except background ones.
 *
 * Use it where a reading is a point in time others see (storage's
 * `creationTimestamp`); it steps when the wall clock is adjusted. For rates
 * and durations prefer {@link monotonicClock}.
 */
export const systemClock: Clock = Object.freeze({
  now: (): number => Date.now(),
  setTimer: setSystemTimer,
});

// Read once: `performance` and `timeOrigin` are getters, and this is the hot path
// of every tryTake (flowcontrol/try-take benchmark).
const perf = performance;
const origin = perf.timeOrigin;

/**
 * The real monotonic clock: `performance.timeOrigin + performance.now()`, so
 * readings look like `Date.now()` but never step back when the wall clock is
 * adjusted (they drift from it over a long-running process, and stand still
 * while the machine sleeps), and `setTimeout` timers as {@link systemClock}'s.
 * The default clock of flow control, whose token buckets must not starve or
 * overflow when the wall clock jumps.
 */
export const monotonicClock: Clock = Object.freeze({
  now: (): number => origin + perf.now(),
  setTimer: setSystemTimer,
});

interface FakeTimer extends Timer {
  readonly at: number;
  readonly seq: number;
  readonly callback: () => void;
  cancelled: boolean;
}

/**
 * A manual clock for tests and simulations: time stands still until
 * {@link FakeClock.advance} moves it, which runs the due timers in deadline
 * order (ties in scheduling order), each seeing `now()` equal to its own
 * deadline.
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
 * Timers live in a binary heap: scheduling and firing cost O(log n), so a
 * simulation with hundreds of thousands of timers stays fast.
 */
export class FakeClock implements Clock {
  #now: number;
  #seq = 0;
  #heap: FakeTimer[] = [];
  #pending = 0;

  /**
   * @param startMs the initial `now()`; @default 0
   * @throws TypeError when `startMs` is not a finite number.
   */
  constructor(startMs = 0) {
    if (typeof startMs !== 'number' || !Number.isFinite(startMs)) {
      throw new TypeError(`Expected \`startMs\` to be a finite number, got \`${String(startMs)}\` (${typeof startMs})`);
    }
    this.#now = startMs;
  }

  /** The fake current time in milliseconds. */
  now(): number {
    return this.#now;
  }

  /** Schedules `callback` at `now() + delayMs` (negative or NaN delays count as 0); `options` change nothing here. */
  setTimer(callback: () => void, delayMs: number, _options?: TimerOptions): Timer {
    const timer: FakeTimer = {
      at: this.#now + Math.max(0, delayMs || 0),
      seq: this.#seq++,
      callback,
      cancelled: false,
      cancel: () => {
        if (!timer.cancelled) {
          timer.cancelled = true;
          this.#pending--;
        }
      },
    };
    this.#push(timer);
    this.#pending++;
    return timer;
  }

  /** How many timers are scheduled and not cancelled. */
  get pendingTimers(): number {
    return this.#pending;
  }

  /** The deadline of the earliest pending timer, or `undefined` when none is pending. */
  nextTimerAt(): number | undefined {
    return this.#peek()?.at;
  }

  /**
   * Moves time forward by `ms` milliseconds, running every timer that falls due
   * (including timers that those callbacks schedule within the window).
   *
   * @throws RangeError when `ms` is negative or not finite.
   */
  advance(ms: number): void {
    if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) {
      throw new RangeError(`Expected \`ms\` to be a non-negative finite number, got \`${String(ms)}\` (${typeof ms})`);
    }
    const target = this.#now + ms;
    for (;;) {
      const timer = this.#peek();
      if (timer === undefined || timer.at > target) break;
      this.#pop();
      timer.cancelled = true;
      this.#pending--;
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

  #peek(): FakeTimer | undefined {
    const heap = this.#heap;
    while (heap.length > 0 && heap[0]!.cancelled) this.#pop();
    return heap[0];
  }

  #before(a: FakeTimer, b: FakeTimer): boolean {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }

  #push(timer: FakeTimer): void {
    const heap = this.#heap;
    let i = heap.push(timer) - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = heap[parent]!;
      if (!this.#before(timer, p)) break;
      heap[i] = p;
      i = parent;
    }
    heap[i] = timer;
  }

  #pop(): void {
    const heap = this.#heap;
    const last = heap.pop()!;
    if (heap.length === 0) return;
    let i = 0;
    const n = heap.length;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && this.#before(heap[r]!, heap[l]!) ? r : l;
      if (!this.#before(heap[c]!, last)) break;
      heap[i] = heap[c]!;
      i = c;
    }
    heap[i] = last;
  }
}

/**
 * Resolves after `delayMs` on `clock`; rejects with `signal.reason` as soon as
 * `signal` aborts (and at once if it already has). The timer is cancelled on
 * abort, so an aborted sleep leaves nothing scheduled. A delay past the timer
 * range (2^31 − 1 ms, about 24.8 days; a server's Retry-After may ask for one)
 * is slept in steps ({@link setLongTimer}), never cut short. With
 * `options.background` the timer does not keep the process alive on its own
 * (a retry loop that a host forgot to stop must not hold the process open).
 *
 * @param options How the timer is scheduled; @default `{ background: false }`
 */
export function sleep(clock: Clock, delayMs: number, signal?: AbortSignal, options?: TimerOptions): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted === true) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      timer.cancel();
      reject(signal?.reason);
    };
    const timer = setLongTimer(
      clock,
      () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      },
      delayMs,
      options,
    );
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
