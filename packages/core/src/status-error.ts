/**
 * The one error family of apiserver-kit: every operational failure is a
 * `StatusError` that renders as a Kubernetes `Status` object, so a host can
 * write it to the wire as is.
 */

/** The `reason` values the blocks raise, with the HTTP code each maps to. */
export const STATUS_REASONS: Readonly<{
  BadRequest: 400;
  Unauthorized: 401;
  Forbidden: 403;
  NotFound: 404;
  MethodNotAllowed: 405;
  NotAcceptable: 406;
  AlreadyExists: 409;
  Conflict: 409;
  Gone: 410;
  Expired: 410;
  RequestEntityTooLarge: 413;
  UnsupportedMediaType: 415;
  Invalid: 422;
  TooManyRequests: 429;
  InternalError: 500;
  ServiceUnavailable: 503;
  Timeout: 504;
}> = Object.freeze({
  BadRequest: 400,
  Unauthorized: 401,
  Forbidden: 403,
  NotFound: 404,
  MethodNotAllowed: 405,
  NotAcceptable: 406,
  AlreadyExists: 409,
  Conflict: 409,
  Gone: 410,
  Expired: 410,
  RequestEntityTooLarge: 413,
  UnsupportedMediaType: 415,
  Invalid: 422,
  TooManyRequests: 429,
  InternalError: 500,
  ServiceUnavailable: 503,
  Timeout: 504,
} as const);

/** A Kubernetes `Status` reason. */
export type StatusReason = keyof typeof STATUS_REASONS;

/** One cause in `Status.details.causes`. */
export interface StatusCause {
  readonly reason?: string | undefined;
  readonly message?: string | undefined;
  readonly field?: string | undefined;
}

/** `Status.details`: what the failure was about. */
export interface StatusDetails {
  readonly name?: string | undefined;
  readonly group?: string | undefined;
  readonly kind?: string | undefined;
  readonly uid?: string | undefined;
  readonly causes?: readonly StatusCause[] | undefined;
  readonly retryAfterSeconds?: number | undefined;
}

/**
 * `Status.metadata` (a meta/v1 `ListMeta`): empty, except where a failure
 * tells the client how to go on, as the 410 of a continue token past the
 * compaction point carries a token to continue inconsistently with.
 */
export interface StatusListMeta {
  /** A continue token the client may use to go on (Kubernetes' etcd3 `handleCompactedErrorForPaging`). */
  readonly continue?: string | undefined;
}

/** The Kubernetes `Status` object (meta/v1), as sent on the wire for a failure. */
export interface Status {
  readonly kind: 'Status';
  readonly apiVersion: 'v1';
  readonly metadata: StatusListMeta;
  readonly status: 'Failure';
  readonly message: string;
  readonly reason: StatusReason;
  readonly details?: StatusDetails;
  readonly code: number;
}

/** Options of {@link StatusError}. */
export interface StatusErrorOptions {
  /** The `Status.details` to send. */
  readonly details?: StatusDetails | undefined;
  /** The underlying error, passed through as `Error.cause`. */
  readonly cause?: unknown;
  /** HTTP code; @default the code of `reason` in {@link STATUS_REASONS}. */
  readonly code?: number | undefined;
  /** `Status.metadata`; @default `{}` */
  readonly metadata?: StatusListMeta | undefined;
}

/**
 * An operational failure that renders as a Kubernetes `Status`.
 *
 * `reason` is the stable machine-readable code (`NotFound`, `Expired`, …);
 * `code` is the HTTP status. `retryAfterSeconds`, when set in the details, is
 * also what a host sends as the `Retry-After` header.
 */
export class StatusError extends Error {
  /** The Kubernetes reason, stable across releases. */
  readonly reason: StatusReason;
  /** The HTTP status code. */
  readonly code: number;
  /** The `Status.details`, if any. */
  readonly details: StatusDetails | undefined;
  /** The `Status.metadata` (a continue token to go on with, where one is offered). */
  readonly metadata: StatusListMeta;

  constructor(reason: StatusReason, message: string, options: StatusErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'StatusError';
    this.reason = reason;
    this.code = options.code ?? STATUS_REASONS[reason];
    this.details = options.details;
    this.metadata = options.metadata ?? {};
  }

