import { badArgument as fail, positiveInteger, positiveNumber } from '@apiserver-kit/core';
import type { RequestAttributes } from './request-attributes.js';

/**
 * Estimates the seats a request occupies while it executes (Kubernetes'
 * `request/width.go`): 1 for most requests, more for a LIST in proportion to
 * the objects it returns. A WATCH costs like the LIST of its initial events and
 * holds its seats only until they are sent (the host then calls `release()`).
 */
export type WorkEstimator = (attributes: RequestAttributes) => number;

/** Options of {@link createWorkEstimator}. */
export interface WorkEstimatorOptions {
  /**
   * Objects a LIST (or a WATCH's initial events) of `resource` in `namespace`
   * (all namespaces when `undefined`) would return — ask the cache. `undefined`
   * when unknown, which costs `maxSeats`: assume the worst.
   * @default unknown for every resource
   */
  readonly objectCount?: ((resource: string, namespace: string | undefined) => number | undefined) | undefined;
  /** Objects per seat. @default 100 */
  readonly objectsPerSeat?: number | undefined;
  /** The fewest seats of any request. @default 1 */
  readonly minSeats?: number | undefined;
  /** The most seats of any request. @default 10 */
  readonly maxSeats?: number | undefined;
}

/**
 * Builds the default {@link WorkEstimator}: `list` and `watch` cost
 * `ceil(objects / objectsPerSeat)` seats within [minSeats, maxSeats]; everything
 * else costs `minSeats`. Allocates nothing per call (unless `objectCount` does).
 *
 * @throws TypeError / RangeError naming the option that is invalid.
 */
export function createWorkEstimator(options: WorkEstimatorOptions = {}): WorkEstimator {
  const objectCount = options.objectCount;
  const objectsPerSeat = positiveNumber('objectsPerSeat', options.objectsPerSeat ?? 100);
  const minSeats = positiveInteger('minSeats', options.minSeats ?? 1);
  const maxSeats = positiveInteger('maxSeats', options.maxSeats ?? 10);
  if (maxSeats < minSeats) fail('maxSeats', `an integer no smaller than minSeats (${minSeats})`, maxSeats, RangeError);
  return (attributes) => {
    const verb = attributes.verb;
    if (verb !== 'list' && verb !== 'watch') return minSeats;
    const count = objectCount === undefined || attributes.resource === undefined ? undefined : objectCount(attributes.resource, attributes.namespace);
    if (count === undefined || !(count >= 0)) return maxSeats;
    return Math.min(maxSeats, Math.max(minSeats, Math.ceil(count / objectsPerSeat)));
  };
}
