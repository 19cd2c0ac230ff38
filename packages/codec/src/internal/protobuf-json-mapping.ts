/**
 * Conversion between the Kubernetes JSON shape of an object and its protobuf
 * wire form, driven by the precompiled message plans: one pass from JSON to
 * bytes (protobufjs `Writer`), one pass from bytes to JSON (protobufjs
 * `Reader`), no intermediate proto-shaped objects.
 *
 * Presence: a field is written when the JSON object has it (`null` counts as
 * absent, as Go's JSON decoding treats it). Go's gogo marshaller also writes
 * zero-valued non-pointer fields; both decode to the same Go struct. When
 * reading, a zero scalar is dropped unless the field is flagged `keep`, which
 * gives the JSON Go itself would print (`omitempty`).
 */
import { isUtf8 } from 'node:buffer';
import stableStringify from 'fast-json-stable-stringify';
import type { Reader, Writer } from 'protobufjs';
import { StatusError } from '@apiserver-kit/core';
import type { FieldPlan, MessagePlan, ScalarKind, SpecialKind, ValuePlan } from './protobuf-message-plan.js';
import { formatGoDuration, formatRfc3339, parseGoDuration, parseRfc3339 } from './protobuf-special-types.js';

const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_LEN = 2;
const WIRE_FIXED32 = 5;

/** The 4-byte prefix of every enveloped Kubernetes protobuf object: `k8s\0`. */
export const PROTOBUF_MAGIC: Uint8Array = Uint8Array.of(0x6b, 0x38, 0x73, 0x00);

type Json = Record<string, unknown>;
type PathSegment = string | number;

/** State of one encode: where in the object the walker is, for error messages. */
export class EncodeContext {
  readonly path: PathSegment[] = [];
  /** e.g. `v1, Kind=Pod`. */
  readonly subject: string;

  constructor(subject: string) {
    this.subject = subject;
  }

  fail(problem: string): StatusError {
    return new StatusError('NotAcceptable', `cannot encode ${this.subject} as protobuf: ${problem}`);
  }

  failAt(problem: string): StatusError {
    return this.fail(`${problem} at ${JSON.stringify(formatPath(this.path))}`);
  }
}

/** A malformed input found at a byte offset; the decoder turns it into BadRequest. */
export class WireError extends Error {
  readonly offset: number;
  constructor(problem: string, offset: number) {
    super(problem);
    this.name = 'WireError';
    this.offset = offset;
  }
}

/** State of one decode over a byte buffer; offsets are absolute in `buf`. */
export interface DecodeContext {
  readonly buf: Buffer;
  readonly reader: Reader;
  readonly path: PathSegment[];
  /** Offset of the element being read, reported when a read fails. */
  at: number;
  /** Decodes an enveloped object found inside a RawExtension (bytes `start`..`end` of `buf`). */
  readonly decodeEmbedded: (start: number, end: number) => unknown;
}

/** Field path as Kubernetes prints it: `spec.containers[0].ports[1].name`, `metadata.labels["app"]`. */
export function formatPath(path: readonly PathSegment[]): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else if (segment.startsWith('[')) text += segment;
    else text += text === '' ? segment : `.${segment}`;
  }
  return text;
}

function tag(id: number, wireType: number): number {
  return ((id << 3) | wireType) >>> 0;
}

// ───────────────────────────── JSON → wire ─────────────────────────────

/**
 * Writes the fields of `plan` from `json` (without the message's own tag and length).
 * @throws StatusError NotAcceptable naming the field path of an unknown field or a value of the wrong type.
 */
export function writeFields(plan: MessagePlan, json: Json, w: Writer, ctx: EncodeContext, checkKeys = true): void {
  if (checkKeys) checkKnownKeys(plan, json, ctx);
  for (const field of plan.fields) {
    if (field.inline) {
      // Go embeds the struct (never a pointer), so it is always written.
      w.uint32(tag(field.id, WIRE_LEN)).fork();
      writeFields(field.value.message!, json, w, ctx, false);
      w.ldelim();
      continue;
    }
    const value = json[field.name];
    if (value === undefined || value === null) continue;
    ctx.path.push(field.name);
    if (field.map) writeMap(field, value, w, ctx);
    else if (field.repeated) writeRepeated(field, value, w, ctx);
    else writeValue(field.value, field.id, value, w, ctx);
    ctx.path.pop();
  }
}

