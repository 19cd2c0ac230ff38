/**
 * sorted-btree is CommonJS with `exports.default = BTree`. Node's ESM loader
 * makes the default import the whole `module.exports`; bundlers and vitest
 * unwrap it to the class. Accept both (the storage package does the same).
 */
import sortedBtree from 'sorted-btree';

type BTreeClass = typeof sortedBtree.default;
const loaded = sortedBtree as unknown as BTreeClass | { readonly default: BTreeClass };

/** The B+ tree class of sorted-btree. */
export const BTree: BTreeClass = typeof loaded === 'function' ? loaded : loaded.default;
/** A B+ tree instance. */
export type BTree<K, V> = InstanceType<typeof sortedBtree.default<K, V>>;

/** Byte order for printable-ASCII keys (storage keys are restricted to it, see storage-key.ts). */
export function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** An empty key-ordered tree. */
export function newKeyTree<V>(): BTree<string, V> {
  return new BTree<string, V>(undefined, compareKeys);
}

/**
 * sorted-btree's node layout (2.1.0, pinned): a leaf holds `keys` and
 * `values`; an internal node holds `children` and, in `keys[i]`, the largest
 * key under `children[i]`.
 */
interface NodeView<V> {
  readonly keys: readonly string[];
  readonly values: readonly V[];
  readonly children?: readonly NodeView<V>[];
}

function rootOf<V>(tree: BTree<string, V>): NodeView<V> | undefined {
  const root = (tree as unknown as { readonly _root?: NodeView<V> })._root;
  return root !== undefined && Array.isArray(root.keys) && Array.isArray(root.values) ? root : undefined;
}

/** The first index whose key is ≥ `key` (`keys.length` when none is). */
function lowerBound(keys: readonly string[], key: string): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keys[mid]! < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Calls `visit` with each value whose key is in [`fromKey`, `toKey`), in
 * ascending key order, until it returns `false`.
 *
 * Why not `tree.entries()`: its iterator allocates a result object per entry
 * — 100 k short-lived objects per LIST of 100 k, and the young-generation
 * collections they cause made a paginated walk's time swing by 1.5× from run
 * to run (benchmarks cache/paginate). This walks the leaves' arrays directly,
 * allocating only the path (one slot per level), and reads one key per leaf
 * for the range's end: all of a leaf is in range when its last key is. (Not
 * `forRange` either: it allocates nothing but binary-searches the end in
 * every leaf through the comparator, slower than the iterator.) Falls back to
 * the iterator if the tree's layout is not the one above.
 */
export function forEachInRange<V>(tree: BTree<string, V>, fromKey: string, toKey: string, visit: (value: V) => boolean): void {
  if (!(fromKey < toKey)) return;
  const root = rootOf(tree);
  if (root === undefined) {
    const pair: (string | V)[] = [];
    for (const found of tree.entries(fromKey, pair)) if (!((found[0] as string) < toKey) || !visit(found[1] as V)) return;
    return;
  }
  const path: NodeView<V>[] = [];
  const at: number[] = [];
  let node = root;
  while (node.children !== undefined) {
    const i = lowerBound(node.keys, fromKey);
    if (i === node.keys.length) return;
    path.push(node);
    at.push(i);
    node = node.children[i]!;
  }
  let i = lowerBound(node.keys, fromKey);
  for (;;) {
    const keys = node.keys;
    const values = node.values;
    let end = keys.length;
    const inRange = end === 0 || keys[end - 1]! < toKey;
    if (!inRange) end = lowerBound(keys, toKey);
    for (; i < end; i++) if (!visit(values[i]!)) return;
    if (!inRange) return;
    // Climb to the nearest ancestor with a next child, then down its leftmost path.
    let depth = path.length - 1;
    while (depth >= 0 && at[depth]! + 1 >= path[depth]!.children!.length) depth--;
    if (depth < 0) return;
    at[depth]!++;
    node = path[depth]!.children![at[depth]!]!;
    for (let d = depth + 1; node.children !== undefined; d++) {
      path[d] = node;
      at[d] = 0;
      node = node.children[0]!;
    }
    i = 0;
  }
}
