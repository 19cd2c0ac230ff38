/**
 * One request against a Kubernetes-style server over `node:http` (or
 * `node:https`), with client-go's handling of throttling: a 429, or a 5xx
 * carrying `Retry-After`, is retried after the time the server asks for, up
 * to a bound (client-go `checkWait` / `maxRetries`; the server did not act on
 * a throttled request, so a write is retried too, as client-go does). Every
 * failure comes out as a StatusError; an abort rejects with the signal's reason.
 */
import { request as plainRequest, type Agent, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { type ProtobufEncoder, StatusError } from '@apiserver-kit/codec';
import { type Clock, sleep } from '@apiserver-kit/core';
import { parseRetryAfter, statusFromObject, statusFromResponse } from './http-status.js';
import { isProtobuf } from './http-wire.js';

/** The most bytes of an error response read to find its Status (the rest is dropped). */
const MAX_ERROR_BODY_BYTES = 1 << 20;

/** What every request of one client (a lister-watcher, a connection) shares. */
export interface HttpClientConfig {
  /** Sent with every request (after the defaults `accept: application/json` and `accept-encoding: gzip`). */
  readonly headers: Readonly<Record<string, string>>;
  /** An `https.Agent` carries the TLS settings (CA, client certificate) of an https URL. */
  readonly agent: Agent | undefined;
  readonly clock: Clock;
  /** Retries of a throttled request (429, or 5xx with Retry-After). */
  readonly maxRetries: number;
  /** Decodes a protobuf error answer's Status (a server answers errors in the negotiated format); without it only the code's reason is known. */
  readonly protobuf?: ProtobufEncoder | undefined;
}

/** A 2xx response: its (decompressed) body stream, to read or destroy. */
export interface OkResponse {
  readonly status: number;
  /** The `content-type` header, lower case, without parameters other than as sent (`''` when absent). */
  readonly contentType: string;
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
export async function httpGet(url: URL, config: HttpClientConfig, signal: AbortSignal | undefined, headers?: Readonly<Record<string, string>>): Promise<OkResponse> {
  return httpRequest(url, config, { method: 'GET', headers, signal });
}

/** One request of {@link httpRequest}. */
export interface HttpRequestInit {
  /** @default 'GET' */
  readonly method?: string | undefined;
  /** Headers of this request only (after the config's). */
  readonly headers?: Readonly<Record<string, string>> | undefined;
  /** The body, sent with its `content-length` (set `content-type` in `headers`). */
  readonly body?: Uint8Array | undefined;
  readonly signal?: AbortSignal | undefined;
}

/**
 * Sends one request; resolves with the body of a 2xx answer.
 *
 * @throws StatusError as {@link httpGet}.
 */
export async function httpRequest(url: URL, config: HttpClientConfig, init: HttpRequestInit = {}): Promise<OkResponse> {
  const signal = init.signal;
  for (let attempt = 0; ; attempt++) {
    signal?.throwIfAborted();
    const response = await send(url, config, init);
    const status = response.statusCode ?? 0;
    if (status >= 200 && status < 300) return ok(response, status);
    const retryAfter = parseRetryAfter(response.headers['retry-after']);
    const body = await readSome(response, MAX_ERROR_BODY_BYTES);
    const error = errorOf(status, String(response.headers['content-type'] ?? ''), body, retryAfter, config.protobuf);
    const throttled = status === 429 || (status >= 500 && retryAfter !== undefined);
    if (!throttled || retryAfter === undefined || attempt >= config.maxRetries) throw error;
    // The server said when to come back: wait that long rather than the caller's own backoff.
    await sleep(config.clock, retryAfter * 1000, signal);
  }
}

function send(url: URL, config: HttpClientConfig, init: HttpRequestInit): Promise<IncomingMessage> {
  const signal = init.signal;
  const body = init.body;
  return new Promise<IncomingMessage>((resolve, reject) => {
    const request = (url.protocol === 'https:' ? httpsRequest : plainRequest)(url, {
      method: init.method ?? 'GET',
      headers: {
        accept: 'application/json',
        'accept-encoding': 'gzip',
        ...config.headers,
        ...init.headers,
        ...(body === undefined ? {} : { 'content-length': String(body.byteLength) }),
      },
      ...(config.agent === undefined ? {} : { agent: config.agent }),
      ...(signal === undefined ? {} : { signal }),
    });
    request.on('response', resolve);
    request.on('error', (error: Error) => {
      if (signal?.aborted === true) reject(signal.reason);
      else reject(new StatusError('ServiceUnavailable', `the server could not be reached: ${error.message}`, { cause: error }));
    });
    request.end(body);
  });
}

function ok(response: IncomingMessage, status: number): OkResponse {
  const encoding = String(response.headers['content-encoding'] ?? '').trim().toLowerCase();
  const contentType = String(response.headers['content-type'] ?? '').trim().toLowerCase();
  if (encoding !== 'gzip') return { status, contentType, body: response, destroy: () => response.destroy() };
  const gunzip = createGunzip();
  // A reset connection surfaces on the gunzip stream, where the reader sees it.
  response.on('error', (error) => gunzip.destroy(error));
  response.pipe(gunzip);
  return {
    status,
    contentType,
    body: gunzip,
    destroy: () => {
      gunzip.destroy();
      response.destroy();
    },
  };
}

/** The StatusError of a non-2xx answer: its Status (JSON, or protobuf when a codec is at hand), or the reason of its code. */
function errorOf(status: number, contentType: string, body: Buffer, retryAfter: number | undefined, protobuf: ProtobufEncoder | undefined): StatusError {
  if (protobuf !== undefined && isProtobuf(contentType)) {
    let decoded: unknown;
    try {
      decoded = protobuf.decode(body);
    } catch {
      decoded = undefined;
    }
    const fromBody = statusFromObject(decoded, status, retryAfter);
    if (fromBody !== undefined) return fromBody;
  }
  return statusFromResponse(status, body.toString('utf8'), retryAfter);
}

/** Up to `limit` bytes of `response` (never rejects: a broken body reads as what arrived). */
async function readSome(response: IncomingMessage, limit: number): Promise<Buffer> {
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
  return Buffer.concat(chunks).subarray(0, limit);
}

/** The whole body as a Buffer. @throws the stream's error (the caller maps it). */
export async function readAll(body: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}
