/**
 * The verbs of one resource of the fake API: what the reference host does
 * for the same request over HTTP, by calling the same registry — so the
 * same objects, and the same `StatusError`s (reason, code, message). Each
 * successful write is recorded in the fake API's `WriteLedger`.
 */
import { badRequest, type KubeObject, type ObjectShape, StatusError, type Stored } from '@apiserver-kit/codec';
import type {
  DeleteOptions,
  GetOptions,
  ListOptions,
  ObjectList,
  PatchType,
  ResourceClient,
  ResourceType,
  WatchOptions,
  WatchStream,
  WriteLedger,
  WriteOptions,
} from '@apiserver-kit/controller';
import { resourceId } from '@apiserver-kit/controller';
import { badArgument, checkOptions } from '@apiserver-kit/core';
import { FakeWatchStream } from './fake-watch-stream.js';
import { pathNotFound } from './handlers/request-info.js';
import { JSON_PATCH_TYPE, MERGE_PATCH_TYPE, STRATEGIC_MERGE_PATCH_TYPE } from './patch.js';
import type { Registry } from './registry/registry.js';
import type { ResourceInfo, ResourceSubresource } from './resources.js';

/** The media type of each patch type. */
const PATCH_MEDIA_TYPES: Readonly<Record<PatchType, string>> = Object.freeze({ merge: MERGE_PATCH_TYPE, json: JSON_PATCH_TYPE, strategic: STRATEGIC_MERGE_PATCH_TYPE });

/** What a resource client shares with its fake API. */
export interface FakeClientContext {
  readonly registry: Registry;
  readonly writes: WriteLedger;
  /** Throws ServiceUnavailable once the fake API is closed. */
  checkOpen(): void;
}

function checkName(name: unknown): asserts name is string {
  if (typeof name !== 'string' || name === '') badArgument('name', 'a non-empty string', name);
}

/** The host's check of the write parameters: it does not simulate writes. */
function checkDryRun(dryRun: boolean | undefined): void {
  if (dryRun === true) throw badRequest('dryRun is not supported by this server');
}

/** An integer parameter as the host reads it from the query (a number a client would print into the URL). */
function checkQueryInteger(name: string, value: number | undefined): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw badRequest(`${name}: Invalid value: ${JSON.stringify(String(value))}: must be an integer`);
  if (value < 0) throw badRequest(`${name}: Invalid value: ${value}: must be greater than or equal to 0`);
}

function metadataOf(object: unknown): Readonly<Record<string, unknown>> {
  if (typeof object !== 'object' || object === null) return {};
  const metadata = (object as { metadata?: unknown }).metadata;
  return typeof metadata === 'object' && metadata !== null ? (metadata as Record<string, unknown>) : {};
}

function patchBytes(patch: unknown): Uint8Array {
  if (patch instanceof Uint8Array) return patch;
  return new TextEncoder().encode(typeof patch === 'string' ? patch : JSON.stringify(patch));
}

/** See the module comment. `info` undefined: a resource the fake API does not serve (every verb: NotFound 404, as the host's router). */
export class FakeResourceClient<T extends ObjectShape> implements ResourceClient<T> {
  readonly type: ResourceType<T>;
  readonly namespace: string | undefined;
  readonly #context: FakeClientContext;
  readonly #info: ResourceInfo | undefined;

  constructor(context: FakeClientContext, type: ResourceType<T>, info: ResourceInfo | undefined, namespace: string | undefined) {
    this.#context = context;
    this.type = type;
    this.#info = info;
    this.namespace = namespace === '' ? undefined : namespace;
  }

