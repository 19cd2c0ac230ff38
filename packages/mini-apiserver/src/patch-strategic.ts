/**
 * Strategic merge patch, as Kubernetes applies it on the server
 * (apimachinery `strategicpatch.StrategicMergeMapPatch`, with
 * `MergeParallelList` and `IgnoreUnmatchedNulls`): a merge patch whose lists
 * merge by key where the kind's Go types say so ({@link PatchSchema}), with
 * the directives `kubectl apply` sends:
 *
 * - `$patch: replace | delete` on a map, `$patch: delete | replace` as a list item;
 * - `$retainKeys: [...]`: clear the map's other keys;
 * - `$deleteFromPrimitiveList/<field>: [...]`: remove scalars from a set;
 * - `$setElementOrder/<field>: [...]`: the order of the merged list
 *   (precedence: this list, then the patch's order, then the live order).
 *
 * A map or list the patch adds where the object had none is taken as it is
 * (nulls included, as upstream); since no served type has a `$`-field and Go's
 * decoding drops nulls, the result is cleaned of directive keys and null
 * members at the end ({@link cleanResult}), which is what the typed object
 * Kubernetes stores would hold.
 *
 * Errors: apimachinery's `mergepatch` errors are BadRequest (as
 * `interpretStrategicMergePatchError` maps them), lists of lists are Invalid
 * 422; the plain errors that Kubernetes lets through as 500 (a missing merge
 * key, an unknown directive, mismatched item types) are BadRequest here: they
 * are the client's mistake, not the server's.
 *
 * Unlike the Go code, lookups by merge key use hash maps, so a patch costs
 * O(n + m) per list rather than O(n·m): a large list in a 3 MiB body cannot
 * pin the event loop.
 */
import { StatusError, badRequest } from '@apiserver-kit/core';
import { decodeBody, goFormat, goTypeName, hasKey, isJsonObject, jsonType, putKey } from './patch-json.js';
import type { Json, JsonObject, JsonType } from './patch-json.js';
import { lookupPatchField } from './patch-merge-keys.js';
import type { PatchSchema } from './patch-merge-keys.js';

const DIRECTIVE_MARKER = '$patch';
const RETAIN_KEYS_DIRECTIVE = '$retainKeys';
const DELETE_FROM_PRIMITIVE_LIST_PREFIX = '$deleteFromPrimitiveList';
const SET_ELEMENT_ORDER_PREFIX = '$setElementOrder';

// apimachinery mergepatch's errors, which Kubernetes answers with 400 (422 for lists of lists).
const BAD_PRIMITIVE_LIST = 'invalid patch format of primitive list';
const BAD_RETAIN_KEYS = 'invalid patch format of retainKeys';
const BAD_SET_ELEMENT_ORDER = 'invalid patch format of setElementOrder list';

function listsOfLists(): StatusError {
  return new StatusError('Invalid', 'the server rejected our request due to an error in our request', {
    details: { causes: [{ message: 'lists of lists are not supported' }] },
  });
}

const noMergeKey = (item: JsonObject, mergeKey: string): StatusError =>
  badRequest(`map: ${goFormat(item)} does not contain declared merge key: ${mergeKey}`);
const badArgType = (expected: string, actual: Json | undefined): StatusError =>
  badRequest(`expected a ${expected}, but received a ${goTypeName(actual)}`);
const badPatchType = (directive: Json | undefined, map: JsonObject): StatusError =>
  badRequest(`unknown patch type: ${goFormat(directive)} in map: ${goFormat(map)}`);

/**
 * Applies a strategic merge patch body to `target` (a mutable copy, changed in
 * place) with the kind's `schema`, and returns the result.
 *
 * @throws StatusError BadRequest for a body that is not a JSON object or a
 *   malformed directive; Invalid 422 for lists of lists.
 */
export function applyStrategicMergePatch(target: JsonObject, body: Uint8Array, schema: PatchSchema): Json {
  const patch = decodeBody(body, (detail) => badRequest(detail));
  // Go decodes `null` into a nil map: nothing to merge.
  if (patch === null) return target;
  if (!isJsonObject(patch)) throw badRequest(`json: cannot unmarshal ${jsonType(patch)} into Go value of type map[string]interface {}`);
  return cleanResult(mergeMap(target, patch, schema));
}

/** Removes directive keys and null members everywhere (see the module comment). */
export function cleanResult(value: Json): Json {
  if (Array.isArray(value)) {
    for (const item of value) cleanResult(item);
  } else if (isJsonObject(value)) {
    for (const key of Object.keys(value)) {
      const member = value[key]!;
      if (member === null || isDirectiveKey(key)) delete value[key];
      else cleanResult(member);
    }
  }
  return value;
}

