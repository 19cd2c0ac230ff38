import { badArgument as fail, type Clock, MAX_TIMER_DELAY_MS as MAX_TIMER_MS, monotonicClock, nonNegativeNumber, positiveNumber, type Timer } from '@apiserver-kit/core';

/** Options of {@link TokenBucket}. */
export interface TokenBucketOptions {
  /** Tokens added per second (may be fractional, e.g. `0.5`). */
  readonly ratePerSecond: number;
  /** The capacity: the most tokens the bucket holds, and the largest single take. */
  readonly burst: number;
  /** Where time comes from. @default {@link monotonicClock} */
  readonly clock?: Clock | undefined;
}

interface Waiter {
  readonly n: number;
  readonly resolve: () => void;
  readonly reject: (reason: unknown) => void;
  readonly signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
  done: boolean;
}

/**
 * A token bucket with lazy refill: no timer runs while nobody waits. Starts full.
 *
 * ```
 * tokens
 * burst ┤████████▁            ▁▂▃▄▅▆▇████████   refill: ratePerSecond, capped at burst
 *       │         ▀▄        ▄▀
 *       │           ▀▄    ▄▀                     tryTake(n): true and −n when ≥ n are there,
 *     0 ┼─────────────▀▄▄▀──────────────► t      false (and nothing taken) otherwise
 *          burst of takes  ↑ empty: rejects, take() waiters queue (FIFO, one timer)
 * ```
 *
 * No drift: the balance is computed from one base instant as
 * `min(burst, atBase + (now − base) × rate − taken)` — a fresh product, never a
 * running sum of fractional refills — and the base moves only when the bucket is
 * full, where rounding cannot matter. A simulated day at full rate is exact to
 * within one token (see `test/token-bucket-properties.test.ts`).
 *
 * Clock readings (the clock's `now()` and every `now` argument) are sanitised,
 * so one bad reading cannot poison the bucket:
 *
 * ```
 * reading  ≥ last good one   → used
 *          < last good one   → the clock stepped back: rebase there, keeping the
 *                              balance; refill resumes from the new reading
 *                              (golang.org/x/time/rate's `advance` does the same)
 *          NaN, ±Infinity    → ignored: the last good reading is used instead
 * ```
 *
 * Counts (`n`) are validated: a negative, NaN or infinite count throws instead
 * of admitting (`tryTake(0)` is `true` and takes nothing, as `AllowN(t, 0)`).
 *
 * Costs: `tryTake` is O(1) with no allocation; `take` allocates one promise when
 * it has to wait.
 */
export class TokenBucket {
  /** Tokens added per second. */
  readonly ratePerSecond: number;
  /** The capacity in tokens. */
  readonly burst: number;
  readonly #clock: Clock;
  readonly #perMs: number;
  #base: number;
  #atBase: number;
  #taken = 0;
  // The latest good clock reading: never NaN nor infinite, never before #base.
  #last: number;
  #waiters: Waiter[] = [];
  #head = 0;
  #queued = 0;
  #timer: Timer | undefined;

  /**
   * @throws TypeError / RangeError when `ratePerSecond` or `burst` is not a positive finite number.
   */
  constructor(options: TokenBucketOptions) {
    if (typeof options !== 'object' || options === null) fail('options', 'an object', options);
    this.ratePerSecond = positiveNumber('ratePerSecond', options.ratePerSecond);
    this.burst = positiveNumber('burst', options.burst);
    this.#clock = options.clock ?? monotonicClock;
    this.#perMs = this.ratePerSecond / 1000;
    const start = this.#clock.now();
    this.#base = this.#last = Number.isFinite(start) ? start : 0;
    this.#atBase = this.burst;
  }

  /** The clock this bucket reads. */
  get clock(): Clock {
    return this.#clock;
  }

  /** The tokens in the bucket now (fractional; negative after {@link TokenBucket.consume} into debt). */
  get available(): number {
    return this.#balance(this.#read(this.#clock.now()));
  }

  /** {@link TokenBucket.available} as a fraction of `burst`: 1 = full, 0 = empty. */
  get availableFraction(): number {
    return this.#balance(this.#read(this.#clock.now())) / this.burst;
  }

