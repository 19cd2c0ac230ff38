/**
 * Indexes over the current object versions: per index, per value, the keys
 * of the objects carrying that value, each bucket kept in key order (a
 * B+ tree set) so that a list by index comes out in key order without
 * sorting.
 *
 * ```
 *   index "label:app"   "web" → {/pods/a/w1, /pods/b/w2, …}   (ordered)
 *                       "db"  → {/pods/a/d1}
 *   index "namespace"   "a"   → {/pods/a/d1, /pods/a/w1}
 * ```
 */
import type { KubeObject, ObjectShape } from '@apiserver-kit/codec';
import { type BTree, newKeyTree } from './internal/btree.js';
import { received } from '@apiserver-kit/core';
import type { StoreEntry } from './ordered-store.js';

/**
 * A named index function. `valuesOf` returns the values an object version is
 * filed under (none: `undefined` or `[]`). `label` / `field` say which
 * selector term the index answers, so that the list planner can use it.
 * `T` types the entry's object (`IndexDefinition<Pod>`, see {@link customIndex}).
 */
export interface IndexDefinition<T extends ObjectShape = KubeObject> {
  /** The index name, unique within an {@link Indexer}. */
  readonly name: string;
  /** The values of one version; called once per version written, must be pure and cheap. */
  readonly valuesOf: (entry: StoreEntry<T>) => string | readonly string[] | undefined;
  /** The label key whose value this index holds (for the planner). */
  readonly label?: string | undefined;
  /** The selectable field whose value this index holds (for the planner). */
  readonly field?: string | undefined;
}

/**
 * The index of `metadata.namespace` (`""` for cluster-scoped objects), answering field selectors on it.
 * It reads only metadata: an `IndexDefinition<ObjectShape>` fits a cache of any object type.
 */
export function namespaceIndex(): IndexDefinition<ObjectShape> {
  return Object.freeze({
    name: 'namespace',
    field: 'metadata.namespace',
    valuesOf: (entry: StoreEntry<ObjectShape>): string => {
      // A malformed object (a namespace that is not a string) is filed as cluster-scoped, never throws.
      const meta: unknown = entry.object.getObject().metadata;
      const namespace = typeof meta === 'object' && meta !== null ? (meta as { namespace?: unknown }).namespace : undefined;
      return typeof namespace === 'string' ? namespace : '';
    },
  });
}

/** The index of label `key`: objects without the label are not filed. Answers `key=v` and `key in (…)`. Fits a cache of any object type. */
export function labelIndex(key: string): IndexDefinition<ObjectShape> {
  if (typeof key !== 'string' || key === '') throw new TypeError(`Expected \`key\` to be a non-empty string, got ${received(key)}`);
  return Object.freeze({
    name: `label:${key}`,
    label: key,
    valuesOf: (entry: StoreEntry<ObjectShape>): string | undefined => {
      const value = entry.labels?.[key];
      return typeof value === 'string' ? value : undefined;
    },
  });
}

/** The index of selectable field `field` (e.g. `spec.nodeName`), read from the precomputed field set. Fits a cache of any object type. */
export function fieldIndex(field: string): IndexDefinition<ObjectShape> {
  if (typeof field !== 'string' || field === '') throw new TypeError(`Expected \`field\` to be a non-empty string, got ${received(field)}`);
  return Object.freeze({
    name: `field:${field}`,
    field,
    valuesOf: (entry: StoreEntry<ObjectShape>): string => {
      const value: unknown = entry.fields?.[field];
      return typeof value === 'string' ? value : '';
    },
  });
}

/**
 * A custom index; the planner never picks it (no selector term names it), use
 * {@link Indexer.keys} or `WatchCache.byIndex`. Give `T` to read a typed
 * object: `customIndex<Pod>('node', (e) => e.object.getObject().spec?.nodeName)`.
 */
export function customIndex<T extends ObjectShape = KubeObject>(name: string, valuesOf: (entry: StoreEntry<T>) => string | readonly string[] | undefined): IndexDefinition<T> {
  if (typeof name !== 'string' || name === '') throw new TypeError(`Expected \`name\` to be a non-empty string, got ${received(name)}`);
  if (typeof valuesOf !== 'function') throw new TypeError(`Expected \`valuesOf\` to be a function, got ${received(valuesOf)}`);
  return Object.freeze({ name, valuesOf });
}

interface Index {
  readonly definition: IndexDefinition;
  readonly buckets: Map<string, BTree<string, undefined>>;
}

const EMPTY: readonly string[] = Object.freeze([]);

/**
 * The set of indexes of one cache, kept in step with the store by
 * {@link Indexer.update}.
 *
 * Costs: an update is O(v · log b) for v values per version (usually one) in
 * buckets of size b, plus one `valuesOf` call per index for each of the old
 * and new version; memory is one tree entry per (object, value).
 * Indexes serve the current state only: lists at past revisions scan.
 */