function checkKnownKeys(plan: MessagePlan, json: Json, ctx: EncodeContext): void {
  for (const key of Object.keys(json)) {
    if (plan.jsonKeys.has(key) || json[key] === undefined) continue;
    if ((key === 'apiVersion' || key === 'kind') && plan.kinds.length > 0) {
      const apiVersion = json['apiVersion'];
      const kind = json['kind'];
      if (plan.kinds.some((k) => (apiVersion === undefined || apiVersion === k.apiVersion) && (kind === undefined || kind === k.kind))) continue;
      ctx.path.push(key);
      throw ctx.failAt(`${describeValue(json[key])} does not match the message ${plan.fullName}`);
    }
    ctx.path.push(key);
    throw ctx.fail(`unknown field ${JSON.stringify(formatPath(ctx.path))}`);
  }
}

function writeRepeated(field: FieldPlan, value: unknown, w: Writer, ctx: EncodeContext): void {
  if (!Array.isArray(value)) throw ctx.failAt(`expected an array, got ${describeValue(value)}`);
  for (let index = 0; index < value.length; index++) {
    ctx.path.push(index);
    const element: unknown = value[index];
    if (element === undefined || element === null) throw ctx.failAt('expected a value, got null');
    writeValue(field.value, field.id, element, w, ctx);
    ctx.path.pop();
  }
}

function writeMap(field: FieldPlan, value: unknown, w: Writer, ctx: EncodeContext): void {
  if (!isPlainObject(value)) throw ctx.failAt(`expected an object, got ${describeValue(value)}`);
  // Go sorts map keys (byte order of their UTF-8, which is code point order).
  const keys = Object.keys(value).sort(compareCodePoints);
  for (const key of keys) {
    const entry = value[key];
    if (entry === undefined) continue;
    ctx.path.push(`[${JSON.stringify(key)}]`);
    if (entry === null) throw ctx.failAt('expected a value, got null');
    checkString(key, ctx);
    w.uint32(tag(field.id, WIRE_LEN)).fork();
    w.uint32(tag(1, WIRE_LEN)).string(key);
    writeValue(field.value, 2, entry, w, ctx);
    w.ldelim();
    ctx.path.pop();
  }
}

function writeValue(plan: ValuePlan, id: number, value: unknown, w: Writer, ctx: EncodeContext): void {
  if (plan.scalar !== undefined) {
    writeScalar(plan.scalar, id, value, w, ctx);
    return;
  }
  const message = plan.message;
  if (message.special !== undefined) {
    w.uint32(tag(id, WIRE_LEN)).fork();
    writeSpecial(message.special, value, w, ctx);
    w.ldelim();
    return;
  }
  if (!isPlainObject(value)) throw ctx.failAt(`expected an object, got ${describeValue(value)}`);
  w.uint32(tag(id, WIRE_LEN)).fork();
  writeFields(message, value, w, ctx);
  w.ldelim();
}

function writeScalar(kind: ScalarKind, id: number, value: unknown, w: Writer, ctx: EncodeContext): void {
  switch (kind) {
    case 'string':
      if (typeof value !== 'string') throw ctx.failAt(`expected a string, got ${describeValue(value)}`);
      checkString(value, ctx);
      w.uint32(tag(id, WIRE_LEN)).string(value);
      return;
    case 'bytes':
      w.uint32(tag(id, WIRE_LEN)).bytes(decodeBase64(value, ctx));
      return;
    case 'bool':
      if (typeof value !== 'boolean') throw ctx.failAt(`expected a boolean, got ${describeValue(value)}`);
      w.uint32(tag(id, WIRE_VARINT)).bool(value);
      return;
    case 'int32':
      if (typeof value !== 'number' || !Number.isInteger(value) || value < -2_147_483_648 || value > 2_147_483_647) {
        throw ctx.failAt(`expected an int32, got ${describeValue(value)}`);
      }
      w.uint32(tag(id, WIRE_VARINT)).int32(value);
      return;
    case 'int64':
      if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
        throw ctx.failAt(`expected an integer within ±(2^53-1), got ${describeValue(value)}`);
      }
      w.uint32(tag(id, WIRE_VARINT)).int64(value);
      return;
    case 'double':
      if (typeof value !== 'number' || !Number.isFinite(value)) throw ctx.failAt(`expected a finite number, got ${describeValue(value)}`);
      w.uint32(tag(id, WIRE_FIXED64)).double(value);
      return;
  }
}

