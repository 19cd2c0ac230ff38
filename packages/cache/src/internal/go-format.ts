/**
 * Go's formatting rules, where Kubernetes' messages depend on them: `%q`
 * (strconv.Quote), `json.Marshal` of a string slice, byte lengths (Go's
 * `len` counts UTF-8 bytes) and byte-wise string order (Go's `<` on strings).
 * Parse-time only; nothing here runs per object.
 */

const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u;

/** Go's `strconv.Quote` (the `%q` verb): ASCII escapes, non-printable runes as `\x`/`\u`/`\U`. */
export function goQuote(text: string): string {
  let out = '"';
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    switch (code) {
      case 0x07: out += '\\a'; continue;
      case 0x08: out += '\\b'; continue;
      case 0x0c: out += '\\f'; continue;
      case 0x0a: out += '\\n'; continue;
      case 0x0d: out += '\\r'; continue;
      case 0x09: out += '\\t'; continue;
      case 0x0b: out += '\\v'; continue;
      case 0x22: out += '\\"'; continue;
      case 0x5c: out += '\\\\'; continue;
    }
    if (code >= 0xd800 && code <= 0xdfff) {
      // A lone surrogate cannot reach Go as UTF-8; a host decoding the query
      // string would have made it U+FFFD, which Go prints as is.
      out += '\ufffd';
    } else if (code < 0x20 || code === 0x7f) {
      out += `\\x${code.toString(16).padStart(2, '0')}`;
    } else if (code === 0x20 || code < 0x7f || PRINTABLE.test(char)) {
      out += char;
    } else if (code < 0x10000) {
      out += `\\u${code.toString(16).padStart(4, '0')}`;
    } else {
      out += `\\U${code.toString(16).padStart(8, '0')}`;
    }
  }
  return `${out}"`;
}

/** Go's `json.Marshal` of a `[]string` (HTML-safe: `<`, `>`, `&` escaped). */
export function goJsonStrings(values: readonly string[]): string {
  return JSON.stringify(values).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** The UTF-8 length of `text`, as Go's `len` reports it (a lone surrogate counts as U+FFFD). */
export function utf8Length(text: string): number {
  let length = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) length += 1;
    else if (code < 0x800) length += 2;
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        length += 4;
        i++;
      } else length += 3;
    } else length += 3;
  }
  return length;
}

/**
 * Byte-wise (UTF-8, i.e. code point) order, as Go compares strings. JavaScript's
 * `<` compares UTF-16 units, which differs only between astral characters and
 * U+E000–U+FFFF.
 */
export function compareBytewise(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) {
      const xs = x >= 0xd800 && x <= 0xdfff;
      const ys = y >= 0xd800 && y <= 0xdfff;
      if (xs !== ys) return xs ? 1 : -1; // a surrogate starts a code point above U+FFFF
      return x - y;
    }
  }
  return a.length - b.length;
}

const INT64_MAX = 9223372036854775807n;
const INT64_MIN = -9223372036854775808n;

/**
 * Go's `strconv.ParseInt(text, 10, 64)`: optional sign, decimal digits, in
 * int64 range. Returns a `number` when exact (|v| < 2^53, no allocation), a
 * `bigint` beyond that, `undefined` when Go would fail.
 */
export function parseGoInt64(text: string): number | bigint | undefined {
  const length = text.length;
  let i = 0;
  let negative = false;
  if (length > 0) {
    const first = text.charCodeAt(0);
    if (first === 0x2b || first === 0x2d) {
      negative = first === 0x2d;
      i = 1;
    }
  }
  if (i === length) return undefined;
  let value = 0;
  let significant = 0;
  for (let j = i; j < length; j++) {
    const digit = text.charCodeAt(j) - 0x30;
    if (digit < 0 || digit > 9) return undefined;
    if (significant > 0 || digit !== 0) significant++;
    value = value * 10 + digit;
  }
  if (significant <= 15) return negative ? -value : value;
  const big = BigInt(text);
  if (big > INT64_MAX || big < INT64_MIN) return undefined;
  return big;
}

/** Compares two results of {@link parseGoInt64}. */
export function compareInt64(a: number | bigint, b: number | bigint): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}
