/**
 * The two wire formats an HTTP client of this kit reads: JSON, and
 * Kubernetes protobuf (`application/vnd.kubernetes.protobuf`) for the kinds
 * the codec's schemas know. The client asks for protobuf and accepts JSON
 * too (client-go's `application/vnd.kubernetes.protobuf,application/json`),
 * so a server that cannot encode a kind in protobuf (custom resources)
 * answers JSON; the body is decoded by the `content-type` of the answer.
 *
 * ```
 *   list   accept: application/vnd.kubernetes.protobuf, application/json
 *          body:   k8s\0 envelope around XList  ─▶ ProtobufEncoder.decode
 *   watch  accept: application/vnd.kubernetes.protobuf;stream=watch, application/json
 *          body:   <u32 BE length><metav1.WatchEvent> …  ─▶ ProtobufEncoder.decodeWatchEvent per frame
 * ```
 */
import type { ProtobufEncoder } from '@apiserver-kit/codec';
import { isStatusError } from '@apiserver-kit/codec';
import { JsonObjectStream } from './http-json-stream.js';
import { protocolError } from './http-status.js';

/** Which format a client asks for. */
export type WireFormat = 'json' | 'protobuf';

const PROTOBUF = 'application/vnd.kubernetes.protobuf';

/** The `accept` header of a request: `undefined` for JSON (the default header stays). */
export function acceptFor(format: WireFormat, watch: boolean): string | undefined {
  if (format === 'json') return undefined;
  return watch ? `${PROTOBUF};stream=watch, application/json` : `${PROTOBUF}, application/json`;
}

/** Whether a `content-type` is Kubernetes protobuf (with or without `;stream=watch`). */
export function isProtobuf(contentType: string): boolean {
  return contentType.split(';', 1)[0]!.trim() === PROTOBUF;
}

/**
 * The decoded body of a 2xx answer: JSON, or protobuf when the server answered so.
 * @throws InternalError 500 naming what is wrong (bad JSON; protobuf without a
 *   codec, or of a kind the codec's schemas do not know — ask for JSON then).
 */
export function decodeBody(bytes: Uint8Array, contentType: string, protobuf: ProtobufEncoder | undefined, what: string): unknown {
  if (isProtobuf(contentType)) {
    if (protobuf === undefined) throw protocolError(`${what} is protobuf, which this client did not ask for`);
    try {
      return protobuf.decode(bytes);
    } catch (error) {
      throw protocolError(`unable to decode ${what} as protobuf (ask for JSON for kinds the codec's schemas lack): ${messageOf(error)}`, error);
    }
  }
  try {
    return JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8')) as unknown;
  } catch (error) {
    throw protocolError(`${what} is not valid JSON: ${messageOf(error)}`, error);
  }
}

/** Splits a watch body into raw events (`{type, object}` as decoded, unchecked). */
export interface WatchDecoder {
  /** The events `chunk` completed, in order — those before a failure too. */
  push(chunk: Buffer): unknown[];
  /** Why the stream cannot go on (then `push` returns nothing more). */
  readonly failure: Error | undefined;
}

/** The decoder for a watch answered with `contentType`. @throws InternalError for protobuf without a codec. */
export function watchDecoderFor(contentType: string, protobuf: ProtobufEncoder | undefined, maxEventBytes: number): WatchDecoder {
  if (!isProtobuf(contentType)) return new JsonObjectStream(maxEventBytes);
  if (protobuf === undefined) throw protocolError('the watch stream is protobuf, which this client did not ask for');
  return new ProtobufFrameStream(protobuf, maxEventBytes);
}

/**
 * Length-delimited protobuf watch frames (apimachinery's
 * `LengthDelimitedFramer`: a 4-byte big-endian length, then that many bytes of
 * `metav1.WatchEvent`), decoded one frame at a time. Holds at most one
 * frame's bytes.
 */
export class ProtobufFrameStream implements WatchDecoder {
  readonly #codec: ProtobufEncoder;
  readonly #maxEventBytes: number;
  /** The bytes of the frame being read, as they arrived (joined once the frame is whole: no quadratic copying). */
  #chunks: Buffer[] = [];
  #bytes = 0;
  #failure: Error | undefined;

  constructor(codec: ProtobufEncoder, maxEventBytes: number) {
    this.#codec = codec;
    this.#maxEventBytes = maxEventBytes;
  }

  get failure(): Error | undefined {
    return this.#failure;
  }

  push(chunk: Buffer): unknown[] {
    const events: unknown[] = [];
    if (this.#failure !== undefined || chunk.length === 0) return events;
    // Copy: the caller's chunk may be a view into a pooled buffer that is reused.
    this.#chunks.push(Buffer.from(chunk));
    this.#bytes += chunk.length;
    while (this.#bytes >= 4) {
      if (this.#chunks[0]!.length < 4) this.#chunks = [Buffer.concat(this.#chunks)];
      const length = this.#chunks[0]!.readUInt32BE(0);
      if (length > this.#maxEventBytes) {
        this.#fail(new Error(`a watch event is larger than ${this.#maxEventBytes} bytes`));
        break;
      }
      if (this.#bytes < 4 + length) break;
      const all = this.#chunks.length === 1 ? this.#chunks[0]! : Buffer.concat(this.#chunks);
      try {
        events.push(this.#codec.decodeWatchEvent(all.subarray(0, 4 + length)));
      } catch (error) {
        this.#fail(new Error(isStatusError(error) && /not registered/.test(error.message) ? `${error.message} (ask for JSON for such kinds)` : messageOf(error)));
        break;
      }
      const rest = all.subarray(4 + length);
      this.#chunks = rest.length === 0 ? [] : [rest];
      this.#bytes = rest.length;
    }
    return events;
  }

  #fail(error: Error): void {
    this.#failure = error;
    this.#chunks = [];
    this.#bytes = 0;
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
