import { FakeClock } from '@apiserver-kit/storage';
import { describe, expect, it } from 'vitest';
import { Cacher, fieldIndex, labelIndex, namespaceIndex, SelectionPredicate, parseFieldSelector, parseLabelSelector } from '../src/index.js';
import { pod } from './helpers.js';

function newCacher(): { cacher: Cacher; clock: FakeClock } {
  const clock = new FakeClock();
  const cacher = new Cacher({ resource: 'pods', clock, indexes: [namespaceIndex(), fieldIndex('spec.nodeName'), labelIndex('app')], bookmarkIntervalMs: 0 });
  cacher.cache.replace([], 1);
  return { cacher, clock };
}

describe('Cacher — routing by index', () => {
  it('.watch() — 1 000 per-node watchers: an update visits only the watchers of its old and new node', async () => {
    const { cacher } = newCacher();
    const watchers = [];
    for (let i = 0; i < 1000; i++) watchers.push(await cacher.watch({ resourceVersion: '1', fieldSelector: `spec.nodeName=node-${i}` }));
    expect(cacher.stats).toMatchObject({ routedWatchers: 1000, unroutedWatchers: 0 });
    cacher.cache.apply({ type: 'ADDED', object: pod({ ns: 'ns', name: 'web', rv: 2, node: 'node-7' }), revision: 2 });
    expect(cacher.metrics.watchersVisited.get('pods')).toBe(1);
    // Rescheduled: the old node's watcher sees DELETED, the new one's ADDED; two visits.
    cacher.cache.apply({ type: 'MODIFIED', object: pod({ ns: 'ns', name: 'web', rv: 3, node: 'node-9' }), revision: 3 });
    expect(cacher.metrics.watchersVisited.get('pods')).toBe(3);
    expect([watchers[7]!.tryNext()?.type, watchers[7]!.tryNext()?.type, watchers[9]!.tryNext()?.type]).toEqual(['ADDED', 'DELETED', 'ADDED']);
    expect(watchers[8]!.tryNext()).toBeUndefined();
    await cacher.stop();
    expect(cacher.stats).toMatchObject({ routedWatchers: 0, unroutedWatchers: 0, watchers: 0 });
  });

  it('triggers: a namespace scope, an indexed label, `in` sets; unindexed or negative selectors are unrouted', async () => {
    const { cacher } = newCacher();
    const trigger = (label: string, field: string, namespace?: string): string => {
      const found = cacher.triggerFor(new SelectionPredicate(parseLabelSelector(label), parseFieldSelector(field)), namespace === undefined ? '/pods/' : `/pods/${namespace}/`);
      return found === undefined ? 'none' : `${found.index.name}=${found.values.join(',')}`;
    };
    expect(trigger('', '', 'team-a')).toBe('namespace=team-a');
    expect(trigger('', 'spec.nodeName=n1', 'team-a')).toBe('field:spec.nodeName=n1');
    expect(trigger('app in (a,b)', '')).toBe('label:app=a,b');
    expect(trigger('app=a', 'spec.nodeName=x')).toBe('field:spec.nodeName=x');
    expect(trigger('tier=web', '')).toBe('none');
    expect(trigger('app!=a', 'spec.nodeName!=n1')).toBe('none');
    expect(trigger('', '')).toBe('none');
    await cacher.stop();
  });

  it('.watch() — queue sizes by selectivity: routed 10, filtered 100, everything 1000 (configurable)', async () => {
    const { cacher } = newCacher();
    expect((await cacher.watch({ fieldSelector: 'spec.nodeName=n1' })).queueLimit).toBe(10);
    expect((await cacher.watch({ labelSelector: 'tier=web' })).queueLimit).toBe(100);
    expect((await cacher.watch({})).queueLimit).toBe(1000);
    const custom = new Cacher({ resource: 'pods', clock: new FakeClock(), queueSizes: { unfiltered: 5 } });
    custom.cache.replace([], 1);
    expect((await custom.watch({})).queueLimit).toBe(5);
    expect(() => new Cacher({ resource: 'pods', queueSizes: { routed: 0 } })).toThrow('Expected `queueSizes.routed` to be a positive integer, got `0` (number)');
    await custom.stop();
    await cacher.stop();
  });
});