  /** Seconds a client should wait before retrying, when the server said so. */
  get retryAfterSeconds(): number | undefined {
    return this.details?.retryAfterSeconds;
  }

  /** The Kubernetes `Status` object for this error. Allocates a fresh object. */
  toStatus(): Status {
    const status: Status = {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: this.metadata.continue === undefined ? {} : { continue: this.metadata.continue },
      status: 'Failure',
      message: this.message,
      reason: this.reason,
      ...(this.details === undefined ? {} : { details: this.details }),
      code: this.code,
    };
    return status;
  }
}

/** Whether `error` is a {@link StatusError}, optionally of the given reason. */
export function isStatusError(error: unknown, reason?: StatusReason): error is StatusError {
  return error instanceof StatusError && (reason === undefined || error.reason === reason);
}

/** BadRequest 400: malformed input; the message points at the offending part. */
export function badRequest(message: string, cause?: unknown): StatusError {
  return new StatusError('BadRequest', message, cause === undefined ? {} : { cause });
}

/** NotFound 404, with Kubernetes' message: `pods "web-0" not found`. */
export function notFound(resource: string, name: string, group = ''): StatusError {
  return new StatusError('NotFound', `${qualified(resource, group)} "${name}" not found`, {
    details: { name, ...(group === '' ? {} : { group }), kind: resource },
  });
}

/** AlreadyExists 409, with Kubernetes' message: `pods "web-0" already exists`. */
export function alreadyExists(resource: string, name: string, group = ''): StatusError {
  return new StatusError('AlreadyExists', `${qualified(resource, group)} "${name}" already exists`, {
    details: { name, ...(group === '' ? {} : { group }), kind: resource },
  });
}

/** The message Kubernetes gives for an update with a stale resourceVersion. */
export const CONFLICT_MESSAGE = 'the object has been modified; please apply your changes to the latest version and try again';

/** Conflict 409: `Operation cannot be fulfilled on pods "web-0": <why>`. */
export function conflict(resource: string, name: string, why: string = CONFLICT_MESSAGE, group = ''): StatusError {
  return new StatusError('Conflict', `Operation cannot be fulfilled on ${qualified(resource, group)} "${name}": ${why}`, {
    details: { name, ...(group === '' ? {} : { group }), kind: resource },
  });
}

/** Expired 410. For a too-old revision, pass Kubernetes' `too old resource version: X (Y)`. */
export function expired(message: string, metadata?: StatusListMeta): StatusError {
  return new StatusError('Expired', message, metadata === undefined ? {} : { metadata });
}

/** Expired 410 with Kubernetes' message for a revision older than the retained history (the watch cache's). */
export function tooOldResourceVersion(requested: number, oldestRetained: number): StatusError {
  return expired(`too old resource version: ${requested} (${oldestRetained})`);
}

/** The kinds of field error (apimachinery `field.ErrorType`), as written in a message. */
export type FieldErrorType = 'Required value' | 'Invalid value' | 'Forbidden' | 'Unsupported value' | 'Too long' | 'Duplicate value';

/** One field error of an {@link invalid} object (apimachinery `field.Error`). */
export interface FieldError {
  /** The field path, as Kubernetes writes it: `metadata.labels`, `spec.containers[0].image`. */
  readonly field: string;
  readonly type: FieldErrorType;
  /** Why; may be empty. */
  readonly detail: string;
  /** The offending value, written for `Invalid value`, `Unsupported value` and `Duplicate value`. */
  readonly value?: unknown;
}

const CAUSE_TYPES: Readonly<Record<FieldErrorType, string>> = Object.freeze({
  'Required value': 'FieldValueRequired',
  'Invalid value': 'FieldValueInvalid',
  Forbidden: 'FieldValueForbidden',
  'Unsupported value': 'FieldValueNotSupported',
  'Too long': 'FieldValueTooLong',
  'Duplicate value': 'FieldValueDuplicate',
});

/** A field error's text without its path, as apimachinery's `ErrorBody`: `Invalid value: "x": must be …`. */
export function fieldErrorBody(error: FieldError): string {
  let body: string = error.type;
  if (error.type === 'Invalid value' || error.type === 'Unsupported value' || error.type === 'Duplicate value') {
    const value = error.value;
    body += `: ${value === null || value === undefined ? 'null' : typeof value === 'number' || typeof value === 'boolean' ? String(value) : safeJson(value)}`;
  }
  return error.detail === '' ? body : `${body}: ${error.detail}`;
}

