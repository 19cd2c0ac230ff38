import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { forEachFrom, newKeyTree } from '../src/internal/btree.js';

/** What the public iterator gives: the values from `fromKey`, the first `take` of them. */
function expected(tree: ReturnType<typeof newKeyTree<number>>, fromKey: string, take: number): number[] {
  const out: number[] = [];
  for (const [, value] of tree.entries(fromKey)) {
    if (out.length === take) break;
    out.push(value);
  }
  return out;
}

function walked(tree: ReturnType<typeof newKeyTree<number>>, fromKey: string, take: number): number[] {
  const out: number[] = [];
  if (take === 0) return out;
  forEachFrom(tree, fromKey, (value) => {
    out.push(value);
    return out.length < take;
  });
  return out;
}

describe('forEachFrom (the leaf walk under OrderedStore.scan)', () => {
  it('visits what tree.entries(fromKey) yields, in order, stopping when asked — trees of every depth, after deletes and on clones (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 5_000 })), { maxLength: 3_000, size: 'max' }),
        fc.integer({ min: -1, max: 5_100 }),
        fc.integer({ min: 0, max: 6_000 }),
        (ops, from, take) => {
          const tree = newKeyTree<number>();
          const key = (n: number): string => `/k/${String(n).padStart(5, '0')}`;
          let clone = tree.clone();
          ops.forEach(([put, n], i) => {
            if (put) tree.set(key(n), n, true);
            else tree.delete(key(n));
            if (i === ops.length >> 1) clone = tree.clone();
          });
          const fromKey = from < 0 ? '' : key(from);
          expect(walked(tree, fromKey, take)).toEqual(expected(tree, fromKey, take));
          expect(walked(clone, fromKey, take)).toEqual(expected(clone, fromKey, take));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a tree three levels deep (100 000 keys): every value once, in order', () => {
    const tree = newKeyTree<number>();
    for (let i = 0; i < 100_000; i++) tree.set(`k${String(i).padStart(6, '0')}`, i, true);
    const all = walked(tree, '', Infinity);
    expect(all.length).toBe(100_000);
    expect(all.every((value, i) => value === i)).toBe(true);
    expect(walked(tree, 'k054321', 2)).toEqual([54_321, 54_322]);
  });

  it('a key between two stored keys starts at the next one; past the last visits nothing', () => {
    const tree = newKeyTree<number>();
    for (let i = 0; i < 1_000; i += 2) tree.set(`k${String(i).padStart(4, '0')}`, i, true);
    expect(walked(tree, 'k0001', 3)).toEqual([2, 4, 6]);
    expect(walked(tree, 'k0998\u0000', 5)).toEqual([]);
    expect(walked(tree, 'z', 5)).toEqual([]);
  });
});
