import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FakeClock, monotonicClock, sleep, systemClock } from '../src/index.js';

describe('FakeClock', () => {
  it('.advance() — due timers run in deadline order, each at its own now()', () => {
    const clock = new FakeClock(1000);
    const seen: string[] = [];
    clock.setTimer(() => seen.push(`a@${clock.now()}`), 10);
    clock.setTimer(() => seen.push(`b@${clock.now()}`), 5);
    clock.setTimer(() => seen.push(`c@${clock.now()}`), 5);
    clock.advance(7);
    expect(seen).toEqual(['b@1005', 'c@1005']);
    expect(clock.now()).toBe(1007);
    expect(clock.pendingTimers).toBe(1);
    expect(clock.nextTimerAt()).toBe(1010);
    clock.advance(3);
    expect(seen).toEqual(['b@1005', 'c@1005', 'a@1010']);
    expect(clock.nextTimerAt()).toBeUndefined();
  });

  it('.advance() — a timer scheduled by a due callback within the window runs too', () => {
    const clock = new FakeClock();
    const seen: number[] = [];
    clock.setTimer(() => {
      seen.push(clock.now());
      clock.setTimer(() => seen.push(clock.now()), 0);
      clock.setTimer(() => seen.push(clock.now()), 50);
    }, 10);
    clock.advance(20);
    expect(seen).toEqual([10, 10]);
    expect(clock.pendingTimers).toBe(1);
  });

  it('.setTimer() — a background timer runs like any other on the fake clock', () => {
    const clock = new FakeClock();
    const ran: number[] = [];
    clock.setTimer(() => ran.push(clock.now()), 10, { background: true });
    clock.advance(10);
    expect(ran).toEqual([10]);
  });

  it('systemClock — a background timer does not keep the process alive; a plain one does until it runs', async () => {
    const { execFile } = await import('node:child_process');
    const dist = new URL('../dist/index.js', import.meta.url).href;
    const run = (script: string): Promise<{ stdout: string }> =>
      new Promise((resolve, reject) => {
        execFile(process.execPath, ['--input-type=module', '-e', `import { systemClock } from ${JSON.stringify(dist)};\n${script}`], { timeout: 30_000 }, (error, stdout) => {
          if (error !== null) reject(error);
          else resolve({ stdout });
        });
      });
    // The background timer is due in 20 s: the process ends before it runs.
    expect((await run(`systemClock.setTimer(() => console.log('background ran'), 20_000, { background: true });`)).stdout).toBe('');
    // A plain timer holds the process until it has run.
    expect((await run(`systemClock.setTimer(() => console.log('ran'), 50);`)).stdout).toBe('ran\n');
  }, 45_000);

  it('.setTimer() — cancel() → never runs; idempotent', () => {
    const clock = new FakeClock();
    let ran = false;
    const timer = clock.setTimer(() => (ran = true), 1);
    timer.cancel();
    timer.cancel();
    clock.advance(5);
    expect(ran).toBe(false);
    expect(clock.pendingTimers).toBe(0);
  });

  it('.advance() — negative or non-finite ms → RangeError', () => {
    const clock = new FakeClock();
    expect(() => clock.advance(-1)).toThrow(new RangeError('Expected `ms` to be a non-negative finite number, got `-1` (number)'));
    expect(() => clock.advance(Infinity)).toThrow(new RangeError('Expected `ms` to be a non-negative finite number, got `Infinity` (number)'));
    expect(() => new FakeClock(Number.NaN)).toThrow(new TypeError('Expected `startMs` to be a finite number, got `NaN` (number)'));
  });

  it('.advance() — any mix of delays and cancels fires the live timers in (deadline, scheduling) order', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ delay: fc.integer({ min: -5, max: 200 }), cancel: fc.boolean() }), { maxLength: 200 }), (specs) => {
        const clock = new FakeClock();
        const fired: number[] = [];
        const timers = specs.map((spec, i) => clock.setTimer(() => fired.push(i), spec.delay));
        specs.forEach((spec, i) => spec.cancel && timers[i]!.cancel());
        const live = specs.map((spec, i) => ({ at: Math.max(0, spec.delay), i, cancel: spec.cancel })).filter((t) => !t.cancel);
        expect(clock.pendingTimers).toBe(live.length);
        clock.advance(200);
        expect(fired).toEqual(live.sort((a, b) => a.at - b.at || a.i - b.i).map((t) => t.i));
        expect(clock.pendingTimers).toBe(0);
      }),
    );
  });

  it('.settle() — drives a loop that awaits between sleeps to its end', async () => {
    const clock = new FakeClock();
    const times: number[] = [];
    const loop = (async () => {
      for (const ms of [10, 20, 40]) {
        await sleep(clock, ms);
        times.push(clock.now());
      }
    })();
    expect(await clock.settle()).toBe(3);
    await loop;
    expect(times).toEqual([10, 30, 70]);
  });
});

describe('sleep', () => {
  it('sleep() — aborted while waiting → rejects with the reason, timer cancelled', async () => {
    const clock = new FakeClock();
    const controller = new AbortController();
    const slept = sleep(clock, 100, controller.signal);
    controller.abort(new Error('stop'));
    await expect(slept).rejects.toThrow('stop');
    expect(clock.pendingTimers).toBe(0);
    await expect(sleep(clock, 1, AbortSignal.abort(new Error('early')))).rejects.toThrow('early');
  });

  it('sleep(…, { background: true }) — every step of the wait is a background timer (a forgotten retry loop does not hold the process)', async () => {
    const seen: (boolean | undefined)[] = [];
    const fake = new FakeClock();
    const clock = {
      now: () => fake.now(),
      setTimer: (callback: () => void, delayMs: number, options?: { readonly background?: boolean }) => {
        seen.push(options?.background);
        return fake.setTimer(callback, delayMs, options);
      },
    };
    const slept = sleep(clock, 2 ** 31 + 5, undefined, { background: true });
    fake.advance(2 ** 31 + 5);
    await expect(slept).resolves.toBeUndefined();
    expect(seen).toEqual([true, true]);
    const plain = sleep(clock, 1);
    fake.advance(1);
    await plain;
    expect(seen).toEqual([true, true, undefined]);
  });

  it('sleep(systemClock, 0) → resolves', async () => {
    await expect(sleep(systemClock, 0)).resolves.toBeUndefined();
    expect(systemClock.now()).toBeGreaterThan(0);
  });
});

describe('monotonicClock', () => {
  it('.now() — is non-decreasing and close to Date.now()', () => {
    const a = monotonicClock.now();
    const b = monotonicClock.now();
    expect(b).toBeGreaterThanOrEqual(a);
    expect(Math.abs(a - Date.now())).toBeLessThan(1000);
  });

  it('.setTimer() — runs once; cancel() before it runs → never runs', async () => {
    const ran: string[] = [];
    monotonicClock.setTimer(() => ran.push('cancelled'), 0).cancel();
    await new Promise<void>((resolve) =>
      monotonicClock.setTimer(() => {
        ran.push('ran');
        resolve();
      }, 1),
    );
    expect(ran).toEqual(['ran']);
  });
});
