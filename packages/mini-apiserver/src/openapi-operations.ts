/**
 * The REST operations of the served resources, described once in a neutral
 * form that `openapi.ts` renders as OpenAPI v3 (`/openapi/v3/api/v1`) and as
 * Swagger 2.0 (`/openapi/v2`). Paths, operation ids, actions and parameter
 * names follow the Kubernetes apiserver's published spec
 * (`api/openapi-spec`), so tools that read it (kubectl first) find what they
 * look for: a PATCH operation per kind with `x-kubernetes-group-version-kind`
 * and a `fieldValidation` query parameter (cli-runtime's
 * `supportsQueryParamV3`).
 */
import type { ResourceInfo } from './resources.js';

/** An HTTP method as OpenAPI names it. */
export type OperationMethod = 'get' | 'put' | 'post' | 'patch' | 'delete';

/** Kubernetes' `x-kubernetes-action` of an operation. */
export type OperationAction = 'get' | 'list' | 'post' | 'put' | 'patch' | 'delete' | 'deletecollection';

/** A query parameter: its name, JSON type and description. */
export interface QueryParameter {
  readonly name: string;
  readonly type: 'string' | 'integer' | 'boolean';
  readonly description: string;
}

/** One operation on one path. */
export interface Operation {
  readonly method: OperationMethod;
  readonly action: OperationAction;
  readonly operationId: string;
  readonly description: string;
  readonly query: readonly QueryParameter[];
  /** The schema name of the request body; `undefined` for no body. */
  readonly body?: string;
  /** The media types the body may come in. */
  readonly consumes?: readonly string[];
  /** The schema name of the 200 answer. */
  readonly response: string;
  /** The 201 answer (create). */
  readonly created?: boolean;
  /** The 202 answer (delete: accepted). */
  readonly accepted?: boolean;
}

/** One URL path with its path parameters and operations. */
export interface PathItem {
  readonly path: string;
  /** `namespace` and/or `name`, in URL order. */
  readonly pathParameters: readonly ('namespace' | 'name')[];
  readonly operations: readonly Operation[];
  /** The kind the path's operations act on. */
  readonly info: ResourceInfo;
}

/** The schema names of apimachinery's shared types. */
export const META_SCHEMAS = {
  status: 'io.k8s.apimachinery.pkg.apis.meta.v1.Status',
  deleteOptions: 'io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions',
  patch: 'io.k8s.apimachinery.pkg.apis.meta.v1.Patch',
  objectMeta: 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta',
  listMeta: 'io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta',
  watchEvent: 'io.k8s.apimachinery.pkg.apis.meta.v1.WatchEvent',
} as const;

/**
 * The media types a PATCH accepts. Strategic merge patch is served but left
 * out on purpose: kubectl's client-side `apply` builds a strategic merge
 * patch from the OpenAPI schema of a kind when the PATCH lists it
 * (`gvkSupportsPatchOpenAPIV3`, then `getPatchTypeFromOpenAPI` on v2), and our
 * schemas are permissive (no properties, no patch merge keys), so it would
 * fail and warn; without it kubectl builds the same patch from its compiled-in
 * types, which carry Kubernetes' merge keys, and sends it as
 * `application/strategic-merge-patch+json`. Server-side apply
 * (`application/apply-patch+yaml`) is not served yet, so not listed.
 */
export const PATCH_CONSUMES: readonly string[] = Object.freeze(['application/json-patch+json', 'application/merge-patch+json']);

/** The media types of request bodies other than PATCH. */
export const BODY_CONSUMES: readonly string[] = Object.freeze(['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf']);

/** The media types of answers. */
export const PRODUCES: readonly string[] = Object.freeze(['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf']);

const q = (name: string, type: QueryParameter['type'], description: string): QueryParameter => Object.freeze({ name, type, description });

