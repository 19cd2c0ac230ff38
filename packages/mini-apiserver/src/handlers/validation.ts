/**
 * What Kubernetes' REST handlers and registry strategies do to an object
 * before it is written, for the served kinds: the body's kind and version
 * against the endpoint, the namespace against the URL
 * (`EnsureObjectNamespaceMatchesRequestNamespace`), system fields filled by
 * the server (`FillObjectMetaSystemFields`: the storage stamps uid and
 * creationTimestamp), `generateName`, and `ValidateObjectMeta`'s name and
 * label rules.
 */
import { validateDns1123Subdomain, validateLabelKey, validateLabelValue } from '@apiserver-kit/cache';
import { badRequest, type FieldError, invalid, type KubeObject, type ObjectMeta } from '@apiserver-kit/codec';
import { apiVersionOf, type ResourceInfo } from '../resources.js';

type MutableObject = Record<string, unknown> & { metadata: Record<string, unknown> };

/**
 * A decoded body as a fresh, mutable object whose `apiVersion` and `kind` are
 * the endpoint's (defaulted when absent, as decoding into the endpoint's type does).
 * @throws StatusError BadRequest 400 for a body that is not an object, or of another kind or version.
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
 * namespace takes the URL's, a cluster-scoped object loses its namespace,
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
 * Kubernetes' check of an update's name (`updateHandler`): an empty name takes the URL's.
 * @throws StatusError BadRequest 400 `the name of the object (a) does not match the name on the URL (b)`
 */
export function ensureNameMatches(object: MutableObject, urlName: string): void {
  const own = object.metadata['name'];
  if (own === undefined || own === '') {
    object.metadata['name'] = urlName;
    return;
  }
  if (own !== urlName) throw badRequest(`the name of the object (${String(own)}) does not match the name on the URL (${urlName})`);
}

// apimachinery's SimpleNameGenerator: 5 characters with no vowels (no words) and no look-alikes.
const NAME_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';
const GENERATED_SUFFIX_LENGTH = 5;
const MAX_GENERATED_NAME_LENGTH = 63;

/** A name from `generateName` as apimachinery's `SimpleNameGenerator`: the base (cut to 58) plus 5 random characters. */
export function generateName(base: string, random: () => number): string {
  const prefix = base.length > MAX_GENERATED_NAME_LENGTH - GENERATED_SUFFIX_LENGTH ? base.slice(0, MAX_GENERATED_NAME_LENGTH - GENERATED_SUFFIX_LENGTH) : base;
  let suffix = '';
  for (let i = 0; i < GENERATED_SUFFIX_LENGTH; i++) suffix += NAME_ALPHABET[Math.floor(random() * NAME_ALPHABET.length) % NAME_ALPHABET.length];
  return prefix + suffix;
}

/**
 * What `BeforeCreate` does to metadata: the server's own fields are cleared
 * (storage stamps uid and creationTimestamp), and a missing name is generated
 * from `generateName`. Returns whether the name was generated (a clash is retried).
 */
export function prepareCreate(object: MutableObject, random: () => number): boolean {
  const metadata = object.metadata;
  for (const field of ['uid', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'selfLink']) delete metadata[field];
  const name = metadata['name'];
  const base = metadata['generateName'];
  if ((name === undefined || name === '') && typeof base === 'string' && base !== '') {
    metadata['name'] = generateName(base, random);
    return true;
  }
  return false;
}

/**
 * What `BeforeUpdate` does: fields the server owns come from the stored
 * object (uid, creationTimestamp, generateName), so a client cannot change them.
 */
export function keepSystemFields(object: MutableObject, current: KubeObject): void {
  const stored = current.metadata ?? {};
  for (const field of ['uid', 'creationTimestamp'] as const) {
    if (stored[field] === undefined) delete object.metadata[field];
    else object.metadata[field] = stored[field];
  }
}

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_LABEL_MESSAGE =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";

/** Kubernetes' name rule of each kind: namespaces are DNS-1123 labels, the others DNS-1123 subdomains. */
function nameErrors(info: ResourceInfo, name: string): string[] {
  if (info.resource === 'namespaces') {
    const errors: string[] = [];
    if (name.length > 63) errors.push('must be no more than 63 characters');
    if (!DNS1123_LABEL.test(name)) errors.push(DNS1123_LABEL_MESSAGE);
    return errors;
  }
  return validateDns1123Subdomain(name);
}

/**
 * `ValidateObjectMeta` for the served kinds: a name (or generateName), of the
 * kind's form; for namespaced kinds a namespace of DNS-1123 label form; label
 * keys and values of Kubernetes' forms.
 * @throws StatusError Invalid 422 naming every offending field
 */
export function validateObject(info: ResourceInfo, object: KubeObject): void {
  const metadata: ObjectMeta = object.metadata ?? {};
  const errors: FieldError[] = [];
  const name = metadata.name;
  if (name === undefined || name === '') {
    errors.push({ field: 'metadata.name', type: 'Required value', detail: 'name or generateName is required' });
  } else if (typeof name !== 'string') {
    errors.push({ field: 'metadata.name', type: 'Invalid value', detail: 'must be a string', value: name });
  } else {
    for (const message of nameErrors(info, name)) errors.push({ field: 'metadata.name', type: 'Invalid value', detail: message, value: name });
  }
  if (info.namespaced) {
    const namespace = metadata.namespace;
    if (namespace === undefined || namespace === '') errors.push({ field: 'metadata.namespace', type: 'Required value', detail: '' });
    else if (typeof namespace !== 'string' || !DNS1123_LABEL.test(namespace) || namespace.length > 63) {
      errors.push({ field: 'metadata.namespace', type: 'Invalid value', detail: DNS1123_LABEL_MESSAGE, value: namespace });
    }
  }
  const labels = metadata.labels;
  if (labels !== undefined && labels !== null && typeof labels === 'object') {
    for (const [key, value] of Object.entries(labels)) {
      const keyErrors = validateLabelKey(key);
      if (keyErrors.length > 0) errors.push({ field: 'metadata.labels', type: 'Invalid value', detail: keyErrors.join('; '), value: key });
      if (typeof value === 'string') {
        const valueErrors = validateLabelValue(value);
        if (valueErrors.length > 0) errors.push({ field: `metadata.labels`, type: 'Invalid value', detail: valueErrors.join('; '), value });
      }
    }
  }
  if (errors.length > 0) throw invalid(info.kind, typeof name === 'string' ? name : '', errors, info.group);
}
