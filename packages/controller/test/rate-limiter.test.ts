import { FakeClock } from '@apiserver-kit/core';
import { describe, expect, it } from 'vitest';
import {
  BucketRateLimiter,
  defaultControllerRateLimiter,
  ItemExponentialFailureRateLimiter,
  ItemFastSlowRateLimiter,
  MaxOfRateLimiter,
  type RateLimiter,
  WithMaxWaitRateLimiter,
} from '../src/index.js';

function whens<K>(limiter: RateLimiter<K>, key: K, n: number): number[] {
  return Array.from({ length: n }, () => limiter.when(key));
}

describe('ItemExponentialFailureRateLimiter', () => {
  it('.when() — doubles per failure, per key; forget resets (upstream TestItemExponentialFailureRateLimiter)', () => {
    const limiter = new ItemExponentialFailureRateLimiter({ baseDelayMs: 1, maxDelayMs: 1000 });
    expect(whens(limiter, 'one', 5)).toEqual([1, 2, 4, 8, 16]);
    expect(limiter.numRequeues('one')).toBe(5);
    expect(whens(limiter, 'two', 2)).toEqual([1, 2]);
    expect(limiter.numRequeues('two')).toBe(2);
    limiter.forget('one');
    expect(limiter.numRequeues('one')).toBe(0);
    expect(limiter.when('one')).toBe(1);
  });

  it('.when() — capped, and overflow-safe after 1000 failures (upstream TestItemExponentialFailureRateLimiterOverFlow)', () => {
    const limiter = new ItemExponentialFailureRateLimiter({ baseDelayMs: 1, maxDelayMs: 1_000_000 });
    whens(limiter, 'one', 5);
    expect(limiter.when('one')).toBe(32);
    whens(limiter, 'overflow1', 1000);
    expect(limiter.when('overflow1')).toBe(1_000_000);
    const minutes = new ItemExponentialFailureRateLimiter({ baseDelayMs: 60_000, maxDelayMs: 1000 * 3_600_000 });
    whens(minutes, 'two', 2);
    expect(minutes.when('two')).toBe(4 * 60_000);
    whens(minutes, 'overflow2', 1000);
    expect(minutes.when('overflow2')).toBe(1000 * 3_600_000);
    // 2^1100 is Infinity in a double: still the cap, never NaN.
    whens(minutes, 'overflow2', 100);
    expect(minutes.when('overflow2')).toBe(1000 * 3_600_000);
  });

  it('defaults — 5 ms base, 1000 s cap (client-go DefaultControllerRateLimiter)', () => {
    const limiter = new ItemExponentialFailureRateLimiter();
    expect([limiter.baseDelayMs, limiter.maxDelayMs]).toEqual([5, 1_000_000]);
    expect(whens(limiter, 'k', 3)).toEqual([5, 10, 20]);
    whens(limiter, 'k', 15);
    expect(limiter.when('k')).toBe(1_000_000); // 5·2^18 = 1 310 720 > cap
  });

  it('a zero base delay waits 0 forever, never NaN', () => {
    const limiter = new ItemExponentialFailureRateLimiter({ baseDelayMs: 0, maxDelayMs: 10 });
    whens(limiter, 'k', 1100);
    expect(limiter.when('k')).toBe(0);
  });

  it('constructor — bad delays → TypeError / RangeError', () => {
    expect(() => new ItemExponentialFailureRateLimiter({ baseDelayMs: -1 })).toThrow(new RangeError('Expected `baseDelayMs` to be a non-negative number of milliseconds, got `-1` (number)'));
    expect(() => new ItemExponentialFailureRateLimiter({ maxDelayMs: Number.NaN })).toThrow(new TypeError('Expected `maxDelayMs` to be a non-negative number of milliseconds, got `NaN` (number)'));
    expect(() => new ItemExponentialFailureRateLimiter(null as never)).toThrow(new TypeError('Expected `options` to be an object, got `null` (null)'));
  });
});

describe('ItemFastSlowRateLimiter', () => {
  it('.when() — fast for maxFastAttempts, then slow (upstream TestItemFastSlowRateLimiter)', () => {
    const limiter = new ItemFastSlowRateLimiter({ fastDelayMs: 5, slowDelayMs: 10_000, maxFastAttempts: 3 });
    expect(whens(limiter, 'one', 5)).toEqual([5, 5, 5, 10_000, 10_000]);
    expect(limiter.numRequeues('one')).toBe(5);
    expect(whens(limiter, 'two', 2)).toEqual([5, 5]);
    expect(limiter.numRequeues('two')).toBe(2);
    limiter.forget('one');
    expect(limiter.numRequeues('one')).toBe(0);
    expect(limiter.when('one')).toBe(5);
  });

  it('constructor — bad maxFastAttempts → TypeError / RangeError', () => {
    expect(() => new ItemFastSlowRateLimiter({ fastDelayMs: 1, slowDelayMs: 2, maxFastAttempts: 1.5 })).toThrow(new TypeError('Expected `maxFastAttempts` to be a non-negative integer, got `1.5` (number)'));
    expect(() => new ItemFastSlowRateLimiter({ fastDelayMs: 1, slowDelayMs: 2, maxFastAttempts: -1 })).toThrow(RangeError);
    expect(() => new ItemFastSlowRateLimiter(undefined as never)).toThrow(new TypeError('Expected `options` to be an object, got `undefined` (undefined)'));
  });
});

