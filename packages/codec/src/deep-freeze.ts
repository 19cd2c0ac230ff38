/**
 * Deep-freezing of stored objects, in canonical key order.
 *
 * Objects the library froze itself have every mapping's keys in ascending
 * (UTF-16 code unit) order, so native `JSON.stringify` yields exactly the bytes
 * of a key-sorting stringifier, at native speed. A mapping whose keys JavaScript
 * would reorder (integer-like keys such as `"10"` go first) cannot be put in
 * that order; such an object is frozen all the same but is not canonical, and
 * the JSON encoder takes its slower sorting path for it.
 */

const canonicalRoots = new WeakSet<object>();

/** How deep {@link deepFreeze} descends before it refuses (guards against cycles). */
export const MAX_OBJECT_DEPTH = 1000;

/**
 * Returns `value` deep-frozen with its mappings' keys in sorted order. Values
 * that are already frozen and sorted are frozen in place and returned as they
 * are; any other mapping is rebuilt once (a copy at write time buys copy-free
 * sharing on every read). Costs one walk of the object; free for a value it
 * returned before.
 *
 * @throws TypeError for a cycle or nesting deeper than {@link MAX_OBJECT_DEPTH}.
 */
export function deepFreeze<T>(value: T): T {
  if (typeof value !== 'object' || value === null) return value;
  if (canonicalRoots.has(value)) return value;
  const result = freezeValue(value, 0);
  if (result.canonical) canonicalRoots.add(result.value as object);
  return result.value as T;
}

/**
 * Whether `value` was returned by {@link deepFreeze} in canonical form, so that
 * `JSON.stringify(value)` equals a key-sorted stringification of it.
 */
export function isCanonicalFrozen(value: object): boolean {
  return canonicalRoots.has(value);
}

interface Frozen {
  readonly value: unknown;
  readonly canonical: boolean;
}

function freezeValue(value: unknown, depth: number): Frozen {
  switch (typeof value) {
    case 'string':
    case 'boolean':
    case 'undefined':
      return { value, canonical: true };
    case 'number':
      return { value, canonical: true };
    case 'object':
      break;
    default:
      // functions, symbols and bigints: JSON treats them specially; let the sorting path decide.
      return { value, canonical: false };
  }
  if (value === null) return { value, canonical: true };
  if (canonicalRoots.has(value)) return { value, canonical: true };
  if (depth >= MAX_OBJECT_DEPTH) {
    throw new TypeError(`Expected \`object\` to be acyclic and at most ${MAX_OBJECT_DEPTH} levels deep, got deeper nesting (object)`);
  }
  if (Array.isArray(value)) return freezeArray(value, depth);
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) {
    // Dates, typed arrays, class instances: not JSON data. Freeze what can be frozen, never canonical.
    if (!ArrayBuffer.isView(value)) Object.freeze(value);
    return { value, canonical: false };
  }
  return freezeRecord(value as Record<string, unknown>, depth);
}

function freezeArray(array: unknown[], depth: number): Frozen {
  let canonical = true;
  let copy: unknown[] | undefined;
  for (let i = 0; i < array.length; i++) {
    const item = array[i];
    const frozen = freezeValue(item, depth + 1);
    canonical &&= frozen.canonical;
    if (frozen.value !== item && copy === undefined) copy = array.slice(0, i);
    if (copy !== undefined) copy.push(frozen.value);
  }
  const result = copy ?? array;
  Object.freeze(result);
  return { value: result, canonical };
}

function freezeRecord(record: Record<string, unknown>, depth: number): Frozen {
  const keys = Object.keys(record);
  let canonical = true;
  let sorted = true;
  let changed = false;
  const values = new Array<unknown>(keys.length);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    if (i > 0 && keys[i - 1]! > key) sorted = false;
    const item = record[key];
    const frozen = freezeValue(item, depth + 1);
    canonical &&= frozen.canonical;
    if (frozen.value !== item) changed = true;
    values[i] = frozen.value;
  }
  if (sorted && !changed) return remember({ value: Object.freeze(record), canonical }, depth);
  const order = keys.map((_, i) => i);
  if (!sorted) order.sort((a, b) => (keys[a]! < keys[b]! ? -1 : keys[a]! > keys[b]! ? 1 : 0));
  // fromEntries defines own properties, so a "__proto__" key stays data, never a prototype.
  const rebuilt: Record<string, unknown> = Object.fromEntries(order.map((i) => [keys[i]!, values[i]]));
  if (!sorted) {
    // JavaScript lists integer-like keys first, whatever the insertion order.
    const actual = Object.keys(rebuilt);
    for (let i = 1; i < actual.length; i++) {
      if (actual[i - 1]! > actual[i]!) {
        canonical = false;
        break;
      }
    }
  }
  return remember({ value: Object.freeze(rebuilt), canonical }, depth);
}

/**
 * Records canonical top-level fields (`metadata`, `spec`, `status`) too: an
 * update usually spreads the old frozen object and replaces one of them, and
 * the untouched ones are then free to freeze again. Deeper levels are not
 * recorded: one WeakSet entry per nested object would cost more memory than
 * the walk it saves.
 */
function remember(result: Frozen, depth: number): Frozen {
  if (depth === 1 && result.canonical) canonicalRoots.add(result.value as object);
  return result;
}
