/**
 * Where encoders write. Strings and copied bytes are coalesced; `splice` appends
 * a caller's bytes by reference, so pre-encoded objects reach the socket without
 * a copy (the chunk list is written with one `writev`).
 *
 * ```
 *   writeString("{\"items\":[")   splice(pod1)   writeString(",")   splice(pod2)
 *            │                        │                │                │
 *   chunks: [ utf8 "{\"items\":[" ][ pod1 (shared) ][ utf8 "," ][ pod2 (shared) ]
 * ```
 */
export interface Sink {
  /** Appends `text` as UTF-8. Consecutive string writes are coalesced into one chunk. */
  writeString(text: string): void;
  /** Appends a copy of `bytes`: for bytes the caller will reuse or change. */
  writeBytes(bytes: Uint8Array): void;
  /**
   * Appends `bytes` by reference, copying nothing. The caller must never change
   * them afterwards (cached encodings are immutable by contract).
   */
  splice(bytes: Uint8Array): void;
}

/**
 * The standard {@link Sink}: a list of chunks, most of them shared with the
 * caches they came from.
 */
export class SpliceBuffer implements Sink {
  #chunks: Uint8Array[] = [];
  #pending = '';
  #byteLength = 0;
  #copiedBytes = 0;

  writeString(text: string): void {
    this.#pending += text;
  }

  writeBytes(bytes: Uint8Array): void {
    if (bytes.byteLength === 0) return;
    this.#flushPending();
    this.#chunks.push(Uint8Array.prototype.slice.call(bytes));
    this.#byteLength += bytes.byteLength;
    this.#copiedBytes += bytes.byteLength;
  }

  splice(bytes: Uint8Array): void {
    // `length`, not `byteLength` (equal for a Uint8Array): Node 20's V8 does not inline the
    // `byteLength` getter, which made a splice 5× slower (benchmarks/codec/splice.bench.ts).
    if (bytes.length === 0) return;
    if (this.#pending.length !== 0) this.#flushPending();
    this.#chunks.push(bytes);
    this.#byteLength += bytes.length;
  }

  /** Total bytes written so far. */
  get byteLength(): number {
    return this.#byteLength + (this.#pending.length === 0 ? 0 : Buffer.byteLength(this.#pending, 'utf8'));
  }

  /** Bytes copied by {@link writeBytes}; spliced bytes never count. */
  get copiedBytes(): number {
    return this.#copiedBytes;
  }

  /**
   * The chunks written so far, in order. Spliced chunks are the caller's own
   * arrays: do not change them. The returned array is owned by the buffer until
   * {@link reset}.
   */
  chunks(): readonly Uint8Array[] {
    this.#flushPending();
    return this.#chunks;
  }

  /** Takes the chunks written so far and empties the buffer. */
  take(): Uint8Array[] {
    this.#flushPending();
    const chunks = this.#chunks;
    this.#chunks = [];
    this.#byteLength = 0;
    return chunks;
  }

  /** All bytes in one contiguous `Buffer`. Copies; meant for tests and small payloads. */
  toBuffer(): Buffer {
    const chunks = this.chunks();
    if (chunks.length === 1) {
      const only = chunks[0]!;
      return Buffer.from(only.buffer, only.byteOffset, only.byteLength);
    }
    return Buffer.concat(chunks, this.#byteLength);
  }

  /** Empties the buffer for reuse. */
  reset(): void {
    this.#chunks = [];
    this.#pending = '';
    this.#byteLength = 0;
    this.#copiedBytes = 0;
  }

  #flushPending(): void {
    if (this.#pending.length === 0) return;
    const bytes = Buffer.from(this.#pending, 'utf8');
    this.#pending = '';
    this.#chunks.push(bytes);
    this.#byteLength += bytes.byteLength;
  }
}

/** Encodes into a fresh {@link SpliceBuffer} and returns the bytes as one `Buffer`. */
export function encodeToBuffer(write: (sink: Sink) => void): Buffer {
  const sink = new SpliceBuffer();
  write(sink);
  return sink.toBuffer();
}
