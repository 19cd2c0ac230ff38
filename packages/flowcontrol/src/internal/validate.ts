// Argument checks with the one message template of the project:
// Expected `burst` to be a positive finite number, got `-1` (number)

function describe(value: unknown): string {
  const shown = typeof value === 'string' ? value : typeof value === 'symbol' ? value.toString() : String(value);
  return `\`${shown}\` (${value === null ? 'null' : typeof value})`;
}

export function fail(name: string, constraint: string, value: unknown, Kind: typeof TypeError = TypeError): never {
  throw new Kind(`Expected \`${name}\` to be ${constraint}, got ${describe(value)}`);
}

export function positiveNumber(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) fail(name, 'a positive finite number', value);
  if (value <= 0) fail(name, 'a positive finite number', value, RangeError);
  return value;
}

export function nonNegativeNumber(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) fail(name, 'a non-negative finite number', value);
  if (value < 0) fail(name, 'a non-negative finite number', value, RangeError);
  return value;
}

export function positiveInteger(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) fail(name, 'a positive integer', value);
  if (value <= 0) fail(name, 'a positive integer', value, RangeError);
  return value;
}

export function nonNegativeInteger(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) fail(name, 'a non-negative integer', value);
  if (value < 0) fail(name, 'a non-negative integer', value, RangeError);
  return value;
}

export function fraction(name: string, value: unknown): number {
  if (typeof value !== 'number' || Number.isNaN(value)) fail(name, 'a number between 0 and 1', value);
  if (value < 0 || value > 1) fail(name, 'a number between 0 and 1', value, RangeError);
  return value;
}
