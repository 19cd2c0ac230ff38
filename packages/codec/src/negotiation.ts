import type { Decoder, Encoder } from './encoder.js';
import { notAcceptable, unsupportedMediaType } from '@apiserver-kit/core';

/** One parsed media type or `Accept` range: `type/subtype;param=value;q=0.5`. */
export interface MediaRange {
  /** Lower-cased, may be `*`. */
  readonly type: string;
  /** Lower-cased, may be `*`. */
  readonly subtype: string;
  /** Parameters other than `q`, names lower-cased, quoted values unquoted. */
  readonly params: Readonly<Record<string, string>>;
  /** Quality from 0 to 1; 1 when absent. */
  readonly q: number;
}

/** What {@link negotiateEncoder} chose. */
export interface NegotiatedEncoder {
  readonly encoder: Encoder;
  /** The Accept range that matched, for the host to read conversion parameters (`as`, `g`, `v`). */
  readonly range: MediaRange;
  /**
   * Whether to indent the output: the range's `pretty=1`, else the `?pretty=`
   * query or a browser/curl/Wget User-Agent (see {@link NegotiateEncoderOptions}).
   * Always false for a watch, whose stream Kubernetes never indents.
   */
  readonly pretty: boolean;
}

/** Options of {@link negotiateEncoder}. */
export interface NegotiateEncoderOptions {
  /**
   * Negotiating a watch stream: the range is chosen among all encoders as for
   * any request, and then must have watch framing, or the answer is 406
   * (Kubernetes' NegotiateOutputMediaTypeStream). @default false
   */
  readonly watch?: boolean | undefined;
  /**
   * Conversions the host serves for `as=<Kind>;g=<group>;v=<version>` ranges,
   * as `Kind;group;version` strings (e.g. `Table;meta.k8s.io;v1`). A range
   * asking for any other conversion is passed over, and so is a `Table` of
   * `meta.k8s.io` in any format but JSON and YAML (Kubernetes serves tables in
   * those two only; `PartialObjectMetadata` in every format). @default []
   */
  readonly conversions?: readonly string[] | undefined;
  /**
   * The request's `?pretty=` query parameter, if any. When non-empty it alone
   * decides (besides the range's `pretty=1`): `1`, `t`, `true`, `TRUE`, `True`
   * mean pretty, anything else does not (Go's strconv.ParseBool, as Kubernetes'
   * isPrettyPrint reads it). @default undefined
   */
  readonly prettyQuery?: string | undefined;
  /**
   * The request's `User-Agent`. Without a `?pretty=` query, one starting with
   * `curl`, `Wget` or `Mozilla/5.0` gets indented output, as in Kubernetes.
   * @default undefined
   */
  readonly userAgent?: string | undefined;
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/**
 * Parses one media type with parameters. Returns `undefined` when it is
 * malformed (an `Accept` range that is malformed is passed over, as Kubernetes does).
 */
export function parseMediaType(text: string): MediaRange | undefined {
  const parts = splitOutsideQuotes(text, ';');
  const full = parts[0]!.trim();
  const slash = full.indexOf('/');
  if (slash <= 0) return undefined;
  const type = full.slice(0, slash).toLowerCase();
  const subtype = full.slice(slash + 1).toLowerCase();
  if (!TOKEN.test(type) || !TOKEN.test(subtype) || (type === '*' && subtype !== '*')) return undefined;
  const params: Record<string, string> = {};
  let q = 1;
  for (const raw of parts.slice(1)) {
    const param = raw.trim();
    if (param === '') continue;
    const eq = param.indexOf('=');
    if (eq <= 0) return undefined;
    const name = param.slice(0, eq).trim().toLowerCase();
    let value = param.slice(eq + 1).trim();
    if (!TOKEN.test(name)) return undefined;
    if (value.startsWith('"')) {
      if (value.length < 2 || !value.endsWith('"')) return undefined;
      value = value.slice(1, -1).replace(/\\(.)/g, '$1');
    } else if (!TOKEN.test(value)) return undefined;
    if (name === 'q') {
      if (!/^(0(\.\d{0,3})?|1(\.0{0,3})?)$/.test(value)) return undefined;
      q = Number(value);
    } else params[name] = value;
  }
  return { type, subtype, params, q };
}

/**
 * Parses an `Accept` header into ranges, most preferred first: by `q`, then
 * by specificity (`application/json` before `application/*` before `*\/*`),
 * then in the order given. Malformed ranges and `q=0` are dropped.
 */
export function parseAccept(header: string): MediaRange[] {
  const ranges: { range: MediaRange; index: number }[] = [];
  splitOutsideQuotes(header, ',').forEach((text, index) => {
    if (text.trim() === '') return;
    const range = parseMediaType(text);
    if (range !== undefined && range.q > 0) ranges.push({ range, index });
  });
  ranges.sort((a, b) => b.range.q - a.range.q || specificity(b.range) - specificity(a.range) || a.index - b.index);
  return ranges.map((entry) => entry.range);
}

/**
 * Picks the encoder for a response from the request's `Accept` header, as
 * Kubernetes' NegotiateMediaTypeOptions does: no header (or an empty one) gets
 * the first encoder; otherwise each range, most preferred first, is tried
 * against each encoder it matches (`*\/*` and `application/*` included), in
 * the order given. Parameters: `stream` must be empty or `watch` on an encoder
 * with watch framing; `sv` must be empty or `v1`; `as`/`g`/`v` must name a
 * conversion the host serves in that format ({@link NegotiateEncoderOptions.conversions});
 * `pretty=1` asks for indentation; every other parameter (`charset`, `export`,
 * `profile`, unknown ones) is ignored, never a reason to pass the range over.
 *
 * @throws StatusError NotAcceptable (406) listing the media types on offer
 *   (for a watch: those with watch framing, as `<type>;stream=watch`).
 * @throws TypeError when `encoders` is empty.
 */
export function negotiateEncoder(
  accept: string | undefined,
  encoders: readonly Encoder[],
  options: NegotiateEncoderOptions = {},
): NegotiatedEncoder {
  const first = encoders[0];
  if (first === undefined) throw new TypeError('Expected `encoders` to offer at least one encoder, got none');
  const conversions = options.conversions ?? [];
  let chosen: { encoder: Encoder; range: MediaRange } | undefined;
  if (accept === undefined || accept.trim() === '') chosen = { encoder: first, range: ANY };
  else chosen = choose(parseAccept(accept), encoders, conversions);
  if (options.watch === true) {
    if (chosen === undefined || chosen.encoder.watchFraming === undefined) {
      throw notAcceptable(unique(encoders.filter((e) => e.watchFraming !== undefined).map((e) => `${e.mediaType};stream=watch`)));
    }
    return { ...chosen, pretty: false };
  }
  if (chosen === undefined) throw notAcceptable(unique(encoders.map((e) => e.mediaType)));
  const pretty = chosen.range.params['pretty'] === '1' || isPrettyPrint(options.prettyQuery, options.userAgent);
  return { ...chosen, pretty };
}

const ANY: MediaRange = Object.freeze({ type: '*', subtype: '*', params: Object.freeze({}), q: 1 });

function choose(ranges: readonly MediaRange[], encoders: readonly Encoder[], conversions: readonly string[]): { encoder: Encoder; range: MediaRange } | undefined {
  for (const range of ranges) {
    for (const encoder of encoders) {
      if (matches(range, encoder.mediaType) && acceptsParams(range, encoder, conversions)) return { encoder, range };
    }
  }
  return undefined;
}

/**
 * Picks the decoder for a request body from its `Content-Type`. A missing
 * header means the first decoder (JSON, as Kubernetes assumes). `charset`, if
 * given, must be utf-8.
 *
 * @throws StatusError UnsupportedMediaType (415) listing the media types accepted.
 */
export function negotiateDecoder(contentType: string | undefined, decoders: readonly Decoder[]): Decoder {
  const first = decoders[0];
  if (first === undefined) throw new TypeError('Expected `decoders` to offer at least one decoder, got none');
  if (contentType === undefined || contentType.trim() === '') return first;
  const parsed = parseMediaType(contentType);
  const charset = parsed?.params['charset']?.toLowerCase();
  if (parsed !== undefined && parsed.type !== '*' && parsed.subtype !== '*' && (charset === undefined || charset === 'utf-8' || charset === 'utf8')) {
    const full = `${parsed.type}/${parsed.subtype}`;
    const decoder = decoders.find((d) => d.mediaType === full);
    if (decoder !== undefined) return decoder;
  }
  throw unsupportedMediaType(contentType, unique(decoders.map((d) => d.mediaType)));
}

function matches(range: MediaRange, mediaType: string): boolean {
  if (range.type === '*') return true;
  const slash = mediaType.indexOf('/');
  if (range.type !== mediaType.slice(0, slash)) return false;
  return range.subtype === '*' || range.subtype === mediaType.slice(slash + 1);
}

/** Kubernetes' acceptMediaTypeOptions with the apiserver's RequestScope restrictions. */
function acceptsParams(range: MediaRange, encoder: Encoder, conversions: readonly string[]): boolean {
  const { params } = range;
  const stream = params['stream'];
  if (stream !== undefined && stream !== '' && (stream !== 'watch' || encoder.watchFraming === undefined)) return false;
  // The meta group's version: the only server version Kubernetes' RequestScope allows.
  const sv = params['sv'];
  if (sv !== undefined && sv !== '' && sv !== 'v1') return false;
  const as = params['as'];
  const g = params['g'];
  const v = params['v'];
  if (as === undefined && g === undefined && v === undefined) return true;
  if (!conversions.includes(`${as ?? ''};${g ?? ''};${v ?? ''}`)) return false;
  if (as === 'Table' && g === 'meta.k8s.io') return TABLE_MEDIA_TYPES.has(encoder.mediaType);
  return true;
}

/** RequestScope.AllowsMediaTypeTransform: a Table is written as JSON or YAML only. */
const TABLE_MEDIA_TYPES: ReadonlySet<string> = new Set(['application/json', 'application/yaml']);

/** Kubernetes' isPrettyPrint: the `?pretty=` query (strconv.ParseBool) if given, else a human client's User-Agent. */
function isPrettyPrint(query: string | undefined, userAgent: string | undefined): boolean {
  if (query !== undefined && query !== '') return ['1', 't', 'T', 'TRUE', 'true', 'True'].includes(query);
  if (userAgent === undefined) return false;
  return userAgent.startsWith('curl') || userAgent.startsWith('Wget') || userAgent.startsWith('Mozilla/5.0');
}

function specificity(range: MediaRange): number {
  if (range.type === '*') return 0;
  if (range.subtype === '*') return 1;
  return 2 + Object.keys(range.params).length;
}

function splitOutsideQuotes(text: string, separator: string): string[] {
  const parts: string[] = [];
  let start = 0;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\\' && quoted) i++;
    else if (c === '"') quoted = !quoted;
    else if (c === separator && !quoted) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}
