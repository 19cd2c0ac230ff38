import { describe, expect, it } from 'vitest';
import { FakeClock, TokenBucket } from '../src/index.js';

// golang.org/x/time/rate (rate.go reserveN) does not guard `n`: a negative n
// adds tokens past burst. Here a count that is negative, NaN or infinite throws
// before it can admit anything or touch the balance; 0 admits and takes nothing
// (as AllowN(t, 0)).
describe('TokenBucket — counts', () => {
  const empty = (): TokenBucket => {
    const bucket = new TokenBucket({ ratePerSecond: 1, burst: 5, clock: new FakeClock() });
    bucket.tryTake(5);
    return bucket;
  };

  it('.tryTake(NaN) / .tryTake(-1) on an empty bucket → TypeError / RangeError, nothing admitted, balance untouched', () => {
    const bucket = empty();
    expect(() => bucket.tryTake(Number.NaN)).toThrow(new TypeError('Expected `n` to be a non-negative finite number, got `NaN` (number)'));
    expect(() => bucket.tryTake(-1)).toThrow(new RangeError('Expected `n` to be a non-negative finite number, got `-1` (number)'));
    expect(() => bucket.tryTake(Number.POSITIVE_INFINITY)).toThrow(new TypeError('Expected `n` to be a non-negative finite number, got `Infinity` (number)'));
    expect(() => bucket.tryTake('1' as unknown as number)).toThrow(new TypeError('Expected `n` to be a non-negative finite number, got `"1"` (string)'));
    expect(bucket.available).toBe(0);
    expect(bucket.tryTake(1)).toBe(false);
  });

  it('.tryTake(0) and .tryTake(-0) → true, taking nothing (rate.go AllowN(t, 0)); more than burst → false', () => {
    const bucket = empty();
    expect(bucket.tryTake(0)).toBe(true);
    expect(bucket.tryTake(-0)).toBe(true);
    expect(bucket.available).toBe(0);
    expect(new TokenBucket({ ratePerSecond: 1, burst: 5, clock: new FakeClock() }).tryTake(6)).toBe(false);
  });

  it('.canTake() — bad n or floor → TypeError / RangeError', () => {
    const bucket = empty();
    expect(() => bucket.canTake(Number.NaN)).toThrow(new TypeError('Expected `n` to be a non-negative finite number, got `NaN` (number)'));
    expect(() => bucket.canTake(-1)).toThrow(new RangeError('Expected `n` to be a non-negative finite number, got `-1` (number)'));
    expect(() => bucket.canTake(1, Number.NaN)).toThrow(new TypeError('Expected `floor` to be a non-negative finite number, got `NaN` (number)'));
    expect(() => bucket.canTake(1, -5)).toThrow(new RangeError('Expected `floor` to be a non-negative finite number, got `-5` (number)'));
  });

  it('.consume(NaN) / .consume(±Infinity) → TypeError; the balance survives', () => {
    const bucket = empty();
    expect(() => bucket.consume(Number.NaN)).toThrow(new TypeError('Expected `n` to be a finite number, got `NaN` (number)'));
    expect(() => bucket.consume(Number.NEGATIVE_INFINITY)).toThrow(new TypeError('Expected `n` to be a finite number, got `-Infinity` (number)'));
    expect(bucket.available).toBe(0);
    bucket.consume(-1e308);
    expect(bucket.available).toBe(5);
    bucket.consume(1e308);
    expect(bucket.available).toBe(-5);
  });

  it('.waitTime(NaN) → TypeError instead of a NaN wait', () => {
    const bucket = empty();
    expect(() => bucket.waitTime(Number.NaN)).toThrow(new TypeError('Expected `n` to be a non-negative finite number, got `NaN` (number)'));
    expect(() => bucket.waitTime(-2)).toThrow(new RangeError('Expected `n` to be a non-negative finite number, got `-2` (number)'));
    expect(bucket.waitTime(0)).toBe(0);
  });

  it('.take() — a wait beyond the timer range (2^31 − 1 ms) re-arms instead of firing at once', async () => {
    const clock = new FakeClock();
    // One token per 1 000 s: 5 000 tokens take 5e6 s, past setTimeout's 24.8 days.
    const bucket = new TokenBucket({ ratePerSecond: 0.001, burst: 5000, clock });
    bucket.tryTake(5000);
    let done = false;
    const taken = bucket.take(5000).then(() => (done = true));
    expect(clock.nextTimerAt()).toBe(2 ** 31 - 1);
    clock.advance(2 ** 31 - 1);
    await Promise.resolve();
    expect(done).toBe(false);
    expect(bucket.pending).toBe(1);
    // Due at 5e9 ms (give the last millisecond rounding room).
    clock.advance(5e9 - (2 ** 31 - 1) - 10);
    await Promise.resolve();
    expect(done).toBe(false);
    clock.advance(20);
    await taken;
    expect(done).toBe(true);
  });
});
