import { describe, expect, it } from 'vitest';
import { MaxInFlight } from '../src/index.js';

describe('MaxInFlight', () => {
  it('.tryAcquire() — separate read-only and mutating limits (defaults 400 / 200)', () => {
    const limits = new MaxInFlight();
    expect([limits.readOnlyLimit, limits.mutatingLimit]).toEqual([400, 200]);
    const small = new MaxInFlight({ readOnly: 2, mutating: 1 });
    const slots = [small.tryAcquire({ verb: 'get' }), small.tryAcquire({ verb: 'list' }), small.tryAcquire({ verb: 'get' })];
    expect(slots.map((slot) => slot !== undefined)).toEqual([true, true, false]);
    expect(small.tryAcquire({ verb: 'create' })).toBeDefined();
    expect(small.tryAcquire({ verb: 'patch' })).toBeUndefined();
    expect([small.readOnlyInFlight, small.mutatingInFlight]).toEqual([2, 1]);
  });

  it('.release() — is idempotent', () => {
    const limits = new MaxInFlight({ readOnly: 1, mutating: 1 });
    const slot = limits.tryAcquire({ verb: 'get' })!;
    slot.release();
    slot.release();
    expect(limits.readOnlyInFlight).toBe(0);
    expect(limits.tryAcquire({ verb: 'get' })).toBeDefined();
    expect(limits.tryAcquire({ verb: 'get' })).toBeUndefined();
  });

  it('long-running requests (watch) are not counted; 0 means unlimited', () => {
    const limits = new MaxInFlight({ readOnly: 1, mutating: 0 });
    limits.tryAcquire({ verb: 'get' });
    expect(limits.tryAcquire({ verb: 'watch', isLongRunning: true })).toBeDefined();
    expect(limits.readOnlyInFlight).toBe(1);
    for (let i = 0; i < 1000; i++) expect(limits.tryAcquire({ verb: 'update' })).toBeDefined();
  });

  it('options — a negative limit → RangeError', () => {
    expect(() => new MaxInFlight({ readOnly: -1 })).toThrow(new RangeError('Expected `readOnly` to be a non-negative integer, got `-1` (number)'));
  });
});
