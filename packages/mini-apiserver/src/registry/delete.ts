/**
 * Delete, as the generic registry's `Store.Delete`: DeleteOptions checked,
 * NamespaceLifecycle's protected namespaces refused, the preconditions (uid,
 * resourceVersion) checked by the storage delete. There are no finalizers
 * or graceful deletion here: the object is gone at once (a namespace too,
 * without deleting its contents). The answer is the deleted object for the
 * kinds whose registry sets `ReturnDeletedObject` (pods, namespaces), a
 * success Status for the others.
 */
import { badRequest, invalid, isStatusError, type KubeObject } from '@apiserver-kit/codec';
import { refuseDryRun } from './dry-run.js';
import type { Preconditions } from '@apiserver-kit/storage';
import { type ResourceInfo, storageKey } from '../resources.js';
import { admitDelete } from './admission.js';
import { cacherOf, type RegistryContext } from './context.js';

/** The DeleteOptions the registry reads (decoded from a body, or given by a client). */
export interface RegistryDeleteOptions {
  readonly preconditions?: { readonly uid?: string | undefined; readonly resourceVersion?: string | undefined } | undefined;
  readonly propagationPolicy?: string | undefined;
}

/** Kinds whose DELETE answers the deleted object rather than a Status (their registries set ReturnDeletedObject). */
const RETURNS_DELETED_OBJECT: ReadonlySet<string> = new Set(['pods', 'namespaces']);

const PROPAGATION_POLICIES: readonly string[] = ['Foreground', 'Background', 'Orphan'];

/**
 * A `propagationPolicy` Kubernetes knows (accepted, without effect: no garbage collector here).
 * @throws StatusError Invalid 422 `DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Unsupported value: …`
 */
export function checkPropagationPolicy(policy: unknown): void {
  if (policy !== undefined && policy !== null && (typeof policy !== 'string' || !PROPAGATION_POLICIES.includes(policy))) {
    throw invalid('DeleteOptions', '', [{ field: 'propagationPolicy', type: 'Unsupported value', detail: 'supported values: "Foreground", "Background", "Orphan", "nil"', value: policy }], 'meta.k8s.io');
  }
}

/**
 * DeleteOptions from a decoded body and the query's `propagationPolicy` (which wins).
 * @throws StatusError Invalid 422 for a propagationPolicy Kubernetes does not know
 */
export function deleteOptionsFrom(body: Readonly<Record<string, unknown>>, queryPolicy?: string | undefined): RegistryDeleteOptions {
  // client-go sends dryRun in the body of a delete: refused there as in the query.
  const dryRun = body['dryRun'];
  if (dryRun !== undefined && dryRun !== null) {
    if (!Array.isArray(dryRun)) throw badRequest(`Invalid dry run value: ${String(dryRun)}`);
    refuseDryRun(dryRun);
  }
  const policy = queryPolicy ?? body['propagationPolicy'];
  checkPropagationPolicy(policy);
  const preconditions = body['preconditions'];
  return {
    ...(typeof preconditions === 'object' && preconditions !== null ? { preconditions: preconditions as NonNullable<RegistryDeleteOptions['preconditions']> } : {}),
    ...(typeof policy === 'string' ? { propagationPolicy: policy } : {}),
  };
}

/** The storage preconditions of DeleteOptions (empty values ignored, as unset pointers). */
function preconditionsOf(options: RegistryDeleteOptions): Preconditions {
  const pre = options.preconditions ?? {};
  return {
    ...(typeof pre.uid === 'string' && pre.uid !== '' ? { uid: pre.uid } : {}),
    ...(typeof pre.resourceVersion === 'string' && pre.resourceVersion !== '' ? { resourceVersion: pre.resourceVersion } : {}),
  };
}

/**
 * Deletes the object `name` and returns it as it was last stored (with the delete's revision as its resourceVersion).
 * @throws StatusError Forbidden 403 (a system namespace); NotFound 404; Conflict 409 (a failed precondition); Invalid 422 (propagationPolicy)
 */
export async function deleteObject(
  context: RegistryContext,
  info: ResourceInfo,
  name: string,
  options: RegistryDeleteOptions & { readonly namespace?: string | undefined; readonly signal?: AbortSignal | undefined } = {},
): Promise<KubeObject> {
  checkPropagationPolicy(options.propagationPolicy);
  admitDelete(info, name);
  return context.storage.delete(storageKey(info, name, options.namespace), { preconditions: preconditionsOf(options), signal: options.signal });
}

/** What a DELETE answers: the deleted object (pods, namespaces) or Kubernetes' success Status whose `details` name the object. */
export function deleteAnswer(info: ResourceInfo, deleted: KubeObject): KubeObject {
  if (info.group === '' && RETURNS_DELETED_OBJECT.has(info.resource)) return deleted;
  const meta = deleted.metadata ?? {};
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Success',
    details: { name: meta.name ?? '', ...(info.group === '' ? {} : { group: info.group }), kind: info.resource, ...(meta.uid === undefined ? {} : { uid: meta.uid }) },
  };
}

/** Which objects a delete of a collection takes. */
export interface RegistryDeleteCollectionOptions {
  readonly namespace?: string | undefined;
  readonly labelSelector?: string | undefined;
  readonly fieldSelector?: string | undefined;
  readonly signal?: AbortSignal | undefined;
}

/**
 * Deletes every object the selectors match (a consistent list of the cache),
 * one by one, skipping those deleted meanwhile; returns what was deleted and
 * the revision after, as Kubernetes' `DeleteCollection` answers a list.
 * @throws StatusError BadRequest 400 for a selector that does not parse
 */
export async function deleteCollection(context: RegistryContext, info: ResourceInfo, options: RegistryDeleteCollectionOptions = {}): Promise<{ items: KubeObject[]; resourceVersion: string }> {
  const listed = await cacherOf(context, info).list({
    ...(options.labelSelector === undefined ? {} : { labelSelector: options.labelSelector }),
    ...(options.fieldSelector === undefined ? {} : { fieldSelector: options.fieldSelector }),
    ...(options.namespace === undefined ? {} : { namespace: options.namespace }),
    signal: options.signal,
  });
  const items: KubeObject[] = [];
  for (const item of listed.items) {
    const meta = item.getObject().metadata ?? {};
    try {
      items.push(await context.storage.delete(storageKey(info, meta.name ?? '', meta.namespace)));
    } catch (error) {
      if (!isStatusError(error, 'NotFound')) throw error;
    }
  }
  return { items, resourceVersion: String(await context.storage.currentRevision()) };
}
