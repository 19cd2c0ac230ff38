/**
 * Hostile bodies against every public decoder: whatever the bytes, `decode`
 * returns an object or throws StatusError BadRequest, in time and heap
 * bounded per byte of input (see ./bounded.ts). Kubernetes answers a body it
 * cannot decode with 400 (apiserver handlers/rest.go transformDecodeError);
 * nothing a client sends may crash or stall the process.
 */
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { encodeToBuffer, JsonEncoder, ProtobufEncoder, YamlEncoder, type Decoder } from '../src/index.js';
import { expectBounded } from './bounded.js';
import { realisticConfigMap, realisticPod } from './protobuf-fixtures.js';

const json = new JsonEncoder();
const yaml = new YamlEncoder();
const protobuf = new ProtobufEncoder();
const decoders: readonly Decoder[] = [json, yaml, protobuf];

const text = (s: string): Uint8Array => Buffer.from(s, 'utf8');
/**
 * Decodes, then encodes the result as JSON, as a host storing the body would:
 * what a decoder accepts must be encodable, within the same bounds (an alias
 * bomb that decodes into shared nodes only explodes when encoded).
 */
const decodeBounded = (decoder: Decoder, bytes: Uint8Array): void =>
  expectBounded(bytes.byteLength, () => json.stringify(decoder.decode(bytes)), ['BadRequest']);

/** Body-shaped noise: arbitrary bytes, arbitrary text, and mutations of a valid document in each format. */
function bodies(valid: Uint8Array): fc.Arbitrary<Uint8Array> {
  const mutated = fc
    .tuple(fc.nat({ max: valid.length }), fc.nat({ max: valid.length }), fc.uint8Array({ maxLength: 8 }))
    .map(([at, cut, insert]) => Buffer.concat([valid.subarray(0, Math.min(at, cut)), insert, valid.subarray(Math.max(at, cut))]));
  return fc.oneof(
    fc.uint8Array({ maxLength: 2048 }),
    fc.string({ unit: 'binary', maxLength: 512 }).map(text),
    fc.nat({ max: valid.length }).map((n) => valid.subarray(0, n)),
    mutated,
  );
}

const pod = realisticPod;
const podJson = text(JSON.stringify(pod));
const podYaml = encodeToBuffer((sink) => yaml.encode(pod, sink));
const podProtobuf = encodeToBuffer((sink) => protobuf.encode(pod, sink));

