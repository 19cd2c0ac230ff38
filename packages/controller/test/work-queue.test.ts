import { FakeClock } from '@apiserver-kit/core';
import { describe, expect, it } from 'vitest';
import { ItemExponentialFailureRateLimiter, WorkQueue, type WorkQueueMetrics } from '../src/index.js';

const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function queue(options: { clock?: FakeClock; metrics?: WorkQueueMetrics } = {}): { q: WorkQueue; clock: FakeClock } {
  const clock = options.clock ?? new FakeClock();
  return { q: new WorkQueue({ clock, name: 'test', metrics: options.metrics }), clock };
}

function drain(q: WorkQueue): string[] {
  const keys: string[] = [];
  for (let key = q.tryGet(); key !== undefined; key = q.tryGet()) {
    keys.push(key);
    q.done(key);
  }
  return keys;
}

describe('WorkQueue — de-duplication and order', () => {
  it('.add() — a key added N times before it is taken is handed out once (upstream TestCollapse)', () => {
    const { q } = queue();
    q.add('a');
    q.add('a');
    q.add('a');
    expect(q.length).toBe(1);
    expect(drain(q)).toEqual(['a']);
  });

  it('.add() — FIFO: first added, first handed out; a re-added key keeps its place', () => {
    const { q } = queue();
    for (const key of ['c', 'a', 'b', 'a', 'c', 'd']) q.add(key);
    expect(drain(q)).toEqual(['c', 'a', 'b', 'd']);
  });

  it('.add() while processing — not handed out again until done, then re-queued at the back (upstream TestAddWhileProcessing / TestReinsert)', () => {
    const { q } = queue();
    q.add('a');
    q.add('b');
    expect(q.tryGet()).toBe('a');
    q.add('a');
    q.add('a');
    expect(q.length).toBe(1); // only b: a is dirty, not queued
    expect(q.tryGet()).toBe('b');
    expect(q.tryGet()).toBeUndefined();
    q.done('a');
    expect(q.length).toBe(1);
    expect(q.tryGet()).toBe('a');
    q.done('a');
    q.done('b');
    expect(q.tryGet()).toBeUndefined();
  });

  it('.done() — a key not processing is ignored', () => {
    const { q } = queue();
    q.done('x');
    q.add('a');
    q.done('a'); // queued, not processing: stays queued
    expect(drain(q)).toEqual(['a']);
  });

  it('.add(undefined) → TypeError (undefined means "shut down" to get())', () => {
    const { q } = queue();
    expect(() => q.add(undefined as never)).toThrow(new TypeError('Expected `key` to be defined, got `undefined` (undefined)'));
  });
});

describe('WorkQueue.get()', () => {
  it('waits while empty, and pending gets are served in arrival order', async () => {
    const { q } = queue();
    const first = q.get();
    const second = q.get();
    q.add('a');
    q.add('b');
    expect(await first).toBe('a');
    expect(await second).toBe('b');
  });

  it('a signal aborting → rejects with its reason; no key is taken', async () => {
    const { q } = queue();
    const controller = new AbortController();
    const pending = q.get(controller.signal);
    controller.abort(new Error('stop'));
    await expect(pending).rejects.toThrow('stop');
    q.add('a');
    expect(q.tryGet()).toBe('a');
    await expect(q.get(AbortSignal.abort(new Error('already')))).rejects.toThrow('already');
  });

  it('a bad signal → TypeError', () => {
    const { q } = queue();
    expect(() => q.get({} as never)).toThrow(new TypeError('Expected `signal` to be an AbortSignal, got `{}` (object)'));
  });
});

