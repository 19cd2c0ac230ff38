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

  it('watch: stream=watch understood; the chosen encoder must have watch framing (NegotiateOutputMediaTypeStream)', () => {
    expect(pick('application/vnd.kubernetes.protobuf;stream=watch', true)).toBe(proto);
    expect(pick('application/json', true)).toBe(json);
    expect(pick('application/vnd.kubernetes.protobuf, application/json', true)).toBe(proto);
    // Kubernetes negotiates as for any request, then refuses a format without a stream serializer: YAML first → 406.
    expect(reject(() => pick('application/yaml, application/json;q=0.9', true)).message).toBe(
      'only the following media types are accepted: application/json;stream=watch, application/vnd.kubernetes.protobuf;stream=watch',
    );
    expect(reject(() => pick('application/yaml', true)).code).toBe(406);
    // No Accept header: the first encoder, which must frame watches.
    expect(reject(() => negotiateEncoder(undefined, [yaml, json], { watch: true })).reason).toBe('NotAcceptable');
  });

  it('stream=watch on a plain request is allowed where the format can stream; passed over where it cannot (acceptMediaTypeOptions "stream")', () => {
    expect(pick('application/json;stream=watch')).toBe(json);
    expect(pick('application/yaml;stream=watch, application/json;q=0.5')).toBe(json);
    expect(pick('application/json;stream=other, application/yaml;q=0.5')).toBe(yaml);
  });

  it('pretty=1 on the range means pretty; pretty=true does not (acceptMediaTypeOptions: pretty = v == "1")', () => {
    expect(negotiateEncoder('application/json;pretty=1', encoders).pretty).toBe(true);
    expect(negotiateEncoder('application/json;pretty=true', encoders).pretty).toBe(false);
    expect(negotiateEncoder('application/json;pretty=0', encoders).encoder).toBe(json);
    expect(negotiateEncoder('application/json', encoders).pretty).toBe(false);
    expect(negotiateEncoder('application/json;stream=watch;pretty=1', encoders, { watch: true }).pretty).toBe(false);
  });

  it('?pretty= query (strconv.ParseBool) and a human User-Agent mean pretty (negotiate.go isPrettyPrint)', () => {
    const pretty = (prettyQuery: string | undefined, userAgent?: string): boolean =>
      negotiateEncoder('application/json', encoders, { prettyQuery, userAgent }).pretty;
    for (const yes of ['1', 't', 'T', 'true', 'TRUE', 'True']) expect(pretty(yes)).toBe(true);
    for (const no of ['0', 'f', 'false', 'yes', 'on', 'tRuE']) expect(pretty(no)).toBe(false);
    expect(pretty(undefined, 'curl/8.5.0')).toBe(true);
    expect(pretty(undefined, 'Wget/1.21')).toBe(true);
    expect(pretty(undefined, 'Mozilla/5.0 (X11; Linux x86_64)')).toBe(true);
    expect(pretty(undefined, 'kubectl/v1.31.0 (linux/amd64) kubernetes/abc')).toBe(false);
    // A non-empty query decides over the User-Agent; an empty one does not.
    expect(pretty('false', 'curl/8.5.0')).toBe(false);
    expect(pretty('', 'curl/8.5.0')).toBe(true);
    expect(negotiateEncoder('application/json', encoders, { prettyQuery: 'true', watch: true }).pretty).toBe(false);
  });

  it('unknown parameters, charset included, are ignored, not a reason to pass the range over (acceptMediaTypeOptions "Unrecognized")', () => {
    expect(pick('application/yaml;foo=bar, application/json;q=0.5')).toBe(yaml);
    expect(pick('application/yaml;charset=latin1;export=1;profile=x, application/json;q=0.5')).toBe(yaml);
    expect(pick('application/yaml;sv=v1, application/json;q=0.5')).toBe(yaml);
    expect(pick('application/yaml;sv=v2, application/json;q=0.5')).toBe(json);
  });

  it('Table conversions are served as JSON and YAML only; a protobuf Table range falls through (RequestScope.AllowsMediaTypeTransform)', () => {
    const options = { conversions: ['Table;meta.k8s.io;v1', 'PartialObjectMetadataList;meta.k8s.io;v1'] };
    const table = 'application/vnd.kubernetes.protobuf;as=Table;g=meta.k8s.io;v=v1';
    expect(negotiateEncoder(`${table}, application/json;as=Table;g=meta.k8s.io;v=v1;q=0.9`, encoders, options)).toMatchObject({
      encoder: json,
      range: { params: { as: 'Table' } },
    });
    expect(negotiateEncoder(`${table}, application/json;q=0.5`, encoders, options)).toMatchObject({ encoder: json, range: { params: {} } });
    expect(reject(() => negotiateEncoder(table, encoders, options)).message).toBe(
      'only the following media types are accepted: application/json, application/yaml, application/vnd.kubernetes.protobuf',
    );
    // A wildcard range is tried against each encoder in order: protobuf first, then JSON, which can serve the Table.
    expect(negotiateEncoder('*/*;as=Table;g=meta.k8s.io;v=v1', [proto, json], options).encoder).toBe(json);
    expect(negotiateEncoder('application/yaml;as=Table;g=meta.k8s.io;v=v1', encoders, options).encoder).toBe(yaml);
    // PartialObjectMetadata is served in every format, protobuf included.
    const partial = 'application/vnd.kubernetes.protobuf;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1';
    expect(negotiateEncoder(partial, encoders, options).encoder).toBe(proto);
    // A conversion the host does not serve (here v1beta1) is passed over.
    expect(reject(() => negotiateEncoder('application/json;as=Table;g=meta.k8s.io;v=v1beta1', encoders, options)).reason).toBe('NotAcceptable');
  });

  it('nothing acceptable → NotAcceptable 406 listing what is on offer', () => {
    const error = reject(() => pick('text/html, application/json;q=0, application/xml;charset=utf-8'));
    expect(error.reason).toBe('NotAcceptable');
    expect(error.code).toBe(406);
    expect(error.message).toBe('only the following media types are accepted: application/json, application/yaml, application/vnd.kubernetes.protobuf');
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
