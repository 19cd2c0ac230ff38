import { CachingObject, type KubeObject } from '@apiserver-kit/codec';
import { FakeClock } from '@apiserver-kit/storage';
import { SelectableFieldsRegistry, StoreEntry, WatchCache, type WatchCacheOptions } from '../src/index.js';

export const podFields = new SelectableFieldsRegistry().get('pods');

export interface PodSpec {
  readonly ns?: string;
  readonly name: string;
  readonly rv?: number;
  readonly labels?: Record<string, string>;
  readonly node?: string;
}

export function pod({ ns = 'default', name, rv, labels, node }: PodSpec): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: ns, ...(rv === undefined ? {} : { resourceVersion: String(rv) }), ...(labels === undefined ? {} : { labels }) },
    spec: node === undefined ? {} : { nodeName: node },
  };
}

export function entry(spec: PodSpec): StoreEntry {
  const object = new CachingObject(pod(spec));
  return new StoreEntry(`/pods/${spec.ns ?? 'default'}/${spec.name}`, object, podFields.compute(object.getObject()), spec.rv ?? 1);
}

export function names(items: readonly CachingObject[]): string[] {
  return items.map((item) => `${item.getObject().metadata?.namespace ?? ''}/${item.getObject().metadata?.name ?? ''}`);
}

export function newCache(options: Partial<WatchCacheOptions> = {}): { cache: WatchCache; clock: FakeClock } {
  const clock = new FakeClock();
  const cache = new WatchCache({ resource: 'pods', clock, ...options });
  return { cache, clock };
}

/** Applies an upsert of `spec` at revision `rv` (ADDED/MODIFIED decided by the cache). */
export function put(cache: WatchCache, spec: PodSpec & { rv: number }): void {
  cache.apply({ type: 'MODIFIED', object: pod(spec), revision: spec.rv });
}

export function del(cache: WatchCache, spec: PodSpec & { rv: number }): void {
  cache.apply({ type: 'DELETED', object: pod(spec), revision: spec.rv });
}