describe('WorkQueue.addAfter()', () => {
  it('adds once the delay passed, with one timer (upstream TestSimpleQueue)', () => {
    const { q, clock } = queue();
    q.addAfter('foo', 50);
    expect(q.length).toBe(0);
    expect(clock.pendingTimers).toBe(1);
    clock.advance(49);
    expect(q.length).toBe(0);
    clock.advance(11);
    expect(q.length).toBe(1);
    expect(clock.pendingTimers).toBe(0);
  });

  it('a key already waiting keeps the earlier ready time (upstream TestDeduping)', () => {
    const { q, clock } = queue();
    q.addAfter('foo', 50);
    q.addAfter('foo', 70);
    clock.advance(60);
    expect(drain(q)).toEqual(['foo']);
    clock.advance(20);
    expect(q.length).toBe(0);
    q.addAfter('foo', 50);
    q.addAfter('foo', 30);
    clock.advance(40);
    expect(drain(q)).toEqual(['foo']);
    clock.advance(20);
    expect(q.length).toBe(0);
    expect(clock.pendingTimers).toBe(0);
  });

  it('keys come out in ready-time order (upstream TestAddTwoFireEarly, TestCopyShifting)', () => {
    const { q, clock } = queue();
    q.addAfter('foo', 1000);
    q.addAfter('bar', 50);
    clock.advance(60);
    expect(drain(q)).toEqual(['bar']);
    q.addAfter('baz', 2000);
    clock.advance(1000);
    expect(drain(q)).toEqual(['foo']);
    clock.advance(2000);
    expect(drain(q)).toEqual(['baz']);
    q.addAfter('first', 1000);
    q.addAfter('second', 500);
    q.addAfter('third', 250);
    clock.advance(2000);
    expect(drain(q)).toEqual(['third', 'second', 'first']);
  });

  it('a delay of 0 or less adds at once; a waiting key that is also added directly is de-duplicated', () => {
    const { q, clock } = queue();
    q.addAfter('a', 0);
    q.addAfter('b', -5);
    expect(q.length).toBe(2);
    q.addAfter('a', 10);
    clock.advance(10);
    expect(q.length).toBe(2);
    expect(drain(q)).toEqual(['a', 'b']);
  });

  it('a delay past the timer range (30 days) is kept, not cut short', () => {
    const { q, clock } = queue();
    const days30 = 30 * 24 * 3_600_000;
    q.addAfter('a', days30);
    clock.advance(days30 - 1);
    expect(q.length).toBe(0);
    clock.advance(1);
    expect(q.length).toBe(1);
  });

  it('bad delays → TypeError / RangeError', () => {
    const { q } = queue();
    expect(() => q.addAfter('a', '5' as never)).toThrow(new TypeError('Expected `delayMs` to be a finite number of milliseconds, got `"5"` (string)'));
    expect(() => q.addAfter('a', Number.NaN)).toThrow(new RangeError('Expected `delayMs` to be a finite number of milliseconds, got `NaN` (number)'));
    expect(() => q.addAfter('a', Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });
});

describe('WorkQueue rate limiting', () => {
  it('.addRateLimited() waits the limiter’s delay; .forget() resets it; .numRequeues() counts (upstream TestRateLimitingQueue)', () => {
    const clock = new FakeClock();
    const q = new WorkQueue({ clock, rateLimiter: new ItemExponentialFailureRateLimiter({ baseDelayMs: 1, maxDelayMs: 1000 }) });
    q.addRateLimited('one');
    expect(q.numRequeues('one')).toBe(1);
    q.addRateLimited('one');
    expect(q.numRequeues('one')).toBe(2);
    q.addRateLimited('two');
    expect(q.numRequeues('two')).toBe(1);
    q.addRateLimited('two');
    expect(q.numRequeues('two')).toBe(2);
    clock.advance(1);
    // one and two both wait 1 ms (the earlier time wins).
    expect(drain(q)).toEqual(['one', 'two']);
    q.forget('one');
    expect(q.numRequeues('one')).toBe(0);
    q.addRateLimited('one');
    expect(q.numRequeues('one')).toBe(1);
  });

  it('the default limiter: 5 ms for a first failure', () => {
    const { q, clock } = queue();
    q.addRateLimited('a');
    clock.advance(4);
    expect(q.length).toBe(0);
    clock.advance(1);
    expect(q.length).toBe(1);
  });
});

describe('WorkQueue shut down', () => {
  it('.shutDown() — adds ignored, waiting keys dropped, pending gets resolve undefined, queued keys still handed out', async () => {
    const { q, clock } = queue();
    const pending = q.get();
    q.add('a');
    expect(await pending).toBe('a');
    q.add('b');
    q.addAfter('later', 10);
    const waiting = q.get();
    const other = q.get();
    expect(await waiting).toBe('b');
    q.shutDown();
    expect(q.isShuttingDown).toBe(true);
    expect(await other).toBeUndefined();
    expect(clock.pendingTimers).toBe(0);
    q.add('c');
    q.addAfter('c', 5);
    q.addRateLimited('c');
    expect(q.numRequeues('c')).toBe(0);
    expect(q.length).toBe(0);
    expect(await q.get()).toBeUndefined();
  });

  it('.shutDown() — keys already queued are still handed out, then undefined', async () => {
    const { q } = queue();
    q.add('a');
    q.add('b');
    q.shutDown();
    expect(await q.get()).toBe('a');
    expect(await q.get()).toBe('b');
    expect(await q.get()).toBeUndefined();
  });

  it('.shutDownWithDrain() — waits until every key handed out is done (upstream TestQueueDrainageUsingShutDownWithDrain)', async () => {
    const { q } = queue();
    q.add('a');
    q.add('b');
    q.tryGet();
    q.tryGet();
    let drained = false;
    const drain = q.shutDownWithDrain().then(() => {
      drained = true;
    });
    q.done('a');
    await flush();
    expect(drained).toBe(false);
    q.done('b');
    await drain;
    expect(drained).toBe(true);
  });

  it('.shutDownWithDrain() — a key dirty while processing is re-queued at done (upstream TestQueueDrainageUsingShutDownWithDrainWithDirtyItem)', async () => {
    const { q } = queue();
    q.add('a');
    q.tryGet();
    q.add('a');
    const drain = q.shutDownWithDrain();
    q.done('a');
    await drain;
    expect(q.tryGet()).toBe('a');
  });

  it('.shutDown() after .shutDownWithDrain() — ends the wait at once (upstream TestForceQueueShutdownUsingShutDown)', async () => {
    const { q } = queue();
    q.add('a');
    q.tryGet();
    const drain = q.shutDownWithDrain();
    q.shutDown();
    await drain;
    expect(q.isShuttingDown).toBe(true);
  });

  it('.shutDownWithDrain() with nothing processing → resolves at once', async () => {
    const { q } = queue();
    await q.shutDownWithDrain();
  });
});

describe('WorkQueue.whenIdle()', () => {
  it('resolves at once when empty; waits for queued, processing and waiting keys', async () => {
    const { q, clock } = queue();
    await q.whenIdle();
    q.add('a');
    q.addAfter('b', 100);
    let idle = false;
    const settled = q.whenIdle().then(() => {
      idle = true;
    });
    const a = q.tryGet()!;
    q.done(a);
    await flush();
    expect(idle).toBe(false); // b is waiting
    clock.advance(100);
    await flush();
    expect(idle).toBe(false); // b is queued
    const b = q.tryGet()!;
    await flush();
    expect(idle).toBe(false); // b is processing
    q.done(b);
    await settled;
    expect(idle).toBe(true);
  });

  it('.shutDown() drops waiting keys: idle once nothing is queued or processing', async () => {
    const { q } = queue();
    q.addAfter('a', 100);
    const settled = q.whenIdle();
    q.shutDown();
    await settled;
  });
});

describe('WorkQueue metrics', () => {
  function recorder(): { metrics: WorkQueueMetrics; calls: string[] } {
    const calls: string[] = [];
    return {
      calls,
      metrics: {
        depth: (name, n) => calls.push(`${name} depth ${n}`),
        add: (name) => calls.push(`${name} add`),
        queueLatency: (name, ms) => calls.push(`${name} latency ${ms}`),
        workDuration: (name, ms) => calls.push(`${name} work ${ms}`),
        unfinishedWork: (name, ms) => calls.push(`${name} unfinished ${ms}`),
        longestRunningProcessor: (name, ms) => calls.push(`${name} longest ${ms}`),
        retry: (name) => calls.push(`${name} retry`),
      },
    };
  }

  it('adds, depth, latency, work duration, retries (upstream TestMetrics)', () => {
    const { metrics, calls } = recorder();
    const { q, clock } = queue({ metrics });
    q.add('foo');
    q.add('foo'); // de-duplicated: not an add
    clock.advance(25);
    const key = q.tryGet()!;
    clock.advance(10);
    q.done(key);
    q.addAfter('bar', 5);
    clock.advance(5);
    expect(calls).toEqual([
      'test add',
      'test depth 1',
      'test depth 0',
      'test latency 25',
      'test work 10',
      'test retry',
      'test add',
      'test depth 1',
    ]);
  });

  it('an add while processing: depth counts it, latency is from that add to the next get', () => {
    const { metrics, calls } = recorder();
    const { q, clock } = queue({ metrics });
    q.add('foo');
    q.tryGet();
    clock.advance(1);
    q.add('foo');
    clock.advance(3);
    q.done('foo');
    clock.advance(5);
    q.tryGet();
    expect(calls.filter((c) => c.includes('latency') || c.includes('depth'))).toEqual(['test depth 1', 'test depth 0', 'test latency 0', 'test depth 1', 'test depth 0', 'test latency 8']);
  });

  it('unfinished work and the longest running processor, every period while a key is processing; 0 after (upstream TestMetrics)', () => {
    const { metrics, calls } = recorder();
    const clock = new FakeClock();
    const q = new WorkQueue({ clock, name: 'test', metrics, metricsUpdatePeriodMs: 100 });
    q.add('a');
    q.add('b');
    q.tryGet();
    clock.advance(50);
    q.tryGet();
    calls.length = 0;
    clock.advance(50); // t=100: a 100, b 50
    expect(calls).toEqual(['test unfinished 150', 'test longest 100']);
    clock.advance(100); // t=200: a 200, b 150
    expect(calls.slice(2)).toEqual(['test unfinished 350', 'test longest 200']);
    q.done('a');
    q.done('b');
    expect(calls.slice(4)).toEqual(['test work 200', 'test work 150', 'test unfinished 0', 'test longest 0']);
    expect(clock.pendingTimers).toBe(0);
  });

  it('a throwing hook is ignored', () => {
    const boom = (): void => {
      throw new Error('exporter down');
    };
    const { q, clock } = queue({ metrics: { add: boom, depth: boom, queueLatency: boom, workDuration: boom, retry: boom, unfinishedWork: boom, longestRunningProcessor: boom } });
    q.add('a');
    q.addAfter('b', 1);
    clock.advance(1);
    expect(drain(q)).toEqual(['a', 'b']);
  });
});

describe('WorkQueue constructor', () => {
  it('bad options → TypeError / RangeError', () => {
    expect(() => new WorkQueue(5 as never)).toThrow(new TypeError('Expected `options` to be an object, got `5` (number)'));
    expect(() => new WorkQueue({ name: 1 as never })).toThrow(new TypeError('Expected `name` to be a string, got `1` (number)'));
    expect(() => new WorkQueue({ rateLimiter: {} as never })).toThrow(new TypeError('Expected `rateLimiter` to be a RateLimiter (when, forget, numRequeues), got `{}` (object)'));
    expect(() => new WorkQueue({ clock: {} as never })).toThrow(new TypeError('Expected `clock` to be a Clock (now, setTimer), got `{}` (object)'));
    expect(() => new WorkQueue({ metricsUpdatePeriodMs: 0 })).toThrow(new RangeError('Expected `metricsUpdatePeriodMs` to be a number of milliseconds ≥ 1, got `0` (number)'));
  });
});
