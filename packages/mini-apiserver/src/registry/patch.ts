/**
 * Patch, as Kubernetes' patch handler and the generic registry: the patch
 * applied by its content type to the current object (merge, JSON,
 * strategic merge), the result decoded as the patchers decode it, its name
 * and namespace kept, then the update's strategy step — all re-done on the
 * fresh object after each lost race.
 */
import { invalid, type KubeObject, unsupportedMediaType } from '@apiserver-kit/codec';
import { applyPatch, PATCH_CONTENT_TYPES } from '../patch.js';
import { type ResourceInfo, storageKey } from '../resources.js';
import type { RegistryContext, RegistryWriteResult } from './context.js';
import { checkPatchedFields } from './field-validation.js';
import { asResourceObject } from './object.js';
import { prepareUpdate, type RegistryUpdateOptions } from './update.js';

/**
 * Refuses a patch format that is not served, before its body is read.
 * @throws StatusError UnsupportedMediaType 415 naming the served types (server-side apply among the refused, with its own message)
 */
export function checkPatchContentType(info: ResourceInfo, contentType: string): void {
  const mediaType = contentType.split(';')[0]!.trim().toLowerCase();
  if (PATCH_CONTENT_TYPES.includes(mediaType)) return;
  if (mediaType === 'application/apply-patch+yaml') applyPatch(info, {}, new Uint8Array(), contentType);
  throw unsupportedMediaType(contentType, PATCH_CONTENT_TYPES);
}

/**
 * Applies `body` (the patch's bytes, of `contentType`) to the object `name`.
 * @throws StatusError UnsupportedMediaType 415; BadRequest 400 (a patch that
 *   does not parse); NotFound 404; Conflict 409 (a resourceVersion in the patch
 *   that is not the stored one); Invalid 422 (a failed test operation, name or
 *   namespace changed, metadata, unknown fields under Strict); RequestEntityTooLarge 413.
 */
export async function patchObject(
  context: RegistryContext,
  info: ResourceInfo,
  name: string,
  body: Uint8Array,
  contentType: string,
  options: RegistryUpdateOptions = {},
): Promise<RegistryWriteResult> {
  checkPatchContentType(info, contentType);
  const directive = options.fieldValidation ?? 'Warn';
  let warnings: string[] = [];
  const stored = await context.storage.guaranteedUpdate(
    storageKey(info, name, options.namespace),
    (current) => {
      const patched = asResourceObject(info, applyPatch(info, current!, body, contentType));
      // The patched result is decoded as the patchers decode it (re-done on each conflict retry: the last attempt's warnings count).
      warnings = checkPatchedFields(info, patched, directive);
      checkSameObject(info, name, patched, current!);
      prepareUpdate(info, patched, current!, options.subresource);
      return patched;
    },
    { signal: options.signal },
  );
  return { object: stored, warnings };
}

/** Name and namespace are the key's: a patch cannot move an object (Kubernetes: field is immutable). */
function checkSameObject(info: ResourceInfo, name: string, patched: Record<string, unknown> & { metadata: Record<string, unknown> }, current: KubeObject): void {
  const meta = current.metadata ?? {};
  const errors = [];
  if (patched.metadata['name'] !== meta.name) errors.push({ field: 'metadata.name', type: 'Invalid value' as const, detail: 'field is immutable', value: patched.metadata['name'] });
  if (info.namespaced && patched.metadata['namespace'] !== meta.namespace) {
    errors.push({ field: 'metadata.namespace', type: 'Invalid value' as const, detail: 'field is immutable', value: patched.metadata['namespace'] });
  }
  if (errors.length > 0) throw invalid(info.kind, name, errors, info.group);
}
