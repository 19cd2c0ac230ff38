import { nonNegativeInteger } from '@apiserver-kit/core';
import { isReadOnlyVerb, type RequestAttributes } from './request-attributes.js';

/** Options of {@link MaxInFlight}. */
export interface MaxInFlightOptions {
  /** Concurrent read-only requests (`get`, `list`, non-long-running). 0 = unlimited. @default 400 (Kubernetes' `--max-requests-inflight`) */
  readonly readOnly?: number | undefined;
  /** Concurrent mutating requests. 0 = unlimited. @default 200 (Kubernetes' `--max-mutating-requests-inflight`) */
  readonly mutating?: number | undefined;
}

/** A held in-flight slot; `release()` is idempotent. */
export interface InFlightSlot {
  /** Gives the slot back; calling it again does nothing. */
  release(): void;
}

const NO_SLOT: InFlightSlot = Object.freeze({ release: (): void => {} });

/**
 * Kubernetes' max-in-flight filter: separate concurrency limits for read-only
 * and mutating requests. Long-running requests (watch, exec, proxy) are not
 * counted — they would hold a slot for hours. It never queues: a request over
 * the limit is rejected at once (answer 429).
 *
 * Tie `release()` to the response's end or close (the HTTP glue does); it is
 * idempotent, so calling it on both is safe.
 *
 * Costs: O(1); an admitted counted request allocates its slot object.
 */
export class MaxInFlight {
  /** The read-only limit (0 = unlimited). */
  readonly readOnlyLimit: number;
  /** The mutating limit (0 = unlimited). */
  readonly mutatingLimit: number;
  #readOnly = 0;
  #mutating = 0;

  /** @throws TypeError / RangeError when a limit is not a non-negative integer. */
  constructor(options: MaxInFlightOptions = {}) {
    this.readOnlyLimit = nonNegativeInteger('readOnly', options.readOnly ?? 400);
    this.mutatingLimit = nonNegativeInteger('mutating', options.mutating ?? 200);
  }

  /** Read-only requests in flight now. */
  get readOnlyInFlight(): number {
    return this.#readOnly;
  }

  /** Mutating requests in flight now. */
  get mutatingInFlight(): number {
    return this.#mutating;
  }

  /**
   * Takes a slot if one is free. Long-running requests always get a slot that
   * counts nothing.
   *
   * @returns the slot, or `undefined` when the request's limit is reached (reject it with 429).
   */
  tryAcquire(attributes: RequestAttributes): InFlightSlot | undefined {
    if (attributes.isLongRunning === true) return NO_SLOT;
    if (isReadOnlyVerb(attributes.verb)) {
      if (this.readOnlyLimit !== 0 && this.#readOnly >= this.readOnlyLimit) return undefined;
      this.#readOnly++;
      let held = true;
      return {
        release: () => {
          if (held) {
            held = false;
            this.#readOnly--;
          }
        },
      };
    }
    if (this.mutatingLimit !== 0 && this.#mutating >= this.mutatingLimit) return undefined;
    this.#mutating++;
    let held = true;
    return {
      release: () => {
        if (held) {
          held = false;
          this.#mutating--;
        }
      },
    };
  }
}
