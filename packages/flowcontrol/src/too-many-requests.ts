/**
 * The 429 of flow control, as a Kubernetes `Status`. The error is a
 * `StatusError` of `@apiserver-kit/core` (the family codec re-exports), so a
 * host's one `instanceof StatusError` handler writes it like any other
 * failure; the plain `Status` builder serves the HTTP path, which answers a
 * 429 without constructing an error (and capturing its stack).
 */
import { StatusError } from '@apiserver-kit/core';

/** The Kubernetes `Status` (meta/v1) of a flow-control rejection. */
export interface TooManyRequestsStatus {
  readonly kind: 'Status';
  readonly apiVersion: 'v1';
  readonly metadata: Record<string, never>;
  readonly status: 'Failure';
  readonly message: string;
  readonly reason: 'TooManyRequests';
  readonly details: { readonly retryAfterSeconds: number };
  readonly code: 429;
}

/** The message of a 429 when no rule is named: Kubernetes' own wording. */
export const TOO_MANY_REQUESTS_MESSAGE = 'Too many requests, please try again later.';

/** Builds the `Status` object of a 429. Allocates a fresh object. */
export function tooManyRequestsStatus(message: string, retryAfterSeconds: number): TooManyRequestsStatus {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason: 'TooManyRequests',
    details: { retryAfterSeconds },
    code: 429,
  };
}

/**
 * A flow-control rejection as an error, for APIs that throw (the host's own
 * code, `TokenBucket`-guarded clients): a `StatusError` with reason
 * `TooManyRequests`, code 429 and `details.retryAfterSeconds`, so
 * `err instanceof StatusError` holds and `toStatus()` is `StatusError`'s;
 * `level` and `rule` name what rejected.
 */
export class TooManyRequestsError extends StatusError {
  /** Always `'TooManyRequests'`. */
  declare readonly reason: 'TooManyRequests';
  /** Always 429. */
  declare readonly code: 429;
  /** The limiter level or priority level that rejected, when known. */
  readonly level: string | undefined;
  /** The rule or flow schema that rejected, when known. */
  readonly rule: string | undefined;

  constructor(message: string, retryAfterSeconds: number, options: { readonly level?: string | undefined; readonly rule?: string | undefined; readonly cause?: unknown } = {}) {
    super('TooManyRequests', message, { details: { retryAfterSeconds }, ...(options.cause === undefined ? {} : { cause: options.cause }) });
    this.name = 'TooManyRequestsError';
    this.level = options.level;
    this.rule = options.rule;
  }

  /** Seconds the client should wait; what the host sends as `Retry-After`. */
  override get retryAfterSeconds(): number {
    // Read from the details the constructor set: one value for the header and the Status.
    return this.details!.retryAfterSeconds!;
  }
}
