/**
 * The list planner: picks an index when the selector pins an indexed label or
 * field to one value or a small `in` set, a key-range scan otherwise. Either
 * way candidates come out in key order (the store and every index bucket are
 * ordered; an `in` set merges its buckets), and every candidate is re-checked
 * against the whole predicate by the caller.
 */
import type { Indexer } from './indexer.js';
import type { OrderedStore, StoreEntry } from './ordered-store.js';
import type { SelectionPredicate } from './selection-predicate.js';

/** How a list reads its candidates. */
export type ListPlan =
  | { readonly kind: 'scan' }
  | {
      readonly kind: 'index';
      /** The index name. */
      readonly index: string;
      /** The pinned values (sorted), whose buckets are merged. */
      readonly values: readonly string[];
      /** How many keys the buckets hold in all: an upper bound of the candidates. */
      readonly estimate: number;
    };

/** The scan plan (shared). */
export const SCAN: ListPlan = Object.freeze({ kind: 'scan' });

/**
 * An `in` set larger than this is not worth merging: beyond it the k-way
 * merge's O(k) per key approaches the cost of a scan's predicate check.
 */
export const MAX_PINNED_VALUES = 16;

/**
 * What one index candidate costs, in scanned entries: an index yields keys,
 * each looked up in the store's B-tree (about 1 µs per object returned),
 * while a scan walks leaves and checks the predicate (about 0.1 µs per
 * entry). A selector matching a sixth of 100 000 pods was 2× slower through
 * its label index than by a scan (benchmarks informer/sync, `app=`); one
 * matching 1 % is 8× faster through the node index.
 */
export const INDEX_CANDIDATE_COST = 8;

/**
 * Chooses the cheapest plan for `predicate`: among the indexes whose label or
 * field the predicate pins (`pinnedValues`), the one with the fewest keys in
 * the pinned buckets, if those cost less than scanning the store (see
 * {@link INDEX_CANDIDATE_COST}); else a scan.
 * O(indexes · pinned values); allocates only the plan.
 */
export function planList(predicate: SelectionPredicate, indexer: Indexer, storeSize: number): ListPlan {
  if (predicate.isEverything) return SCAN;
  let best: ListPlan = SCAN;
  let bestEstimate = storeSize / INDEX_CANDIDATE_COST;
  for (const definition of indexer.definitions) {
    let values: readonly string[] | undefined;
    if (definition.label !== undefined) values = predicate.label.pinnedValues(definition.label);
    if (values === undefined && definition.field !== undefined) values = predicate.field.pinnedValues(definition.field);
    if (values === undefined || values.length > MAX_PINNED_VALUES) continue;
    let estimate = 0;
    for (const value of values) estimate += indexer.count(definition.name, value);
    if (estimate < bestEstimate || (best.kind === 'scan' && estimate <= bestEstimate)) {
      best = { kind: 'index', index: definition.name, values, estimate };
      bestEstimate = estimate;
    }
  }
  return best;
}

/**
 * The candidate entries of `plan` under `prefix`, ascending by key, from
 * `fromKey` (inclusive) on. Lazy: read it synchronously, without writing to
 * the cache in between (JavaScript guarantees one consistent version then).
 * The caller still applies the predicate.
 */
export function candidates(plan: ListPlan, store: OrderedStore, indexer: Indexer, prefix: string, fromKey?: string): IterableIterator<StoreEntry> {
  const start = fromKey !== undefined && fromKey > prefix ? fromKey : prefix;
  // A scan is the store's own range iterator, not wrapped in another generator (see OrderedStore.range).
  return plan.kind === 'scan' ? store.range(start, prefixEnd(prefix)) : indexed(plan, store, indexer, prefix, start);
}

function* indexed(plan: ListPlan & { readonly kind: 'index' }, store: OrderedStore, indexer: Indexer, prefix: string, start: string): IterableIterator<StoreEntry> {
  for (const key of indexer.mergedKeys(plan.index, plan.values, start)) {
    // Keys under a prefix form one contiguous range of the order.
    if (!key.startsWith(prefix)) return;
    const entry = store.get(key);
    if (entry !== undefined) yield entry;
  }
}

/** The least string above every string that starts with `prefix` (non-empty): its last character, plus one. */
export function prefixEnd(prefix: string): string {
  return prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
}
