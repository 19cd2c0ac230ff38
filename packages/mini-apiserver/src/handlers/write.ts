/**
 * The write verbs — create, update, patch, delete, deletecollection — over
 * HTTP: parameters, the body (limited) decoded in its negotiated format, the
 * registry's verb (admission, strategy, validation, the storage write with
 * its optimistic concurrency), the answer encoded.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { badRequest, type Encoder, readRequestBody } from '@apiserver-kit/codec';
import { deleteAnswer, deleteOptionsFrom, type RegistryDeleteOptions } from '../registry/delete.js';
import { checkPatchContentType } from '../registry/patch.js';
import { apiVersionOf } from '../resources.js';
import type { ServerContext } from './context.js';
import { fieldValidationDirective, setWarningHeaders } from './field-validation.js';
import { checkWriteQuery, integerParam } from './query.js';
import type { ResourceRequest } from './request-info.js';
import { writeList, writeObject } from './respond.js';

/** One write request, as the router hands it over. */
export interface WriteRequest {
  readonly context: ServerContext;
  readonly request: IncomingMessage;
  readonly response: ServerResponse;
  readonly resource: ResourceRequest;
  readonly query: URLSearchParams;
  readonly signal: AbortSignal;
}

async function decodeBody(write: WriteRequest): Promise<unknown> {
  const decoder = write.context.codecs.decoder(write.request);
  const bytes = await readRequestBody(write.request, { limitBytes: write.context.maxRequestBodyBytes });
  return decoder.decode(bytes);
}

function outputOf(write: WriteRequest): Encoder {
  return write.context.codecs.output(write.request, write.query).encoder;
}

/** POST: create, with `generateName`; 201 with the stored object. */
export async function serveCreate(write: WriteRequest): Promise<void> {
  const { context, resource, query } = write;
  checkWriteQuery(query);
  const encoder = outputOf(write);
  const body = await decodeBody(write);
  const { object, warnings } = await context.registry.create(resource.info, body, { namespace: resource.namespace, fieldValidation: fieldValidationDirective(query), signal: write.signal });
  setWarningHeaders(write.response, warnings);
  await writeObject(write.request, write.response, 201, object, encoder);
}

/** PUT: update (of the object, or of its status subresource) with optimistic concurrency. */
export async function serveUpdate(write: WriteRequest): Promise<void> {
  const { context, resource, query } = write;
  checkWriteQuery(query);
  const encoder = outputOf(write);
  const body = await decodeBody(write);
  const { object, warnings } = await context.registry.update(resource.info, resource.name ?? '', body, {
    namespace: resource.namespace,
    subresource: resource.subresource,
    fieldValidation: fieldValidationDirective(query),
    signal: write.signal,
  });
  setWarningHeaders(write.response, warnings);
  await writeObject(write.request, write.response, 200, object, encoder);
}

/** PATCH: merge, JSON and strategic-merge patches (of the object, or of its status subresource). */
export async function servePatch(write: WriteRequest): Promise<void> {
  const { context, resource, query, request } = write;
  checkWriteQuery(query);
  const contentType = request.headers['content-type'] ?? '';
  // Refused before the body is read: 415 names the patch types served (server-side apply among the refused, for now).
  checkPatchContentType(resource.info, contentType);
  const encoder = outputOf(write);
  const body = await readRequestBody(request, { limitBytes: context.maxRequestBodyBytes });
  const { object, warnings } = await context.registry.patch(resource.info, resource.name ?? '', body, contentType, {
    namespace: resource.namespace,
    subresource: resource.subresource,
    fieldValidation: fieldValidationDirective(query),
    signal: write.signal,
  });
  setWarningHeaders(write.response, warnings);
  await writeObject(write.request, write.response, 200, object, encoder);
}

/** DeleteOptions from the body (JSON, YAML or protobuf) and the query. */
async function deleteOptionsOf(write: WriteRequest): Promise<RegistryDeleteOptions> {
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
  const options = deleteOptionsFrom(body, query.get('propagationPolicy') ?? undefined);
  integerParam(query, 'gracePeriodSeconds');
  return options;
}

/** DELETE of one object, with `preconditions` (uid, resourceVersion) and `propagationPolicy` accepted. */
export async function serveDelete(write: WriteRequest): Promise<void> {
  const { context, resource, query } = write;
  const { info } = resource;
  checkWriteQuery(query);
  const encoder = outputOf(write);
  const options = await deleteOptionsOf(write);
  const deleted = await context.registry.delete(info, resource.name ?? '', { ...options, namespace: resource.namespace, signal: write.signal });
  await writeObject(write.request, write.response, 200, deleteAnswer(info, deleted), encoder);
}

/** DELETE of a collection: every object the selectors match; answers the list of what was deleted, as Kubernetes does. */
export async function serveDeleteCollection(write: WriteRequest): Promise<void> {
  const { context, resource, query } = write;
  const { info } = resource;
  checkWriteQuery(query);
  const encoder = outputOf(write);
  await deleteOptionsOf(write);
  const labelSelector = query.get('labelSelector');
  const fieldSelector = query.get('fieldSelector');
  const { items, resourceVersion } = await context.registry.deleteCollection(info, {
    ...(labelSelector === null ? {} : { labelSelector }),
    ...(fieldSelector === null ? {} : { fieldSelector }),
    ...(resource.namespace === undefined ? {} : { namespace: resource.namespace }),
    signal: write.signal,
  });
  await writeList(write.request, write.response, { apiVersion: apiVersionOf(info), kind: info.listKind, metadata: { resourceVersion } }, items, encoder);
}
