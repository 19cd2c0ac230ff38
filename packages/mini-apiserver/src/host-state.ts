/**
 * The state behind the reference host, built once per host: the system
 * namespaces, one Cacher per served resource over the store of record, and
 * the registry over both. `startApiServer` serves it over HTTP;
 * `createFakeApi` calls the registry in-process — the same construction, so
 * the same behaviour.
 */
import { Cacher, fieldIndex, namespaceIndex, storageListerWatcher } from '@apiserver-kit/cache';
import { isStatusError } from '@apiserver-kit/codec';
import type { Clock } from '@apiserver-kit/core';
import type { Storage } from '@apiserver-kit/storage';
import { Registry } from './registry/registry.js';
import { apiVersionOf, type ResourceInfo, storageKey, storagePrefix } from './resources.js';

/** The namespaces Kubernetes' bootstrap controller creates. */
export const SYSTEM_NAMESPACES: readonly string[] = Object.freeze(['default', 'kube-system', 'kube-public', 'kube-node-lease']);

/** Creates the {@link SYSTEM_NAMESPACES} that are missing (when `resources` serves namespaces). */
export async function bootstrapNamespaces(storage: Storage, resources: readonly ResourceInfo[]): Promise<void> {
  const namespaces = resources.find((info) => info.group === '' && info.resource === 'namespaces');
  if (namespaces === undefined) return;
  for (const name of SYSTEM_NAMESPACES) {
    try {
      await storage.create(storageKey(namespaces, name), { apiVersion: 'v1', kind: 'Namespace', metadata: { name }, spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } });
    } catch (error) {
      if (!isStatusError(error, 'AlreadyExists')) throw error;
    }
  }
}

/** The Cacher of one served resource: namespace-indexed when namespaced; pods also by `spec.nodeName`. */
function cacherFor(info: ResourceInfo, storage: Storage, clock: Clock): Cacher {
  const prefix = storagePrefix(info);
  const indexes = info.namespaced ? [namespaceIndex()] : [];
  // A kubelet watches its node's pods: the index routes each pod event to that node's watchers only.
  if (info.group === '' && info.resource === 'pods') indexes.push(fieldIndex('spec.nodeName'));
  return new Cacher({
    resource: info.resource,
    prefix,
    source: storageListerWatcher(storage, prefix),
    storage,
    clock,
    indexes,
    objectKind: { apiVersion: apiVersionOf(info), kind: info.kind },
  });
}

/**
 * One started Cacher per resource (not yet synced: await each `onReady()`).
 * `beforeStart` sees each before it starts (metrics attach there).
 */
export function startCachers(storage: Storage, resources: readonly ResourceInfo[], clock: Clock, beforeStart?: (info: ResourceInfo, cacher: Cacher) => void): Map<ResourceInfo, Cacher> {
  const cachers = new Map<ResourceInfo, Cacher>();
  for (const info of resources) {
    const cacher = cacherFor(info, storage, clock);
    cachers.set(info, cacher);
    beforeStart?.(info, cacher);
    cacher.start();
  }
  return cachers;
}

/** The registry over a host's state. */
export function createRegistry(storage: Storage, resources: readonly ResourceInfo[], cachers: ReadonlyMap<ResourceInfo, Cacher>, random: () => number): Registry {
  return new Registry({ storage, resources, cachers, random });
}
