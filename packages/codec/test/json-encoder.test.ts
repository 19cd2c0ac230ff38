import fc from 'fast-check';
import stableStringify from 'fast-json-stable-stringify';
import { describe, expect, it } from 'vitest';
import { deepFreeze, JsonEncoder, SpliceBuffer, StatusError, type KubeObject } from '../src/index.js';

const json = new JsonEncoder();
const encode = (encoder: JsonEncoder, object: KubeObject): string => {
  const sink = new SpliceBuffer();
  encoder.encode(object, sink);
  return sink.toBuffer().toString('utf8');
};
const decodeError = (text: string | Uint8Array, encoder = json): StatusError => {
  try {
    encoder.decode(typeof text === 'string' ? Buffer.from(text) : text);
  } catch (error) {
    if (error instanceof StatusError) return error;
    throw error;
  }
  throw new Error(`decoded without error: ${String(text)}`);
};

describe('JsonEncoder', () => {
  it('.encode() — keys in sorted order, compact', () => {
    expect(encode(json, { metadata: { name: 'a', labels: { z: '1', a: '2' } }, apiVersion: 'v1', kind: 'Pod' })).toBe(
      '{"apiVersion":"v1","kind":"Pod","metadata":{"labels":{"a":"2","z":"1"},"name":"a"}}',
    );
  });

  it('.encode() — a frozen object (fast path) and its plain twin give identical bytes', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (value) => {
        const plain = structuredClone(value) as KubeObject;
        const frozen = deepFreeze(structuredClone(value)) as KubeObject;
        expect(encode(json, frozen)).toBe(encode(json, plain));
        expect(encode(json, plain)).toBe(stableStringify(value));
      }),
      { numRuns: 500 },
    );
  });

  it('.encode() — indent option indents the same sorted document and changes the identifier', () => {
    const pretty = new JsonEncoder({ indent: 2 });
    expect(pretty.identifier).toBe('json;indent=2');
    expect(json.identifier).toBe('json');
    expect(encode(pretty, { b: 1, a: [1] })).toBe('{\n  "a": [\n    1\n  ],\n  "b": 1\n}');
  });

  it('property: random objects round-trip', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (value) => {
        expect(json.decode(Buffer.from(encode(json, value as KubeObject)))).toEqual(JSON.parse(JSON.stringify(value)));
      }),
      { numRuns: 500 },
    );
  });

  it('property: random bytes → an object or BadRequest, nothing else', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        try {
          json.decode(bytes);
        } catch (error) {
          expect(error).toBeInstanceOf(StatusError);
          expect((error as StatusError).reason).toBe('BadRequest');
          expect((error as StatusError).code).toBe(400);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('property: every truncation of a valid document → BadRequest', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue(), { minKeys: 1 }), fc.nat(), (value, cut) => {
        const bytes = Buffer.from(JSON.stringify(value));
        const truncated = bytes.subarray(0, cut % bytes.byteLength);
        expect(decodeError(truncated).reason).toBe('BadRequest');
      }),
      { numRuns: 1000 },
    );
  });

  it('.decode() — malformed JSON → BadRequest naming line, column and offset', () => {
    expect(decodeError('{"a":}').message).toBe('invalid JSON at line 1, column 6 (offset 5): unexpected "}", expected a value');
    expect(decodeError('{\n "a": 01}').message).toBe('invalid JSON at line 2, column 8 (offset 9): unexpected "1", expected \',\' or \'}\'');
    expect(decodeError('{"a":1').message).toBe("invalid JSON at line 1, column 7 (offset 6): unexpected end of input, expected ',' or '}'");
    expect(decodeError('').message).toBe('invalid JSON at line 1, column 1 (offset 0): unexpected end of input, expected a value');
    expect(decodeError('{"a":"\\x"}').message).toBe('invalid JSON at line 1, column 8 (offset 7): bad escape in string');
    expect(decodeError('{"a":1}x').message).toBe('invalid JSON at line 1, column 8 (offset 7): unexpected "x" after the end of the value');
  });

  it('.decode() — a top-level value that is not an object → BadRequest', () => {
    expect(decodeError('[1]').message).toBe('invalid JSON: expected an object at the top level, got array');
    expect(decodeError('null').message).toBe('invalid JSON: expected an object at the top level, got null');
    expect(decodeError('"x"').message).toBe('invalid JSON: expected an object at the top level, got string');
  });

  it('.decode() — invalid UTF-8 → BadRequest', () => {
    expect(decodeError(Uint8Array.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d])).message).toBe('invalid JSON: the body is not valid UTF-8');
  });

  it('.decode() — nesting deeper than maxDepth → BadRequest', () => {
    const shallow = new JsonEncoder({ maxDepth: 3 });
    expect(shallow.decode(Buffer.from('{"a":{"b":{}}}'))).toEqual({ a: { b: {} } });
    expect(decodeError('{"a":{"b":{"c":{}}}}', shallow).message).toBe('invalid JSON: nesting deeper than 3 levels');
    const deep = '{"a":'.repeat(5000) + '1' + '}'.repeat(5000);
    expect(decodeError(deep).message).toBe('invalid JSON: nesting deeper than 1000 levels');
  });

  it('.decode() — 100 000 open brackets → BadRequest, never RangeError "Maximum call stack size exceeded"', () => {
    for (const text of ['['.repeat(100_000), '{"a":' + '['.repeat(100_000), '{"a":' + '['.repeat(100_000) + ']'.repeat(100_000) + '}']) {
      const error = decodeError(text);
      expect(error.reason).toBe('BadRequest');
      expect(error.message).toMatch(/^invalid JSON(:| at line 1, column \d+ \(offset \d+\):) nesting deeper than 1000 levels$/);
    }
  });

  it('.decode() — a body that is not bytes → BadRequest, not TypeError', () => {
    for (const [body, got] of [['{}', 'string'], [42, 'number'], [null, 'null'], [{}, 'object'], [[1], 'array']] as const) {
      let caught: unknown;
      try {
        json.decode(body as unknown as Uint8Array);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(StatusError);
      expect((caught as StatusError).message).toBe(`invalid JSON: expected the body as bytes (a Uint8Array), got ${got}`);
      expect((caught as StatusError).reason).toBe('BadRequest');
    }
  });

  it('.encode() — a BigInt, a cycle or stack-deep nesting → StatusError InternalError naming the object, never a raw TypeError', () => {
    const cyclic: Record<string, unknown> = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'ns' } };
    cyclic['spec'] = { again: cyclic };
    let deep: Record<string, unknown> = {};
    for (let i = 0; i < 100_000; i++) deep = { a: deep };
    const cases: [KubeObject, string][] = [
      [{ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'ns', generation: 10n as unknown as number } }, 'Do not know how to serialize a BigInt'],
      [cyclic, 'the object contains a cycle'],
      [{ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'ns' }, spec: deep }, 'the object is nested too deeply'],
    ];
    for (const encoder of [json, new JsonEncoder({ indent: 2 })]) {
      for (const [object, problem] of cases) {
        let caught: unknown;
        try {
          encode(encoder, object);
        } catch (error) {
          caught = error;
        }
        expect(caught).toBeInstanceOf(StatusError);
        expect((caught as StatusError).toStatus()).toMatchObject({
          code: 500,
          reason: 'InternalError',
          message: `Internal error occurred: cannot encode v1, Kind=Pod "ns/p" as JSON: ${problem}`,
          details: { causes: [{ message: `cannot encode v1, Kind=Pod "ns/p" as JSON: ${problem}` }] },
        });
      }
    }
  });

  it('.encode() — undefined, functions and symbols are left out as JSON.stringify does', () => {
    expect(encode(json, { kind: 'X', a: undefined, f: () => 1, s: Symbol('s'), l: [undefined, () => 1] } as KubeObject)).toBe('{"kind":"X","l":[null,null]}');
  });

  it('.decode() — a "__proto__" key stays data', () => {
    const decoded = json.decode(Buffer.from('{"__proto__":{"x":1}}'));
    expect(Object.getPrototypeOf(decoded)).toBe(Object.prototype);
    expect(Object.keys(decoded)).toEqual(['__proto__']);
  });

  it('constructor — bad options → RangeError naming the option', () => {
    expect(() => new JsonEncoder({ indent: -1 })).toThrow(new RangeError('Expected `indent` to be an integer from 0 to 10, got `-1` (number)'));
    expect(() => new JsonEncoder({ maxDepth: 0 })).toThrow(new RangeError('Expected `maxDepth` to be a positive integer, got `0` (number)'));
  });
});
