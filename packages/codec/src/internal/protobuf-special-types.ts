/**
 * JSON ↔ proto conversions of the apimachinery types whose JSON form is a
 * string: metav1.Time and MicroTime (RFC 3339 ↔ Timestamp{seconds, nanos})
 * and metav1.Duration (Go duration string ↔ int64 nanoseconds).
 */

/** A point in time as Kubernetes' Timestamp message holds it. */
export interface Timestamp {
  readonly seconds: number;
  readonly nanos: number;
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

/**
 * Parses an RFC 3339 date-time (as Go's time.Parse(time.RFC3339) accepts it:
 * optional fraction, `Z` or a numeric offset). Returns undefined when invalid.
 */
export function parseRfc3339(text: string): Timestamp | undefined {
  const match = RFC3339.exec(text);
  if (match === null) return undefined;
  const [, y, mo, d, h, mi, s, fraction, , sign, oh, om] = match;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return undefined;
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return undefined;
  date.setUTCHours(hour, minute, second, 0);
  let seconds = date.getTime() / 1000;
  if (sign !== undefined) {
    const offsetHours = Number(oh);
    const offsetMinutes = Number(om);
    if (offsetHours > 23 || offsetMinutes > 59) return undefined;
    const offset = (offsetHours * 60 + offsetMinutes) * 60;
    seconds -= sign === '+' ? offset : -offset;
  }
  const nanos = fraction === undefined ? 0 : Number(fraction.padEnd(9, '0'));
  return { seconds, nanos };
}

/** Earliest and latest seconds Go can format with a four-digit year. */
const MIN_SECONDS = -62_135_596_800; // 0001-01-01T00:00:00Z
const MAX_SECONDS = 253_402_300_799; // 9999-12-31T23:59:59Z

/**
 * Formats a Timestamp as Kubernetes' JSON does: UTC, second precision for
 * metav1.Time (`2006-01-02T15:04:05Z`), microseconds for MicroTime
 * (`2006-01-02T15:04:05.000000Z`). Undefined when out of Go's range or the
 * nanos are not in [0, 1e9).
 */
export function formatRfc3339(seconds: number, nanos: number, micro: boolean): string | undefined {
  if (!Number.isSafeInteger(seconds) || seconds < MIN_SECONDS || seconds > MAX_SECONDS) return undefined;
  if (!Number.isInteger(nanos) || nanos < 0 || nanos > 999_999_999) return undefined;
  const date = new Date(seconds * 1000);
  const year = date.getUTCFullYear();
  const base =
    `${pad(year, 4)}-${pad(date.getUTCMonth() + 1, 2)}-${pad(date.getUTCDate(), 2)}` +
    `T${pad(date.getUTCHours(), 2)}:${pad(date.getUTCMinutes(), 2)}:${pad(date.getUTCSeconds(), 2)}`;
  return micro ? `${base}.${pad(Math.floor(nanos / 1000), 6)}Z` : `${base}Z`;
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

const NANOS_PER_UNIT: ReadonlyMap<string, bigint> = new Map([
  ['ns', 1n],
  ['us', 1_000n],
  ['\u00b5s', 1_000n], // µ (micro sign), what Go prints
  ['\u03bcs', 1_000n], // μ (Greek mu), also accepted by Go
  ['ms', 1_000_000n],
  ['s', 1_000_000_000n],
  ['m', 60_000_000_000n],
  ['h', 3_600_000_000_000n],
]);
const INT64_MAX = (1n << 63n) - 1n;
const DURATION_PART = /([0-9]*)(?:\.([0-9]*))?([a-z\u00b5\u03bc]+)/y;

/**
 * Parses a Go duration string (`1h2m3.5s`, `-1.5ms`, `0`) into nanoseconds.
 * Fractions are scaled exactly (Go uses floating point for them, which can
 * differ in the last nanosecond). Undefined when invalid or out of int64.
 */
export function parseGoDuration(text: string): bigint | undefined {
  let rest = text;
  let negative = false;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    negative = rest.startsWith('-');
    rest = rest.slice(1);
  }
  if (rest === '0') return 0n;
  if (rest === '') return undefined;
  let total = 0n;
  DURATION_PART.lastIndex = 0;
  let at = 0;
  while (at < rest.length) {
    DURATION_PART.lastIndex = at;
    const match = DURATION_PART.exec(rest);
    if (match === null) return undefined;
    const [whole, integer = '', fraction, unitName = ''] = match;
    const unit = NANOS_PER_UNIT.get(unitName);
    if (unit === undefined || (integer === '' && (fraction === undefined || fraction === ''))) return undefined;
    let value = BigInt(integer === '' ? '0' : integer) * unit;
    if (fraction !== undefined && fraction !== '') value += (BigInt(fraction) * unit) / 10n ** BigInt(fraction.length);
    total += value;
    if (total > INT64_MAX + (negative ? 1n : 0n)) return undefined;
    at += whole.length;
  }
  return negative ? -total : total;
}

/** Formats nanoseconds as Go's time.Duration.String() does (`1h0m0s`, `1.5µs`, `0s`). */
export function formatGoDuration(nanoseconds: bigint): string {
  if (nanoseconds === 0n) return '0s';
  const negative = nanoseconds < 0n;
  let u = negative ? -nanoseconds : nanoseconds;
  let text: string;
  if (u < 1_000_000_000n) {
    if (u < 1_000n) text = `${u}ns`;
    else if (u < 1_000_000n) text = `${fraction(u, 3)}\u00b5s`;
    else text = `${fraction(u, 6)}ms`;
  } else {
    const seconds = fraction(u, 9);
    u /= 1_000_000_000n;
    const wholeSeconds = seconds.includes('.') ? `${u % 60n}${seconds.slice(seconds.indexOf('.'))}` : `${u % 60n}`;
    u /= 60n;
    if (u === 0n) text = `${wholeSeconds}s`;
    else {
      const minutes = u % 60n;
      u /= 60n;
      text = u === 0n ? `${minutes}m${wholeSeconds}s` : `${u}h${minutes}m${wholeSeconds}s`;
    }
  }
  return negative ? `-${text}` : text;
}

/** `value / 10^digits` with the fraction's trailing zeros (and a bare point) dropped. */
function fraction(value: bigint, digits: number): string {
  const scale = 10n ** BigInt(digits);
  const whole = value / scale;
  const rest = (value % scale).toString().padStart(digits, '0').replace(/0+$/, '');
  return rest === '' ? `${whole}` : `${whole}.${rest}`;
}
