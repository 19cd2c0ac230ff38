import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { decodeContinueToken, encodeContinueToken, parseLabelSelector, SelectionPredicate, StatusError } from '../src/index.js';
import { del, names, newCache, pod, put } from './helpers.js';

function seeded(count = 10) {
  const { cache, clock } = newCache();
  cache.replace(
    Array.from({ length: count }, (_, i) => pod({ name: `p${i}`, rv: i + 1, labels: { even: String(i % 2 === 0) } })),
    100,
  );
  return { cache, clock };
}

const token = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A full garbage collection (V8's gc(), reached through a fresh context). */
async function collectGarbage(): Promise<void> {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  await new Promise((resolve) => setImmediate(resolve));
  gc();
  gc();
}

describe('WatchCache.list() — pagination', () => {
  it('limit/continue — pages of the snapshot at the first page’s revision, while writes go on', async () => {
    const { cache } = seeded();
    const first = await cache.list({ limit: 4 });
    expect(names(first.items)).toEqual(['default/p0', 'default/p1', 'default/p2', 'default/p3']);
    expect(first.remainingItemCount).toBe(6);
    del(cache, { name: 'p5', rv: 101 });
    put(cache, { name: 'p45', rv: 102 });
    const second = await cache.list({ limit: 4, continue: first.continue! });
    expect(second.resourceVersion).toBe('100');
    expect(names(second.items)).toEqual(['default/p4', 'default/p5', 'default/p6', 'default/p7']);
    expect(second.remainingItemCount).toBe(2);
    const third = await cache.list({ limit: 4, continue: second.continue! });
    expect(names(third.items)).toEqual(['default/p8', 'default/p9']);
    expect(third.continue).toBeUndefined();
    expect(third.remainingItemCount).toBeUndefined();
  });

  it('continue token — Kubernetes’ shape: base64url JSON of v, rv, start (last key + NUL), rc', async () => {
    const { cache } = seeded();
    const first = await cache.list({ limit: 3 });
    expect(JSON.parse(Buffer.from(first.continue!, 'base64url').toString())).toEqual({ v: 'meta.k8s.io/v1', rv: 100, start: 'default/p2\u0000', rc: 7 });
    expect(decodeContinueToken(encodeContinueToken('/pods/a/b', '/pods/', 7), '/pods/')).toEqual({ revision: 7, startKey: '/pods/a/b\u0000', remainingCount: 0 });
  });

  it('with a selector — pages hold matching items only, no remainingItemCount', async () => {
    const { cache } = seeded();
    const predicate = new SelectionPredicate(parseLabelSelector('even=true'));
    const first = await cache.list({ limit: 2, predicate });
    expect(names(first.items)).toEqual(['default/p0', 'default/p2']);
    expect(first.remainingItemCount).toBeUndefined();
    const second = await cache.list({ limit: 10, predicate, continue: first.continue! });
    expect(names(second.items)).toEqual(['default/p4', 'default/p6', 'default/p8']);
  });

  it('a token whose snapshot was dropped — rebuilt from the history when it still covers the revision', async () => {
    const { cache } = newCache({ maxSnapshots: 0 });
    cache.replace([pod({ name: 'a', rv: 1 }), pod({ name: 'b', rv: 1 }), pod({ name: 'c', rv: 1 })], 10);
    const first = await cache.list({ limit: 1 });
    del(cache, { name: 'b', rv: 11 });
    const second = await cache.list({ limit: 5, continue: first.continue! });
    expect(names(second.items)).toEqual(['default/b', 'default/c']);
  });

  it('a token older than the history and without a snapshot → Expired telling the client to restart the list', async () => {
    const { cache } = newCache({ maxSnapshots: 0, capacity: { lowerBound: 1, upperBound: 1, windowMs: 0 } });
    cache.replace([pod({ name: 'a', rv: 1 }), pod({ name: 'b', rv: 1 })], 10);
    const first = await cache.list({ limit: 1 });
    put(cache, { name: 'x', rv: 11 });
    put(cache, { name: 'y', rv: 12 });
    await expect(cache.list({ limit: 1, continue: first.continue! })).rejects.toMatchObject({
      reason: 'Expired',
      code: 410,
      message: 'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.',
    });
  });

  it('snapshots expire by the clock', async () => {
    const { cache, clock } = newCache({ snapshotTtlMs: 1000, capacity: { lowerBound: 1, upperBound: 1, windowMs: 0 } });
    cache.replace([pod({ name: 'a', rv: 1 }), pod({ name: 'b', rv: 1 })], 10);
    const first = await cache.list({ limit: 1 });
    put(cache, { name: 'x', rv: 11 });
    put(cache, { name: 'y', rv: 12 });
    expect(names((await cache.list({ continue: first.continue! })).items)).toEqual(['default/b']);
    clock.advance(1000);
    await expect(cache.list({ continue: first.continue! })).rejects.toMatchObject({ reason: 'Expired' });
  });

  it('malformed tokens → BadRequest with Kubernetes’ messages', async () => {
    const { cache } = seeded();
    const cases: [string, string][] = [
      ['a=b', 'invalid continue token: continue key is not valid: illegal base64 data at input byte 1'],
      ['abcde', 'invalid continue token: continue key is not valid: illegal base64 data at input byte 4'],
      [Buffer.from('{').toString('base64url'), 'invalid continue token: continue key is not valid: malformed JSON'],
      [token([1]), 'invalid continue token: continue key is not valid: json: cannot unmarshal array into Go value of type storage.continueToken'],
      [token({ v: 'meta.k8s.io/v1', rv: '5', start: 'a' }), 'invalid continue token: continue key is not valid: json: cannot unmarshal string into Go struct field continueToken.rv of type int64'],
      [token({ v: 'x/v9', rv: 5, start: 'a' }), 'invalid continue token: continue key is not valid: server does not recognize this encoded version x/v9'],
      [token({ v: 'meta.k8s.io/v1', rv: 0, start: 'a' }), 'invalid continue token: continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)'],
      [token({ v: 'meta.k8s.io/v1', rv: 5, start: '' }), 'invalid continue token: continue key is not valid: encoded start key empty (version meta.k8s.io/v1)'],
      [token({ v: 'meta.k8s.io/v1', rv: 5, start: '../secrets/x' }), 'invalid continue token: continue key is not valid: ../secrets/x'],
      [token({ v: 'meta.k8s.io/v1', rv: 5, start: 'default//a' }), 'invalid continue token: continue key is not valid: default//a'],
      [token({ v: 'meta.k8s.io/v1', rv: 5, start: 'default/./a' }), 'invalid continue token: continue key is not valid: default/./a'],
      [token({ v: 'meta.k8s.io/v1', rv: 5, start: 'default/a/' }), 'invalid continue token: continue key is not valid: default/a/'],
      [token({ v: 'meta.k8s.io/v1', rv: 5, start: 'default/.' }), 'invalid continue token: continue key is not valid: default/.'],
      [token({ v: 'meta.k8s.io/v1', rv: 5, start: 'default/..' }), 'invalid continue token: continue key is not valid: default/..'],
      [Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x7d]).toString('base64url'), 'invalid continue token: continue key is not valid: malformed JSON'],
    ];
    for (const [value, message] of cases) {
      await expect(cache.list({ continue: value })).rejects.toThrow(new StatusError('BadRequest', message));
      await expect(cache.list({ continue: value })).rejects.toMatchObject({ reason: 'BadRequest' });
    }
  });

  it('continue with a resourceVersion → BadRequest (etcd3 store); with resourceVersionMatch → Invalid 422 (ValidateListOptions)', async () => {
    const { cache } = seeded();
    const first = await cache.list({ limit: 1 });
    await expect(cache.list({ continue: first.continue!, resourceVersion: '100' })).rejects.toThrow(
      new StatusError('BadRequest', 'specifying resource version is not allowed when using continue'),
    );
    await expect(cache.list({ continue: first.continue!, resourceVersion: '100', resourceVersionMatch: 'Exact' })).rejects.toMatchObject({
      reason: 'Invalid',
      code: 422,
      message: 'ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden when continue is provided',
    });
    expect((await cache.list({ continue: first.continue!, resourceVersion: '0' })).items).toHaveLength(9);
  });

  it('pages in progress keep no old state alive: after a relist, and once their snapshot expired', async () => {
    const { cache, clock } = newCache({ snapshotTtlMs: 1_000 });
    const big = (name: string): ReturnType<typeof pod> => ({ ...pod({ name, rv: 1 }), data: { blob: 'x'.repeat(1_000) } }) as ReturnType<typeof pod>;
    // Relist: tokens and resume places of the old state must not hold it.
    // The WeakRefs point at what the cache holds (its CachingObjects), not at the objects handed in.
    const old = (() => {
      cache.replace(Array.from({ length: 300 }, (_, i) => big(`old${String(i).padStart(3, '0')}`)), 10);
      return new WeakRef(cache.tryList({})!.items[150]!);
    })();
    const page = await cache.list({ limit: 10 });
    expect(page.continue).toBeDefined();
    cache.replace([pod({ name: 'fresh', rv: 11 })], 11);
    clock.advance(20_000); // past the TTL and the next capacity check (15 s), which drops expired snapshots
    await collectGarbage();
    expect(old.deref()).toBeUndefined();
    // A walk served from a kept snapshot: once it expired, its versions go.
    const replaced = (() => {
      cache.replace(Array.from({ length: 300 }, (_, i) => big(`v1-${String(i).padStart(3, '0')}`)), 20);
      return new WeakRef(cache.tryList({})!.items[150]!);
    })();
    const first = await cache.list({ limit: 100 });
    cache.replace([pod({ name: 'after', rv: 21 })], 21);
    expect((await cache.list({ limit: 100, continue: first.continue! })).items.length).toBe(100);
    clock.advance(20_000); // past the TTL and the next capacity check (15 s), which drops expired snapshots
    await collectGarbage();
    expect(replaced.deref()).toBeUndefined();
  });
});