/**
 * Invalid 422 with Kubernetes' message and causes (apimachinery `NewInvalid`):
 * `ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Forbidden: …`,
 * one `details.causes[]` per field error with its `field`.
 */
export function invalid(kind: string, name: string, errors: readonly FieldError[], group = ''): StatusError {
  const texts: string[] = [];
  for (const error of errors) {
    const text = `${error.field}: ${fieldErrorBody(error)}`;
    if (!texts.includes(text)) texts.push(text);
  }
  const aggregate = texts.length === 1 ? texts[0]! : `[${texts.join(', ')}]`;
  return new StatusError('Invalid', `${qualified(kind, group)} ${JSON.stringify(name)} is invalid: ${aggregate}`, {
    details: {
      name,
      ...(group === '' ? {} : { group }),
      kind,
      causes: errors.map((error) => ({ reason: CAUSE_TYPES[error.type], message: fieldErrorBody(error), field: error.field })),
    },
  });
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** Kubernetes' message for a list of a revision below storage's compaction point (etcd3 `interpretListError`). */
export const LIST_TOO_OLD_MESSAGE = 'The resourceVersion for the provided list is too old.';

/** Kubernetes' message for a watch from a revision below storage's compaction point (etcd3 `interpretWatchError`). */
export const WATCH_TOO_OLD_MESSAGE = 'The resourceVersion for the provided watch is too old.';

/** Kubernetes' message for a continue token whose revision is gone, when no token to go on with can be offered. */
export const CONTINUE_EXPIRED_MESSAGE =
  'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.';

/** Kubernetes' message for a continue token whose revision is gone, sent with a token (rv −1) to go on inconsistently. */
export const INCONSISTENT_CONTINUE_MESSAGE =
  'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.';

/** Timeout 504 with Kubernetes' message (`Timeout: <message>`, apimachinery `NewTimeoutError`) and `retryAfterSeconds`. */
export function timeout(message: string, retryAfterSeconds: number, causes?: readonly StatusCause[]): StatusError {
  return new StatusError('Timeout', `Timeout: ${message}`, {
    details: { ...(causes === undefined ? {} : { causes }), retryAfterSeconds },
  });
}

/** Timeout 504 for a read at a revision the cache did not reach in time; Retry-After 1 (storage `NewTooLargeResourceVersionError`). */
export function tooLargeResourceVersion(requested: number, current: number): StatusError {
  return timeout(`Too large resource version: ${requested}, current: ${current}`, 1, [
    { reason: 'ResourceVersionTooLarge', message: 'Too large resource version' },
  ]);
}

/** TooManyRequests 429 with `retryAfterSeconds` (sent as `Retry-After`). */
export function tooManyRequests(message: string, retryAfterSeconds: number): StatusError {
  return new StatusError('TooManyRequests', message, { details: { retryAfterSeconds } });
}

/** RequestEntityTooLarge 413, raised from `Content-Length` before the body is read. */
export function requestEntityTooLarge(limitBytes: number, gotBytes: number): StatusError {
  return new StatusError('RequestEntityTooLarge', `Request entity too large: limit is ${limitBytes} bytes, got ${gotBytes}`);
}

/** NotAcceptable 406: none of the `Accept` media types can be produced. */
export function notAcceptable(accepted: readonly string[]): StatusError {
  return new StatusError('NotAcceptable', `only the following media types are accepted: ${accepted.join(', ')}`);
}

/** UnsupportedMediaType 415: the body's `Content-Type` cannot be decoded. */
export function unsupportedMediaType(contentType: string, accepted: readonly string[]): StatusError {
  return new StatusError(
    'UnsupportedMediaType',
    `the body of the request was in an unknown format (${JSON.stringify(contentType)}) - accepted media types include: ${accepted.join(', ')}`,
  );
}

/** InternalError 500, wrapping an unexpected failure; the message is also its one cause (apimachinery `NewInternalError`). */
export function internalError(message: string, cause?: unknown): StatusError {
  return new StatusError('InternalError', `Internal error occurred: ${message}`, {
    details: { causes: [{ message }] },
    ...(cause === undefined ? {} : { cause }),
  });
}

function qualified(resource: string, group: string): string {
  return group === '' ? resource : `${resource}.${group}`;
}
