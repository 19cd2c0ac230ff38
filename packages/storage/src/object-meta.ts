/**
 * The shape of `metadata` a store accepts. Kubernetes decodes a body into the
 * Go type `ObjectMeta` before it stores it, so a stored object always has a
 * string name, maps of string to string as labels and annotations, and so on;
 * readers (selectors, caches) rely on that. A store of plain JSON must check
 * it on write instead, or one `labels: "x"` poisons every label-selector
 * LIST that meets it.
 *
 * A `null` field is what Go's decoding makes a zero value of (a nil map, an
 * empty string), which `omitempty` then leaves out: accepted and dropped, not
 * rejected. Fields not listed here pass through untouched.
 */
import type { FieldError, KubeObject, ObjectMeta } from '@apiserver-kit/codec';
import { objectInvalid } from './storage-errors.js';

type Shape = 'string' | 'integer' | 'string map' | 'string list' | 'object list';

/** The typed fields of apimachinery's `ObjectMeta`, by the shape their Go type imposes. */
const SHAPES: readonly (readonly [string, Shape])[] = Object.entries({
  name: 'string',
  generateName: 'string',
  namespace: 'string',
  selfLink: 'string',
  uid: 'string',
  resourceVersion: 'string',
  creationTimestamp: 'string',
  deletionTimestamp: 'string',
  generation: 'integer',
  deletionGracePeriodSeconds: 'integer',
  labels: 'string map',
  annotations: 'string map',
  finalizers: 'string list',
  ownerReferences: 'object list',
  managedFields: 'object list',
} satisfies Record<string, Shape>);

/**
 * Checks the shape of `object.metadata` for a write under `key`, and returns
 * the object with its `null` metadata fields left out (the same object when
 * it has none). A missing `metadata` is left to the caller's own checks.
 *
 * Cost: O(size of metadata); the object is copied (shallowly, and its
 * metadata) only when a field is dropped.
 *
 * @throws StatusError Invalid 422 naming every offending field as Kubernetes
 *   writes a field path (`metadata.labels`, `metadata.labels[app]`,
 *   `metadata.finalizers[0]`), with the JSON type found:
 *   `Pod "web-0" is invalid: metadata.labels: Invalid value: "string": must be of type object`.
 *   The kind is the object's `kind` (grouped by its `apiVersion`), else the
 *   resource of `key`.
 */
export function validateObjectMeta(key: string, object: KubeObject): KubeObject {
  const meta: unknown = object.metadata;
  if (meta === undefined || meta === null) return object;
  if (!isMapping(meta)) throw objectInvalid(key, object, [mismatch('metadata', meta, 'object')]);
  const errors: FieldError[] = [];
  let dropped: string[] | undefined;
  for (const [field, shape] of SHAPES) {
    if (!Object.hasOwn(meta, field)) continue;
    const value = meta[field];
    if (value === null) (dropped ??= []).push(field);
    else if (value !== undefined) checkShape(`metadata.${field}`, value, shape, errors);
  }
  if (errors.length > 0) throw objectInvalid(key, object, errors);
  if (dropped === undefined) return object;
  const kept: Record<string, unknown> = { ...meta };
  for (const field of dropped) delete kept[field];
  return { ...object, metadata: kept as ObjectMeta };
}

function checkShape(path: string, value: unknown, shape: Shape, errors: FieldError[]): void {
  switch (shape) {
    case 'string':
      if (typeof value !== 'string') errors.push(mismatch(path, value, 'string'));
      return;
    case 'integer':
      if (!Number.isSafeInteger(value)) errors.push(mismatch(path, value, 'integer'));
      return;
    case 'string map':
      if (!isMapping(value)) errors.push(mismatch(path, value, 'object'));
      else for (const name of Object.keys(value)) if (typeof value[name] !== 'string') errors.push(mismatch(`${path}[${name}]`, value[name], 'string'));
      return;
    case 'string list':
    case 'object list':
      if (!Array.isArray(value)) {
        errors.push(mismatch(path, value, 'array'));
        return;
      }
      for (let i = 0; i < value.length; i++) {
        const item: unknown = value[i];
        if (shape === 'string list' ? typeof item !== 'string' : !isMapping(item)) errors.push(mismatch(`${path}[${i}]`, item, shape === 'string list' ? 'string' : 'object'));
      }
  }
}

/** A field of the wrong type; the value shown is its JSON type, as Kubernetes' schema validation does, so that the message stays short whatever was sent. */
function mismatch(field: string, value: unknown, expected: string): FieldError {
  return { field, type: 'Invalid value', value: jsonType(value), detail: `must be of type ${expected}` };
}

function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number' && Number.isInteger(value)) return 'integer';
  return typeof value;
}

/** A JSON object: a plain mapping, not an array, a Date or a class instance. */
function isMapping(value: unknown): value is Readonly<Record<string, unknown>> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
