import { getEventListeners } from 'node:events';
import type { KubeObject } from '@apiserver-kit/codec';
import { FakeClock, MemoryStorage } from '@apiserver-kit/storage';
import { afterEach, describe, expect, it } from 'vitest';
import { Cacher, cacherListerWatcher, Reflector, type SourceEvent, type SourceWatch, storageListerWatcher, WatchCache } from '../src/index.js';
import { pod, until } from './helpers.js';

const stops: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop();
});

async function setup() {
  const clock = new FakeClock();
  const storage = new MemoryStorage({ clock });
  await storage.create('/pods/a/web-1', pod({ ns: 'a', name: 'web-1', labels: { app: 'web' } }));
  await storage.create('/pods/a/db-1', pod({ ns: 'a', name: 'db-1', labels: { app: 'db' } }));
  await storage.create('/pods/b/web-2', pod({ ns: 'b', name: 'web-2', labels: { app: 'web' } }));
  const cacher = new Cacher({ resource: 'pods', clock, source: storageListerWatcher(storage, '/pods/'), storage, reflector: { progressIntervalMs: 0 } });
  cacher.start();
  await cacher.onReady();
  stops.push(() => cacher.stop());
  return { clock, storage, cacher };
}

/** Reads events from `watch` until `count` arrived (a macrotask at a time). */
function collect(watch: SourceWatch): { events: SourceEvent[]; failure: unknown[] } {
  const events: SourceEvent[] = [];
  const failure: unknown[] = [];
  void (async () => {
    try {
      for await (const event of watch) events.push(event);
    } catch (error) {
      failure.push(error);
    }
  })();
  return { events, failure };
}

const describeEvent = (event: SourceEvent): string =>
  event.type === 'BOOKMARK' ? `BOOKMARK ${event.revision}${event.initialEventsEnd === true ? ' end' : ''}` : `${event.type} ${event.object.metadata?.namespace}/${event.object.metadata?.name} ${event.revision}`;

