import type { KubeObject, ListHeader } from './object.js';
import type { Sink } from './splice-buffer.js';

/**
 * Turns objects into bytes of one wire format.
 *
 * Two encoders have equal `identifier`s if and only if they produce identical
 * bytes for every input: every option that changes the output is part of the
 * identifier. Caches key encoded bytes by it, so getting this wrong serves one
 * client another format.
 */
export interface Encoder {
  /** Equal for two encoders exactly when their output is byte-identical. */
  readonly identifier: string;
  /** The media type of one encoded object, e.g. `application/json`. */
  readonly mediaType: string;
  /**
   * Writes `object` to `sink`.
   * @throws StatusError when the object cannot be represented in this format.
   */
  encode(object: KubeObject, sink: Sink): void;
  /** How lists are framed in this format; absent → lists are encoded whole. */
  readonly listFraming?: ListFraming | undefined;
  /** How watch events are framed in this format; absent → no watch streams in it. */
  readonly watchFraming?: WatchFraming | undefined;
}

/** Turns bytes of one wire format into an object. */
export interface Decoder {
  /** The media type it reads, e.g. `application/json`. */
  readonly mediaType: string;
  /**
   * Parses one object. The result is plain, unfrozen data.
   * @throws StatusError BadRequest (400) naming the position of malformed input; never anything else.
   */
  decode(bytes: Uint8Array): KubeObject;
}

/** An encoder and its matching decoder. */
export interface Codec extends Encoder, Decoder {}

/** The watch event types of the Kubernetes wire protocol. */
export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

/**
 * Frames watch events. The object bytes handed in are exactly what the
 * encoder's `encode` produced for the object, so they can come from a cache.
 */
export interface WatchFraming {
  /** The `Content-Type` of a watch stream in this format. */
  readonly watchMediaType: string;
  /** One framed event, ready for the wire; shared by every watcher. */
  frameWatchEvent(type: WatchEventType, objectBytes: Uint8Array): Uint8Array;
}

/**
 * Frames lists item by item, so a list is streamed with each item's cached
 * bytes spliced in. The output must equal encoding the whole list at once.
 */
export interface ListFraming {
  /**
   * Bytes an item adds to the list, given its encoded object bytes. A framing
   * whose header carries the items' total length (protobuf) needs every item's
   * bytes before it starts; others may return 0.
   */
  itemByteLength(objectBytes: Uint8Array): number;
  /** Whether `writeListStart` needs the sum of {@link itemByteLength} over all items. */
  readonly needsItemsByteLength: boolean;
  writeListStart(header: ListHeader, itemsByteLength: number, sink: Sink): void;
  writeListItem(objectBytes: Uint8Array, index: number, sink: Sink): void;
  writeListEnd(header: ListHeader, itemCount: number, sink: Sink): void;
}
