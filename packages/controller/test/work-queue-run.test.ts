import { FakeClock } from '@apiserver-kit/core';
import { describe, expect, it } from 'vitest';
import { ItemExponentialFailureRateLimiter, WorkQueue } from '../src/index.js';

const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

interface Gate {
  readonly promise: Promise<void>;
  open(): void;
}
function gate(): Gate {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

describe('WorkQueue.run()', () => {
  it('16 workers, keys added while processing: never two workers on one key, each add seen by a later run', async () => {
    const clock = new FakeClock();
    const q = new WorkQueue({ clock });
    const running = new Set<string>();
    const version = new Map<string, number>();
    const seen = new Map<string, number>();
    let overlaps = 0;
    let maxConcurrent = 0;
    const run = q.run(
      async (key) => {
        if (running.has(key)) overlaps++;
        running.add(key);
        maxConcurrent = Math.max(maxConcurrent, running.size);
        const v = version.get(key) ?? 0;
        for (let i = 0; i < 3; i++) await Promise.resolve();
        seen.set(key, v);
        running.delete(key);
      },
      { workers: 16 },
    );
    for (let round = 0; round < 50; round++) {
      for (let k = 0; k < 20; k++) {
        const key = `k${(round * 7 + k) % 30}`;
        version.set(key, (version.get(key) ?? 0) + 1);
        q.add(key);
      }
      await Promise.resolve();
    }
    await q.whenIdle();
    expect(overlaps).toBe(0);
    expect(maxConcurrent).toBeGreaterThan(1);
    expect(maxConcurrent).toBeLessThanOrEqual(16);
    // The last run of every key saw its last add.
    for (const [key, v] of version) expect(seen.get(key), key).toBe(v);
    q.shutDown();
    await run;
  });

  it('a key added many times while queued runs once', async () => {
    const q = new WorkQueue({ clock: new FakeClock() });
    const runs: string[] = [];
    for (let i = 0; i < 100; i++) q.add(`k${i % 3}`);
    const run = q.run((key) => void runs.push(key), { workers: 4 });
    await q.whenIdle();
    expect(runs).toEqual(['k0', 'k1', 'k2']);
    q.shutDown();
    await run;
  });

  it('success → forget; a throw → onError, then addRateLimited with the limiter’s growing delay; the worker goes on', async () => {
    const clock = new FakeClock();
    const q = new WorkQueue({ clock, rateLimiter: new ItemExponentialFailureRateLimiter({ baseDelayMs: 10, maxDelayMs: 1000 }) });
    let failures = 2;
    const errors: string[] = [];
    const times: number[] = [];
    const run = q.run(
      (key) => {
        times.push(clock.now());
        if (failures-- > 0) throw new Error(`fail ${key}`);
      },
      { onError: (error, key) => errors.push(`${key}: ${(error as Error).message}`) },
    );
    q.add('a');
    await flush();
    expect(q.numRequeues('a')).toBe(1);
    clock.advance(10);
    await flush();
    expect(q.numRequeues('a')).toBe(2);
    clock.advance(20);
    await q.whenIdle();
    expect(times).toEqual([0, 10, 30]);
    expect(errors).toEqual(['a: fail a', 'a: fail a']);
    expect(q.numRequeues('a')).toBe(0); // forgotten after the success
    q.shutDown();
    await run;
  });

  it('a rejected promise and a throwing onError are handled; the default onError logs', async () => {
    const clock = new FakeClock();
    const q = new WorkQueue({ clock, name: 'demo' });
    const run = q.run(() => Promise.reject(new Error('nope')), {
      onError: () => {
        throw new Error('handler broke');
      },
    });
    q.add('a');
    await flush();
    expect(q.numRequeues('a')).toBe(1);
    q.shutDown();
    await run;

    const logged: unknown[][] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => void logged.push(args);
    try {
      const q2 = new WorkQueue({ clock, name: 'demo' });
      const run2 = q2.run(() => {
        throw new Error('boom');
      });
      q2.add('x');
      await flush();
      q2.shutDown();
      await run2;
    } finally {
      console.error = original;
    }
    expect(logged).toHaveLength(1);
    expect(logged[0]![0]).toBe('work queue "demo": processing key x failed; retrying');
  });

  it('shutDown → the workers drain the queued keys, then run resolves', async () => {
    const q = new WorkQueue({ clock: new FakeClock() });
    q.add('a');
    q.add('b');
    q.shutDown();
    const runs: string[] = [];
    await q.run((key) => void runs.push(key), { workers: 3 });
    expect(runs).toEqual(['a', 'b']);
  });

  it('signal aborts → no new key is taken, the keys in hand finish, run resolves; the queue stays usable', async () => {
    const q = new WorkQueue({ clock: new FakeClock() });
    const controller = new AbortController();
    const hold = gate();
    const started: string[] = [];
    let sawAbort = false;
    const run = q.run(
      async (key, signal) => {
        started.push(key);
        await hold.promise;
        sawAbort = signal.aborted;
      },
      { workers: 2, signal: controller.signal },
    );
    q.add('a');
    q.add('b');
    q.add('c');
    await flush();
    expect(started).toEqual(['a', 'b']);
    controller.abort();
    hold.open();
    await run;
    expect(sawAbort).toBe(true);
    expect(started).toEqual(['a', 'b']);
    expect(q.isShuttingDown).toBe(false);
    expect(q.tryGet()).toBe('c');
  });

  it('bad arguments → TypeError / RangeError', () => {
    const q = new WorkQueue({ clock: new FakeClock() });
    expect(() => q.run('x' as never)).toThrow(new TypeError('Expected `worker` to be a function, got `"x"` (string)'));
    expect(() => q.run(() => {}, { workers: 0 })).toThrow(new RangeError('Expected `workers` to be a positive integer, got `0` (number)'));
    expect(() => q.run(() => {}, { signal: 1 as never })).toThrow(new TypeError('Expected `signal` to be an AbortSignal, got `1` (number)'));
    expect(() => q.run(() => {}, { onError: 1 as never })).toThrow(new TypeError('Expected `onError` to be a function, got `1` (number)'));
  });
});
