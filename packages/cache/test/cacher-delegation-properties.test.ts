// Property: a paginated walk served by storage (delegator.go's path for a revision the cache no longer holds) returns what
// the same walk served by the cache returns — the same items in key order, selectors applied, pages within the limit — and
// remainingItemCount, where set (empty selector, etcd3 store.go), counts exactly the items after the page.
import * as fc from 'fast-check';
import { FakeClock, MemoryStorage } from '@apiserver-kit/storage';
import { describe, expect, it } from 'vitest';
import { Cacher, type CacherListRequest, type CacherListResult } from '../src/index.js';
import { names, pod } from './helpers.js';

async function walk(cacher: Cacher, first: CacherListRequest): Promise<{ pages: CacherListResult[]; items: string[] }> {
  const pages: CacherListResult[] = [];
  let page = await cacher.list(first);
  pages.push(page);
  const { resourceVersion: _rv, resourceVersionMatch: _m, ...rest } = first;
  while (page.continue !== undefined) {
    page = await cacher.list({ ...rest, continue: page.continue });
    pages.push(page);
    if (pages.length > 100) throw new Error('no end');
  }
  return { pages, items: pages.flatMap((p) => names(p.items)) };
}

describe('Cacher.list — storage-served pages match cache-served pages (property)', () => {
  it('random pods × selectors × namespaces × limits', async () => {
    const podArb = fc.record({ ns: fc.constantFrom('a', 'b'), name: fc.stringMatching(/^[a-e]{1,3}$/), app: fc.constantFrom('x', 'y') });
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(podArb, { selector: (p) => `${p.ns}/${p.name}`, maxLength: 25 }),
        fc.constantFrom('', 'app=x', 'app!=x'),
        fc.constantFrom(undefined, 'a'),
        fc.integer({ min: 1, max: 5 }),
        async (pods, labelSelector, namespace, limit) => {
          const clock = new FakeClock();
          const storage = new MemoryStorage({ clock });
          await storage.create('/configmaps/a/first', { metadata: { name: 'first', namespace: 'a' } }); // so that revision − 1 ≥ 1
          for (const p of pods) await storage.create(`/pods/${p.ns}/${p.name}`, pod({ ns: p.ns, name: p.name, labels: { app: p.app } }));
          const listed = await storage.list('/pods/');
          await storage.create('/configmaps/a/c', { metadata: { name: 'c', namespace: 'a' } });
          const revision = await storage.currentRevision();
          const cacher = new Cacher({ resource: 'pods', clock, storage, bookmarkIntervalMs: 0 });
          cacher.cache.replace(listed.items, revision);
          const scope = { labelSelector, limit, ...(namespace === undefined ? {} : { namespace }) };
          const fromCache = await walk(cacher, { ...scope, resourceVersion: String(revision), resourceVersionMatch: 'Exact' });
          const fromStorage = await walk(cacher, { ...scope, resourceVersion: String(revision - 1), resourceVersionMatch: 'Exact' });
          expect(fromCache.pages.every((p) => p.servedFrom === 'cache')).toBe(true);
          expect(fromStorage.pages.every((p) => p.servedFrom === 'storage')).toBe(true);
          expect(fromStorage.items).toEqual(fromCache.items);
          fromStorage.pages.forEach((page, i) => {
            expect(page.items.length).toBeLessThanOrEqual(limit);
            expect(page.resourceVersion).toBe(String(revision - 1));
            if (page.remainingItemCount !== undefined) {
              expect(labelSelector).toBe('');
              const after = fromStorage.pages.slice(i + 1).reduce((n, p) => n + p.items.length, 0);
              expect(page.remainingItemCount).toBe(after);
            }
          });
          cacher.cache.close();
        },
      ),
      { numRuns: 150 },
    );
  });
});
