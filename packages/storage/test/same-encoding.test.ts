import fc from 'fast-check';
import { JsonEncoder } from '@apiserver-kit/codec';
import { describe, expect, it } from 'vitest';
import { sameEncoding } from '../src/internal/same-encoding.js';

const encoder = new JsonEncoder();

/** JSON-ish data with the values JSON encodes specially: undefined, NaN, ±Infinity, -0, functions, Dates. */
const data = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom(null, undefined, 0, -0, 1, Number.NaN, Infinity, -Infinity, '', 'a', true, false),
    fc.constant(() => 1),
    fc.constant(new Date(0)),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.constantFrom('a', 'b', 'c', '10', '2'), tie('value'), { maxKeys: 4 }),
  ),
})).value;

/** A copy of `value` that encodes the same: keys reordered, undefined keys added, null-likes swapped. */
function variant(value: unknown, seed: number): unknown {
  if (value === null || (typeof value === 'number' && !Number.isFinite(value))) return [null, Number.NaN, Infinity][seed % 3];
  if (Object.is(value, -0) || value === 0) return seed % 2 === 0 ? 0 : -0;
  if (Array.isArray(value)) return value.map((item, i) => (item === undefined && seed % 2 === 0 ? null : variant(item, seed + i)));
  if (typeof value === 'object' && !(value instanceof Date)) {
    const entries = Object.entries(value as Record<string, unknown>).reverse();
    const out: Record<string, unknown> = seed % 2 === 0 ? { zz: undefined } : {};
    for (const [key, item] of entries) out[key] = variant(item, seed + 1);
    return out;
  }
  return value;
}

describe('sameEncoding', () => {
  // etcd3 store.go GuaranteedUpdate compares encoded bytes: the walk must answer exactly as the encoder's text does.
  it('agrees with the codec JSON encoder on any two values (property)', () => {
    fc.assert(
      fc.property(data, data, fc.nat(), (a, b, seed) => {
        const text = (v: unknown): string => encoder.stringify({ v });
        expect(sameEncoding({ v: a }, { v: b })).toBe(text(a) === text(b));
        const c = variant(a, seed);
        expect(text(c)).toBe(text(a));
        expect(sameEncoding({ v: a }, { v: c })).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });

  it('a key set to undefined is absent; an undefined array item is null; a BigInt equals nothing it is not', () => {
    expect(sameEncoding({ a: 1, b: undefined }, { a: 1 })).toBe(true);
    expect(sameEncoding([undefined], [null])).toBe(true);
    expect(sameEncoding({ a: 1 }, { a: 2 })).toBe(false);
    expect(sameEncoding({ a: 1n }, { a: 1n })).toBe(true);
    expect(sameEncoding({ a: [1n] }, { a: [2n] })).toBe(false);
    expect(sameEncoding({ d: new Date(0), x: 1n }, { d: new Date(0), x: 2n })).toBe(false);
  });
});
