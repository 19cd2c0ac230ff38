/**
 * The OpenAPI documents of the served resources: the v3 index
 * (`/openapi/v3`), one v3 document per group version (`/openapi/v3/api/v1`)
 * and the Swagger 2.0 document (`/openapi/v2`).
 *
 * What they are for: kubectl's `create -f` and `apply -f` validate by
 * default (`--validate=strict`), and refuse to run when neither document is
 * served. With them, kubectl finds that the server validates fields itself
 * (a PATCH operation per kind listing `fieldValidation`) and sends
 * `fieldValidation=Strict` instead of validating on the client. The kind
 * schemas are deliberately permissive — an object with
 * `x-kubernetes-group-version-kind` and `x-kubernetes-preserve-unknown-fields`,
 * not Kubernetes' full field-by-field schemas — so that no client rejects a
 * field the server would keep.
 *
 * The documents are plain data built from the {@link ResourceInfo} registry;
 * build them once per server and serve the same bytes (the v3 index carries
 * a hash of each document, which clients use as a cache key).
 */
import { createHash } from 'node:crypto';
import {
  BODY_CONSUMES,
  groupVersionPath,
  META_SCHEMAS,
  type Operation,
  type PathItem,
  PRODUCES,
  resourcePaths,
  schemaName,
} from './openapi-operations.js';
import type { ResourceInfo } from './resources.js';
import { versionInfo } from './discovery.js';

/** A JSON value as the documents hold it. */
type Json = { readonly [key: string]: unknown };

/** `/openapi/v3`: the index of per-group-version documents. */
export interface OpenApiV3Paths {
  readonly paths: Readonly<Record<string, { readonly serverRelativeURL: string }>>;
}

const gvkOf = (info: ResourceInfo, kind: string = info.kind): Json => ({ group: info.group, version: info.version, kind });

/** The group versions of `resources`, in first-seen order, as `[group, version]`. */
function groupVersions(resources: readonly ResourceInfo[]): [string, string][] {
  const seen = new Map<string, [string, string]>();
  for (const info of resources) {
    const path = groupVersionPath(info.group, info.version);
    if (!seen.has(path)) seen.set(path, [info.group, info.version]);
  }
  return [...seen.values()];
}

/**
 * A kind's schema: permissive on purpose (see the module comment).
 * `x-kubernetes-group-version-kind` is a list in schemas (kubectl's
 * `gvkMatchesArray`), a single object on operations (`gvkMatchesSingle`).
 */
function kindSchema(info: ResourceInfo, ref: (name: string) => string, v2: boolean): Json {
  const description = `${info.kind} (${info.group === '' ? 'core' : info.group}/${info.version}), served by apiserver-kit: fields are not enumerated, every field is kept.`;
  // Swagger 2.0 has no preserve-unknown-fields: kube-openapi's proto parser
  // reads an object without properties as a map of anything, which kubectl's
  // client-side validation accepts whatever the fields; with properties it
  // would be a kind whose other fields are "unknown".
  if (v2) return { description, type: 'object', 'x-kubernetes-group-version-kind': [gvkOf(info)] };
  return {
    description,
    type: 'object',
    properties: {
      apiVersion: { description: 'APIVersion defines the versioned schema of this representation of an object.', type: 'string' },
      kind: { description: 'Kind is a string value representing the REST resource this object represents.', type: 'string' },
      metadata: { description: "Standard object's metadata.", $ref: ref(META_SCHEMAS.objectMeta) },
    },
    'x-kubernetes-preserve-unknown-fields': true,
    'x-kubernetes-group-version-kind': [gvkOf(info)],
  };
}

function listSchema(info: ResourceInfo, ref: (name: string) => string): Json {
  return {
    description: `${info.listKind} is a list of ${info.kind}.`,
    type: 'object',
    required: ['items'],
    properties: {
      apiVersion: { type: 'string' },
      kind: { type: 'string' },
      metadata: { $ref: ref(META_SCHEMAS.listMeta) },
      items: { type: 'array', items: { $ref: ref(schemaName(info)) } },
    },
    'x-kubernetes-group-version-kind': [gvkOf(info, info.listKind)],
  };
}

/** A permissive object schema for apimachinery's shared types. */
const openObject = (description: string, extra: Json = {}): Json => ({ description, type: 'object', 'x-kubernetes-preserve-unknown-fields': true, ...extra });

