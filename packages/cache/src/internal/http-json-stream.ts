/**
 * Splits a byte stream of JSON objects into one object per value, across
 * chunk boundaries. Kubernetes writes a JSON watch as concatenated objects
 * (client-go decodes it with a streaming `json.Decoder`, newline or not), so
 * this scans for the end of each top-level object rather than for newlines:
 * it tracks nesting depth outside strings, byte by byte. Scanning bytes, not
 * characters, is safe for UTF-8: every byte of a multi-byte character is
 * ≥ 0x80 and never looks like `{`, `}`, `"` or `\`.
 *
 * ```
 *   chunk ─▶ scan from `scanned` ─▶ depth 0 after '}' ─▶ slice [start, end) ─▶ JSON.parse ─▶ value
 *              (state survives between chunks: depth, in string, escape)
 * ```
 *
 * Memory: only the bytes of the value being read are held (at most
 * `maxValueBytes`); complete values are handed out as they end.
 */

/** Why a stream could not be split; the caller turns it into a Status. */
export class JsonStreamError extends Error {
  override readonly name = 'JsonStreamError';
}

const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

function isWhitespace(byte: number): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}

/** An incremental splitter of concatenated JSON objects. */
export class JsonObjectStream {
  readonly #maxValueBytes: number;
  /** Chunks holding the value being read (the first one from `#start`). */
  #chunks: Buffer[] = [];
  #bytes = 0;
  #depth = 0;
  #inString = false;
  #escaped = false;
  #started = false;
  #failure: JsonStreamError | undefined;

  constructor(maxValueBytes: number) {
    this.#maxValueBytes = maxValueBytes;
  }

  /** Whether a value has started and not ended (bytes left over at the end of the stream). */
  get hasPartial(): boolean {
    return this.#started;
  }

  /**
   * Why the stream cannot go on: bytes that cannot start an object, a value
   * over `maxValueBytes`, or a value that is not valid JSON. Once set, `push`
   * returns nothing more.
   */
  get failure(): JsonStreamError | undefined {
    return this.#failure;
  }

  /**
   * Feeds `chunk`; returns the values it completed, parsed, in order — those
   * before a failure too (then see {@link failure}).
   */
  push(chunk: Buffer): unknown[] {
    const values: unknown[] = [];
    if (this.#failure !== undefined) return values;
    try {
      this.#scan(chunk, values);
    } catch (error) {
      this.#failure = error instanceof JsonStreamError ? error : new JsonStreamError(String(error));
    }
    return values;
  }

  #scan(chunk: Buffer, values: unknown[]): void {
    let start = 0;
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i]!;
      if (!this.#started) {
        if (isWhitespace(byte)) continue;
        if (byte !== OPEN_BRACE) throw new JsonStreamError(`expected '{' at the start of a watch event, got ${JSON.stringify(String.fromCharCode(byte))}`);
        this.#started = true;
        this.#depth = 1;
        start = i;
        continue;
      }
      if (this.#inString) {
        if (this.#escaped) this.#escaped = false;
        else if (byte === BACKSLASH) this.#escaped = true;
        else if (byte === QUOTE) this.#inString = false;
        continue;
      }
      if (byte === QUOTE) this.#inString = true;
      else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) this.#depth++;
      else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) {
        if (--this.#depth === 0) {
          const piece = chunk.subarray(start, i + 1);
          this.#check(piece.length);
          this.#chunks.push(piece);
          values.push(this.#parse());
          start = i + 1;
        }
      }
    }
    if (this.#started) {
      const piece = chunk.subarray(start);
      this.#check(piece.length);
      // Copy: the caller's chunk may be a view into a pooled buffer that is reused.
      if (piece.length > 0) this.#chunks.push(Buffer.from(piece));
    }
  }

  #check(more: number): void {
    if (this.#bytes + more > this.#maxValueBytes) {
      throw new JsonStreamError(`a watch event is larger than ${this.#maxValueBytes} bytes`);
    }
    this.#bytes += more;
  }

  #parse(): unknown {
    const chunks = this.#chunks;
    const text = (chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)).toString('utf8');
    this.#chunks = [];
    this.#bytes = 0;
    this.#started = false;
    this.#inString = false;
    this.#escaped = false;
    try {
      return JSON.parse(text) as unknown;
    } catch (error) {
      throw new JsonStreamError(`a watch event is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
