import { describe, expect, it } from 'vitest';
import { createWorkEstimator } from '../src/index.js';

describe('createWorkEstimator()', () => {
  it('a LIST costs ceil(objects / 100) seats within [1, 10]; other verbs cost 1', () => {
    const counts: Record<string, number> = { pods: 250, nodes: 5000, leases: 3 };
    const estimate = createWorkEstimator({ objectCount: (resource) => counts[resource] });
    expect(estimate({ verb: 'list', resource: 'pods' })).toBe(3);
    expect(estimate({ verb: 'list', resource: 'nodes' })).toBe(10);
    expect(estimate({ verb: 'list', resource: 'leases' })).toBe(1);
    expect(estimate({ verb: 'get', resource: 'nodes' })).toBe(1);
    expect(estimate({ verb: 'create', resource: 'pods' })).toBe(1);
  });

  it('a WATCH costs like the LIST of its initial events; an unknown count costs the maximum', () => {
    const estimate = createWorkEstimator({ objectCount: (resource, namespace) => (resource === 'pods' && namespace === 'ns' ? 420 : undefined), maxSeats: 20 });
    expect(estimate({ verb: 'watch', resource: 'pods', namespace: 'ns' })).toBe(5);
    expect(estimate({ verb: 'list', resource: 'secrets' })).toBe(20);
    expect(createWorkEstimator()({ verb: 'list', resource: 'pods' })).toBe(10);
  });

  it('options — maxSeats below minSeats → RangeError', () => {
    expect(() => createWorkEstimator({ minSeats: 4, maxSeats: 2 })).toThrow(new RangeError('Expected `maxSeats` to be an integer no smaller than minSeats (4), got `2` (number)'));
  });
});
