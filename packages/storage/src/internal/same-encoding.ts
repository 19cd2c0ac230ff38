/**
 * Whether two values have the same canonical JSON encoding (the codec's
 * deterministic JSON: sorted keys), without building either text. etcd3
 * compares the encoded new object with the stored bytes to skip writes that
 * change nothing; encoding both sides costs two full serialisations per
 * update (about as much as the rest of the write), while this walk stops at
 * the first difference and allocates nothing for plain data.
 *
 * It follows JSON's rules, not JavaScript's equality: a key whose value is
 * `undefined`, a function or a symbol is absent; in an array such a value is
 * `null`; `NaN` and ±`Infinity` are `null`; `-0` is `0`; key order does not
 * matter. A value JSON treats specially (a `toJSON` method, a class instance,
 * a Date) is compared by its encoding. A property test checks the answer
 * against the encoder's text.
 */
import { JsonEncoder } from '@apiserver-kit/codec';

const CANONICAL_JSON = new JsonEncoder();

/** `true` when `a` and `b` encode to the same canonical JSON text. */
export function sameEncoding(a: unknown, b: unknown): boolean {
  return same(a, b, false);
}

/** Absent when it is an object property, `null` inside an array. */
function isOmitted(value: unknown): boolean {
  return value === undefined || typeof value === 'function' || typeof value === 'symbol';
}

function isNullLike(value: unknown): boolean {
  return value === null || (typeof value === 'number' && !Number.isFinite(value));
}

function isPlain(value: object): boolean {
  if (Array.isArray(value)) return true;
  const proto: unknown = Object.getPrototypeOf(value);
  return (proto === Object.prototype || proto === null) && typeof (value as { toJSON?: unknown }).toJSON !== 'function';
}

function same(a: unknown, b: unknown, inArray: boolean): boolean {
  if (a === b) return true;
  if (inArray && isOmitted(a)) a = null;
  if (inArray && isOmitted(b)) b = null;
  if (isNullLike(a) || isNullLike(b)) return isNullLike(a) && isNullLike(b);
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (!isPlain(a) || !isPlain(b)) {
    const text = encode(a);
    return text !== undefined && text === encode(b);
  }
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!same(a[i], b[i], true)) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ra = a as Readonly<Record<string, unknown>>;
  const rb = b as Readonly<Record<string, unknown>>;
  let shown = 0;
  for (const key of Object.keys(ra)) {
    const value = ra[key];
    if (isOmitted(value)) continue;
    shown++;
    if (!Object.hasOwn(rb, key) || !same(value, rb[key], false)) return false;
  }
  for (const key of Object.keys(rb)) if (!isOmitted(rb[key])) shown--;
  return shown === 0;
}

function encode(value: object): string | undefined {
  try {
    return CANONICAL_JSON.stringify(value);
  } catch {
    // Not JSON data (a BigInt, a cycle): equal to nothing, so the write goes ahead as before.
    return undefined;
  }
}
