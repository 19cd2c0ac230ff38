import { describe, expect, it } from 'vitest';
import { FakeClock, systemClock } from '../src/index.js';

describe('FakeClock', () => {
  it('.advance() — runs due timers in deadline order, ties in scheduling order, each at its deadline', () => {
    const clock = new FakeClock(100);
    const seen: string[] = [];
    clock.setTimer(() => seen.push(`a@${clock.now()}`), 10);
    clock.setTimer(() => seen.push(`b@${clock.now()}`), 5);
    clock.setTimer(() => seen.push(`c@${clock.now()}`), 5);
    clock.advance(7);
    expect(seen).toEqual(['b@105', 'c@105']);
    expect(clock.now()).toBe(107);
    clock.advance(3);
    expect(seen).toEqual(['b@105', 'c@105', 'a@110']);
  });

  it('.setTimer() — cancel() is idempotent; zero-delay timers scheduled by a callback run in the same advance', () => {
    const clock = new FakeClock();
    const seen: number[] = [];
    const timer = clock.setTimer(() => seen.push(1), 1);
    timer.cancel();
    timer.cancel();
    expect(clock.pendingTimers).toBe(0);
    clock.setTimer(() => clock.setTimer(() => seen.push(2), 0), 1);
    clock.advance(1);
    expect(seen).toEqual([2]);
    expect(clock.nextTimerAt()).toBeUndefined();
  });

  it('.advance() — negative or infinite ms → RangeError naming the value', () => {
    const clock = new FakeClock();
    expect(() => clock.advance(-1)).toThrow(new RangeError('Expected `ms` to be a non-negative finite number, got `-1` (number)'));
    expect(() => new FakeClock(Number.NaN)).toThrow(new TypeError('Expected `startMs` to be a finite number, got `NaN` (number)'));
  });

  it('.settle() — runs timers between promise continuations', async () => {
    const clock = new FakeClock();
    const seen: number[] = [];
    const loop = async (): Promise<void> => {
      for (let i = 0; i < 3; i++) {
        await new Promise<void>((resolve) => clock.setTimer(resolve, 100));
        seen.push(clock.now());
      }
    };
    const done = loop();
    expect(await clock.settle()).toBe(3);
    await done;
    expect(seen).toEqual([100, 200, 300]);
  });
});

describe('systemClock', () => {
  it('.now() — is monotonic and close to Date.now()', () => {
    const a = systemClock.now();
    const b = systemClock.now();
    expect(b).toBeGreaterThanOrEqual(a);
    expect(Math.abs(a - Date.now())).toBeLessThan(1000);
  });
});
