import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SpliceBuffer, StatusError, YAML_EXPANSION_FACTOR, YAML_EXPANSION_SLACK_BYTES, YamlEncoder, type KubeObject } from '../src/index.js';

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

  it('.decode() — an alias bomb ("billion laughs") → BadRequest, not a hang (go-yaml: "excessive aliasing")', () => {
    const lines = ['a0: &a0 ["x","x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 10; i++) lines.push(`a${i}: &a${i} [${Array.from({ length: 10 }, () => `*a${i - 1}`).join(',')}]`);
    const text = lines.join('\n');
    const limit = YAML_EXPANSION_FACTOR * text.length + YAML_EXPANSION_SLACK_BYTES;
    expect(decodeError(text).message).toBe(`invalid YAML: aliases expand the document beyond ${limit} bytes (excessive aliasing)`);
  });

  it('.decode() — few nodes, many bytes: one 128 KiB scalar behind 40 000 aliases → BadRequest (expanded bytes are bounded, not nodes)', () => {
    // 251 KB of body that the old node count let through, expanding to ~5 GB of JSON when encoded.
    const text = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bomb}\ns: &s ${'x'.repeat(128 * 1024)}\nl:\n${'- *s\n'.repeat(40_000)}`;
    const limit = YAML_EXPANSION_FACTOR * Buffer.byteLength(text) + YAML_EXPANSION_SLACK_BYTES;
    const error = decodeError(text);
    expect(error.reason).toBe('BadRequest');
    expect(error.code).toBe(400);
    expect(error.message).toBe(`invalid YAML: aliases expand the document beyond ${limit} bytes (excessive aliasing)`);
  });

  it('.decode() — aliases within the bound are expanded as usual', () => {
    const value = yaml.decode(Buffer.from(`base: &b {cpu: 100m, tags: [${'"t",'.repeat(50)}"t"]}\nl: [${'*b,'.repeat(20)}*b]\n`));
    expect((value['l'] as unknown[]).length).toBe(21);
    expect((value['l'] as unknown[])[20]).toBe(value['base']);
  });

  it('.decode() — an alias to its own ancestor (a cycle JSON cannot hold) → BadRequest', () => {
    expect(decodeError('a: &a [1, *a]').message).toBe('invalid YAML: an alias refers to a node that contains it (a cycle)');
    expect(decodeError('a: &a {b: {c: *a}}').message).toBe('invalid YAML: an alias refers to a node that contains it (a cycle)');
  });

  it('.decode() — aliases that nest the expanded document deeper than maxDepth → BadRequest', () => {
    const shallow = new YamlEncoder({ maxDepth: 10 });
    const text = 'a: &a [[[[[1]]]]]\nb: [[[[[*a]]]]]\n';
    expect(() => shallow.decode(Buffer.from(text))).toThrow('invalid YAML: aliases nest the document deeper than 10 levels');
    expect(new YamlEncoder({ maxDepth: 12 }).decode(Buffer.from(text))).toHaveProperty('b');
  });

  it('.decode() — a body that is not bytes → BadRequest, not TypeError', () => {
    for (const [body, got] of [['a: 1', 'string'], [42, 'number'], [null, 'null'], [{}, 'object'], [undefined, 'undefined']] as const) {
      expect(() => yaml.decode(body as unknown as Uint8Array)).toThrow(new StatusError('BadRequest', `invalid YAML: expected the body as bytes (a Uint8Array), got ${got}`));
    }
  });

  it('.encode() — values YAML cannot hold → StatusError InternalError naming the object, never a raw TypeError/YAMLException', () => {
    const cyclic: Record<string, unknown> = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'ns' } };
    cyclic['self'] = cyclic;
    const cases: [KubeObject, string][] = [
      [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, n: 10n }, 'unacceptable kind of an object to dump [object BigInt]'],
      [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, f: () => 1 }, 'unacceptable kind of an object to dump [object Function]'],
      [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, s: Symbol('s') }, 'unacceptable kind of an object to dump [object Symbol]'],
      [cyclic, 'the object is nested too deeply'],
    ];
    for (const [object, problem] of cases) {
      let caught: unknown;
      try {
        encode(object);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(StatusError);
      const name = object === cyclic ? '"ns/c"' : '"c"';
      expect((caught as StatusError).toStatus()).toMatchObject({
        code: 500,
        reason: 'InternalError',
        message: `Internal error occurred: cannot encode v1, Kind=ConfigMap ${name} as YAML: ${problem}`,
      });
    }
  });

  it('.decode() — invalid UTF-8 → BadRequest', () => {
    expect(decodeError(Uint8Array.from([0x61, 0x3a, 0x20, 0xff])).message).toBe('invalid YAML: the body is not valid UTF-8');
  });

  it('constructor — bad options → RangeError naming the option', () => {
    expect(() => new YamlEncoder({ indent: 0 })).toThrow(new RangeError('Expected `indent` to be an integer from 1 to 10, got `0` (number)'));
    expect(new YamlEncoder({ indent: 4 }).identifier).not.toBe(yaml.identifier);
  });
});
