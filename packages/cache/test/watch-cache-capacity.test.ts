import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CapacityResize } from '../src/index.js';
import { newCache, put } from './helpers.js';

const capacity = { lowerBound: 8, upperBound: 64, windowMs: 10_000, checkIntervalMs: 1000 };

function churn(cache: ReturnType<typeof newCache>['cache'], clock: ReturnType<typeof newCache>['clock'], events: number, everyMs: number): void {
  for (let i = 0; i < events; i++) {
    put(cache, { name: `p${i % 50}`, rv: cache.revision + 1 });
    clock.advance(everyMs);
  }
}

describe('WatchCache — history capacity by churn', () => {
  it('grows (doubling) while a full buffer spans less than the window', () => {
    const resizes: CapacityResize[] = [];
    const { cache, clock } = newCache({ capacity, onResize: (r) => resizes.push(r) });
    cache.replace([], 1);
    churn(cache, clock, 40, 10); // 40 events in 400 ms
    expect(cache.stats.capacity).toBe(64);
    expect(resizes.map((r) => `${r.reason} ${r.from}→${r.to}`)).toEqual(['grow 8→16', 'grow 16→32', 'grow 32→64']);
    expect(cache.stats.grows).toBe(3);
  });

  it('never grows past upperBound: the oldest fresh events are then evicted', () => {
    const { cache, clock } = newCache({ capacity });
    cache.replace([], 1);
    churn(cache, clock, 100, 1);
    expect(cache.stats.capacity).toBe(64);
    expect(cache.stats.events).toBe(64);
    expect(cache.stats.historyStart).toBe(37);
  });

  it('does not grow when the evicted event is older than the window', () => {
    const { cache, clock } = newCache({ capacity });
    cache.replace([], 1);
    churn(cache, clock, 30, 2000); // 0.5 events/s: 8 slots hold 16 s > 10 s window
    expect(cache.stats.capacity).toBe(8);
  });

  it('shrinks on the timer when quiet, with no writes, down to lowerBound', () => {
    const resizes: CapacityResize[] = [];
    const { cache, clock } = newCache({ capacity, onResize: (r) => resizes.push(r) });
    cache.replace([], 1);
    churn(cache, clock, 64, 1);
    expect(cache.stats.capacity).toBe(64);
    const revision = cache.revision;
    clock.advance(11_000); // the window passes without a write (checked every second)
    expect(cache.revision).toBe(revision);
    expect(cache.stats.capacity).toBeLessThan(64);
    clock.advance(10_000);
    expect(cache.stats.capacity).toBe(8);
    expect(resizes.filter((r) => r.reason === 'shrink').map((r) => r.to)).toEqual([32, 16, 8]);
    expect(cache.stats.events).toBe(8);
  });

  it('property: never outside its bounds, never loses an event inside the window', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ events: fc.integer({ min: 0, max: 40 }), everyMs: fc.integer({ min: 0, max: 3000 }), quietMs: fc.integer({ min: 0, max: 30_000 })}), {
          maxLength: 12,
        }),
        (phases) => {
          const { cache, clock } = newCache({ capacity });
          cache.replace([], 1);
          const recordedAt = new Map<number, number>();
          const check = (): void => {
            const stats = cache.stats;
            if (stats.capacity < capacity.lowerBound || stats.capacity > capacity.upperBound) throw new Error(`capacity ${stats.capacity} out of bounds`);
            if (stats.capacity < capacity.upperBound) {
              // Every event recorded inside the window is still in the history (unless the upper bound forced it out).
              for (const [revision, at] of recordedAt) {
                if (clock.now() - at >= capacity.windowMs) recordedAt.delete(revision);
                else if (revision <= stats.historyStart) throw new Error(`event ${revision} inside the window lost (history from ${stats.historyStart})`);
              }
            }
          };
          let atUpper = false;
          for (const phase of phases) {
            for (let i = 0; i < phase.events; i++) {
              put(cache, { name: `p${i % 7}`, rv: cache.revision + 1 });
              recordedAt.set(cache.revision, clock.now());
              atUpper ||= cache.stats.capacity === capacity.upperBound;
              if (!atUpper) check();
              clock.advance(phase.everyMs);
              if (!atUpper) check();
            }
            clock.advance(phase.quietMs);
            if (!atUpper) check();
            expect(cache.stats.capacity).toBeGreaterThanOrEqual(capacity.lowerBound);
            expect(cache.stats.capacity).toBeLessThanOrEqual(capacity.upperBound);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('options — bad bounds are argument errors naming the option', () => {
    expect(() => newCache({ capacity: { lowerBound: 0 } })).toThrow(new RangeError('Expected `capacity.lowerBound` to be a positive integer, got `0` (number)'));
    expect(() => newCache({ capacity: { lowerBound: 10, upperBound: 5 } })).toThrow(
      new RangeError('Expected `capacity.upperBound` to be an integer ≥ 10, got `5` (number)'),
    );
  });
});
