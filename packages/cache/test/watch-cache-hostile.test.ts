import { CachingObject, type KubeObject } from '@apiserver-kit/codec';
import { type Clock, FakeClock, MemoryStorage, type Timer } from '@apiserver-kit/storage';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  encodeContinueToken,
  HistoryEvent,
  labelIndex,
  namespaceIndex,
  parseFieldSelector,
  parseLabelSelector,
  Reflector,
  SelectionPredicate,
  StoreEntry,
  storageListerWatcher,
  WatchCache,
} from '../src/index.js';
import type { CacheWatcher } from '../src/cache-watcher.js';
import { RevisionWaiters } from '../src/watch-cache-waiters.js';
import { newCache, pod, put, until } from './helpers.js';

function drain(watcher: CacheWatcher): string[] {
  const seen: string[] = [];
  for (let event = watcher.tryNext(); event !== undefined; event = watcher.tryNext()) {
    seen.push(`${event.type} ${String(event.object.getObject().metadata?.name)}`);
  }
  return seen;
}

const SELECTORS = ['app=web', 'app!=web', '!app', 'app', 'app in (web,db)', 'app notin (web)', 'tier>1', 'app=web,tier<9'];

/** What a malformed `metadata.labels` reads as: a record's string values only. */
function modelLabels(labels: unknown): Record<string, string> {
  if (typeof labels !== 'object' || labels === null || Array.isArray(labels)) return {};
  const clean: Record<string, string> = {};
  for (const [key, value] of Object.entries(labels)) if (typeof value === 'string') clean[key] = value;
  return clean;
}

const labelValue = fc.oneof(fc.constantFrom('web', 'db', '1', '5', '12'), fc.integer(), fc.constant(null), fc.boolean(), fc.array(fc.string(), { maxLength: 2 }), fc.object({ maxDepth: 1 }));
const malformedLabels = fc.oneof(
  fc.constant(undefined),
  fc.constant(null),
  fc.string({ maxLength: 8 }),
  fc.integer(),
  fc.array(fc.string({ maxLength: 3 }), { maxLength: 3 }),
  fc.dictionary(fc.constantFrom('app', 'tier', '0', 'length'), labelValue, { maxKeys: 3 }),
);

describe('WatchCache — hostile or careless objects', () => {
  it('malformed metadata.labels (null, string, number, array, non-string values): LIST, indexes and later watches never throw; labels read as a record’s string values (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(malformedLabels, { minLength: 1, maxLength: 8 }), fc.integer({ min: 0, max: 8 }), async (labelsList, split) => {
        const cache = new WatchCache({ resource: 'pods', clock: new FakeClock(), indexes: [namespaceIndex(), labelIndex('app')] });
        const objects = labelsList.map((labels, i) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: `p${i}`, namespace: 'default', labels } }) as unknown as KubeObject);
        cache.replace(objects.slice(0, split), 1);
        objects.slice(split).forEach((object, i) => cache.apply({ type: 'ADDED', object, revision: 2 + i }));
        for (const text of SELECTORS) {
          const selector = parseLabelSelector(text);
          const expected = labelsList.flatMap((labels, i) => (selector.matches(modelLabels(labels)) ? [`p${i}`] : [])).sort();
          const predicate = new SelectionPredicate(selector);
          const listed = await cache.list({ resourceVersion: '0', predicate });
          expect(listed.items.map((item) => item.getObject().metadata?.name).sort()).toEqual(expected);
          const watcher = await cache.watch({ resourceVersion: '0', predicate });
          expect(drain(watcher).sort()).toEqual(expected.map((name) => `ADDED ${name}`).sort());
          watcher.close();
        }
      }),
      { numRuns: 150 },
    );
  });

  it('metadata null or a string, a namespace that is a number: stored and listed, never a TypeError', async () => {
    const { cache } = newCache();
    const odd = [
      { apiVersion: 'v1', kind: 'Pod', metadata: null },
      { apiVersion: 'v1', kind: 'Pod', metadata: 'x' },
      { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'n', namespace: 5, labels: ['a'] } },
    ] as unknown as KubeObject[];
    cache.replace([], 1);
    odd.forEach((object, i) => cache.apply({ type: 'ADDED', object, revision: 2 + i, key: `/pods/default/odd${i}` }));
    const listed = await cache.list({ predicate: new SelectionPredicate(parseLabelSelector('!a'), parseFieldSelector('metadata.namespace=')) });
    expect(listed.items).toHaveLength(3);
  });
});

