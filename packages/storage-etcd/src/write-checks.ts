/**
 * The checks every write makes before it reaches etcd, with the same messages
 * as MemoryStorage (the conformance suite pins them): the object against its
 * key, the metadata's shape, preconditions against the current object.
 */
import { badRequest, type KubeObject, type ObjectMeta } from '@apiserver-kit/codec';
import { checkOptions, received } from '@apiserver-kit/core';
import { type Preconditions, preconditionFailed, type StorageKey, validateObjectMeta } from '@apiserver-kit/storage';

/** Metadata whose name has been checked. */
export type NamedMeta = ObjectMeta & { readonly name: string };

/**
 * Validates a written object against its key; returns it with the `null`
 * metadata fields left out (storage's `validateObjectMeta`), and its metadata.
 *
 * @throws TypeError when it is not an object with a non-empty `metadata.name`;
 *   StatusError Invalid 422 for metadata of the wrong shape, BadRequest 400 for
 *   a name or namespace disagreeing with the key.
 */
export function checkObject(key: string, parsed: StorageKey, object: unknown, what: 'object' | 'the result of tryUpdate'): { readonly object: KubeObject; readonly meta: NamedMeta } {
  if (typeof object !== 'object' || object === null || Array.isArray(object)) {
    throw new TypeError(
      what === 'object' ? `Expected \`object\` to be an object, got ${received(object)}` : `Expected \`tryUpdate\` to return an object, got ${received(object)}`,
    );
  }
  const accepted = validateObjectMeta(key, object as KubeObject);
  const meta = accepted.metadata;
  if (typeof meta !== 'object' || meta === null || typeof meta.name !== 'string' || meta.name === '') {
    const name = what === 'object' ? 'object' : 'tryUpdate(…)';
    throw new TypeError(`Expected \`${name}.metadata.name\` to be a non-empty string, got ${received(typeof meta === 'object' && meta !== null ? meta.name : undefined)}`);
  }
  if (meta.name !== parsed.name) throw badRequest(`the name of the object (${meta.name}) does not match the key ${JSON.stringify(key)}`);
  const namespace = meta.namespace;
  if (namespace !== undefined && namespace !== '' && namespace !== parsed.namespace) {
    throw badRequest(`the namespace of the object (${namespace}) does not match the key ${JSON.stringify(key)}`);
  }
  return { object: accepted, meta: meta as NamedMeta };
}

/** @throws TypeError for preconditions that are not an object of strings. */
export function checkPreconditions(preconditions: Preconditions | undefined): void {
  if (preconditions === undefined) return;
  checkOptions('preconditions', preconditions);
  for (const field of ['uid', 'resourceVersion'] as const) {
    const value = preconditions[field];
    if (value !== undefined && typeof value !== 'string') throw new TypeError(`Expected \`preconditions.${field}\` to be a string, got ${received(value)}`);
  }
}

/** @throws StatusError Conflict 409 with Kubernetes' "Precondition failed" message when `object` does not meet them. */
export function checkAgainst(key: string, preconditions: Preconditions | undefined, object: KubeObject | undefined): void {
  if (preconditions === undefined) return;
  const meta = object?.metadata ?? {};
  if (preconditions.uid !== undefined && preconditions.uid !== meta.uid) throw preconditionFailed(key, 'UID', preconditions.uid, meta.uid);
  if (preconditions.resourceVersion !== undefined && preconditions.resourceVersion !== meta.resourceVersion) {
    throw preconditionFailed(key, 'ResourceVersion', preconditions.resourceVersion, meta.resourceVersion);
  }
}

/**
 * A shallow copy of `object` with `metadata` fields replaced; `undefined`
 * values leave a field out.
 */
export function withMetadata(object: KubeObject, meta: ObjectMeta | undefined, fields: Partial<Record<'resourceVersion' | 'uid' | 'creationTimestamp', string | undefined>>): KubeObject {
  const metadata: Record<string, unknown> = { ...meta };
  for (const [field, value] of Object.entries(fields)) {
    if (value === undefined) delete metadata[field];
    else metadata[field] = value;
  }
  return { ...object, metadata };
}
