/**
 * Reads one HTTP watch stream as Kubernetes writes it — concatenated JSON
 * events, or length-delimited protobuf frames — into checked
 * `{ type, object }` events, with client-go's end-of-stream rules (its
 * `StreamWatcher`): an ERROR event is the Status it carries, thrown; bytes
 * that do not decode are InternalError 500; a connection reset, a broken
 * gzip stream or a trailing partial event is a clean end (a probable EOF:
 * the caller resumes from its last revision); an abort is a clean end.
 */
import type { ProtobufEncoder } from '@apiserver-kit/codec';
import { isStatusError } from '@apiserver-kit/codec';
import { httpRequest, type HttpClientConfig, type OkResponse } from './http-request.js';
import { protocolError, statusFromObject } from './http-status.js';
import { acceptFor, type WatchDecoder, watchDecoderFor, type WireFormat } from './http-wire.js';

/** One event of a watch stream, checked: a known type and an object with metadata. */
export interface RawWatchEvent {
  readonly type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK';
  readonly object: Record<string, unknown> & { readonly metadata: Record<string, unknown> };
}

/** Options of {@link httpWatchEvents}. */
export interface HttpWatchOptions {
  readonly format: WireFormat;
  /** The protobuf codec (needed when `format` is protobuf). */
  readonly protobuf: ProtobufEncoder | undefined;
  /** The largest event accepted, in bytes. */
  readonly maxEventBytes: number;
  /** Ends the watch (the iteration then ends cleanly). */
  readonly signal: AbortSignal;
}

/**
 * Opens the watch at `url` (with `watch=true` already in it) and yields its events.
 *
 * @throws StatusError: the answer's Status for a non-2xx answer (after the
 *   Retry-After retries), an ERROR event's Status, ServiceUnavailable 503
 *   when the server cannot be reached, InternalError 500 for a stream that
 *   does not decode.
 */
export async function* httpWatchEvents(url: URL, config: HttpClientConfig, options: HttpWatchOptions): AsyncGenerator<RawWatchEvent, void, undefined> {
  const { signal } = options;
  if (signal.aborted) return;
  const accept = acceptFor(options.format, true);
  let response: OkResponse;
  try {
    response = await httpRequest(url, config, { signal, ...(accept === undefined ? {} : { headers: { accept } }) });
  } catch (error) {
    if (signal.aborted) return;
    throw error;
  }
  try {
    let decoder: WatchDecoder;
    try {
      decoder = watchDecoderFor(response.contentType, options.protobuf, options.maxEventBytes);
    } catch (error) {
      if (signal.aborted) return;
      throw error;
    }
    for await (const chunk of response.body as AsyncIterable<Buffer>) {
      // The events completed before a decoding failure in the same chunk are delivered first.
      for (const value of decoder.push(chunk)) {
        yield checkEvent(value);
        if (signal.aborted) return;
      }
      const failure = decoder.failure;
      if (failure !== undefined) throw protocolError(`unable to decode an event from the watch stream: ${failure.message}`, failure);
    }
    // A trailing partial event is a stream cut short: the end of this watch, like an unexpected EOF in client-go.
  } catch (error) {
    if (signal.aborted) return;
    if (isStatusError(error)) throw error;
    // A connection reset or a broken gzip stream mid-watch: an end, not a failure (client-go treats probable EOFs so).
    return;
  } finally {
    response.destroy();
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** @throws the Status of an ERROR event; InternalError 500 for a malformed event. */
function checkEvent(value: unknown): RawWatchEvent {
  if (!isRecord(value) || typeof value['type'] !== 'string' || !isRecord(value['object'])) throw protocolError('a watch event is not {"type": string, "object": object}');
  const type = value['type'];
  const object = value['object'];
  switch (type) {
    case 'ERROR':
      throw statusFromObject(object, 500) ?? protocolError(`a watch ERROR event without a Status: ${safeJson(object)}`);
    case 'BOOKMARK':
    case 'ADDED':
    case 'MODIFIED':
    case 'DELETED':
      if (!isRecord(object['metadata'])) throw protocolError(`a ${type} event's object has no metadata`);
      return { type, object: object as RawWatchEvent['object'] };
    default:
      throw protocolError(`a watch event of unknown type ${JSON.stringify(type)}`);
  }
}

function safeJson(value: unknown): string {
  const text = JSON.stringify(value);
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}
