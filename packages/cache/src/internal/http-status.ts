/**
 * Turns what a Kubernetes-style server answers — a `Status` body, a bare HTTP
 * code, or garbage — into a {@link StatusError}, as client-go's REST client
 * does (`transformResponse`, `newUnstructuredResponseError`): a body that is
 * a `Status` keeps its reason, code, details and metadata; anything else
 * gets the reason of its HTTP code (apimachinery `NewGenericServerResponse`).
 */
import { internalError, STATUS_REASONS, StatusError, type StatusDetails, type StatusListMeta, type StatusReason } from '@apiserver-kit/codec';

const REASON_BY_CODE: ReadonlyMap<number, StatusReason> = new Map<number, StatusReason>([
  [400, 'BadRequest'],
  [401, 'Unauthorized'],
  [403, 'Forbidden'],
  [404, 'NotFound'],
  [405, 'MethodNotAllowed'],
  [406, 'NotAcceptable'],
  [409, 'Conflict'],
  // A bare 410 (no Status) is the server saying the revision is gone: Expired, so a Reflector relists.
  [410, 'Expired'],
  [413, 'RequestEntityTooLarge'],
  [415, 'UnsupportedMediaType'],
  [422, 'Invalid'],
  [429, 'TooManyRequests'],
  [500, 'InternalError'],
  [503, 'ServiceUnavailable'],
  [504, 'Timeout'],
]);

function isReason(value: unknown): value is StatusReason {
  return typeof value === 'string' && Object.hasOwn(STATUS_REASONS, value);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The reason an HTTP `code` stands for when the server says nothing more (5xx → InternalError, other 4xx → BadRequest). */
export function reasonOfCode(code: number): StatusReason {
  return REASON_BY_CODE.get(code) ?? (code >= 500 ? 'InternalError' : 'BadRequest');
}

/**
 * The StatusError for a `Status`-shaped value, or `undefined` when `value`
 * is not one. An unknown reason is replaced by the reason of the code; the
 * server's code is kept. `retryAfterSeconds` overrides the details' (from a
 * `Retry-After` header).
 */
export function statusFromObject(value: unknown, fallbackCode: number, retryAfterSeconds?: number): StatusError | undefined {
  if (!isRecord(value) || value['kind'] !== 'Status') return undefined;
  const rawCode = value['code'];
  const code = typeof rawCode === 'number' && Number.isInteger(rawCode) && rawCode >= 100 && rawCode <= 599 ? rawCode : fallbackCode;
  const reason = isReason(value['reason']) ? value['reason'] : reasonOfCode(code);
  const message = typeof value['message'] === 'string' ? value['message'] : `the server responded with the status code ${code} but did not return more information`;
  const details = sanitizeDetails(value['details'], retryAfterSeconds);
  const metadata = sanitizeMetadata(value['metadata']);
  return new StatusError(reason, message, {
    code,
    ...(details === undefined ? {} : { details }),
    ...(metadata === undefined ? {} : { metadata }),
  });
}

/** The StatusError for a non-2xx response: its Status body, or the reason of its code (apimachinery `NewGenericServerResponse`). */
export function statusFromResponse(code: number, body: string, retryAfterSeconds?: number): StatusError {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body) as unknown;
  } catch {
    parsed = undefined;
  }
  const fromBody = statusFromObject(parsed, code, retryAfterSeconds);
  if (fromBody !== undefined) return fromBody;
  const reason = reasonOfCode(code);
  const message =
    code === 410 ? 'the server reported that the requested resourceVersion is gone (410) without a Status' : `the server responded with the status code ${code} but did not return more information`;
  return new StatusError(reason, message, { code, ...(retryAfterSeconds === undefined ? {} : { details: { retryAfterSeconds } }) });
}

/** InternalError 500 for a response that breaks the protocol (a list without items, garbage in a watch). */
export function protocolError(message: string, cause?: unknown): StatusError {
  return internalError(message, cause);
}

/** Seconds from a `Retry-After` header (delta-seconds only, as client-go reads it), or undefined. */
export function parseRetryAfter(header: string | string[] | undefined): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || !/^\s*\d{1,9}\s*$/.test(value)) return undefined;
  return Number(value.trim());
}

function sanitizeDetails(value: unknown, retryAfterSeconds: number | undefined): StatusDetails | undefined {
  const details: { -readonly [K in keyof StatusDetails]: StatusDetails[K] } = {};
  if (isRecord(value)) {
    for (const field of ['name', 'group', 'kind', 'uid'] as const) {
      const v = value[field];
      if (typeof v === 'string') details[field] = v;
    }
    const causes = value['causes'];
    if (Array.isArray(causes)) {
      details.causes = causes.filter(isRecord).map((cause) => ({
        ...(typeof cause['reason'] === 'string' ? { reason: cause['reason'] } : {}),
        ...(typeof cause['message'] === 'string' ? { message: cause['message'] } : {}),
        ...(typeof cause['field'] === 'string' ? { field: cause['field'] } : {}),
      }));
    }
    const retry = value['retryAfterSeconds'];
    if (typeof retry === 'number' && Number.isInteger(retry) && retry >= 0) details.retryAfterSeconds = retry;
  }
  if (retryAfterSeconds !== undefined) details.retryAfterSeconds = retryAfterSeconds;
  return Object.keys(details).length === 0 ? undefined : details;
}

function sanitizeMetadata(value: unknown): StatusListMeta | undefined {
  if (!isRecord(value) || typeof value['continue'] !== 'string' || value['continue'] === '') return undefined;
  return { continue: value['continue'] };
}