/** The schemas of a set of resources (kinds, lists, and the meta types they reference). */
function schemas(resources: readonly ResourceInfo[], ref: (name: string) => string, v2: boolean): Record<string, Json> {
  const out: Record<string, Json> = {};
  for (const info of resources) {
    out[schemaName(info)] = kindSchema(info, ref, v2);
    out[schemaName(info, info.listKind)] = listSchema(info, ref);
  }
  out[META_SCHEMAS.objectMeta] = openObject('ObjectMeta is metadata that all persisted resources must have.');
  out[META_SCHEMAS.listMeta] = openObject('ListMeta describes metadata that synthetic resources must have, including lists.');
  out[META_SCHEMAS.status] = openObject('Status is a return value for calls that do not return other objects.', {
    'x-kubernetes-group-version-kind': [{ group: '', version: 'v1', kind: 'Status' }],
  });
  out[META_SCHEMAS.deleteOptions] = openObject('DeleteOptions may be provided when deleting an API object.', {
    'x-kubernetes-group-version-kind': [{ group: '', version: 'v1', kind: 'DeleteOptions' }],
  });
  // Patch is "any JSON" in Kubernetes' spec: a merge patch is an object, a JSON patch an array.
  out[META_SCHEMAS.patch] = { description: 'Patch is provided to give a concrete name and type to the Kubernetes PATCH request body.', type: 'object' };
  out[META_SCHEMAS.watchEvent] = openObject('Event represents a single event to a watched resource.', { required: ['type', 'object'] });
  return out;
}

function pathParameterV3(name: 'namespace' | 'name', info: ResourceInfo): Json {
  const description = name === 'name' ? `name of the ${info.kind}` : 'object name and auth scope, such as for teams and projects';
  return { name, in: 'path', description, required: true, schema: { type: 'string', uniqueItems: true } };
}

function operationV3(op: Operation, info: ResourceInfo): Json {
  const ref = (name: string): Json => ({ $ref: `#/components/schemas/${name}` });
  const content = (schema: Json): Json => Object.fromEntries(PRODUCES.map((type) => [type, { schema }]));
  const responses: Record<string, Json> = { '200': { description: 'OK', content: content(ref(op.response)) } };
  if (op.created === true) responses['201'] = { description: 'Created', content: content(ref(op.response)) };
  if (op.accepted === true) responses['202'] = { description: 'Accepted', content: content(ref(op.response)) };
  responses['401'] = { description: 'Unauthorized' };
  return {
    tags: [`${info.group === '' ? 'core' : info.group}_${info.version}`],
    description: op.description,
    operationId: op.operationId,
    parameters: op.query.map((p) => ({ name: p.name, in: 'query', description: p.description, schema: { type: p.type, uniqueItems: true } })),
    ...(op.body === undefined
      ? {}
      : {
          requestBody: {
            content: Object.fromEntries((op.consumes ?? BODY_CONSUMES).map((type) => [type, { schema: ref(op.body!) }])),
            required: op.method !== 'delete',
          },
        }),
    responses,
    'x-kubernetes-action': op.action,
    'x-kubernetes-group-version-kind': gvkOf(info),
  };
}

function pathsV3(items: readonly PathItem[]): Record<string, Json> {
  const out: Record<string, Json> = {};
  for (const item of items) {
    const entry: Record<string, unknown> = {};
    for (const op of item.operations) entry[op.method] = operationV3(op, item.info);
    entry['parameters'] = item.pathParameters.map((name) => pathParameterV3(name, item.info));
    out[item.path] = entry;
  }
  return out;
}

/**
 * The OpenAPI v3 document of one group version (`api/v1`, `apis/apps/v1`):
 * every operation of its resources (list — with `watch=true` — get, create,
 * update, patch, delete, deletecollection), each tagged with
 * `x-kubernetes-action` and `x-kubernetes-group-version-kind`, and the
 * permissive schemas of its kinds. `undefined` for a group version not
 * served (answer 404).
 */
export function openApiV3Document(resources: readonly ResourceInfo[], groupVersionPathname: string): Json | undefined {
  const path = groupVersionPathname.replace(/^\/+|\/+$/g, '');
  const served = resources.filter((info) => groupVersionPath(info.group, info.version) === path);
  if (served.length === 0) return undefined;
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: versionInfo().gitVersion },
    paths: pathsV3(served.flatMap(resourcePaths)),
    components: { schemas: schemas(served, (name) => `#/components/schemas/${name}`, false) },
  };
}

/** The SHA-512 of a document's JSON, upper-case hex, as Kubernetes' index carries it. */
function documentHash(document: unknown): string {
  return createHash('sha512').update(JSON.stringify(document)).digest('hex').toUpperCase();
}

/** The index per resource registry: building it builds and hashes every document. */
const v3IndexCache = new WeakMap<readonly ResourceInfo[], OpenApiV3Paths>();

