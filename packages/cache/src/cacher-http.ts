/**
 * Streams a watch into an HTTP response: the framed bytes of each event
 * (shared, encoded once per version and format) spliced into the socket in
 * batches, waiting for `'drain'` whenever the socket is full, so a slow
 * client holds back only its own watcher — whose bounded queue then makes the
 * Cacher shed it (a clean end) rather than buffer without limit.
 *
 * ```
 *   CacheWatcher ──tryNext()* (up to maxBatch ready events)──▶ [framed, framed, …]
 *        ▲                                                         │ writeChunks: cork, writev, uncork
 *        └──── await next() when caught up ◀── await 'drain' ◀─────┘
 *   end: watcher done (closed / timeoutSeconds / shed) → end()   (clean, chunked terminator)
 *        watcher failed (Expired on a relist, …) → ERROR event with the Status → end()
 *        client disconnected ('close')           → watcher closed, nothing more written
 *        watch ended, client not reading         → after drainGraceMs: response destroyed
 * ```
 */
import { BACKGROUND_TIMER as BACKGROUND } from '@apiserver-kit/core';
import type { ServerResponse } from 'node:http';
import type { Writable } from 'node:stream';
import { type CachingWatchEvent, type Encoder, errorEvent, type StatusError, toStatusError, type WatchEventEncoder, writeChunks } from '@apiserver-kit/codec';
import { type Clock, systemClock, type Timer } from '@apiserver-kit/storage';
import type { CacheWatcher } from './cache-watcher.js';
import { checkDuration, checkInteger } from '@apiserver-kit/core';

/** Options of {@link writeWatchResponse}. */
export interface WatchResponseOptions {
  /** The most ready events written in one batch (one writev). @default 128 */
  readonly maxBatch?: number | undefined;
  /** Told about a failure before it is sent to the client as an ERROR event. A throw here is ignored (the event is still sent). */
  readonly onError?: ((error: StatusError) => void) | undefined;
  /** Time for {@link drainGraceMs}; @default systemClock */
  readonly clock?: Clock | undefined;
  /**
   * Once the watch has ended (its `timeoutSeconds`, shed, the Cacher stopped,
   * or a failure to send), how long a write may still wait for a client that
   * stopped reading to drain the socket, in milliseconds; then the response
   * is destroyed, so a stalled client never holds its connection past its
   * deadline. @default 1000
   */
  readonly drainGraceMs?: number | undefined;
  /**
   * The bytes of one event, when they are not the shared frame (`event.framed(encoder)`):
   * e.g. a server-side Table per event, which is per watcher. Called once per event, in order;
   * a throw fails the watch with an ERROR event. @default the shared frame
   */
  readonly frame?: ((event: CachingWatchEvent, encoder: Encoder) => Uint8Array) | undefined;
}

/** How a streamed watch ended. */
export interface WatchResponseResult {
  /**
   * `done`: the watch ended cleanly (closed, `timeoutSeconds`); `shed`: it
   * ended cleanly because the client could not keep up (the client resumes
   * from its last resourceVersion); `failed`: an ERROR event was sent;
   * `disconnected`: the client went away; `stalled`: the watch ended while
   * the client was not reading, and the response was destroyed after
   * `drainGraceMs`.
   */
  readonly reason: 'done' | 'shed' | 'failed' | 'disconnected' | 'stalled';
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
 * Which failures are what: errors thrown by `Cacher.watch` (bad parameters
 * 400/422, too old resourceVersion 410, not ready, Timeout 504) come before
 * the stream — answer them with their HTTP status, or with
 * {@link writeWatchError} for Kubernetes' shape of a watch that fails once
 * accepted. A failure of the watcher's iteration (e.g. Expired 410 when the
 * cache relists) is sent here as one ERROR event of the 200 stream. A shed
 * watcher and a deadline end the stream cleanly.
 *
 * Costs: no copy of event bytes (the shared frames are handed to `writev`);
 * memory per connection is one batch of references plus what the socket
 * buffers up to its high-water mark.
 *
 * @throws RangeError/TypeError for a bad `maxBatch` or `drainGraceMs` (synchronously, before any write).
 */
