import protobuf from 'protobufjs';
import type { Writer } from 'protobufjs';
import type { Codec, ListFraming, WatchEventType, WatchFraming } from './encoder.js';
import { encodeError, notBytesMessage } from './internal/encode-error.js';
import { MessagePlans, type MessagePlan } from './internal/protobuf-message-plan.js';
import {
  EncodeContext,
  formatPath,
  PROTOBUF_MAGIC,
  readEnvelope,
  readFields,
  WireError,
  writeFields,
  type DecodeContext,
} from './internal/protobuf-json-mapping.js';
import type { KubeObject, ListHeader } from './object.js';
import { defaultProtobufSchemas } from './protobuf-core-schemas.js';
import type { ProtobufSchemaRegistry } from './protobuf-schema-registry.js';
import type { Sink } from './splice-buffer.js';
import { badRequest, internalError, isStatusError, StatusError } from '@apiserver-kit/core';

/*
 * The wire format, as Kubernetes writes it (verified against
 * k8s.io/apimachinery/pkg/runtime/serializer/protobuf/protobuf.go and
 * collections.go, pkg/runtime/generated.pb.go, and the protobuf entry of
 * serializer/codec_factory.go):
 *
 *   object   6b 38 73 00                              "k8s\0" (protoEncodingPrefix)
 *            0a <len> { 0a <len> apiVersion           runtime.Unknown.typeMeta = 1
 *                       12 <len> kind }                 (TypeMeta{apiVersion=1, kind=2}, both always written)
 *            12 <len> <message bytes of the object>   Unknown.raw = 2
 *            1a 00                                    Unknown.contentEncoding = 3 (""; gogo writes non-pointer strings even when empty)
 *            22 00                                    Unknown.contentType = 4 ("")
 *
 *   list     the same envelope around XList { ListMeta metadata = 1; repeated X items = 2 };
 *            Kubernetes' streaming list encoder (collections.go) writes it item by item too.
 *
 *   watch    each event is framed by LengthDelimitedFramer (4-byte big-endian length) and
 *            encoded by the stream serializer, which is the *raw* serializer (no k8s envelope):
 *              <u32 BE length> 0a <len> type  12 <len> { 0a <len> <object bytes> }
 *            i.e. metav1.WatchEvent{type = 1, object = 2 RawExtension{raw = 1}}, where the raw
 *            bytes are the object encoded by the embedded (enveloped) serializer — the very bytes
 *            `encode` produces, which is what lets a cached encoding be spliced into the event
 *            (apiserver endpoints/handlers/watch.go builds the event the same way).
 */

/** Options of {@link ProtobufEncoder}. */
export interface ProtobufEncoderOptions {
  /**
   * The message types and kinds the encoder knows; sealed by the constructor.
   * @default defaultProtobufSchemas() (core/v1 Pod, Node, Namespace, ConfigMap, their lists, Status)
   */
  readonly schemas?: ProtobufSchemaRegistry | undefined;
  /** Deepest nesting of enveloped objects inside RawExtensions that `decode` follows. @default 16 */
  readonly maxEmbeddingDepth?: number | undefined;
}

const MEDIA_TYPE = 'application/vnd.kubernetes.protobuf';
/** contentEncoding = "" and contentType = "": the end of every envelope. */
const ENVELOPE_TRAILER: Uint8Array = Uint8Array.of(0x1a, 0x00, 0x22, 0x00);
/** The magic as the little-endian fixed32 protobufjs writes. */
const MAGIC_FIXED32 = 0x0073386b;

/**
 * Kubernetes protobuf (`application/vnd.kubernetes.protobuf`): the `k8s\0`
 * envelope around the object's message, byte-compatible with what client-go
 * reads and writes, for the kinds of its {@link ProtobufSchemaRegistry}.
 *
 * Objects are plain JSON-shaped data (as the JSON encoder takes them): the
 * schemas say how each field maps to the wire (times, quantities,
 * int-or-string, base64 bytes, inline structs). A kind the registry does not
 * know, or a field its schema does not know, is refused with NotAcceptable:
 * nothing is ever dropped silently.
 *
 * Caveat: JS numbers hold int64 values exactly only within ±(2^53-1); larger
 * ones are refused both ways.
 */
