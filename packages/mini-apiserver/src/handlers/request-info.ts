/**
 * Reads what a request asks for from its method and path, as Kubernetes'
 * `RequestInfoFactory` (k8s.io/apiserver/pkg/endpoints/request/requestinfo.go)
 * does: the API group and version, the legacy `/watch/` prefix, the
 * namespace, the resource, the name, and the verb.
 */
import { StatusError } from '@apiserver-kit/codec';
import { type ResourceInfo, type ResourceSubresource, SUBRESOURCE_VERBS } from '../resources.js';

/** The Kubernetes verbs of resource requests this server serves. */
export type RequestVerb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection';

/** A request for a served resource. */
export interface ResourceRequest {
  readonly verb: RequestVerb;
  readonly info: ResourceInfo;
  /** The namespace of the URL; `undefined` for cluster-scoped resources and all-namespace lists. */
  readonly namespace: string | undefined;
  /** The object's name from the URL; for a legacy `/watch/…/{name}` path, the watched name. */
  readonly name: string | undefined;
  /** `status` for `/…/{name}/status` (get, update, patch only); undefined for the resource itself. */
  readonly subresource?: ResourceSubresource | undefined;
}

/** Kubernetes' answer for a path nothing serves (the NotFound handler): `details` empty. */
export function pathNotFound(): StatusError {
  return new StatusError('NotFound', 'the server could not find the requested resource', { details: {} });
}

/** 405 for a method the path does not serve, in apimachinery's default words for the reason. */
export function methodNotAllowed(): StatusError {
  return new StatusError('MethodNotAllowed', 'the server does not allow this method on the requested resource', { details: {} });
}

/**
 * Parses an API path (`/api/v1/…`, `/apis/{group}/{version}/…`) into a
 * resource request. Returns `undefined` for paths that are not resource
 * requests (discovery of a group version, anything else), for the caller's
 * other routes.
 *
 * @param watchParam Whether the query asked `watch=true` (turns a list into a watch).
 * @throws StatusError NotFound 404 for an unknown resource, a subresource
 *   the kind does not serve, or a resource addressed out of its scope;
 *   MethodNotAllowed 405 (a subresource serves get, update and patch only).
 */
export function parseResourceRequest(method: string, segments: readonly string[], resources: readonly ResourceInfo[], watchParam: boolean): ResourceRequest | undefined {
  let group: string;
  let version: string | undefined;
  let rest: string[];
  if (segments[0] === 'api') {
    group = '';
    version = segments[1];
    rest = segments.slice(2);
  } else if (segments[0] === 'apis') {
    group = segments[1] ?? '';
    version = segments[2];
    rest = segments.slice(3);
  } else {
    return undefined;
  }
  if (version === undefined || rest.length === 0) return undefined;
  let legacyWatch = false;
  if (rest[0] === 'watch') {
    legacyWatch = true;
    rest = rest.slice(1);
  }
  let namespace: string | undefined;
  // `/namespaces/{ns}/{resource}…` is a namespaced request; `/namespaces[/{name}]` the namespaces resource itself.
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const [resource, name, ...subresources] = rest;
  const info = resources.find((candidate) => candidate.group === group && candidate.version === version && candidate.resource === resource);
  if (info === undefined) throw pathNotFound();
  // A subresource the kind serves (`pods/{name}/status`); any other is a path nothing serves.
  const subresource = subresources.length === 1 && name !== undefined && !legacyWatch ? info.subresources?.find((candidate) => candidate === subresources[0]) : undefined;
  if (subresources.length > 0 && subresource === undefined) throw pathNotFound();
  if (info.namespaced && namespace === undefined && name !== undefined) throw pathNotFound();
  if (!info.namespaced && namespace !== undefined) throw pathNotFound();
  if (namespace === '' || name === '') throw pathNotFound();
  const verb = verbOf(method, name !== undefined, legacyWatch, watchParam);
  if (verb === undefined || !info.verbs.includes(verb)) throw methodNotAllowed();
  if (legacyWatch && verb !== 'watch') throw methodNotAllowed();
  if (subresource !== undefined) {
    if (!SUBRESOURCE_VERBS.includes(verb)) throw methodNotAllowed();
    return { verb, info, namespace, name, subresource };
  }
  return { verb, info, namespace, name };
}

function verbOf(method: string, named: boolean, legacyWatch: boolean, watchParam: boolean): RequestVerb | undefined {
  switch (method) {
    case 'GET':
    case 'HEAD':
      // `/watch/…/{name}` watches one name; `?watch=true` only turns a collection GET into a watch (a named GET stays a GET).
      if (legacyWatch) return 'watch';
      if (named) return 'get';
      return watchParam ? 'watch' : 'list';
    case 'POST':
      return named ? undefined : 'create';
    case 'PUT':
      return named ? 'update' : undefined;
    case 'PATCH':
      return named ? 'patch' : undefined;
    case 'DELETE':
      return named ? 'delete' : 'deletecollection';
    default:
      return undefined;
  }
}
