/**
 * A FIFO of keys: an array with a moving head, compacted once the consumed
 * prefix is at least half of it, so push and shift are amortised O(1)
 * (`Array.prototype.shift` is O(n) once V8 leaves its fast path).
 */
export class Fifo<K> {
  #items: K[] = [];
  #head = 0;

  get length(): number {
    return this.#items.length - this.#head;
  }

  push(item: K): void {
    this.#items.push(item);
  }

  /** The oldest item, removed; `undefined` when empty. */
  shift(): K | undefined {
    const items = this.#items;
    if (this.#head === items.length) return undefined;
    const item = items[this.#head]!;
    // Drop the reference so a long-lived queue does not keep consumed keys alive.
    (items as (K | undefined)[])[this.#head] = undefined;
    this.#head++;
    if (this.#head === items.length) {
      this.#items = [];
      this.#head = 0;
    } else if (this.#head >= 1024 && this.#head * 2 >= items.length) {
      this.#items = items.slice(this.#head);
      this.#head = 0;
    }
    return item;
  }

  clear(): void {
    this.#items = [];
    this.#head = 0;
  }
}
