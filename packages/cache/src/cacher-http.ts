/**
 * Streams a watch into an HTTP response: the framed bytes of each event
 * (shared, encoded once per version and format) spliced into the socket in
 * batches, waiting for `'drain'` whenever the socket is full, so a slow
 * client holds back only its own watcher — whose bounded queue then makes the
 * Cacher terminate it rather than buffer without limit.
 *
 * ```
 *   CacheWatcher ──tryNext()* (up to maxBatch ready events)──▶ [framed, framed, …]
 *        ▲                                                         │ writeChunks: cork, writev, uncork
 *        └──── await next() when caught up ◀── await 'drain' ◀─────┘
 *   end: watcher done (closed / timeoutSeconds) → end()          (clean, chunked terminator)
 *        watcher failed (Gone, Expired, …)     → ERROR event with the Status → end()
 *        client disconnected ('close')         → watcher closed, nothing more written
 * ```
 */
import type { ServerResponse } from 'node:http';
import type { Writable } from 'node:stream';
import { errorEvent, internalError, isStatusError, type StatusError, type WatchEventEncoder, writeChunks } from '@apiserver-kit/codec';
import type { CacheWatcher } from './cache-watcher.js';
import { checkInteger } from '@apiserver-kit/core';

/** Options of {@link writeWatchResponse}. */
export interface WatchResponseOptions {
  /** The most ready events written in one batch (one writev). @default 128 */
  readonly maxBatch?: number;
  /** Told about a failure before it is sent to the client as an ERROR event. */
  readonly onError?: (error: StatusError) => void;
}

/** How a streamed watch ended. */
export interface WatchResponseResult {
  /** `done`: the watch ended (closed, timeout); `failed`: an ERROR event was sent; `disconnected`: the client went away. */
  readonly reason: 'done' | 'failed' | 'disconnected';
  /** Events written (the ERROR event included). */
  readonly events: number;
  /** The failure sent, for `failed`. */
  readonly error?: StatusError;
}

/**
 * Streams `watcher` to `response` in `encoder`'s watch format until the watch
 * ends or the client disconnects; resolves (never rejects) with how it ended.
 * For a `ServerResponse` whose headers are not sent yet, writes status 200
 * with the watch media type (chunked: no Content-Length) and flushes them at
 * once, as Kubernetes does, so the client sees the watch open before the
 * first event. Closes the watcher in every case.
 *
 * Costs: no copy of event bytes (the shared frames are handed to `writev`);
 * memory per connection is one batch of references plus what the socket
 * buffers up to its high-water mark.
 *
 * @throws RangeError for a bad `maxBatch` (synchronously, before any write).
 */
export function writeWatchResponse(watcher: CacheWatcher, response: Writable | ServerResponse, encoder: WatchEventEncoder, options: WatchResponseOptions = {}): Promise<WatchResponseResult> {
  const maxBatch = options.maxBatch ?? 128;
  checkInteger('maxBatch', maxBatch, 1);
  return stream(watcher, response, encoder, maxBatch, options.onError);
}

async function stream(
  watcher: CacheWatcher,
  response: Writable | ServerResponse,
  encoder: WatchEventEncoder,
  maxBatch: number,
  onError: ((error: StatusError) => void) | undefined,
): Promise<WatchResponseResult> {
  let disconnected = false;
  const onClose = (): void => {
    if (!response.writableFinished) {
      disconnected = true;
      watcher.close();
    }
  };
  response.on('close', onClose);
  if (response.destroyed) onClose();
  let events = 0;
  try {
    if (!disconnected && isServerResponse(response) && !response.headersSent) {
      response.writeHead(200, { 'Content-Type': encoder.mediaType, 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
      response.flushHeaders();
    }
    const framing = encoder.encoder;
    const batch: Uint8Array[] = [];
    for (;;) {
      if (disconnected) return { reason: 'disconnected', events };
      let failure: unknown;
      let finished = false;
      try {
        for (let event = watcher.tryNext(); event !== undefined; event = batch.length < maxBatch ? watcher.tryNext() : undefined) {
          batch.push(event.framed(framing));
        }
        if (batch.length === 0) {
          if (watcher.isDone) finished = true;
          else {
            const result = await watcher.next();
            if (result.done === true) finished = true;
            else batch.push(result.value.framed(framing));
          }
        }
      } catch (error) {
        failure = error;
      }
      if (disconnected) return { reason: 'disconnected', events };
      if (batch.length > 0) {
        events += batch.length;
        const chunks = batch.splice(0);
        try {
          await writeChunks(response, chunks);
        } catch {
          watcher.close();
          return { reason: 'disconnected', events };
        }
      }
      if (failure !== undefined) {
        const status = isStatusError(failure) ? failure : internalError(failure instanceof Error ? failure.message : String(failure), failure);
        onError?.(status);
        events++;
        try {
          await writeChunks(response, [errorEvent(status).framed(framing)]);
        } catch {
          return { reason: 'disconnected', events };
        }
        response.end();
        return { reason: 'failed', events, error: status };
      }
      if (finished) {
        response.end();
        return { reason: 'done', events };
      }
    }
  } finally {
    watcher.close();
    response.off('close', onClose);
  }
}

function isServerResponse(response: Writable | ServerResponse): response is ServerResponse {
  return typeof (response as Partial<ServerResponse>).writeHead === 'function' && 'headersSent' in response;
}