  /**
   * {@link TokenBucket.available} at `now`, a time read from this bucket's clock
   * (a reading that is not a finite number is ignored, an earlier one rebases:
   * see the class comment).
   */
  availableAt(now: number): number {
    return this.#balance(this.#read(now));
  }

  /** How many {@link TokenBucket.take} calls are waiting. */
  get pending(): number {
    return this.#waiters.length - this.#head;
  }

  /**
   * Takes `n` tokens if they are there now; never waits and never jumps ahead
   * of queued {@link TokenBucket.take} waiters.
   *
   * @param n tokens to take; more than `burst` is never satisfied (`false`); @default 1
   * @param now the current time from this bucket's clock, when the caller has
   *   already read it (one clock read per request, shared by every level)
   * @throws TypeError / RangeError when `n` is not a non-negative finite number.
   */
  tryTake(n = 1, now: number = this.#clock.now()): boolean {
    if (typeof n !== 'number' || !(n >= 0 && n < Number.POSITIVE_INFINITY)) nonNegativeNumber('n', n);
    if (this.#head !== this.#waiters.length) return false;
    return this.#tryTake(n, this.#read(now));
  }

  /**
   * Whether `n` tokens could be taken now while leaving at least `floor` tokens
   * behind. Takes nothing; pair with {@link TokenBucket.tryTake} or
   * {@link TokenBucket.consume} for all-or-nothing takes over several buckets.
   *
   * @throws TypeError / RangeError when `n` or `floor` is not a non-negative finite number.
   */
  canTake(n: number, floor = 0, now: number = this.#clock.now()): boolean {
    if (typeof n !== 'number' || !(n >= 0 && n < Number.POSITIVE_INFINITY)) nonNegativeNumber('n', n);
    if (typeof floor !== 'number' || !(floor >= 0 && floor < Number.POSITIVE_INFINITY)) nonNegativeNumber('floor', floor);
    return this.#head === this.#waiters.length && this.#balance(this.#read(now)) - n >= floor;
  }

  /**
   * Takes `n` tokens unconditionally, going into debt if they are not there
   * (down to `−burst`). For work already done — the cost of a rejection, an
   * actual cost above its estimate — and for returning tokens (`n < 0`, capped at `burst`).
   *
   * @throws TypeError when `n` is not a finite number (NaN would erase the balance).
   */
  consume(n: number, now: number = this.#clock.now()): void {
    if (typeof n !== 'number' || !Number.isFinite(n)) fail('n', 'a finite number', n);
    const balance = this.#balance(this.#read(now));
    const after = Math.min(this.burst, Math.max(-this.burst, balance - n));
    this.#taken += balance - after;
  }

  /**
   * Waits until `n` tokens are there and takes them. Waiters are served in
   * arrival order, with a single timer for the head of the line.
   *
   * @throws RangeError (synchronously) when `n` is not a positive number ≤ `burst`: it could never be satisfied.
   * @returns a promise that rejects with `signal.reason` if `signal` aborts first.
   */
  take(n = 1, signal?: AbortSignal): Promise<void> {
    this.#checkTake(n);
    if (signal?.aborted === true) return Promise.reject(signal.reason);
    if (this.#head === this.#waiters.length && this.#tryTake(n, this.#read(this.#clock.now()))) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = { n, resolve, reject, signal, onAbort: undefined, done: false };
      if (signal !== undefined) {
        waiter.onAbort = () => this.#abort(waiter);
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      this.#waiters.push(waiter);
      this.#queued += n;
      if (this.#head === this.#waiters.length - 1) this.#schedule();
    });
  }

  /**
   * Milliseconds until `n` tokens would be available to a new caller, counting
   * the tokens promised to queued waiters; 0 when they are there now, `Infinity`
   * when `n > burst`.
   *
   * @throws TypeError / RangeError when `n` is not a non-negative finite number.
   */
  waitTime(n = 1, now: number = this.#clock.now()): number {
    if (typeof n !== 'number' || !(n >= 0 && n < Number.POSITIVE_INFINITY)) nonNegativeNumber('n', n);
    if (n > this.burst) return Number.POSITIVE_INFINITY;
    const missing = this.#queued + n - this.#balance(this.#read(now));
    return missing <= 0 ? 0 : missing / this.#perMs;
  }

  #checkTake(n: number): void {
    if (typeof n !== 'number' || Number.isNaN(n)) fail('n', `a positive number no larger than burst (${this.burst})`, n);
    if (!(n > 0 && n <= this.burst)) fail('n', `a positive number no larger than burst (${this.burst})`, n, RangeError);
  }

  // Sanitises a clock reading (see the class comment) and returns the time to use.
  #read(now: number): number {
    // Hot path first: a reading at or after the last good one (NaN fails the comparison).
    if (typeof now === 'number' && now >= this.#last && now < Number.POSITIVE_INFINITY) {
      this.#last = now;
      return now;
    }
    if (!Number.isFinite(now)) return this.#last;
    // Stepped back: keep the balance of the last good reading, from here on.
    const balance = this.#balance(this.#last);
    this.#base = now;
    this.#atBase = balance;
    this.#taken = 0;
    this.#last = now;
    return now;
  }

