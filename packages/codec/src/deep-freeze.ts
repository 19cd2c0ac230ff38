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
  const result = freezeTree(value);
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

// Whether everything frozen since the walk began is canonical. A module-level
// flag instead of a result object per value: the walk allocates nothing but
// the mappings it must rebuild (deepFreeze is on every store write).
let walkIsCanonical = true;

function freezeTree(value: unknown): { value: unknown; canonical: boolean } {
  walkIsCanonical = true;
  const frozen = freezeValue(value, 0);
  return { value: frozen, canonical: walkIsCanonical };
}

function freezeValue(value: unknown, depth: number): unknown {
  if (typeof value !== 'object') {
    // functions, symbols and bigints: JSON treats them specially; let the sorting path decide.
    if (typeof value === 'function' || typeof value === 'symbol' || typeof value === 'bigint') walkIsCanonical = false;
    return value;
  }
  if (value === null) return value;
  if (Object.isFrozen(value) && canonicalRoots.has(value)) return value;
  if (depth >= MAX_OBJECT_DEPTH) {
    throw new TypeError(`Expected \`object\` to be acyclic and at most ${MAX_OBJECT_DEPTH} levels deep, got deeper nesting (object)`);
  }
  if (Array.isArray(value)) return freezeArray(value, depth);
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) {
    // Dates, typed arrays, class instances: not JSON data. Freeze what can be frozen, never canonical.
    if (!ArrayBuffer.isView(value)) Object.freeze(value);
    walkIsCanonical = false;
    return value;
  }
  if (depth !== 1) return freezeRecord(value as Record<string, unknown>, depth);
  // Top-level fields are remembered when canonical: an update usually spreads the old
  // frozen object and replaces one of them, and the untouched ones are then free.
  // Deeper levels are not: one WeakSet entry per nested object costs more than the walk it saves.
  const outer = walkIsCanonical;
  walkIsCanonical = true;
  const frozen = freezeRecord(value as Record<string, unknown>, depth);
  if (walkIsCanonical) canonicalRoots.add(frozen);
  walkIsCanonical &&= outer;
  return frozen;
}

function freezeArray(array: unknown[], depth: number): readonly unknown[] {
  let copy: unknown[] | undefined;
  for (let i = 0; i < array.length; i++) {
    const item = array[i];
    const frozen = freezeValue(item, depth + 1);
    if (copy !== undefined) copy.push(frozen);
    else if (frozen !== item) {
      copy = array.slice(0, i);
      copy.push(frozen);
    }
  }
  return Object.freeze(copy ?? array);
}

function freezeRecord(record: Record<string, unknown>, depth: number): object {
  const keys = Object.keys(record);
  let sorted = true;
  for (let i = 1; i < keys.length; i++) {
    if (keys[i - 1]! > keys[i]!) {
      sorted = false;
      break;
    }
  }
  if (sorted) {
    // Freeze in place unless a value had to be rebuilt; then rebuild this mapping too.
    let rebuilt: Record<string, unknown> | undefined;
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!;
      const item = record[key];
      const frozen = freezeValue(item, depth + 1);
      if (rebuilt !== undefined) define(rebuilt, key, frozen);
      else if (frozen !== item) {
        rebuilt = {};
        for (let j = 0; j < i; j++) define(rebuilt, keys[j]!, record[keys[j]!]);
        define(rebuilt, key, frozen);
      }
    }
    return Object.freeze(rebuilt ?? record);
  }
  keys.sort();
  const rebuilt: Record<string, unknown> = {};
  let integerLike = false;
  for (const key of keys) {
    const first = key.charCodeAt(0);
    if (first >= 0x30 && first <= 0x39) integerLike = true;
    define(rebuilt, key, freezeValue(record[key], depth + 1));
  }
  if (integerLike) {
    // JavaScript lists integer-like keys first, whatever the insertion order: such a mapping
    // cannot be in sorted order, and JSON.stringify of it would not be either.
    const actual = Object.keys(rebuilt);
    for (let i = 1; i < actual.length; i++) {
      if (actual[i - 1]! > actual[i]!) {
        walkIsCanonical = false;
        break;
      }
    }
  }
  return Object.freeze(rebuilt);
}

function define(target: Record<string, unknown>, key: string, value: unknown): void {
  // A plain assignment to "__proto__" would set the prototype instead of a data property.
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}