export class Indexer {
  readonly #indexes = new Map<string, Index>();

  /** @throws TypeError on duplicate or malformed definitions. */
  constructor(definitions: Iterable<IndexDefinition> = []) {
    for (const definition of definitions) {
      if (typeof definition !== 'object' || definition === null || typeof definition.valuesOf !== 'function') {
        throw new TypeError(`Expected \`definitions\` to hold index definitions, got ${received(definition)}`);
      }
      if (this.#indexes.has(definition.name)) {
        throw new TypeError(`Expected index names to be unique, got \`${definition.name}\` twice`);
      }
      this.#indexes.set(definition.name, { definition, buckets: new Map() });
    }
  }

  /** The index definitions, in registration order. */
  get definitions(): readonly IndexDefinition[] {
    return [...this.#indexes.values()].map((index) => index.definition);
  }

  /** Whether an index named `name` exists. */
  has(name: string): boolean {
    return this.#indexes.has(name);
  }

  /** Files `next` and unfiles `previous` (same key; either may be absent). */
  update(previous: StoreEntry | undefined, next: StoreEntry | undefined): void {
    for (const index of this.#indexes.values()) {
      const before = previous === undefined ? EMPTY : normalise(index.definition.valuesOf(previous));
      const after = next === undefined ? EMPTY : normalise(index.definition.valuesOf(next));
      // The common update leaves the indexed value alone: touch nothing then.
      if (before.length === 1 && after.length === 1 && before[0] === after[0]) continue;
      for (const value of before) {
        if (after.includes(value)) continue;
        const bucket = index.buckets.get(value);
        if (bucket === undefined) continue;
        bucket.delete(previous!.key);
        if (bucket.size === 0) index.buckets.delete(value);
      }
      for (const value of after) {
        if (before.includes(value)) continue;
        let bucket = index.buckets.get(value);
        if (bucket === undefined) {
          bucket = newKeyTree<undefined>();
          index.buckets.set(value, bucket);
        }
        bucket.set(next!.key, undefined);
      }
    }
  }

  /** Empties every index and files `entries` (a relist). O(n · indexes · log n). */
  rebuild(entries: Iterable<StoreEntry>): void {
    for (const index of this.#indexes.values()) index.buckets.clear();
    for (const entry of entries) this.update(undefined, entry);
  }

  /**
   * The keys filed under `value` in index `name`, ascending, from `fromKey`
   * (inclusive). Lazy; do not write to the cache while iterating.
   *
   * @throws RangeError for an unknown index.
   */
  keys(name: string, value: string, fromKey?: string): IterableIterator<string> {
    const bucket = this.#index(name).buckets.get(value);
    return bucket === undefined ? EMPTY[Symbol.iterator]() : bucket.keys(fromKey);
  }

  /** How many keys are filed under `value` in index `name`. O(1). @throws RangeError for an unknown index. */
  count(name: string, value: string): number {
    return this.#index(name).buckets.get(value)?.size ?? 0;
  }

  /** The distinct values of index `name` (unordered). @throws RangeError for an unknown index. */
  values(name: string): IterableIterator<string> {
    return this.#index(name).buckets.keys();
  }

  /**
   * The keys filed under any of `values` in index `name`, ascending and
   * without duplicates: a k-way merge of the ordered buckets, O(k) per key
   * (k is small: an `in` set). Lazy.
   */
  mergedKeys(name: string, values: readonly string[], fromKey?: string): IterableIterator<string> {
    if (values.length === 1) return this.keys(name, values[0]!, fromKey);
    return merge(values.map((value) => this.keys(name, value, fromKey)));
  }

  #index(name: string): Index {
    const index = this.#indexes.get(name);
    if (index === undefined) throw new RangeError(`Expected \`name\` to be a registered index, got ${received(name)}`);
    return index;
  }
}

/** The values as a list; anything but a string or an array of strings (a custom index's mistake) files nothing. */
function normalise(values: string | readonly string[] | undefined): readonly string[] {
  if (typeof values === 'string') return [values];
  if (!Array.isArray(values)) return EMPTY;
  return values.every((value) => typeof value === 'string') ? values : values.filter((value) => typeof value === 'string');
}

function* merge(iterators: IterableIterator<string>[]): IterableIterator<string> {
  const heads: (string | undefined)[] = iterators.map((iterator) => {
    const first = iterator.next();
    return first.done === true ? undefined : first.value;
  });
  let last: string | undefined;
  for (;;) {
    let best = -1;
    for (let i = 0; i < heads.length; i++) {
      const head = heads[i];
      if (head !== undefined && (best === -1 || head < heads[best]!)) best = i;
    }
    if (best === -1) return;
    const key = heads[best]!;
    const next = iterators[best]!.next();
    heads[best] = next.done === true ? undefined : next.value;
    // A custom index may file one object under several of the values.
    if (key !== last) yield key;
    last = key;
  }
}
