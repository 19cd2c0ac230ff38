/** startChurn(): rate, bounded ticks, NotFound handling and stop, on a FakeClock. */
import { FakeClock } from '@apiserver-kit/core';
import { MemoryStorage, type Storage } from '@apiserver-kit/storage';
import { describe, expect, it } from 'vitest';
import { churnPod, startChurn } from '../src/churn.js';
import { mulberry32, syntheticCluster } from '../src/seed.js';

async function seeded(clock: FakeClock, pods = 50): Promise<MemoryStorage> {
  const storage = new MemoryStorage({ clock });
  for (const { key, object } of syntheticCluster({ namespaces: 2, nodes: 5, pods, configmaps: 0 })) await storage.create(key, object);
  return storage;
}

/** Advances the fake clock tick by tick, letting each tick's updates finish. */
async function run(clock: FakeClock, churn: { idle(): Promise<void> }, ms: number, tickMs = 100): Promise<void> {
  for (let t = 0; t < ms; t += tickMs) {
    clock.advance(tickMs);
    await churn.idle();
  }
}

describe('startChurn()', () => {
  it('ratePerSecond: 50 → 50 pod updates per second of clock time', async () => {
    const clock = new FakeClock();
    const storage = await seeded(clock);
    const before = await storage.currentRevision();
    const churn = startChurn(storage, { ratePerSecond: 50, clock, random: mulberry32(3) });
    await run(clock, churn, 1000);
    expect(churn.stats).toEqual({ updates: 50, notFound: 0, errors: 0, skippedTicks: 0, dropped: 0 });
    expect((await storage.currentRevision()) - before).toBe(50);
    churn.stop();
  });

  it('a fractional rate accumulates credit: 2.5/s over 2 s → 5 updates', async () => {
    const clock = new FakeClock();
    const storage = await seeded(clock);
    const churn = startChurn(storage, { ratePerSecond: 2.5, clock, random: mulberry32(3) });
    await run(clock, churn, 2000);
    expect(churn.stats.updates).toBe(5);
    churn.stop();
  });

  it('bounded work per tick: a timer firing 10 s late makes at most 2 × the tick share; the rest is dropped', async () => {
    const fake = new FakeClock();
    const storage = await seeded(fake);
    // A clock whose one timer we fire by hand, late.
    let now = 0;
    let callback: (() => void) | undefined;
    const late = { now: () => now, setTimer: (cb: () => void) => ((callback = cb), { cancel: () => undefined }) };
    const churn = startChurn(storage, { ratePerSecond: 50, clock: late, random: mulberry32(3) });
    now = 10_000;
    callback!();
    await churn.idle();
    expect(churn.stats).toEqual({ updates: 10, notFound: 0, errors: 0, skippedTicks: 0, dropped: 490 });
    churn.stop();
  });

  it('a tick whose predecessor still runs is skipped, not queued', async () => {
    const clock = new FakeClock();
    const storage = await seeded(clock);
    const churn = startChurn(storage, { ratePerSecond: 50, clock, random: mulberry32(3) });
    clock.advance(1000); // ten timers fire back to back; the first tick's updates have not settled yet
    await churn.idle();
    expect(churn.stats).toEqual({ updates: 5, notFound: 0, errors: 0, skippedTicks: 9, dropped: 45 });
    churn.stop();
  });

  it('NotFound → another pod: deleted pods are skipped, updates continue, nothing throws', async () => {
    const clock = new FakeClock();
    const storage = await seeded(clock, 10);
    const churn = startChurn(storage, { ratePerSecond: 20, clock, random: mulberry32(5) });
    await run(clock, churn, 100); // first tick lists the keys
    const keys = (await storage.list('/pods/')).keys!;
    for (const key of keys.slice(0, 8)) await storage.delete(key);
    await run(clock, churn, 1000);
    expect(churn.stats.notFound).toBeGreaterThan(0);
    expect(churn.stats.errors).toBe(0);
    expect(churn.stats.updates).toBeGreaterThan(10);
    churn.stop();
  });

  it('a store whose list fails is counted in errors, never thrown', async () => {
    const clock = new FakeClock();
    const broken = { list: () => Promise.reject(new Error('closed')) } as unknown as Storage;
    const churn = startChurn(broken, { ratePerSecond: 10, clock });
    await run(clock, churn, 300);
    expect(churn.stats.errors).toBe(3);
    churn.stop();
  });

  it('stop() cancels the timer: no further updates, idempotent', async () => {
    const clock = new FakeClock();
    const storage = await seeded(clock);
    const churn = startChurn(storage, { ratePerSecond: 10, clock, random: mulberry32(1) });
    await run(clock, churn, 500);
    churn.stop();
    churn.stop();
    const updates = churn.stats.updates;
    await run(clock, churn, 1000);
    expect(churn.stats.updates).toBe(updates);
  });

  it('bad options → the argument template', () => {
    const storage = new MemoryStorage();
    expect(() => startChurn(storage, { ratePerSecond: 0 })).toThrow(new RangeError('Expected `ratePerSecond` to be a positive finite number, got `0` (number)'));
    expect(() => startChurn(storage, { ratePerSecond: 1, resources: [] })).toThrow(RangeError);
  });
});

describe('churnPod()', () => {
  const pod = [...syntheticCluster({ namespaces: 2, nodes: 2, pods: 1, configmaps: 0 })].find((e) => e.object.kind === 'Pod')!.object as Record<string, any>;

  it('flips Ready (and ContainersReady, containerStatuses.ready), or bumps restartCount, or sets an annotation', () => {
    const flipped = churnPod(pod, () => 0, 1) as Record<string, any>;
    const ready = (p: Record<string, any>): string => p['status'].conditions.find((c: any) => c.type === 'Ready').status;
    expect(ready(flipped)).not.toBe(ready(pod));
    expect(flipped['status'].containerStatuses[0].ready).toBe(ready(flipped) === 'True');
    const restarted = churnPod(pod, () => 0.5, 2) as Record<string, any>;
    expect(restarted['status'].containerStatuses[0].restartCount).toBe(pod['status'].containerStatuses[0].restartCount + 1);
    const annotated = churnPod(pod, () => 0.9, 3) as Record<string, any>;
    expect(annotated['metadata'].annotations['apiserver-kit.dev/churn']).toBe('3');
    // The input is untouched (stored objects are frozen).
    expect(pod['metadata'].annotations['apiserver-kit.dev/churn']).toBeUndefined();
  });
});
