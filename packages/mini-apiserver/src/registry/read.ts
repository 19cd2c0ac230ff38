/**
 * The read verbs — get, list, watch — all served by the resource's Cacher
 * (which reads storage only where Kubernetes' cacher would: GET without
 * resourceVersion, what its history no longer holds, consistent-read waits).
 */
import type { CacherListRequest, CacherListResult, CacherWatchRequest, CacheWatcher } from '@apiserver-kit/cache';
import type { CachingObject } from '@apiserver-kit/codec';
import type { ResourceInfo } from '../resources.js';
import { cacherOf, type RegistryContext } from './context.js';

/**
 * One object, with Kubernetes' resourceVersion semantics (unset: the latest).
 * @throws StatusError NotFound 404; what `Cacher.get` throws (Timeout 504 waiting for a revision)
 */
export function getObject(
  context: RegistryContext,
  info: ResourceInfo,
  name: string,
  options: { readonly namespace?: string | undefined; readonly resourceVersion?: string | undefined; readonly signal?: AbortSignal | undefined } = {},
): Promise<CachingObject> {
  return cacherOf(context, info).get(name, {
    ...(options.namespace === undefined ? {} : { namespace: options.namespace }),
    ...(options.resourceVersion === undefined ? {} : { resourceVersion: options.resourceVersion }),
    signal: options.signal,
  });
}

/**
 * A list with selectors, paging and resourceVersion semantics.
 * @throws StatusError BadRequest 400 (selectors, parameters); Expired 410 (a continue token or revision too old); Invalid 422
 */
export function listObjects(context: RegistryContext, info: ResourceInfo, request: CacherListRequest = {}): Promise<CacherListResult> {
  return cacherOf(context, info).list(request);
}

/**
 * A watch (the Cacher's watcher: shared, framed events).
 * @throws StatusError BadRequest 400 / Invalid 422 (parameters); Expired 410, Gone 410, Timeout 504 (which an HTTP host answers as an ERROR event)
 */
export function watchObjects(context: RegistryContext, info: ResourceInfo, request: CacherWatchRequest = {}): Promise<CacheWatcher> {
  return cacherOf(context, info).watch(request);
}
