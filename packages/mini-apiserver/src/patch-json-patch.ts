/**
 * JSON patch (RFC 6902), as Kubernetes applies it: with evanphx/json-patch v4
 * (`DecodePatch`, `Patch.Apply`), whose behaviour clients have come to rely on
 * and which is kept here where it departs from the RFC:
 *
 * - negative array indices count from the end (`SupportNegativeIndices`);
 * - `replace` of a missing object member adds it, and `copy` of a missing
 *   member copies null (the library's `get` does not fail for objects);
 * - a missing `value` is null; `test` of a missing member against null passes;
 * - the whole document may be replaced (`replace` at path `""`), but not added to.
 *
 * Errors are those of the Go library, word for word where it matters to a
 * reader; the handler (`applyJSPatch`) answers them with 422.
 */
import { StatusError, badRequest } from '@apiserver-kit/core';
import { cloneJson, decodeBody, hasKey, isJsonObject, jsonEqual, jsonType, putKey } from './patch-json.js';
import type { Json, JsonObject } from './patch-json.js';

/** Kubernetes' `maxJSONPatchOperations`: a longer patch is refused with 413. */
export const MAX_JSON_PATCH_OPERATIONS = 10_000;

/**
 * The most bytes `copy` operations may add to a document in one patch:
 * Kubernetes sets evanphx's `AccumulatedCopySizeLimit` from
 * `JSONPatchMaxCopyBytes`, 3 MiB — without it a few dozen doubling copies
 * make a gigabyte from a small body.
 */
export const MAX_JSON_PATCH_COPY_BYTES: number = 3 * 1024 * 1024;

/** An operation failed: Kubernetes answers 422 with its generic message; the library's error goes in the cause. */
class PatchOperationError extends Error {}

/**
 * Applies a JSON patch body to `target` (a mutable copy, changed in place).
 * Returns the new document: `target`, or what a `replace` of the whole
 * document put in its place.
 *
 * @throws StatusError BadRequest for a body that is not a JSON array of
 *   objects; RequestEntityTooLarge 413 for more than
 *   {@link MAX_JSON_PATCH_OPERATIONS} operations; Invalid 422 for an
 *   operation that does not apply (missing path, failed `test`, bad index).
 */
export function applyJsonPatch(target: JsonObject, body: Uint8Array): Json {
  const operations = decodeOperations(body);
  if (operations.length > MAX_JSON_PATCH_OPERATIONS) {
    throw new StatusError(
      'RequestEntityTooLarge',
      `Request entity too large: The allowed maximum operations in a JSON patch is ${MAX_JSON_PATCH_OPERATIONS}, got ${operations.length}`,
    );
  }
  const state: PatchState = { root: target, copiedBytes: 0 };
  try {
    for (const operation of operations) applyOperation(state, operation);
  } catch (error) {
    if (!(error instanceof PatchOperationError)) throw error;
    // apimachinery NewGenericServerResponse(422, …): the generic message; the
    // library's own error would be lost, so it rides along as the one cause.
    throw new StatusError('Invalid', 'the server rejected our request due to an error in our request', {
      details: { causes: [{ message: error.message }] },
      cause: error,
    });
  }
  return state.root;
}

/** `DecodePatch`: a JSON array of operation objects (`null` is an empty patch). */
function decodeOperations(body: Uint8Array): ReadonlyArray<JsonObject | null> {
  const value = decodeBody(body, (detail) => badRequest(detail));
  if (value === null) return [];
  if (!Array.isArray(value)) throw badRequest(`json: cannot unmarshal ${jsonType(value)} into Go value of type jsonpatch.Patch`);
  for (const item of value) {
    if (item !== null && !isJsonObject(item)) throw badRequest(`json: cannot unmarshal ${jsonType(item)} into Go value of type jsonpatch.Operation`);
  }
  return value as ReadonlyArray<JsonObject | null>;
}

interface PatchState {
  root: Json;
  copiedBytes: number;
}

function applyOperation(state: PatchState, operation: JsonObject | null): void {
  const op = operation === null ? undefined : operation['op'];
  const kind = typeof op === 'string' && hasKey(operation!, 'op') ? op : 'unknown';
  const fields = operation ?? {};
  switch (kind) {
    case 'add':
      return add(state, fields);
    case 'remove':
      return remove(state, fields);
    case 'replace':
      return replace(state, fields);
    case 'move':
      return move(state, fields);
    case 'test':
      return test(state, fields);
    case 'copy':
      return copy(state, fields);
    default:
      throw new PatchOperationError(`Unexpected kind: ${kind}`);
  }
}

/** The operation's `path` (or `from`); `undefined` when missing or not a string. */
function pointerField(operation: JsonObject, field: 'path' | 'from'): string | undefined {
  const value = hasKey(operation, field) ? operation[field] : undefined;
  return typeof value === 'string' ? value : undefined;
}