export class ProtobufEncoder implements Codec {
  /** `protobuf;schemas=<registry name>@<hash of its definitions>`. */
  readonly identifier: string;
  /** `application/vnd.kubernetes.protobuf`. */
  readonly mediaType: string = MEDIA_TYPE;
  /** The sealed registry of message types and kinds. */
  readonly schemas: ProtobufSchemaRegistry;
  /** See {@link ProtobufEncoderOptions.maxEmbeddingDepth}. */
  readonly maxEmbeddingDepth: number;
  /** Streams `XList` responses, splicing each item's message out of its cached envelope. */
  readonly listFraming: ListFraming;
  /** Length-delimited `metav1.WatchEvent` frames (`;stream=watch`). */
  readonly watchFraming: WatchFraming;
  readonly #plans: MessagePlans;
  readonly #watchEvent: MessagePlan;

  /** @throws TypeError when the schemas do not resolve or lack meta/v1 WatchEvent and ListMeta; RangeError for a bad option. */
  constructor(options: ProtobufEncoderOptions = {}) {
    const maxEmbeddingDepth = options.maxEmbeddingDepth ?? 16;
    if (!Number.isInteger(maxEmbeddingDepth) || maxEmbeddingDepth < 0) {
      throw new RangeError(`Expected \`maxEmbeddingDepth\` to be a non-negative integer, got \`${String(maxEmbeddingDepth)}\` (${typeof maxEmbeddingDepth})`);
    }
    this.maxEmbeddingDepth = maxEmbeddingDepth;
    this.schemas = (options.schemas ?? defaultProtobufSchemas()).seal();
    this.#plans = new MessagePlans(this.schemas);
    const watchEvent = this.#plans.forName('k8s.io.apimachinery.pkg.apis.meta.v1.WatchEvent');
    const listMeta = this.#plans.forName('k8s.io.apimachinery.pkg.apis.meta.v1.ListMeta');
    if (watchEvent === undefined || listMeta === undefined) {
      throw new TypeError(`Expected the protobuf schemas "${this.schemas.name}" to define meta/v1 WatchEvent and ListMeta`);
    }
    this.#watchEvent = watchEvent;
    this.identifier = `protobuf;schemas=${this.schemas.identity}`;
    this.listFraming = new ProtobufListFraming(listMeta);
    this.watchFraming = new ProtobufWatchFraming();
  }

  /**
   * Writes the enveloped object (one contiguous buffer, spliced).
   * @throws StatusError NotAcceptable for a kind the schemas do not register, an
   *   unknown field (its path named), or a value of the wrong type;
   *   InternalError for anything else that stops the encoding (e.g. nesting
   *   deep enough to overflow the stack).
   */
  encode(object: KubeObject, sink: Sink): void {
    let bytes: Uint8Array;
    try {
      bytes = this.#encode(object);
    } catch (error) {
      throw encodeError('protobuf', object, error);
    }
    sink.splice(bytes);
  }

