import { describe, expect, it } from 'vitest';
import { newCache, put } from './helpers.js';

describe('WatchCache — consistent reads', () => {
  it('.list() unset resourceVersion — waits until the cache reaches the source’s revision, asking for progress', async () => {
    const { cache } = newCache();
    cache.replace([], 5);
    let progressRequests = 0;
    cache.setRevisionSource({ currentRevision: async () => 7, requestProgress: () => progressRequests++ });
    let settled = false;
    const listing = cache.list().then((result) => {
      settled = true;
      return result;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toBe(false);
    expect(progressRequests).toBe(1);
    put(cache, { name: 'a', rv: 6 });
    await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toBe(false);
    cache.advance(7);
    const result = await listing;
    expect(result.resourceVersion).toBe('7');
    expect(result.items).toHaveLength(1);
  });

  it('timeout — Timeout 504 `Too large resource version` with Retry-After 1, after consistentReadTimeoutMs on the clock', async () => {
    const { cache, clock } = newCache({ consistentReadTimeoutMs: 3000 });
    cache.replace([], 5);
    cache.setRevisionSource({ currentRevision: async () => 9 });
    const listing = cache.list();
    await new Promise((resolve) => setImmediate(resolve));
    clock.advance(2999);
    let failed = false;
    listing.catch(() => {
      failed = true;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(failed).toBe(false);
    clock.advance(1);
    await expect(listing).rejects.toMatchObject({
      reason: 'Timeout',
      code: 504,
      message: 'Timeout: Too large resource version: 9, current: 5',
      retryAfterSeconds: 1,
      details: { causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }], retryAfterSeconds: 1 },
    });
  });

  it('.watch() from a future resourceVersion — waits, then streams', async () => {
    const { cache } = newCache();
    cache.replace([], 5);
    const watching = cache.watch({ resourceVersion: '6' });
    put(cache, { name: 'a', rv: 6 });
    put(cache, { name: 'b', rv: 7 });
    const watcher = await watching;
    expect(watcher.tryNext()?.object.getObject().metadata?.name).toBe('b');
  });

  it('.list() resourceVersion "N" newer than the cache → Timeout after the clock’s timeout', async () => {
    const { cache, clock } = newCache({ consistentReadTimeoutMs: 100 });
    cache.replace([], 5);
    const listing = cache.list({ resourceVersion: '50' });
    clock.advance(100);
    await expect(listing).rejects.toMatchObject({ reason: 'Timeout', message: 'Timeout: Too large resource version: 50, current: 5' });
  });

  it('signal — an aborted wait rejects with the reason and leaves no timer', async () => {
    const { cache, clock } = newCache();
    cache.replace([], 5);
    const controller = new AbortController();
    const listing = cache.list({ resourceVersion: '50', signal: controller.signal });
    const before = clock.pendingTimers;
    controller.abort(new Error('gone'));
    await expect(listing).rejects.toThrow('gone');
    expect(clock.pendingTimers).toBe(before - 1);
  });
});
