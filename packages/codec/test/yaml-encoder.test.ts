import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SpliceBuffer, StatusError, YamlEncoder, type KubeObject } from '../src/index.js';

const yaml = new YamlEncoder();
const encode = (object: KubeObject): string => {
  const sink = new SpliceBuffer();
  yaml.encode(object, sink);
  return sink.toBuffer().toString('utf8');
};
const decodeError = (text: string | Uint8Array): StatusError => {
  try {
    yaml.decode(typeof text === 'string' ? Buffer.from(text) : text);
  } catch (error) {
    if (error instanceof StatusError) return error;
    throw error;
  }
  throw new Error('decoded without error');
};

describe('YamlEncoder', () => {
  it('.encode() — block style, sorted keys, the strings a YAML 1.1 reader would misread quoted', () => {
    const text = encode({
      kind: 'ConfigMap',
      apiVersion: 'v1',
      metadata: { name: 'flags' },
      data: { enabled: 'yes', mode: '0755', version: '1.0', none: 'null', date: '2024-01-01', on: 'on', n: 'n', script: 'a\nb' },
    });
    expect(text).toBe(
      [
        'apiVersion: v1',
        'data:',
        "  date: '2024-01-01'",
        "  enabled: 'yes'",
        "  mode: '0755'",
        "  'n': 'n'",
        "  none: 'null'",
        "  'on': 'on'",
        '  script: |-',
        '    a',
        '    b',
        "  version: '1.0'",
        'kind: ConfigMap',
        'metadata:',
        '  name: flags',
        '',
      ].join('\n'),
    );
  });

  it('.decode() — reads YAML 1.1 scalars as Kubernetes does, timestamps stay strings', () => {
    expect(yaml.decode(Buffer.from('a: yes\nb: 0755\nc: 2024-01-01T00:00:00Z\nd: ~\ne: 1.5\n'))).toEqual({
      a: true,
      b: 493,
      c: '2024-01-01T00:00:00Z',
      d: null,
      e: 1.5,
    });
  });

  it('property: random objects round-trip', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (value) => {
        const normal = JSON.parse(JSON.stringify(value)) as KubeObject;
        expect(yaml.decode(Buffer.from(encode(normal)))).toEqual(normal);
      }),
      { numRuns: 300 },
    );
  });

  it('property: random bytes → an object or BadRequest, nothing else', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        try {
          yaml.decode(bytes);
        } catch (error) {
          expect(error).toBeInstanceOf(StatusError);
          expect((error as StatusError).reason).toBe('BadRequest');
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('property: truncations of a valid document → an object or BadRequest', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue(), { minKeys: 1 }), fc.nat(), (value, cut) => {
        const bytes = Buffer.from(encode(JSON.parse(JSON.stringify(value)) as KubeObject));
        try {
          yaml.decode(bytes.subarray(0, cut % bytes.byteLength));
        } catch (error) {
          expect((error as StatusError).reason).toBe('BadRequest');
        }
      }),
      { numRuns: 500 },
    );
  });

  it('.decode() — malformed YAML → BadRequest naming line, column and offset', () => {
    expect(decodeError('a: [1,').message).toBe('invalid YAML at line 1, column 7 (offset 6): unexpected end of the stream within a flow collection');
    expect(decodeError('a: b: c').message).toBe('invalid YAML at line 1, column 5 (offset 4): bad indentation of a mapping entry');
    expect(decodeError('a: *x').message).toBe('invalid YAML at line 1, column 5 (offset 4): unidentified alias "x"');
  });

  it('.decode() — only JSON data: !!binary is refused', () => {
    expect(decodeError('a: !!binary aGVsbG8=').message).toBe('invalid YAML at line 1, column 4 (offset 3): unknown scalar tag !<tag:yaml.org,2002:binary>');
  });

  it('.decode() — not a mapping → BadRequest', () => {
    expect(decodeError('- 1\n- 2').message).toBe('invalid YAML: expected a mapping at the top level, got a sequence');
    expect(decodeError('"x"').message).toBe('invalid YAML: expected a mapping at the top level, got string');
    expect(decodeError('').message).toBe('invalid YAML: expected a document, but the input is empty');
  });

  it('.decode() — an alias bomb ("billion laughs") → BadRequest, not a hang', () => {
    const lines = ['a0: &a0 ["x","x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 10; i++) lines.push(`a${i}: &a${i} [${Array.from({ length: 10 }, () => `*a${i - 1}`).join(',')}]`);
    const text = lines.join('\n');
    expect(decodeError(text).message).toBe(`invalid YAML: aliases expand the document to more than ${4 * text.length + 1000} nodes`);
  });

  it('.decode() — invalid UTF-8 → BadRequest', () => {
    expect(decodeError(Uint8Array.from([0x61, 0x3a, 0x20, 0xff])).message).toBe('invalid YAML: the body is not valid UTF-8');
  });

  it('constructor — bad options → RangeError naming the option', () => {
    expect(() => new YamlEncoder({ indent: 0 })).toThrow(new RangeError('Expected `indent` to be an integer from 1 to 10, got `0` (number)'));
    expect(new YamlEncoder({ indent: 4 }).identifier).not.toBe(yaml.identifier);
  });
});