function isDirectiveKey(key: string): boolean {
  return (
    key === DIRECTIVE_MARKER ||
    key === RETAIN_KEYS_DIRECTIVE ||
    key.startsWith(`${SET_ELEMENT_ORDER_PREFIX}/`) ||
    key.startsWith(`${DELETE_FROM_PRIMITIVE_LIST_PREFIX}/`)
  );
}

/** `mergeMap`: merges `patch` into `original` (changed in place) and returns the merged map. */
function mergeMap(original: JsonObject, patch: JsonObject, schema: PatchSchema | undefined): JsonObject {
  if (hasKey(patch, DIRECTIVE_MARKER)) {
    const directive = patch[DIRECTIVE_MARKER];
    if (directive === 'replace') {
      delete patch[DIRECTIVE_MARKER];
      return patch;
    }
    if (directive === 'delete') return {};
    throw badPatchType(directive, patch);
  }
  applyRetainKeys(original, patch);
  mergeSetElementOrderLists(original, patch, schema);

  for (const patchKey of Object.keys(patch)) {
    const patchValue = patch[patchKey]!;
    let key = patchKey;
    let isDeleteList = false;
    if (patchKey.startsWith(DELETE_FROM_PRIMITIVE_LIST_PREFIX)) {
      key = extractKey(patchKey, DELETE_FROM_PRIMITIVE_LIST_PREFIX, BAD_PRIMITIVE_LIST);
      isDeleteList = true;
    }
    if (patchValue === null) {
      delete original[key];
      continue;
    }
    if (!hasKey(original, key)) {
      putKey(original, key, patchValue);
      continue;
    }
    const originalValue = original[key]!;
    const originalType = jsonType(originalValue);
    if (originalType !== jsonType(patchValue)) {
      putKey(original, key, patchValue);
      continue;
    }
    const field = lookupPatchField(schema, key);
    if (originalType === 'object') {
      putKey(original, key, field.strategy === 'replace' ? patchValue : mergeMap(originalValue as JsonObject, patchValue as JsonObject, field.schema));
    } else if (originalType === 'array') {
      putKey(
        original,
        key,
        field.strategy === 'merge'
          ? mergeSlice(originalValue as Json[], patchValue as Json[], field.schema, field.mergeKey ?? '', isDeleteList)
          : patchValue,
      );
    } else {
      putKey(original, key, patchValue);
    }
  }
  return original;
}

/** `extractKey`: the field a `$prefix/<field>` directive names. */
function extractKey(key: string, prefix: string, badFormat: string): string {
  const slash = key.indexOf('/');
  if (slash < 0 || key.slice(0, slash) !== prefix) throw badRequest(badFormat);
  return key.slice(slash + 1);
}

/** `applyRetainKeysDirective`: keep only the listed keys of `original`; the patch may set no other. */
function applyRetainKeys(original: JsonObject, patch: JsonObject): void {
  if (!hasKey(patch, RETAIN_KEYS_DIRECTIVE)) return;
  const retain = patch[RETAIN_KEYS_DIRECTIVE];
  delete patch[RETAIN_KEYS_DIRECTIVE];
  if (!Array.isArray(retain)) throw badRequest(BAD_RETAIN_KEYS);
  const kept = new Set<Json>(retain);
  for (const key of Object.keys(patch)) {
    if (patch[key] === null || key.startsWith(DELETE_FROM_PRIMITIVE_LIST_PREFIX) || key.startsWith(SET_ELEMENT_ORDER_PREFIX)) continue;
    if (!kept.has(key)) throw badRequest(BAD_RETAIN_KEYS);
  }
  for (const key of Object.keys(original)) if (!kept.has(key)) delete original[key];
}

/**
 * `mergePatchIntoOriginal`: for each `$setElementOrder/<field>`, merges the
 * field's list now and orders it by the directive, then takes the field out
 * of the patch so the main loop leaves it alone.
 */
