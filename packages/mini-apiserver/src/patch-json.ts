/**
 * JSON helpers shared by the three patch formats: decoding a body, telling
 * JSON types apart, cloning, and writing values the way Go's `%v` does (the
 * patch libraries Kubernetes uses put Go-formatted values in their messages).
 *
 * Every object built here is an own-property bag: keys are set with
 * {@link putKey} so that a key such as `__proto__` (legal in JSON, and kept as
 * an own property by `JSON.parse`) stays data and never becomes a prototype.
 */
import { badRequest } from '@apiserver-kit/core';
import type { StatusError } from '@apiserver-kit/core';
import { MAX_OBJECT_DEPTH } from '@apiserver-kit/codec';

/** A decoded JSON value. */
export type Json = null | boolean | number | string | Json[] | JsonObject;

/** A decoded JSON object. */
export interface JsonObject {
  [key: string]: Json;
}

/** The JSON type of a value, in Go's words for unmarshal errors (`object`, `array`, `string`, `number`, `bool`, `null`). */
export type JsonType = 'object' | 'array' | 'string' | 'number' | 'bool' | 'null';

/** The JSON type of `value`. */
export function jsonType(value: Json | undefined): JsonType {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return 'array';
  switch (typeof value) {
    case 'object':
      return 'object';
    case 'string':
      return 'string';
    case 'number':
      return 'number';
    default:
      return 'bool';
  }
}

/** Whether `value` is a JSON object (not an array, not null). */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `object[key]` if it is an own property, otherwise `undefined` (never the prototype's). */
export function ownValue(object: JsonObject, key: string): Json | undefined {
  return Object.prototype.hasOwnProperty.call(object, key) ? object[key] : undefined;
}

/** Whether `key` is an own property of `object`. */
export function hasKey(object: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(object, key);
}

/** Sets an own data property, also for the key `__proto__`. */
export function putKey(object: JsonObject, key: string, value: Json): void {
  if (key === '__proto__') Object.defineProperty(object, key, { value, writable: true, enumerable: true, configurable: true });
  else object[key] = value;
}

/**
 * A mutable deep copy of `value` (stored objects are deep-frozen; the patch
 * algorithms, like their Go originals, work in place on a copy).
 */
export function cloneJson(value: Json): Json {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(cloneJson);
  const copy: JsonObject = {};
  for (const key of Object.keys(value)) putKey(copy, key, cloneJson(value[key]!));
  return copy;
}

/** Structural equality of two JSON values (object key order does not matter). */
export function jsonEqual(a: Json | undefined, b: Json | undefined): boolean {
  if (a === b) return true;
  if (a === null || b === null || a === undefined || b === undefined || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  for (const key of keys) {
    if (!hasKey(b, key) || !jsonEqual(a[key], b[key])) return false;
  }
  return true;
}

/** How deeply `value` nests (a scalar is 0), counting at most `limit + 1`; iterative, so any depth is safe to measure. */
export function jsonDepth(value: Json, limit: number = MAX_OBJECT_DEPTH): number {
  let deepest = 0;
  const stack: Array<[Json, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (node === null || typeof node !== 'object') continue;
    const inner = depth + 1;
    if (inner > deepest) deepest = inner;
    if (deepest > limit) return deepest;
    const children = Array.isArray(node) ? node : Object.values(node);
    for (const child of children) if (typeof child === 'object' && child !== null) stack.push([child, inner]);
  }
  return deepest;
}

/**
 * Decodes a patch body. Returns the value, or a BadRequest built by
 * `onSyntaxError` (each format words its parse error as its Go library does).
 * Values nested deeper than the stores accept ({@link MAX_OBJECT_DEPTH}) are
 * refused here, before any recursive algorithm walks them.
 */
export function decodeBody(body: Uint8Array, onSyntaxError: (detail: string) => StatusError): Json {
  const text = new TextDecoder('utf-8').decode(body);
  if (text.trim() === '') throw onSyntaxError('unexpected end of JSON input');
  let value: Json;
  try {
    value = JSON.parse(text) as Json;
  } catch (error) {
    throw onSyntaxError(error instanceof Error ? error.message : String(error));
  }
  if (jsonDepth(value) > MAX_OBJECT_DEPTH) throw badRequest(`json: exceeded max depth: the patch nests deeper than ${MAX_OBJECT_DEPTH} levels`);
  return value;
}

/**
 * `value` as Go's `fmt` `%v` writes a decoded JSON value: `map[a:1 b:[x y]]`
 * (keys sorted), `<nil>` for null. Used in messages that quote patch content.
 * Long output is cut at `limit` characters.
 */
export function goFormat(value: Json | undefined, limit = 1024): string {
  const out = goFormatInner(value, limit);
  return out.length > limit ? `${out.slice(0, limit)}...` : out;
}

function goFormatInner(value: Json | undefined, budget: number): string {
  if (value === null || value === undefined) return '<nil>';
  if (typeof value !== 'object') return String(value);
  const parts: string[] = [];
  let used = 0;
  if (Array.isArray(value)) {
    for (const item of value) {
      if (used > budget) break;
      const part = goFormatInner(item, budget - used);
      used += part.length + 1;
      parts.push(part);
    }
    return `[${parts.join(' ')}]`;
  }
  for (const key of Object.keys(value).sort()) {
    if (used > budget) break;
    const part = `${key}:${goFormatInner(value[key], budget - used)}`;
    used += part.length + 1;
    parts.push(part);
  }
  return `map[${parts.join(' ')}]`;
}

/** Go's type name of a decoded JSON value, as `reflect.TypeOf` prints it in apimachinery's `ErrBadArgType`. */
export function goTypeName(value: Json | undefined): string {
  switch (jsonType(value)) {
    case 'object':
      return 'map[string]interface {}';
    case 'array':
      return '[]interface {}';
    case 'string':
      return 'string';
    case 'number':
      return 'float64';
    case 'bool':
      return 'bool';
    default:
      return '<nil>';
  }
}