describe('WatchCache — one key per object: storage’s', () => {
  it('an object stored without metadata.namespace under /pods/ns/a: relisted, then deleted → gone; a watch sees ADDED and DELETED once', async () => {
    const clock = new FakeClock();
    const storage = new MemoryStorage({ clock });
    await storage.create('/pods/ns/a', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'a' } });
    const cache = new WatchCache({ resource: 'pods', clock });
    const reflector = new Reflector(storageListerWatcher(storage, '/pods/'), cache, { clock, progressIntervalMs: 0 });
    reflector.start();
    await cache.onReady();
    expect(cache.get('/pods/ns/a')).toBeDefined();
    const watcher = await cache.watch({ resourceVersion: '0' });
    await storage.delete('/pods/ns/a');
    await until(() => cache.revision === 2, 'the deletion');
    expect((await cache.list({ resourceVersion: '0' })).items).toEqual([]);
    expect(cache.size).toBe(0);
    expect(drain(watcher)).toEqual(['ADDED a', 'DELETED a']);
    await reflector.stop();
    cache.close();
  });

  it('.replace(objects, revision, keys) files each object under its key; a mismatched keys list → RangeError', () => {
    const { cache } = newCache();
    const bare = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'a' } } as KubeObject;
    cache.replace([bare], 1, ['/pods/ns/a']);
    cache.apply({ type: 'MODIFIED', object: bare, revision: 2, key: '/pods/ns/a' });
    expect(cache.size).toBe(1);
    cache.apply({ type: 'DELETED', object: bare, revision: 3, key: '/pods/ns/a' });
    expect(cache.size).toBe(0);
    expect(() => cache.replace([bare], 4, [])).toThrow(new RangeError('Expected `keys` to hold one string per object, got `undefined` (undefined) at index 0'));
    expect(() => cache.replace([], 4, ['/pods/x'])).toThrow(new RangeError('Expected `keys` to hold one key per object (0), got 1'));
  });
});

describe('WatchCache — shared events are frozen', () => {
  it('StoreEntry and HistoryEvent (shared by every watcher and catch-up) are frozen; their lazy wire events still work', () => {
    const object = new CachingObject(pod({ name: 'a', rv: 2 }));
    const entry = new StoreEntry('/pods/default/a', object, undefined, 2);
    const change = new HistoryEvent('ADDED', '/pods/default/a', 2, entry, undefined, object, 0);
    expect(Object.isFrozen(entry)).toBe(true);
    expect(Object.isFrozen(change)).toBe(true);
    expect(() => {
      (change as { type: string }).type = 'DELETED';
    }).toThrow(TypeError);
    expect(change.watchEvent('ADDED')).toBe(entry.addedEvent());
    expect(change.watchEvent('MODIFIED').type).toBe('MODIFIED');
    expect(change.type).toBe('ADDED');
  });
});

describe('WatchCache — host callbacks that throw', () => {
  it('onResize that throws: the change is applied whole (store, history, watchers), the timer keeps running', async () => {
    let calls = 0;
    const { cache, clock } = newCache({
      capacity: { lowerBound: 8, upperBound: 64, windowMs: 10_000, checkIntervalMs: 1000 },
      onResize: () => {
        calls++;
        throw new Error('metrics broke');
      },
    });
    cache.replace([], 1);
    const watcher = await cache.watch({ resourceVersion: '1' });
    for (let i = 0; i < 9; i++) put(cache, { name: `p${i}`, rv: 2 + i }); // the 9th append grows 8 → 16
    expect(calls).toBe(1);
    expect(cache.stats).toMatchObject({ capacity: 16, events: 9, objects: 9, revision: 10 });
    expect(drain(watcher)).toHaveLength(9);
    clock.advance(30_000); // shrinks on the timer: onResize throws from a timer callback, nothing escapes
    expect(calls).toBeGreaterThan(1);
    expect(cache.stats.capacity).toBe(8);
  });
});

/** A clock whose timers are fired in O(1) each, so that only the cache's own work is measured. */
class ListClock implements Clock {
  readonly timers: { callback: () => void; cancelled: boolean }[] = [];
  now(): number {
    return 0;
  }
  setTimer(callback: () => void): Timer {
    const timer = { callback, cancelled: false };
    this.timers.push(timer);
    return {
      cancel: () => {
        timer.cancelled = true;
      },
    };
  }
  fireAll(): void {
    for (const timer of this.timers.splice(0)) if (!timer.cancelled) timer.callback();
  }
}

