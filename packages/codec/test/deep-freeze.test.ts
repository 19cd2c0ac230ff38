import fc from 'fast-check';
import stableStringify from 'fast-json-stable-stringify';
import { describe, expect, it } from 'vitest';
import { deepFreeze, isCanonicalFrozen, MAX_OBJECT_DEPTH } from '../src/index.js';

function isDeepFrozen(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return true;
  return Object.isFrozen(value) && Object.values(value).every(isDeepFrozen);
}

describe('deepFreeze()', () => {
  it('property: JSON.stringify of a canonical result equals the key-sorted stringification of the input', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const frozen = deepFreeze(structuredClone(value));
        expect(isDeepFrozen(frozen)).toBe(true);
        expect(frozen).toEqual(value);
        if (typeof frozen === 'object' && frozen !== null && isCanonicalFrozen(frozen)) {
          expect(JSON.stringify(frozen)).toBe(stableStringify(value));
        }
      }),
      { numRuns: 500 },
    );
  });

  it('property: objects without integer-like keys always come out canonical', () => {
    const key = fc.string().filter((k) => !/^(0|[1-9]\d*)$/.test(k));
    const json = fc.letrec((tie) => ({
      value: fc.oneof({ depthSize: 'small' }, fc.string(), fc.integer(), fc.boolean(), fc.constant(null), tie('object'), fc.array(tie('value'), { maxLength: 4 })),
      object: fc.dictionary(key, tie('value'), { maxKeys: 5 }),
    }));
    fc.assert(
      fc.property(json.object, (value) => {
        const frozen = deepFreeze(structuredClone(value));
        expect(isCanonicalFrozen(frozen)).toBe(true);
        expect(JSON.stringify(frozen)).toBe(stableStringify(value));
      }),
      { numRuns: 300 },
    );
  });

  it('freezes in place, without a copy, when keys are already sorted', () => {
    const value = { a: { b: 1, c: [1, 2] }, d: 'x' };
    const frozen = deepFreeze(value);
    expect(frozen).toBe(value);
    expect(frozen.a).toBe(value.a);
    expect(isDeepFrozen(value)).toBe(true);
  });

  it('rebuilds an unsorted mapping once and returns the same value ever after', () => {
    const value = { metadata: { name: 'x', labels: { b: '1', a: '2' } }, apiVersion: 'v1' };
    const frozen = deepFreeze(value);
    expect(Object.keys(frozen)).toEqual(['apiVersion', 'metadata']);
    expect(Object.keys(frozen.metadata.labels)).toEqual(['a', 'b']);
    expect(deepFreeze(frozen)).toBe(frozen);
    expect(isCanonicalFrozen(frozen)).toBe(true);
  });

  it('remembers canonical top-level fields, so an update that keeps them skips their walk', () => {
    const stored = deepFreeze({ metadata: { name: 'x', labels: { a: '1' } }, spec: { n: 1 }, status: { phase: 'Running' } });
    expect(isCanonicalFrozen(stored.metadata)).toBe(true);
    expect(isCanonicalFrozen(stored.metadata.labels)).toBe(false); // deeper levels are not recorded
    const updated = deepFreeze({ ...stored, spec: { n: 2 } });
    expect(updated.metadata).toBe(stored.metadata);
    expect(updated.status).toBe(stored.status);
    expect(isCanonicalFrozen(updated)).toBe(true);
  });

  it('integer-like keys → frozen but not canonical (JavaScript orders them first)', () => {
    const frozen = deepFreeze({ b: 1, '10': 2, '2': 3 });
    expect(isDeepFrozen(frozen)).toBe(true);
    expect(isCanonicalFrozen(frozen)).toBe(false);
  });

  it('keeps a "__proto__" key as data, never as a prototype', () => {
    const value = JSON.parse('{"z":1,"__proto__":{"polluted":true}}') as Record<string, unknown>;
    const frozen = deepFreeze(value);
    expect(Object.getPrototypeOf(frozen)).toBe(Object.prototype);
    expect(Object.keys(frozen)).toEqual(['__proto__', 'z']);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('a cycle → TypeError naming the limit', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    expect(() => deepFreeze(cyclic)).toThrow(
      new TypeError(`Expected \`object\` to be acyclic and at most ${MAX_OBJECT_DEPTH} levels deep, got deeper nesting (object)`),
    );
  });

  it('leaves primitives alone', () => {
    expect(deepFreeze(5)).toBe(5);
    expect(deepFreeze(null)).toBe(null);
    expect(deepFreeze('s')).toBe('s');
  });
});
