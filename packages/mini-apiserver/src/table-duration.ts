/**
 * Ages as kubectl prints them: apimachinery `duration.HumanDuration`, the
 * function behind every AGE column (`5m`, `3h10m`, `2d`).
 */

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/**
 * `duration` (milliseconds) written with two or three significant figures, as
 * apimachinery's `HumanDuration`: `45s`, `2m30s`, `5m`, `3h10m`, `20h`, `2d4h`,
 * `20d`, `2y10d`, `9y`. Up to one second in the future counts as `0s` (clock
 * skew between machines); further in the future is `<invalid>`.
 */
export function humanDuration(duration: number): string {
  if (!Number.isFinite(duration)) return '<invalid>';
  // Go truncates toward zero at every step (int(d.Seconds()), int(d / time.Minute)).
  const seconds = Math.trunc(duration / SECOND);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 60 * 2) return `${seconds}s`;
  const minutes = Math.trunc(duration / MINUTE);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 60 * 3) return `${minutes}m`;
  const hours = Math.trunc(duration / HOUR);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  const days = Math.trunc(hours / 24);
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0 ? `${days}d` : `${days}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${days}d`;
  const years = Math.trunc(days / 365);
  if (hours < 24 * 365 * 8) {
    const d = days % 365;
    return d === 0 ? `${years}y` : `${years}y${d}d`;
  }
  return `${years}y`;
}

/**
 * The printers' `translateTimestampSince`: the age of an RFC 3339 timestamp at
 * `now` (milliseconds since the epoch), or `<unknown>` for a missing or
 * unreadable one (Go's zero time).
 */
export function ageOf(timestamp: unknown, now: number): string {
  const at = timestampMillis(timestamp);
  return at === undefined ? '<unknown>' : humanDuration(now - at);
}

/** Milliseconds since the epoch of an RFC 3339 timestamp, or `undefined` if missing or unreadable. */
export function timestampMillis(timestamp: unknown): number | undefined {
  if (typeof timestamp !== 'string' || timestamp === '') return undefined;
  const at = Date.parse(timestamp);
  return Number.isNaN(at) ? undefined : at;
}
