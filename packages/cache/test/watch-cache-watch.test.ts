import { type CachingWatchEvent, INITIAL_EVENTS_END_ANNOTATION } from '@apiserver-kit/codec';
import { describe, expect, it } from 'vitest';
import { type CacheWatcher, parseLabelSelector, SelectionPredicate, StatusError } from '../src/index.js';
import { del, newCache, pod, put } from './helpers.js';

function show(event: CachingWatchEvent | undefined): string {
  if (event === undefined) return '-';
  const meta = event.object.getObject().metadata;
  return `${event.type} ${meta?.name ?? ''}@${meta?.resourceVersion ?? ''}`;
}

function drain(watcher: CacheWatcher): string[] {
  const out: string[] = [];
  for (let event = watcher.tryNext(); event !== undefined; event = watcher.tryNext()) out.push(show(event));
  return out;
}

function seeded() {
  const { cache, clock } = newCache();
  cache.replace([pod({ name: 'a', rv: 1, labels: { app: 'web' } })], 5);
  return { cache, clock };
}

describe('WatchCache.watch()', () => {
  it('resourceVersion "N" — replays the history after N, then live events', async () => {
    const { cache } = seeded();
    put(cache, { name: 'b', rv: 6 });
    put(cache, { name: 'b', rv: 7 });
    const watcher = await cache.watch({ resourceVersion: '6' });
    expect(drain(watcher)).toEqual(['MODIFIED b@7']);
    del(cache, { name: 'b', rv: 8 });
    expect(drain(watcher)).toEqual(['DELETED b@8']);
  });

  it('resourceVersion unset or "0" — initial ADDED events of the state, then changes', async () => {
    const { cache } = seeded();
    put(cache, { name: 'b', rv: 6 });
    const unset = await cache.watch();
    put(cache, { name: 'c', rv: 7 });
    expect(drain(unset)).toEqual(['ADDED a@1', 'ADDED b@6', 'ADDED c@7']);
    const zero = await cache.watch({ resourceVersion: '0' });
    put(cache, { name: 'd', rv: 8 });
    expect(drain(zero)).toEqual(['ADDED a@1', 'ADDED b@6', 'ADDED c@7', 'ADDED d@8']);
  });

  it('sendInitialEvents — initial events, then a bookmark with the initial-events-end annotation', async () => {
    const { cache } = seeded();
    const watcher = await cache.watch({ sendInitialEvents: true, resourceVersionMatch: 'NotOlderThan', allowWatchBookmarks: true });
    const initial = watcher.tryNext();
    const bookmark = watcher.tryNext();
    expect(show(initial)).toBe('ADDED a@1');
    expect(bookmark?.type).toBe('BOOKMARK');
    expect(bookmark?.object.getObject()).toEqual({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { resourceVersion: '5', annotations: { [INITIAL_EVENTS_END_ANNOTATION]: 'true' } },
    });
    // ValidateListOptions (watch): Invalid 422 of ListOptions.meta.k8s.io.
    await expect(cache.watch({ sendInitialEvents: true })).rejects.toMatchObject({
      code: 422,
      message: 'ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan',
    });
    await expect(cache.watch({ resourceVersion: '5', resourceVersionMatch: 'NotOlderThan' })).rejects.toMatchObject({
      code: 422,
      message: 'ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided',
    });
  });

  it('initial events and LIST share the CachingObject and the ADDED event', async () => {
    const { cache } = seeded();
    const one = await cache.watch({ resourceVersion: '0' });
    const two = await cache.watch({ resourceVersion: '0' });
    const [listed] = (await cache.list()).items;
    const first = one.tryNext();
    expect(first).toBe(two.tryNext());
    expect(first?.object).toBe(listed);
  });

  it('selector transitions — into the selector ADDED, out of it DELETED with the previous content at the event revision', async () => {
    const { cache } = seeded();
    const watcher = await cache.watch({ resourceVersion: '5', predicate: new SelectionPredicate(parseLabelSelector('app=web')) });
    put(cache, { name: 'b', rv: 6, labels: { app: 'db' } });
    put(cache, { name: 'b', rv: 7, labels: { app: 'web' } });
    put(cache, { name: 'b', rv: 8, labels: { app: 'web', v: '2' } });
    put(cache, { name: 'b', rv: 9, labels: { app: 'db' } });
    del(cache, { name: 'b', rv: 10 });
    const events: CachingWatchEvent[] = [];
    for (let event = watcher.tryNext(); event !== undefined; event = watcher.tryNext()) events.push(event);
    expect(events.map(show)).toEqual(['ADDED b@7', 'MODIFIED b@8', 'DELETED b@9']);
    expect(events[2]!.object.getObject().metadata?.labels).toEqual({ app: 'web', v: '2' });
  });

  it('live events — a waiting consumer is woken by apply()', async () => {
    const { cache } = seeded();
    const watcher = await cache.watch({ resourceVersion: '5' });
    const next = watcher.next();
    put(cache, { name: 'z', rv: 6 });
    expect(show((await next).value as CachingWatchEvent)).toBe('ADDED z@6');
  });

  it('too old resourceVersion → Expired `too old resource version: X (Y)`', async () => {
    const { cache } = newCache({ capacity: { lowerBound: 2, upperBound: 2, windowMs: 0 } });
    cache.replace([], 5);
    for (let rv = 6; rv <= 9; rv++) put(cache, { name: `p${rv}`, rv });
    expect(cache.stats.historyStart).toBe(7);
    await expect(cache.watch({ resourceVersion: '6' })).rejects.toMatchObject({ reason: 'Expired', code: 410, message: 'too old resource version: 6 (7)' });
    expect(drain(await cache.watch({ resourceVersion: '7' }))).toEqual(['ADDED p8@8', 'ADDED p9@9']);
  });

  it('a watcher whose cursor the ring evicts fails with Expired', async () => {
    const { cache } = newCache({ capacity: { lowerBound: 2, upperBound: 2, windowMs: 0 }, watcherQueueLimit: 100 });
    cache.replace([], 5);
    const watcher = await cache.watch({ resourceVersion: '5' });
    for (let rv = 6; rv <= 9; rv++) put(cache, { name: `p${rv}`, rv });
    expect(() => watcher.tryNext()).toThrow(expect.objectContaining({ reason: 'Expired', message: 'too old resource version: 5 (7)' }));
    expect(watcher.isDone).toBe(true);
  });

  // k8s.io/apiserver pkg/storage/cacher/cache_watcher.go: a watcher that cannot keep up is terminated by closing its result
  // channel (stopLocked), no error event, so client-go resumes from its last resourceVersion instead of relisting.
  it('slow watcher — closed cleanly (no error, as cache_watcher.go stopLocked) after queueLimit unread events; other watchers unaffected', async () => {
    const { cache } = newCache({ watcherQueueLimit: 3 });
    cache.replace([], 5);
    const slow = await cache.watch({ resourceVersion: '5' });
    const selective = await cache.watch({ resourceVersion: '5', predicate: new SelectionPredicate(parseLabelSelector('app=web')) });
    const fast = await cache.watch({ resourceVersion: '5' });
    const seen: string[] = [];
    for (let rv = 6; rv <= 10; rv++) {
      put(cache, { name: `p${rv}`, rv });
      seen.push(...drain(fast));
    }
    expect(seen).toHaveLength(5);
    expect(slow.isShed).toBe(true);
    expect(slow.tryNext()).toBeUndefined();
    expect(slow.isDone).toBe(true);
    await expect(slow.next()).resolves.toEqual({ done: true, value: undefined });
    expect(selective.tryNext()).toBeUndefined();
    expect(selective.isDone).toBe(false);
  });

  it('replace() — open watchers end with Expired (the history restarted)', async () => {
    const { cache } = seeded();
    const watcher = await cache.watch({ resourceVersion: '5' });
    cache.replace([], 20);
    await expect(watcher.next()).rejects.toMatchObject({ reason: 'Expired', message: 'too old resource version: 5 (20)' });
  });

  it('bookmarks — only to watchers that allow them, at the cache revision', async () => {
    const { cache, clock } = seeded();
    const withBookmarks = await cache.watch({ resourceVersion: '5', allowWatchBookmarks: true });
    const without = await cache.watch({ resourceVersion: '5' });
    cache.advance(9);
    clock.advance(60_000);
    expect(drain(withBookmarks)).toEqual(['BOOKMARK @9']);
    expect(drain(without)).toEqual([]);
  });

  it('signal — aborting closes the watch', async () => {
    const { cache } = seeded();
    const controller = new AbortController();
    const watcher = await cache.watch({ resourceVersion: '5', signal: controller.signal });
    const next = watcher.next();
    controller.abort();
    expect(await next).toEqual({ done: true, value: undefined });
    expect(cache.stats.watchers).toBe(0);
  });
});