/**
 * The bodies of the special messages. Go's generated marshallers write every
 * non-pointer field of Timestamp and IntOrString and Quantity's string even
 * when zero, so these always write all their fields.
 */
function writeSpecial(kind: SpecialKind, value: unknown, w: Writer, ctx: EncodeContext): void {
  switch (kind) {
    case 'time':
    case 'microTime': {
      const time = typeof value === 'string' ? parseRfc3339(value) : undefined;
      if (time === undefined) throw ctx.failAt(`expected an RFC 3339 date-time, got ${describeValue(value)}`);
      w.uint32(tag(1, WIRE_VARINT)).int64(time.seconds);
      w.uint32(tag(2, WIRE_VARINT)).int32(time.nanos);
      return;
    }
    case 'duration': {
      const nanos = typeof value === 'string' ? parseGoDuration(value) : undefined;
      if (nanos === undefined) throw ctx.failAt(`expected a Go duration such as "1m30s", got ${describeValue(value)}`);
      w.uint32(tag(1, WIRE_VARINT)).int64(nanos.toString());
      return;
    }
    case 'quantity': {
      // resource.Quantity also accepts a JSON number; it is written in its decimal form.
      const text = typeof value === 'number' && Number.isFinite(value) ? String(value) : value;
      if (typeof text !== 'string' || text === '') throw ctx.failAt(`expected a quantity such as "100m", got ${describeValue(value)}`);
      checkString(text, ctx);
      w.uint32(tag(1, WIRE_LEN)).string(text);
      return;
    }
    case 'intOrString':
      if (typeof value === 'number' && Number.isInteger(value) && value >= -2_147_483_648 && value <= 2_147_483_647) {
        w.uint32(tag(1, WIRE_VARINT)).int64(0).uint32(tag(2, WIRE_VARINT)).int32(value).uint32(tag(3, WIRE_LEN)).string('');
        return;
      }
      if (typeof value === 'string') {
        checkString(value, ctx);
        w.uint32(tag(1, WIRE_VARINT)).int64(1).uint32(tag(2, WIRE_VARINT)).int32(0).uint32(tag(3, WIRE_LEN)).string(value);
        return;
      }
      throw ctx.failAt(`expected an int32 or a string, got ${describeValue(value)}`);
    case 'fieldsV1':
    case 'rawExtension':
      // Both hold JSON text; key order is made canonical so equal objects give equal bytes.
      w.uint32(tag(1, WIRE_LEN)).bytes(Buffer.from(canonicalJson(value, ctx), 'utf8'));
      return;
  }
}

