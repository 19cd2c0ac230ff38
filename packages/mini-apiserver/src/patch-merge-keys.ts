/**
 * The strategic-merge-patch metadata of the served kinds: which fields are
 * lists merged by a key, which are sets of scalars, as the core/v1 Go types
 * declare them in `patchStrategy:"merge" patchMergeKey:"…"` struct tags (and
 * the OpenAPI document repeats as `x-kubernetes-patch-strategy` /
 * `x-kubernetes-patch-merge-key`). Only what differs from the default is
 * written down: a field not described here merges as a map when it holds an
 * object and is replaced when it holds a list (Kubernetes' default), so an
 * unknown field never fails a patch.
 */

/** How a field is patched (apimachinery `patchStrategy`); `undefined` is the default. */
export type PatchStrategy = 'merge' | 'replace';

/** The patch metadata of one field. */
export interface PatchField {
  /** `merge` for lists merged by key (or, for scalars, as sets); `replace` to replace even a map. */
  readonly strategy?: PatchStrategy;
  /** The merge key of a merged list of objects (`name`, `containerPort`, …); absent for lists of scalars. */
  readonly mergeKey?: string;
  /** The schema of the field's value, or of each list item. */
  readonly schema?: PatchSchema;
}

/** The patch metadata of an object's fields, by JSON field name. */
export interface PatchSchema {
  readonly fields: Readonly<Record<string, PatchField>>;
}

/** A schema that says nothing: every field takes the default strategy. */
export const EMPTY_PATCH_SCHEMA: PatchSchema = Object.freeze({ fields: Object.freeze({}) });

function schema(fields: Record<string, PatchField>): PatchSchema {
  return Object.freeze({ fields: Object.freeze(fields) });
}

const mergeBy = (mergeKey: string, item?: PatchSchema): PatchField =>
  Object.freeze(item === undefined ? { strategy: 'merge', mergeKey } : { strategy: 'merge', mergeKey, schema: item });
const SCALAR_SET: PatchField = Object.freeze({ strategy: 'merge' });
const nested = (inner: PatchSchema): PatchField => Object.freeze({ schema: inner });

/** meta/v1 ObjectMeta: owner references by uid; finalizers as a set. */
const OBJECT_META = schema({
  ownerReferences: mergeBy('uid'),
  finalizers: SCALAR_SET,
});

/** core/v1 Container (and EphemeralContainer, which shares its fields). */
const CONTAINER = schema({
  ports: mergeBy('containerPort'),
  env: mergeBy('name'),
  volumeMounts: mergeBy('mountPath'),
  volumeDevices: mergeBy('devicePath'),
});

/** core/v1 PodSpec. Lists without tags (tolerations, readinessGates, …) are replaced whole. */
const POD_SPEC = schema({
  // `merge,retainKeys` upstream: retainKeys only shapes the client's diff; applying honours `$retainKeys` anywhere.
  volumes: mergeBy('name'),
  initContainers: mergeBy('name', CONTAINER),
  containers: mergeBy('name', CONTAINER),
  ephemeralContainers: mergeBy('name', CONTAINER),
  imagePullSecrets: mergeBy('name'),
  hostAliases: mergeBy('ip'),
  topologySpreadConstraints: mergeBy('topologyKey'),
  schedulingGates: mergeBy('name'),
  resourceClaims: mergeBy('name'),
});

const POD_STATUS = schema({
  conditions: mergeBy('type'),
  podIPs: mergeBy('ip'),
  hostIPs: mergeBy('ip'),
  resourceClaimStatuses: mergeBy('name'),
});

const NODE_SPEC = schema({ podCIDRs: SCALAR_SET });
// Taints have no patch strategy in core/v1: a patch replaces the list.
const NODE_STATUS = schema({ conditions: mergeBy('type'), addresses: mergeBy('type') });
const NAMESPACE_STATUS = schema({ conditions: mergeBy('type') });

const withMeta = (fields: Record<string, PatchField>): PatchSchema => schema({ metadata: nested(OBJECT_META), ...fields });

/** The patch schemas of the served kinds, by kind. */
export const PATCH_SCHEMAS: Readonly<Record<string, PatchSchema>> = Object.freeze({
  Pod: withMeta({ spec: nested(POD_SPEC), status: nested(POD_STATUS) }),
  Node: withMeta({ spec: nested(NODE_SPEC), status: nested(NODE_STATUS) }),
  Namespace: withMeta({ status: nested(NAMESPACE_STATUS) }),
  ConfigMap: withMeta({}),
});

/** The patch schema of `kind`: its own, or ObjectMeta's alone for a kind not described. */
export function patchSchemaFor(kind: string): PatchSchema {
  return Object.prototype.hasOwnProperty.call(PATCH_SCHEMAS, kind) ? PATCH_SCHEMAS[kind]! : withMeta({});
}

/** The metadata of `field` in `schema` (`{}`: the default strategy). */
export function lookupPatchField(schema: PatchSchema | undefined, field: string): PatchField {
  if (schema === undefined || !Object.prototype.hasOwnProperty.call(schema.fields, field)) return NO_METADATA;
  return schema.fields[field]!;
}

const NO_METADATA: PatchField = Object.freeze({});
