import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type EntryChunks, OrderedStore } from '../src/index.js';
import { entry } from './helpers.js';

describe('OrderedStore', () => {
  it('.entries() — key order whatever the insertion order, no sort on read', () => {
    const store = new OrderedStore();
    for (const name of ['c', 'a', 'b', 'aa']) store.set(entry({ name }));
    expect([...store.entries()].map((e) => e.key)).toEqual(['/pods/default/a', '/pods/default/aa', '/pods/default/b', '/pods/default/c']);
    expect([...store.entries('/pods/default/ab')].map((e) => e.key)).toEqual(['/pods/default/b', '/pods/default/c']);
  });

  it('.set() / .delete() — return the entry they replaced or removed', () => {
    const store = new OrderedStore();
    const first = entry({ name: 'a', rv: 1 });
    expect(store.set(first)).toBeUndefined();
    expect(store.set(entry({ name: 'a', rv: 2 }))).toBe(first);
    expect(store.delete('/pods/default/a')?.revision).toBe(2);
    expect(store.delete('/pods/default/a')).toBeUndefined();
    expect(store.size).toBe(0);
  });

  it('.snapshot() — does not see later writes (copy-on-write)', () => {
    const store = new OrderedStore();
    for (let i = 0; i < 500; i++) store.set(entry({ name: `p${String(i).padStart(3, '0')}`, rv: 1 }));
    const snapshot = store.snapshot(1);
    store.delete('/pods/default/p000');
    store.set(entry({ name: 'p001', rv: 2 }));
    store.set(entry({ name: 'zzz', rv: 3 }));
    expect(snapshot.size).toBe(500);
    expect(snapshot.get('/pods/default/p000')).toBeDefined();
    expect(snapshot.get('/pods/default/p001')?.revision).toBe(1);
    expect(snapshot.get('/pods/default/zzz')).toBeUndefined();
    expect(store.size).toBe(500);
    expect([...snapshot.entries()].length).toBe(500);
  });

  it('StoreEntry — labels are the object’s own record, fields computed once, ADDED event shared', () => {
    const e = entry({ name: 'a', labels: { app: 'web' }, node: 'n1' });
    expect(e.labels).toBe(e.object.getObject().metadata?.labels);
    expect(e.fields?.['spec.nodeName']).toBe('n1');
    expect(e.addedEvent()).toBe(e.addedEvent());
    expect(e.addedEvent().object).toBe(e.object);
  });

  it('.chunks() / .remember() — a page starts where the last stopped while the store is unchanged, and searches again after a write', () => {
    const store = new OrderedStore();
    for (let i = 0; i < 3_000; i++) store.set(entry({ name: `p${String(i).padStart(4, '0')}`, rv: 1 }));
    /** Reads up to `limit` keys and the index where the next would be. */
    const page = (chunks: EntryChunks, limit: number): { keys: string[]; stop: number | undefined } => {
      const keys: string[] = [];
      while (chunks.next()) {
        for (let i = chunks.start; i < chunks.end; i++) {
          if (keys.length === limit) return { keys, stop: i };
          keys.push(chunks.values[i]!.key);
        }
      }
      return { keys, stop: undefined };
    };
    const keysFrom = (from: string, n: number): string[] => [...store.range(from, '/pods0')].slice(0, n).map((e) => e.key);
    const first = store.chunks('/pods/', '/pods0');
    const one = page(first, 700);
    const next = `${one.keys.at(-1)!}\u0000`;
    store.remember(first, one.stop!, next);
    expect(page(store.chunks(next, '/pods0'), 700).keys).toEqual(keysFrom(next, 700));
    // A remembered place is used only from its own key: another start searches.
    expect(page(store.chunks('/pods/default/p2000', '/pods0'), 2).keys).toEqual(['/pods/default/p2000', '/pods/default/p2001']);
    // A write forgets every place: the page searches from its start key and sees the write.
    store.delete('/pods/default/p0701');
    store.set(entry({ name: 'p0700a', rv: 2 }));
    expect(page(store.chunks(next, '/pods0'), 3).keys).toEqual(['/pods/default/p0700', '/pods/default/p0700a', '/pods/default/p0702']);
    // A snapshot keeps its own places, unaffected by writes to the store.
    const snapshot = store.snapshot(2);
    const fromSnapshot = snapshot.chunks('/pods/', '/pods0');
    const head = page(fromSnapshot, 10);
    snapshot.remember(fromSnapshot, head.stop!, `${head.keys.at(-1)!}\u0000`);
    store.set(entry({ name: 'p0009a', rv: 3 }));
    expect(page(snapshot.chunks(`${head.keys.at(-1)!}\u0000`, '/pods0'), 2).keys).toEqual(['/pods/default/p0010', '/pods/default/p0011']);
    expect(page(store.chunks(`${head.keys.at(-1)!}\u0000`, '/pods0'), 2).keys).toEqual(['/pods/default/p0009a', '/pods/default/p0010']);
  });

  it('.chunks() / .remember() — clients walking at once, retrying pages, reading on after remembering, each page as a fresh search gives it (property)', () => {
    const store = new OrderedStore();
    for (let i = 0; i < 1_500; i++) store.set(entry({ name: `p${String(i).padStart(4, '0')}`, rv: 1 }));
    const expected = (from: string, n: number): string[] => [...store.range(from, '/pods0')].slice(0, n).map((e) => e.key);
    const step = fc.record({ client: fc.nat(4), limit: fc.integer({ min: 1, max: 300 }), retry: fc.boolean(), readOn: fc.nat(70) });
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 40 }), (steps) => {
        const starts = new Map<number, string>();
        for (const { client, limit, retry, readOn } of steps) {
          const from = starts.get(client) ?? '/pods/';
          const chunks = store.chunks(from, '/pods0');
          const keys: string[] = [];
          let next: string | undefined;
          read: while (chunks.next()) {
            for (let i = chunks.start; i < chunks.end; i++) {
              if (keys.length === limit && next === undefined) {
                next = `${keys.at(-1)!}\u0000`;
                store.remember(chunks, i, next);
                // The cursor stays usable after remembering: read a little further.
                if (readOn === 0) break read;
              }
              if (next !== undefined && keys.length >= limit + readOn) break read;
              keys.push(chunks.values[i]!.key);
            }
          }
          expect(keys).toEqual(expected(from, limit + (next === undefined ? 0 : readOn)));
          if (next !== undefined && !retry) starts.set(client, next);
          if (next === undefined) starts.delete(client);
        }
      }),
      { numRuns: 300 },
    );
  });
});
