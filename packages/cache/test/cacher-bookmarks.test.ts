import { FakeClock } from '@apiserver-kit/storage';
import { describe, expect, it } from 'vitest';
import { type CachingWatchEvent, INITIAL_EVENTS_END_ANNOTATION } from '@apiserver-kit/codec';
import { Cacher, type CacherOptions } from '../src/index.js';
import { pod } from './helpers.js';

function newCacher(options: Partial<CacherOptions> = {}): { cacher: Cacher; clock: FakeClock } {
  const clock = new FakeClock();
  const cacher = new Cacher({ resource: 'pods', clock, random: () => 0, ...options });
  cacher.cache.replace([pod({ ns: 'ns', name: 'a', rv: 1 })], 1);
  return { cacher, clock };
}

function describeEvent(event: CachingWatchEvent | undefined): string | undefined {
  if (event === undefined) return undefined;
  const meta = event.object.getObject().metadata;
  return `${event.type} ${meta?.resourceVersion ?? ''}${meta?.annotations?.[INITIAL_EVENTS_END_ANNOTATION] === undefined ? '' : ' end'}`;
}

describe('Cacher — bookmarks', () => {
  it('.watch({ allowWatchBookmarks }) — a progress bookmark every period, after the queued events, at the current revision', async () => {
    const { cacher, clock } = newCacher();
    const watcher = await cacher.watch({ resourceVersion: '1', allowWatchBookmarks: true });
    const silent = await cacher.watch({ resourceVersion: '1' });
    cacher.cache.apply({ type: 'MODIFIED', object: pod({ ns: 'ns', name: 'a', rv: 2 }), revision: 2 });
    cacher.cache.advance(5);
    clock.advance(59_999);
    expect(describeEvent(watcher.tryNext())).toBe('MODIFIED 2');
    expect(watcher.tryNext()).toBeUndefined();
    clock.advance(1);
    expect(describeEvent(watcher.tryNext())).toBe('BOOKMARK 5');
    expect(watcher.tryNext()).toBeUndefined();
    clock.advance(60_000);
    expect(describeEvent(watcher.tryNext())).toBe('BOOKMARK 5');
    expect(describeEvent(silent.tryNext())).toBe('MODIFIED 2');
    expect(silent.tryNext()).toBeUndefined();
    await cacher.stop();
  });

  it('.watch() — jitter takes up to `bookmarkJitter` of the period off; 2 s before the deadline comes first', async () => {
    const { cacher, clock } = newCacher({ random: () => 0.999_999 });
    const jittered = await cacher.watch({ resourceVersion: '1', allowWatchBookmarks: true });
    const deadline = await cacher.watch({ resourceVersion: '1', allowWatchBookmarks: true, timeoutSeconds: 30 });
    clock.advance(28_000);
    expect(describeEvent(deadline.tryNext())).toBe('BOOKMARK 1');
    expect(jittered.tryNext()).toBeUndefined();
    clock.advance(2000);
    expect(deadline.isDone).toBe(true);
    clock.advance(14_999);
    expect(jittered.tryNext()).toBeUndefined();
    clock.advance(2);
    expect(describeEvent(jittered.tryNext())).toBe('BOOKMARK 1');
    await cacher.stop();
  });

  it('.watch() — WatchList: the initial-events-end bookmark first, then progress bookmarks', async () => {
    const { cacher, clock } = newCacher();
    const watcher = await cacher.watch({ sendInitialEvents: true, resourceVersionMatch: 'NotOlderThan', allowWatchBookmarks: true });
    expect([watcher.tryNext(), watcher.tryNext(), watcher.tryNext()].map(describeEvent)).toEqual(['ADDED 1', 'BOOKMARK 1 end', undefined]);
    clock.advance(60_000);
    expect(describeEvent(watcher.tryNext())).toBe('BOOKMARK 1');
    await cacher.stop();
  });

  it('.watch() — while the dispatcher waits on a full queue, a bookmark never claims the changes still waiting', async () => {
    const { cacher, clock } = newCacher({ queueSizes: { unfiltered: 1 }, bookmarkIntervalMs: 50, bookmarkJitter: 0 });
    const slow = await cacher.watch({ resourceVersion: '1' });
    const watcher = await cacher.watch({ resourceVersion: '1', allowWatchBookmarks: true });
    cacher.cache.apply({ type: 'MODIFIED', object: pod({ ns: 'ns', name: 'a', rv: 2 }), revision: 2 });
    expect(describeEvent(watcher.tryNext())).toBe('MODIFIED 2');
    cacher.cache.apply({ type: 'MODIFIED', object: pod({ ns: 'ns', name: 'a', rv: 3 }), revision: 3 });
    cacher.cache.apply({ type: 'MODIFIED', object: pod({ ns: 'ns', name: 'a', rv: 4 }), revision: 4 });
    expect(cacher.stats).toMatchObject({ isDispatcherWaiting: true, backlog: 1 });
    expect(describeEvent(watcher.tryNext())).toBe('MODIFIED 3');
    clock.advance(50);
    expect(describeEvent(watcher.tryNext())).toBe('BOOKMARK 3');
    clock.advance(50);
    await new Promise((resolve) => setImmediate(resolve));
    expect(slow.isStopped).toBe(true);
    expect(describeEvent(watcher.tryNext())).toBe('MODIFIED 4');
    await cacher.stop();
  });
});
