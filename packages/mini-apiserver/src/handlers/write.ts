/**
 * The write verbs — create, update, patch, delete, deletecollection — go to
 * storage (the Cacher sees the result through its watch). Each runs
 * Kubernetes' steps in order: parameters, body (limited), decode,
 * namespace/name checks, admission (NamespaceLifecycle), defaults and
 * validation, then the storage write with its optimistic concurrency.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { badRequest, type Encoder, invalid, isStatusError, type KubeObject, readRequestBody, StatusError, unsupportedMediaType } from '@apiserver-kit/codec';
import type { Preconditions } from '@apiserver-kit/storage';
import { applyPatch, PATCH_CONTENT_TYPES } from '../patch.js';
import { initialPodStatus } from '../pod-status.js';
import { apiVersionOf, type ResourceInfo, storageKey } from '../resources.js';
import type { ServerContext } from './context.js';
import { checkBodyFields, checkPatchedFields, fieldValidationDirective, setWarningHeaders } from './field-validation.js';
import { checkWriteQuery, integerParam } from './query.js';
import type { ResourceRequest } from './request-info.js';
import { writeList, writeObject } from './respond.js';
import { asResourceObject, ensureNameMatches, ensureNamespaceMatches, keepSystemFields, prepareCreate, validateObject } from './validation.js';

/** One write request, as the router hands it over. */
export interface WriteRequest {
  readonly context: ServerContext;
  readonly request: IncomingMessage;
  readonly response: ServerResponse;
  readonly resource: ResourceRequest;
  readonly query: URLSearchParams;
  readonly signal: AbortSignal;
}

/** Namespaces Kubernetes' NamespaceLifecycle never lets anyone delete. */
const IMMORTAL_NAMESPACES: ReadonlySet<string> = new Set(['default', 'kube-system', 'kube-public']);

/** How many generated names a create tries before giving up (Kubernetes retries generateName clashes, 8 times). */
const GENERATE_NAME_ATTEMPTS = 8;

/** Kinds whose DELETE answers the deleted object rather than a Status (their registries set ReturnDeletedObject). */
const RETURNS_DELETED_OBJECT: ReadonlySet<string> = new Set(['pods', 'namespaces']);

async function decodeBody(write: WriteRequest): Promise<unknown> {
  const decoder = write.context.codecs.decoder(write.request);
  const bytes = await readRequestBody(write.request, { limitBytes: write.context.maxRequestBodyBytes });
  return decoder.decode(bytes);
}

/**
 * Kubernetes' NamespaceLifecycle admission for a create: the namespace must exist.
 * @throws StatusError NotFound 404 `namespaces "x" not found`
 */
async function admitNamespace(context: ServerContext, info: ResourceInfo, namespace: string | undefined): Promise<void> {
  if (!info.namespaced || namespace === undefined) return;
  const namespaces = context.resources.find((candidate) => candidate.group === '' && candidate.resource === 'namespaces');
  if (namespaces === undefined) return;
  const cacher = context.cachers.get(namespaces);
  // The cache first (cheap), storage when the cache has not seen it yet (a namespace created a moment ago), as the admission plugin's live lookup.
  if (cacher?.cache.get(storageKey(namespaces, namespace)) !== undefined) return;
  await context.storage.get(storageKey(namespaces, namespace));
}

function outputOf(write: WriteRequest): Encoder {
  return write.context.codecs.output(write.request, write.query).encoder;
}

/** POST: create, with `generateName`; 201 with the stored object. */
export async function serveCreate(write: WriteRequest): Promise<void> {
  const { context, resource, query } = write;
  const { info } = resource;
  checkWriteQuery(query);
  const encoder = outputOf(write);
  const object = asResourceObject(info, await decodeBody(write));
  const warnings = checkBodyFields(info, object, fieldValidationDirective(query));
  ensureNamespaceMatches(info, object, resource.namespace);
  await admitNamespace(context, info, resource.namespace);
  // podStrategy.PrepareForCreate: a new pod is Pending. Kubernetes replaces any status sent; here one sent is kept,
  // since no kubelet and no status subresource exist to set it later (tests and benchmarks create Running pods).
  if (info.group === '' && info.resource === 'pods' && isEmptyStatus(object['status'])) object['status'] = initialPodStatus(object['spec']);
  const namespace = info.namespaced ? (object.metadata['namespace'] as string) : undefined;
  for (let attempt = 1; ; attempt++) {
    const generated = prepareCreate(object, context.random);
    validateObject(info, object);
    try {
      const stored = await context.storage.create(storageKey(info, object.metadata['name'] as string, namespace), object, { signal: write.signal });
      setWarningHeaders(write.response, warnings);
      await writeObject(write.request, write.response, 201, stored, encoder);
      return;
    } catch (error) {
      if (!generated || attempt >= GENERATE_NAME_ATTEMPTS || !isStatusError(error, 'AlreadyExists')) throw error;
      delete object.metadata['name'];
    }
  }
}

