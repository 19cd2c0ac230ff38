import { describe, expect, it } from 'vitest';
import { newCache, pod } from './helpers.js';

describe('WatchCache readiness', () => {
  // cacher.go: errors.NewTooManyRequests("storage is (re)initializing", 1) — client-go retries a 429 watch without relisting.
  it('.list() / .watch() before the initial list → TooManyRequests 429 with Retry-After 1 (cacher.go)', async () => {
    const { cache } = newCache();
    expect(cache.isReady).toBe(false);
    for (const call of [() => cache.list(), () => cache.watch()]) {
      await expect(call()).rejects.toMatchObject({
        reason: 'TooManyRequests',
        code: 429,
        message: 'storage is (re)initializing',
        retryAfterSeconds: 1,
      });
    }
  });

  it('.onReady() — resolves at the first replace(), not before', async () => {
    const { cache } = newCache();
    let ready = false;
    const waiting = cache.onReady().then(() => {
      ready = true;
    });
    await Promise.resolve();
    expect(ready).toBe(false);
    cache.replace([pod({ name: 'a', rv: 1 })], 5);
    await waiting;
    expect(ready).toBe(true);
    expect(cache.isReady).toBe(true);
    expect((await cache.list()).items).toHaveLength(1);
  });

  it('.close() — lists fail with ServiceUnavailable, timers cancelled', async () => {
    const { cache, clock } = newCache();
    cache.replace([], 1);
    expect(clock.pendingTimers).toBeGreaterThan(0);
    cache.close();
    expect(clock.pendingTimers).toBe(0);
    await expect(cache.list()).rejects.toMatchObject({ reason: 'ServiceUnavailable', message: 'the pods cache is closed' });
  });
});
