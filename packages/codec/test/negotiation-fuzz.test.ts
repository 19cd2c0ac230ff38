/**
 * Hostile `Accept` and `Content-Type` headers: the parsers never throw, and
 * negotiation returns or throws NotAcceptable / UnsupportedMediaType only, in
 * time and heap bounded per byte of header (see ./bounded.ts). Plus
 * metamorphic properties of Kubernetes' NegotiateMediaTypeOptions
 * (apiserver endpoints/handlers/negotiation/negotiate.go).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  JsonEncoder,
  negotiateDecoder,
  negotiateEncoder,
  parseAccept,
  parseMediaType,
  ProtobufEncoder,
  StatusError,
  YamlEncoder,
  type Encoder,
  type NegotiatedEncoder,
  type NegotiateEncoderOptions,
} from '../src/index.js';
import { expectBounded } from './bounded.js';

const json = new JsonEncoder();
const yaml = new YamlEncoder();
const protobuf = new ProtobufEncoder();
const encoders: readonly Encoder[] = [json, yaml, protobuf];
const conversions = ['Table;meta.k8s.io;v1', 'PartialObjectMetadataList;meta.k8s.io;v1'];

/** Header-shaped text: the characters that matter to the grammar, plus anything. */
const headerChars = fc.constantFrom(...'application/json*;,="\\ q=0.1 as=Table g=meta.k8s.io v=v1 stream=watch pretty=1 yaml vnd.kubernetes.protobuf\t'.split(''));
const headers: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 256 }),
  fc.string({ unit: headerChars, maxLength: 256 }),
  fc
    .array(
      fc.tuple(
        fc.constantFrom('application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf', 'application/*', '*/*', 'text/html', 'a/b'),
        fc.array(fc.constantFrom(';q=0.5', ';q=0', ';q=1', ';as=Table', ';g=meta.k8s.io', ';v=v1', ';v=v1beta1', ';as=PartialObjectMetadataList', ';stream=watch', ';stream=x', ';pretty=1', ';pretty=true', ';charset=latin1', ';x="a,b"', ';sv=v2', ';export=1'), {
          maxLength: 5,
        }),
      ),
      { maxLength: 8 },
    )
    .map((ranges) => ranges.map(([type, params]) => type + params.join('')).join(', ')),
);

const negotiate = (accept: string, options: NegotiateEncoderOptions = {}): NegotiatedEncoder | StatusError => {
  try {
    return negotiateEncoder(accept, encoders, { conversions, ...options });
  } catch (error) {
    if (error instanceof StatusError) return error;
    throw error;
  }
};
const outcome = (result: NegotiatedEncoder | StatusError): string => (result instanceof StatusError ? result.reason : result.encoder.identifier);

describe('negotiation fuzz — only StatusError, bounded time and heap per byte of header', () => {
  it('property: parseMediaType() and parseAccept() never throw', () => {
    fc.assert(
      fc.property(headers, (header) => {
        const size = Buffer.byteLength(header);
        expectBounded(size, () => parseMediaType(header), []);
        expectBounded(size, () => parseAccept(header), []);
      }),
      { numRuns: 500 },
    );
  });

  it('property: negotiateEncoder() → an offered encoder or NotAcceptable; a watch only gets watch framing', () => {
    fc.assert(
      fc.property(headers, fc.boolean(), (header, watch) => {
        expectBounded(Buffer.byteLength(header), () => negotiateEncoder(header, encoders, { watch, conversions }), ['NotAcceptable']);
        const result = negotiate(header, { watch });
        if (result instanceof StatusError) return;
        expect(encoders).toContain(result.encoder);
        if (watch) expect(result.encoder.watchFraming).toBeDefined();
      }),
      { numRuns: 500 },
    );
  });

  it('property: negotiateDecoder() → an offered decoder or UnsupportedMediaType', () => {
    fc.assert(
      fc.property(headers, (header) => {
        expectBounded(Buffer.byteLength(header), () => negotiateDecoder(header, encoders), ['UnsupportedMediaType']);
      }),
      { numRuns: 500 },
    );
  });

  it('property: an unknown parameter on every range changes nothing (acceptMediaTypeOptions collects it as Unrecognized)', () => {
    fc.assert(
      fc.property(headers, fc.boolean(), (header, watch) => {
        const ranges = header.split(',');
        fc.pre(ranges.every((range) => !range.includes('"') && !range.includes('\\')));
        const withUnknown = ranges.map((range) => (range.trim() === '' ? range : `${range};zz-unknown=1`)).join(',');
        expect(outcome(negotiate(withUnknown, { watch }))).toBe(outcome(negotiate(header, { watch })));
      }),
      { numRuns: 500 },
    );
  });

  it('property: a Table is never negotiated in protobuf (RequestScope.AllowsMediaTypeTransform)', () => {
    fc.assert(
      fc.property(headers, (header) => {
        const result = negotiate(header);
        if (!(result instanceof StatusError) && result.range.params['as'] === 'Table') expect(result.encoder).not.toBe(protobuf);
      }),
      { numRuns: 500 },
    );
  });

  it('long and hostile headers: 100 000 ranges, parameters, quotes, backslashes, commas', () => {
    const n = 100_000;
    const cases = [
      ','.repeat(n),
      'application/json;q=0.5,'.repeat(n / 10),
      `application/json${';x=1'.repeat(n / 4)}`,
      `application/json;x="${'\\"'.repeat(n / 2)}`,
      '"'.repeat(n),
      '\\'.repeat(n),
      `${'a'.repeat(n)}/${'b'.repeat(n)}`,
      `text/html;q=0.${'1'.repeat(n)}`,
      `*/*;as=Table;g=meta.k8s.io;v=v1${', application/vnd.kubernetes.protobuf;as=Table;g=meta.k8s.io;v=v1'.repeat(n / 60)}`,
      ';'.repeat(n),
      '='.repeat(n),
    ];
    for (const header of cases) {
      const size = Buffer.byteLength(header);
      expectBounded(size, () => parseAccept(header), []);
      expectBounded(size, () => negotiateEncoder(header, encoders, { conversions }), ['NotAcceptable']);
      expectBounded(size, () => negotiateEncoder(header, encoders, { watch: true }), ['NotAcceptable']);
      expectBounded(size, () => negotiateDecoder(header, encoders), ['UnsupportedMediaType']);
    }
  });
});