describe('MaxOfRateLimiter', () => {
  it('.when() — the longest of the limiters’ delays (upstream TestMaxOfRateLimiter)', () => {
    const limiter = new MaxOfRateLimiter(
      new ItemFastSlowRateLimiter({ fastDelayMs: 5, slowDelayMs: 3000, maxFastAttempts: 3 }),
      new ItemExponentialFailureRateLimiter({ baseDelayMs: 1, maxDelayMs: 1000 }),
    );
    expect(whens(limiter, 'one', 5)).toEqual([5, 5, 5, 3000, 3000]);
    expect(limiter.numRequeues('one')).toBe(5);
    expect(whens(limiter, 'two', 2)).toEqual([5, 5]);
    expect(limiter.numRequeues('two')).toBe(2);
    limiter.forget('one');
    expect(limiter.numRequeues('one')).toBe(0);
    expect(limiter.when('one')).toBe(5);
  });

  it('constructor — no limiter, or not a limiter → TypeError', () => {
    expect(() => new MaxOfRateLimiter()).toThrow(new TypeError('Expected `limiters` to be at least one RateLimiter, got `[]` (object)'));
    expect(() => new MaxOfRateLimiter({} as never)).toThrow(new TypeError('Expected `limiters[0]` to be a RateLimiter (when, forget, numRequeues), got `{}` (object)'));
  });
});

describe('WithMaxWaitRateLimiter', () => {
  it('.when() — cut to maxWaitMs (upstream TestWithMaxWaitRateLimiter)', () => {
    let count = 0;
    const step: RateLimiter<number> = { when: () => (++count <= 100 ? 5 : 1_000_000), forget: () => {}, numRequeues: () => 0 };
    const limiter = new WithMaxWaitRateLimiter(step, 500_000);
    for (let i = 0; i < 100; i++) expect(limiter.when(i)).toBe(5);
    for (let i = 100; i < 200; i++) expect(limiter.when(i)).toBe(500_000);
  });
});

describe('BucketRateLimiter', () => {
  it('.when() — a burst of 100 at 0 ms, then 100 ms apart (rate.Limiter Reserve().Delay() at 10 qps, burst 100)', () => {
    const clock = new FakeClock();
    const limiter = new BucketRateLimiter({ clock });
    expect([limiter.qps, limiter.burst]).toEqual([10, 100]);
    for (let i = 0; i < 100; i++) expect(limiter.when(`k${i}`)).toBe(0);
    expect(limiter.when('a')).toBeCloseTo(100, 6);
    expect(limiter.when('b')).toBeCloseTo(200, 6);
    clock.advance(200);
    // Both reserved tokens have come: the next one is 100 ms away.
    expect(limiter.when('c')).toBeCloseTo(100, 6);
    expect(limiter.numRequeues('a')).toBe(0);
  });

  it('.when() — debt past the TokenBucket floor: 1000 at once → the last waits 90 s, and it is repaid at qps', () => {
    const clock = new FakeClock();
    const limiter = new BucketRateLimiter({ clock });
    const delays = Array.from({ length: 1000 }, (_, i) => limiter.when(i));
    expect(delays[199]).toBeCloseTo(10_000, 6);
    expect(delays[200]).toBeCloseTo(10_100, 6); // the first one past −burst
    expect(delays[999]).toBeCloseTo(90_000, 6);
    clock.advance(50_000);
    // rate.Limiter: −900 + 500 = −400 tokens; one more → −401 → 40.1 s.
    expect(limiter.when('x')).toBeCloseTo(40_100, 6);
    clock.advance(1_000_000);
    // Repaid long ago and the bucket is full again: a burst of 100 without waiting.
    for (let i = 0; i < 100; i++) expect(limiter.when(i)).toBe(0);
    expect(limiter.when('y')).toBeCloseTo(100, 6);
  });

  it('.when() — debt repaid with the remainder kept in the bucket', () => {
    const clock = new FakeClock();
    const limiter = new BucketRateLimiter({ clock, qps: 1, burst: 1 });
    expect(limiter.when(1)).toBe(0);
    expect(limiter.when(1)).toBeCloseTo(1000, 6); // balance −1 (the floor)
    expect(limiter.when(1)).toBeCloseTo(2000, 6); // −2: past the floor
    clock.advance(2500);
    // −2 + 2.5 = 0.5; one more → −0.5 → 500 ms.
    expect(limiter.when(1)).toBeCloseTo(500, 6);
  });

  it('constructor — bad qps / burst → TypeError / RangeError', () => {
    expect(() => new BucketRateLimiter({ qps: 0 })).toThrow(new RangeError('Expected `qps` to be a positive finite number, got `0` (number)'));
    expect(() => new BucketRateLimiter({ burst: 1.5 })).toThrow(new TypeError('Expected `burst` to be a positive integer, got `1.5` (number)'));
    expect(() => new BucketRateLimiter({ burst: 0 })).toThrow(new RangeError('Expected `burst` to be a positive integer, got `0` (number)'));
  });
});

describe('defaultControllerRateLimiter()', () => {
  it('max of 5 ms·2^n per key and the 10 qps / burst 100 bucket (client-go DefaultControllerRateLimiter)', () => {
    const clock = new FakeClock();
    const limiter = defaultControllerRateLimiter({ clock });
    expect(whens(limiter, 'k', 4)).toEqual([5, 10, 20, 40]);
    expect(limiter.numRequeues('k')).toBe(4);
    // 96 more reservations empty the bucket; then the bucket's 100 ms beats the key's 5 ms.
    for (let i = 0; i < 96; i++) limiter.when(`other-${i}`);
    expect(limiter.when('fresh')).toBeCloseTo(100, 6);
    limiter.forget('k');
    expect(limiter.numRequeues('k')).toBe(0);
  });
});
