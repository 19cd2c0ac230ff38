/**
 * The 429 of flow control, as a Kubernetes `Status`. flowcontrol depends on
 * nothing of ours, so it cannot use `@apiserver-kit/codec`'s `StatusError`; this
 * is the minimal equivalent for the one reason it raises. The object and the
 * error's `reason`, `code` and `retryAfterSeconds` match `StatusError`'s, so a
 * host can handle both alike.
 */

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
 * code, `TokenBucket`-guarded clients). `reason`/`code`/`retryAfterSeconds`
 * mirror codec's `StatusError`; `level` and `rule` name what rejected.
 */
export class TooManyRequestsError extends Error {
  /** Always `'TooManyRequests'`. */
  readonly reason: 'TooManyRequests' = 'TooManyRequests';
  /** Always 429. */
  readonly code: 429 = 429;
  /** Seconds the client should wait; what the host sends as `Retry-After`. */
  readonly retryAfterSeconds: number;
  /** The limiter level or priority level that rejected, when known. */
  readonly level: string | undefined;
  /** The rule or flow schema that rejected, when known. */
  readonly rule: string | undefined;

  constructor(message: string, retryAfterSeconds: number, options: { readonly level?: string; readonly rule?: string; readonly cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'TooManyRequestsError';
    this.retryAfterSeconds = retryAfterSeconds;
    this.level = options.level;
    this.rule = options.rule;
  }

  /** The Kubernetes `Status` for this error. Allocates a fresh object. */
  toStatus(): TooManyRequestsStatus {
    return tooManyRequestsStatus(this.message, this.retryAfterSeconds);
  }
}
