/**
 * Whatever a host hands an encoder (BigInts, symbols, functions, Maps, typed
 * arrays, null prototypes, cycles), `encode` writes it or throws a
 * StatusError (the Encoder contract), never a raw TypeError, RangeError or
 * YAMLException, which a host's error handler would turn into a dropped
 * connection instead of a Status.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CachingObject, isStatusError, JsonEncoder, ProtobufEncoder, SpliceBuffer, YamlEncoder, type Encoder, type KubeObject } from '../src/index.js';

const encoders: readonly Encoder[] = [new JsonEncoder(), new JsonEncoder({ indent: 2 }), new YamlEncoder(), new ProtobufEncoder()];

const hostileValue = fc.anything({
  withBigInt: true,
  withBoxedValues: true,
  withMap: true,
  withSet: true,
  withObjectString: true,
  withNullPrototype: true,
  withTypedArray: true,
  withSparseArray: true,
  withDate: true,
});
const oddValue = fc.oneof(hostileValue, fc.constantFrom<unknown>(Symbol('s'), () => 1, 10n, Number.NaN, -0, undefined));

function expectOnlyStatusError(encoder: Encoder, object: KubeObject): void {
  try {
    encoder.encode(object, new SpliceBuffer());
  } catch (error) {
    if (!isStatusError(error)) throw new Error(`${encoder.identifier} threw ${String(error)}`, { cause: error });
    expect(['InternalError', 'NotAcceptable']).toContain(error.reason);
  }
}

describe('encode() fuzz — only StatusError', () => {
  it('property: a ConfigMap carrying any value, in data and at the top level', () => {
    fc.assert(
      fc.property(oddValue, oddValue, (data, extra) => {
        const object = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'ns' }, data, extra } as KubeObject;
        for (const encoder of encoders) expectOnlyStatusError(encoder, object);
      }),
      { numRuns: 300 },
    );
  });

  it('a cycle at any depth, and nesting deep enough to overflow the stack', () => {
    const cyclic: Record<string, unknown> = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } };
    cyclic['data'] = { loop: cyclic };
    let deep: unknown = 'x';
    for (let i = 0; i < 200_000; i++) deep = [deep];
    for (const encoder of encoders) {
      expectOnlyStatusError(encoder, cyclic as KubeObject);
      expectOnlyStatusError(encoder, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { deep } } as KubeObject);
    }
  });

  it('CachingObject.encoded() — the StatusError is remembered and the same one raised to every caller', () => {
    const object = new CachingObject({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, n: 1n } as KubeObject);
    const json = new JsonEncoder();
    const first = (() => {
      try {
        object.encoded(json);
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    expect(isStatusError(first, 'InternalError')).toBe(true);
    expect(() => object.encoded(json)).toThrow(first as Error);
  });
});
