/**
 * One GET against a Kubernetes-style server over `node:http` (or
 * `node:https`), with client-go's handling of throttling: a 429, or a 5xx
 * carrying `Retry-After`, is retried after the time the server asks for, up
 * to a bound (client-go `checkWait` / `maxRetries`). Every failure comes out
 * as a StatusError; an abort rejects with the signal's reason.
 */
import { request as httpRequest, type Agent, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { StatusError } from '@apiserver-kit/codec';
import { type Clock, sleep } from '@apiserver-kit/core';
import { parseRetryAfter, statusFromResponse } from './http-status.js';

/** The most bytes of an error response read to find its Status (the rest is dropped). */
const MAX_ERROR_BODY_BYTES = 1 << 20;

/** What every request of one lister-watcher shares. */
export interface HttpClientConfig {
  readonly headers: Readonly<Record<string, string>>;
  readonly agent: Agent | undefined;
  readonly clock: Clock;
  /** Retries of a throttled request (429, or 5xx with Retry-After). */
  readonly maxRetries: number;
}

/** A 2xx response: its (decompressed) body stream, to read or destroy. */
export interface OkResponse {
  readonly status: number;
  readonly body: Readable;
  /** Frees the connection (idempotent). */
  destroy(): void;
}

/**
 * GETs `url`; resolves with the body of a 2xx answer.
 *
 * @throws StatusError of the server's Status (or the reason of its code) for
 *   a non-2xx answer — after the Retry-After retries for a throttled one,
 *   with `retryAfterSeconds` set; ServiceUnavailable 503 when the server
 *   cannot be reached; the signal's reason when aborted.
 */
export async function httpGet(url: URL, config: HttpClientConfig, signal: AbortSignal | undefined): Promise<OkResponse> {
  for (let attempt = 0; ; attempt++) {
    signal?.throwIfAborted();
    const response = await send(url, config, signal);
    const status = response.statusCode ?? 0;
    if (status >= 200 && status < 300) return ok(response, status);
    const retryAfter = parseRetryAfter(response.headers['retry-after']);
    const body = await readSome(response, MAX_ERROR_BODY_BYTES);
    const error = statusFromResponse(status, body, retryAfter);
    const throttled = status === 429 || (status >= 500 && retryAfter !== undefined);
    if (!throttled || retryAfter === undefined || attempt >= config.maxRetries) throw error;
    // The server said when to come back: wait that long rather than the caller's own backoff.
    await sleep(config.clock, retryAfter * 1000, signal);
  }
}

function send(url: URL, config: HttpClientConfig, signal: AbortSignal | undefined): Promise<IncomingMessage> {
  return new Promise<IncomingMessage>((resolve, reject) => {
    const request = (url.protocol === 'https:' ? httpsRequest : httpRequest)(url, {
      method: 'GET',
      headers: { accept: 'application/json', 'accept-encoding': 'gzip', ...config.headers },
      ...(config.agent === undefined ? {} : { agent: config.agent }),
      ...(signal === undefined ? {} : { signal }),
    });
    request.on('response', resolve);
    request.on('error', (error: Error) => {
      if (signal?.aborted === true) reject(signal.reason);
      else reject(new StatusError('ServiceUnavailable', `the server could not be reached: ${error.message}`, { cause: error }));
    });
    request.end();
  });
}

function ok(response: IncomingMessage, status: number): OkResponse {
  const encoding = String(response.headers['content-encoding'] ?? '').trim().toLowerCase();
  if (encoding !== 'gzip') return { status, body: response, destroy: () => response.destroy() };
  const gunzip = createGunzip();
  // A reset connection surfaces on the gunzip stream, where the reader sees it.
  response.on('error', (error) => gunzip.destroy(error));
  response.pipe(gunzip);
  return {
    status,
    body: gunzip,
    destroy: () => {
      gunzip.destroy();
      response.destroy();
    },
  };
}

/** Up to `limit` bytes of `response` as UTF-8 (never rejects: a broken body reads as what arrived). */
async function readSome(response: IncomingMessage, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  try {
    for await (const chunk of response as AsyncIterable<Buffer>) {
      chunks.push(chunk);
      bytes += chunk.length;
      if (bytes >= limit) break;
    }
  } catch {
    // What arrived is all there is to decode.
  } finally {
    response.destroy();
  }
  return Buffer.concat(chunks).subarray(0, limit).toString('utf8');
}

/** The whole body as a Buffer. @throws the stream's error (the caller maps it). */
export async function readAll(body: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}
