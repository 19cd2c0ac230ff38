/**
 * Kubernetes' `fieldValidation` for the fields this server knows exactly:
 * the top-level fields of each served kind and ObjectMeta's fields (the
 * specs and statuses have no schema here, so nothing below them is checked).
 *
 * Upstream, a write decodes its body with the strict serializer when the
 * directive is Strict or Warn (`createHandler`, `UpdateResource`; the
 * `jsonPatcher`/`smpPatcher` decode the patched result the same way). An
 * unknown field is then a strict decoding error: Strict refuses the write,
 * Warn answers a `Warning: 299` header per field (`addStrictDecodingWarnings`),
 * Ignore says nothing; with both, the unknown fields are dropped, as decoding
 * into the typed object drops them. A value of the wrong type fails typed decoding
 * whatever the directive, and that error wins over unknown fields.
 * Duplicate fields are not seen: the body is already parsed.
 */
import { badRequest, invalid } from '@apiserver-kit/codec';
import type { ResourceInfo } from '../resources.js';

/** A `fieldValidation` value. */
export type FieldValidationDirective = 'Strict' | 'Warn' | 'Ignore';

const OBJECT_META_FIELDS: ReadonlySet<string> = new Set([
  'name',
  'generateName',
  'namespace',
  'selfLink',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'labels',
  'annotations',
  'ownerReferences',
  'finalizers',
  'managedFields',
]);

const SPEC_STATUS_FIELDS: ReadonlySet<string> = new Set(['apiVersion', 'kind', 'metadata', 'spec', 'status']);
const CONFIG_MAP_FIELDS: ReadonlySet<string> = new Set(['apiVersion', 'kind', 'metadata', 'data', 'binaryData', 'immutable']);

function isConfigMap(info: ResourceInfo): boolean {
  return info.group === '' && info.resource === 'configmaps';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The unknown fields of `object`, in document order, as sigs.k8s.io/json's
 * strict decoding names them: a dotted path without a leading dot
 * (`unknown field "metadata.labelz"`).
 */
export function unknownFields(info: ResourceInfo, object: Readonly<Record<string, unknown>>): string[] {
  return unknownPaths(info, object).map((path) => `unknown field ${JSON.stringify(path.join('.'))}`);
}

function unknownPaths(info: ResourceInfo, object: Readonly<Record<string, unknown>>): Array<[string] | [string, string]> {
  const known = isConfigMap(info) ? CONFIG_MAP_FIELDS : SPEC_STATUS_FIELDS;
  const paths: Array<[string] | [string, string]> = [];
  for (const key of Object.keys(object)) {
    const value = object[key];
    if (!known.has(key)) paths.push([key]);
    else if (key === 'metadata' && isRecord(value)) {
      for (const field of Object.keys(value)) if (!OBJECT_META_FIELDS.has(field)) paths.push(['metadata', field]);
    }
  }
  return paths;
}

/** Removes the unknown fields, as decoding into the typed object drops them (Warn and Ignore store the rest). */
function dropUnknownFields(info: ResourceInfo, object: Record<string, unknown>): void {
  for (const path of unknownPaths(info, object)) {
    if (path.length === 1) delete object[path[0]];
    else delete (object['metadata'] as Record<string, unknown>)[path[1]];
  }
}

/** How Go's encoding/json names a JSON value in an `UnmarshalTypeError`. */
function jsonTypeName(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'object') return 'object';
  if (typeof value === 'boolean') return 'bool';
  return typeof value;
}

function typeError(value: unknown, field: string, goType: string): string {
  return `json: cannot unmarshal ${jsonTypeName(value)} into Go struct field ConfigMap.${field} of type ${goType}`;
}

const BASE64 = /^[A-Za-z0-9+/]*$/;

/** Go's `base64.StdEncoding` error for `text`, or undefined when it decodes (newlines are skipped, as Go does). */
function base64Error(text: string): string | undefined {
  const stripped = text.replace(/[\r\n]/g, '');
  const body = stripped.replace(/={1,2}$/, '');
  for (let i = 0; i < body.length; i++) {
    if (!BASE64.test(body[i]!)) return `illegal base64 data at input byte ${i}`;
  }
  const padding = stripped.length - body.length;
  // The last quantum must be whole: 4 characters, padded with '=' (StdEncoding is padded).
  if (stripped.length % 4 !== 0 || (padding > 0 && body.length % 4 === 1) || (padding === 0 && body.length % 4 !== 0)) {
    return `illegal base64 data at input byte ${body.length - (body.length % 4)}`;
  }
  return undefined;
}

/**
 * The first error typed decoding would meet in the fields this server knows
 * the types of (ConfigMap `data`, `binaryData`, `immutable`), with Go's
 * encoding/json wording; undefined when there is none. JSON null is a Go zero value: accepted.
 */
export function typedDecodeError(info: ResourceInfo, object: Readonly<Record<string, unknown>>): string | undefined {
  if (!isConfigMap(info)) return undefined;
  for (const [key, value] of Object.entries(object)) {
    if (value === null) continue;
    if (key === 'immutable' && typeof value !== 'boolean') return typeError(value, 'immutable', 'bool');
    if (key === 'data' || key === 'binaryData') {
      const valueType = key === 'data' ? 'string' : '[]uint8';
      if (!isRecord(value)) return typeError(value, key, `map[string]${valueType}`);
      for (const entry of Object.values(value)) {
        if (entry === null) continue;
        if (typeof entry !== 'string') return typeError(entry, key, valueType);
        if (key === 'binaryData') {
          const error = base64Error(entry);
          if (error !== undefined) return error;
        }
      }
    }
  }
  return undefined;
}

/**
 * A create's or update's body against `directive`: returns the warnings to
 * send (Warn), or throws as `transformDecodeError` words a failed decode.
 * @throws StatusError BadRequest 400 `ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: unknown field "foo"`
 */
export function checkBodyFields(info: ResourceInfo, object: Record<string, unknown>, directive: FieldValidationDirective): string[] {
  const prefix = `${info.kind} in version ${JSON.stringify(info.version)} cannot be handled as a ${info.kind}`;
  const typed = typedDecodeError(info, object);
  if (typed !== undefined) throw badRequest(`${prefix}: ${typed}`);
  const unknown = unknownFields(info, object);
  if (directive === 'Strict' && unknown.length > 0) throw badRequest(`${prefix}: strict decoding error: ${unknown.join(', ')}`);
  dropUnknownFields(info, object);
  return directive === 'Warn' ? unknown : [];
}

/**
 * A patch's result against `directive`, as the patchers decode it: returns
 * the warnings (Warn), or throws Invalid naming the field `patch`, with an
 * empty kind and name as upstream's `NewInvalid(schema.GroupKind{}, "", …)`.
 * @throws StatusError Invalid 422 ` "" is invalid: patch: Invalid value: "{…}": strict decoding error: unknown field "foo"`
 */
export function checkPatchedFields(info: ResourceInfo, patched: Record<string, unknown>, directive: FieldValidationDirective): string[] {
  const typed = typedDecodeError(info, patched);
  const refuse = (detail: string): never => {
    throw invalid('', '', [{ field: 'patch', type: 'Invalid value', detail, value: JSON.stringify(patched) }]);
  };
  if (typed !== undefined) refuse(typed);
  const unknown = unknownFields(info, patched);
  if (directive === 'Strict' && unknown.length > 0) refuse(`strict decoding error: ${unknown.join(', ')}`);
  dropUnknownFields(info, patched);
  return directive === 'Warn' ? unknown : [];
}
