/**
 * The read verbs — get, list, watch — over HTTP: the registry reads (the
 * resource's Cacher), the answer encoded — as objects, streamed lists,
 * Tables or a watch stream.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type CacheWatcher, writeWatchError, writeWatchResponse } from '@apiserver-kit/cache';
import { CachingWatchEvent, type Encoder, isStatusError, type KubeObject, WatchEventEncoder } from '@apiserver-kit/codec';
import { apiVersionOf, type ResourceInfo } from '../resources.js';
import { toTable } from '../table.js';
import { type IncludeObject, includeObjectOf } from './codecs.js';
import type { ServerContext } from './context.js';
import { listQuery } from './query.js';
import type { ResourceRequest } from './request-info.js';
import { writeList, writeObject } from './respond.js';

/** One read request, as the router hands it over. */
export interface ReadRequest {
  readonly context: ServerContext;
  readonly request: IncomingMessage;
  readonly response: ServerResponse;
  readonly resource: ResourceRequest;
  readonly query: URLSearchParams;
  /** Aborted when the client goes away. */
  readonly signal: AbortSignal;
}

/** GET of one object (or of its status subresource: the same object), with Kubernetes' resourceVersion semantics (Cacher.get). */
export async function serveGet(read: ReadRequest): Promise<void> {
  const { context, request, response, resource, query } = read;
  const output = context.codecs.output(request, query, { tables: true });
  const rv = query.get('resourceVersion');
  const object = await context.registry.get(resource.info, resource.name ?? '', {
    ...(resource.namespace === undefined ? {} : { namespace: resource.namespace }),
    ...(rv === null ? {} : { resourceVersion: rv }),
    signal: read.signal,
  });
  if (output.table) {
    const table = toTable(resource.info, [object.getObject()], {
      now: context.clock.now(),
      includeObject: includeObjectOf(query),
      wide: true,
    });
    await writeObject(request, response, 200, table, output.encoder);
    return;
  }
  await writeObject(request, response, 200, object, output.encoder);
}

/** LIST with selectors, paging and resourceVersion semantics (Cacher.list), streamed. */
export async function serveList(read: ReadRequest): Promise<void> {
  const { context, request, response, resource, query } = read;
  const output = context.codecs.output(request, query, { tables: true });
  const options = listQuery(query);
  const result = await context.registry.list(resource.info, {
    ...options,
    namespace: resource.namespace,
    signal: read.signal,
  });
  const listMeta = {
    resourceVersion: result.resourceVersion,
    ...(result.continue === undefined || result.continue === '' ? {} : { continue: result.continue }),
    ...(result.remainingItemCount === undefined ? {} : { remainingItemCount: result.remainingItemCount }),
  };
  if (output.table) {
    const table = toTable(
      resource.info,
      result.items.map((item) => item.getObject()),
      { now: context.clock.now(), includeObject: includeObjectOf(query), wide: true, listMeta },
    );
    await writeObject(request, response, 200, table, output.encoder);
    return;
  }
  await writeList(request, response, { apiVersion: apiVersionOf(resource.info), kind: resource.info.listKind, metadata: listMeta }, result.items, output.encoder);
}

/**
 * Failures of `Cacher.watch` that Kubernetes answers as an ERROR event of a
 * 200 stream (cacher.go's `newErrWatcher`: a revision too old or not reached
 * in time); the others — bad parameters, not ready — are HTTP errors.
 */
function failsAsErrorEvent(error: unknown): boolean {
  return isStatusError(error, 'Expired') || isStatusError(error, 'Gone') || isStatusError(error, 'Timeout') || isStatusError(error, 'InternalError');
}

/**
 * WATCH: streams the Cacher's watcher (shared framed events) to the
 * response; a one-row Table per event when the client asked for Tables.
 * `onStarted` runs once the watch is open (flow control releases its seats then).
 * Resolves when the stream ends.
 */
export async function serveWatch(read: ReadRequest, onStarted: () => void, onWatcher?: (delta: number) => void): Promise<void> {
  const { context, request, response, resource, query } = read;
  const output = context.codecs.output(request, query, { watch: true, tables: true });
  const options = listQuery(query);
  let fieldSelector = options.fieldSelector;
  if (resource.name !== undefined) {
    // A legacy `/watch/…/{name}` path watches one name: the collection's watch with a name selector.
    const byName = `metadata.name=${resource.name}`;
    fieldSelector = fieldSelector === undefined || fieldSelector === '' ? byName : `${fieldSelector},${byName}`;
  }
  // Without timeoutSeconds Kubernetes ends a watch after a random time in [min, 2·min) of --min-request-timeout, spreading reconnects.
  const timeoutSeconds = options.timeoutSeconds ?? Math.floor(context.minRequestTimeoutSeconds * (1 + context.random()));
  const watchEncoder = new WatchEventEncoder(output.encoder);
  let watcher: CacheWatcher;
  try {
    watcher = await context.registry.watch(resource.info, {
      ...options,
      fieldSelector,
      namespace: resource.namespace,
      timeoutSeconds,
      signal: read.signal,
    });
  } catch (error) {
    if (!failsAsErrorEvent(error)) throw error;
    onStarted();
    await writeWatchError(response, error, watchEncoder);
    return;
  }
  onStarted();
  onWatcher?.(1);
  try {
    const frame = output.table ? tableFrames(resource.info, context, includeObjectOf(query)) : undefined;
    await writeWatchResponse(watcher, response, watchEncoder, { clock: context.clock, frame });
  } finally {
    onWatcher?.(-1);
  }
}

/**
 * The frame of one watch event in Table form: the event's object becomes a
 * one-row Table (the column definitions on the first event only, as
 * Kubernetes sends them); a BOOKMARK becomes an empty Table carrying its
 * resourceVersion. These bytes are per watcher (the shared frames do not
 * apply); `writeWatchResponse` streams them with its backpressure, ERROR
 * event and drain deadline.
 */
function tableFrames(info: ResourceInfo, context: ServerContext, includeObject: IncludeObject): (event: CachingWatchEvent, encoder: Encoder) => Uint8Array {
  let first = true;
  return (event, encoder) => {
    const object = event.object.getObject();
    let table: KubeObject;
    if (event.type === 'BOOKMARK') {
      table = toTable(info, [], { now: context.clock.now(), listMeta: { resourceVersion: object.metadata?.resourceVersion ?? '' } });
    } else {
      table = toTable(info, [object], { now: context.clock.now(), includeObject, wide: true, noHeaders: !first });
      first = false;
    }
    return new CachingWatchEvent(event.type, table).framed(encoder);
  };
}