/** The operation's `value`: a missing one is null, as the Go library reads it. */
function valueField(operation: JsonObject): Json {
  return hasKey(operation, 'value') ? operation['value']! : null;
}

/** The container a JSON pointer ends in, and its last reference token (unescaped). */
interface Location {
  readonly container: JsonObject | Json[];
  readonly key: string;
}

/** RFC 6901 unescaping: `~1` is `/`, then `~0` is `~`, in one left-to-right pass as Go's `strings.Replacer`. */
function unescapeToken(token: string): string {
  return token.replace(/~[01]/g, (escape) => (escape === '~1' ? '/' : '~'));
}

/**
 * `findObject`: walks every token but the last. The first segment is
 * skipped, not checked to be empty (so `a/b` is read as `/b`, as in Go); a
 * pointer without a `/` finds nothing.
 */
function findContainer(root: Json, pointer: string): Location | undefined {
  const tokens = pointer.split('/');
  if (tokens.length < 2) return undefined;
  if (root === null || typeof root !== 'object') return undefined;
  let container: JsonObject | Json[] = root;
  for (let i = 1; i < tokens.length - 1; i++) {
    let next: Json | undefined;
    if (Array.isArray(container)) {
      const index = arrayIndex(container, unescapeToken(tokens[i]!), false);
      next = typeof index === 'number' ? container[index] : undefined;
    } else {
      next = hasKey(container, unescapeToken(tokens[i]!)) ? container[unescapeToken(tokens[i]!)] : undefined;
    }
    if (next === null || next === undefined || typeof next !== 'object') return undefined;
    container = next;
  }
  return { container, key: unescapeToken(tokens[tokens.length - 1]!) };
}

/** Go's `strconv.Atoi`: optional sign, decimal digits, 64-bit range. */
function atoi(text: string): number | string {
  if (!/^[+-]?\d+$/.test(text)) return `strconv.Atoi: parsing ${JSON.stringify(text)}: invalid syntax`;
  const value = Number(text);
  if (!Number.isSafeInteger(value)) return `strconv.Atoi: parsing ${JSON.stringify(text)}: value out of range`;
  return value;
}

/**
 * The index `key` names in `array` (negative counts from the end), or the
 * library's error text. `forInsert` allows the index one past the end.
 */
function arrayIndex(array: readonly Json[], key: string, forInsert: boolean): number | string {
  const parsed = atoi(key);
  if (typeof parsed === 'string') return forInsert ? `value was not a proper array index: '${key}': ${parsed}` : parsed;
  const length = forInsert ? array.length + 1 : array.length;
  let index = parsed;
  if (index >= length) return `Unable to access invalid index: ${index}: invalid index referenced`;
  if (index < 0) {
    if (index < -length) return `Unable to access invalid index: ${index}: invalid index referenced`;
    index += length;
  }
  return index;
}

function containerGet(location: Location): { value: Json | undefined } | string {
  const { container, key } = location;
  if (!Array.isArray(container)) return { value: hasKey(container, key) ? container[key] : undefined };
  const index = arrayIndex(container, key, false);
  return typeof index === 'string' ? index : { value: container[index] };
}

function containerAdd(location: Location, value: Json): string | undefined {
  const { container, key } = location;
  if (!Array.isArray(container)) {
    putKey(container, key, value);
    return undefined;
  }
  if (key === '-') {
    container.push(value);
    return undefined;
  }
  const index = arrayIndex(container, key, true);
  if (typeof index === 'string') return index;
  container.splice(index, 0, value);
  return undefined;
}

function containerRemove(location: Location): string | undefined {
  const { container, key } = location;
  if (!Array.isArray(container)) {
    if (!hasKey(container, key)) return `Unable to remove nonexistent key: ${key}: missing value`;
    delete container[key];
    return undefined;
  }
  const index = arrayIndex(container, key, false);
  if (typeof index === 'string') return index;
  container.splice(index, 1);
  return undefined;
}

function add(state: PatchState, operation: JsonObject): void {
  const path = pointerField(operation, 'path');
  if (path === undefined) throw new PatchOperationError('add operation failed to decode path: missing value');
  const location = findContainer(state.root, path);
  if (location === undefined) throw new PatchOperationError(`add operation does not apply: doc is missing path: "${path}": missing value`);
  const failure = containerAdd(location, valueField(operation));
  if (failure !== undefined) throw new PatchOperationError(`error in add for path: '${path}': ${failure}`);
}

function remove(state: PatchState, operation: JsonObject): void {
  const path = pointerField(operation, 'path');
  if (path === undefined) throw new PatchOperationError('remove operation failed to decode path: missing value');
  const location = findContainer(state.root, path);
  if (location === undefined) throw new PatchOperationError(`remove operation does not apply: doc is missing path: "${path}": missing value`);
  const failure = containerRemove(location);
  if (failure !== undefined) throw new PatchOperationError(`error in remove for path: '${path}': ${failure}`);
}

