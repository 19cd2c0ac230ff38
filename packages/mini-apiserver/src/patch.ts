/**
 * PATCH: applying a patch body to the current object, as Kubernetes' patch
 * handler does (apiserver `handlers/patch.go`): pick the format by
 * `Content-Type`, apply it to the current object's JSON, then check that the
 * result is still the same object (name, namespace, kind).
 *
 * Pure: no storage, no clock. The caller reads the current object, calls
 * {@link applyPatch}, and writes the result as an update (with the result's
 * `metadata.resourceVersion` as the precondition, so a patch that names a
 * stale resourceVersion fails with Conflict as in Kubernetes).
 */
import { MAX_OBJECT_DEPTH } from '@apiserver-kit/codec';
import type { KubeObject } from '@apiserver-kit/codec';
import { StatusError, badRequest, internalError, invalid, isStatusError, unsupportedMediaType } from '@apiserver-kit/core';
import { applyJsonPatch } from './patch-json-patch.js';
import { cloneJson, isJsonObject, jsonDepth, jsonType } from './patch-json.js';
import type { Json, JsonObject } from './patch-json.js';
import { patchSchemaFor } from './patch-merge-keys.js';
import { applyMergePatch } from './patch-merge.js';
import { applyStrategicMergePatch } from './patch-strategic.js';
import { apiVersionOf } from './resources.js';
import type { ResourceInfo } from './resources.js';

/** `application/json-patch+json`: RFC 6902. */
export const JSON_PATCH_TYPE = 'application/json-patch+json';
/** `application/merge-patch+json`: RFC 7386. */
export const MERGE_PATCH_TYPE = 'application/merge-patch+json';
/** `application/strategic-merge-patch+json`: Kubernetes' strategic merge patch (client-side `kubectl apply`). */
export const STRATEGIC_MERGE_PATCH_TYPE = 'application/strategic-merge-patch+json';
/** `application/apply-patch+yaml`: server-side apply, refused with 415 until supported. */
export const APPLY_PATCH_TYPE = 'application/apply-patch+yaml';

/** The patch media types {@link applyPatch} accepts, in the order Kubernetes lists them. */
export const PATCH_CONTENT_TYPES: readonly string[] = Object.freeze([JSON_PATCH_TYPE, MERGE_PATCH_TYPE, STRATEGIC_MERGE_PATCH_TYPE]);

/**
 * The largest patched object accepted, in JSON bytes: Kubernetes' request body
 * limit (3 MiB). A patch can grow an object past what a PUT could send
 * (`copy` operations, a large current object); such a result is refused
 * with 413, as Kubernetes answers a write too large for its store.
 */
export const MAX_PATCHED_OBJECT_BYTES: number = 3 * 1024 * 1024;

/**
 * Applies a PATCH body to `current` and returns the patched object (a fresh
 * object, never `current` or any part of it: `current` may be deep-frozen).
 *
 * - `application/merge-patch+json`: RFC 7386, as evanphx/json-patch `MergePatch`.
 * - `application/json-patch+json`: RFC 6902, as evanphx/json-patch v4, at most
 *   10 000 operations (Kubernetes' `maxJSONPatchOperations`).
 * - `application/strategic-merge-patch+json`: strategic merge patch with the
 *   merge keys of the served kinds' Go types (see `patch-merge-keys.ts`) and
 *   the directives `kubectl apply` sends.
 *
 * Parameters of the `Content-Type` (`; charset=utf-8`) and its case are ignored. The result
 * keeps `current`'s name (a different one is refused), gets `current`'s
 * namespace if it names none (cluster-scoped kinds: none), and `kind` /
 * `apiVersion` from `info` if missing. `metadata.resourceVersion` is what the
 * patch left there (`current`'s unless the patch set one): use it as the
 * update's precondition.
 *
 * Never throws anything but a {@link StatusError}.
 *
 * @throws StatusError
 *   UnsupportedMediaType 415 for server-side apply and unknown types;
 *   BadRequest 400 for a body that does not parse or fit its format, or a
 *   result whose name or namespace differs from `current`'s;
 *   Invalid 422 for a JSON patch operation that does not apply (failed
 *   `test`, missing path) or a result that is not an object of the kind;
 *   RequestEntityTooLarge 413 for too many operations or too large a result.
 */
export function applyPatch(info: ResourceInfo, current: KubeObject, body: Uint8Array, contentType: string): KubeObject {
  const type = mediaTypeOf(contentType);
  if (type === APPLY_PATCH_TYPE || type === 'application/apply-patch+cbor') {
    throw new StatusError(
      'UnsupportedMediaType',
      `server-side apply (${type}) is not supported by this server yet: use client-side apply (kubectl apply without --server-side) or one of the patch types: ${PATCH_CONTENT_TYPES.join(', ')}`,
    );
  }
  if (!PATCH_CONTENT_TYPES.includes(type)) throw unsupportedMediaType(contentType, PATCH_CONTENT_TYPES);
  try {
    const target = cloneJson(current as JsonObject) as JsonObject;
    let patched: Json;
    if (type === MERGE_PATCH_TYPE) patched = applyMergePatch(target, body);
    else if (type === JSON_PATCH_TYPE) patched = applyJsonPatch(target, body);
    else patched = applyStrategicMergePatch(target, body, patchSchemaFor(info.kind));
    return checkPatched(info, current, patched);
  } catch (error) {
    if (isStatusError(error)) throw error;
    // A stack overflow on a pathological document, or a bug: still a Status.
    if (error instanceof RangeError) throw badRequest(`the patch could not be applied: ${error.message}`, error);
    throw internalError(`applying the patch failed: ${error instanceof Error ? error.message : String(error)}`, error);
  }
}

