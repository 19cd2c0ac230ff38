/**
 * Continue tokens, in Kubernetes' shape (k8s.io/apiserver pkg/storage
 * continue.go), so that tokens are opaque to clients and interchangeable with
 * a Kubernetes apiserver's:
 *
 * ```
 *   base64url-no-padding( {"v":"meta.k8s.io/v1","rv":<revision>,"start":"<key after the prefix>","rc":<remaining>} )
 * ```
 *
 * `start` is the last returned key plus `"\u0000"`, minus the list's key
 * prefix: the next page starts strictly after the last item. `rv` -1 asks for
 * the latest revision (an inconsistent continuation, as Kubernetes allows).
 */
import { badRequest, type StatusError } from '@apiserver-kit/codec';

/** The `v` of every token we write and the only one we read. */
export const CONTINUE_TOKEN_VERSION = 'meta.k8s.io/v1';

/** A decoded continue token. */
export interface ContinueToken {
  /** The revision of the list the token continues; -1 for "the latest". */
  readonly revision: number;
  /** The full key to start from, inclusive (the prefix plus the token's `start`). */
  readonly startKey: string;
  /** How many items remained after the page that issued the token, when it was known (0 otherwise). */
  readonly remainingCount: number;
}

/**
 * Encodes the token for the page after `lastKey` of a list under `prefix` at `revision`.
 * Cost: one small JSON string and its base64.
 *
 * @throws RangeError when `lastKey` is not under `prefix`.
 */
export function encodeContinueToken(lastKey: string, prefix: string, revision: number, remainingCount = 0): string {
  const tail = tailOf(lastKey, prefix);
  return writeToken(tail, tailShape(tail) !== OTHER_TAIL, revision, remainingCount);
}

/** `lastKey` after `prefix`. @throws RangeError when `lastKey` is not under `prefix`. */
function tailOf(lastKey: string, prefix: string): string {
  if (!lastKey.startsWith(prefix) || lastKey.length === prefix.length) {
    throw new RangeError(`Expected \`lastKey\` to lie under the prefix ${JSON.stringify(prefix)}, got ${JSON.stringify(lastKey)}`);
  }
  return lastKey.slice(prefix.length);
}

/**
 * The token text, written field by field in the order Kubernetes writes them:
 * the same bytes as JSON.stringify of the token object, without building the
 * object. A `plain` tail (see {@link tailShape}) skips JSON.stringify (nothing
 * to escape but the NUL) and Buffer (the text is its own bytes): every page of
 * a walk issues one, 1.5 → 0.4 µs.
 */
function writeToken(tail: string, plain: boolean, revision: number, remainingCount: number): string {
  const rc = remainingCount > 0 ? `,"rc":${remainingCount}` : '';
  if (plain) return toBase64Url(btoa(`{"v":"${CONTINUE_TOKEN_VERSION}","rv":${revision},"start":"${tail}\\u0000"${rc}}`));
  const start = JSON.stringify(`${tail}\u0000`);
  return Buffer.from(`{"v":"${CONTINUE_TOKEN_VERSION}","rv":${revision},"start":${start}${rc}}`, 'utf8').toString('base64url');
}

/**
 * Decodes a continue token for a list under `prefix`, with Kubernetes'
 * checks: base64url without padding, JSON of the right shape, a known
 * version, a non-zero revision, a non-empty start that cannot climb out of
 * the prefix (`path.Clean` leaves it unchanged).
 *
 * @throws StatusError BadRequest 400 `invalid continue token: continue key is not valid…`.
 */
export function decodeContinueToken(token: string, prefix: string): ContinueToken {
  const bytes = decodeRawBase64Url(token);
  let data: unknown;
  let text: string;
  try {
    text = isAscii(bytes) ? bytes.toString('latin1') : UTF8.decode(bytes);
    data = JSON.parse(text);
  } catch {
    throw invalid('continue key is not valid: malformed JSON');
  }
  checkIntegerLiterals(text);
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw invalid(`continue key is not valid: json: cannot unmarshal ${goType(data)} into Go value of type storage.continueToken`);
  }
  const fields = data as Record<string, unknown>;
  const version = field(fields, 'v', 'string', '');
  const revision = field(fields, 'rv', 'int64', 0);
  const start = field(fields, 'start', 'string', '');
  const remaining = field(fields, 'rc', 'int64', 0);
  if (version !== CONTINUE_TOKEN_VERSION) {
    throw invalid(`continue key is not valid: server does not recognize this encoded version ${version}`);
  }
  if (revision === 0) throw invalid('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
  if (start === '') throw invalid('continue key is not valid: encoded start key empty (version meta.k8s.io/v1)');
  const startKey = startKeyOf(start, prefix);
  if (startKey === undefined) throw invalid(`continue key is not valid: ${start}`);
  return { revision, startKey, remainingCount: remaining > 0 ? remaining : 0 };
}

