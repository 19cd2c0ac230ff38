/**
 * The reads that wait for the watch cache to reach a revision: a binary
 * min-heap keyed by revision (ties in arrival order), each waiter knowing its
 * slot, so that
 *
 * ```
 *   add                     O(log n)
 *   remove (timeout, abort) O(log n)   — the waiter's slot, no search
 *   release up to rev       O(k log n) for the k released; O(1) when none is due
 * ```
 *
 * A filtered array instead cost O(n) per timeout: 40 000 reads timing out
 * together blocked the event loop for 17 s.
 */

/** One waiting read. `slot` is the heap's bookkeeping: -1 once it left the heap. */
export interface RevisionWaiter {
  readonly revision: number;
  readonly seq: number;
  /** Called once, when the cache reaches `revision`. */
  readonly release: () => void;
  /** Called instead of `release` when the waiter is failed from outside ({@link RevisionWaiters.drain}'s caller). */
  readonly fail: (error: unknown) => void;
  slot: number;
}

/** The waiting reads of one cache; see the module comment. */
export class RevisionWaiters {
  readonly #heap: RevisionWaiter[] = [];
  #seq = 0;
  #work = 0;

  /** How many reads wait. */
  get size(): number {
    return this.#heap.length;
  }

  /** The heap steps taken so far (for tests that bound the work, not the wall time). */
  get work(): number {
    return this.#work;
  }

  /** Adds a read waiting for `revision`; `release` is called when {@link releaseUpTo} reaches it. */
  add(revision: number, release: () => void, fail: (error: unknown) => void): RevisionWaiter {
    const waiter: RevisionWaiter = { revision, seq: this.#seq++, release, fail, slot: this.#heap.length };
    this.#heap.push(waiter);
    this.#up(waiter.slot);
    return waiter;
  }

  /** Removes `waiter` (timed out, aborted); false when it already left. */
  remove(waiter: RevisionWaiter): boolean {
    const slot = waiter.slot;
    if (slot < 0 || this.#heap[slot] !== waiter) return false;
    waiter.slot = -1;
    const last = this.#heap.pop()!;
    if (last !== waiter) {
      this.#heap[slot] = last;
      last.slot = slot;
      this.#down(slot);
      this.#up(last.slot);
    }
    return true;
  }

  /** Releases every read waiting for a revision ≤ `revision`, lowest first (`release` must not throw). */
  releaseUpTo(revision: number): void {
    const heap = this.#heap;
    while (heap.length > 0 && heap[0]!.revision <= revision) {
      const waiter = heap[0]!;
      this.remove(waiter);
      waiter.release();
    }
  }

  /** Removes and returns every waiter (closing the cache). */
  drain(): RevisionWaiter[] {
    const all = this.#heap.splice(0);
    for (const waiter of all) waiter.slot = -1;
    return all;
  }

  #before(a: RevisionWaiter, b: RevisionWaiter): boolean {
    return a.revision < b.revision || (a.revision === b.revision && a.seq < b.seq);
  }

  #up(start: number): void {
    const heap = this.#heap;
    let i = start;
    const item = heap[i]!;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const above = heap[parent]!;
      if (!this.#before(item, above)) break;
      this.#work++;
      heap[i] = above;
      above.slot = i;
      i = parent;
    }
    heap[i] = item;
    item.slot = i;
  }

  #down(start: number): void {
    const heap = this.#heap;
    const n = heap.length;
    let i = start;
    const item = heap[i]!;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      const child = right < n && this.#before(heap[right]!, heap[left]!) ? right : left;
      const below = heap[child]!;
      if (!this.#before(below, item)) break;
      this.#work++;
      heap[i] = below;
      below.slot = i;
      i = child;
    }
    heap[i] = item;
    item.slot = i;
  }
}
