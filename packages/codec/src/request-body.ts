import type { IncomingMessage } from 'node:http';
import { badRequest, nonNegativeInteger, requestEntityTooLarge } from '@apiserver-kit/core';

/** Options of {@link readRequestBody}. */
export interface ReadRequestBodyOptions {
  /** The largest body accepted, in bytes (Kubernetes' apiserver: 3 MiB). */
  readonly limitBytes: number;
}

/**
 * Reads a request body of at most `limitBytes`, as Kubernetes' apiserver
 * limits its bodies: a `Content-Length` above the limit is refused before a
 * byte is read, and a body without one (chunked) is cut off as soon as it
 * passes the limit, so an oversized body never sits in memory whole.
 *
 * On a refusal the rest of the body is not read: the caller should answer
 * with `Connection: close` (the unread bytes make the connection unusable).
 * Chunks are kept by reference and concatenated once at the end.
 *
 * @throws StatusError RequestEntityTooLarge 413 (from the header or the
 *   stream); BadRequest 400 for a malformed `Content-Length`, a body shorter
 *   than it, or a client that went away mid-body.
 * @throws TypeError / RangeError for a `limitBytes` that is not a non-negative integer.
 */
export function readRequestBody(request: IncomingMessage, options: ReadRequestBodyOptions): Promise<Uint8Array> {
  const limitBytes = nonNegativeInteger('limitBytes', options.limitBytes);
  const header = request.headers['content-length'];
  if (header !== undefined) {
    if (!/^\d+$/.test(header)) return Promise.reject(badRequest(`invalid Content-Length ${JSON.stringify(header)}`));
    const declared = Number(header);
    if (declared > limitBytes) return Promise.reject(requestEntityTooLarge(limitBytes, declared));
  }
  return new Promise<Uint8Array>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    const cleanup = (): void => {
      request.off('data', onData);
      request.off('end', onEnd);
      request.off('error', onError);
      request.off('aborted', onAborted);
    };
    const onData = (chunk: Buffer): void => {
      total += chunk.byteLength;
      if (total > limitBytes) {
        cleanup();
        // Stop reading: what follows is the client's problem, answered with Connection: close.
        request.pause();
        reject(requestEntityTooLarge(limitBytes, total));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      cleanup();
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total));
    };
    const onError = (error: Error): void => {
      cleanup();
      reject(badRequest(`error reading the request body: ${error.message}`, error));
    };
    const onAborted = (): void => onError(new Error('the client went away'));
    request.on('data', onData);
    request.on('end', onEnd);
    request.on('error', onError);
    request.on('aborted', onAborted);
  });
}
