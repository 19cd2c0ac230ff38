import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { humanDuration } from '../src/table-duration.js';

const s = 1000;
const m = 60 * s;
const h = 60 * m;
const d = 24 * h;
const y = 365 * d;

describe('humanDuration() — apimachinery duration.HumanDuration', () => {
  it.each([
    [-2 * s, '<invalid>'],
    [-1999, '0s'],
    [-1 * s, '0s'],
    [0, '0s'],
    [999, '0s'],
    [59 * s, '59s'],
    [119 * s, '119s'],
    [2 * m, '2m'],
    [2 * m + 30 * s, '2m30s'],
    [9 * m + 59 * s, '9m59s'],
    [10 * m + 30 * s, '10m'],
    [179 * m, '179m'],
    [3 * h, '3h'],
    [3 * h + 10 * m, '3h10m'],
    [7 * h + 59 * m, '7h59m'],
    [8 * h + 30 * m, '8h'],
    [47 * h, '47h'],
    [2 * d, '2d'],
    [2 * d + 4 * h, '2d4h'],
    [7 * d + 23 * h, '7d23h'],
    [8 * d, '8d'],
    [729 * d, '729d'],
    [2 * y, '2y'],
    [2 * y + 10 * d, '2y10d'],
    [8 * y + 100 * d, '8y'],
    [Number.NaN, '<invalid>'],
  ])('%d ms → %s', (duration, expected) => {
    expect(humanDuration(duration)).toBe(expected);
  });

  it('property: any age is one or two units', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 20 * y }), (duration) => {
        expect(humanDuration(duration)).toMatch(/^\d+[smhdy](\d+[smhd])?$/);
      }),
    );
  });
});
