import { describe, expect, it } from 'vitest';
import { backoffDelay, DEFAULT_RETRY, FakeClock, resolveRetryOptions, retryOnConflict, StatusError } from '../src/index.js';

const conflictError = (): StatusError => new StatusError('Conflict', 'lost the race');

describe('backoff', () => {
  it('DEFAULT_RETRY → 5 attempts, waits of 10, 20, 40, 80 ms (+ up to 10 % jitter)', () => {
    expect(DEFAULT_RETRY).toEqual({ steps: 5, durationMs: 10, factor: 2, jitter: 0.1, capMs: Infinity });
    expect([1, 2, 3, 4].map((attempt) => backoffDelay(DEFAULT_RETRY, attempt, () => 0))).toEqual([10, 20, 40, 80]);
    expect(backoffDelay(DEFAULT_RETRY, 1, () => 0.5)).toBeCloseTo(10.5);
    expect(backoffDelay({ ...DEFAULT_RETRY, capMs: 25, jitter: 0 }, 4)).toBe(25);
  });

  it('resolveRetryOptions() — bad options → TypeError / RangeError naming the option', () => {
    expect(resolveRetryOptions({ steps: 2 })).toEqual({ ...DEFAULT_RETRY, steps: 2 });
    expect(() => resolveRetryOptions({ steps: 0 })).toThrow(new RangeError('Expected `retry.steps` to be a positive integer, got `0` (number)'));
    expect(() => resolveRetryOptions({ durationMs: -1 })).toThrow(new RangeError('Expected `retry.durationMs` to be a non-negative number, got `-1` (number)'));
    expect(() => resolveRetryOptions({ factor: 0.5 })).toThrow(new RangeError('Expected `retry.factor` to be a number ≥ 1, got `0.5` (number)'));
    expect(() => resolveRetryOptions({ jitter: Number.NaN })).toThrow(new TypeError('Expected `retry.jitter` to be a non-negative number, got `NaN` (number)'));
    expect(() => resolveRetryOptions({ capMs: -5 })).toThrow(new RangeError('Expected `retry.capMs` to be a non-negative number, got `-5` (number)'));
  });
});

describe('retryOnConflict', () => {
  it('retryOnConflict() — conflicts then success → retried after growing waits on the clock', async () => {
    const clock = new FakeClock();
    const calls: number[] = [];
    const result = retryOnConflict(
      (attempt) => {
        calls.push(clock.now());
        if (attempt < 4) throw conflictError();
        return 'ok';
      },
      { clock, jitter: 0 },
    );
    await clock.settle();
    expect(await result).toBe('ok');
    expect(calls).toEqual([0, 10, 30, 70]);
  });

  it('retryOnConflict() — every attempt conflicts → the last Conflict after `steps` attempts', async () => {
    const clock = new FakeClock();
    let attempts = 0;
    const result = retryOnConflict(
      () => {
        attempts++;
        throw conflictError();
      },
      { clock, steps: 3 },
    ).catch((e: unknown) => e);
    await clock.settle();
    expect(await result).toEqual(conflictError());
    expect(attempts).toBe(3);
  });

  it('retryOnConflict() — another error → thrown at once, no retry', async () => {
    let attempts = 0;
    const failure = new StatusError('NotFound', 'gone');
    await expect(
      retryOnConflict(() => {
        attempts++;
        throw failure;
      }),
    ).rejects.toBe(failure);
    expect(attempts).toBe(1);
  });

  it('retryOnConflict() — aborted during a wait → rejects with the reason', async () => {
    const clock = new FakeClock();
    const controller = new AbortController();
    const result = retryOnConflict(
      () => {
        throw conflictError();
      },
      { clock, signal: controller.signal },
    ).catch((e: unknown) => e);
    await new Promise((resolve) => setImmediate(resolve));
    expect(clock.pendingTimers).toBe(1);
    controller.abort(new Error('cancelled'));
    expect(await result).toEqual(new Error('cancelled'));
  });
});
