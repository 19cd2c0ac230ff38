// Shuffle sharding (Kubernetes' util/shufflesharding): a flow's hash deals it a
// hand of distinct queues; a request joins the shortest queue of its hand, so two
// flows share all their queues only with probability 1/C(queues, handSize).

/** A 53-bit hash of `key`: two 32-bit FNV-1a variants joined (JS numbers hold 53 bits exactly). */
export function hashFlow(key: string): number {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ key.length;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 15;
  }
  a ^= a >>> 13;
  a = Math.imul(a, 0x85ebca6b);
  a ^= a >>> 16;
  b = Math.imul(b ^ (b >>> 13), 0xc2b2ae35);
  b ^= b >>> 16;
  return (a >>> 0) * 0x200000 + (b >>> 11);
}

/** Whether a hash of 53 bits can deal `handSize` cards from `deckSize` uniformly enough. */
export function hasEntropyFor(deckSize: number, handSize: number): boolean {
  let needed = 1;
  for (let i = 0; i < handSize; i++) needed *= deckSize - i;
  return needed <= 2 ** 53;
}

/**
 * Deals `handSize` distinct cards from `[0, deckSize)` using `hash` as a
 * mixed-radix number, writing them into `hand` in deal order.
 */
export function dealHand(hash: number, deckSize: number, handSize: number, hand: Int32Array, sorted: Int32Array): void {
  let h = hash;
  for (let i = 0; i < handSize; i++) {
    const remaining = deckSize - i;
    let card = h % remaining;
    h = Math.floor(h / remaining);
    // The card-th of the cards not dealt yet: step over the dealt ones (ascending).
    let j = 0;
    while (j < i && sorted[j]! <= card) {
      card++;
      j++;
    }
    for (let k = i; k > j; k--) sorted[k] = sorted[k - 1]!;
    sorted[j] = card;
    hand[i] = card;
  }
}
