/**
 * Hostile keys against parseKey (a host builds keys from URL paths): whatever
 * the string, parseKey answers with parts that format back to the key, or
 * throws StatusError BadRequest 400 — never another error — in time and heap
 * linear in the key (codec's `expectBounded`, shared by every parser fuzz).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatKey, parseKey } from '../src/index.js';
// One bound for every parser fuzz of the kit: the codec's decoders and negotiation use it too.
import { expectBounded } from '../../codec/test/bounded.js';

const pieces = ['/', '//', 'pods', 'ns', 'a', '-', '.', '..', ' ', '\t', '\0', 'é', '😀', '\ud800', '\x7f', '~', '%2F'];
const key = fc.oneof(
  { weight: 4, arbitrary: fc.string({ unit: fc.constantFrom(...pieces), maxLength: 12 }) },
  { weight: 1, arbitrary: fc.tuple(fc.string({ unit: fc.constantFrom(...pieces), maxLength: 4 }), fc.integer({ min: 100, max: 5_000 })).map(([s, n]) => s.repeat(n)) },
  { weight: 1, arbitrary: fc.string({ maxLength: 200 }) },
);

describe('parseKey() fuzz — only StatusError BadRequest, bounded time and heap per byte', () => {
  it('property: any string → parts that format back to the key, or BadRequest 400', () => {
    fc.assert(
      fc.property(key, (text) => {
        let parsed: ReturnType<typeof parseKey> | undefined;
        expectBounded(Buffer.byteLength(text), () => (parsed = parseKey(text)), ['BadRequest'], { microsecondsPerByte: 20 });
        if (parsed !== undefined) expect(formatKey(parsed.resource, parsed.namespace, parsed.name)).toBe(text);
      }),
      { numRuns: 2000 },
    );
  });
});
