import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FakeClock, TokenBucket } from '../src/index.js';

describe('TokenBucket properties', () => {
  it('never holds more than burst, and never admits more than burst + rate × elapsed', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.1, max: 10_000, noNaN: true }),
        fc.integer({ min: 1, max: 1000 }),
        fc.array(fc.tuple(fc.double({ min: 0, max: 2000, noNaN: true }), fc.integer({ min: 1, max: 5 })), { maxLength: 200 }),
        (rate, burst, steps) => {
          const clock = new FakeClock();
          const bucket = new TokenBucket({ ratePerSecond: rate, burst, clock });
          let taken = 0;
          for (const [dt, n] of steps) {
            clock.advance(dt);
            if (n <= burst && bucket.tryTake(n)) taken += n;
            expect(bucket.available).toBeLessThanOrEqual(burst);
            expect(bucket.available).toBeGreaterThanOrEqual(-1e-9);
          }
          expect(taken).toBeLessThanOrEqual(burst + (rate * clock.now()) / 1000 + 1e-6);
        },
      ),
    );
  });

  it('long-run admitted rate is within 0.1 % of ratePerSecond under saturation', () => {
    fc.assert(
      fc.property(fc.double({ min: 1, max: 5000, noNaN: true }), fc.integer({ min: 0, max: 100 }), fc.integer({ min: 10, max: 200 }), (rate, extra, stepMs) => {
        // Saturation: callers take everything at every step, and the bucket never fills in between.
        const burst = Math.ceil((rate * stepMs) / 1000) + 1 + extra;
        const clock = new FakeClock();
        const bucket = new TokenBucket({ ratePerSecond: rate, burst, clock });
        bucket.tryTake(burst);
        let admitted = 0;
        // Long enough for 3000 tokens plus 20 bursts: the start (emptied) and the end (one token) are noise.
        const durationMs = ((3000 + 20 * burst) / rate) * 1000;
        for (let t = 0; t < durationMs; t += stepMs) {
          clock.advance(stepMs);
          while (bucket.tryTake()) admitted++;
        }
        const expected = (rate * clock.now()) / 1000;
        expect(Math.abs(admitted - expected) / expected).toBeLessThan(0.001);
      }),
      { numRuns: 25 },
    );
  });

  it('a simulated day at full rate: no drift (the count is exact to within one token)', () => {
    const clock = new FakeClock(1_700_000_000_000);
    const rate = 3; // 1000 / 3 ms per token: inexact in binary
    const bucket = new TokenBucket({ ratePerSecond: rate, burst: 5, clock });
    bucket.tryTake(5);
    let admitted = 0;
    const day = 86_400_000;
    // Take everything every 13 ms: the bucket never fills, so no refill is lost to the cap.
    for (let t = 0; t < day; t += 13) {
      clock.advance(13);
      while (bucket.tryTake()) admitted++;
    }
    expect(Math.abs(admitted - (rate * day) / 1000)).toBeLessThanOrEqual(1);
  });
});
