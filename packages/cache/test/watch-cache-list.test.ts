import { describe, expect, it } from 'vitest';
import { labelIndex, namespaceIndex, parseFieldSelector, parseLabelSelector, SelectionPredicate, StatusError, WatchCache, type WatchCacheOptions } from '../src/index.js';
import { del, names, newCache, pod, podFields, put } from './helpers.js';

function seeded() {
  const { cache, clock } = newCache({ indexes: [namespaceIndex(), labelIndex('app')] });
  cache.replace([pod({ ns: 'a', name: 'x', rv: 2, labels: { app: 'web' } }), pod({ ns: 'b', name: 'y', rv: 3, labels: { app: 'db' } })], 10);
  put(cache, { ns: 'a', name: 'w', rv: 11, labels: { app: 'web' } }); // 11: add a/w
  put(cache, { ns: 'b', name: 'y', rv: 12, labels: { app: 'web' } }); // 12: b/y db → web
  del(cache, { ns: 'a', name: 'x', rv: 13 }); // 13: delete a/x
  return { cache, clock };
}

describe('WatchCache.list()', () => {
  it('resourceVersion unset — the current state in key order (consistent, no source: the cache revision)', async () => {
    const { cache } = seeded();
    const result = await cache.list();
    expect(names(result.items)).toEqual(['a/w', 'b/y']);
    expect(result.resourceVersion).toBe('13');
  });

  it('resourceVersion "0" — any cached state, limit ignored', async () => {
    const { cache } = seeded();
    const result = await cache.list({ resourceVersion: '0', limit: 1 });
    expect(names(result.items)).toEqual(['a/w', 'b/y']);
    expect(result.continue).toBeUndefined();
  });

  it('resourceVersionMatch=Exact — the state at a past revision, rebuilt from the history', async () => {
    const { cache } = seeded();
    expect(names((await cache.list({ resourceVersion: '10', resourceVersionMatch: 'Exact' })).items)).toEqual(['a/x', 'b/y']);
    expect(names((await cache.list({ resourceVersion: '11', resourceVersionMatch: 'Exact' })).items)).toEqual(['a/w', 'a/x', 'b/y']);
    const at12 = await cache.list({ resourceVersion: '12', resourceVersionMatch: 'Exact', predicate: new SelectionPredicate(parseLabelSelector('app=web')) });
    expect(names(at12.items)).toEqual(['a/w', 'a/x', 'b/y']);
    expect(at12.resourceVersion).toBe('12');
    // The live store is untouched by the rebuild.
    expect(names((await cache.list()).items)).toEqual(['a/w', 'b/y']);
  });

  it('resourceVersionMatch=Exact — older than the history → Expired', async () => {
    const { cache } = seeded();
    await expect(cache.list({ resourceVersion: '9', resourceVersionMatch: 'Exact' })).rejects.toThrow(
      expect.objectContaining({ reason: 'Expired', code: 410, message: 'too old resource version: 9 (10)' }),
    );
  });

  it('resourceVersion "N" without a match or limit — NotOlderThan: the current state', async () => {
    const { cache } = seeded();
    const result = await cache.list({ resourceVersion: '11' });
    expect(result.resourceVersion).toBe('13');
    expect(names(result.items)).toEqual(['a/w', 'b/y']);
  });

  it('resourceVersion "N" with a limit and no match — Exact, as Kubernetes', async () => {
    const { cache } = seeded();
    const result = await cache.list({ resourceVersion: '11', limit: 2 });
    expect(result.resourceVersion).toBe('11');
    expect(names(result.items)).toEqual(['a/w', 'a/x']);
    expect(result.continue).toBeDefined();
  });

  it('predicate — uses the label index, same answer as a scan; a pinned value holding much of the store is scanned (INDEX_CANDIDATE_COST)', async () => {
    const { cache } = seeded();
    // The selective plans need a store where the pinned buckets are small: 38 more pods elsewhere.
    for (let i = 0; i < 38; i++) put(cache, { ns: 'z', name: `f${String(i).padStart(2, '0')}`, rv: 14 + i, labels: { app: 'filler' } });
    const byIndex = await cache.list({ predicate: new SelectionPredicate(parseLabelSelector('app=web')) });
    expect(byIndex.plan).toEqual({ kind: 'index', index: 'label:app', values: ['web'], estimate: 2 });
    expect(names(byIndex.items)).toEqual(['a/w', 'b/y']);
    const scan = await cache.list({ predicate: new SelectionPredicate(parseLabelSelector('app!=filler')) });
    expect(scan.plan.kind).toBe('scan');
    expect(names(scan.items)).toEqual(['a/w', 'b/y']);
    // 38 of 40 pods: cheaper to scan than to look each candidate up.
    const broad = await cache.list({ predicate: new SelectionPredicate(parseLabelSelector('app=filler')) });
    expect(broad.plan.kind).toBe('scan');
    expect(broad.items).toHaveLength(38);
    const byNamespace = await cache.list({ predicate: new SelectionPredicate(undefined, parseFieldSelector('metadata.namespace=b', podFields)) });
    expect(byNamespace.plan).toMatchObject({ kind: 'index', index: 'namespace' });
    expect(names(byNamespace.items)).toEqual(['b/y']);
  });

  it('prefix — a namespace is a key range', async () => {
    const { cache } = seeded();
    expect(names((await cache.list({ prefix: '/pods/b/' })).items)).toEqual(['b/y']);
    await expect(cache.list({ prefix: '/nodes/' })).rejects.toThrow(
      new StatusError('BadRequest', 'invalid prefix "/nodes/": not under the pods prefix "/pods/"'),
    );
  });

  it('prefix without its final slash — one namespace, as Kubernetes reads it, listed, paginated and watched', async () => {
    const { cache } = newCache();
    const objects = ['a/x', 'a/y', 'a/z', 'a2/q', 'b/r'].map((key, i) => {
      const [ns, name] = key.split('/') as [string, string];
      return pod({ ns, name, rv: 2 + i });
    });
    cache.replace(objects, 10);
    expect(names((await cache.list({ prefix: '/pods/a' })).items)).toEqual(['a/x', 'a/y', 'a/z']);
    const walked: string[] = [];
    let token: string | undefined;
    do {
      const page = await cache.list(token === undefined ? { prefix: '/pods/a', limit: 1 } : { prefix: '/pods/a', limit: 1, continue: token });
      walked.push(...names(page.items));
      token = page.continue;
    } while (token !== undefined);
    expect(walked).toEqual(['a/x', 'a/y', 'a/z']);
    const watcher = await cache.watch({ prefix: '/pods/a', resourceVersion: '10' });
    put(cache, { ns: 'a2', name: 'q', rv: 11 });
    put(cache, { ns: 'a', name: 'x', rv: 12 });
    expect(watcher.tryNext()?.object.getObject().metadata?.name).toBe('x');
    expect(watcher.tryNext()).toBeUndefined();
    await expect(cache.list({ prefix: '/pods' })).resolves.toMatchObject({ resourceVersion: '12' });
    await expect(cache.list({ prefix: 42 as unknown as string })).rejects.toThrow(new StatusError('BadRequest', 'invalid prefix 42: not under the pods prefix "/pods/"'));
  });

  it('constructor — bad options raise a TypeError naming the option; a prefix gets its final slash', () => {
    expect(() => new WatchCache(undefined as unknown as WatchCacheOptions)).toThrow(new TypeError('Expected `options` to be an object, got `undefined` (undefined)'));
    expect(() => new WatchCache({ resource: '' })).toThrow(TypeError);
    for (const prefix of [42, {}, true, ['/x/'], 'pods/']) {
      expect(() => new WatchCache({ resource: 'pods', prefix: prefix as string })).toThrow(/^Expected `prefix` to be a string starting with "\/", got /);
    }
    const cache = new WatchCache({ resource: 'things', prefix: '/registry/things', bookmarkIntervalMs: 0, objectKind: { apiVersion: 'example.com/v1', kind: 'Thing' } });
    expect(cache.prefix).toBe('/registry/things/');
    cache.close();
  });

  it('items — the same CachingObject instance as the watch events', async () => {
    const { cache } = seeded();
    const watcher = await cache.watch({ resourceVersion: '10' });
    const first = watcher.tryNext();
    const listed = await cache.list({ resourceVersion: '11', resourceVersionMatch: 'Exact' });
    expect(first?.object).toBe(listed.items[0]);
    expect(cache.get('/pods/a/w')).toBe(listed.items[0]);
  });

  it('unparsable parameters → BadRequest with Kubernetes’ messages', async () => {
    const { cache } = seeded();
    const cases: [Parameters<typeof cache.list>[0], string][] = [
      [{ resourceVersion: 'abc' }, 'invalid resource version: strconv.ParseUint: parsing "abc": invalid syntax'],
      [{ resourceVersion: '-1' }, 'invalid resource version: strconv.ParseUint: parsing "-1": invalid syntax'],
      [{ limit: -1 }, 'limit: Invalid value: -1: must be a non-negative integer'],
    ];
    for (const [options, message] of cases) {
      await expect(cache.list(options)).rejects.toThrow(new StatusError('BadRequest', message));
      await expect(cache.list(options)).rejects.toMatchObject({ reason: 'BadRequest', code: 400 });
    }
  });

  // apiserver handlers/get.go: ValidateListOptions (apimachinery internalversion/validation) → errors.NewInvalid(ListOptions.meta.k8s.io).
  it('parameters that do not fit together → Invalid 422 of ListOptions.meta.k8s.io (ValidateListOptions)', async () => {
    const { cache } = seeded();
    const cases: [Parameters<typeof cache.list>[0], string][] = [
      [{ resourceVersionMatch: 'Exact' }, 'resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided'],
      [{ resourceVersion: '0', resourceVersionMatch: 'Exact' }, 'resourceVersionMatch: Forbidden: resourceVersionMatch "exact" is forbidden for resourceVersion "0"'],
      [{ resourceVersion: '1', resourceVersionMatch: 'Newest' }, 'resourceVersionMatch: Unsupported value: "Newest": supported values: "Exact", "NotOlderThan", ""'],
    ];
    for (const [options, message] of cases) {
      await expect(cache.list(options)).rejects.toMatchObject({ reason: 'Invalid', code: 422, message: `ListOptions.meta.k8s.io "" is invalid: ${message}` });
    }
  });

  it('resourceVersionMatch=Exact — undoes an update and a create made after the revision', async () => {
    const { cache } = newCache();
    cache.replace([pod({ ns: 'n1', name: 'p1', rv: 2 })], 10);
    put(cache, { ns: 'n1', name: 'p1', rv: 11 });
    put(cache, { ns: 'n1', name: 'p0', rv: 12 });
    const result = await cache.list({ resourceVersion: '10', resourceVersionMatch: 'Exact' });
    expect(result.items.map((item) => item.getObject().metadata?.resourceVersion)).toEqual(['2']);
  });
});
