/**
 * Names of a served resource, with the object type it holds as a type
 * parameter, so that `api.resource(PODS)` and `factory.informerFor(PODS)`
 * are typed `Pod` without a cast.
 */
import type { ObjectShape } from '@apiserver-kit/codec';
import type { ConfigMap, Namespace, Node, Pod } from 'kubernetes-types/core/v1.js';

/** One REST collection and the type of its objects (`T` exists only for the type checker). */
export interface ResourceType<T extends ObjectShape = ObjectShape> {
  /** API group; `''` for the core group served under `/api`. */
  readonly group: string;
  /** `v1`. */
  readonly version: string;
  /** Plural, lower case, as in the URL: `pods`. */
  readonly resource: string;
  /** The object kind: `Pod`. */
  readonly kind: string;
  /** Whether objects live in a namespace. */
  readonly namespaced: boolean;
  /** Never set: carries `T`. */
  readonly __object?: T | undefined;
}

/** A frozen {@link ResourceType}; give `T` for a custom resource (`resourceType<Widget>({...})`). */
export function resourceType<T extends ObjectShape>(names: Omit<ResourceType<T>, '__object'>): ResourceType<T> {
  return Object.freeze({ group: names.group, version: names.version, resource: names.resource, kind: names.kind, namespaced: names.namespaced });
}

/** `v1` for the core group, `group/version` otherwise. */
export function apiVersionOfType(type: ResourceType): string {
  return type.group === '' ? type.version : `${type.group}/${type.version}`;
}

/** `pods` or `apps/deployments`: names a resource in maps and messages. */
export function resourceId(type: ResourceType): string {
  return type.group === '' ? type.resource : `${type.group}/${type.resource}`;
}

export const PODS: ResourceType<Pod> = resourceType<Pod>({ group: '', version: 'v1', resource: 'pods', kind: 'Pod', namespaced: true });
export const NODES: ResourceType<Node> = resourceType<Node>({ group: '', version: 'v1', resource: 'nodes', kind: 'Node', namespaced: false });
export const NAMESPACES: ResourceType<Namespace> = resourceType<Namespace>({ group: '', version: 'v1', resource: 'namespaces', kind: 'Namespace', namespaced: false });
export const CONFIG_MAPS: ResourceType<ConfigMap> = resourceType<ConfigMap>({ group: '', version: 'v1', resource: 'configmaps', kind: 'ConfigMap', namespaced: true });