function replace(state: PatchState, operation: JsonObject): void {
  const path = pointerField(operation, 'path');
  if (path === undefined) throw new PatchOperationError('replace operation failed to decode path: operation missing path field: missing value');
  const value = valueField(operation);
  if (path === '') {
    if (value === null || typeof value !== 'object') throw new PatchOperationError('replace operation value must be object or array');
    state.root = value;
    return;
  }
  const location = findContainer(state.root, path);
  if (location === undefined) throw new PatchOperationError(`replace operation does not apply: doc is missing path: ${path}: missing value`);
  const current = containerGet(location);
  if (typeof current === 'string') throw new PatchOperationError(`replace operation does not apply: doc is missing key: ${path}: missing value`);
  const { container, key } = location;
  if (Array.isArray(container)) container[arrayIndex(container, key, false) as number] = value;
  else putKey(container, key, value);
}

function move(state: PatchState, operation: JsonObject): void {
  const from = pointerField(operation, 'from');
  if (from === undefined) throw new PatchOperationError('move operation failed to decode from: operation, missing from field: missing value');
  const source = findContainer(state.root, from);
  if (source === undefined) throw new PatchOperationError(`move operation does not apply: doc is missing from path: ${from}: missing value`);
  const got = containerGet(source);
  if (typeof got === 'string') throw new PatchOperationError(`error in move for path: '${source.key}': ${got}`);
  const removed = containerRemove(source);
  if (removed !== undefined) throw new PatchOperationError(`error in move for path: '${source.key}': ${removed}`);
  const path = pointerField(operation, 'path');
  if (path === undefined) throw new PatchOperationError('move operation failed to decode path: operation missing path field: missing value');
  const target = findContainer(state.root, path);
  if (target === undefined) throw new PatchOperationError(`move operation does not apply: doc is missing destination path: ${path}: missing value`);
  const failure = containerAdd(target, got.value ?? null);
  if (failure !== undefined) throw new PatchOperationError(`error in move for path: '${path}': ${failure}`);
}

function test(state: PatchState, operation: JsonObject): void {
  const path = pointerField(operation, 'path');
  if (path === undefined) throw new PatchOperationError('test operation failed to decode path: operation missing path field: missing value');
  const failed = (): PatchOperationError => new PatchOperationError(`testing value ${path} failed: test failed`);
  if (path === '') {
    if (!jsonEqual(state.root, valueField(operation))) throw failed();
    return;
  }
  const location = findContainer(state.root, path);
  if (location === undefined) throw new PatchOperationError(`test operation does not apply: is missing path: ${path}: missing value`);
  const got = containerGet(location);
  if (typeof got === 'string') throw new PatchOperationError(`error in test for path: '${path}': ${got}`);
  const actual = got.value ?? null;
  const expected = hasKey(operation, 'value') ? operation['value']! : undefined;
  // A missing or null member matches a missing or null value; anything else must be equal.
  if (actual === null) {
    if (expected === undefined || expected === null) return;
    throw failed();
  }
  if (expected === undefined || !jsonEqual(actual, expected)) throw failed();
}

function copy(state: PatchState, operation: JsonObject): void {
  const from = pointerField(operation, 'from');
  if (from === undefined) throw new PatchOperationError('copy operation failed to decode from: operation, missing from field: missing value');
  const source = findContainer(state.root, from);
  if (source === undefined) throw new PatchOperationError(`copy operation does not apply: doc is missing from path: ${from}: missing value`);
  const got = containerGet(source);
  if (typeof got === 'string') throw new PatchOperationError(`error in copy for from: '${from}': ${got}`);
  const path = pointerField(operation, 'path');
  if (path === undefined) throw new PatchOperationError('copy operation failed to decode path: missing value');
  const target = findContainer(state.root, path);
  if (target === undefined) throw new PatchOperationError(`copy operation does not apply: doc is missing destination path: ${path}: missing value`);
  const value = got.value ?? null;
  // The library counts the copied value's encoded size (nothing for a missing one).
  state.copiedBytes += got.value === undefined || got.value === null ? 0 : Buffer.byteLength(JSON.stringify(value));
  if (state.copiedBytes > MAX_JSON_PATCH_COPY_BYTES) {
    throw new PatchOperationError(
      `Unable to complete the copy, the accumulated size increase of copy is ${state.copiedBytes}, exceeding the limit ${MAX_JSON_PATCH_COPY_BYTES}`,
    );
  }
  const failure = containerAdd(target, cloneJson(value));
  if (failure !== undefined) throw new PatchOperationError(`error while adding value during copy: ${failure}`);
}
