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
  if (!lastKey.startsWith(prefix) || lastKey.length === prefix.length) {
    throw new RangeError(`Expected \`lastKey\` to lie under the prefix ${JSON.stringify(prefix)}, got ${JSON.stringify(lastKey)}`);
  }
  const token: Record<string, unknown> = { v: CONTINUE_TOKEN_VERSION, rv: revision, start: `${lastKey.slice(prefix.length)}\u0000` };
  if (remainingCount > 0) token['rc'] = remainingCount;
  return Buffer.from(JSON.stringify(token), 'utf8').toString('base64url');
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
  try {
    data = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    throw invalid('continue key is not valid: malformed JSON');
  }
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
  const key = start.startsWith('/') ? start : `/${start}`;
  if (!isCleanPath(key)) throw invalid(`continue key is not valid: ${start}`);
  return { revision, startKey: prefix + key.slice(1), remainingCount: remaining > 0 ? remaining : 0 };
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

/** Whether Go's `path.Clean` leaves `key` (starting with `/`) unchanged. */
function isCleanPath(key: string): boolean {
  if (key === '/') return true;
  const segments = key.split('/');
  for (let i = 1; i < segments.length; i++) {
    const segment = segments[i];
    if (segment === '' || segment === '.' || segment === '..') return false;
  }
  return true;
}

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** Go's `base64.RawURLEncoding.DecodeString`, with its error message. */
function decodeRawBase64Url(text: string): Uint8Array {
  for (let i = 0; i < text.length; i++) {
    if (!BASE64URL.includes(text[i]!)) throw invalid(`continue key is not valid: illegal base64 data at input byte ${i}`);
  }
  if (text.length % 4 === 1) throw invalid(`continue key is not valid: illegal base64 data at input byte ${text.length - 1}`);
  return Buffer.from(text, 'base64url');
}