  /** The served resource, with the host router's scope rules: a cluster-scoped kind has no namespace; a named namespaced object needs one. */
  #resolve(named: boolean, namespace: string | undefined = this.namespace): ResourceInfo {
    this.#context.checkOpen();
    const info = this.#info;
    if (info === undefined) throw pathNotFound();
    if (!info.namespaced && namespace !== undefined) throw pathNotFound();
    if (info.namespaced && named && namespace === undefined) throw pathNotFound();
    return info;
  }

  #record(object: KubeObject): Stored<T> {
    const metadata = object.metadata ?? {};
    this.#context.writes.record({
      resource: resourceId(this.type),
      namespace: metadata.namespace,
      name: metadata.name ?? '',
      uid: metadata.uid,
      revision: Number(metadata.resourceVersion),
      object,
    });
    return object as unknown as Stored<T>;
  }

  async get(name: string, options: GetOptions = {}): Promise<Stored<T>> {
    checkName(name);
    checkOptions('options', options);
    const info = this.#resolve(true);
    const object = await this.#context.registry.get(info, name, { namespace: this.namespace, resourceVersion: options.resourceVersion, signal: options.signal });
    return object.getObject() as unknown as Stored<T>;
  }

  async list(options: ListOptions = {}): Promise<ObjectList<T>> {
    checkOptions('options', options);
    const info = this.#resolve(false);
    checkQueryInteger('limit', options.limit);
    const result = await this.#context.registry.list(info, {
      labelSelector: options.labelSelector,
      fieldSelector: options.fieldSelector,
      limit: options.limit,
      continue: options.continue,
      resourceVersion: options.resourceVersion,
      resourceVersionMatch: options.resourceVersionMatch,
      namespace: this.namespace,
      signal: options.signal,
    });
    return {
      items: result.items.map((item) => item.getObject() as unknown as Stored<T>),
      metadata: {
        resourceVersion: result.resourceVersion,
        ...(result.continue === undefined || result.continue === '' ? {} : { continue: result.continue }),
        ...(result.remainingItemCount === undefined ? {} : { remainingItemCount: result.remainingItemCount }),
      },
    };
  }

  /**
   * A watch of the Cacher. Unlike the host's HTTP watch, one without
   * `timeoutSeconds` has no deadline (the host picks 30 to 60 minutes).
   */
  watch(options: WatchOptions = {}): WatchStream<T> {
    checkOptions('options', options);
    return new FakeWatchStream<T>(async (signal) => {
      const info = this.#resolve(false);
      checkQueryInteger('timeoutSeconds', options.timeoutSeconds);
      return this.#context.registry.watch(info, {
        resourceVersion: options.resourceVersion,
        resourceVersionMatch: options.resourceVersionMatch,
        labelSelector: options.labelSelector,
        fieldSelector: options.fieldSelector,
        allowWatchBookmarks: options.allowWatchBookmarks,
        sendInitialEvents: options.sendInitialEvents,
        timeoutSeconds: options.timeoutSeconds,
        namespace: this.namespace,
        signal,
      });
    }, options.signal);
  }

  /** The request's namespace of a write of `object`: the client's, else the object's own (as a client builds the URL from it). */
  #namespaceOf(object: unknown): string | undefined {
    if (this.namespace !== undefined) return this.namespace;
    const own = metadataOf(object)['namespace'];
    return this.#info?.namespaced === true && typeof own === 'string' && own !== '' ? own : undefined;
  }

  async create(object: T, options: WriteOptions = {}): Promise<Stored<T>> {
    checkOptions('options', options);
    const namespace = this.#namespaceOf(object);
    const info = this.#resolve(false, namespace);
    checkDryRun(options.dryRun);
    const { object: stored } = await this.#context.registry.create(info, object, { namespace, fieldValidation: options.fieldValidation, signal: options.signal });
    return this.#record(stored);
  }

  update(object: T, options: WriteOptions = {}): Promise<Stored<T>> {
    return this.#update(object, options, undefined);
  }

  updateStatus(object: T, options: WriteOptions = {}): Promise<Stored<T>> {
    return this.#update(object, options, 'status');
  }

  async #update(object: T, options: WriteOptions, subresource: ResourceSubresource | undefined): Promise<Stored<T>> {
    checkOptions('options', options);
    const name = metadataOf(object)['name'];
    checkName(name);
    const namespace = this.#namespaceOf(object);
    const info = this.#resolve(true, namespace);
    if (subresource !== undefined && info.subresources?.includes(subresource) !== true) throw pathNotFound();
    checkDryRun(options.dryRun);
    const { object: stored } = await this.#context.registry.update(info, name, object, { namespace, subresource, fieldValidation: options.fieldValidation, signal: options.signal });
    return this.#record(stored);
  }

  patch(name: string, type: PatchType, patch: unknown, options: WriteOptions = {}): Promise<Stored<T>> {
    return this.#patch(name, type, patch, options, undefined);
  }

  patchStatus(name: string, type: PatchType, patch: unknown, options: WriteOptions = {}): Promise<Stored<T>> {
    return this.#patch(name, type, patch, options, 'status');
  }

  async #patch(name: string, type: PatchType, patch: unknown, options: WriteOptions, subresource: ResourceSubresource | undefined): Promise<Stored<T>> {
    checkName(name);
    const mediaType = Object.hasOwn(PATCH_MEDIA_TYPES, type) ? PATCH_MEDIA_TYPES[type] : undefined;
    if (mediaType === undefined) badArgument('type', '"merge", "json" or "strategic"', type);
    checkOptions('options', options);
    const info = this.#resolve(true);
    if (subresource !== undefined && info.subresources?.includes(subresource) !== true) throw pathNotFound();
    checkDryRun(options.dryRun);
    const { object: stored } = await this.#context.registry.patch(info, name, patchBytes(patch), mediaType, {
      namespace: this.namespace,
      subresource,
      fieldValidation: options.fieldValidation,
      signal: options.signal,
    });
    return this.#record(stored);
  }

  async delete(name: string, options: DeleteOptions = {}): Promise<void> {
    checkName(name);
    checkOptions('options', options);
    const info = this.#resolve(true);
    checkDryRun(options.dryRun);
    const deleted = await this.#context.registry.delete(info, name, { preconditions: options.preconditions, namespace: this.namespace, signal: options.signal });
    const metadata = deleted.metadata ?? {};
    // The memory storage stamps the deleted object with the delete's revision: exact, not an upper bound.
    this.#context.writes.record({
      resource: resourceId(this.type),
      namespace: metadata.namespace,
      name: metadata.name ?? name,
      uid: metadata.uid,
      revision: Number(metadata.resourceVersion),
      object: undefined,
    });
  }
}

/** ServiceUnavailable 503, as the host answers while it shuts down. */
export function shuttingDown(): StatusError {
  return new StatusError('ServiceUnavailable', 'apiserver is shutting down');
}
