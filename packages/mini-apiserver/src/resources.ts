/**
 * The resources the server serves, described once: every part of the server
 * (routing, storage keys, discovery, OpenAPI, Table columns, selectable
 * fields, bookmarks) reads them from here, so adding a resource is one entry.
 */

/** The verbs of a resource, as discovery lists them. */
export type ResourceVerb = 'create' | 'delete' | 'deletecollection' | 'get' | 'list' | 'patch' | 'update' | 'watch';

/** The subresources a served resource may have (only `status` so far). */
export type ResourceSubresource = 'status';

/** The verbs of a subresource: the status subresource reads and writes, as Kubernetes' `StatusREST`. */
export const SUBRESOURCE_VERBS: readonly ResourceVerb[] = Object.freeze(['get', 'patch', 'update']);

/** One served resource (a REST collection), with the names Kubernetes gives it. */
export interface ResourceInfo {
  /** API group; `''` for the core ("legacy") group served under `/api`. */
  readonly group: string;
  /** API version within the group: `v1`. */
  readonly version: string;
  /** Plural, lower case, as in the URL and the storage key: `pods`. */
  readonly resource: string;
  /** Singular, lower case: `pod`. */
  readonly singular: string;
  /** The object kind: `Pod`. */
  readonly kind: string;
  /** The list kind: `PodList`. */
  readonly listKind: string;
  /** Whether objects live in a namespace (`/api/v1/namespaces/{ns}/pods/{name}`). */
  readonly namespaced: boolean;
  /** Short names kubectl accepts: `po`. */
  readonly shortNames: readonly string[];
  /** Categories (`all`) kubectl expands. */
  readonly categories: readonly string[];
  /** The verbs served. */
  readonly verbs: readonly ResourceVerb[];
  /**
   * Its subresources: `status` makes `/{name}/status` write only `status`
   * and the main resource's updates keep the stored `status` (Kubernetes'
   * status strategies). @default none
   */
  readonly subresources?: readonly ResourceSubresource[] | undefined;
}

const VERBS: readonly ResourceVerb[] = Object.freeze(['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch']);

function core(
  resource: string,
  singular: string,
  kind: string,
  namespaced: boolean,
  shortNames: readonly string[],
  categories: readonly string[] = [],
  subresources: readonly ResourceSubresource[] = [],
): ResourceInfo {
  return Object.freeze({
    group: '',
    version: 'v1',
    resource,
    singular,
    kind,
    listKind: `${kind}List`,
    namespaced,
    shortNames: Object.freeze([...shortNames]),
    categories: Object.freeze([...categories]),
    verbs: VERBS,
    subresources: Object.freeze([...subresources]),
  });
}

/** The core/v1 resources the reference host serves: namespaces, nodes, pods (these three with `status`), configmaps. */
export const CORE_V1_RESOURCES: readonly ResourceInfo[] = Object.freeze([
  core('configmaps', 'configmap', 'ConfigMap', true, ['cm']),
  core('namespaces', 'namespace', 'Namespace', false, ['ns'], [], ['status']),
  core('nodes', 'node', 'Node', false, ['no'], [], ['status']),
  core('pods', 'pod', 'Pod', true, ['po'], ['all'], ['status']),
]);

/** Whether `info` serves the status subresource. */
export function hasStatusSubresource(info: ResourceInfo): boolean {
  return info.subresources?.includes('status') === true;
}

/** `v1` for the core group, `group/version` otherwise: an object's `apiVersion`. */
export function apiVersionOf(info: ResourceInfo): string {
  return info.group === '' ? info.version : `${info.group}/${info.version}`;
}

/**
 * The storage key prefix of a resource (`/pods/`), or of one namespace of it
 * (`/pods/default/`). Keys follow the blocks' contract:
 * `/<resource>/<namespace>/<name>`, cluster-scoped `/<resource>/<name>`; a
 * resource of a named group is prefixed with its group (`/apps/deployments/`)
 * so two groups' resources of one name never share keys.
 */
export function storagePrefix(info: ResourceInfo, namespace?: string): string {
  const base = info.group === '' ? `/${info.resource}/` : `/${info.group}/${info.resource}/`;
  return namespace === undefined || !info.namespaced ? base : `${base}${namespace}/`;
}

/** The storage key of one object (see {@link storagePrefix}). */
export function storageKey(info: ResourceInfo, name: string, namespace?: string): string {
  return `${storagePrefix(info, info.namespaced ? namespace : undefined)}${name}`;
}
