/**
 * A decoded body as the registry takes it: checked against the endpoint's
 * kind and version, and against the request's namespace and name, as
 * Kubernetes' REST handlers do before they call the registry
 * (`EnsureObjectNamespaceMatchesRequestNamespace`, `updateHandler`'s name check).
 */
import { badRequest, invalid } from '@apiserver-kit/codec';
import { apiVersionOf, type ResourceInfo } from '../resources.js';

/** An object the registry may change: a fresh copy, never a stored (frozen) one. */
export type MutableObject = Record<string, unknown> & { metadata: Record<string, unknown> };

/**
 * A decoded body as a fresh, mutable object whose `apiVersion` and `kind` are
 * the endpoint's (defaulted when absent, as decoding into the endpoint's type does).
 * @throws StatusError BadRequest 400 for a body that is not an object, or of another kind or version;
 *   Invalid 422 for a `metadata` that is not an object.
 */
export function asResourceObject(info: ResourceInfo, body: unknown): MutableObject {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw badRequest(`the body of the request is not a ${info.kind} object`);
  const object = structuredClone(body) as Record<string, unknown>;
  const expectedVersion = apiVersionOf(info);
  const apiVersion = object['apiVersion'];
  if (apiVersion !== undefined && apiVersion !== '' && apiVersion !== expectedVersion) {
    throw badRequest(`the API version in the data (${String(apiVersion)}) does not match the expected API version (${expectedVersion})`);
  }
  const kind = object['kind'];
  if (kind !== undefined && kind !== '' && kind !== info.kind) {
    throw badRequest(`the kind in the data (${String(kind)}) does not match the expected kind (${info.kind})`);
  }
  const metadata = object['metadata'];
  if (metadata !== undefined && metadata !== null && (typeof metadata !== 'object' || Array.isArray(metadata))) {
    throw invalid(info.kind, '', [{ field: 'metadata', type: 'Invalid value', detail: 'must be an object', value: metadata }], info.group);
  }
  return { ...object, apiVersion: expectedVersion, kind: info.kind, metadata: { ...((metadata ?? {}) as Record<string, unknown>) } };
}

/**
 * Kubernetes' `EnsureObjectNamespaceMatchesRequestNamespace`: an empty
 * namespace takes the request's, a cluster-scoped object loses its namespace,
 * and any other difference is refused.
 * @throws StatusError BadRequest 400 `the namespace of the provided object does not match the namespace sent on the request`
 */
export function ensureNamespaceMatches(info: ResourceInfo, object: MutableObject, requestNamespace: string | undefined): void {
  const requested = info.namespaced ? (requestNamespace ?? '') : '';
  const own = object.metadata['namespace'];
  const objectNamespace = typeof own === 'string' ? own : '';
  if (objectNamespace === requested) {
    if (requested === '') delete object.metadata['namespace'];
    return;
  }
  if (objectNamespace === '') {
    object.metadata['namespace'] = requested;
    return;
  }
  if (requested === '') {
    delete object.metadata['namespace'];
    return;
  }
  throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
}

/**
 * Kubernetes' check of an update's name (`updateHandler`): an empty name takes the request's.
 * @throws StatusError BadRequest 400 `the name of the object (a) does not match the name on the URL (b)`
 */
export function ensureNameMatches(object: MutableObject, requestName: string): void {
  const own = object.metadata['name'];
  if (own === undefined || own === '') {
    object.metadata['name'] = requestName;
    return;
  }
  if (own !== requestName) throw badRequest(`the name of the object (${String(own)}) does not match the name on the URL (${requestName})`);
}
