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