export function writeWatchResponse(watcher: CacheWatcher, response: Writable | ServerResponse, encoder: WatchEventEncoder, options: WatchResponseOptions = {}): Promise<WatchResponseResult> {
  const maxBatch = options.maxBatch ?? 128;
  checkInteger('maxBatch', maxBatch, 1);
  const drainGraceMs = options.drainGraceMs ?? 1000;
  checkDuration('drainGraceMs', drainGraceMs);
  const clock = options.clock ?? systemClock;
  return stream(watcher, response, encoder, maxBatch, options.onError, clock, drainGraceMs, options.frame ?? sharedFrame).catch((error: unknown) => {
    // Nothing above is meant to throw; should it (a host's stream or encoder), the response must not stay open.
    watcher.close();
    response.destroy();
    return { reason: 'failed' as const, events: 0, error: toStatusError(error) };
  });
}

/**
 * Writes a watch that failed after it was accepted the way Kubernetes does
 * (cacher.go answers with an error watcher, `newErrWatcher`): HTTP 200 with
 * the watch media type, one ERROR event carrying `error`'s Status, and the end
 * of the stream. Use it for failures a host meets after it has validated the
 * request and decided to watch; validation failures (400 BadRequest, 422
 * Invalid) are plain HTTP errors before any stream. A non-StatusError becomes
 * InternalError 500 in the event. Resolves once written (never rejects; a
 * client gone meanwhile is ignored).
 */
export async function writeWatchError(response: Writable | ServerResponse, error: unknown, encoder: WatchEventEncoder): Promise<void> {
  try {
    if (isServerResponse(response) && !response.headersSent) {
      response.writeHead(200, { 'Content-Type': encoder.mediaType, 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
    }
    await writeChunks(response, [errorEvent(toStatusError(error)).framed(encoder.encoder)]);
    response.end();
  } catch {
    response.destroy();
  }
}


function sharedFrame(event: CachingWatchEvent, encoder: Encoder): Uint8Array {
  return event.framed(encoder);
}

async function stream(
  watcher: CacheWatcher,
  response: Writable | ServerResponse,
  encoder: WatchEventEncoder,
  maxBatch: number,
  onError: ((error: StatusError) => void) | undefined,
  clock: Clock,
  drainGraceMs: number,
  frame: (event: CachingWatchEvent, encoder: Encoder) => Uint8Array,
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
  // Once the watch has ended, a write parked on 'drain' gets `drainGraceMs`, then the response is destroyed.
  let ended = false;
  let parked: ((outcome: 'stalled') => void) | undefined;
  let graceTimer: Timer | undefined;
  const startGrace = (): void => {
    graceTimer ??= clock.setTimer(() => parked?.('stalled'), drainGraceMs, BACKGROUND);
  };
  void watcher.onStopped().then(() => {
    ended = true;
    if (parked !== undefined) startGrace();
  });
  /** Writes a batch: `ok` once the socket takes more, `gone` when the client went away, `stalled` when it was destroyed (see above). */
  const write = async (chunks: readonly Uint8Array[]): Promise<'ok' | 'gone' | 'stalled'> => {
    const pending = writeChunks(response, chunks).then(
      () => 'ok' as const,
      () => 'gone' as const,
    );
    // Under the high-water mark (the usual case) writeChunks has already settled: no race, no timer.
    if (!response.writableNeedDrain || response.destroyed) return pending;
    const stall = new Promise<'stalled'>((resolve) => {
      parked = resolve;
      if (ended) startGrace();
    });
    const outcome = await Promise.race([pending, stall]);
    parked = undefined;
    graceTimer?.cancel();
    graceTimer = undefined;
    if (outcome === 'stalled') response.destroy();
    return outcome;
  };
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
          batch.push(frame(event, framing));
        }
        if (batch.length === 0) {
          if (watcher.isDone) finished = true;
          else {
            const result = await watcher.next();
            if (result.done === true) finished = true;
            else batch.push(frame(result.value, framing));
          }
        }
      } catch (error) {
        failure = error;
      }
      if (disconnected) return { reason: 'disconnected', events };
      if (batch.length > 0) {
        events += batch.length;
        const outcome = await write(batch.splice(0));
        if (outcome !== 'ok') {
          watcher.close();
          return { reason: outcome === 'stalled' ? 'stalled' : 'disconnected', events };
        }
      }
      if (failure !== undefined) {
        const status = toStatusError(failure);
        try {
          onError?.(status);
        } catch {
          // A host's callback must not keep the client from its ERROR event, nor leave the response open.
        }
        events++;
        const outcome = await write([errorEvent(status).framed(framing)]);
        if (outcome !== 'ok') return { reason: outcome === 'stalled' ? 'stalled' : 'disconnected', events };
        response.end();
        return { reason: 'failed', events, error: status };
      }
      if (finished) {
        response.end();
        return { reason: watcher.isShed ? 'shed' : 'done', events };
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
