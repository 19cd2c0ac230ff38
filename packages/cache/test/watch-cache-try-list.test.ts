import { parseLabelSelector, SelectionPredicate } from '../src/index.js';
import { describe, expect, it } from 'vitest';
import { names, newCache, pod, put } from './helpers.js';

describe('WatchCache.tryList — the non-blocking partner of .list()', () => {
  it('.tryList() before the initial list → TooManyRequests 429, as .list()', () => {
    const { cache } = newCache();
    expect(() => cache.tryList()).toThrow(expect.objectContaining({ reason: 'TooManyRequests', code: 429, message: 'storage is (re)initializing' }));
  });

  it('.tryList() after close → ServiceUnavailable 503 `the pods cache is closed`', () => {
    const { cache } = newCache();
    cache.replace([], 5);
    cache.close();
    expect(() => cache.tryList()).toThrow(expect.objectContaining({ reason: 'ServiceUnavailable', message: 'the pods cache is closed' }));
  });

  it('.tryList() unset resourceVersion without a revision source — served at the cache’s revision, equal to .list()', async () => {
    const { cache } = newCache();
    cache.replace([pod({ name: 'b', rv: 3, labels: { app: 'web' } }), pod({ name: 'a', rv: 4, labels: { app: 'db' } })], 5);
    put(cache, { name: 'c', rv: 6, labels: { app: 'web' } });
    const predicate = new SelectionPredicate(parseLabelSelector('app=web'));
    const now = cache.tryList({ predicate });
    expect(now).toBeDefined();
    expect(names(now!.items)).toEqual(['default/b', 'default/c']);
    expect(now!.resourceVersion).toBe('6');
    expect(now).toEqual(await cache.list({ predicate }));
  });

  it('.tryList() unset resourceVersion with a revision source → undefined, and asks the source nothing', () => {
    const { cache } = newCache();
    cache.replace([], 5);
    let asked = 0;
    cache.setRevisionSource({ currentRevision: async () => (asked++, 5), requestProgress: () => asked++ });
    expect(cache.tryList()).toBeUndefined();
    expect(asked).toBe(0);
    expect(cache.tryList({ resourceVersion: '0' })?.resourceVersion).toBe('5');
  });

  it('.tryList() resourceVersion "N" above the cache → undefined; once the cache reaches N → the list', () => {
    const { cache } = newCache();
    cache.replace([], 5);
    expect(cache.tryList({ resourceVersion: '6' })).toBeUndefined();
    expect(cache.stats.objects).toBe(0);
    put(cache, { name: 'a', rv: 6 });
    expect(names(cache.tryList({ resourceVersion: '6' })!.items)).toEqual(['default/a']);
  });

  it('.tryList() limit and continue — pages at the first page’s revision, like .list()', () => {
    const { cache } = newCache();
    cache.replace(['a', 'b', 'c'].map((name, i) => pod({ name, rv: i + 1 })), 5);
    const first = cache.tryList({ limit: 2 })!;
    expect(names(first.items)).toEqual(['default/a', 'default/b']);
    put(cache, { name: 'aa', rv: 6 });
    const second = cache.tryList({ limit: 2, continue: first.continue! })!;
    expect(names(second.items)).toEqual(['default/c']);
    expect(second.resourceVersion).toBe('5');
  });

  it('.tryList() malformed continue token → BadRequest 400; resourceVersion older than the history, Exact → Expired 410', () => {
    const { cache } = newCache();
    cache.replace([], 5);
    put(cache, { name: 'a', rv: 6 });
    expect(() => cache.tryList({ continue: 'not-a-token' })).toThrow(expect.objectContaining({ reason: 'BadRequest', code: 400 }));
    expect(() => cache.tryList({ resourceVersion: '3', resourceVersionMatch: 'Exact' })).toThrow(
      expect.objectContaining({ reason: 'Expired', code: 410, message: 'too old resource version: 3 (5)' }),
    );
  });
});
