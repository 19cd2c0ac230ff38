/**
 * Argument checks with the one message template of the blocks:
 *
 * ```
 * Expected `capacity` to be a positive integer, got `-1` (number)
 *          ^ name          ^ constraint              ^ value  ^ type
 * ```
 *
 * A value of the wrong type is a `TypeError`, one of the right type out of
 * range a `RangeError`. The blocks check their options with these; a host may
 * use them too, so its own messages read the same. They are not on any hot
 * path: call them in constructors and at API boundaries.
 */

/**
 * The value received, as the template quotes it: `` `-1` (number)``,
 * `` `"x"` (string)``, `` `null` (null)``. Objects are shown as JSON, cut to
 * 60 characters; functions as `function`.
 */
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

/**
 * Throws `` Expected `name` to be <constraint>, got <value> `` as a `Kind`.
 *
 * @param Kind the error class; @default TypeError (pass RangeError for a value of the right type out of range)
 * @throws always.
 */
export function badArgument(name: string, constraint: string, value: unknown, Kind: typeof TypeError = TypeError): never {
  throw new Kind(`Expected \`${name}\` to be ${constraint}, got ${received(value)}`);
}

/**
 * Asserts that `value` is a safe integer ≥ `min`.
 *
 * @throws TypeError when it is not a safe integer at all; RangeError when it is one but below `min`.
 */
export function checkInteger(name: string, value: unknown, min: number): asserts value is number {
  const constraint = min === 0 ? 'a non-negative integer' : min === 1 ? 'a positive integer' : `an integer ≥ ${min}`;
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) badArgument(name, constraint, value);
  if (value < min) badArgument(name, constraint, value, RangeError);
}

/**
 * Asserts that `value` is a finite number of milliseconds ≥ `min`.
 *
 * @param min @default 0
 * @throws TypeError when it is not a finite number; RangeError when it is below `min`.
 */
export function checkDuration(name: string, value: unknown, min = 0): asserts value is number {
  const constraint = min === 0 ? 'a non-negative number of milliseconds' : `a number of milliseconds ≥ ${min}`;
  if (typeof value !== 'number' || !Number.isFinite(value)) badArgument(name, constraint, value);
  if (value < min) badArgument(name, constraint, value, RangeError);
}

/**
 * Asserts that `value` is a non-null object, or `undefined` (an options bag left out).
 *
 * @throws TypeError otherwise.
 */
export function checkOptions(name: string, value: unknown): void {
  if (value !== undefined && (typeof value !== 'object' || value === null)) badArgument(name, 'an object', value);
}

/**
 * Asserts that `value` is an `AbortSignal`, or `undefined`.
 *
 * @throws TypeError otherwise.
 */
export function checkSignal(name: string, value: unknown): void {
  if (value !== undefined && !(value instanceof AbortSignal)) badArgument(name, 'an AbortSignal', value);
}

/**
 * `value` if it is a finite number > 0.
 *
 * @throws TypeError when it is not a finite number; RangeError when it is ≤ 0.
 */
export function positiveNumber(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) badArgument(name, 'a positive finite number', value);
  if (value <= 0) badArgument(name, 'a positive finite number', value, RangeError);
  return value;
}

/**
 * `value` if it is a finite number ≥ 0.
 *
 * @throws TypeError when it is not a finite number; RangeError when it is negative.
 */
export function nonNegativeNumber(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) badArgument(name, 'a non-negative finite number', value);
  if (value < 0) badArgument(name, 'a non-negative finite number', value, RangeError);
  return value;
}

/**
 * `value` if it is a safe integer > 0.
 *
 * @throws TypeError when it is not a safe integer; RangeError when it is ≤ 0.
 */
export function positiveInteger(name: string, value: unknown): number {
  checkInteger(name, value, 1);
  return value;
}

/**
 * `value` if it is a safe integer ≥ 0.
 *
 * @throws TypeError when it is not a safe integer; RangeError when it is negative.
 */
export function nonNegativeInteger(name: string, value: unknown): number {
  checkInteger(name, value, 0);
  return value;
}

/**
 * `value` if it is a number between 0 and 1, both included.
 *
 * @throws TypeError when it is not a number (or NaN); RangeError when it is outside [0, 1].
 */
export function fraction(name: string, value: unknown): number {
  if (typeof value !== 'number' || Number.isNaN(value)) badArgument(name, 'a number between 0 and 1', value);
  if (value < 0 || value > 1) badArgument(name, 'a number between 0 and 1', value, RangeError);
  return value;
}