function canonicalJson(value: unknown, ctx: EncodeContext): string {
  let text: string | undefined;
  try {
    text = stableStringify(value) as string | undefined;
  } catch (error) {
    throw ctx.failAt(`cannot serialize the embedded JSON (${(error as Error).message})`);
  }
  if (text === undefined) throw ctx.failAt(`expected JSON data, got ${describeValue(value)}`);
  return text;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function decodeBase64(value: unknown, ctx: EncodeContext): Buffer {
  if (typeof value !== 'string' || !BASE64.test(value)) throw ctx.failAt(`expected standard base64 with padding, got ${describeValue(value)}`);
  return Buffer.from(value, 'base64');
}

interface WellFormed {
  isWellFormed(): boolean;
}

function checkString(value: string, ctx: EncodeContext): void {
  // A lone surrogate has no UTF-8 form: it would silently become U+FFFD.
  if (!(value as unknown as WellFormed).isWellFormed()) throw ctx.failAt('string contains a lone UTF-16 surrogate, which has no UTF-8 encoding');
}

function compareCodePoints(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // Surrogates (0xD800–0xDFFF) encode code points above 0xFFFF: they sort after 0xE000–0xFFFF in code point order.
    const xs = x >= 0xd800 && x <= 0xdfff;
    const ys = y >= 0xd800 && y <= 0xdfff;
    if (xs !== ys) return xs ? 1 : -1;
    return x - y;
  }
  return a.length - b.length;
}

function isPlainObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !ArrayBuffer.isView(value);
}

/** `"80" (string)`, `12 (number)`, `an object`, … for error messages. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  const text = typeof value === 'string' ? JSON.stringify(value.length > 64 ? `${value.slice(0, 61)}...` : value) : String(value);
  return `\`${text}\` (${typeof value})`;
}

// ───────────────────────────── wire → JSON ─────────────────────────────

/**
 * Reads the fields of `plan` from `ctx.reader.pos` up to `end` into a new JSON object.
 * @throws WireError (or a protobufjs RangeError on truncated varints) for malformed input.
 */
export function readFields(plan: MessagePlan, ctx: DecodeContext, end: number): Json {
  const reader = ctx.reader;
  const object: Json = {};
  while (reader.pos < end) {
    ctx.at = reader.pos;
    const key = reader.uint32();
    within(ctx, end);
    const id = key >>> 3;
    const wireType = key & 7;
    if (id === 0) throw new WireError('invalid field number 0', ctx.at);
    const field = plan.byNumber.get(id);
    if (field === undefined) {
      // Unknown fields (from a newer schema) are skipped, as Go's generated code does.
      skipField(ctx, wireType, end);
      continue;
    }
    ctx.path.push(field.name);
    if (field.map) readMapEntry(field, wireType, object, ctx, end);
    else if (field.repeated) readRepeated(field, wireType, object, ctx, end);
    else {
      const value = readValue(field.value, wireType, ctx, end, field);
      if (value !== undefined) {
        if (field.inline) Object.assign(object, value as Json);
        else if (field.keep || field.value.scalar === undefined || !isZero(value)) assign(object, field.name, mergeMessage(object[field.name], value));
      }
    }
    ctx.path.pop();
  }
  if (reader.pos !== end) throw new WireError(`a field runs past the end of its message at ${end}`, ctx.at);
  for (const field of plan.fields) {
    if (field.repeated && field.keep && object[field.name] === undefined) object[field.name] = [];
  }
  return object;
}

function readRepeated(field: FieldPlan, wireType: number, object: Json, ctx: DecodeContext, end: number): void {
  let list = object[field.name] as unknown[] | undefined;
  if (list === undefined) object[field.name] = list = [];
  const scalar = field.value.scalar;
  if (wireType === WIRE_LEN && scalar !== undefined && scalar !== 'string' && scalar !== 'bytes') {
    // Packed encoding of a numeric list (Go reads both forms).
    const packedEnd = readLength(ctx, end);
    const expected = scalar === 'double' ? WIRE_FIXED64 : WIRE_VARINT;
    while (ctx.reader.pos < packedEnd) {
      ctx.at = ctx.reader.pos;
      list.push(readScalar(scalar, expected, ctx, packedEnd));
    }
    return;
  }
  const value = readValue(field.value, wireType, ctx, end, field);
  list.push(value === undefined ? zeroOf(field.value) : value);
}