/**
 * Go decodes `rv` and `rc` into int64 from the number's text
 * (`strconv.ParseInt`): `1e3`, `1.0` or `-0.5` are refused, though
 * `JSON.parse` reads `1e3` and `1.0` as integers. One pass over the (valid)
 * JSON text, looking at the numbers of the top-level members `rv` and `rc`.
 *
 * @throws StatusError BadRequest 400 `… cannot unmarshal number 1e3 into Go struct field continueToken.rv of type int64`.
 */
function checkIntegerLiterals(text: string): void {
  let depth = 0;
  let member: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      const start = i;
      for (i++; text.charCodeAt(i) !== QUOTE; i++) if (text.charCodeAt(i) === BACKSLASH) i++;
      if (depth !== 1) continue;
      // A string at depth 1 followed by `:` names a member (unescaped: `"\u0072v"` is `rv` to Go too).
      let j = i + 1;
      while (isJsonSpace(text.charCodeAt(j))) j++;
      if (text.charCodeAt(j) === COLON) member = JSON.parse(text.slice(start, i + 1)) as string;
    } else if (c === 0x7b || c === 0x5b) {
      depth++;
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
    } else if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
      const start = i;
      while (i + 1 < text.length && isNumberChar(text.charCodeAt(i + 1))) i++;
      if (depth !== 1 || (member !== 'rv' && member !== 'rc')) continue;
      const literal = text.slice(start, i + 1);
      if (!/^-?(?:0|[1-9][0-9]*)$/.test(literal) || !Number.isSafeInteger(Number(literal))) {
        throw invalid(`continue key is not valid: json: cannot unmarshal number ${literal} into Go struct field continueToken.${member} of type int64`);
      }
    }
  }
}

function isJsonSpace(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d;
}

function isNumberChar(code: number): boolean {
  return (code >= 0x30 && code <= 0x39) || code === 0x2e || code === 0x65 || code === 0x45 || code === 0x2b || code === 0x2d;
}

const COLON = 0x3a;

/** The full key a token's `start` names under `prefix`, as Kubernetes resolves it; `undefined` when `path.Clean` would change it (a way out of the prefix). */
function startKeyOf(start: string, prefix: string): string | undefined {
  const key = start.startsWith('/') ? start : `/${start}`;
  return isCleanPath(key) ? prefix + key.slice(1) : undefined;
}

function invalid(message: string): StatusError {
  return badRequest(`invalid continue token: ${message}`);
}

function field<T extends 'string' | 'int64'>(fields: Record<string, unknown>, name: string, type: T, zero: T extends 'string' ? string : number): T extends 'string' ? string : number {
  const value = fields[name];
  if (value === undefined || value === null) return zero;
  const ok = type === 'string' ? typeof value === 'string' : typeof value === 'number' && Number.isSafeInteger(value);
  if (!ok) {
    const shown = typeof value === 'number' ? `number ${String(value)}` : goType(value);
    throw invalid(`continue key is not valid: json: cannot unmarshal ${shown} into Go struct field continueToken.${name} of type ${type}`);
  }
  return value as T extends 'string' ? string : number;
}

function goType(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (value === null) return 'null';
  if (typeof value === 'boolean') return 'bool';
  return typeof value;
}

/**
 * Whether Go's `path.Clean` leaves `key` (starting with `/`) unchanged: no
 * empty, `.` or `..` segment and no trailing slash. One pass over the
 * characters, no split: every page of a walk checks its next token.
 */
function isCleanPath(key: string): boolean {
  if (key === '/') return true;
  const n = key.length;
  for (let i = 0; i < n; i++) {
    if (key.charCodeAt(i) !== SLASH) continue;
    // A segment starts at i + 1: it must not be empty, "." or "..".
    const a = i + 1 < n ? key.charCodeAt(i + 1) : -1;
    if (a === -1 || a === SLASH) return false;
    if (a !== DOT) continue;
    const b = i + 2 < n ? key.charCodeAt(i + 2) : -1;
    if (b === -1 || b === SLASH) return false;
    if (b !== DOT) continue;
    const c = i + 3 < n ? key.charCodeAt(i + 3) : -1;
    if (c === -1 || c === SLASH) return false;
  }
  return true;
}

