import { FakeClock } from '@apiserver-kit/storage';
import { describe, expect, it } from 'vitest';
import { JsonEncoder, SpliceBuffer } from '@apiserver-kit/codec';
import { Cacher, CacherMetrics, Histogram, LabeledCounter } from '../src/index.js';
import { pod } from './helpers.js';

describe('Cacher — metrics hooks', () => {
  it('Histogram.observe() — per-bucket counts with an overflow bucket, sum, count, max', () => {
    const histogram = new Histogram([1, 10]);
    for (const value of [0, 1, 2, 10, 11]) histogram.observe(value);
    expect([histogram.counts, histogram.count, histogram.sum, histogram.max]).toEqual([[2, 2, 1], 5, 24, 11]);
    expect(() => new Histogram([2, 1])).toThrow('Expected `bounds` to be a non-empty ascending list of numbers, got `[2,1]` (object)');
  });

  it('LabeledCounter — counts by label and in total', () => {
    const counter = new LabeledCounter();
    counter.inc('a');
    counter.inc('b', 3);
    expect([counter.get('a'), counter.get('c'), counter.total, counter.toJSON()]).toEqual([1, 0, 4, { a: 1, b: 3 }]);
  });

  it('.countEncodes() — counts by identifier and keeps it (cached bytes stay shared)', () => {
    const metrics = new CacherMetrics();
    const json = new JsonEncoder();
    const counted = metrics.countEncodes(json);
    expect(counted.identifier).toBe(json.identifier);
    counted.encode(pod({ name: 'a' }), new SpliceBuffer());
    expect(metrics.encodes.toJSON()).toEqual({ [json.identifier]: 1 });
  });

  it('a shared CacherMetrics aggregates cachers by resource: watchers, events, deliveries, latency', async () => {
    const clock = new FakeClock();
    const metrics = new CacherMetrics();
    const pods = new Cacher({ resource: 'pods', clock, metrics });
    const nodes = new Cacher({ resource: 'nodes', clock, metrics });
    pods.cache.replace([], 1);
    nodes.cache.replace([], 1);
    await pods.watch({});
    await pods.watch({ namespace: 'ns' });
    await nodes.watch({});
    expect(metrics.watchers.toJSON()).toEqual({ pods: 2, nodes: 1 });
    clock.advance(3);
    pods.cache.apply({ type: 'ADDED', object: pod({ ns: 'ns', name: 'a', rv: 2 }), revision: 2 });
    expect([metrics.eventsDispatched.get('pods'), metrics.eventsDelivered.get('pods'), metrics.watchersVisited.get('pods')]).toEqual([1, 2, 2]);
    expect(metrics.dispatchLatencyMs.count).toBe(1);
    expect(metrics.queueLength.max).toBe(1);
    await pods.stop();
    await nodes.stop();
    expect(metrics.watchers.toJSON()).toEqual({ pods: 0, nodes: 0 });
  });
});