function mergeSetElementOrderLists(original: JsonObject, patch: JsonObject, schema: PatchSchema | undefined): void {
  for (const directiveKey of Object.keys(patch)) {
    if (!directiveKey.startsWith(SET_ELEMENT_ORDER_PREFIX)) continue;
    const order = patch[directiveKey];
    delete patch[directiveKey];
    if (!Array.isArray(order)) throw badArgType('[]interface {}', order);
    const key = extractKey(directiveKey, SET_ELEMENT_ORDER_PREFIX, BAD_SET_ELEMENT_ORDER);
    const foundOriginal = hasKey(original, key);
    const foundPatch = hasKey(patch, key);
    let originalList: Json[] = [];
    let patchList: Json[] = [];
    if (foundOriginal) {
      const value = original[key];
      if (!Array.isArray(value)) throw badArgType('[]interface {}', value);
      originalList = value;
    }
    if (foundPatch) {
      const value = patch[key];
      if (!Array.isArray(value)) throw badArgType('[]interface {}', value);
      patchList = value;
    }
    const field = lookupPatchField(schema, key);
    const mergeKey = field.mergeKey ?? '';
    validatePatchWithSetOrderList(patchList, order, mergeKey);

    let merged: Json[];
    if (foundOriginal && foundPatch) {
      merged = field.strategy === 'merge' ? mergeSlice(originalList, patchList, field.schema, mergeKey, false) : patchList;
    } else if (foundOriginal) {
      merged = originalList;
    } else if (foundPatch) {
      merged = patchList;
    } else {
      continue;
    }
    const kind = sliceElementType([originalList, patchList]);
    const [patchItems, serverOnly] = partitionByPresence(merged, order, mergeKey);
    putKey(original, key, normalizeElementOrder(patchItems, serverOnly, order, originalList, mergeKey, kind));
    delete patch[key];
  }
}

/**
 * `validatePatchWithSetOrderList`: the patch's items (deletions aside) must
 * appear in the `$setElementOrder` list, in the same relative order.
 */
function validatePatchWithSetOrderList(patchList: readonly Json[], order: readonly Json[], mergeKey: string): void {
  if (order.length === 0 || patchList.length === 0) return;
  const items = mergeKey === '' ? patchList : splitDeletions(patchList)[0];
  let patchIndex = 0;
  let orderIndex = 0;
  while (patchIndex < items.length && orderIndex < order.length) {
    const item = items[patchIndex]!;
    if (isJsonObject(item) && hasKey(item, DIRECTIVE_MARKER)) {
      patchIndex++;
      continue;
    }
    if (mergeKeyValueEqual(item, order[orderIndex]!, mergeKey)) patchIndex++;
    orderIndex++;
  }
  if (patchIndex < items.length && orderIndex >= order.length) {
    throw badRequest(`The order in patch list:\n${goFormat(patchList as Json)}\n doesn't match ${SET_ELEMENT_ORDER_PREFIX} list:\n${goFormat(order as Json)}\n`);
  }
}

function mergeKeyValueEqual(left: Json, right: Json, mergeKey: string): boolean {
  if (mergeKey === '') return left === right;
  if (!isJsonObject(left)) throw badArgType('map[string]interface {}', left);
  if (!isJsonObject(right)) throw badArgType('map[string]interface {}', right);
  if (!hasKey(left, mergeKey)) throw noMergeKey(left, mergeKey);
  if (!hasKey(right, mergeKey)) throw noMergeKey(right, mergeKey);
  return left[mergeKey] === right[mergeKey];
}

/** `extractToDeleteItems`: items to keep and items marked `$patch: delete`. */
function splitDeletions(list: readonly Json[]): [Json[], Json[]] {
  const keep: Json[] = [];
  const deletions: Json[] = [];
  for (const item of list) {
    if (!isJsonObject(item)) throw badArgType('map[string]interface {}', item);
    if (hasKey(item, DIRECTIVE_MARKER) && item[DIRECTIVE_MARKER] === 'delete') deletions.push(item);
    else keep.push(item);
  }
  return [keep, deletions];
}

/**
 * `sliceElementType`: the one JSON type of every item of the lists; lists of
 * lists and mixed lists are refused.
 */
function sliceElementType(lists: ReadonlyArray<readonly Json[]>): JsonType {
  let found: JsonType | undefined;
  for (const list of lists) {
    for (const item of list) {
      const type = jsonType(item);
      if (found === undefined) {
        if (type === 'array') throw listsOfLists();
        found = type;
      } else if (found !== type) {
        throw badRequest(`list element types are not identical: ${goFormat(lists as Json)}`);
      }
    }
  }
  if (found === undefined) throw badRequest('no elements in any of the given slices');
  return found;
}

