/** Argument checks with the one message template of the conventions. */

/** `` `-1` (number)``: the value received, as the template quotes it. */
export function received(value: unknown): string {
  let shown: string;
  if (typeof value === 'string') shown = JSON.stringify(value);
  else if (typeof value === 'bigint') shown = `${value}n`;
  else if (typeof value === 'function') shown = 'function';
  else if (typeof value === 'object' && value !== null) {
    try {
      shown = JSON.stringify(value) ?? String(value);
    } catch {
      shown = Object.prototype.toString.call(value);
    }
    if (shown.length > 60) shown = `${shown.slice(0, 57)}...`;
  } else shown = String(value);
  return `\`${shown}\` (${value === null ? 'null' : typeof value})`;
}

/** Throws unless `value` is a safe integer ≥ `min`: TypeError when not an integer, RangeError when too small. */
export function checkInteger(name: string, value: unknown, min: number): asserts value is number {
  const constraint = min === 0 ? 'a non-negative integer' : min === 1 ? 'a positive integer' : `an integer ≥ ${min}`;
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw new TypeError(`Expected \`${name}\` to be ${constraint}, got ${received(value)}`);
  }
  if (value < min) throw new RangeError(`Expected \`${name}\` to be ${constraint}, got ${received(value)}`);
}

/** Throws unless `value` is a finite number ≥ `min`. */
export function checkDuration(name: string, value: unknown, min = 0): asserts value is number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new TypeError(`Expected \`${name}\` to be a non-negative number of milliseconds, got ${received(value)}`);
  }
  if (value < min) throw new RangeError(`Expected \`${name}\` to be a non-negative number of milliseconds, got ${received(value)}`);
}
