/**
 * Kubernetes' NamespaceLifecycle admission, as far as this host has it: a
 * namespaced object is created only in a namespace that exists, and the
 * system namespaces are never deleted.
 */
import { StatusError } from '@apiserver-kit/codec';
import { type ResourceInfo, storageKey } from '../resources.js';
import type { RegistryContext } from './context.js';

/** Namespaces Kubernetes' NamespaceLifecycle never lets anyone delete. */
export const IMMORTAL_NAMESPACES: ReadonlySet<string> = new Set(['default', 'kube-system', 'kube-public']);

/** The served namespaces resource, if any. */
export function namespacesOf(context: RegistryContext): ResourceInfo | undefined {
  return context.resources.find((candidate) => candidate.group === '' && candidate.resource === 'namespaces');
}

/**
 * A create's admission: the namespace must exist.
 * @throws StatusError NotFound 404 `namespaces "x" not found`
 */
export async function admitNamespace(context: RegistryContext, info: ResourceInfo, namespace: string | undefined): Promise<void> {
  if (!info.namespaced || namespace === undefined) return;
  const namespaces = namespacesOf(context);
  if (namespaces === undefined) return;
  const cacher = context.cachers.get(namespaces);
  // The cache first (cheap), storage when the cache has not seen it yet (a namespace created a moment ago), as the admission plugin's live lookup.
  if (cacher?.cache.get(storageKey(namespaces, namespace)) !== undefined) return;
  await context.storage.get(storageKey(namespaces, namespace));
}

/**
 * A delete's admission: `default`, `kube-system` and `kube-public` stay.
 * @throws StatusError Forbidden 403 `namespaces "default" is forbidden: this namespace may not be deleted`
 */
export function admitDelete(info: ResourceInfo, name: string): void {
  if (info.group === '' && info.resource === 'namespaces' && IMMORTAL_NAMESPACES.has(name)) {
    throw new StatusError('Forbidden', `namespaces "${name}" is forbidden: this namespace may not be deleted`, { details: { name, kind: 'namespaces' } });
  }
}