/**
 * The body of `GET /openapi/v3`: one entry per served group version
 * (`api/v1`), each pointing at its document with a content hash, as
 * client-go's `openapi.Client.Paths` reads it. The hash changes with the
 * document, so a client's cache (kubectl's `--cache-dir`) never serves a
 * stale one.
 *
 * Computed once per `resources` array (kubectl reads the index on every
 * `create` and `apply`; each call would otherwise build and SHA-512 every
 * document), keyed by the array's identity, and returned frozen: do not
 * change a registry array after serving it (`CORE_V1_RESOURCES` is frozen).
 */
export function openApiV3Paths(resources: readonly ResourceInfo[]): OpenApiV3Paths {
  const cached = v3IndexCache.get(resources);
  if (cached !== undefined) return cached;
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const [group, version] of groupVersions(resources)) {
    const path = groupVersionPath(group, version);
    paths[path] = Object.freeze({ serverRelativeURL: `/openapi/v3/${path}?hash=${documentHash(openApiV3Document(resources, path))}` });
  }
  const index: OpenApiV3Paths = Object.freeze({ paths: Object.freeze(paths) });
  v3IndexCache.set(resources, index);
  return index;
}

function operationV2(op: Operation, item: PathItem): Json {
  const ref = (name: string): Json => ({ $ref: `#/definitions/${name}` });
  const responses: Record<string, Json> = { '200': { description: 'OK', schema: ref(op.response) } };
  if (op.created === true) responses['201'] = { description: 'Created', schema: ref(op.response) };
  if (op.accepted === true) responses['202'] = { description: 'Accepted', schema: ref(op.response) };
  responses['401'] = { description: 'Unauthorized' };
  const parameters: Json[] = [];
  if (op.body !== undefined) parameters.push({ name: 'body', in: 'body', required: op.method !== 'delete', schema: ref(op.body) });
  for (const p of op.query) parameters.push({ uniqueItems: true, type: p.type, description: p.description, name: p.name, in: 'query' });
  return {
    description: op.description,
    consumes: [...(op.consumes ?? ['*/*'])],
    produces: [...PRODUCES],
    schemes: ['https'],
    tags: [`${item.info.group === '' ? 'core' : item.info.group}_${item.info.version}`],
    operationId: op.operationId,
    parameters,
    responses,
    'x-kubernetes-action': op.action,
    'x-kubernetes-group-version-kind': gvkOf(item.info),
  };
}

/**
 * Whether an `Accept` header takes the JSON form of `/openapi/v2` (an absent
 * header, `application/json`, or a wildcard). kubectl (client-go's
 * `OpenAPISchema`) asks for `/openapi/v2` as gnostic protobuf only
 * (`application/com.github.proto-openapi.spec.v2@v1.0+protobuf`), which this
 * host does not encode: answer it 406 NotAcceptable, on which kubectl's
 * `apply` falls back silently to its compiled-in types, rather than JSON,
 * which it would fail to parse (`proto: cannot parse invalid wire-format data`).
 */
export function acceptsOpenApiV2Json(accept: string): boolean {
  if (accept.trim() === '') return true;
  return accept.split(',').some((range) => {
    const [type, ...parameters] = range.split(';');
    const refused = parameters.some((p) => /^\s*q\s*=\s*0(\.0*)?\s*$/.test(p));
    return !refused && ['application/json', '*/*', 'application/*'].includes(type?.trim().toLowerCase() ?? '');
  });
}

/**
 * The body of `GET /openapi/v2`: the same operations and schemas in Swagger
 * 2.0 JSON (`definitions`, `in: body` parameters, `consumes`), for tools that
 * read it as JSON. kubectl reads v2 only as protobuf (see
 * {@link acceptsOpenApiV2Json}); with `/openapi/v3` served it never needs v2.
 */
export function openApiV2(resources: readonly ResourceInfo[]): Json {
  const paths: Record<string, Json> = {};
  for (const item of resources.flatMap(resourcePaths)) {
    const entry: Record<string, unknown> = {};
    for (const op of item.operations) entry[op.method] = operationV2(op, item);
    entry['parameters'] = item.pathParameters.map((name) => ({
      uniqueItems: true,
      type: 'string',
      description: name === 'name' ? `name of the ${item.info.kind}` : 'object name and auth scope, such as for teams and projects',
      name,
      in: 'path',
      required: true,
    }));
    paths[item.path] = entry;
  }
  return {
    swagger: '2.0',
    info: { title: 'Kubernetes', version: versionInfo().gitVersion },
    paths,
    definitions: schemas(resources, (name) => `#/definitions/${name}`, true),
  };
}
