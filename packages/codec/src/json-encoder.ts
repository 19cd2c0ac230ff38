import stableStringify from 'fast-json-stable-stringify';
import { isCanonicalFrozen } from './deep-freeze.js';
import type { Codec, ListFraming, WatchEventType, WatchFraming } from './encoder.js';
import { encodeError, notBytesMessage } from './internal/encode-error.js';
import { locateJsonSyntaxError } from './internal/json-syntax-error.js';
import type { KubeObject, ListHeader } from './object.js';
import type { Sink } from './splice-buffer.js';
import { badRequest } from '@apiserver-kit/core';

/** Options of {@link JsonEncoder}. */
export interface JsonEncoderOptions {
  /** Spaces of indentation; 0 is compact (what clients get unless they ask `?pretty=true`). @default 0 */
  readonly indent?: number | undefined;
  /** Deepest nesting {@link JsonEncoder.decode} accepts. @default 1000 */
  readonly maxDepth?: number | undefined;
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/**
 * Deterministic JSON (`application/json`): mapping keys in sorted order, so
 * equal objects always give equal bytes.
 *
 * Objects frozen by `deepFreeze` are already in sorted key order and take the
 * native `JSON.stringify` path (several times faster); any other input goes
 * through `fast-json-stable-stringify`. Both give identical bytes (tested).
 */
export class JsonEncoder implements Codec {
  readonly identifier: string;
  readonly mediaType: string = 'application/json';
  readonly indent: number;
  readonly maxDepth: number;
  readonly listFraming: ListFraming | undefined;
  readonly watchFraming: WatchFraming;

  constructor(options: JsonEncoderOptions = {}) {
    const indent = options.indent ?? 0;
    if (!Number.isInteger(indent) || indent < 0 || indent > 10) {
      throw new RangeError(`Expected \`indent\` to be an integer from 0 to 10, got \`${String(indent)}\` (${typeof indent})`);
    }
    const maxDepth = options.maxDepth ?? 1000;
    if (!Number.isInteger(maxDepth) || maxDepth < 1) {
      throw new RangeError(`Expected \`maxDepth\` to be a positive integer, got \`${String(maxDepth)}\` (${typeof maxDepth})`);
    }
    this.indent = indent;
    this.maxDepth = maxDepth;
    this.identifier = indent === 0 ? 'json' : `json;indent=${indent}`;
    // Pretty lists are not streamed: the indentation of items depends on their depth in the list.
    this.listFraming = indent === 0 ? new JsonListFraming() : undefined;
    this.watchFraming = new JsonWatchFraming();
  }

  /**
   * The deterministic JSON text of `value` (any JSON data, not only objects),
   * with `JSON.stringify`'s rules: `undefined`, functions and symbols are
   * left out of mappings (null in arrays), `NaN` and infinities are null.
   *
   * @throws StatusError InternalError for what JSON cannot hold: a BigInt, a
   *   cycle, nesting deep enough to overflow the stack.
   * @throws TypeError when `value` itself has no JSON text (`undefined`, a function, a symbol).
   */
  stringify(value: unknown): string {
    let compact: string | undefined;
    try {
      compact =
        typeof value === 'object' && value !== null && isCanonicalFrozen(value)
          ? JSON.stringify(value)
          : (stableStringify(value) as string | undefined);
      if (compact !== undefined && this.indent !== 0) {
        // Re-parsing keeps the sorted order (parse preserves insertion order) and indents it.
        compact = JSON.stringify(JSON.parse(compact), null, this.indent);
      }
    } catch (error) {
      throw encodeError('JSON', value, error);
    }
    if (compact === undefined) throw new TypeError(`Expected \`value\` to be JSON data, got \`${String(value)}\` (${typeof value})`);
    return compact;
  }

  /** @throws StatusError InternalError as {@link stringify}. */
  encode(object: KubeObject, sink: Sink): void {
    sink.writeString(this.stringify(object));
  }

  /**
   * Parses one JSON object.
   * @throws StatusError BadRequest for invalid UTF-8, invalid JSON (line, column
   *   and offset named), nesting deeper than `maxDepth`, or a top-level value
   *   that is not an object.
   */
  decode(bytes: Uint8Array): KubeObject {
    const notBytes = notBytesMessage('JSON', bytes);
    if (notBytes !== undefined) throw badRequest(notBytes);
    let text: string;
    try {
      text = utf8.decode(bytes);
    } catch (error) {
      throw badRequest('invalid JSON: the body is not valid UTF-8', error);
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      const at = locateJsonSyntaxError(text, this.maxDepth);
      throw badRequest(`invalid JSON at line ${at.line}, column ${at.column} (offset ${at.offset}): ${at.problem}`, error);
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw badRequest(`invalid JSON: expected an object at the top level, got ${describeJsonType(value)}`);
    }
    const depth = jsonDepth(value, this.maxDepth);
    if (depth > this.maxDepth) {
      throw badRequest(`invalid JSON: nesting deeper than ${this.maxDepth} levels`);
    }
    return value as KubeObject;
  }
}

function describeJsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/** Depth of nesting, counting stops just past `limit`. */
function jsonDepth(value: unknown, limit: number, depth = 1): number {
  if (depth > limit) return depth;
  let deepest = depth;
  const children = Array.isArray(value) ? value : Object.values(value as object);
  for (const child of children) {
    if (typeof child === 'object' && child !== null) {
      deepest = Math.max(deepest, jsonDepth(child, limit, depth + 1));
      if (deepest > limit) return deepest;
    }
  }
  return deepest;
}

/**
 * JSON list framing in sorted key order — `{"apiVersion":…,"items":[…],"kind":…,"metadata":…}` —
 * the very bytes {@link JsonEncoder.encode} gives for the whole list.
 */
const COMMA = Buffer.from(',');

class JsonListFraming implements ListFraming {
  readonly needsItemsByteLength: boolean = false;

  itemByteLength(): number {
    return 0;
  }

  writeListStart(header: ListHeader, _itemsByteLength: number, sink: Sink): void {
    sink.writeString(`{"apiVersion":${JSON.stringify(header.apiVersion)},"items":[`);
  }

  writeListItem(objectBytes: Uint8Array, index: number, sink: Sink): void {
    // A shared separator: writing ',' as a string would allocate a 1-byte buffer per item (benchmarks/codec/list.bench.ts).
    if (index > 0) sink.splice(COMMA);
    sink.splice(objectBytes);
  }

  writeListEnd(header: ListHeader, _itemCount: number, sink: Sink): void {
    let metadata: string;
    try {
      metadata = stableStringify(header.metadata);
    } catch (error) {
      throw encodeError('JSON', header, error);
    }
    sink.writeString(`],"kind":${JSON.stringify(header.kind)},"metadata":${metadata}}`);
  }
}

/** Kubernetes' JSON watch stream: one `{"type":…,"object":…}` per line. */
class JsonWatchFraming implements WatchFraming {
  readonly watchMediaType: string = 'application/json';
  readonly #prefixes = new Map<WatchEventType, Buffer>();
  static readonly #suffix = Buffer.from('}\n');

  frameWatchEvent(type: WatchEventType, objectBytes: Uint8Array): Uint8Array {
    let prefix = this.#prefixes.get(type);
    if (prefix === undefined) {
      prefix = Buffer.from(`{"type":${JSON.stringify(type)},"object":`);
      this.#prefixes.set(type, prefix);
    }
    return Buffer.concat([prefix, objectBytes, JsonWatchFraming.#suffix]);
  }
}
