import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { isStatusError } from '@apiserver-kit/core';
import { applyPatch } from '../src/patch.js';
import { CORE_V1_RESOURCES } from '../src/resources.js';
import type { ResourceInfo } from '../src/resources.js';
import { documentFields, patchFields } from './patch-arbitraries.js';

const MERGE = 'application/merge-patch+json';
const configmaps = CORE_V1_RESOURCES.find((info) => info.resource === 'configmaps')!;
const body = (value: unknown): Uint8Array => new TextEncoder().encode(typeof value === 'string' ? value : JSON.stringify(value));

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

const current = deepFreeze({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'cm', namespace: 'default', resourceVersion: '7', labels: { app: 'web', tier: 'front' } },
  data: { a: '1', b: '2' },
});

/** RFC 7386 MergePatch, the reference model. */
function rfcMergePatch(target: unknown, patch: unknown): unknown {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) return patch;
  const result: Record<string, unknown> =
    typeof target === 'object' && target !== null && !Array.isArray(target) ? { ...(target as Record<string, unknown>) } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = rfcMergePatch(result[key], value);
  }
  return result;
}

describe('applyPatch() — application/merge-patch+json (evanphx MergePatch)', () => {
  it('merges maps, deletes with null, replaces lists and scalars, and leaves the frozen current alone', () => {
    const patched = applyPatch(configmaps, current, body({ metadata: { labels: { tier: null, new: 'x' } }, data: { b: '3' }, binaryData: { z: 'eg==' } }), MERGE);
    expect(patched).toEqual({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'cm', namespace: 'default', resourceVersion: '7', labels: { app: 'web', new: 'x' } },
      data: { a: '1', b: '3' },
      binaryData: { z: 'eg==' },
    });
    expect(current.metadata.labels).toEqual({ app: 'web', tier: 'front' });
    expect(Object.isFrozen(patched)).toBe(false);
  });

  it('accepts a charset parameter on the Content-Type', () => {
    const patched = applyPatch(configmaps, current, body({ data: { a: 'x' } }), 'application/merge-patch+json; charset=utf-8');
    expect(patched['data']).toEqual({ a: 'x', b: '2' });
  });

  it('prunes nulls inside a value it inserts where there was no object, also inside arrays (evanphx pruneNulls)', () => {
    const patched = applyPatch(configmaps, current, body({ extra: { keep: 1, drop: null, list: [{ x: null, y: 2 }, null] } }), MERGE);
    expect(patched['extra']).toEqual({ keep: 1, list: [{ y: 2 }, null] });
  });

  it('keeps a key named __proto__ as data', () => {
    const patched = applyPatch(configmaps, current, body('{"data":{"__proto__":"p"}}'), MERGE);
    expect(Object.getPrototypeOf(patched['data'])).toBe(Object.prototype);
    expect(Object.prototype.hasOwnProperty.call(patched['data'], '__proto__')).toBe(true);
    expect(JSON.stringify(patched['data'])).toBe('{"a":"1","b":"2","__proto__":"p"}');
  });

  it.each([
    ['not JSON', '{"data":'],
    ['empty', ''],
    ['null', 'null'],
    ['a string', '"x"'],
    ['a number', '1'],
  ])('a body that is %s → BadRequest "Invalid JSON Patch" (ErrBadJSONPatch)', (_, text) => {
    expect(() => applyPatch(configmaps, current, body(text), MERGE)).toThrowError(
      expect.objectContaining({ reason: 'BadRequest', code: 400, message: 'Invalid JSON Patch' }),
    );
  });

  it('an array body replaces the document → Invalid 422 on field patch (DecodeInto of the result)', () => {
    try {
      applyPatch(configmaps, current, body([1]), MERGE);
      expect.unreachable();
    } catch (error) {
      expect(isStatusError(error, 'Invalid')).toBe(true);
      const status = (error as { toStatus(): { message: string; details?: { causes?: Array<{ field?: string }> } } }).toStatus();
      expect(status.message).toBe(' "" is invalid: patch: Invalid value: "[1]": json: cannot unmarshal array into Go value of type v1.ConfigMap');
      expect(status.details?.causes?.[0]?.field).toBe('patch');
    }
  });

  it('property: without nulls inside arrays, the result is RFC 7386 MergePatch of the current object', () => {
    fc.assert(
      fc.property(documentFields, patchFields, (doc, patch) => {
        const info: ResourceInfo = configmaps;
        const base = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm', namespace: 'default' }, ...doc };
        const fixed = { ...patch, apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm' } };
        const expected = rfcMergePatch(base, fixed) as Record<string, unknown>;
        expect(applyPatch(info, deepFreeze(structuredClone(base)), body(fixed), MERGE)).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });
});
