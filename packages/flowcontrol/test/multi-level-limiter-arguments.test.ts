import { describe, expect, it } from 'vitest';
import { FakeClock, fixedRetryAfter, MultiLevelLimiter, TokenBucket } from '../src/index.js';

describe('MultiLevelLimiter — hostile numbers', () => {
  it('.decide(attrs, NaN) / .decide(attrs, Infinity) on an empty bucket → rejected; the bucket is not refilled nor frozen', () => {
    const clock = new FakeClock();
    const bucket = new TokenBucket({ ratePerSecond: 1, burst: 2, clock });
    const limiter = new MultiLevelLimiter({ clock, readOnly: bucket, retryAfter: fixedRetryAfter(1) });
    expect(limiter.decide({ verb: 'get' }).allowed).toBe(true);
    expect(limiter.decide({ verb: 'get' }).allowed).toBe(true);
    // The old code read NaN as "full now" and Infinity as "full forever".
    for (const now of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NaN]) {
      expect(limiter.decide({ verb: 'get' }, now)).toMatchObject({ allowed: false, level: 'global', rule: 'read-only' });
    }
    expect(bucket.available).toBe(0);
    clock.advance(1000);
    expect(limiter.decide({ verb: 'get' }).allowed).toBe(true);
    expect(limiter.decide({ verb: 'get' }).allowed).toBe(false);
  });

  it('.decide(attrs, NaN) — the default CongestionRetryAfter still answers a whole number of seconds', () => {
    const clock = new FakeClock();
    const limiter = new MultiLevelLimiter({ clock, readOnly: { ratePerSecond: 1, burst: 1 } });
    limiter.decide({ verb: 'get' });
    const rejected = limiter.decide({ verb: 'get' }, Number.NaN);
    expect(rejected).toMatchObject({ allowed: false, retryAfterSeconds: 1 });
  });

  it('options — rule tokens NaN, 0, negative or above the bucket burst → TypeError / RangeError naming `tokens`', () => {
    const level = (tokens: number) => ({ levels: [{ name: 'verb', rules: [{ name: 'get', match: { verb: 'get' }, limit: { ratePerSecond: 1, burst: 5 }, tokens }] }] });
    expect(() => new MultiLevelLimiter(level(Number.NaN))).toThrow(new TypeError('Expected `tokens` to be a positive finite number, got `NaN` (number)'));
    expect(() => new MultiLevelLimiter(level(0))).toThrow(new RangeError('Expected `tokens` to be a positive finite number, got `0` (number)'));
    expect(() => new MultiLevelLimiter(level(-1))).toThrow(new RangeError('Expected `tokens` to be a positive finite number, got `-1` (number)'));
    // More than the bucket holds: every request matching the rule would be rejected forever.
    expect(() => new MultiLevelLimiter(level(6))).toThrow(new RangeError("Expected `tokens` to be a number no larger than the rule's burst (5), got `6` (number)"));
    expect(() => new MultiLevelLimiter(level(5))).not.toThrow();
  });

  it('options — reserve NaN → TypeError; bucket limits NaN / Infinity → the TokenBucket errors', () => {
    expect(() => new MultiLevelLimiter({ reserve: Number.NaN })).toThrow(new TypeError('Expected `reserve` to be a number between 0 and 1, got `NaN` (number)'));
    expect(() => new MultiLevelLimiter({ readOnly: { ratePerSecond: Number.NaN, burst: 1 } })).toThrow(
      new TypeError('Expected `ratePerSecond` to be a positive finite number, got `NaN` (number)'),
    );
    expect(() => new MultiLevelLimiter({ mutating: { ratePerSecond: 1, burst: Number.POSITIVE_INFINITY } })).toThrow(
      new TypeError('Expected `burst` to be a positive finite number, got `Infinity` (number)'),
    );
  });
});