function isEmptyStatus(status: unknown): boolean {
  return status === undefined || status === null || (typeof status === 'object' && Object.keys(status).length === 0);
}

/** PUT: update with optimistic concurrency (the body's resourceVersion, if any, must be current). */
export async function serveUpdate(write: WriteRequest): Promise<void> {
  const { context, resource, query } = write;
  const { info } = resource;
  const name = resource.name ?? '';
  checkWriteQuery(query);
  const encoder = outputOf(write);
  const object = asResourceObject(info, await decodeBody(write));
  const warnings = checkBodyFields(info, object, fieldValidationDirective(query));
  ensureNamespaceMatches(info, object, resource.namespace);
  ensureNameMatches(object, name);
  const uid = object.metadata['uid'];
  const preconditions: Preconditions = typeof uid === 'string' && uid !== '' ? { uid } : {};
  const stored = await context.storage.guaranteedUpdate(
    storageKey(info, name, resource.namespace),
    (current) => {
      const next = structuredClone(object);
      keepSystemFields(next, current!);
      validateObject(info, next);
      return next;
    },
    { preconditions, signal: write.signal },
  );
  setWarningHeaders(write.response, warnings);
  await writeObject(write.request, write.response, 200, stored, encoder);
}

/** PATCH: merge, JSON and strategic-merge patches, re-applied to the fresh object on every conflict retry. */
export async function servePatch(write: WriteRequest): Promise<void> {
  const { context, resource, query, request } = write;
  const { info } = resource;
  const name = resource.name ?? '';
  checkWriteQuery(query);
  const contentType = request.headers['content-type'] ?? '';
  const mediaType = contentType.split(';')[0]!.trim().toLowerCase();
  // Refused before the body is read: 415 names the patch types served (server-side apply among the refused, for now).
  if (!PATCH_CONTENT_TYPES.includes(mediaType)) {
    if (mediaType === 'application/apply-patch+yaml') applyPatch(info, {}, new Uint8Array(), contentType);
    throw unsupportedMediaType(contentType, PATCH_CONTENT_TYPES);
  }
  const encoder = outputOf(write);
  const body = await readRequestBody(request, { limitBytes: context.maxRequestBodyBytes });
  const directive = fieldValidationDirective(query);
  let warnings: string[] = [];
  const stored = await context.storage.guaranteedUpdate(
    storageKey(info, name, resource.namespace),
    (current) => {
      const patched = asResourceObject(info, applyPatch(info, current!, body, contentType));
      // The patched result is decoded as the patchers decode it (re-done on each conflict retry: the last attempt's warnings count).
      warnings = checkPatchedFields(info, patched, directive);
      const meta = current!.metadata ?? {};
      // Name and namespace are the key's: a patch cannot move an object (Kubernetes: field is immutable).
      const errors = [];
      if (patched.metadata['name'] !== meta.name) errors.push({ field: 'metadata.name', type: 'Invalid value' as const, detail: 'field is immutable', value: patched.metadata['name'] });
      if (info.namespaced && patched.metadata['namespace'] !== meta.namespace) {
        errors.push({ field: 'metadata.namespace', type: 'Invalid value' as const, detail: 'field is immutable', value: patched.metadata['namespace'] });
      }
      if (errors.length > 0) throw invalid(info.kind, name, errors, info.group);
      keepSystemFields(patched, current!);
      validateObject(info, patched);
      return patched;
    },
    { signal: write.signal },
  );
  setWarningHeaders(write.response, warnings);
  await writeObject(write.request, write.response, 200, stored, encoder);
}

/** DeleteOptions from the body (JSON, YAML or protobuf) and the query. */
interface DeleteOptionsBody {
  readonly preconditions?: { readonly uid?: string; readonly resourceVersion?: string };
  readonly propagationPolicy?: string;
  readonly gracePeriodSeconds?: number;
}

const PROPAGATION_POLICIES: readonly string[] = ['Foreground', 'Background', 'Orphan'];

