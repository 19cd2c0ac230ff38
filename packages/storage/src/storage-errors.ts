/**
 * The storage errors, built from a key with Kubernetes' messages. All are
 * codec's `StatusError`s; see the package's `docs/storage.md` for the catalogue.
 */
import { alreadyExists, conflict, type FieldError, invalid, type KubeObject, notFound, StatusError } from '@apiserver-kit/codec';
import { parseKey } from './storage-key.js';

/** The `details.causes[].reason` that marks a watch ended by buffer overflow. */
export const WATCH_OVERFLOW_CAUSE = 'WatchBufferOverflow';

/** NotFound 404 for `key`: `pods "web-0" not found` (`deployments.apps "web" not found` for a grouped resource). */
export function keyNotFound(key: string): StatusError {
  const { resource, group, name } = describe(key);
  return notFound(resource, name, group);
}

/** AlreadyExists 409 for `key`: `pods "web-0" already exists`. */
export function keyExists(key: string): StatusError {
  const { resource, group, name } = describe(key);
  return alreadyExists(resource, name, group);
}

/**
 * Conflict 409 for `key`: `Operation cannot be fulfilled on pods "web-0": <why>`,
 * by default Kubernetes' stale-resourceVersion message.
 */
export function keyConflict(key: string, why?: string): StatusError {
  const { resource, group, name } = describe(key);
  return conflict(resource, name, why, group);
}

/**
 * Conflict 409 for a failed precondition, with Kubernetes' wording:
 * `Precondition failed: UID in precondition: a, UID in object meta: b`.
 */
export function preconditionFailed(key: string, field: 'UID' | 'ResourceVersion', expected: string, actual: string | undefined): StatusError {
  return keyConflict(key, `Precondition failed: ${field} in precondition: ${expected}, ${field} in object meta: ${actual ?? ''}`);
}

/**
 * Invalid 422 for an object written under `key` (apimachinery `NewInvalid`, as
 * the registry raises it): `Pod "web-0" is invalid: metadata.labels: …`. The
 * kind is the object's `kind`, grouped by its `apiVersion` (`Deployment.apps`);
 * without one, the resource of the key (`pods`, `deployments.apps`). The name
 * is `metadata.name` when it is a string, else the key's.
 */
export function objectInvalid(key: string, object: KubeObject, errors: readonly FieldError[]): StatusError {
  const described = describe(key);
  const meta: unknown = object.metadata;
  const named = typeof meta === 'object' && meta !== null ? (meta as { name?: unknown }).name : undefined;
  const name = typeof named === 'string' ? named : described.name;
  if (typeof object.kind === 'string' && object.kind !== '') {
    const apiVersion = typeof object.apiVersion === 'string' ? object.apiVersion : '';
    const slash = apiVersion.indexOf('/');
    return invalid(object.kind, name, errors, slash === -1 ? '' : apiVersion.slice(0, slash));
  }
  return invalid(described.resource, name, errors, described.group);
}

/**
 * Gone 410: a watch consumer fell `bufferSize` events behind and the watch was
 * ended so that it costs the writers nothing. The consumer resumes with a new
 * watch from `lastRevision`, which it received (or had asked for) last:
 * `watch ended: the consumer fell 1024 events behind; resume from resource version 57`.
 * The revision is also in `details.causes[0].message` (see {@link resumeRevision}).
 */
export function watchOverflow(lastRevision: number, bufferSize: number): StatusError {
  return new StatusError(
    'Gone',
    `watch ended: the consumer fell ${bufferSize} events behind; resume from resource version ${lastRevision}`,
    { details: { causes: [{ reason: WATCH_OVERFLOW_CAUSE, field: 'resourceVersion', message: String(lastRevision) }] } },
  );
}

/** The revision to resume a watch from after a {@link watchOverflow} error; `undefined` for any other error. */
export function resumeRevision(error: unknown): number | undefined {
  if (!(error instanceof StatusError) || error.reason !== 'Gone') return undefined;
  const cause = error.details?.causes?.find((c) => c.reason === WATCH_OVERFLOW_CAUSE);
  return cause?.message === undefined ? undefined : Number(cause.message);
}

function describe(key: string): { resource: string; group: string; name: string } {
  const { resource: qualified, name } = parseKey(key);
  const dot = qualified.indexOf('.');
  return dot === -1 ? { resource: qualified, group: '', name } : { resource: qualified.slice(0, dot), group: qualified.slice(dot + 1), name };
}
