// Bookmarks carry the resource's own kind: k8s.io/apiserver pkg/storage/cacher/cacher.go builds bookmark objects from the
// resource's new-object function (newFunc), so even an empty resource's bookmark names it; client-go's WatchList informer
// (reflector.go watchList) drops a bookmark of another kind and never syncs.
import { FakeClock } from '@apiserver-kit/storage';
import { describe, expect, it } from 'vitest';
import { INITIAL_EVENTS_END_ANNOTATION, type KubeObject } from '@apiserver-kit/codec';
import { BUILT_IN_RESOURCE_KINDS, Cacher } from '../src/index.js';

async function firstBookmark(cacher: Cacher): Promise<KubeObject> {
  const watcher = await cacher.watch({ sendInitialEvents: true, resourceVersionMatch: 'NotOlderThan', allowWatchBookmarks: true });
  const event = watcher.tryNext();
  watcher.close();
  expect(event?.type).toBe('BOOKMARK');
  return event!.object.getObject();
}

describe('Cacher — bookmark kind', () => {
  it('an empty `pods` Cacher without `objectKind` sends its initial-events-end bookmark as v1 Pod, never Status', async () => {
    const cacher = new Cacher({ resource: 'pods', clock: new FakeClock(), bookmarkIntervalMs: 0 });
    cacher.cache.replace([], 7);
    expect(await firstBookmark(cacher)).toEqual({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { resourceVersion: '7', annotations: { [INITIAL_EVENTS_END_ANNOTATION]: 'true' } },
    });
    await cacher.stop();
  });

  it('built-in resources of other groups; `objectKind` overrides the table and names a custom resource', async () => {
    expect(BUILT_IN_RESOURCE_KINDS.get('nodes')).toEqual({ apiVersion: 'v1', kind: 'Node' });
    const leases = new Cacher({ resource: 'leases', clock: new FakeClock(), bookmarkIntervalMs: 0 });
    leases.cache.replace([], 1);
    expect(await firstBookmark(leases)).toMatchObject({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease' });
    const widgets = new Cacher({ resource: 'widgets', clock: new FakeClock(), bookmarkIntervalMs: 0, objectKind: { apiVersion: 'example.com/v1', kind: 'Widget' } });
    widgets.cache.replace([], 1);
    expect(await firstBookmark(widgets)).toMatchObject({ apiVersion: 'example.com/v1', kind: 'Widget' });
    await leases.stop();
    await widgets.stop();
  });

  it('new Cacher() — a resource neither built in nor given `objectKind` is a TypeError (a bookmark must never go out as Status)', () => {
    expect(() => new Cacher({ resource: 'widgets' })).toThrow(
      new TypeError('Expected `objectKind` for resource "widgets" (not a built-in resource): bookmarks must carry the resource\'s own apiVersion and kind, got `undefined` (undefined)'),
    );
    expect(() => new Cacher({ resource: 'pods', objectKind: { apiVersion: 'v1', kind: '' } })).toThrow(
      new TypeError('Expected `objectKind` to be { apiVersion, kind } of non-empty strings, got `{"apiVersion":"v1","kind":""}` (object)'),
    );
  });
});
