/**
 * JSON merge patch (RFC 7386), as Kubernetes applies it: with
 * evanphx/json-patch's `MergePatch` (v4), whose one departure from the RFC is
 * kept: a value the patch inserts where the target holds no object has its
 * null members pruned also inside arrays (the RFC prunes objects only).
 */
import { badRequest } from '@apiserver-kit/core';
import { decodeBody, hasKey, isJsonObject, putKey } from './patch-json.js';
import type { Json, JsonObject } from './patch-json.js';

/** evanphx/json-patch's `ErrBadJSONPatch`, which Kubernetes answers with 400. */
const BAD_JSON_PATCH = 'Invalid JSON Patch';

/**
 * Applies a merge patch body to `target` (a mutable copy: it is changed in
 * place and returned, as the Go library does with its decoded document).
 *
 * @throws StatusError BadRequest `Invalid JSON Patch` for a body that is not
 *   JSON, or is `null`, a string, a number or a boolean. An array body is not an
 *   error here: it replaces the document, and the caller refuses the non-object.
 */
export function applyMergePatch(target: JsonObject, body: Uint8Array): Json {
  const patch = decodeBody(body, () => badRequest(BAD_JSON_PATCH));
  if (Array.isArray(patch)) return pruneNulls(patch);
  if (!isJsonObject(patch)) throw badRequest(BAD_JSON_PATCH);
  mergeInto(target, patch);
  return target;
}

/** Merges `patch` into `target` in place: null deletes, objects merge, everything else replaces. */
export function mergeInto(target: JsonObject, patch: JsonObject): void {
  for (const key of Object.keys(patch)) {
    const value = patch[key]!;
    if (value === null) {
      delete target[key];
      continue;
    }
    const current = hasKey(target, key) ? target[key]! : null;
    putKey(target, key, current === null ? pruneNulls(value) : merge(current, value));
  }
}

function merge(current: Json, patch: Json): Json {
  // The Go library first tries the target as an object: when it is not one,
  // the patch value replaces it, pruned; when the patch is not an object, it
  // replaces the target as it is.
  if (!isJsonObject(current)) return pruneNulls(patch);
  if (!isJsonObject(patch)) return patch;
  mergeInto(current, patch);
  return current;
}

/** Drops null members of objects, recursively, also inside arrays (whose null items stay). */
export function pruneNulls(value: Json): Json {
  if (Array.isArray(value)) {
    for (const item of value) if (item !== null) pruneNulls(item);
  } else if (isJsonObject(value)) {
    for (const key of Object.keys(value)) {
      const member = value[key]!;
      if (member === null) delete value[key];
      else pruneNulls(member);
    }
  }
  return value;
}