async function deleteOptionsOf(write: WriteRequest): Promise<DeleteOptionsBody> {
  const { request, query, context } = write;
  const hasBody = (request.headers['content-length'] !== undefined && request.headers['content-length'] !== '0') || request.headers['transfer-encoding'] !== undefined;
  let body: Record<string, unknown> = {};
  if (hasBody) {
    const bytes = await readRequestBody(request, { limitBytes: context.maxRequestBodyBytes });
    if (bytes.byteLength > 0) {
      const decoded = context.codecs.decoder(request).decode(bytes) as unknown;
      if (typeof decoded !== 'object' || decoded === null || Array.isArray(decoded)) throw badRequest('the body of the request is not a DeleteOptions object');
      body = decoded as Record<string, unknown>;
    }
  }
  const policy = query.get('propagationPolicy') ?? body['propagationPolicy'];
  if (policy !== undefined && policy !== null && (typeof policy !== 'string' || !PROPAGATION_POLICIES.includes(policy))) {
    throw invalid('DeleteOptions', '', [{ field: 'propagationPolicy', type: 'Unsupported value', detail: 'supported values: "Foreground", "Background", "Orphan", "nil"', value: policy }], 'meta.k8s.io');
  }
  integerParam(query, 'gracePeriodSeconds');
  const preconditions = body['preconditions'];
  return typeof preconditions === 'object' && preconditions !== null ? { preconditions: preconditions as DeleteOptionsBody['preconditions'] & object } : {};
}

/**
 * DELETE of one object, with `preconditions` (uid, resourceVersion) and
 * `propagationPolicy` accepted. There are no finalizers or graceful
 * deletion here: the object is gone at once (a namespace too, without
 * deleting its contents).
 */
export async function serveDelete(write: WriteRequest): Promise<void> {
  const { context, resource, query } = write;
  const { info } = resource;
  const name = resource.name ?? '';
  checkWriteQuery(query);
  const encoder = outputOf(write);
  const options = await deleteOptionsOf(write);
  if (info.group === '' && info.resource === 'namespaces' && IMMORTAL_NAMESPACES.has(name)) {
    throw new StatusError('Forbidden', `namespaces "${name}" is forbidden: this namespace may not be deleted`, { details: { name, kind: 'namespaces' } });
  }
  const pre = options.preconditions ?? {};
  const preconditions: Preconditions = {
    ...(typeof pre.uid === 'string' && pre.uid !== '' ? { uid: pre.uid } : {}),
    ...(typeof pre.resourceVersion === 'string' && pre.resourceVersion !== '' ? { resourceVersion: pre.resourceVersion } : {}),
  };
  const deleted = await context.storage.delete(storageKey(info, name, resource.namespace), { preconditions, signal: write.signal });
  if (RETURNS_DELETED_OBJECT.has(info.resource) && info.group === '') {
    await writeObject(write.request, write.response, 200, deleted, encoder);
    return;
  }
  await writeObject(write.request, write.response, 200, deletedStatus(info, deleted), encoder);
}

/** Kubernetes' success Status of a DELETE: `details` name the object. */
function deletedStatus(info: ResourceInfo, deleted: KubeObject): KubeObject {
  const meta = deleted.metadata ?? {};
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Success',
    details: { name: meta.name ?? '', ...(info.group === '' ? {} : { group: info.group }), kind: info.resource, ...(meta.uid === undefined ? {} : { uid: meta.uid }) },
  };
}

/**
 * DELETE of a collection: every object the selectors match (a consistent
 * list of the cache), deleted one by one; answers the list of what was
 * deleted, as Kubernetes does. Objects deleted meanwhile are skipped.
 */
export async function serveDeleteCollection(write: WriteRequest): Promise<void> {
  const { context, resource, query } = write;
  const { info } = resource;
  checkWriteQuery(query);
  const encoder = outputOf(write);
  await deleteOptionsOf(write);
  const cacher = context.cachers.get(info);
  if (cacher === undefined) throw new Error(`no cacher for ${info.resource}`);
  const labelSelector = query.get('labelSelector');
  const fieldSelector = query.get('fieldSelector');
  const listed = await cacher.list({
    ...(labelSelector === null ? {} : { labelSelector }),
    ...(fieldSelector === null ? {} : { fieldSelector }),
    ...(resource.namespace === undefined ? {} : { namespace: resource.namespace }),
    signal: write.signal,
  });
  const deleted: KubeObject[] = [];
  for (const item of listed.items) {
    const meta = item.getObject().metadata ?? {};
    try {
      deleted.push(await context.storage.delete(storageKey(info, meta.name ?? '', meta.namespace)));
    } catch (error) {
      if (!isStatusError(error, 'NotFound')) throw error;
    }
  }
  const revision = String(await context.storage.currentRevision());
  await writeList(write.request, write.response, { apiVersion: apiVersionOf(info), kind: info.listKind, metadata: { resourceVersion: revision } }, deleted, encoder);
}