/** `mergeSlice`: merges a list with `merge` strategy — by merge key for objects, as a set for scalars. */
function mergeSlice(original: Json[], patch: Json[], itemSchema: PatchSchema | undefined, mergeKey: string, isDeleteList: boolean): Json[] {
  if (original.length === 0 && patch.length === 0) return original;
  const kind = sliceElementType([original, patch]);
  let merged: Json[];
  if (kind !== 'object') {
    if (isDeleteList) {
      const doomed = new Set<Json>(patch);
      return original.filter((item) => !doomed.has(item));
    }
    // Go deduplicates in an order of its own, but the sort below fixes a
    // total order on distinct values, so first-occurrence order is as good.
    merged = [...new Set<Json>([...original, ...patch])];
  } else {
    if (mergeKey === '') throw badRequest('cannot merge lists without merge key for type map');
    [original, patch] = mergeSpecialElements(original, patch, mergeKey);
    merged = mergeByKey(original, patch, mergeKey, itemSchema);
  }
  const [patchItems, serverOnly] = partitionByPresence(merged, patch, mergeKey);
  return normalizeElementOrder(patchItems, serverOnly, patch, original, mergeKey, kind);
}

/**
 * `mergeSliceWithSpecialElements`: applies the items that carry `$patch`
 * (`delete` removes every live item of that key, `replace` makes the rest of
 * the patch the whole list). Returns the new original and the plain patch items.
 */
function mergeSpecialElements(original: Json[], patch: Json[], mergeKey: string): [Json[], Json[]] {
  const plain: Json[] = [];
  const doomed = new Set<Json>();
  let replace = false;
  for (const item of patch) {
    const map = item as JsonObject;
    if (!hasKey(map, DIRECTIVE_MARKER)) {
      plain.push(item);
      continue;
    }
    const directive = map[DIRECTIVE_MARKER];
    if (directive === 'delete') {
      if (!hasKey(map, mergeKey)) throw noMergeKey(map, mergeKey);
      doomed.add(map[mergeKey]!);
    } else if (directive === 'replace') {
      replace = true;
    } else if (directive === 'merge') {
      throw badRequest('merging lists cannot yet be specified in the patch');
    } else {
      throw badPatchType(directive, map);
    }
  }
  if (replace) return [plain, []];
  if (doomed.size > 0) {
    for (const item of original) if (!isJsonObject(item)) throw badRequest(`value for key ${original.indexOf(item)} is not a map.`);
    original = original.filter((item) => {
      const map = item as JsonObject;
      return !(hasKey(map, mergeKey) && doomed.has(map[mergeKey]!));
    });
  }
  return [original, plain];
}

/**
 * `mergeSliceWithoutSpecialElements`: each patch item merges into the first
 * live item of its key, or is appended.
 */
function mergeByKey(original: Json[], patch: readonly Json[], mergeKey: string, itemSchema: PatchSchema | undefined): Json[] {
  const result = [...original];
  const firstByKey = new Map<Json, number>();
  const indexItem = (item: Json, index: number): void => {
    if (!isJsonObject(item)) throw badRequest(`value for key ${index} is not a map.`);
    if (hasKey(item, mergeKey) && !firstByKey.has(item[mergeKey]!)) firstByKey.set(item[mergeKey]!, index);
  };
  if (patch.length > 0) result.forEach(indexItem);
  for (const item of patch) {
    const map = item as JsonObject;
    if (!hasKey(map, mergeKey)) throw noMergeKey(map, mergeKey);
    const at = firstByKey.get(map[mergeKey]!);
    if (at !== undefined) {
      result[at] = mergeMap(result[at] as JsonObject, map, itemSchema);
    } else {
      result.push(item);
      indexItem(item, result.length - 1);
    }
  }
  return result;
}

/** The value a list item is identified by: its merge key's value for objects, itself for scalars. */
function identity(item: Json, mergeKey: string, kind: JsonType): Json | undefined {
  if (kind !== 'object') return item;
  // Go reads a missing key and a null one alike (nil).
  return isJsonObject(item) && hasKey(item, mergeKey) ? (item[mergeKey] ?? undefined) : undefined;
}

/** Position of each identity in `list` (first occurrence), as Go's `index` looks it up. */
function positions(list: readonly Json[], mergeKey: string, kind: JsonType): Map<Json | undefined, number> {
  const map = new Map<Json | undefined, number>();
  list.forEach((item, index) => {
    const id = identity(item, mergeKey, kind);
    if (!map.has(id)) map.set(id, index);
  });
  return map;
}

/**
 * `partitionPrimitivesByPresentInList` / `partitionMapsByPresentInList`: the
 * items of `merged` that `by` names, and the others (server-only items).
 */
