import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Clock, FakeClock, TokenBucket } from '../src/index.js';

/** A clock whose readings the test scripts (it can step back, or glitch), with FakeClock timers. */
function scriptedClock(start = 0): Clock & { reading: number } {
  const timers = new FakeClock(start);
  const clock = {
    reading: start,
    now: (): number => clock.reading,
    setTimer: (callback: () => void, delayMs: number) => timers.setTimer(callback, delayMs),
  };
  return clock;
}

describe('TokenBucket — clock readings', () => {
  it('one now() of Infinity or NaN is ignored: the bucket keeps its last good time and refills on', () => {
    const clock = scriptedClock(1000);
    const bucket = new TokenBucket({ ratePerSecond: 10, burst: 5, clock });
    bucket.tryTake(5);
    for (const glitch of [Number.POSITIVE_INFINITY, Number.NaN, Number.NEGATIVE_INFINITY]) {
      clock.reading = glitch;
      expect(bucket.tryTake(1)).toBe(false);
      expect(bucket.available).toBe(0);
    }
    clock.reading = 1100;
    expect(bucket.available).toBeCloseTo(1, 12);
    clock.reading = 1600;
    expect(bucket.available).toBe(5);
  });

  it('.tryTake(n, NaN) / .tryTake(n, Infinity) — a bad `now` argument neither refills nor freezes the bucket', () => {
    const clock = new FakeClock();
    const bucket = new TokenBucket({ ratePerSecond: 1, burst: 2, clock });
    bucket.tryTake(2, 0);
    // The old code took Infinity as "full forever" and NaN as "full now".
    expect(bucket.tryTake(1, Number.POSITIVE_INFINITY)).toBe(false);
    expect(bucket.tryTake(1, Number.NaN)).toBe(false);
    expect(bucket.availableAt(Number.NaN)).toBe(0);
    expect(bucket.tryTake(1, 1000)).toBe(true);
    expect(bucket.tryTake(1, 1000)).toBe(false);
  });

  it('a clock step back rebases (golang.org/x/time/rate advance: if t.Before(last) { last = t }): refill resumes from the new reading', () => {
    const clock = scriptedClock(10_000);
    const bucket = new TokenBucket({ ratePerSecond: 10, burst: 5, clock });
    bucket.tryTake(5);
    clock.reading = 10_200; // +2 tokens
    expect(bucket.available).toBeCloseTo(2, 12);
    clock.reading = 1_000; // stepped back 9.2 s: the balance is kept, nothing refills for the step
    expect(bucket.available).toBeCloseTo(2, 12);
    clock.reading = 1_100; // the old code stood still until 10 200
    expect(bucket.available).toBeCloseTo(3, 12);
    expect(bucket.tryTake(3)).toBe(true);
    clock.reading = 1_300;
    expect(bucket.available).toBeCloseTo(2, 12);
  });

  it('.take() waiters are served after a step back, on the new timeline', async () => {
    const clock = new FakeClock(50_000);
    let offset = 0;
    const stepped: Clock = { now: () => clock.now() - offset, setTimer: (callback, delayMs) => clock.setTimer(callback, delayMs) };
    const bucket = new TokenBucket({ ratePerSecond: 10, burst: 1, clock: stepped });
    bucket.tryTake(1);
    let served = false;
    const taken = bucket.take(1).then(() => (served = true));
    offset = 40_000; // the clock jumps back 40 s while the waiter waits
    clock.advance(100);
    await Promise.resolve();
    // The step hides how long really passed: no refill is credited for it (as rate.go) …
    expect(served).toBe(false);
    // … and refill resumes from the new reading: served 100 ms later, not 40 s later.
    clock.advance(100);
    await taken;
    expect(served).toBe(true);
  });
});

// Reference model: golang.org/x/time/rate's Limiter (rate.go advance/reserveN) with
// the two guards this bucket adds: non-finite readings are ignored, and the
// balance is clamped to [−burst, burst] by consume().
class ModelBucket {
  tokens: number;
  last: number;
  constructor(
    readonly perMs: number,
    readonly burst: number,
    start: number,
  ) {
    this.tokens = burst;
    this.last = start;
  }
  advance(t: number): void {
    if (!Number.isFinite(t)) return;
    const last = t < this.last ? t : this.last;
    this.tokens = Math.min(this.burst, this.tokens + (t - last) * this.perMs);
    this.last = t;
  }
  tryTake(n: number, t: number): boolean {
    this.advance(t);
    if (this.tokens < n) return false;
    this.tokens -= n;
    return true;
  }
  consume(n: number, t: number): void {
    this.advance(t);
    this.tokens = Math.min(this.burst, Math.max(-this.burst, this.tokens - n));
  }
}

const reading = fc.oneof(
  { weight: 8, arbitrary: fc.integer({ min: -1_000_000, max: 1_000_000 }) },
  { weight: 1, arbitrary: fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY) },
);
const op = fc.oneof(
  fc.record({ kind: fc.constant('tryTake' as const), n: fc.integer({ min: 0, max: 12 }), t: reading }),
  fc.record({ kind: fc.constant('consume' as const), n: fc.integer({ min: -12, max: 12 }), t: reading }),
  fc.record({ kind: fc.constant('available' as const), n: fc.constant(0), t: reading }),
);

describe('TokenBucket properties — arbitrary clock readings', () => {
  it('matches the rate.go model with rebasing for any readings (backwards and non-finite included); tokens stay in [−burst, burst], never NaN', () => {
    fc.assert(
      fc.property(
        // Tokens per millisecond a power of two and integer readings: every balance is exact, so decisions compare exactly.
        fc.integer({ min: -6, max: 3 }),
        fc.integer({ min: 1, max: 10 }),
        fc.integer({ min: -1_000_000, max: 1_000_000 }),
        fc.array(op, { maxLength: 150 }),
        (log2PerMs, burst, start, ops) => {
          const perMs = 2 ** log2PerMs;
          const bucket = new TokenBucket({ ratePerSecond: perMs * 1000, burst, clock: new FakeClock(start) });
          const model = new ModelBucket(perMs, burst, start);
          for (const { kind, n, t } of ops) {
            if (kind === 'tryTake') expect(bucket.tryTake(n, t)).toBe(model.tryTake(n, t));
            else if (kind === 'consume') {
              bucket.consume(n, t);
              model.consume(n, t);
            } else model.advance(t);
            const available = bucket.availableAt(t);
            expect(available).toBe(model.tokens);
            expect(available).toBeGreaterThanOrEqual(-burst);
            expect(available).toBeLessThanOrEqual(burst);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
