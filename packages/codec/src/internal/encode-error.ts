import type { KubeObject } from '../object.js';
import { internalError, isStatusError, type StatusError } from '@apiserver-kit/core';

/**
 * The StatusError for an object an encoder could not write: a StatusError
 * passes through; anything else (a BigInt, a cycle, nesting that overflows the
 * stack, a value the format has no representation for) is InternalError 500,
 * since the object is the server's own data, not the client's.
 */
export function encodeError(format: string, object: unknown, error: unknown): StatusError {
  if (isStatusError(error)) return error;
  return internalError(`cannot encode ${describeObject(object)} as ${format}: ${problemOf(error)}`, error);
}

/** The BadRequest message for a body that is not bytes at all (a string, a number, null, an object), or `undefined` for bytes. */
export function notBytesMessage(format: string, value: unknown): string | undefined {
  if (value instanceof Uint8Array) return undefined;
  const got = value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
  return `invalid ${format}: expected the body as bytes (a Uint8Array), got ${got}`;
}

function problemOf(error: unknown): string {
  // V8's stack overflow: say what it means for the object.
  if (error instanceof RangeError && /call stack/i.test(error.message)) return 'the object is nested too deeply';
  if (error instanceof Error) {
    // fast-json-stable-stringify and V8 say "Converting circular structure to JSON" (V8 adds lines naming the path).
    if (/circular structure/i.test(error.message)) return 'the object contains a cycle';
    const reason = (error as { reason?: unknown }).reason; // YAMLException keeps the bare reason apart from the rendered snippet
    return typeof reason === 'string' && reason !== '' ? reason : error.message;
  }
  return String(error);
}

function describeObject(object: unknown): string {
  if (typeof object !== 'object' || object === null) return 'the object';
  const { apiVersion, kind, metadata } = object as KubeObject;
  const meta: { readonly namespace?: unknown; readonly name?: unknown } = typeof metadata === 'object' && metadata !== null ? metadata : {};
  const name = typeof meta.namespace === 'string' && meta.namespace !== '' ? `${meta.namespace}/${String(meta.name ?? '')}` : meta.name;
  const type = typeof apiVersion === 'string' && typeof kind === 'string' ? `${apiVersion}, Kind=${kind}` : 'the object';
  return typeof name === 'string' && name !== '' ? `${type} ${JSON.stringify(name)}` : type;
}
