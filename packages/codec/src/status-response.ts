import type { ServerResponse } from 'node:http';
import { internalError, isStatusError, type StatusError } from '@apiserver-kit/core';
import type { Encoder } from './encoder.js';
import type { KubeObject } from './object.js';
import { SpliceBuffer } from './splice-buffer.js';

/**
 * The `StatusError` a host answers for `error`: itself when it is one, else
 * InternalError 500 naming it (a bug must not leak a stack trace, nor close
 * the connection without an answer).
 */
export function toStatusError(error: unknown): StatusError {
  return isStatusError(error) ? error : internalError(error instanceof Error ? error.message : String(error), error);
}

/**
 * Answers a failed request the way Kubernetes' `ErrorNegotiated` does: the
 * error's `Status` in `encoder`'s format with the error's HTTP code, and a
 * `Retry-After` header when the Status carries `retryAfterSeconds` (429, 504).
 * Any other error is InternalError 500. When the response has already
 * started (headers sent), it is destroyed instead: a half-written body cannot
 * be turned into a Status.
 *
 * @param encoder The negotiated encoder (JSON when the client's `Accept`
 *   could not be met: a 406 is itself written as JSON, as Kubernetes does).
 * @returns The StatusError that was written.
 */
export function writeStatusResponse(response: ServerResponse, error: unknown, encoder: Encoder, headers: Readonly<Record<string, string>> = {}): StatusError {
  const status = toStatusError(error);
  if (response.headersSent) {
    response.destroy();
    return status;
  }
  const body = new SpliceBuffer();
  let contentType = encoder.mediaType;
  try {
    encoder.encode(status.toStatus() as unknown as KubeObject, body);
  } catch {
    // A format that cannot carry a Status (none of ours): JSON always can.
    body.take();
    body.writeString(JSON.stringify(status.toStatus()));
    contentType = 'application/json';
  }
  response.setHeader('Content-Type', contentType);
  for (const [name, value] of Object.entries(headers)) response.setHeader(name, value);
  const retryAfter = status.retryAfterSeconds;
  if (retryAfter !== undefined && Number.isSafeInteger(retryAfter) && retryAfter >= 0) response.setHeader('Retry-After', String(retryAfter));
  response.setHeader('Cache-Control', 'no-cache, private');
  const bytes = body.toBuffer();
  response.setHeader('Content-Length', bytes.byteLength);
  response.statusCode = status.code;
  response.end(bytes);
  return status;
}