function readMapEntry(field: FieldPlan, wireType: number, object: Json, ctx: DecodeContext, end: number): void {
  expectWireType(field, wireType, WIRE_LEN, ctx);
  const entryEnd = readLength(ctx, end);
  const reader = ctx.reader;
  let key = '';
  let value: unknown;
  while (reader.pos < entryEnd) {
    ctx.at = reader.pos;
    const entryKey = reader.uint32();
    within(ctx, entryEnd);
    const id = entryKey >>> 3;
    const entryWire = entryKey & 7;
    if (id === 1) key = readScalar('string', entryWire, ctx, entryEnd, undefined, 'a map key') as string;
    else if (id === 2) value = readValue(field.value, entryWire, ctx, entryEnd, field);
    else skipField(ctx, entryWire, entryEnd);
  }
  let map = object[field.name] as Json | undefined;
  if (map === undefined) object[field.name] = map = {};
  assign(map, key, value === undefined ? zeroOf(field.value) : value);
}

function readValue(plan: ValuePlan, wireType: number, ctx: DecodeContext, end: number, field: FieldPlan): unknown {
  if (plan.scalar !== undefined) {
    return readScalar(plan.scalar, wireType, ctx, end, field);
  }
  expectWireType(field, wireType, WIRE_LEN, ctx);
  const messageEnd = readLength(ctx, end);
  const message = plan.message;
  return message.special === undefined ? readFields(message, ctx, messageEnd) : readSpecial(message, ctx, messageEnd);
}

function readScalar(kind: ScalarKind, wireType: number, ctx: DecodeContext, end: number, field?: FieldPlan, what?: string): unknown {
  const reader = ctx.reader;
  switch (kind) {
    case 'string': {
      expectWireType(field, wireType, WIRE_LEN, ctx, what);
      const stringEnd = readLength(ctx, end);
      const start = reader.pos;
      if (!isUtf8(ctx.buf.subarray(start, stringEnd))) throw new WireError('invalid UTF-8 in a string', start);
      reader.pos = stringEnd;
      return ctx.buf.toString('utf8', start, stringEnd);
    }
    case 'bytes': {
      expectWireType(field, wireType, WIRE_LEN, ctx, what);
      const bytesEnd = readLength(ctx, end);
      const start = reader.pos;
      reader.pos = bytesEnd;
      return ctx.buf.toString('base64', start, bytesEnd);
    }
    case 'bool':
      expectWireType(field, wireType, WIRE_VARINT, ctx, what);
      return withinValue(ctx, end, reader.bool());
    case 'int32':
      expectWireType(field, wireType, WIRE_VARINT, ctx, what);
      return withinValue(ctx, end, reader.int32());
    case 'int64': {
      expectWireType(field, wireType, WIRE_VARINT, ctx, what);
      const start = reader.pos;
      const value = longToNumber(reader.int64() as unknown as number | LongLike);
      within(ctx, end);
      if (!Number.isSafeInteger(value)) throw new WireError('int64 value outside ±(2^53-1), which JavaScript numbers cannot hold exactly', start);
      return value;
    }
    case 'double':
      expectWireType(field, wireType, WIRE_FIXED64, ctx, what);
      need(ctx, 8, end);
      return reader.double();
  }
}

