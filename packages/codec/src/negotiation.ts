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
  /** Whether the client asked for indented output (`;pretty=true`). */
  readonly pretty: boolean;
}

/** Options of {@link negotiateEncoder}. */
export interface NegotiateEncoderOptions {
  /** Negotiating a watch stream: only encoders with watch framing qualify. @default false */
  readonly watch?: boolean;
  /**
   * Conversions the host serves for `as=<Kind>;g=<group>;v=<version>` ranges,
   * as `Kind;group;version` strings (e.g. `Table;meta.k8s.io;v1`). A range
   * asking for any other conversion is passed over. @default []
   */
  readonly conversions?: readonly string[];
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
 * Kubernetes does: no header (or an empty one) gets the first encoder; `*\/*`
 * and `application/*` get the first encoder they match; parameters `charset`
 * (utf-8 only), `stream=watch`, `pretty` and the `as`/`g`/`v` conversions the
 * host serves are understood, and a range with any other parameter is passed over.
 *
 * @throws StatusError NotAcceptable (406) listing the media types on offer.
 */
export function negotiateEncoder(
  accept: string | undefined,
  encoders: readonly Encoder[],
  options: NegotiateEncoderOptions = {},
): NegotiatedEncoder {
  const candidates = options.watch === true ? encoders.filter((e) => e.watchFraming !== undefined) : encoders;
  const conversions = options.conversions ?? [];
  const first = candidates[0];
  if (first === undefined) throw new TypeError('Expected `encoders` to offer at least one encoder, got none');
  if (accept === undefined || accept.trim() === '') {
    return { encoder: first, range: { type: '*', subtype: '*', params: {}, q: 1 }, pretty: false };
  }
  for (const range of parseAccept(accept)) {
    if (!paramsUnderstood(range, conversions, options.watch === true)) continue;
    const encoder = candidates.find((e) => matches(range, e.mediaType));
    if (encoder !== undefined) return { encoder, range, pretty: range.params['pretty'] === 'true' };
  }
  throw notAcceptable(unique(candidates.map((e) => e.mediaType)));
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

function paramsUnderstood(range: MediaRange, conversions: readonly string[], watch: boolean): boolean {
  for (const [name, value] of Object.entries(range.params)) {
    switch (name) {
      case 'charset':
        if (value.toLowerCase() !== 'utf-8' && value.toLowerCase() !== 'utf8') return false;
        break;
      case 'stream':
        if (value !== 'watch' || !watch) return false;
        break;
      case 'pretty':
        if (value !== 'true' && value !== 'false') return false;
        break;
      case 'as':
      case 'g':
      case 'v':
        break;
      default:
        return false;
    }
  }
  const as = range.params['as'];
  if (as === undefined) return range.params['g'] === undefined && range.params['v'] === undefined;
  return conversions.includes(`${as};${range.params['g'] ?? ''};${range.params['v'] ?? ''}`);
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
