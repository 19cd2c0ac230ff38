import { FakeClock } from '@apiserver-kit/storage';
import { describe, expect, it } from 'vitest';
import { Cacher, type CacheWatcher, TimeBudget } from '../src/index.js';
import { pod } from './helpers.js';

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Lets consumers run; while the dispatcher waits on full queues, moves the fake clock to its next timer. */
async function settle(clock: FakeClock, cacher: Cacher, stalls: number[]): Promise<void> {
  await tick();
  while (cacher.stats.isDispatcherWaiting) {
    const next = clock.nextTimerAt();
    if (next === undefined) throw new Error('the dispatcher waits without a timer');
    const before = clock.now();
    clock.advance(next - before);
    stalls.push(clock.now() - before);
    await tick();
  }
}

function newCacher(clock: FakeClock, queue: number): Cacher {
  const cacher = new Cacher({ resource: 'pods', clock, queueSizes: { unfiltered: queue }, bookmarkIntervalMs: 0 });
  cacher.cache.replace(Array.from({ length: 100 }, (_, i) => pod({ ns: 'ns', name: `p${String(i).padStart(3, '0')}`, rv: 1 })), 1);
  return cacher;
}

describe('Cacher — slow watchers', () => {
  it('.watch() — 1 000 watchers, 100 never read: the 900 get every event in order, the 100 are shed — closed cleanly, no error (cache_watcher.go stopLocked closes the result channel), so they resume from their last RV — queues bounded, dispatcher waits ≤ the budget', async () => {
    const clock = new FakeClock();
    const QUEUE = 20;
    const EVENTS = 150;
    const cacher = newCacher(clock, QUEUE);
    const readers: { watcher: CacheWatcher; got: number[]; done: Promise<void> }[] = [];
    const stalled: CacheWatcher[] = [];
    for (let i = 0; i < 1000; i++) {
      const watcher = await cacher.watch({ resourceVersion: '1' });
      if (i % 10 === 9) {
        stalled.push(watcher);
        continue;
      }
      const got: number[] = [];
      const done = (async () => {
        for await (const event of watcher) got.push(Number(event.object.getObject().metadata?.resourceVersion));
      })();
      readers.push({ watcher, got, done });
    }
    expect(cacher.stats.unroutedWatchers).toBe(1000);
    const stalls: number[] = [];
    let maxBacklog = 0;
    let maxQueue = 0;
    for (let rv = 2; rv < 2 + EVENTS; rv++) {
      cacher.cache.apply({ type: 'MODIFIED', object: pod({ ns: 'ns', name: `p${String(rv % 100).padStart(3, '0')}`, rv }), revision: rv });
      maxBacklog = Math.max(maxBacklog, cacher.stats.backlog);
      for (const watcher of stalled) maxQueue = Math.max(maxQueue, watcher.queueLength);
      await settle(clock, cacher, stalls);
    }
    await cacher.stop();
    await Promise.all(readers.map((r) => r.done));

    const expected = Array.from({ length: EVENTS }, (_, i) => i + 2);
    for (const reader of readers) expect(reader.got).toEqual(expected);
    for (const watcher of stalled) {
      expect(watcher.isStopped).toBe(true);
      expect(watcher.queueLength).toBe(0);
      expect(watcher.isShed).toBe(true);
      expect(watcher.isDone).toBe(true);
      // A clean end: the iteration finishes, nothing is thrown (an ERROR 410 would make client-go relist).
      await expect(watcher.next()).resolves.toEqual({ done: true, value: undefined });
      expect(watcher.lastRevision).toBe(1);
    }
    const { metrics } = cacher;
    expect(metrics.watchersTerminated.get('unresponsive')).toBe(100);
    // Bounded: no queue beyond its limit, no backlog beyond the events applied during one wait.
    expect(maxQueue).toBeLessThanOrEqual(QUEUE);
    expect(metrics.queueLength.max).toBeLessThanOrEqual(QUEUE);
    expect(maxBacklog).toBeLessThanOrEqual(1);
    // The dispatcher waited once, for exactly the budget (100 ms), not once per slow watcher.
    expect(stalls).toEqual([100]);
    expect(metrics.dispatchStallMs.count).toBe(1);
    expect(metrics.dispatchStallMs.max).toBeLessThanOrEqual(100);
    expect(metrics.eventsDispatched.get('pods')).toBe(EVENTS);
    expect(metrics.eventsDelivered.get('pods')).toBe(900 * EVENTS + 100 * QUEUE);
  });

  it('.watch() — a consumer that makes room within the budget stays; unspent budget is returned', async () => {
    const clock = new FakeClock();
    const cacher = newCacher(clock, 2);
    const slow = await cacher.watch({ resourceVersion: '1' });
    for (let rv = 2; rv <= 4; rv++) cacher.cache.apply({ type: 'MODIFIED', object: pod({ ns: 'ns', name: 'p001', rv }), revision: rv });
    expect(cacher.stats.isDispatcherWaiting).toBe(true);
    expect(slow.queueLength).toBe(2);
    clock.advance(30);
    expect(slow.tryNext()?.object.getObject().metadata?.resourceVersion).toBe('2');
    await tick();
    expect(cacher.stats.isDispatcherWaiting).toBe(false);
    expect(slow.isStopped).toBe(false);
    // 100 taken, 30 spent, 70 returned, plus the refill of the 30 ms waited (1.5).
    expect(cacher.stats.budgetMs).toBe(71.5);
    expect([slow.tryNext(), slow.tryNext()].map((e) => e?.object.getObject().metadata?.resourceVersion)).toEqual(['3', '4']);
    expect(cacher.metrics.dispatchStallMs.max).toBe(30);
    await cacher.stop();
  });

  it('.watch() — writes during a wait queue up in order behind it and a new watcher misses nothing', async () => {
    const clock = new FakeClock();
    const cacher = newCacher(clock, 1);
    const slow = await cacher.watch({ resourceVersion: '1' });
    cacher.cache.apply({ type: 'MODIFIED', object: pod({ ns: 'ns', name: 'p001', rv: 2 }), revision: 2 });
    cacher.cache.apply({ type: 'MODIFIED', object: pod({ ns: 'ns', name: 'p002', rv: 3 }), revision: 3 });
    expect(cacher.stats.isDispatcherWaiting).toBe(true);
    // Opened during the wait: replays rev 3 from the ring, then gets later changes from its queue.
    const late = await cacher.watch({ resourceVersion: '2' });
    cacher.cache.apply({ type: 'MODIFIED', object: pod({ ns: 'ns', name: 'p003', rv: 4 }), revision: 4 });
    expect(cacher.stats.backlog).toBe(1);
    clock.advance(100);
    await tick();
    expect(slow.isStopped).toBe(true);
    expect(cacher.stats.backlog).toBe(0);
    const got: string[] = [];
    for (let e = late.tryNext(); e !== undefined; e = late.tryNext()) got.push(e.object.getObject().metadata?.resourceVersion ?? '');
    expect(got).toEqual(['3', '4']);
    // All 100 spent; only the refill of the 100 ms waited is left, then 50 per second.
    expect(cacher.stats.budgetMs).toBe(5);
    clock.advance(1000);
    expect(cacher.stats.budgetMs).toBe(55);
    await cacher.stop();
  });
});

describe('TimeBudget', () => {
  it('.take() / .giveBack() — refills 50 ms per second up to the 100 ms cap', () => {
    const clock = new FakeClock();
    const budget = new TimeBudget(clock);
    expect(budget.take()).toBe(100);
    expect(budget.available).toBe(0);
    clock.advance(500);
    expect(budget.available).toBe(25);
    budget.giveBack(40);
    expect(budget.available).toBe(65);
    clock.advance(10_000);
    expect(budget.available).toBe(100);
    budget.giveBack(50);
    expect(budget.available).toBe(100);
  });

  it('new TimeBudget() — names a bad option', () => {
    expect(() => new TimeBudget(new FakeClock(), { capMs: -1 })).toThrow('Expected `capMs` to be a non-negative number of milliseconds, got `-1` (number)');
  });
});