function readSpecial(plan: MessagePlan, ctx: DecodeContext, end: number): unknown {
  const reader = ctx.reader;
  const start = reader.pos;
  if (plan.special === 'rawExtension' || plan.special === 'fieldsV1') {
    let raw: { start: number; end: number } | undefined;
    while (reader.pos < end) {
      ctx.at = reader.pos;
      const key = reader.uint32();
      within(ctx, end);
      if (key >>> 3 === 1) {
        if ((key & 7) !== WIRE_LEN) throw new WireError(`wire type ${key & 7} for ${plan.fullName}.raw, expected 2`, ctx.at);
        const rawEnd = readLength(ctx, end);
        raw = { start: reader.pos, end: rawEnd };
        reader.pos = rawEnd;
      } else skipField(ctx, key & 7, end);
    }
    if (raw === undefined || raw.start === raw.end) return undefined;
    if (plan.special === 'rawExtension' && startsWithMagic(ctx.buf, raw.start, raw.end)) return ctx.decodeEmbedded(raw.start, raw.end);
    const text = ctx.buf.subarray(raw.start, raw.end);
    if (!isUtf8(text)) throw new WireError(`invalid UTF-8 in the JSON of a ${plan.fullName}`, raw.start);
    try {
      return JSON.parse(text.toString('utf8')) as unknown;
    } catch (error) {
      throw new WireError(`invalid JSON in a ${plan.fullName} (${(error as Error).message})`, raw.start);
    }
  }
  // The other special types are small messages of scalars: read them with their plan.
  const fields = readRawFields(plan, ctx, end);
  switch (plan.special) {
    case 'time':
    case 'microTime': {
      // An empty Timestamp is Go's zero time, which its JSON prints as null: leave the field out.
      if (end === start) return undefined;
      const text = formatRfc3339(asNumber(fields['seconds']), asNumber(fields['nanos']), plan.special === 'microTime');
      if (text === undefined) throw new WireError('timestamp out of the range 0001-01-01..9999-12-31 or invalid nanos', start);
      return text;
    }
    case 'duration':
      return formatGoDuration(BigInt(asNumber(fields['duration'])));
    case 'quantity':
      // Go's zero Quantity prints as "0".
      return typeof fields['string'] === 'string' && fields['string'] !== '' ? fields['string'] : '0';
    case 'intOrString':
      return asNumber(fields['type']) === 1 ? (fields['strVal'] ?? '') : asNumber(fields['intVal']);
    default:
      return fields;
  }
}

/** Reads a message's fields keeping zero values (the special conversions need them). */
function readRawFields(plan: MessagePlan, ctx: DecodeContext, end: number): Json {
  const object: Json = {};
  const reader = ctx.reader;
  while (reader.pos < end) {
    ctx.at = reader.pos;
    const key = reader.uint32();
    within(ctx, end);
    const field = plan.byNumber.get(key >>> 3);
    if (field === undefined || field.repeated || field.map || field.value.scalar === undefined) {
      if (key >>> 3 === 0) throw new WireError('invalid field number 0', ctx.at);
      skipField(ctx, key & 7, end);
      continue;
    }
    object[field.name] = readScalar(field.value.scalar, key & 7, ctx, end, field);
  }
  return object;
}

function skipField(ctx: DecodeContext, wireType: number, end: number): void {
  const reader = ctx.reader;
  switch (wireType) {
    case WIRE_VARINT:
      reader.skip();
      within(ctx, end);
      return;
    case WIRE_FIXED64:
      need(ctx, 8, end);
      reader.pos += 8;
      return;
    case WIRE_LEN:
      reader.pos = readLength(ctx, end);
      return;
    case WIRE_FIXED32:
      need(ctx, 4, end);
      reader.pos += 4;
      return;
    case 3:
    case 4:
      throw new WireError('group wire types are not supported', ctx.at);
    default:
      throw new WireError(`invalid wire type ${wireType}`, ctx.at);
  }
}

/** Reads a length prefix and returns the end offset of the delimited bytes. */
function readLength(ctx: DecodeContext, end: number): number {
  const reader = ctx.reader;
  const start = reader.pos;
  const length = reader.uint32();
  within(ctx, end);
  const valueEnd = reader.pos + length;
  if (valueEnd > ctx.buf.length) throw new WireError('unexpected end of data', Math.min(ctx.buf.length, end));
  if (valueEnd > end) throw new WireError(`length ${length} runs past the end of the enclosing message at ${end}`, start);
  return valueEnd;
}

function need(ctx: DecodeContext, bytes: number, end: number): void {
  if (ctx.reader.pos + bytes > ctx.buf.length) throw new WireError('unexpected end of data', ctx.buf.length);
  if (ctx.reader.pos + bytes > end) throw new WireError(`a fixed-size value runs past the end of its message at ${end}`, ctx.reader.pos);
}

function within(ctx: DecodeContext, end: number): void {
  if (ctx.reader.pos > end) throw new WireError(`a varint runs past the end of its message at ${end}`, ctx.at);
}

function withinValue<T>(ctx: DecodeContext, end: number, value: T): T {
  within(ctx, end);
  return value;
}