  #encode(object: KubeObject): Uint8Array {
    const { apiVersion, kind } = object;
    if (typeof apiVersion !== 'string' || typeof kind !== 'string' || apiVersion === '' || kind === '') {
      throw new StatusError('NotAcceptable', `cannot encode as protobuf: the object has no apiVersion and kind (got ${JSON.stringify(apiVersion ?? null)}, ${JSON.stringify(kind ?? null)})`);
    }
    const plan = this.#plans.forKind(apiVersion, kind);
    if (plan === undefined) {
      throw new StatusError('NotAcceptable', `cannot encode ${apiVersion}, Kind=${kind} as protobuf: the kind is not registered in the protobuf schemas "${this.schemas.name}"`);
    }
    const w = protobuf.Writer.create();
    w.fixed32(MAGIC_FIXED32);
    writeTypeMeta(w, apiVersion, kind);
    w.uint32(0x12).fork();
    writeFields(plan, object as Record<string, unknown>, w, new EncodeContext(`${apiVersion}, Kind=${kind}`));
    w.ldelim();
    w.uint32(0x1a).uint32(0).uint32(0x22).uint32(0);
    return w.finish();
  }

  /**
   * Parses one enveloped object into its JSON shape (plain, unfrozen).
   * @throws StatusError BadRequest naming the byte offset of malformed input
   *   (wrong magic, truncation, bad wire type or length, invalid UTF-8 or
   *   JSON) or an unregistered kind; never anything else.
   */
  decode(bytes: Uint8Array): KubeObject {
    const notBytes = notBytesMessage('protobuf', bytes);
    if (notBytes !== undefined) throw badRequest(notBytes);
    const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const ctx = this.#context(buf);
    try {
      return this.#decodeEnvelope(ctx, 0, buf.length, 0);
    } catch (error) {
      throw asBadRequest(error, ctx);
    }
  }

  /**
   * Parses one frame of a watch stream (`<u32 BE length><WatchEvent>`) into
   * `{ type, object }`, decoding the embedded enveloped object.
   * @throws StatusError BadRequest as {@link decode}, also for a frame whose length prefix disagrees with its size.
   */
  decodeWatchEvent(frame: Uint8Array): { type: string; object: KubeObject } {
    const notBytes = notBytesMessage('protobuf', frame);
    if (notBytes !== undefined) throw badRequest(notBytes);
    const buf = Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength);
    const ctx = this.#context(buf);
    try {
      if (buf.length < 4) throw new WireError('unexpected end of data in the frame length', buf.length);
      const length = buf.readUInt32BE(0);
      if (length !== buf.length - 4) throw new WireError(`frame length ${length} does not match the ${buf.length - 4} bytes that follow`, 0);
      ctx.reader.pos = 4;
      const event = readFields(this.#watchEvent, ctx, buf.length);
      if (typeof event['type'] !== 'string' || typeof event['object'] !== 'object' || event['object'] === null) {
        throw new WireError('a watch event needs a type and an object', 4);
      }
      return { type: event['type'], object: event['object'] as KubeObject };
    } catch (error) {
      throw asBadRequest(error, ctx);
    }
  }

  #context(buf: Buffer): DecodeContext & { depth: number } {
    const ctx: DecodeContext & { depth: number } = {
      buf,
      reader: protobuf.Reader.create(buf),
      path: [],
      at: 0,
      depth: 0,
      decodeEmbedded: (start, end) => {
        // The path restarts inside the embedded object; the outer one is restored after.
        const outer = ctx.path.splice(0);
        const object = this.#decodeEnvelope(ctx, start, end, ctx.depth + 1);
        ctx.path.push(...outer);
        return object;
      },
    };
    return ctx;
  }

  #decodeEnvelope(ctx: DecodeContext & { depth: number }, start: number, end: number, depth: number): KubeObject {
    if (depth > this.maxEmbeddingDepth) throw new WireError(`objects embedded deeper than ${this.maxEmbeddingDepth} levels`, start);
    const outerDepth = ctx.depth;
    ctx.depth = depth;
    const { buf, reader } = ctx;
    ctx.at = start;
    for (let i = 0; i < 4; i++) {
      if (start + i >= end || buf[start + i] !== PROTOBUF_MAGIC[i]) {
        throw new WireError('expected the Kubernetes protobuf prefix 6b 38 73 00', start);
      }
    }
    reader.pos = start + 4;
    const envelope = readEnvelope(ctx, end);
    const { apiVersion, kind } = envelope;
    if (kind === '' || apiVersion === '') throw new WireError('the envelope has no apiVersion or kind', start + 4);
    if (envelope.contentEncoding !== '') throw new WireError(`unsupported content encoding ${JSON.stringify(envelope.contentEncoding)}`, start + 4);
    if (envelope.contentType !== '' && envelope.contentType !== MEDIA_TYPE) {
      throw new WireError(`unsupported content type ${JSON.stringify(envelope.contentType)}`, start + 4);
    }
    if (envelope.raw === undefined) throw new WireError('the envelope has no raw object', start + 4);
    const plan = this.#plans.forKind(apiVersion, kind);
    if (plan === undefined) {
      throw badRequest(`invalid protobuf: ${apiVersion}, Kind=${kind} is not registered in the protobuf schemas "${this.schemas.name}"`);
    }
    reader.pos = envelope.raw.start;
    const object = readFields(plan, ctx, envelope.raw.end);
    reader.pos = end;
    ctx.depth = outerDepth;
    return { apiVersion, kind, ...object };
  }
}

function writeTypeMeta(w: Writer, apiVersion: string, kind: string): void {
  w.uint32(0x0a).fork().uint32(0x0a).string(apiVersion).uint32(0x12).string(kind).ldelim();
}

function asBadRequest(error: unknown, ctx: DecodeContext): StatusError {
  if (isStatusError(error, 'BadRequest')) return error;
  const where = ctx.path.length === 0 ? '' : ` (in ${formatPath(ctx.path)})`;
  if (error instanceof WireError) return badRequest(`invalid protobuf: ${error.message} at offset ${error.offset}${where}`, error);
  // protobufjs reports reads past the end of the buffer as RangeError("index out of range: …").
  const problem = error instanceof RangeError && /index out of range/.test(error.message) ? 'unexpected end of data' : String((error as Error)?.message ?? error);
  return badRequest(`invalid protobuf: ${problem} at offset ${ctx.at}${where}`, error);
}

