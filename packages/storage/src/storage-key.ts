/**
 * Storage keys: `/<resource>/<namespace>/<name>` for namespaced objects,
 * `/<resource>/<name>` for cluster-scoped ones.
 *
 * Keys and prefixes are restricted to printable ASCII (0x21–0x7E). For those,
 * JavaScript's string order (UTF-16 code units) is byte order, so lists come
 * out in the order etcd returns them without a byte-wise comparator on the
 * hot path. Anything else is rejected with BadRequest, pointing at the first
 * offending character.
 */
import { badRequest } from '@apiserver-kit/codec';
import { received } from '@apiserver-kit/core';

/** The parts of a storage key. */
export interface StorageKey {
  /** The resource, e.g. `pods` or `deployments.apps`. */
  readonly resource: string;
  /** The namespace; `undefined` for a cluster-scoped key. */
  readonly namespace: string | undefined;
  /** The object's name. */
  readonly name: string;
}

/**
 * Splits and validates a key.
 *
 * @throws StatusError BadRequest 400 for a malformed key (the message names the offending part).
 * @throws TypeError when `key` is not a string.
 */
export function parseKey(key: string): StorageKey {
  if (typeof key !== 'string') throw new TypeError(`Expected \`key\` to be a string, got ${received(key)}`);
  checkCharacters('key', key);
  const segments = key.split('/');
  // A leading "/" gives an empty first segment.
  if (segments.length !== 3 && segments.length !== 4) {
    throw badRequest(
      `invalid key ${JSON.stringify(key)}: expected /<resource>/<namespace>/<name> or /<resource>/<name>, got ${segments.length - 1} segments`,
    );
  }
  let offset = 1;
  for (let i = 1; i < segments.length; i++) {
    if (segments[i] === '') throw badRequest(`invalid key ${JSON.stringify(key)}: empty segment at index ${offset}`);
    offset += segments[i]!.length + 1;
  }
  return segments.length === 4
    ? { resource: segments[1]!, namespace: segments[2]!, name: segments[3]! }
    : { resource: segments[1]!, namespace: undefined, name: segments[2]! };
}

/**
 * Builds a key from its parts; the inverse of {@link parseKey}.
 *
 * @throws StatusError BadRequest 400 when a part is empty, contains `/` or a
 *   character outside printable ASCII.
 */
export function formatKey(resource: string, namespace: string | undefined, name: string): string {
  const key = namespace === undefined ? `/${resource}/${name}` : `/${resource}/${namespace}/${name}`;
  parseKey(key);
  return key;
}

/**
 * Validates a list or watch prefix: it starts with `/` and is printable ASCII.
 *
 * @throws StatusError BadRequest 400 for a malformed prefix.
 * @throws TypeError when `prefix` is not a string.
 */
export function checkPrefix(prefix: string): void {
  if (typeof prefix !== 'string') throw new TypeError(`Expected \`prefix\` to be a string, got ${received(prefix)}`);
  checkCharacters('prefix', prefix);
}

function checkCharacters(what: 'key' | 'prefix', value: string): void {
  if (!value.startsWith('/')) throw badRequest(`invalid ${what} ${JSON.stringify(value)}: must start with "/"`);
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code < 0x21 || code > 0x7e) {
      // codePointAt: show a whole astral character, not half a surrogate pair.
      const char = String.fromCodePoint(value.codePointAt(i)!);
      throw badRequest(`invalid ${what} ${JSON.stringify(value)}: character ${JSON.stringify(char)} at index ${i} is not printable ASCII`);
    }
  }
}
