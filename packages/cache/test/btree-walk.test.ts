import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type BTree, newKeyTree, RangeCursor } from '../src/internal/btree.js';

/** The reference: the public iterator from `fromKey`, while keys stay below `toKey`, the first `take` values. */
function expected(tree: BTree<string, number>, fromKey: string, toKey: string, take: number): number[] {
  const out: number[] = [];
  if (!(fromKey < toKey)) return out;
  for (const [key, value] of tree.entries(fromKey)) {
    if (out.length === take || !(key < toKey)) break;
    out.push(value);
  }
  return out;
}

function walked(tree: BTree<string, number>, fromKey: string, toKey: string, take: number): number[] {
  const out: number[] = [];
  const cursor = new RangeCursor(tree, fromKey, toKey);
  while (out.length < take && cursor.next()) {
    expect(cursor.start).toBeGreaterThanOrEqual(0);
    expect(cursor.end).toBeLessThanOrEqual(cursor.values.length);
    for (let i = cursor.start; i < cursor.end && out.length < take; i++) out.push(cursor.values[i]!);
  }
  return out;
}

const key = (n: number): string => `/k/${String(n).padStart(5, '0')}`;

describe('RangeCursor (the leaf walk under every scan)', () => {
  it('visits what tree.entries(fromKey) yields below toKey, in order, stopping when asked — after deletes and on clones (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 5_000 })), { maxLength: 3_000, size: 'max' }),
        fc.integer({ min: -1, max: 5_100 }),
        fc.integer({ min: -1, max: 5_100 }),
        fc.boolean(),
        fc.integer({ min: 0, max: 6_000 }),
        (ops, from, to, between, take) => {
          const tree = newKeyTree<number>();
          let clone = tree.clone();
          ops.forEach(([put, n], i) => {
            if (put) tree.set(key(n), n, true);
            else tree.delete(key(n));
            if (i === ops.length >> 1) clone = tree.clone();
          });
          // Bounds on stored keys, between them (a NUL after), before all and after all.
          const bound = (n: number, open: string): string => (n < 0 ? open : between ? `${key(n)}\u0000` : key(n));
          const fromKey = bound(from, '');
          const toKey = bound(to, '\u007f');
          expect(walked(tree, fromKey, toKey, take)).toEqual(expected(tree, fromKey, toKey, take));
          expect(walked(clone, fromKey, toKey, take)).toEqual(expected(clone, fromKey, toKey, take));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a tree three levels deep (100 000 keys): every value once, in order; a range in the middle', () => {
    const tree = newKeyTree<number>();
    for (let i = 0; i < 100_000; i++) tree.set(`k${String(i).padStart(6, '0')}`, i, true);
    const all = walked(tree, '', '\u007f', Infinity);
    expect(all.length).toBe(100_000);
    expect(all.every((value, i) => value === i)).toBe(true);
    expect(walked(tree, 'k054321', 'k054324', Infinity)).toEqual([54_321, 54_322, 54_323]);
  });

  it('falls back to the iterator (one chunk) when the tree’s layout is not the expected one', () => {
    const tree = newKeyTree<number>();
    for (let i = 0; i < 500; i++) tree.set(`k${String(i).padStart(3, '0')}`, i, true);
    const disguised = new Proxy(tree, {
      get: (target, property) => {
        if (property === '_root') return undefined;
        const value: unknown = Reflect.get(target, property);
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    });
    const cursor = new RangeCursor(disguised, 'k100', 'k105');
    expect(cursor.next()).toBe(true);
    expect(cursor.values.slice(cursor.start, cursor.end)).toEqual([100, 101, 102, 103, 104]);
    expect(cursor.next()).toBe(false);
  });

  it('empty ranges visit nothing: toKey ≤ fromKey, past the last key, an empty tree', () => {
    const tree = newKeyTree<number>();
    expect(walked(tree, '', '\u007f', 5)).toEqual([]);
    for (let i = 0; i < 1_000; i += 2) tree.set(`k${String(i).padStart(4, '0')}`, i, true);
    expect(walked(tree, 'k0001', 'k0007', 5)).toEqual([2, 4, 6]);
    expect(walked(tree, 'k0010', 'k0010', 5)).toEqual([]);
    expect(walked(tree, 'k0010', 'k0004', 5)).toEqual([]);
    expect(walked(tree, 'k0998\u0000', '\u007f', 5)).toEqual([]);
  });
});