function expectWireType(field: FieldPlan | undefined, wireType: number, expected: number, ctx: DecodeContext, what = 'a map key'): void {
  if (wireType === expected) return;
  const name = field === undefined ? what : `field ${field.name} (${field.id})`;
  throw new WireError(`wire type ${wireType} for ${name}, expected ${expected}`, ctx.at);
}

function startsWithMagic(buf: Buffer, start: number, end: number): boolean {
  return end - start >= 4 && buf[start] === 0x6b && buf[start + 1] === 0x38 && buf[start + 2] === 0x73 && buf[start + 3] === 0x00;
}

interface LongLike {
  toNumber(): number;
}

function longToNumber(value: number | LongLike): number {
  return typeof value === 'number' ? value : value.toNumber();
}

function asNumber(value: unknown): number {
  return typeof value === 'number' ? value : 0;
}

function isZero(value: unknown): boolean {
  return value === '' || value === 0 || value === false;
}

function zeroOf(plan: ValuePlan): unknown {
  switch (plan.scalar) {
    case 'string':
    case 'bytes':
      return '';
    case 'bool':
      return false;
    case undefined:
      return plan.message.special === 'quantity' ? '0' : plan.message.special === undefined ? {} : null;
    default:
      return 0;
  }
}

/** A message field seen twice merges (Go unmarshals into the same struct); anything else is replaced. */
function mergeMessage(previous: unknown, next: unknown): unknown {
  if (isPlainObject(previous) && isPlainObject(next)) return { ...previous, ...next };
  return next;
}

function assign(object: Json, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
  else object[key] = value;
}

/** The fields of a runtime.Unknown envelope; `raw` is located, not copied. */
export interface Envelope {
  apiVersion: string;
  kind: string;
  contentEncoding: string;
  contentType: string;
  raw: { readonly start: number; readonly end: number } | undefined;
}

/**
 * Reads runtime.Unknown { TypeMeta typeMeta = 1 { apiVersion = 1, kind = 2 };
 * bytes raw = 2; string contentEncoding = 3; string contentType = 4 } from
 * the reader's position up to `end`.
 */
export function readEnvelope(ctx: DecodeContext, end: number): Envelope {
  const reader = ctx.reader;
  const envelope: Envelope = { apiVersion: '', kind: '', contentEncoding: '', contentType: '', raw: undefined };
  while (reader.pos < end) {
    ctx.at = reader.pos;
    const key = reader.uint32();
    within(ctx, end);
    const id = key >>> 3;
    const wireType = key & 7;
    switch (id) {
      case 0:
        throw new WireError('invalid field number 0', ctx.at);
      case 1: {
        ctx.path.push('typeMeta');
        expectWireType(undefined, wireType, WIRE_LEN, ctx, 'typeMeta');
        const typeMetaEnd = readLength(ctx, end);
        while (reader.pos < typeMetaEnd) {
          ctx.at = reader.pos;
          const inner = reader.uint32();
          within(ctx, typeMetaEnd);
          if (inner >>> 3 === 1) envelope.apiVersion = readScalar('string', inner & 7, ctx, typeMetaEnd, undefined, 'typeMeta.apiVersion') as string;
          else if (inner >>> 3 === 2) envelope.kind = readScalar('string', inner & 7, ctx, typeMetaEnd, undefined, 'typeMeta.kind') as string;
          else skipField(ctx, inner & 7, typeMetaEnd);
        }
        ctx.path.pop();
        break;
      }
      case 2: {
        expectWireType(undefined, wireType, WIRE_LEN, ctx, 'raw');
        const rawEnd = readLength(ctx, end);
        envelope.raw = { start: reader.pos, end: rawEnd };
        reader.pos = rawEnd;
        break;
      }
      case 3:
        envelope.contentEncoding = readScalar('string', wireType, ctx, end, undefined, 'contentEncoding') as string;
        break;
      case 4:
        envelope.contentType = readScalar('string', wireType, ctx, end, undefined, 'contentType') as string;
        break;
      default:
        skipField(ctx, wireType, end);
    }
  }
  return envelope;
}