  // The balance at `now`, a sanitised reading (never before #base).
  #balance(now: number): number {
    // #read keeps now ≥ #base, so elapsed is never negative (nor NaN).
    const elapsed = now - this.#base;
    const balance = elapsed > 0 ? this.#atBase + elapsed * this.#perMs - this.#taken : this.#atBase - this.#taken;
    // Rounding in atBase − taken may overshoot a bound by an ulp: the balance stays within [−burst, burst].
    if (balance < this.burst) return balance > -this.burst ? balance : -this.burst;
    // Full at the base instant already (one timestamp shared by many takes): nothing to move.
    if (balance === this.burst && elapsed === 0) return balance;
    // Full: move the base here, so that a long run never sums fractional refills.
    this.#base = now;
    this.#atBase = this.burst;
    this.#taken = 0;
    return this.burst;
  }

  #tryTake(n: number, now: number): boolean {
    if (this.#balance(now) < n) return false;
    this.#taken += n;
    return true;
  }

  #schedule(): void {
    const head = this.#waiters[this.#head];
    if (head === undefined) return;
    const missing = head.n - this.#balance(this.#read(this.#clock.now()));
    // Timers have millisecond granularity: round up so that the head is due when it fires.
    // A wait beyond the timer's range fires early, finds too little, and re-arms.
    this.#timer = this.#clock.setTimer(() => this.#drain(), Math.min(MAX_TIMER_MS, Math.max(1, Math.ceil(missing / this.#perMs))));
  }

  #drain(): void {
    this.#timer = undefined;
    const now = this.#read(this.#clock.now());
    while (this.#head < this.#waiters.length) {
      const waiter = this.#waiters[this.#head]!;
      if (!this.#tryTake(waiter.n, now)) break;
      this.#shift();
      this.#settle(waiter);
      waiter.resolve();
    }
    this.#schedule();
  }

  #shift(): void {
    const waiter = this.#waiters[this.#head]!;
    this.#queued -= waiter.n;
    this.#head++;
    if (this.#head === this.#waiters.length) {
      this.#waiters = [];
      this.#head = 0;
    } else if (this.#head > 1024 && this.#head * 2 > this.#waiters.length) {
      this.#waiters = this.#waiters.slice(this.#head);
      this.#head = 0;
    }
  }

  #settle(waiter: Waiter): void {
    waiter.done = true;
    if (waiter.onAbort !== undefined) waiter.signal?.removeEventListener('abort', waiter.onAbort);
  }

  #abort(waiter: Waiter): void {
    if (waiter.done) return;
    const index = this.#waiters.indexOf(waiter, this.#head);
    if (index < 0) return;
    const wasHead = index === this.#head;
    this.#waiters.splice(index, 1);
    this.#queued -= waiter.n;
    this.#settle(waiter);
    if (this.#head === this.#waiters.length) {
      this.#waiters = [];
      this.#head = 0;
    }
    if (wasHead) {
      this.#timer?.cancel();
      this.#timer = undefined;
      // The new head may be satisfiable already (a small take behind a large one).
      this.#drain();
    }
    waiter.reject(waiter.signal?.reason);
  }
}
