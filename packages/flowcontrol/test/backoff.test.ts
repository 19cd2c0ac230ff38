import { describe, expect, it } from 'vitest';
import { Backoff, FakeClock, retryAfterOf, retryWithBackoff, TooManyRequestsError } from '../src/index.js';

describe('Backoff', () => {
  it('.delayMs() — full jitter under a cap that doubles per attempt, up to maxMs', () => {
    const top = new Backoff({ baseMs: 100, maxMs: 1000, random: () => 0.999999 });
    expect([0, 1, 2, 3, 4, 10].map((attempt) => Math.round(top.delayMs(attempt)))).toEqual([100, 200, 400, 800, 1000, 1000]);
    expect(new Backoff({ random: () => 0 }).delayMs(5)).toBe(0);
  });

  it('.delayMs(attempt, retryAfterSeconds) — never sooner than the server’s Retry-After', () => {
    const backoff = new Backoff({ baseMs: 100, random: () => 0.5 });
    expect(backoff.delayMs(0, 4)).toBe(4000);
    expect(backoff.delayMs(12, 4)).toBe(15_000);
  });

  it('options — factor below 1 → RangeError; a fractional attempt → TypeError', () => {
    expect(() => new Backoff({ factor: 0.5 })).toThrow(new RangeError('Expected `factor` to be a number no smaller than 1, got `0.5` (number)'));
    expect(() => new Backoff().delayMs(1.5)).toThrow(new TypeError('Expected `attempt` to be a non-negative integer, got `1.5` (number)'));
  });
});

describe('retryAfterOf()', () => {
  it('reads retryAfterSeconds from the error or from its Status details', () => {
    expect(retryAfterOf(new TooManyRequestsError('slow down', 4))).toBe(4);
    expect(retryAfterOf({ details: { retryAfterSeconds: 2 } })).toBe(2);
    expect(retryAfterOf(new Error('x'))).toBeUndefined();
    expect(retryAfterOf(null)).toBeUndefined();
  });
});

describe('retryWithBackoff()', () => {
  it('retries 429s after at least their Retry-After, on the injected clock', async () => {
    const clock = new FakeClock();
    const calls: number[] = [];
    const result = retryWithBackoff(
      (attempt) => {
        calls.push(clock.now());
        if (attempt < 2) throw new TooManyRequestsError('slow down', attempt + 1);
        return 'ok';
      },
      { clock, random: () => 0 },
    );
    await clock.settle();
    expect(await result).toBe('ok');
    expect(calls).toEqual([0, 1000, 3000]);
  });

  it('rethrows errors that are not retryable, and the last error when attempts run out', async () => {
    const clock = new FakeClock();
    await expect(retryWithBackoff(() => Promise.reject(new Error('boom')), { clock })).rejects.toThrow('boom');
    let calls = 0;
    const failing = retryWithBackoff(
      () => {
        calls++;
        throw Object.assign(new Error('unavailable'), { code: 503 });
      },
      { clock, maxAttempts: 3 },
    );
    const settled = expect(failing).rejects.toThrow('unavailable');
    await clock.settle();
    await settled;
    expect(calls).toBe(3);
  });

  it('abort while sleeping → rejects with the reason', async () => {
    const clock = new FakeClock();
    const controller = new AbortController();
    const result = retryWithBackoff(() => Promise.reject(new TooManyRequestsError('x', 10)), { clock, signal: controller.signal });
    await new Promise((resolve) => setImmediate(resolve));
    controller.abort(new Error('stop'));
    await expect(result).rejects.toThrow('stop');
    expect(clock.pendingTimers).toBe(0);
  });
});
