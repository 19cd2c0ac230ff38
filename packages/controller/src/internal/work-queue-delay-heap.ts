/**
 * The keys waiting for their delay (client-go's `waitForPriorityQueue` with
 * its `knownEntries`): a binary min-heap ordered by ready time, ties in the
 * order the keys started waiting, and a map from key to entry so that a key
 * already waiting is found in O(1) and moved earlier in O(log n).
 */
interface Entry<K> {
  readonly key: K;
  readyAt: number;
  readonly seq: number;
  index: number;
}

export class DelayHeap<K> {
  readonly #heap: Entry<K>[] = [];
  readonly #byKey = new Map<K, Entry<K>>();
  #seq = 0;

  get size(): number {
    return this.#heap.length;
  }

  /** The earliest ready time, or `undefined` when nothing waits. */
  peekReadyAt(): number | undefined {
    return this.#heap[0]?.readyAt;
  }

  /**
   * Makes `key` wait until `readyAt`; a key already waiting keeps the earlier
   * of its two times. Returns whether the earliest ready time of the heap changed.
   */
  schedule(key: K, readyAt: number): boolean {
    const beforeAt = this.#heap[0]?.readyAt;
    const known = this.#byKey.get(key);
    if (known !== undefined) {
      if (readyAt >= known.readyAt) return false;
      known.readyAt = readyAt;
      this.#up(known.index);
    } else {
      const entry: Entry<K> = { key, readyAt, seq: this.#seq++, index: this.#heap.length };
      this.#byKey.set(key, entry);
      this.#heap.push(entry);
      this.#up(entry.index);
    }
    return this.#heap[0]!.readyAt !== beforeAt;
  }

  /** Removes and returns the earliest key if it is ready at `now`. */
  popReady(now: number): K | undefined {
    const first = this.#heap[0];
    if (first === undefined || first.readyAt > now) return undefined;
    this.#byKey.delete(first.key);
    const last = this.#heap.pop()!;
    if (last !== first) {
      this.#heap[0] = last;
      last.index = 0;
      this.#down(0);
    }
    return first.key;
  }

  clear(): void {
    this.#heap.length = 0;
    this.#byKey.clear();
  }

  #before(a: Entry<K>, b: Entry<K>): boolean {
    return a.readyAt < b.readyAt || (a.readyAt === b.readyAt && a.seq < b.seq);
  }

  #up(i: number): void {
    const heap = this.#heap;
    const entry = heap[i]!;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = heap[parent]!;
      if (!this.#before(entry, p)) break;
      heap[i] = p;
      p.index = i;
      i = parent;
    }
    heap[i] = entry;
    entry.index = i;
  }

  #down(i: number): void {
    const heap = this.#heap;
    const n = heap.length;
    const entry = heap[i]!;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && this.#before(heap[r]!, heap[l]!) ? r : l;
      const child = heap[c]!;
      if (!this.#before(child, entry)) break;
      heap[i] = child;
      child.index = i;
      i = c;
    }
    heap[i] = entry;
    entry.index = i;
  }
}
