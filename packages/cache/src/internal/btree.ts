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
export interface NodeView<V> {
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

const NO_VALUES: readonly never[] = Object.freeze([]);

/**
 * The values with keys in [`fromKey`, `toKey`), in ascending key order, a leaf
 * at a time: after each `next()` that returns `true`, read
 * `values[start]` … `values[end - 1]`.
 *
 * ```
 * const cursor = new RangeCursor(tree, from, to);
 * while (cursor.next()) for (let i = cursor.start; i < cursor.end; i++) use(cursor.values[i]);
 * ```
 *
 * Why not `tree.entries()`: its iterator allocates a result object per entry
 * — 100 k short-lived objects per LIST of 100 k, whose young-generation
 * collections made a paginated walk's time swing by 1.5× from run to run
 * (benchmarks cache/paginate). Why not a callback per entry: the caller's
 * closure is new on every list, so the optimised walk keeps deoptimising
 * ("wrong feedback cell") and its per-entry call is never inlined; the walk
 * then cost 1.0–2.5× one list from run to run. With a cursor the loop over
 * a leaf is the caller's own code. (`forRange` allocates nothing but
 * binary-searches the end in every leaf through the comparator: slower than
 * the iterator.)
 *
 * It allocates the cursor and the path (one slot per level) and reads one
 * key per leaf for the range's end (a leaf whose last key is in range is in
 * range). If the tree's layout is not sorted-btree 2.1.0's (pinned), it
 * falls back to the iterator, collecting the range as one chunk.
 */
export class RangeCursor<V> {
  /** The current leaf's values (read from `start` to `end`). */
  values: readonly V[] = NO_VALUES;
  /** The first index of `values` in the range. */
  start = 0;
  /** One past the last index of `values` in the range. */
  end = 0;
  readonly #toKey: string;
  #path: NodeView<V>[] = [];
  #at: number[] = [];
  /** The leaf `next()` emits first, then the current one; undefined when the range is empty or done. */
  #leaf: NodeView<V> | undefined;
  /** Where the first emitted leaf starts; -1 for the fallback's single chunk. */
  #from = 0;
  #started = false;
  #last = false;
  /** Whether {@link suspend} handed out `#path` and `#at`: copied before the next change. */
  #shared = false;

  constructor(tree: BTree<string, V> | undefined, fromKey: string, toKey: string) {
    this.#toKey = toKey;
    if (tree === undefined || !(fromKey < toKey)) return;
    const root = rootOf(tree);
    if (root === undefined) {
      const all: V[] = [];
      const pair: (string | V)[] = [];
      for (const found of tree.entries(fromKey, pair)) {
        if (!((found[0] as string) < toKey)) break;
        all.push(found[1] as V);
      }
      this.#leaf = { keys: NO_VALUES, values: all };
      this.#from = -1;
      return;
    }
    let node = root;
    while (node.children !== undefined) {
      const i = lowerBound(node.keys, fromKey);
      if (i === node.keys.length) return;
      this.#path.push(node);
      this.#at.push(i);
      node = node.children[i]!;
    }
    this.#leaf = node;
    this.#from = lowerBound(node.keys, fromKey);
  }

  /**
   * A cursor that continues where {@link suspend} left another (the same
   * tree, unchanged since: the caller checks), without searching the tree.
   */
  static resume<V>(position: CursorPosition<V>, toKey: string): RangeCursor<V> {
    const cursor = new RangeCursor<V>(undefined, '', toKey);
    // Shared with the position (another resume may start from it) until this cursor moves to another leaf.
    cursor.#path = position.path as NodeView<V>[];
    cursor.#at = position.at as number[];
    cursor.#shared = true;
    cursor.#leaf = position.leaf;
    cursor.#from = position.index;
    return cursor;
  }

  /** Where `values[index]` of the current chunk is, for {@link resume}; `undefined` in the fallback mode. */
  suspend(index: number): CursorPosition<V> | undefined {
    const leaf = this.#leaf;
    if (leaf === undefined || this.#from < 0) return undefined;
    // Handed out as they are (a page stops reading here); copied if this cursor moves on.
    this.#shared = true;
    return { path: this.#path, at: this.#at, leaf, index };
  }

  /** Moves to the next leaf of the range; `false` when the range is done. */
  next(): boolean {
    if (this.#last) return false;
    let leaf = this.#leaf;
    if (leaf === undefined) return false;
    if (this.#started) {
      leaf = this.#nextLeaf();
      this.#leaf = leaf;
      if (leaf === undefined) return false;
      this.start = 0;
    } else {
      this.#started = true;
      if (this.#from < 0) {
        // The fallback's one chunk.
        this.values = leaf.values;
        this.start = 0;
        this.end = leaf.values.length;
        this.#last = true;
        return true;
      }
      this.start = this.#from;
    }
    this.values = leaf.values;
    const keys = leaf.keys;
    if (keys.length > 0 && !(keys[keys.length - 1]! < this.#toKey)) {
      this.end = lowerBound(keys, this.#toKey);
      this.#last = true;
    } else {
      this.end = keys.length;
    }
    return true;
  }

  /** The leaf after the current one: up to the nearest ancestor with a next child, then down its leftmost path. */
  #nextLeaf(): NodeView<V> | undefined {
    if (this.#shared) {
      this.#path = this.#path.slice();
      this.#at = this.#at.slice();
      this.#shared = false;
    }
    const path = this.#path;
    const at = this.#at;
    let depth = path.length - 1;
    while (depth >= 0 && at[depth]! + 1 >= path[depth]!.children!.length) depth--;
    if (depth < 0) return undefined;
    at[depth]!++;
    let node = path[depth]!.children![at[depth]!]!;
    for (let d = depth + 1; node.children !== undefined; d++) {
      path[d] = node;
      at[d] = 0;
      node = node.children[0]!;
    }
    return node;
  }
}

/** A place in a tree, from {@link RangeCursor.suspend}: valid while that tree is unchanged. */
export interface CursorPosition<V> {
  readonly path: readonly NodeView<V>[];
  readonly at: readonly number[];
  readonly leaf: NodeView<V>;
  readonly index: number;
}