/**
 * The media type of a `Content-Type` header: parameters dropped, as Kubernetes
 * cuts at the first `;`, and (unlike Kubernetes) case and spaces ignored, as
 * media types are case-insensitive (RFC 9110).
 */
function mediaTypeOf(contentType: string): string {
  const semicolon = contentType.indexOf(';');
  return (semicolon >= 0 ? contentType.slice(0, semicolon) : contentType).trim().toLowerCase();
}

/**
 * What Kubernetes checks after applying a patch: that the result decodes as
 * the kind (`runtime.DecodeInto`, 422 with field `patch`), that its namespace
 * fits the request (`EnsureObjectNamespaceMatchesRequestNamespace`, 400), and
 * that its name is the URL's (`checkName`, 400).
 */
function checkPatched(info: ResourceInfo, current: KubeObject, patched: Json): KubeObject {
  const apiVersion = apiVersionOf(info);
  if (!isJsonObject(patched)) throw notDecodable(patched, `json: cannot unmarshal ${jsonType(patched)} into Go value of type ${apiVersion}.${info.kind}`);
  if (jsonDepth(patched) > MAX_OBJECT_DEPTH) throw badRequest(`the patched object nests deeper than ${MAX_OBJECT_DEPTH} levels`);
  const size = Buffer.byteLength(JSON.stringify(patched));
  if (size > MAX_PATCHED_OBJECT_BYTES) {
    throw new StatusError('RequestEntityTooLarge', `Request entity too large: the patched object is ${size} bytes, the limit is ${MAX_PATCHED_OBJECT_BYTES}`);
  }
  for (const [field, expected] of [
    ['kind', info.kind],
    ['apiVersion', apiVersion],
  ] as const) {
    const value = patched[field];
    if (value === undefined || value === null || value === '') patched[field] = expected;
    else if (value !== expected) throw notDecodable(patched, `${field} must stay ${JSON.stringify(expected)}, got ${JSON.stringify(value)}`);
  }
  const metadata = patched['metadata'] ?? {};
  if (!isJsonObject(metadata)) throw notDecodable(patched, `json: cannot unmarshal ${jsonType(metadata)} into Go struct field ${info.kind}.metadata of type v1.ObjectMeta`);
  patched['metadata'] = metadata;
  for (const field of ['name', 'namespace'] as const) {
    const value = metadata[field];
    if (value !== undefined && value !== null && typeof value !== 'string') {
      throw notDecodable(patched, `json: cannot unmarshal ${jsonType(value)} into Go struct field ObjectMeta.metadata.${field} of type string`);
    }
  }
  for (const field of ['labels', 'annotations'] as const) {
    const value = metadata[field];
    if (value === undefined || value === null) continue;
    if (!isJsonObject(value)) throw notDecodable(patched, `json: cannot unmarshal ${jsonType(value)} into Go struct field ObjectMeta.metadata.${field} of type map[string]string`);
    for (const [key, entry] of Object.entries(value)) {
      // Go decodes a null into a string field as the empty string.
      if (entry === null) value[key] = '';
      else if (typeof entry !== 'string') throw notDecodable(patched, `json: cannot unmarshal ${jsonType(entry)} into Go struct field ObjectMeta.metadata.${field} of type string`);
    }
  }

  const requestNamespace = info.namespaced ? (current.metadata?.namespace ?? '') : '';
  const namespace = typeof metadata['namespace'] === 'string' ? metadata['namespace'] : '';
  if (namespace !== requestNamespace) {
    if (namespace === '') metadata['namespace'] = requestNamespace;
    else if (requestNamespace === '') delete metadata['namespace'];
    else throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
  const urlName = current.metadata?.name ?? '';
  const name = typeof metadata['name'] === 'string' ? metadata['name'] : '';
  if (name !== urlName) throw badRequest(`the name of the object (${name}) does not match the name on the URL (${urlName})`);
  return patched as KubeObject;
}

/** Invalid 422 as the patch handler words a result that does not decode: field `patch`, the patched JSON as the value. */
function notDecodable(patched: Json, detail: string): StatusError {
  let text = JSON.stringify(patched);
  // Quoting a multi-megabyte object back helps no one.
  if (text.length > 1024) text = `${text.slice(0, 1024)}...`;
  return invalid('', '', [{ field: 'patch', type: 'Invalid value', value: text, detail }]);
}