function partitionByPresence(merged: readonly Json[], by: readonly Json[], mergeKey: string): [Json[], Json[]] {
  const present: Json[] = [];
  const serverOnly: Json[] = [];
  if (mergeKey === '') {
    const names = new Set<Json>(by);
    for (const item of merged) (names.has(item) ? present : serverOnly).push(item);
    return [present, serverOnly];
  }
  const names = new Set<Json>();
  by.forEach((item, index) => {
    if (!isJsonObject(item)) throw badRequest(`value for key ${index} is not a map.`);
    if (hasKey(item, mergeKey)) names.add(item[mergeKey]!);
  });
  for (const item of merged) {
    if (!isJsonObject(item)) throw badArgType('map[string]interface {}', item);
    if (!hasKey(item, mergeKey)) throw noMergeKey(item, mergeKey);
    (names.has(item[mergeKey]!) ? present : serverOnly).push(item);
  }
  return [present, serverOnly];
}

/**
 * `normalizeElementOrder`: sorts the patch's items by `patchOrder` and the
 * server-only items by `serverOrder`, then interleaves them by the live order.
 */
function normalizeElementOrder(
  patchItems: Json[],
  serverOnly: Json[],
  patchOrder: readonly Json[],
  serverOrder: readonly Json[],
  mergeKey: string,
  kind: JsonType,
): Json[] {
  const sortedPatch = normalizeSliceOrder(patchItems, patchOrder, mergeKey, kind);
  const sortedServer = normalizeSliceOrder(serverOnly, serverOrder, mergeKey, kind);
  return mergeSortedSlice(sortedServer, sortedPatch, serverOrder, mergeKey, kind);
}

/**
 * `normalizeSliceOrder`: a stable sort of `toSort` by position in `order`,
 * deletion items last. Go's comparator says "less" whenever either item is
 * missing from `order`; with every item present (the normal case) that is a
 * plain stable sort by position, and otherwise Go's insertion sort is run as
 * is, so odd patches order as they do upstream.
 */
function normalizeSliceOrder(toSort: Json[], order: readonly Json[], mergeKey: string, kind: JsonType): Json[] {
  let deletions: Json[] = [];
  if (kind === 'object') {
    for (const list of [toSort, order]) {
      for (const item of list) {
        if (!isJsonObject(item)) throw badArgType('map[string]interface {}', item);
        if (!hasKey(item, mergeKey)) throw noMergeKey(item, mergeKey);
      }
    }
    [toSort, deletions] = splitDeletions(toSort);
  }
  const at = positions(order, mergeKey, kind);
  const position = (item: Json): number | undefined => at.get(identity(item, mergeKey, kind));
  const allPresent = toSort.every((item) => position(item) !== undefined);
  let sorted: Json[];
  if (allPresent) {
    sorted = toSort
      .map((item, index) => ({ item, index, key: position(item)! }))
      .sort((a, b) => a.key - b.key || a.index - b.index)
      .map((entry) => entry.item);
  } else {
    sorted = insertionSort(toSort, (a, b) => {
      const pa = position(a);
      const pb = position(b);
      return pa === undefined || pb === undefined ? true : pa < pb;
    });
  }
  return deletions.length === 0 ? sorted : [...sorted, ...deletions];
}

/** The insertion sort Go's `sort.SliceStable` runs on short slices, with a comparator that need not be consistent. */
function insertionSort(items: readonly Json[], less: (a: Json, b: Json) => boolean): Json[] {
  const out = [...items];
  // Quadratic: only reached by patches whose items are missing from their own order list.
  for (let i = 1; i < out.length; i++) {
    for (let j = i; j > 0 && less(out[j]!, out[j - 1]!); j--) {
      const swap = out[j]!;
      out[j] = out[j - 1]!;
      out[j - 1] = swap;
    }
  }
  return out;
}

/**
 * `mergeSortedSlice`: interleaves server-only items (`left`) into the patch's
 * items (`right`), taking a server item first only when both are in the live
 * list and it comes earlier there.
 */
function mergeSortedSlice(left: readonly Json[], right: readonly Json[], serverOrder: readonly Json[], mergeKey: string, kind: JsonType): Json[] {
  const at = positions(serverOrder, mergeKey, kind);
  const out: Json[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    if (i >= left.length) out.push(right[j++]!);
    else if (j >= right.length) out.push(left[i++]!);
    else {
      const li = at.get(identity(left[i]!, mergeKey, kind));
      const ri = at.get(identity(right[j]!, mergeKey, kind));
      if (li !== undefined && ri !== undefined && li < ri) out.push(left[i++]!);
      else out.push(right[j++]!);
    }
  }
  return out;
}