/** A plain tail whose token decodes to the last key plus NUL: see {@link tailShape}. */
const PLAIN_RESUMING_TAIL = 0;
/** A plain tail whose token decodes otherwise, or not at all. */
const PLAIN_TAIL = 1;
/** Anything else. */
const OTHER_TAIL = 2;

/**
 * One pass over a token's tail (the last key after the prefix): whether it is
 * plain — printable ASCII without `"` or `\\`, which JSON writes as is and
 * whose UTF-8 bytes are its characters — and whether decoding its token gives
 * back the last key plus NUL: the tail does not start with `/` and Go's
 * `path.Clean` keeps `/<tail>\\0` (no empty, `.` or `..` segment before a `/`;
 * the NUL keeps the last segment from being one).
 */
function tailShape(tail: string): number {
  let resuming = tail.charCodeAt(0) !== SLASH;
  let segmentStart = 0;
  for (let i = 0; i < tail.length; i++) {
    const code = tail.charCodeAt(i);
    if (code < 0x20 || code > 0x7e || code === QUOTE || code === BACKSLASH) return OTHER_TAIL;
    if (code !== SLASH) continue;
    const length = i - segmentStart;
    if (length === 0 || (length === 1 && tail.charCodeAt(i - 1) === DOT) || (length === 2 && tail.charCodeAt(i - 1) === DOT && tail.charCodeAt(i - 2) === DOT)) {
      resuming = false;
    }
    segmentStart = i + 1;
  }
  return resuming ? PLAIN_RESUMING_TAIL : PLAIN_TAIL;
}

/** Standard base64 (from `btoa`) as base64url without padding. */
function toBase64Url(base64: string): string {
  let text = base64;
  if (text.includes('+')) text = text.replaceAll('+', '-');
  if (text.includes('/')) text = text.replaceAll('/', '_');
  const padding = text.indexOf('=');
  return padding < 0 ? text : text.slice(0, padding);
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const SLASH = 0x2f;
const DOT = 0x2e;

/** Whether every byte is ASCII: then latin1 decodes it as UTF-8 would, without the validating decoder. */
function isAscii(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) if (bytes[i]! >= 0x80) return false;
  return true;
}

/** Strict: a token that is not UTF-8 is malformed, as Go's json.Unmarshal says. */
const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** 1 for each character code of the base64url alphabet (A–Z a–z 0–9 - _). */
const BASE64URL = new Uint8Array(128);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_') BASE64URL[c.charCodeAt(0)] = 1;

/** Go's `base64.RawURLEncoding.DecodeString`, with its error message. */
function decodeRawBase64Url(text: string): Buffer {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 128 || BASE64URL[code] === 0) throw invalid(`continue key is not valid: illegal base64 data at input byte ${i}`);
  }
  if (text.length % 4 === 1) throw invalid(`continue key is not valid: illegal base64 data at input byte ${text.length - 1}`);
  return Buffer.from(text, 'base64url');
}

/**
 * The tokens a list has issued recently, decoded: the next page's token is
 * then a `Map` lookup instead of base64, UTF-8 and JSON decoding (a third of
 * a page's fixed cost; benchmarks cache/paginate). The answer is the one
 * {@link decodeContinueToken} gives for the same string and prefix, so a miss
 * (an old, foreign or forged token) only costs the decode.
 */
export class IssuedContinueTokens {
  readonly #capacity: number;
  // Two generations instead of evicting one by one: no delete and no
  // iterator per page. An unused token is remembered for `capacity` to
  // 2×`capacity` issues; one already used is dropped at the next issue (a
  // retried page then decodes its token in full: slower, the same answer).
  #current = new Map<string, IssuedToken>();
  #previous = new Map<string, IssuedToken>();
  // The latest token is kept apart, and enters the map only if it was not yet
  // used when the next is issued: a lone client walking a list sends back the
  // token it was just given, and no token of its walk is hashed or mapped.
  #lastText = '';
  #last: IssuedToken | undefined;
  #lastUsed = false;
  /** The tokens decoded from memory: their `remainingCount` is the one this wrote, not a client's. */
  readonly #fromMemory = new WeakSet<ContinueToken>();

