import { describe, expect, it } from 'vitest';
import { Backoff, FakeClock, retryAfterOf, retryWithBackoff } from '../src/index.js';

describe('Backoff — hostile numbers', () => {
  it('.delayMs() — a random source answering NaN, −1 or 7 is clamped into [0, 1]: the delay is never NaN, negative or past the cap', () => {
    expect(new Backoff({ baseMs: 100, random: () => Number.NaN }).delayMs(0)).toBe(0);
    expect(new Backoff({ baseMs: 100, random: () => -1 }).delayMs(0)).toBe(0);
    expect(new Backoff({ baseMs: 100, random: () => 7 }).delayMs(0)).toBe(100);
    expect(new Backoff({ baseMs: 100, random: () => '0.5' as unknown as number }).delayMs(0)).toBe(0);
  });

  it('.delayMs(attempt, retryAfterSeconds) — a Retry-After of Infinity, NaN or −1 is ignored (client-go ignores a header that does not parse)', () => {
    const backoff = new Backoff({ baseMs: 100, random: () => 0.5 });
    // The old code waited Infinity ms, which setTimeout runs at once.
    expect(backoff.delayMs(0, Number.POSITIVE_INFINITY)).toBe(50);
    expect(backoff.delayMs(0, Number.NaN)).toBe(50);
    expect(backoff.delayMs(0, -1)).toBe(50);
    // 1e308 s is finite, its milliseconds are not.
    expect(backoff.delayMs(0, 1e308)).toBe(50);
  });

  it('.delayMs() — a huge attempt caps at maxMs instead of overflowing', () => {
    expect(new Backoff({ maxMs: 5000, random: () => 0.5 }).delayMs(1e6)).toBe(2500);
  });

  it('options — NaN / Infinity / negative → TypeError / RangeError naming the option; random not a function → TypeError', () => {
    expect(() => new Backoff({ baseMs: Number.NaN })).toThrow(new TypeError('Expected `baseMs` to be a positive finite number, got `NaN` (number)'));
    expect(() => new Backoff({ maxMs: Number.POSITIVE_INFINITY })).toThrow(new TypeError('Expected `maxMs` to be a positive finite number, got `Infinity` (number)'));
    expect(() => new Backoff({ factor: -2 })).toThrow(new RangeError('Expected `factor` to be a positive finite number, got `-2` (number)'));
    expect(() => new Backoff({ random: 0.5 as never })).toThrow(new TypeError('Expected `random` to be a function, got `0.5` (number)'));
    expect(() => new Backoff().delayMs(Number.NaN)).toThrow(new TypeError('Expected `attempt` to be a non-negative integer, got `NaN` (number)'));
    expect(() => new Backoff().delayMs(-1)).toThrow(new RangeError('Expected `attempt` to be a non-negative integer, got `-1` (number)'));
  });
});

describe('retryAfterOf() — hostile numbers', () => {
  it('Infinity, NaN and negative Retry-Afters are not Retry-Afters', () => {
    expect(retryAfterOf({ retryAfterSeconds: Number.POSITIVE_INFINITY })).toBeUndefined();
    expect(retryAfterOf({ retryAfterSeconds: Number.NaN })).toBeUndefined();
    expect(retryAfterOf({ details: { retryAfterSeconds: Number.POSITIVE_INFINITY } })).toBeUndefined();
    expect(retryAfterOf({ details: { retryAfterSeconds: -3 } })).toBeUndefined();
    expect(retryAfterOf({ retryAfterSeconds: 0 })).toBe(0);
  });
});

describe('retryWithBackoff() — a Retry-After past the timer range', () => {
  it('waits the whole 30 days (setTimeout would fire at once past 2^31 − 1 ms)', async () => {
    const clock = new FakeClock();
    const thirtyDays = 30 * 86_400;
    let calls = 0;
    const done = retryWithBackoff(
      () => {
        if (calls++ === 0) throw Object.assign(new Error('slow down'), { retryAfterSeconds: thirtyDays });
        return clock.now();
      },
      { clock, random: () => 0 },
    );
    await new Promise((resolve) => setImmediate(resolve));
    expect(clock.nextTimerAt()).toBe(2 ** 31 - 1);
    await clock.settle();
    expect(await done).toBe(thirtyDays * 1000);
    expect(calls).toBe(2);
  });
});