describe('cacherListerWatcher', () => {
  it('list — a consistent list of the scope: namespace and selectors, at the storage revision', async () => {
    const { cacher } = await setup();
    const all = await cacherListerWatcher(cacher).list({});
    expect(all.revision).toBe(3);
    expect(all.items.map((item) => item.metadata?.name)).toEqual(['db-1', 'web-1', 'web-2']);
    const scoped = await cacherListerWatcher(cacher, { namespace: 'a', labelSelector: 'app=web' }).list({});
    expect(scoped.items.map((item) => item.metadata?.name)).toEqual(['web-1']);
    const byField = await cacherListerWatcher(cacher, { fieldSelector: 'metadata.namespace=b' }).list({});
    expect(byField.items.map((item) => item.metadata?.name)).toEqual(['web-2']);
  });

  it('watch — the changes after a revision in scope; an object leaving the selection is a DELETED', async () => {
    const { storage, cacher } = await setup();
    const watch = cacherListerWatcher(cacher, { labelSelector: 'app=web' }).watch({ fromRevision: 3 });
    stops.push(() => watch.close());
    const { events } = collect(watch);
    await storage.create('/pods/a/web-3', pod({ ns: 'a', name: 'web-3', labels: { app: 'web' } }));
    await storage.create('/pods/a/db-2', pod({ ns: 'a', name: 'db-2', labels: { app: 'db' } }));
    await storage.guaranteedUpdate('/pods/a/web-1', (current) => ({ ...current!, metadata: { ...current!.metadata, labels: { app: 'db' } } }));
    await until(() => events.length === 2, 'the events');
    expect(events.map(describeEvent)).toEqual(['ADDED a/web-3 4', 'DELETED a/web-1 6']);
  });

  it('watch from revision 0 (the empty state) — the current objects in revision order, a bookmark, then the changes', async () => {
    const { storage, cacher } = await setup();
    const watch = cacherListerWatcher(cacher).watch({ fromRevision: 0 });
    stops.push(() => watch.close());
    const { events } = collect(watch);
    await until(() => events.length === 4, 'the state');
    await storage.delete('/pods/a/db-1');
    await until(() => events.length === 5, 'the change');
    expect(events.map(describeEvent)).toEqual(['ADDED a/web-1 1', 'ADDED a/db-1 2', 'ADDED b/web-2 3', 'BOOKMARK 3', 'DELETED a/db-1 4']);
  });

  it('watchList — the state as ADDED events, the end bookmark, then the changes', async () => {
    const { storage, cacher } = await setup();
    const source = cacherListerWatcher(cacher, { namespace: 'a' });
    const watch = source.watchList!({});
    stops.push(() => watch.close());
    const { events } = collect(watch);
    await until(() => events.length === 3, 'the initial events');
    await storage.delete('/pods/a/db-1');
    await until(() => events.length === 4, 'the change');
    expect(events.map(describeEvent)).toEqual(['ADDED a/db-1 2', 'ADDED a/web-1 1', 'BOOKMARK 3 end', 'DELETED a/db-1 4']);
  });

  it('watch from a revision older than the history — the iteration fails with Expired 410', async () => {
    const { storage, cacher } = await setup();
    for (let i = 0; i < 120; i++) await storage.create(`/pods/c/p${i}`, pod({ ns: 'c', name: `p${i}` }));
    const watch = cacherListerWatcher(cacher).watch({ fromRevision: 1 });
    const { failure } = collect(watch);
    await until(() => failure.length === 1, 'the failure');
    expect(failure[0]).toMatchObject({ reason: 'Expired', code: 410 });
  });

  it('requestProgress — a bookmark at the storage revision, without waiting for a timer', async () => {
    const { storage, cacher } = await setup();
    const watch = cacherListerWatcher(cacher, { namespace: 'a' }).watch({ fromRevision: 3 });
    stops.push(() => watch.close());
    const { events } = collect(watch);
    await storage.create('/pods/b/other', pod({ ns: 'b', name: 'other' })); // revision 4, out of scope
    await until(() => cacher.cache.revision === 4, 'the cacher');
    await new Promise((resolve) => setImmediate(resolve));
    watch.requestProgress!();
    await until(() => events.length === 1, 'the bookmark');
    expect(events.map(describeEvent)).toEqual(['BOOKMARK 4']);
  });

  it('close before the first read — the iteration ends without opening a watcher', async () => {
    const { cacher } = await setup();
    const watch = cacherListerWatcher(cacher).watch({ fromRevision: 3 });
    watch.close();
    const events: SourceEvent[] = [];
    for await (const event of watch) events.push(event);
    expect(events).toEqual([]);
    expect(cacher.stats.watchers).toBe(0);
  });

  it('a closed watch leaves no listener on the caller\'s signal (a Reflector passes one signal to every watch it opens)', async () => {
    const { cacher } = await setup();
    const source = cacherListerWatcher(cacher);
    const controller = new AbortController();
    for (let i = 0; i < 20; i++) {
      const watch = source.watch({ fromRevision: 3, signal: controller.signal });
      watch.close();
      const other = source.watchList!({ signal: controller.signal });
      other.close();
    }
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('a Reflector over it uses WatchList and mirrors the cacher', async () => {
    const { clock, storage, cacher } = await setup();
    const cache = new WatchCache({ resource: 'pods', clock, bookmarkIntervalMs: 0 });
    const reflector = new Reflector(cacherListerWatcher(cacher, { labelSelector: 'app=web' }), cache, { clock, progressIntervalMs: 0 });
    reflector.start();
    stops.push(() => reflector.stop());
    await cache.onReady();
    await storage.create('/pods/a/web-9', pod({ ns: 'a', name: 'web-9', labels: { app: 'web' } }));
    await until(() => cache.size === 3, 'the change');
    expect(reflector.stats).toMatchObject({ usesWatchList: true, lists: 1 });
    const names = cache.tryList({ resourceVersion: '0' })!.items.map((item) => (item.getObject() as KubeObject).metadata?.name);
    expect(names).toEqual(['web-1', 'web-9', 'web-2']);
  });

  it('bad arguments — TypeError', () => {
    expect(() => cacherListerWatcher({} as Cacher)).toThrow(TypeError);
    expect(() => cacherListerWatcher(new Cacher({ resource: 'pods', clock: new FakeClock() }), { namespace: 3 as unknown as string })).toThrow(/Expected `scope.namespace` to be a string/);
  });
});
