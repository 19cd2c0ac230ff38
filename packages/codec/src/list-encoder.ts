import type { Writable } from 'node:stream';
import { CachingObject, encodedBytes, type Encodable } from './caching-object.js';
import type { Encoder } from './encoder.js';
import type { KubeObject, ListHeader } from './object.js';
import { SpliceBuffer, type Sink } from './splice-buffer.js';
import { drainTo } from './write-chunks.js';

/** Options of {@link ListEncoder}. */
export interface ListEncoderOptions {
  /** {@link ListEncoder.stream} hands bytes to the stream whenever this many are buffered. @default 262144 */
  readonly flushBytes?: number | undefined;
}

/**
 * Encodes list responses (`PodList`, …) item by item, splicing each item's
 * cached bytes: the response is never built as one buffer, and an item encoded
 * before (for another LIST or a watch) is not encoded again. The bytes equal
 * encoding the whole list at once with the same encoder (tested).
 *
 * Formats without list framing (YAML, indented JSON) are encoded whole.
 * Protobuf needs every item's size before its header: with plain objects its
 * items are all encoded first; with CachingObjects that costs nothing extra.
 */
export class ListEncoder {
  readonly encoder: Encoder;
  readonly flushBytes: number;

  constructor(encoder: Encoder, options: ListEncoderOptions = {}) {
    const flushBytes = options.flushBytes ?? 256 * 1024;
    if (!Number.isInteger(flushBytes) || flushBytes < 1) {
      throw new RangeError(`Expected \`flushBytes\` to be a positive integer, got \`${String(flushBytes)}\` (${typeof flushBytes})`);
    }
    this.encoder = encoder;
    this.flushBytes = flushBytes;
  }

  /** The media type of the list response. */
  get mediaType(): string {
    return this.encoder.mediaType;
  }

  /** Writes the whole list to `sink` synchronously. */
  encode(header: ListHeader, items: Iterable<Encodable>, sink: Sink): void {
    const framing = this.encoder.listFraming;
    if (framing === undefined) {
      this.encoder.encode(wholeList(header, items), sink);
      return;
    }
    const [source, itemsByteLength] = this.#prepare(items);
    framing.writeListStart(header, itemsByteLength, sink);
    let index = 0;
    for (const item of source) framing.writeListItem(bytesOf(this.encoder, item), index++, sink);
    framing.writeListEnd(header, index, sink);
  }

  /**
   * Streams the list to `out`, handing it batches of about `flushBytes` and
   * waiting for `'drain'` when it is full, so memory stays bounded by the batch
   * size (plus, for protobuf of plain objects, the encoded items).
   * Does not end `out`.
   */
  async stream(header: ListHeader, items: Iterable<Encodable>, out: Writable): Promise<void> {
    const buffer = new SpliceBuffer();
    const framing = this.encoder.listFraming;
    if (framing === undefined) {
      this.encoder.encode(wholeList(header, items), buffer);
      await drainTo(buffer, out);
      return;
    }
    const [source, itemsByteLength] = this.#prepare(items);
    framing.writeListStart(header, itemsByteLength, buffer);
    let index = 0;
    for (const item of source) {
      framing.writeListItem(bytesOf(this.encoder, item), index++, buffer);
      if (buffer.byteLength >= this.flushBytes) await drainTo(buffer, out);
    }
    framing.writeListEnd(header, index, buffer);
    await drainTo(buffer, out);
  }

  /** For framings that need the items' total size up front, encodes every item first. */
  #prepare(items: Iterable<Encodable>): [Iterable<Encodable | Uint8Array>, number] {
    const framing = this.encoder.listFraming!;
    if (!framing.needsItemsByteLength) return [items, 0];
    const all: Uint8Array[] = [];
    let total = 0;
    for (const item of items) {
      const bytes = encodedBytes(this.encoder, item);
      total += framing.itemByteLength(bytes);
      all.push(bytes);
    }
    return [all, total];
  }
}

function bytesOf(encoder: Encoder, item: Encodable | Uint8Array): Uint8Array {
  return item instanceof Uint8Array ? item : encodedBytes(encoder, item);
}

function wholeList(header: ListHeader, items: Iterable<Encodable>): KubeObject {
  const objects: KubeObject[] = [];
  for (const item of items) objects.push(item instanceof CachingObject ? item.getObject() : item);
  const list: Record<string, unknown> = { apiVersion: header.apiVersion, kind: header.kind, metadata: header.metadata, items: objects };
  return list as KubeObject;
}