const PRETTY = q('pretty', 'string', "If 'true', then the output is pretty printed.");
const FIELD_MANAGER = q('fieldManager', 'string', 'fieldManager is a name associated with the actor or entity that is making these changes.');
const FIELD_VALIDATION = q(
  'fieldValidation',
  'string',
  'fieldValidation instructs the server on how to handle objects in the request containing unknown or duplicate fields. Valid values are: Ignore, Warn, Strict.',
);
const LIST_QUERY: readonly QueryParameter[] = Object.freeze([
  q('allowWatchBookmarks', 'boolean', 'allowWatchBookmarks requests watch events with type "BOOKMARK".'),
  q('continue', 'string', 'The continue option should be set when retrieving more results from the server.'),
  q('fieldSelector', 'string', 'A selector to restrict the list of returned objects by their fields. Defaults to everything.'),
  q('labelSelector', 'string', 'A selector to restrict the list of returned objects by their labels. Defaults to everything.'),
  q('limit', 'integer', 'limit is a maximum number of responses to return for a list call.'),
  q('resourceVersion', 'string', 'resourceVersion sets a constraint on what resource versions a request may be served from.'),
  q('resourceVersionMatch', 'string', 'resourceVersionMatch determines how resourceVersion is applied to list calls.'),
  q('sendInitialEvents', 'boolean', '`sendInitialEvents=true` may be set together with `watch=true`: the stream begins with synthetic events of the current state.'),
  q('timeoutSeconds', 'integer', 'Timeout for the list/watch call.'),
  q('watch', 'boolean', 'Watch for changes to the described resources and return them as a stream of add, update, and remove notifications.'),
  PRETTY,
]);
const WRITE_QUERY: readonly QueryParameter[] = Object.freeze([FIELD_MANAGER, FIELD_VALIDATION, PRETTY]);
const DELETE_QUERY: readonly QueryParameter[] = Object.freeze([
  q('gracePeriodSeconds', 'integer', 'The duration in seconds before the object should be deleted.'),
  q('propagationPolicy', 'string', "Whether and how garbage collection will be performed: 'Orphan', 'Background' or 'Foreground'."),
  PRETTY,
]);

/** `''` → `core`, `apps` → `apps`, `networking.k8s.io` → `networking`, `example.com` → reversed domain. */
function schemaPrefix(group: string): string {
  if (group === '') return 'io.k8s.api.core';
  if (group.endsWith('.k8s.io')) return `io.k8s.api.${group.slice(0, -'.k8s.io'.length)}`;
  if (!group.includes('.')) return `io.k8s.api.${group}`;
  return group.split('.').reverse().join('.');
}

/** The OpenAPI schema name of a kind: `io.k8s.api.core.v1.Pod`. */
export function schemaName(info: ResourceInfo, kind: string = info.kind): string {
  return `${schemaPrefix(info.group)}.${info.version}.${kind}`;
}

/** `CoreV1`, `AppsV1`, `NetworkingV1` for operation ids. */
function groupVersionId(info: ResourceInfo): string {
  const first = info.group === '' ? 'core' : info.group.split('.')[0]!;
  const camel = first.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
  return `${camel.charAt(0).toUpperCase()}${camel.slice(1)}${info.version.charAt(0).toUpperCase()}${info.version.slice(1)}`;
}

/** The URL root of a group version without the leading slash: `api/v1`, `apis/apps/v1`. */
export function groupVersionPath(group: string, version: string): string {
  return group === '' ? `api/${version}` : `apis/${group}/${version}`;
}

/**
 * The status subresource's path (`…/pods/{name}/status`): read, replace and
 * patch, with Kubernetes' operation ids (`readCoreV1NamespacedPodStatus`).
 */
function subresourcePath(info: ResourceInfo, path: string, pathParameters: readonly ('namespace' | 'name')[], idKind: string): PathItem {
  const objectSchema = schemaName(info);
  const kind = info.kind;
  const operations: Operation[] = [
    { method: 'get', action: 'get', operationId: `read${idKind}Status`, description: `read status of the specified ${kind}`, query: [PRETTY], response: objectSchema },
    {
      method: 'put',
      action: 'put',
      operationId: `replace${idKind}Status`,
      description: `replace status of the specified ${kind}`,
      query: WRITE_QUERY,
      body: objectSchema,
      consumes: BODY_CONSUMES,
      response: objectSchema,
      created: true,
    },
    {
      method: 'patch',
      action: 'patch',
      operationId: `patch${idKind}Status`,
      description: `partially update status of the specified ${kind}`,
      query: WRITE_QUERY,
      body: META_SCHEMAS.patch,
      consumes: PATCH_CONSUMES,
      response: objectSchema,
      created: true,
    },
  ];
  return { path, pathParameters, operations, info };
}

