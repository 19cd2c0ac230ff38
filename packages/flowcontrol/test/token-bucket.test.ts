import { describe, expect, it } from 'vitest';
import { FakeClock, TokenBucket } from '../src/index.js';

describe('TokenBucket', () => {
  it('starts full; .tryTake() takes while tokens remain, then refuses without taking', () => {
    const clock = new FakeClock();
    const bucket = new TokenBucket({ ratePerSecond: 10, burst: 3, clock });
    expect(bucket.available).toBe(3);
    expect(bucket.availableFraction).toBe(1);
    expect([bucket.tryTake(), bucket.tryTake(), bucket.tryTake(), bucket.tryTake()]).toEqual([true, true, true, false]);
    expect(bucket.available).toBe(0);
    expect(bucket.tryTake(2)).toBe(false);
  });

  it('refills lazily at ratePerSecond, fractionally, capped at burst', () => {
    const clock = new FakeClock();
    const bucket = new TokenBucket({ ratePerSecond: 10, burst: 3, clock });
    bucket.tryTake(3);
    clock.advance(50);
    expect(bucket.available).toBeCloseTo(0.5, 12);
    expect(bucket.tryTake()).toBe(false);
    clock.advance(50);
    expect(bucket.tryTake()).toBe(true);
    clock.advance(10_000);
    expect(bucket.available).toBe(3);
  });

  it('.tryTake(n, now) — uses the time passed in instead of reading the clock', () => {
    const clock = new FakeClock();
    const bucket = new TokenBucket({ ratePerSecond: 1, burst: 1, clock });
    expect(bucket.tryTake(1, 0)).toBe(true);
    expect(bucket.tryTake(1, 999)).toBe(false);
    expect(bucket.tryTake(1, 1000)).toBe(true);
  });

  it('.waitTime() — milliseconds until n tokens; 0 when there; Infinity above burst', () => {
    const clock = new FakeClock();
    const bucket = new TokenBucket({ ratePerSecond: 4, burst: 2, clock });
    expect(bucket.waitTime(2)).toBe(0);
    bucket.tryTake(2);
    expect(bucket.waitTime(1)).toBe(250);
    expect(bucket.waitTime(2)).toBe(500);
    expect(bucket.waitTime(3)).toBe(Number.POSITIVE_INFINITY);
  });

  it('.consume() — takes into debt down to −burst; negative n returns tokens up to burst', () => {
    const clock = new FakeClock();
    const bucket = new TokenBucket({ ratePerSecond: 10, burst: 5, clock });
    bucket.consume(8);
    expect(bucket.available).toBe(-3);
    bucket.consume(100);
    expect(bucket.available).toBe(-5);
    expect(bucket.canTake(1)).toBe(false);
    clock.advance(600);
    expect(bucket.available).toBeCloseTo(1, 12);
    bucket.consume(-100);
    expect(bucket.available).toBe(5);
  });

  it('.canTake(n, floor) — checks without taking, keeping floor tokens behind', () => {
    const bucket = new TokenBucket({ ratePerSecond: 1, burst: 10, clock: new FakeClock() });
    expect(bucket.canTake(9, 1)).toBe(true);
    expect(bucket.canTake(10, 1)).toBe(false);
    expect(bucket.available).toBe(10);
  });

  it('options — invalid rate or burst → errors naming the option, the constraint and the value', () => {
    expect(() => new TokenBucket({ ratePerSecond: 0, burst: 1 })).toThrow(new RangeError('Expected `ratePerSecond` to be a positive finite number, got `0` (number)'));
    expect(() => new TokenBucket({ ratePerSecond: 1, burst: -1 })).toThrow(new RangeError('Expected `burst` to be a positive finite number, got `-1` (number)'));
    expect(() => new TokenBucket({ ratePerSecond: Number.POSITIVE_INFINITY, burst: 1 })).toThrow(
      new TypeError('Expected `ratePerSecond` to be a positive finite number, got `Infinity` (number)'),
    );
    expect(() => new TokenBucket({ ratePerSecond: '5' as unknown as number, burst: 1 })).toThrow(new TypeError('Expected `ratePerSecond` to be a positive finite number, got `"5"` (string)'));
  });
});
