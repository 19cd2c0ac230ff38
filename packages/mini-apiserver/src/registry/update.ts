/**
 * Update (PUT), as the generic registry's `Store.Update`: the body checked
 * against the request's namespace and name, then a storage
 * `guaranteedUpdate` whose step applies the strategy's `PrepareForUpdate`
 * (the main resource's or the status subresource's), `BeforeUpdate`'s
 * system fields and validation. Optimistic concurrency: a body's
 * `metadata.resourceVersion` must be the stored one (Conflict 409), and a
 * body's `uid` must be the stored one (a precondition, Conflict 409).
 */
import type { Preconditions } from '@apiserver-kit/storage';
import { type ResourceInfo, type ResourceSubresource, storageKey } from '../resources.js';
import type { RegistryContext, RegistryWriteOptions, RegistryWriteResult } from './context.js';
import { checkBodyFields } from './field-validation.js';
import { asResourceObject, ensureNameMatches, ensureNamespaceMatches, type MutableObject } from './object.js';
import { keepSystemFields, prepareForStatusUpdate, prepareForUpdate } from './strategy.js';
import { validateObject } from './validation.js';
import type { KubeObject } from '@apiserver-kit/codec';

/** Options of {@link updateObject} and the patch. */
export interface RegistryUpdateOptions extends RegistryWriteOptions {
  /** `status`: write the status subresource (only `status` changes). */
  readonly subresource?: ResourceSubresource | undefined;
}

/** The strategy step of an update of `subresource` (or of the main resource): what changes, then validation. */
export function prepareUpdate(info: ResourceInfo, next: MutableObject, current: KubeObject, subresource: ResourceSubresource | undefined): void {
  if (subresource === 'status') prepareForStatusUpdate(info, next, current);
  else prepareForUpdate(info, next, current);
  keepSystemFields(next, current);
  validateObject(info, next);
}

/**
 * Replaces the object `name` with `body` (a decoded object).
 * @throws StatusError BadRequest 400 (body, namespace or name mismatch, unknown
 *   fields under Strict); NotFound 404; Conflict 409 (stale resourceVersion, uid
 *   precondition); Invalid 422.
 */
export async function updateObject(context: RegistryContext, info: ResourceInfo, name: string, body: unknown, options: RegistryUpdateOptions = {}): Promise<RegistryWriteResult> {
  const object = asResourceObject(info, body);
  const warnings = checkBodyFields(info, object, options.fieldValidation ?? 'Warn');
  ensureNamespaceMatches(info, object, options.namespace);
  ensureNameMatches(object, name);
  const uid = object.metadata['uid'];
  const preconditions: Preconditions = typeof uid === 'string' && uid !== '' ? { uid } : {};
  const stored = await context.storage.guaranteedUpdate(
    storageKey(info, name, options.namespace),
    (current) => {
      const next = structuredClone(object);
      prepareUpdate(info, next, current!, options.subresource);
      return next;
    },
    { preconditions, signal: options.signal },
  );
  return { object: stored, warnings };
}