/** The path items of one resource, in Kubernetes' order: collection, item, its subresources, then all-namespaces. */
export function resourcePaths(info: ResourceInfo): PathItem[] {
  const root = `/${groupVersionPath(info.group, info.version)}`;
  const id = groupVersionId(info);
  const scoped = info.namespaced ? 'Namespaced' : '';
  const kind = info.kind;
  const objectSchema = schemaName(info);
  const listSchema = schemaName(info, info.listKind);
  const verbs = new Set(info.verbs);
  const collection: Operation[] = [];
  const item: Operation[] = [];
  if (verbs.has('list') || verbs.has('watch')) {
    collection.push({ method: 'get', action: 'list', operationId: `list${id}${scoped}${kind}`, description: `list or watch objects of kind ${kind}`, query: LIST_QUERY, response: listSchema });
  }
  if (verbs.has('create')) {
    collection.push({
      method: 'post',
      action: 'post',
      operationId: `create${id}${scoped}${kind}`,
      description: `create a ${kind}`,
      query: WRITE_QUERY,
      body: objectSchema,
      consumes: BODY_CONSUMES,
      response: objectSchema,
      created: true,
    });
  }
  if (verbs.has('deletecollection')) {
    collection.push({
      method: 'delete',
      action: 'deletecollection',
      operationId: `deleteCollection${id}${scoped}${kind}`,
      description: `delete collection of ${kind}`,
      query: [...LIST_QUERY.filter((p) => p.name !== 'watch' && p.name !== 'allowWatchBookmarks'), ...DELETE_QUERY.filter((p) => p.name !== 'pretty')],
      body: META_SCHEMAS.deleteOptions,
      consumes: BODY_CONSUMES,
      response: META_SCHEMAS.status,
    });
  }
  if (verbs.has('get')) {
    item.push({ method: 'get', action: 'get', operationId: `read${id}${scoped}${kind}`, description: `read the specified ${kind}`, query: [PRETTY], response: objectSchema });
  }
  if (verbs.has('update')) {
    item.push({
      method: 'put',
      action: 'put',
      operationId: `replace${id}${scoped}${kind}`,
      description: `replace the specified ${kind}`,
      query: WRITE_QUERY,
      body: objectSchema,
      consumes: BODY_CONSUMES,
      response: objectSchema,
      created: true,
    });
  }
  if (verbs.has('delete')) {
    item.push({
      method: 'delete',
      action: 'delete',
      operationId: `delete${id}${scoped}${kind}`,
      description: `delete a ${kind}`,
      query: DELETE_QUERY,
      body: META_SCHEMAS.deleteOptions,
      consumes: BODY_CONSUMES,
      response: objectSchema,
      accepted: true,
    });
  }
  if (verbs.has('patch')) {
    item.push({
      method: 'patch',
      action: 'patch',
      operationId: `patch${id}${scoped}${kind}`,
      description: `partially update the specified ${kind}`,
      query: WRITE_QUERY,
      body: META_SCHEMAS.patch,
      consumes: PATCH_CONSUMES,
      response: objectSchema,
      created: true,
    });
  }
  const base = info.namespaced ? `${root}/namespaces/{namespace}/${info.resource}` : `${root}/${info.resource}`;
  const scope: readonly ('namespace' | 'name')[] = info.namespaced ? ['namespace'] : [];
  const paths: PathItem[] = [];
  if (collection.length > 0) paths.push({ path: base, pathParameters: scope, operations: collection, info });
  if (item.length > 0) paths.push({ path: `${base}/{name}`, pathParameters: [...scope, 'name'], operations: item, info });
  for (const subresource of info.subresources ?? []) paths.push(subresourcePath(info, `${base}/{name}/${subresource}`, [...scope, 'name'], `${id}${scoped}${kind}`));
  if (info.namespaced && (verbs.has('list') || verbs.has('watch'))) {
    paths.push({
      path: `${root}/${info.resource}`,
      pathParameters: [],
      operations: [{ method: 'get', action: 'list', operationId: `list${id}${kind}ForAllNamespaces`, description: `list or watch objects of kind ${kind}`, query: LIST_QUERY, response: listSchema }],
      info,
    });
  }
  return paths;
}