describe('decode() fuzz — only StatusError BadRequest, bounded time and heap per byte', () => {
  it('property: JsonEncoder.decode() on arbitrary and mutated bodies', () => {
    fc.assert(fc.property(bodies(podJson), (bytes) => decodeBounded(json, bytes)), { numRuns: 300 });
  });

  it('property: YamlEncoder.decode() on arbitrary and mutated bodies', () => {
    fc.assert(fc.property(bodies(podYaml), (bytes) => decodeBounded(yaml, bytes)), { numRuns: 300 });
  });

  it('property: ProtobufEncoder.decode() on arbitrary, truncated and mutated bodies', () => {
    fc.assert(fc.property(bodies(podProtobuf), (bytes) => decodeBounded(protobuf, bytes)), { numRuns: 300 });
  });

  it('property: ProtobufEncoder.decodeWatchEvent() on arbitrary frames', () => {
    const frame = protobuf.watchFraming.frameWatchEvent('ADDED', podProtobuf);
    fc.assert(
      fc.property(bodies(frame), (bytes) => expectBounded(bytes.byteLength, () => json.stringify(protobuf.decodeWatchEvent(bytes)), ['BadRequest'])),
      { numRuns: 200 },
    );
  });

  it('property: bodies that are not bytes (strings, numbers, null, objects) → BadRequest from every decoder', () => {
    fc.assert(
      fc.property(fc.anything({ withBigInt: true, withMap: true, withSet: true, withTypedArray: false }), (value) => {
        for (const decoder of decoders) expectBounded(0, () => decoder.decode(value as Uint8Array), ['BadRequest']);
      }),
      { numRuns: 200 },
    );
  });

  it('JSON: deep nesting (100 000 "[" or "{"), huge numbers, long escapes, invalid UTF-8, many keys', () => {
    const n = 100_000;
    const cases = [
      '['.repeat(n),
      '{"a":'.repeat(n),
      `{"a":${'['.repeat(n)}${']'.repeat(n)}}`,
      `{"a":${'{"b":'.repeat(n)}1${'}'.repeat(n)}}`,
      `{"n":1${'0'.repeat(n)}}`,
      `{"n":1e${'9'.repeat(n)}}`,
      `{"n":-0.${'0'.repeat(n)}1}`,
      `{"s":"${'\\u0000'.repeat(n / 5)}"}`,
      `{"s":"${'\\'.repeat(n)}`,
      `{${Array.from({ length: n / 10 }, (_, i) => `"k${i}":${i}`).join(',')}}`,
      `{${'"__proto__":{},'.repeat(n / 20)}"x":1}`,
      '"'.repeat(n),
    ];
    for (const body of cases) decodeBounded(json, text(body));
    decodeBounded(json, Buffer.concat([text('{"a":"'), Buffer.alloc(n, 0xff), text('"}')]));
    decodeBounded(json, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), podJson]));
  });

  it('YAML: alias bombs (nested and wide), deep flow and block nesting, cycles, long scalars, tags, invalid UTF-8', () => {
    const laughs = ['a0: &a0 [x,x,x,x,x,x,x,x,x,x]'];
    for (let i = 1; i < 12; i++) laughs.push(`a${i}: &a${i} [${Array.from({ length: 10 }, () => `*a${i - 1}`).join(',')}]`);
    const cases = [
      laughs.join('\n'),
      `s: &s ${'x'.repeat(128 * 1024)}\nl:\n${'- *s\n'.repeat(40_000)}`,
      `a: &a {k: &k ${'y'.repeat(4096)}}\nl: [${'*a,'.repeat(20_000)}*a]`,
      `a: ${'['.repeat(100_000)}`,
      `a: ${'{b: '.repeat(50_000)}`,
      `a:\n${'- '.repeat(50_000)}x`,
      Array.from({ length: 2000 }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n'),
      'a: &a [1, *a]',
      `a: &a [${'[1, '.repeat(500)}*a${']'.repeat(501)}`,
      `a: ${'x'.repeat(500_000)}`,
      `a: "${'\\x41'.repeat(50_000)}"`,
      `a: 0x${'f'.repeat(100_000)}`,
      `a: ${'9'.repeat(100_000)}`,
      'a: !!binary aGVsbG8=',
      `a: !<tag:${'x'.repeat(10_000)}> 1`,
      `${'&a '.repeat(10_000)}x`,
      `a: &x 1\n<<: *x\n${'b: *x\n'.repeat(10_000)}`,
      '%YAML 1.2\n---\na: 1\n---\nb: 2',
      '\t'.repeat(100_000),
      `${'? '.repeat(20_000)}x`,
    ];
    for (const body of cases) decodeBounded(yaml, text(body));
    decodeBounded(yaml, Buffer.concat([text('a: '), Buffer.alloc(100_000, 0xc3)]));
  });

  it('protobuf: giant and overlong lengths, 10-byte varints, deep RawExtension embedding, every truncation and bit flip', () => {
    const magic = [0x6b, 0x38, 0x73, 0x00];
    const cases: Uint8Array[] = [
      Buffer.from([...magic, 0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f]),
      Buffer.from([...magic, 0x0a, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]),
      Buffer.from([...magic, 0x12, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]),
      Buffer.from([...magic, ...Array.from({ length: 100_000 }, () => 0x80)]),
      Buffer.concat([Buffer.from(magic), Buffer.alloc(100_000, 0x0a)]),
      Buffer.concat([Buffer.from(magic), Buffer.alloc(100_000, 0x00)]),
      Buffer.concat([Buffer.from(magic), Buffer.alloc(100_000, 0x0b)]),
      Buffer.alloc(100_000, 0x6b),
      nestedRawExtension(64),
    ];
    for (const bytes of cases) decodeBounded(protobuf, bytes);
    const configMap = encodeToBuffer((sink) => protobuf.encode(realisticConfigMap, sink));
    for (const valid of [podProtobuf, configMap]) {
      for (let n = 0; n < valid.length; n++) decodeBounded(protobuf, valid.subarray(0, n));
      for (let i = 0; i < valid.length; i++) {
        const flipped = Buffer.from(valid);
        flipped[i] = flipped[i]! ^ 0xff;
        decodeBounded(protobuf, flipped);
      }
    }
  });
});

/** `depth` envelopes, each holding the previous one as its raw bytes. */
function nestedRawExtension(depth: number): Uint8Array {
  let inner: Buffer = Buffer.from([0x6b, 0x38, 0x73, 0x00]);
  for (let i = 0; i < depth; i++) {
    const typeMeta = Buffer.from([0x0a, 0x02, ...Buffer.from('v1'), 0x12, 0x06, ...Buffer.from('Status')]);
    inner = Buffer.concat([Buffer.from([0x6b, 0x38, 0x73, 0x00, 0x0a, typeMeta.length]), typeMeta, Buffer.from([0x12]), varint(inner.length), inner]);
  }
  return inner;
}

function varint(value: number): Buffer {
  const bytes: number[] = [];
  while (value >= 0x80) {
    bytes.push((value & 0x7f) | 0x80);
    value >>>= 7;
  }
  bytes.push(value);
  return Buffer.from(bytes);
}
