/**
 * Measures a loaded YAML document as if its aliases were expanded, without
 * expanding it. js-yaml resolves an alias to the very node its anchor names,
 * so the document is a graph of shared nodes: each distinct node is measured
 * once and remembered, which makes the cost linear in the document as parsed
 * (never in its expansion), and a node met again while it is still being
 * measured is a cycle.
 */

/** A node whose measurement is under way: meeting it again means a cycle. */
const MEASURING = Symbol('measuring');

interface Measured {
  /** Approximate size of the node's JSON text, aliases expanded, in UTF-16 code units. */
  readonly bytes: number;
  /** Levels of mappings and sequences, itself included; 0 for a scalar. */
  readonly height: number;
}

class Refusal {
  constructor(readonly message: string) {}
}

/**
 * Why `root` must be refused, or `undefined` when its expansion fits.
 * `maxBytes` bounds the approximate JSON size, `maxDepth` the nesting of
 * mappings and sequences (the top-level mapping is level 1).
 */
export function measureExpansion(root: unknown, maxBytes: number, maxDepth: number): string | undefined {
  const memo = new Map<object, Measured | typeof MEASURING>();
  let total = 0;
  // Every node's size is added once per path that reaches it: the running total
  // is the root's expanded size once the walk ends, and can stop the walk early.
  const add = (bytes: number): void => {
    total += bytes;
    if (total > maxBytes) throw new Refusal(`aliases expand the document beyond ${maxBytes} bytes (excessive aliasing)`);
  };
  const visit = (node: unknown, level: number): Measured => {
    if (typeof node !== 'object' || node === null) {
      const bytes = typeof node === 'string' ? node.length + 2 : String(node).length;
      add(bytes);
      return { bytes, height: 0 };
    }
    const known = memo.get(node);
    if (known === MEASURING) throw new Refusal('an alias refers to a node that contains it (a cycle)');
    if (known !== undefined) {
      if (level + known.height > maxDepth) throw new Refusal(`aliases nest the document deeper than ${maxDepth} levels`);
      add(known.bytes);
      return known;
    }
    // The recursion is at most maxDepth frames deep: deeper nodes are refused before they are entered.
    if (level + 1 > maxDepth) throw new Refusal(`aliases nest the document deeper than ${maxDepth} levels`);
    memo.set(node, MEASURING);
    let bytes = 2;
    let height = 1;
    add(2);
    if (Array.isArray(node)) {
      for (const child of node as unknown[]) {
        const measured = visit(child, level + 1);
        bytes += measured.bytes + 1;
        add(1);
        height = Math.max(height, measured.height + 1);
      }
    } else {
      for (const [key, child] of Object.entries(node)) {
        const measured = visit(child, level + 1);
        bytes += key.length + 4 + measured.bytes;
        add(key.length + 4);
        height = Math.max(height, measured.height + 1);
      }
    }
    const result = { bytes, height };
    memo.set(node, result);
    return result;
  };
  try {
    visit(root, 0);
    return undefined;
  } catch (error) {
    if (error instanceof Refusal) return error.message;
    throw error;
  }
}
