/**
 * The checks every Storage implementation makes before a write, with the
 * messages the conformance suite pins: the object against its key, the
 * metadata's shape, preconditions against the current object. MemoryStorage
 * and storage-etcd's EtcdStorage share them.
 */
import { badRequest, type KubeObject, type ObjectMeta } from '@apiserver-kit/codec';
import { checkOptions, received } from '@apiserver-kit/core';
import { validateObjectMeta } from './object-meta.js';
import type { Preconditions } from './storage.js';
import { preconditionFailed } from './storage-errors.js';
import type { StorageKey } from './storage-key.js';

/** Metadata whose name has been checked. */
export type NamedMeta = ObjectMeta & { readonly name: string };

/**
 * Validates a written object against its key; returns it with the `null`
 * metadata fields left out (see object-meta.ts), and its metadata.
 */
export function checkObject(
  key: string,
  parsed: StorageKey,
  object: unknown,
  what: 'object' | 'the result of tryUpdate',
): { readonly object: KubeObject; readonly meta: NamedMeta } {
  const name = what === 'object' ? 'object' : 'tryUpdate(…)';
  if (typeof object !== 'object' || object === null || Array.isArray(object)) {
    throw new TypeError(
      what === 'object'
        ? `Expected \`object\` to be an object, got ${received(object)}`
        : `Expected \`tryUpdate\` to return an object, got ${received(object)}`,
    );
  }
  // Wrong shapes (they come from a request body) are Invalid 422 before anything reads them.
  const accepted = validateObjectMeta(key, object as KubeObject);
  const meta = accepted.metadata;
  if (typeof meta !== 'object' || meta === null || !isNamed(meta)) {
    // A missing name is the caller's omission (it keyed the object), not the body's shape.
    throw new TypeError(`Expected \`${name}.metadata.name\` to be a non-empty string, got ${received(typeof meta === 'object' && meta !== null ? meta.name : undefined)}`);
  }
  if (meta.name !== parsed.name) throw badRequest(`the name of the object (${meta.name}) does not match the key ${JSON.stringify(key)}`);
  const namespace = meta.namespace;
  if (namespace !== undefined && namespace !== '' && namespace !== parsed.namespace) {
    throw badRequest(`the namespace of the object (${namespace}) does not match the key ${JSON.stringify(key)}`);
  }
  return { object: accepted, meta };
}

function isNamed(meta: ObjectMeta): meta is NamedMeta {
  return typeof meta.name === 'string' && meta.name !== '';
}

/** @throws TypeError for preconditions that are not an object of strings. */
export function checkPreconditions(preconditions: Preconditions | undefined): void {
  if (preconditions === undefined) return;
  checkOptions('preconditions', preconditions);
  for (const field of ['uid', 'resourceVersion'] as const) {
    const value = preconditions[field];
    if (value !== undefined && typeof value !== 'string') {
      throw new TypeError(`Expected \`preconditions.${field}\` to be a string, got ${received(value)}`);
    }
  }
}

/** @throws StatusError Conflict 409 with Kubernetes' "Precondition failed" message when `object` does not meet them. */
export function checkAgainst(key: string, preconditions: Preconditions | undefined, object: KubeObject | undefined): void {
  if (preconditions === undefined) return;
  const meta = object?.metadata ?? {};
  if (preconditions.uid !== undefined && preconditions.uid !== meta.uid) {
    throw preconditionFailed(key, 'UID', preconditions.uid, meta.uid);
  }
  if (preconditions.resourceVersion !== undefined && preconditions.resourceVersion !== meta.resourceVersion) {
    throw preconditionFailed(key, 'ResourceVersion', preconditions.resourceVersion, meta.resourceVersion);
  }
}

