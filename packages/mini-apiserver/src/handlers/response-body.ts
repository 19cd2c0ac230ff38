/**
 * A response body that decides on compression when its first bytes arrive,
 * as Kubernetes' `deferredResponseWriter` (endpoints/handlers/responsewriters)
 * does: a first write larger than 128 KiB to a client that accepts gzip is
 * compressed, anything smaller is sent as is. Streamed lists hand it their
 * first batch (up to the list encoder's flush size), so a small list goes out
 * plain and a large one compressed, without building the list to measure it.
 *
 * Headers are held back until that decision, so a failure before the first
 * write can still be answered with a Status.
 */
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { Writable } from 'node:stream';
import { constants, createGzip } from 'node:zlib';

/** Kubernetes' `defaultGzipThresholdBytes`. */
export const GZIP_THRESHOLD_BYTES: number = 128 * 1024;

/** Whether the client accepts gzip (`Accept-Encoding: gzip`, not `gzip;q=0`). */
export function acceptsGzip(request: IncomingMessage): boolean {
  const header = request.headers['accept-encoding'];
  if (header === undefined) return false;
  for (const part of header.split(',')) {
    const [coding, ...params] = part.trim().split(';');
    if (coding?.trim().toLowerCase() !== 'gzip') continue;
    return !params.some((param) => /^\s*q\s*=\s*0(\.0*)?\s*$/.test(param));
  }
  return false;
}

/** A Writable over a response that starts it (status, headers, maybe gzip) on its first write. */
export class ResponseBody extends Writable {
  readonly #response: ServerResponse;
  readonly #statusCode: number;
  readonly #headers: OutgoingHttpHeaders;
  readonly #gzipAllowed: boolean;
  #target: Writable | undefined;

  constructor(response: ServerResponse, statusCode: number, headers: OutgoingHttpHeaders, gzipAllowed: boolean) {
    super({ highWaterMark: 64 * 1024 });
    this.#response = response;
    this.#statusCode = statusCode;
    this.#headers = headers;
    this.#gzipAllowed = gzipAllowed;
    // The client went away: a streaming writer waiting on 'drain' sees the close (no error event: nobody need listen).
    response.once('close', () => {
      if (!this.destroyed) this.destroy();
    });
  }

  /** Whether the response has started (a failure now can no longer become a Status). */
  get isStarted(): boolean {
    return this.#target !== undefined;
  }

  #start(firstBytes: number, knownLength: number | undefined): Writable {
    const response = this.#response;
    const headers: OutgoingHttpHeaders = { ...this.#headers };
    if (this.#gzipAllowed && firstBytes > GZIP_THRESHOLD_BYTES) {
      headers['Content-Encoding'] = 'gzip';
      headers['Vary'] = 'Accept-Encoding';
      response.writeHead(this.#statusCode, headers);
      // Level 1 (BestSpeed), as Kubernetes' gzip writer: a list is CPU-bound, not bandwidth-bound, on a LAN.
      const gzip = createGzip({ level: constants.Z_BEST_SPEED });
      gzip.pipe(response);
      gzip.on('error', () => response.destroy());
      this.#target = gzip;
    } else {
      if (knownLength !== undefined) headers['Content-Length'] = knownLength;
      response.writeHead(this.#statusCode, headers);
      this.#target = response;
    }
    return this.#target;
  }

  /** Writes a whole body at once (its length known: sent with Content-Length unless compressed). */
  async writeAll(chunks: readonly Uint8Array[]): Promise<void> {
    let total = 0;
    for (const chunk of chunks) total += chunk.byteLength;
    const target = this.#start(total, total);
    if (target === this.#response) {
      target.cork();
      for (const chunk of chunks) target.write(chunk);
      target.uncork();
      target.end();
      return;
    }
    for (const chunk of chunks) target.write(chunk);
    target.end();
  }

  override _writev(chunks: { chunk: Buffer }[], callback: (error?: Error | null) => void): void {
    let total = 0;
    for (const { chunk } of chunks) total += chunk.byteLength;
    const target = this.#target ?? this.#start(total, undefined);
    let ready = true;
    target.cork();
    for (const { chunk } of chunks) ready = target.write(chunk);
    target.uncork();
    if (ready) callback();
    else target.once('drain', () => callback());
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this._writev([{ chunk }], callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    const target = this.#target ?? this.#start(0, 0);
    target.end();
    callback();
  }
}
