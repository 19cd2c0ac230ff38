import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { applyPatch } from '../src/patch.js';
import { MAX_JSON_PATCH_OPERATIONS } from '../src/patch-json-patch.js';
import { CORE_V1_RESOURCES } from '../src/resources.js';

const JSON_PATCH = 'application/json-patch+json';
const pods = CORE_V1_RESOURCES.find((info) => info.resource === 'pods')!;
const body = (value: unknown): Uint8Array => new TextEncoder().encode(typeof value === 'string' ? value : JSON.stringify(value));

const pod = Object.freeze({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: Object.freeze({ name: 'web-0', namespace: 'default', labels: Object.freeze({ 'a/b': '1', 'm~n': '2' }) }),
  spec: Object.freeze({
    containers: Object.freeze([Object.freeze({ name: 'app', image: 'nginx:1', args: Object.freeze(['x', 'y']) })]),
  }),
});

const apply = (ops: unknown): Record<string, any> => applyPatch(pods, pod, body(ops), JSON_PATCH) as Record<string, any>;

function invalidCause(ops: unknown): string {
  try {
    apply(ops);
  } catch (error: any) {
    expect(error.reason).toBe('Invalid');
    expect(error.code).toBe(422);
    // apiserver applyJSPatch: NewGenericServerResponse(422, …)'s message; the library's error is the cause.
    expect(error.message).toBe('the server rejected our request due to an error in our request');
    return error.details.causes[0].message;
  }
  throw new Error('expected a failure');
}