describe('WatchCache — many reads waiting for a future revision', () => {
  it('RevisionWaiters — n adds and n removals in any order cost O(n log n) heap steps; release in revision order', () => {
    const waiters = new RevisionWaiters();
    const n = 40_000;
    const handles = Array.from({ length: n }, (_, i) => waiters.add(100 + ((i * 7919) % 1000), () => {}, () => {}));
    for (let i = 0; i < n; i += 2) waiters.remove(handles[(i * 104_729) % n]!);
    const released: number[] = [];
    const rest = Array.from({ length: 100 }, (_, i) => waiters.add(50 + i, () => released.push(50 + i), () => {}));
    waiters.releaseUpTo(99);
    expect(released).toEqual(Array.from({ length: 50 }, (_, i) => 50 + i));
    for (const handle of [...handles, ...rest]) waiters.remove(handle);
    expect(waiters.size).toBe(0);
    // A filtered array did ~n²/2 = 8e8 steps here; the heap does a few per level.
    expect(waiters.work).toBeLessThan(4 * 2 * n * Math.log2(n));
  });

  it('40 000 lists waiting for a revision time out together without quadratic work, each with Timeout 504', async () => {
    const clock = new ListClock();
    const cache = new WatchCache({ resource: 'pods', clock, bookmarkIntervalMs: 0 });
    cache.replace([], 5);
    const n = 40_000;
    const outcomes = Array.from({ length: n }, (_, i) => cache.list({ resourceVersion: String(6 + (i % 100)) }).then(
      () => 'served',
      (error: { code?: number }) => error.code,
    ));
    await Promise.resolve();
    const started = performance.now();
    clock.fireAll();
    const elapsed = performance.now() - started;
    const results = await Promise.all(outcomes);
    expect(results.every((code) => code === 504)).toBe(true);
    // Generous: the heap takes milliseconds; the old O(n) removal per timeout took ~17 s here.
    expect(elapsed).toBeLessThan(5_000);
  });
});

describe('WatchCache — selectors and counts as the apiserver answers them', () => {
  it('.list() / .watch() with an unknown field → BadRequest 400 `field label not supported: spec.nodename` (pods conversion.go); aliases resolve', async () => {
    const { cache } = newCache();
    cache.replace([pod({ name: 'a', rv: 1, node: 'n1' }), pod({ name: 'b', rv: 1, node: 'n2' })], 2);
    const unknown = new SelectionPredicate(undefined, parseFieldSelector('spec.nodename=n1'));
    for (const call of [() => cache.list({ predicate: unknown }), () => cache.watch({ predicate: unknown })]) {
      await expect(call()).rejects.toMatchObject({ reason: 'BadRequest', code: 400, message: 'field label not supported: spec.nodename' });
    }
    expect(() => cache.tryList({ predicate: unknown })).toThrow(expect.objectContaining({ code: 400 }));
    const alias = new SelectionPredicate(undefined, parseFieldSelector('spec.host=n1'));
    expect((await cache.list({ predicate: alias })).items.map((item) => item.getObject().metadata?.name)).toEqual(['a']);
    const other = new WatchCache({ resource: 'widgets', clock: new FakeClock(), objectKind: { apiVersion: 'example.com/v1', kind: 'Widget' } });
    other.replace([], 1);
    await expect(other.list({ predicate: unknown })).rejects.toMatchObject({
      code: 400,
      message: '"spec.nodename" is not a known field selector: only "metadata.name", "metadata.namespace"',
    });
  });

  // apiserver storage etcd3 store.go GetList: remainingItemCount whenever the predicate is empty, counted from the page's start to the prefix's end.
  it('remainingItemCount on namespace-scoped pages too, and computed, never taken from a client’s token', async () => {
    const { cache } = newCache();
    cache.replace(['a1', 'a2', 'a3', 'a4'].map((name) => pod({ ns: 'a', name, rv: 1 })).concat([pod({ ns: 'b', name: 'b1', rv: 1 })]), 3);
    const first = await cache.list({ prefix: '/pods/a/', limit: 1 });
    expect(first.remainingItemCount).toBe(3);
    const second = await cache.list({ prefix: '/pods/a/', limit: 2, continue: first.continue! });
    expect(second.remainingItemCount).toBe(1);
    // A token claiming 999 remaining, for the page after a2: the count is the cache's, 1.
    const forged = encodeContinueToken('/pods/a/a2', '/pods/a/', 3, 999);
    const page = await cache.list({ prefix: '/pods/a/', limit: 1, continue: forged });
    expect(page.items.map((item) => item.getObject().metadata?.name)).toEqual(['a3']);
    expect(page.remainingItemCount).toBe(1);
    const whole = await cache.list({ limit: 2, continue: encodeContinueToken('/pods/a/a1', '/pods/', 3, 999) });
    expect(whole.remainingItemCount).toBe(2);
  });
});
