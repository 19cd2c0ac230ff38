import { it, expect } from 'vitest';
import { names, newCache, pod, put } from './helpers.js';
it('debug', async () => {
  const { cache } = newCache();
  cache.replace([pod({ ns: 'n1', name: 'p1', rv: 2 })], 10);
  put(cache, { ns: 'n1', name: 'p1', rv: 11 });
  put(cache, { ns: 'n1', name: 'p0', rv: 12 });
  const r = await cache.list({ resourceVersion: '10', resourceVersionMatch: 'Exact' });
  expect(r.items.map((i) => i.getObject().metadata?.resourceVersion)).toEqual(['2']);
});
