/**
 * The verbs on one resource over HTTP, as client-go's typed clients send
 * them:
 *
 * ```
 *   get            GET    …/{name}[?resourceVersion=]
 *   list           GET    …[?labelSelector&fieldSelector&limit&continue&resourceVersion&resourceVersionMatch]
 *   watch          GET    …?watch=true&…
 *   create         POST   …                 (namespace: the client's, else the object's)
 *   update         PUT    …/{name}
 *   updateStatus   PUT    …/{name}/status
 *   patch          PATCH  …/{name}[/status]  merge → application/merge-patch+json, json → application/json-patch+json,
 *                                            strategic → application/strategic-merge-patch+json
 *   delete         DELETE …/{name}           body: DeleteOptions (preconditions, dryRun) when given; dryRun in the query too
 *   writes         ?dryRun=All&fieldValidation=…
 * ```
 *
 * Every successful write (not a dry run) is recorded in the client's
 * {@link WriteLedger} at the revision it wrote: the answered object's
 * resourceVersion. A delete answered with a Status (no object: configmaps,
 * nodes…) says no revision: the record takes the collection's current
 * revision from a consistent `GET …?limit=1` right after, an upper bound of
 * the delete's (which the ledger allows), and the uid from the Status details.
 */
import { type ObjectShape, type Stored, internalError } from '@apiserver-kit/codec';
import { received } from '@apiserver-kit/core';
import type { DeleteOptions, GetOptions, ListOptions, ObjectList, PatchType, ResourceClient, WatchOptions, WatchStream, WriteOptions } from './api-client.js';
import type { HttpConnection } from './http-connection.js';
import { HttpWatchStream } from './http-watch-stream.js';
import { apiVersionOfType, resourceId, type ResourceType } from './resource-types.js';
import type { WriteLedger } from './write-ledger.js';

const PATCH_CONTENT_TYPES: Readonly<Record<PatchType, string>> = {
  merge: 'application/merge-patch+json',
  json: 'application/json-patch+json',
  strategic: 'application/strategic-merge-patch+json',
};

type Json = Record<string, unknown>;

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function metadataOf(object: unknown): Json {
  return isRecord(object) && isRecord(object['metadata']) ? object['metadata'] : {};
}