/** Size in bytes of `value` as a protobuf varint. */
function varintSize(value: number): number {
  let size = 1;
  while (value >= 0x80) {
    value = Math.floor(value / 128);
    size++;
  }
  return size;
}

function writeVarint(target: Uint8Array, offset: number, value: number): number {
  while (value >= 0x80) {
    target[offset++] = (value & 0x7f) | 0x80;
    value = Math.floor(value / 128);
  }
  target[offset++] = value;
  return offset;
}

/** Where the raw message of an envelope produced by `encode` lies. */
function rawOf(objectBytes: Uint8Array): Uint8Array {
  let at = 4;
  let valid = objectBytes.length > 6 && objectBytes[0] === 0x6b && objectBytes[1] === 0x38 && objectBytes[2] === 0x73 && objectBytes[3] === 0x00;
  const readVarint = (): number => {
    let value = 0;
    let scale = 1;
    for (;;) {
      const byte = objectBytes[at++];
      if (byte === undefined || scale > 2 ** 35) {
        valid = false;
        return 0;
      }
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) return value;
      scale *= 128;
    }
  };
  if (valid && objectBytes[at++] === 0x0a) {
    const typeMetaLength = readVarint();
    at += typeMetaLength;
  }
  else valid = false;
  if (valid && objectBytes[at++] === 0x12) {
    const length = readVarint();
    if (valid && at + length <= objectBytes.length) return objectBytes.subarray(at, at + length);
  }
  throw internalError('protobuf list framing was handed bytes that are not an object envelope written by ProtobufEncoder');
}

/**
 * Lists item by item: the envelope's raw length (which precedes the items)
 * needs the items' total size, then each item's message bytes are spliced out
 * of its cached envelope (a subarray, no copy), each behind `12 <len>`.
 */
class ProtobufListFraming implements ListFraming {
  readonly needsItemsByteLength: boolean = true;
  readonly #listMeta: MessagePlan;

  constructor(listMeta: MessagePlan) {
    this.#listMeta = listMeta;
  }

  itemByteLength(objectBytes: Uint8Array): number {
    const raw = rawOf(objectBytes);
    return 1 + varintSize(raw.length) + raw.length;
  }

  writeListStart(header: ListHeader, itemsByteLength: number, sink: Sink): void {
    const meta = protobuf.Writer.create();
    meta.uint32(0x0a).fork();
    writeFields(this.#listMeta, header.metadata as Record<string, unknown>, meta, new EncodeContext(`${header.apiVersion}, Kind=${header.kind} metadata`));
    meta.ldelim();
    const listMeta = meta.finish();
    const w = protobuf.Writer.create();
    w.fixed32(MAGIC_FIXED32);
    writeTypeMeta(w, header.apiVersion, header.kind);
    w.uint32(0x12).uint32(listMeta.length + itemsByteLength);
    sink.splice(w.finish());
    sink.splice(listMeta);
  }

  writeListItem(objectBytes: Uint8Array, _index: number, sink: Sink): void {
    const raw = rawOf(objectBytes);
    const header = new Uint8Array(1 + varintSize(raw.length));
    header[0] = 0x12;
    writeVarint(header, 1, raw.length);
    sink.splice(header);
    sink.splice(raw);
  }

  writeListEnd(_header: ListHeader, _itemCount: number, sink: Sink): void {
    sink.splice(ENVELOPE_TRAILER);
  }
}

/** `<u32 BE length>` + metav1.WatchEvent{type, object: RawExtension{raw: the enveloped object}}. */
class ProtobufWatchFraming implements WatchFraming {
  readonly watchMediaType: string = `${MEDIA_TYPE};stream=watch`;

  frameWatchEvent(type: WatchEventType, objectBytes: Uint8Array): Uint8Array {
    const typeLength = Buffer.byteLength(type, 'latin1');
    const rawField = 1 + varintSize(objectBytes.length) + objectBytes.length;
    const payload = 1 + varintSize(typeLength) + typeLength + 1 + varintSize(rawField) + rawField;
    const frame = Buffer.allocUnsafe(4 + payload);
    frame.writeUInt32BE(payload, 0);
    let at = 4;
    frame[at++] = 0x0a;
    at = writeVarint(frame, at, typeLength);
    at += frame.write(type, at, 'latin1');
    frame[at++] = 0x12;
    at = writeVarint(frame, at, rawField);
    frame[at++] = 0x0a;
    at = writeVarint(frame, at, objectBytes.length);
    frame.set(objectBytes, at);
    return frame;
  }
}