  /** @param capacity how many tokens at least to remember: about one per client walking a list at once. */
  constructor(capacity = 256) {
    this.#capacity = capacity;
  }

  /**
   * {@link encodeContinueToken} for the page that starts at `nextKey`, the
   * last key returned plus NUL, remembering the token. A page that starts
   * where its token says passes that same string on, so that the store finds
   * the place it remembered for it by identity.
   */
  encode(nextKey: string, prefix: string, revision: number, remainingCount = 0): string {
    if (nextKey.charCodeAt(nextKey.length - 1) !== 0) throw new RangeError(`Expected \`nextKey\` to end with NUL, got ${JSON.stringify(nextKey)}`);
    const tail = tailOf(nextKey.slice(0, -1), prefix);
    const shape = tailShape(tail);
    const text = writeToken(tail, shape !== OTHER_TAIL, revision, remainingCount);
    if (this.#capacity === 0) return text;
    if (this.#last !== undefined && !this.#lastUsed) {
      if (this.#current.size >= this.#capacity) {
        this.#previous = this.#current;
        this.#current = new Map();
      }
      this.#current.set(this.#lastText, this.#last);
    }
    // What decoding the text gives, when it is plainly `nextKey` (else worked out on the first decode).
    const decoded =
      shape === PLAIN_RESUMING_TAIL && isTokenRevision(revision) && Number.isSafeInteger(remainingCount)
        ? { revision, startKey: nextKey, remainingCount: remainingCount > 0 ? remainingCount : 0 }
        : undefined;
    if (decoded !== undefined) this.#fromMemory.add(decoded);
    this.#lastText = text;
    this.#last = { prefix, tail, revision, remainingCount, decoded };
    this.#lastUsed = false;
    return text;
  }

  /**
   * Whether `token` came from {@link decode}'s memory of a token this issued:
   * then its `remainingCount` is the one this wrote. Any other token's count
   * is the client's to make up, and must not be trusted.
   */
  isIssued(token: ContinueToken): boolean {
    return this.#fromMemory.has(token);
  }

  /** {@link decodeContinueToken}, from memory when this issued `text` for `prefix`. */
  decode(text: string, prefix: string): ContinueToken {
    let issued: IssuedToken | undefined;
    if (text === this.#lastText) {
      issued = this.#last;
      this.#lastUsed = true;
    } else {
      issued = this.#current.get(text) ?? this.#previous.get(text);
    }
    if (issued === undefined || issued.prefix !== prefix || !isTokenRevision(issued.revision) || !Number.isSafeInteger(issued.remainingCount)) {
      return decodeContinueToken(text, prefix);
    }
    // What decoding the text would give (anything it would refuse is decoded, to refuse it the same way),
    // kept once computed: a retried page asks again.
    if (issued.decoded === undefined) {
      const startKey = startKeyOf(`${issued.tail}\u0000`, prefix);
      issued.decoded = startKey === undefined ? null : { revision: issued.revision, startKey, remainingCount: issued.remainingCount > 0 ? issued.remainingCount : 0 };
      if (issued.decoded !== null) this.#fromMemory.add(issued.decoded);
    }
    return issued.decoded ?? decodeContinueToken(text, prefix);
  }
}

/** Whether a token with this revision decodes (Go's int64, not 0). */
function isTokenRevision(revision: number): boolean {
  return revision !== 0 && Number.isSafeInteger(revision);
}

interface IssuedToken {
  readonly prefix: string;
  /** The last key after the prefix. */
  readonly tail: string;
  readonly revision: number;
  readonly remainingCount: number;
  /** The decoded token once known; null when decoding refuses it. */
  decoded: ContinueToken | null | undefined;
}

/**
 * The token that resumes a list under `prefix` from `startKey` (inclusive)
 * at `revision`, `-1` meaning "the latest revision": the token etcd3 hands
 * back with a 410 when the revision of a continue token was compacted
 * (errors.go `handleCompactedErrorForPaging`), so the client can go on with an
 * inconsistent list. Cost: one small JSON string and its base64.
 *
 * @throws RangeError when `startKey` is not under `prefix`.
 */
export function encodeContinueTokenFrom(startKey: string, prefix: string, revision: number): string {
  const start = JSON.stringify(tailOf(startKey, prefix));
  return Buffer.from(`{"v":"${CONTINUE_TOKEN_VERSION}","rv":${revision},"start":${start}}`, 'utf8').toString('base64url');
}
