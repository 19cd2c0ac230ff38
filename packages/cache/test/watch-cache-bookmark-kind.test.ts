// Bookmarks carry the resource's own kind on a bare WatchCache too: k8s.io/apiserver pkg/storage/cacher/cacher.go builds
// bookmark objects from the resource's new-object function (newFunc), so an empty resource's bookmark names it; client-go's
// WatchList informer (reflector.go watchList) drops a bookmark of another kind and never syncs.
import { FakeClock } from '@apiserver-kit/storage';
import { describe, expect, it } from 'vitest';
import { INITIAL_EVENTS_END_ANNOTATION } from '@apiserver-kit/codec';
import { WatchCache } from '../src/index.js';
import { newCache, pod } from './helpers.js';

describe('WatchCache — bookmark kind (cacher.go newFunc)', () => {
  it('an empty `pods` WatchCache without `objectKind` sends its initial-events-end bookmark as v1 Pod, never Status', async () => {
    const { cache } = newCache({ bookmarkIntervalMs: 0 });
    cache.replace([], 7);
    const watcher = await cache.watch({ sendInitialEvents: true, resourceVersionMatch: 'NotOlderThan', allowWatchBookmarks: true });
    const event = watcher.tryNext();
    expect(event?.type).toBe('BOOKMARK');
    expect(event?.object.getObject()).toEqual({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { resourceVersion: '7', annotations: { [INITIAL_EVENTS_END_ANNOTATION]: 'true' } },
    });
    watcher.close();
    cache.close();
  });

  it('periodic bookmarks of an empty cache name the resource; objects of another kind do not change it', async () => {
    const { cache, clock } = newCache({ resource: 'leases', bookmarkIntervalMs: 1000, prefix: '/leases/' });
    cache.replace([], 3);
    const watcher = await cache.watch({ resourceVersion: '3', allowWatchBookmarks: true });
    clock.advance(1000);
    expect(watcher.tryNext()?.object.getObject()).toMatchObject({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { resourceVersion: '3' } });
    cache.apply({ type: 'ADDED', object: pod({ name: 'odd', rv: 4 }), revision: 4 });
    expect(watcher.tryNext()?.type).toBe('ADDED');
    clock.advance(1000);
    expect(watcher.tryNext()?.object.getObject()).toMatchObject({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { resourceVersion: '4' } });
    watcher.close();
    cache.close();
  });

  it('new WatchCache() — a resource neither built in nor given `objectKind` is a TypeError; `objectKind` names a custom resource', async () => {
    expect(() => new WatchCache({ resource: 'widgets' })).toThrow(
      new TypeError('Expected `objectKind` for resource "widgets" (not a built-in resource): bookmarks must carry the resource\'s own apiVersion and kind, got `undefined` (undefined)'),
    );
    const widgets = new WatchCache({ resource: 'widgets', clock: new FakeClock(), bookmarkIntervalMs: 0, objectKind: { apiVersion: 'example.com/v1', kind: 'Widget' } });
    widgets.replace([], 1);
    const watcher = await widgets.watch({ sendInitialEvents: true, resourceVersionMatch: 'NotOlderThan', allowWatchBookmarks: true });
    expect(watcher.tryNext()?.object.getObject()).toMatchObject({ apiVersion: 'example.com/v1', kind: 'Widget' });
    watcher.close();
    widgets.close();
  });
});
