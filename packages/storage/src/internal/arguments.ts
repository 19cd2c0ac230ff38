/** Argument checks with the one message template of the conventions. */

/** `` `-1` (number)``: the value received, as the template quotes it. */
export function received(value: unknown): string {
  let shown: string;
  if (typeof value === 'string') shown = JSON.stringify(value);
  else if (typeof value === 'bigint') shown = `${value}n`;
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

/**
 * Throws unless `value` is an integer ≥ `min`: TypeError when it is not a safe
 * integer at all, RangeError when it is one but too small.
 */
export function checkInteger(name: string, value: unknown, min: 0 | 1): asserts value is number {
  const constraint = min === 0 ? 'a non-negative integer' : 'a positive integer';
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw new TypeError(`Expected \`${name}\` to be ${constraint}, got ${received(value)}`);
  }
  if (value < min) throw new RangeError(`Expected \`${name}\` to be ${constraint}, got ${received(value)}`);
}

/** Throws TypeError unless `value` is a non-null object (or undefined when optional). */
export function checkOptions(name: string, value: unknown): void {
  if (value !== undefined && (typeof value !== 'object' || value === null)) {
    throw new TypeError(`Expected \`${name}\` to be an object, got ${received(value)}`);
  }
}

/** Throws TypeError unless `value` is an AbortSignal or undefined. */
export function checkSignal(name: string, value: unknown): void {
  if (value !== undefined && !(value instanceof AbortSignal)) {
    throw new TypeError(`Expected \`${name}\` to be an AbortSignal, got ${received(value)}`);
  }
}
