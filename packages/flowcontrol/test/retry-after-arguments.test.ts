import { describe, expect, it } from 'vitest';
import { CongestionRetryAfter, FakeClock, TokenBucket, WaitTimeRetryAfter } from '../src/index.js';

describe('CongestionRetryAfter — hostile numbers', () => {
  it('.retryAfterSeconds() — a jitter random answering NaN or 5 is clamped: always a whole number within [min, max × (1 + jitter)]', () => {
    const nan = new CongestionRetryAfter({ clock: new FakeClock(), jitter: 0.5, random: () => Number.NaN });
    expect(nan.retryAfterSeconds()).toBe(1);
    const big = new CongestionRetryAfter({ clock: new FakeClock(), jitter: 0.5, random: () => 5 });
    expect(big.retryAfterSeconds()).toBe(2);
  });

  it('.retryAfterSeconds({ now: NaN }) — a bad clock reading does not refill the congestion bucket', () => {
    const policy = new CongestionRetryAfter({ clock: new FakeClock(), capacity: 4 });
    const answers = [0, 1, 2, 3, 4].map(() => policy.retryAfterSeconds({ now: Number.NaN }));
    expect(answers).toEqual([1, 2, 4, 8, 8]);
    expect(policy.congestion.available).toBe(0);
  });

  it('options — NaN / Infinity / negative → TypeError / RangeError naming the option', () => {
    expect(() => new CongestionRetryAfter({ capacity: Number.NaN })).toThrow(new TypeError('Expected `capacity` to be a positive integer, got `NaN` (number)'));
    expect(() => new CongestionRetryAfter({ windowMs: -1 })).toThrow(new RangeError('Expected `windowMs` to be a positive finite number, got `-1` (number)'));
    expect(() => new CongestionRetryAfter({ maxSeconds: Number.POSITIVE_INFINITY })).toThrow(new TypeError('Expected `maxSeconds` to be a positive integer, got `Infinity` (number)'));
    expect(() => new CongestionRetryAfter({ jitter: Number.NaN })).toThrow(new TypeError('Expected `jitter` to be a number between 0 and 1, got `NaN` (number)'));
    expect(() => new CongestionRetryAfter({ steps: [{ above: Number.NaN, seconds: 1 }] })).toThrow(new TypeError('Expected `steps[].above` to be a number between 0 and 1, got `NaN` (number)'));
    expect(() => new CongestionRetryAfter({ random: 1 as never })).toThrow(new TypeError('Expected `random` to be a function, got `1` (number)'));
    // The old code passed the overflow on and blamed `ratePerSecond`, an option the caller never gave.
    expect(() => new CongestionRetryAfter({ windowMs: 1e-310 })).toThrow(
      new RangeError('Expected `windowMs` to be large enough that capacity × 1000 / windowMs is finite (capacity 1024), got `1e-310` (number)'),
    );
  });
});

describe('WaitTimeRetryAfter — hostile numbers', () => {
  const bucket = (): TokenBucket => {
    const b = new TokenBucket({ ratePerSecond: 1, burst: 5, clock: new FakeClock() });
    b.tryTake(5);
    return b;
  };

  it('.retryAfterSeconds({ tokens: NaN }) → TypeError naming `tokens` (the old code answered NaN)', () => {
    expect(() => new WaitTimeRetryAfter().retryAfterSeconds({ bucket: bucket(), tokens: Number.NaN })).toThrow(
      new TypeError('Expected `tokens` to be a non-negative finite number, got `NaN` (number)'),
    );
    expect(() => new WaitTimeRetryAfter().retryAfterSeconds({ bucket: bucket(), tokens: -1 })).toThrow(new RangeError('Expected `tokens` to be a non-negative finite number, got `-1` (number)'));
  });

  it('.retryAfterSeconds({ now: NaN }) — a bad clock reading is ignored: the wait of the last good reading', () => {
    expect(new WaitTimeRetryAfter().retryAfterSeconds({ bucket: bucket(), tokens: 3, now: Number.NaN })).toBe(3);
  });

  it('options — NaN → TypeError', () => {
    expect(() => new WaitTimeRetryAfter({ minSeconds: Number.NaN })).toThrow(new TypeError('Expected `minSeconds` to be a positive integer, got `NaN` (number)'));
  });
});
