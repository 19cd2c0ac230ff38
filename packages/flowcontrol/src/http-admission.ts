import type { IncomingMessage, ServerResponse } from 'node:http';
import type { MaxInFlight } from './max-in-flight.js';
import type { MultiLevelLimiter } from './multi-level-limiter.js';
import type { PriorityAndFairness } from './priority-and-fairness.js';
import type { RequestAttributes } from './request-attributes.js';
import type { RetryAfterPolicy } from './retry-after.js';
import { nonNegativeInteger } from '@apiserver-kit/core';
import { TOO_MANY_REQUESTS_MESSAGE, tooManyRequestsStatus } from './too-many-requests.js';

/** Options of {@link createHttpAdmission}; every gate is optional and they apply in this order. */
export interface HttpAdmissionOptions {
  /** Reads the request's attributes (after the host's authentication). */
  readonly attributes: (request: IncomingMessage) => RequestAttributes;
  /** 1st gate: token buckets, the cheapest rejection. */
  readonly limiter?: MultiLevelLimiter | undefined;
  /** 2nd gate: concurrency by read-only/mutating. */
  readonly maxInFlight?: MaxInFlight | undefined;
  /** The Retry-After of max-in-flight rejections (it has no policy of its own). @default 1 s */
  readonly maxInFlightRetryAfter?: RetryAfterPolicy | undefined;
  /** 3rd gate: priority levels with fair queuing (may wait in a queue). */
  readonly priorityAndFairness?: PriorityAndFairness | undefined;
}

/** What an admitted request holds: `release()` gives back its in-flight slot and seats; idempotent. */
export interface HttpAdmitted {
  /** Releases now — for a WATCH, once its initial events are sent. Also called on the response's `close`. */
  release(): void;
}

/** Admits a request (resolving with its handle), or writes the 429 and resolves with `undefined`. */
export type HttpAdmission = (request: IncomingMessage, response: ServerResponse) => Promise<HttpAdmitted | undefined>;

/**
 * Writes a flow-control 429: a Kubernetes `Status` (reason `TooManyRequests`,
 * `details.retryAfterSeconds`) as JSON, with a `Retry-After` header.
 *
 * @throws TypeError / RangeError (nothing written) when `retryAfterSeconds` is not
 *   a non-negative integer: `Retry-After: NaN` or `-1` is no header a client can honour.
 */
export function writeTooManyRequests(response: ServerResponse, message: string, retryAfterSeconds: number): void {
  nonNegativeInteger('retryAfterSeconds', retryAfterSeconds);
  const body = JSON.stringify(tooManyRequestsStatus(message, retryAfterSeconds));
  response.statusCode = 429;
  response.setHeader('Retry-After', String(retryAfterSeconds));
  response.setHeader('Content-Type', 'application/json');
  response.setHeader('Content-Length', Buffer.byteLength(body));
  response.end(body);
}

/**
 * The HTTP glue: runs a request through the configured gates, and either
 * resolves with a handle whose `release()` runs at the response's `close`
 * (end or client gone), or writes the 429 itself. A client that disconnects
 * while queued leaves its queue. An error from a gate or a policy (a work
 * estimator or Retry-After policy that throws) rejects the returned promise with
 * nothing written, after giving back the in-flight slot.
 *
 * ```ts
 * const admit = createHttpAdmission({ attributes, limiter, priorityAndFairness: apf });
 * http.createServer(async (req, res) => { if (await admit(req, res)) serve(req, res); });
 * ```
 */
export function createHttpAdmission(options: HttpAdmissionOptions): HttpAdmission {
  const { attributes: read, limiter, maxInFlight, priorityAndFairness } = options;
  if (typeof read !== 'function') throw new TypeError(`Expected \`attributes\` to be a function, got \`${String(read)}\` (${typeof read})`);
  const inFlightRetryAfter = options.maxInFlightRetryAfter;
  return async (request, response) => {
    const attributes = read(request);
    if (limiter !== undefined) {
      const decision = limiter.decide(attributes);
      if (!decision.allowed) {
        writeTooManyRequests(response, decision.message, decision.retryAfterSeconds);
        return undefined;
      }
    }
    const slot = maxInFlight?.tryAcquire(attributes);
    if (maxInFlight !== undefined && slot === undefined) {
      writeTooManyRequests(response, TOO_MANY_REQUESTS_MESSAGE, inFlightRetryAfter?.retryAfterSeconds() ?? 1);
      return undefined;
    }
    let seats: { release(): void } | undefined;
    if (priorityAndFairness !== undefined) {
      const gone = new AbortController();
      const onGone = (): void => gone.abort(new Error('client went away while queued'));
      response.once('close', onGone);
      let result;
      try {
        result = await priorityAndFairness.admit(attributes, { signal: gone.signal });
      } catch (error) {
        slot?.release();
        // The client went away while queued: nothing to answer. Anything else (a work
        // estimator that threw) is the host's to handle: swallowing it would leave the response open.
        if (gone.signal.aborted) return undefined;
        throw error;
      } finally {
        response.off('close', onGone);
      }
      if (!result.admitted) {
        slot?.release();
        writeTooManyRequests(response, result.message, result.retryAfterSeconds);
        return undefined;
      }
      seats = result;
    }
    const admitted: HttpAdmitted = {
      release: () => {
        seats?.release();
        slot?.release();
      },
    };
    if (response.closed) admitted.release();
    else response.once('close', admitted.release);
    return admitted;
  };
}
