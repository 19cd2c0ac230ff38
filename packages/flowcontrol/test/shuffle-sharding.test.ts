import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dealHand, hashFlow, hasEntropyFor } from '../src/internal/shuffle-sharding.js';

describe('shuffle sharding', () => {
  it('dealHand() — deals handSize distinct cards in [0, deckSize), deterministically', () => {
    fc.assert(
      fc.property(fc.string(), fc.integer({ min: 1, max: 128 }), fc.integer({ min: 1, max: 8 }), (key, deck, handSize) => {
        fc.pre(handSize <= deck && hasEntropyFor(deck, handSize));
        const hand = new Int32Array(handSize);
        const again = new Int32Array(handSize);
        const scratch = new Int32Array(handSize);
        dealHand(hashFlow(key), deck, handSize, hand, scratch);
        dealHand(hashFlow(key), deck, handSize, again, scratch);
        expect(new Set(hand).size).toBe(handSize);
        for (const card of hand) expect(card >= 0 && card < deck).toBe(true);
        expect([...again]).toEqual([...hand]);
      }),
    );
  });

  it('hashFlow() — 53-bit hashes that spread flows evenly over queues', () => {
    const counts = new Array<number>(64).fill(0);
    for (let i = 0; i < 64_000; i++) {
      const hash = hashFlow(`global-default\u0000user-${i}`);
      expect(Number.isSafeInteger(hash)).toBe(true);
      counts[hash % 64]! += 1;
    }
    for (const count of counts) expect(Math.abs(count - 1000)).toBeLessThan(150);
  });

  it('hasEntropyFor() — 64 queues × hand 6 fits 53 bits; 128 × 8 does not', () => {
    expect(hasEntropyFor(64, 6)).toBe(true);
    expect(hasEntropyFor(128, 8)).toBe(false);
  });
});