function stringOrUndefined(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** A resourceVersion as a revision, or undefined when it is not a decimal integer (opaque to clients in principle). */
function revisionOf(resourceVersion: unknown): number | undefined {
  if (typeof resourceVersion !== 'string' || !/^[0-9]{1,16}$/.test(resourceVersion)) return undefined;
  const revision = Number(resourceVersion);
  return Number.isSafeInteger(revision) ? revision : undefined;
}

function checkName(name: unknown): asserts name is string {
  if (typeof name !== 'string' || name === '') throw new TypeError(`Expected \`name\` to be a non-empty string, got ${received(name)}`);
}

/** See the module comment. */
export class HttpResourceClient<T extends ObjectShape> implements ResourceClient<T> {
  readonly type: ResourceType<T>;
  readonly namespace: string | undefined;
  readonly #connection: HttpConnection;
  readonly #writes: WriteLedger;

  constructor(connection: HttpConnection, writes: WriteLedger, type: ResourceType<T>, namespace: string | undefined) {
    this.#connection = connection;
    this.#writes = writes;
    this.type = type;
    this.namespace = namespace;
  }

  /** @throws TypeError for a namespaced resource without a namespace (a verb on one object needs one). */
  #namespaceFor(verb: string, objectNamespace?: unknown): string | undefined {
    if (!this.type.namespaced) return undefined;
    const namespace = this.namespace ?? (typeof objectNamespace === 'string' && objectNamespace !== '' ? objectNamespace : undefined);
    if (namespace === undefined) {
      throw new TypeError(`Expected \`namespace\` to be set to ${verb} ${resourceId(this.type)} (give it to the client or in metadata.namespace), got ${received(undefined)}`);
    }
    return namespace;
  }

  async get(name: string, options: GetOptions = {}): Promise<Stored<T>> {
    checkName(name);
    const url = this.#connection.objectUrl(this.type, this.#namespaceFor('get'), name, undefined, { resourceVersion: options.resourceVersion });
    return this.#object(await this.#connection.request({ method: 'GET', url, read: this.type, signal: options.signal }), 'GET');
  }

  async list(options: ListOptions = {}): Promise<ObjectList<T>> {
    const url = this.#connection.collectionUrl(this.type, this.namespace, {
      labelSelector: options.labelSelector === '' ? undefined : options.labelSelector,
      fieldSelector: options.fieldSelector === '' ? undefined : options.fieldSelector,
      limit: options.limit === undefined ? undefined : String(options.limit),
      continue: options.continue,
      resourceVersion: options.resourceVersion,
      resourceVersionMatch: options.resourceVersionMatch,
    });
    const body = await this.#connection.request({ method: 'GET', url, read: this.type, signal: options.signal });
    if (!isRecord(body) || !(Array.isArray(body['items']) || body['items'] === null || body['items'] === undefined)) throw internalError(`the list of ${resourceId(this.type)} is not a list`);
    const metadata = metadataOf(body);
    const apiVersion = apiVersionOfType(this.type);
    // Typed lists omit each item's kind and apiVersion: restore them, so listed objects look like got and watched ones.
    const items = ((body['items'] as unknown[] | null | undefined) ?? []).map((item) =>
      isRecord(item) && item['kind'] === undefined ? ({ apiVersion, kind: this.type.kind, ...item } as unknown as Stored<T>) : (item as Stored<T>),
    );
    const cont = stringOrUndefined(metadata['continue']);
    const remaining = metadata['remainingItemCount'];
    return {
      items,
      metadata: {
        resourceVersion: stringOrUndefined(metadata['resourceVersion']) ?? '',
        ...(cont === undefined || cont === '' ? {} : { continue: cont }),
        ...(typeof remaining === 'number' ? { remainingItemCount: remaining } : {}),
      },
    };
  }

  watch(options: WatchOptions = {}): WatchStream<T> {
    const url = this.#connection.collectionUrl(this.type, this.namespace, {
      watch: 'true',
      resourceVersion: options.resourceVersion,
      resourceVersionMatch: options.resourceVersionMatch,
      labelSelector: options.labelSelector === '' ? undefined : options.labelSelector,
      fieldSelector: options.fieldSelector === '' ? undefined : options.fieldSelector,
      allowWatchBookmarks: options.allowWatchBookmarks === true ? 'true' : undefined,
      sendInitialEvents: options.sendInitialEvents === undefined ? undefined : String(options.sendInitialEvents),
      timeoutSeconds: options.timeoutSeconds === undefined ? undefined : String(options.timeoutSeconds),
    });
    return new HttpWatchStream(this.#connection, this.type, url, options.signal);
  }

  async create(object: T, options: WriteOptions = {}): Promise<Stored<T>> {
    this.#checkObject(object);
    const namespace = this.#namespaceFor('create', metadataOf(object)['namespace']);
    const url = this.#connection.collectionUrl(this.type, namespace, writeQuery(options));
    return this.#written(await this.#connection.request({ method: 'POST', url, body: this.#withType(object), signal: options.signal }), 'POST', options);
  }

  update(object: T, options: WriteOptions = {}): Promise<Stored<T>> {
    return this.#put(object, undefined, options);
  }

  updateStatus(object: T, options: WriteOptions = {}): Promise<Stored<T>> {
    return this.#put(object, 'status', options);
  }

  patch(name: string, type: PatchType, patch: unknown, options: WriteOptions = {}): Promise<Stored<T>> {
    return this.#patch(name, type, patch, undefined, options);
  }

  patchStatus(name: string, type: PatchType, patch: unknown, options: WriteOptions = {}): Promise<Stored<T>> {
    return this.#patch(name, type, patch, 'status', options);
  }

  async delete(name: string, options: DeleteOptions = {}): Promise<void> {
    checkName(name);
    const namespace = this.#namespaceFor('delete');
    const preconditions = options.preconditions;
    const body =
      preconditions !== undefined || options.dryRun === true
        ? {
            apiVersion: 'v1',
            kind: 'DeleteOptions',
            ...(preconditions === undefined ? {} : { preconditions: { ...preconditions } }),
            ...(options.dryRun === true ? { dryRun: ['All'] } : {}),
          }
        : undefined;
    // dryRun in the query too: Kubernetes reads DeleteOptions from either, and a server that reads only the query must not delete for real.
    const url = this.#connection.objectUrl(this.type, namespace, name, undefined, { dryRun: options.dryRun === true ? 'All' : undefined });
    const answer = await this.#connection.request({ method: 'DELETE', url, body, signal: options.signal });
    if (options.dryRun === true) return;
    if (isRecord(answer) && answer['kind'] === 'Status') {
      // No object, no revision: the collection's current revision is an upper bound of the delete's (a consistent list reads it).
      const details = isRecord(answer['details']) ? answer['details'] : {};
      await this.#recordDelete(namespace, name, stringOrUndefined(details['uid']), undefined, options.signal);
      return;
    }
    const meta = metadataOf(answer);
    await this.#recordDelete(namespace, name, stringOrUndefined(meta['uid']), revisionOf(meta['resourceVersion']), options.signal);
  }

  /**
   * Records a delete that happened. Without its revision, the collection's
   * current one is read as an upper bound; when that read fails (no list
   * permission, the server gone meanwhile) the delete is not recorded — it
   * still succeeded, and a settle then does not wait for it.
   */
  async #recordDelete(namespace: string | undefined, name: string, uid: string | undefined, revision: number | undefined, signal: AbortSignal | undefined): Promise<void> {
    let upTo = revision;
    if (upTo === undefined) {
      try {
        upTo = await this.#currentRevision(namespace, signal);
      } catch {
        return;
      }
    }
    this.#writes.record({ resource: resourceId(this.type), namespace, name, uid, revision: upTo, object: undefined });
  }

  async #put(object: T, subresource: string | undefined, options: WriteOptions): Promise<Stored<T>> {
    this.#checkObject(object);
    const meta = metadataOf(object);
    const name = meta['name'];
    if (typeof name !== 'string' || name === '') throw new TypeError(`Expected \`object.metadata.name\` to be a non-empty string, got ${received(name)}`);
    const namespace = this.#namespaceFor(subresource === undefined ? 'update' : 'update the status of', meta['namespace']);
    const url = this.#connection.objectUrl(this.type, namespace, name, subresource, writeQuery(options));
    return this.#written(await this.#connection.request({ method: 'PUT', url, body: this.#withType(object), signal: options.signal }), 'PUT', options);
  }

  async #patch(name: string, type: PatchType, patch: unknown, subresource: string | undefined, options: WriteOptions): Promise<Stored<T>> {
    checkName(name);
    const contentType = Object.hasOwn(PATCH_CONTENT_TYPES, type) ? PATCH_CONTENT_TYPES[type] : undefined;
    if (contentType === undefined) throw new TypeError(`Expected \`type\` to be 'merge', 'json' or 'strategic', got ${received(type)}`);
    if (patch === undefined) throw new TypeError(`Expected \`patch\` to be a JSON value, got ${received(patch)}`);
    const url = this.#connection.objectUrl(this.type, this.#namespaceFor('patch'), name, subresource, writeQuery(options));
    return this.#written(await this.#connection.request({ method: 'PATCH', url, body: patch, contentType, signal: options.signal }), 'PATCH', options);
  }

  #checkObject(object: unknown): void {
    if (!isRecord(object)) throw new TypeError(`Expected \`object\` to be an object, got ${received(object)}`);
  }

  /** The object with the resource's apiVersion and kind when it has none (typed objects are often written without them). */
  #withType(object: T): unknown {
    const value = object as unknown as Json;
    return value['kind'] === undefined || value['apiVersion'] === undefined ? { apiVersion: apiVersionOfType(this.type), kind: this.type.kind, ...value } : value;
  }

  #object(body: unknown, verb: string): Stored<T> {
    if (!isRecord(body) || !isRecord(body['metadata'])) throw internalError(`the answer to ${verb} ${resourceId(this.type)} is not an object with metadata`);
    return body as unknown as Stored<T>;
  }

  /** The answered object, recorded in the ledger unless a dry run. */
  async #written(body: unknown, verb: string, options: WriteOptions): Promise<Stored<T>> {
    const object = this.#object(body, verb);
    if (options.dryRun === true) return object;
    const meta = metadataOf(object);
    const namespace = stringOrUndefined(meta['namespace']);
    const revision = revisionOf(meta['resourceVersion']) ?? (await this.#currentRevision(this.type.namespaced ? namespace : undefined, options.signal));
    this.#writes.record({
      resource: resourceId(this.type),
      namespace: this.type.namespaced ? namespace : undefined,
      name: stringOrUndefined(meta['name']) ?? '',
      uid: stringOrUndefined(meta['uid']),
      revision,
      object: object as ObjectShape,
    });
    return object;
  }

  /** The collection's current revision: the resourceVersion of a consistent one-item list. */
  async #currentRevision(namespace: string | undefined, signal: AbortSignal | undefined): Promise<number> {
    const url = this.#connection.collectionUrl(this.type, namespace, { limit: '1' });
    const body = await this.#connection.request({ method: 'GET', url, signal });
    const revision = revisionOf(metadataOf(body)['resourceVersion']);
    if (revision === undefined) throw internalError(`the list of ${resourceId(this.type)} has no resourceVersion that is a revision`);
    return revision;
  }
}

function writeQuery(options: WriteOptions): Record<string, string | undefined> {
  return { dryRun: options.dryRun === true ? 'All' : undefined, fieldValidation: options.fieldValidation };
}
