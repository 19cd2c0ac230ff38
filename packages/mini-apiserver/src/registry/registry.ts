/**
 * The registry: Kubernetes' REST storage of every served resource, without
 * HTTP. It takes decoded objects and returns stored ones, or throws a
 * `StatusError` with Kubernetes' reason, code and message. The reference
 * host's handlers parse, decode, call it and encode; the in-process fake API
 * (`createFakeApi`) calls it directly — so both answer alike.
 */
import type { CacherListRequest, CacherListResult, CacherWatchRequest, CacheWatcher } from '@apiserver-kit/cache';
import type { CachingObject, KubeObject } from '@apiserver-kit/codec';
import type { ResourceInfo } from '../resources.js';
import type { RegistryContext, RegistryWriteOptions, RegistryWriteResult } from './context.js';
import { createObject } from './create.js';
import { deleteCollection, deleteObject, type RegistryDeleteCollectionOptions, type RegistryDeleteOptions } from './delete.js';
import { patchObject } from './patch.js';
import { getObject, listObjects, watchObjects } from './read.js';
import { type RegistryUpdateOptions, updateObject } from './update.js';

/** See the module comment. Cheap: it holds only the context. */
export class Registry {
  readonly context: RegistryContext;

  constructor(context: RegistryContext) {
    this.context = context;
  }

  /** The served resource of a group, version and plural name, if served. */
  find(group: string, version: string, resource: string): ResourceInfo | undefined {
    return this.context.resources.find((info) => info.group === group && info.version === version && info.resource === resource);
  }

  /** See `createObject`. */
  create(info: ResourceInfo, body: unknown, options?: RegistryWriteOptions): Promise<RegistryWriteResult> {
    return createObject(this.context, info, body, options);
  }

  /** See `updateObject`; `options.subresource: 'status'` writes the status subresource. */
  update(info: ResourceInfo, name: string, body: unknown, options?: RegistryUpdateOptions): Promise<RegistryWriteResult> {
    return updateObject(this.context, info, name, body, options);
  }

  /** See `patchObject`; `options.subresource: 'status'` writes the status subresource. */
  patch(info: ResourceInfo, name: string, body: Uint8Array, contentType: string, options?: RegistryUpdateOptions): Promise<RegistryWriteResult> {
    return patchObject(this.context, info, name, body, contentType, options);
  }

  /** See `deleteObject`: the deleted object, stamped with the delete's revision. */
  delete(info: ResourceInfo, name: string, options?: RegistryDeleteOptions & { readonly namespace?: string | undefined; readonly signal?: AbortSignal | undefined }): Promise<KubeObject> {
    return deleteObject(this.context, info, name, options);
  }

  /** See `deleteCollection`. */
  deleteCollection(info: ResourceInfo, options?: RegistryDeleteCollectionOptions): Promise<{ items: KubeObject[]; resourceVersion: string }> {
    return deleteCollection(this.context, info, options);
  }

  /** See `getObject` (the status subresource reads the same object). */
  get(info: ResourceInfo, name: string, options?: { readonly namespace?: string | undefined; readonly resourceVersion?: string | undefined; readonly signal?: AbortSignal | undefined }): Promise<CachingObject> {
    return getObject(this.context, info, name, options);
  }

  /** See `listObjects`. */
  list(info: ResourceInfo, request?: CacherListRequest): Promise<CacherListResult> {
    return listObjects(this.context, info, request);
  }

  /** See `watchObjects`. */
  watch(info: ResourceInfo, request?: CacherWatchRequest): Promise<CacheWatcher> {
    return watchObjects(this.context, info, request);
  }
}