describe('applyPatch() — application/json-patch+json (evanphx/json-patch v4 Apply)', () => {
  it('add, remove, replace, move, copy and test, with ~0/~1 escapes and - to append', () => {
    const patched = apply([
      { op: 'test', path: '/metadata/labels/a~1b', value: '1' },
      { op: 'replace', path: '/spec/containers/0/image', value: 'nginx:2' },
      { op: 'add', path: '/spec/containers/0/args/-', value: 'z' },
      { op: 'add', path: '/spec/containers/0/args/0', value: 'w' },
      { op: 'remove', path: '/metadata/labels/m~0n' },
      { op: 'copy', from: '/spec/containers/0', path: '/spec/containers/-' },
      { op: 'replace', path: '/spec/containers/1/name', value: 'copy' },
      { op: 'move', from: '/metadata/labels/a~1b', path: '/metadata/labels/moved' },
    ]);
    expect(patched['spec'].containers).toEqual([
      { name: 'app', image: 'nginx:2', args: ['w', 'x', 'y', 'z'] },
      { name: 'copy', image: 'nginx:2', args: ['w', 'x', 'y', 'z'] },
    ]);
    expect(patched['metadata'].labels).toEqual({ moved: '1' });
    expect(pod.spec.containers[0]!.image).toBe('nginx:1');
  });

  it('keeps the library quirks: negative indices, replace of a missing member adds it, a missing value is null', () => {
    const patched = apply([
      { op: 'remove', path: '/spec/containers/0/args/-1' },
      { op: 'replace', path: '/metadata/labels/added', value: 'v' },
      { op: 'add', path: '/spec/extra' },
      { op: 'test', path: '/spec/missing', value: null },
    ]);
    expect(patched['spec'].containers[0].args).toEqual(['x']);
    expect(patched['metadata'].labels.added).toBe('v');
    expect(patched['spec'].extra).toBeNull();
  });

  it.each([
    [[{ op: 'test', path: '/spec/containers/0/image', value: 'other' }], 'testing value /spec/containers/0/image failed: test failed'],
    [[{ op: 'remove', path: '/metadata/nothing' }], "error in remove for path: '/metadata/nothing': Unable to remove nonexistent key: nothing: missing value"],
    [[{ op: 'add', path: '/spec/none/x', value: 1 }], 'add operation does not apply: doc is missing path: "/spec/none/x": missing value'],
    [[{ op: 'add', path: '/spec/containers/0/args/5', value: 1 }], "error in add for path: '/spec/containers/0/args/5': Unable to access invalid index: 5: invalid index referenced"],
    [[{ op: 'replace', path: '/spec/containers/9', value: 1 }], 'replace operation does not apply: doc is missing key: /spec/containers/9: missing value'],
    [[{ op: 'remove', path: '/spec/containers/0/args/x' }], `error in remove for path: '/spec/containers/0/args/x': strconv.Atoi: parsing "x": invalid syntax`],
    [[{ op: 'jump', path: '/a' }], 'Unexpected kind: jump'],
    [[{ path: '/a' }], 'Unexpected kind: unknown'],
    [[{ op: 'add', value: 1 }], 'add operation failed to decode path: missing value'],
    [[{ op: 'add', path: '', value: {} }], 'add operation does not apply: doc is missing path: "": missing value'],
  ])('%j → Invalid 422 with the library error as cause', (ops, cause) => {
    expect(invalidCause(ops)).toBe(cause);
  });

  it('a body that is not an array of operations → BadRequest (DecodePatch)', () => {
    expect(() => apply({ op: 'add' })).toThrowError(
      expect.objectContaining({ reason: 'BadRequest', message: 'json: cannot unmarshal object into Go value of type jsonpatch.Patch' }),
    );
    expect(() => apply(['add'])).toThrowError(
      expect.objectContaining({ reason: 'BadRequest', message: 'json: cannot unmarshal string into Go value of type jsonpatch.Operation' }),
    );
    expect(() => apply('[{"op":')).toThrowError(expect.objectContaining({ reason: 'BadRequest', code: 400 }));
    expect(() => apply('')).toThrowError(expect.objectContaining({ reason: 'BadRequest', message: 'unexpected end of JSON input' }));
  });

  it('null is an empty patch', () => {
    expect(apply('null')).toEqual(pod);
  });

  it(`more than ${MAX_JSON_PATCH_OPERATIONS} operations → RequestEntityTooLarge 413 (maxJSONPatchOperations)`, () => {
    const ops = Array.from({ length: MAX_JSON_PATCH_OPERATIONS + 1 }, () => ({ op: 'test', path: '/kind', value: 'Pod' }));
    expect(() => apply(ops)).toThrowError(
      expect.objectContaining({
        reason: 'RequestEntityTooLarge',
        code: 413,
        message: 'Request entity too large: The allowed maximum operations in a JSON patch is 10000, got 10001',
      }),
    );
  });

  it('copies that double the document are stopped by the copy budget (AccumulatedCopySizeLimit) → 422', () => {
    const ops = [{ op: 'add', path: '/spec/blob', value: ['x'.repeat(100_000)] }];
    for (let i = 0; i < 40; i++) ops.push({ op: 'copy', from: '/spec/blob', path: '/spec/blob/-' } as never);
    expect(invalidCause(ops)).toMatch(/^Unable to complete the copy, the accumulated size increase of copy is \d+, exceeding the limit 3145728$/);
  });

  it('replacing the whole document with an array → Invalid 422 (the result is not a Pod)', () => {
    expect(() => apply([{ op: 'replace', path: '', value: [1] }])).toThrowError(expect.objectContaining({ reason: 'Invalid', code: 422 }));
  });

  it('property: add then remove of a new member round-trips; replace then replace back round-trips', () => {
    const token = fc.string({ minLength: 1, maxLength: 6 }).filter((s) => !['name', 'namespace', 'labels'].includes(s));
    const value = fc.jsonValue({ maxDepth: 2 });
    const escape = (key: string): string => key.replace(/~/g, '~0').replace(/\//g, '~1');
    fc.assert(
      fc.property(token, value, (key, v) => {
        const path = `/spec/${escape(key)}`;
        fc.pre(!Object.prototype.hasOwnProperty.call(pod.spec, key));
        expect(applyPatch(pods, pod, body([{ op: 'add', path, value: v }, { op: 'remove', path }]), JSON_PATCH)).toEqual(pod);
        const image = '/spec/containers/0/image';
        expect(
          applyPatch(pods, pod, body([{ op: 'replace', path: image, value: v }, { op: 'test', path: image, value: v }, { op: 'replace', path: image, value: 'nginx:1' }]), JSON_PATCH),
        ).toEqual(pod);
      }),
      { numRuns: 300 },
    );
  });
});
