import { describe, expect, it } from 'vitest';
import {
  JsonEncoder,
  negotiateDecoder,
  negotiateEncoder,
  parseAccept,
  parseMediaType,
  StatusError,
  YamlEncoder,
  type Encoder,
} from '../src/index.js';

const json = new JsonEncoder();
const yaml = new YamlEncoder();
// A stand-in for a third format with watch framing, so the tests need no other encoder.
const proto: Encoder = {
  identifier: 'proto-test',
  mediaType: 'application/vnd.kubernetes.protobuf',
  encode() {},
  watchFraming: { watchMediaType: 'application/vnd.kubernetes.protobuf;stream=watch', frameWatchEvent: () => new Uint8Array(0) },
};
const encoders = [json, yaml, proto];
const pick = (accept: string | undefined, watch = false): Encoder => negotiateEncoder(accept, encoders, { watch }).encoder;
const reject = (run: () => unknown): StatusError => {
  try {
    run();
  } catch (error) {
    if (error instanceof StatusError) return error;
    throw error;
  }
  throw new Error('no error');
};

describe('parseMediaType()', () => {
  it('parses type, subtype, parameters (quoted too) and q', () => {
    expect(parseMediaType('Application/JSON; as=Table; g=meta.k8s.io; v="v1"; q=0.5')).toEqual({
      type: 'application',
      subtype: 'json',
      params: { as: 'Table', g: 'meta.k8s.io', v: 'v1' },
      q: 0.5,
    });
  });

  it('malformed → undefined', () => {
    for (const bad of ['json', '/json', 'application/', '*/json', 'a/b;c', 'a/b;q=2', 'a/b;q=0.1234', 'a/b;x="unterminated', 'a b/c']) {
      expect(parseMediaType(bad)).toBeUndefined();
    }
  });
});

describe('parseAccept()', () => {
  it('orders by q, then specificity, then position; drops q=0 and malformed ranges', () => {
    const ranges = parseAccept('*/*;q=0.8, application/*, text/html;q=0, garbage, application/json;q=0.9, application/yaml');
    expect(ranges.map((r) => `${r.type}/${r.subtype}`)).toEqual(['application/yaml', 'application/*', 'application/json', '*/*']);
  });
});

describe('negotiateEncoder()', () => {
  it('no Accept, an empty one, or */* → the first encoder', () => {
    expect(pick(undefined)).toBe(json);
    expect(pick('')).toBe(json);
    expect(pick('*/*')).toBe(json);
    expect(pick('application/*')).toBe(json);
  });

  it('picks the most preferred available type', () => {
    expect(pick('application/yaml')).toBe(yaml);
    expect(pick('application/vnd.kubernetes.protobuf, application/json;q=0.9')).toBe(proto);
    expect(pick('application/vnd.kubernetes.protobuf;q=0.5, application/json')).toBe(json);
    expect(pick('text/html, application/yaml;q=0.1')).toBe(yaml);
    expect(pick('application/json;charset=utf-8')).toBe(json);
  });

  it('kubectl-style Table request falls back to the plain type when Table is not served', () => {
    expect(pick('application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json')).toBe(json);
    const negotiated = negotiateEncoder('application/json;as=Table;v=v1;g=meta.k8s.io', encoders, { conversions: ['Table;meta.k8s.io;v1'] });
    expect(negotiated.range.params['as']).toBe('Table');
  });

  it('watch: stream=watch understood; only encoders with watch framing qualify', () => {
    expect(pick('application/vnd.kubernetes.protobuf;stream=watch', true)).toBe(proto);
    expect(pick('application/json', true)).toBe(json);
    expect(reject(() => pick('application/yaml', true)).message).toBe(
      'only the following media types are accepted: application/json, application/vnd.kubernetes.protobuf',
    );
  });

  it('pretty=true is reported', () => {
    expect(negotiateEncoder('application/json;pretty=true', encoders).pretty).toBe(true);
    expect(negotiateEncoder('application/json', encoders).pretty).toBe(false);
  });

  it('nothing acceptable → NotAcceptable 406 listing what is on offer', () => {
    const error = reject(() => pick('text/html, application/json;q=0, application/json;charset=latin1, application/json;foo=bar'));
    expect(error.reason).toBe('NotAcceptable');
    expect(error.code).toBe(406);
    expect(error.message).toBe('only the following media types are accepted: application/json, application/yaml, application/vnd.kubernetes.protobuf');
    expect(reject(() => pick('application/json;stream=watch')).reason).toBe('NotAcceptable');
  });

  it('no encoders → TypeError', () => {
    expect(() => negotiateEncoder('*/*', [])).toThrow(new TypeError('Expected `encoders` to offer at least one encoder, got none'));
  });
});

describe('negotiateDecoder()', () => {
  it('picks by Content-Type; missing → the first (JSON)', () => {
    expect(negotiateDecoder('application/yaml', [json, yaml])).toBe(yaml);
    expect(negotiateDecoder('application/json; charset=UTF-8', [json, yaml])).toBe(json);
    expect(negotiateDecoder(undefined, [json, yaml])).toBe(json);
  });

  it('unknown or malformed Content-Type, or a non-UTF-8 charset → UnsupportedMediaType 415', () => {
    for (const type of ['text/plain', 'application/json; charset=latin1', 'nonsense', '*/*', 'application/*']) {
      const error = reject(() => negotiateDecoder(type, [json, yaml]));
      expect(error.reason).toBe('UnsupportedMediaType');
      expect(error.code).toBe(415);
      expect(error.message).toBe(
        `the body of the request was in an unknown format (${JSON.stringify(type)}) - accepted media types include: application/json, application/yaml`,
      );
    }
  });
});
