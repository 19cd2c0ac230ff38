/**
 * Query parameters of resource requests, read as Kubernetes' parameter codec
 * reads them: booleans as Go's `strconv.ParseBool`, integers strictly; a
 * value that does not parse is BadRequest 400 naming the parameter. What the
 * values mean together is the blocks' to check (the Cacher's 400/422).
 */
import { badRequest } from '@apiserver-kit/codec';
import { refuseDryRun } from '../registry/dry-run.js';

const TRUE = new Set(['1', 't', 'T', 'true', 'TRUE', 'True']);
const FALSE = new Set(['0', 'f', 'F', 'false', 'FALSE', 'False']);

/** A boolean parameter; absent or empty → `undefined`. @throws StatusError BadRequest 400 */
export function boolParam(query: URLSearchParams, name: string): boolean | undefined {
  const value = query.get(name);
  if (value === null || value === '') return undefined;
  if (TRUE.has(value)) return true;
  if (FALSE.has(value)) return false;
  throw badRequest(`${name}: Invalid value: ${JSON.stringify(value)}: must be a boolean`);
}

/** A non-negative integer parameter; absent or empty → `undefined`. @throws StatusError BadRequest 400 */
export function integerParam(query: URLSearchParams, name: string): number | undefined {
  const value = query.get(name);
  if (value === null || value === '') return undefined;
  const number = /^-?\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(number)) throw badRequest(`${name}: Invalid value: ${JSON.stringify(value)}: must be an integer`);
  return number;
}

/** A string parameter; absent → `undefined`. */
export function stringParam(query: URLSearchParams, name: string): string | undefined {
  return query.get(name) ?? undefined;
}

/** The list and watch parameters, as Kubernetes' `ListOptions`. */
export interface ListQuery {
  readonly labelSelector?: string;
  readonly fieldSelector?: string;
  readonly resourceVersion?: string;
  readonly resourceVersionMatch?: string;
  readonly limit?: number;
  readonly continue?: string;
  readonly timeoutSeconds?: number;
  readonly allowWatchBookmarks?: boolean;
  readonly sendInitialEvents?: boolean;
}

/** Reads the list/watch parameters (absent ones left out). @throws StatusError BadRequest 400 */
export function listQuery(query: URLSearchParams): ListQuery {
  const result: Record<string, unknown> = {};
  for (const name of ['labelSelector', 'fieldSelector', 'resourceVersion', 'resourceVersionMatch', 'continue'] as const) {
    const value = stringParam(query, name);
    if (value !== undefined) result[name] = value;
  }
  for (const name of ['limit', 'timeoutSeconds'] as const) {
    const value = integerParam(query, name);
    if (value !== undefined) {
      if (value < 0) throw badRequest(`${name}: Invalid value: ${value}: must be greater than or equal to 0`);
      result[name] = value;
    }
  }
  for (const name of ['allowWatchBookmarks', 'sendInitialEvents'] as const) {
    const value = boolParam(query, name);
    if (value !== undefined) result[name] = value;
  }
  return result as ListQuery;
}

/**
 * Checks the write parameters every mutating verb accepts: `dryRun` (refused:
 * this server does not simulate writes), `fieldValidation` (Strict, Warn,
 * Ignore: applied by field-validation.ts) and
 * `fieldManager` (accepted, unused: no managed fields).
 *
 * @throws StatusError BadRequest 400
 */
export function checkWriteQuery(query: URLSearchParams): void {
  refuseDryRun(query.getAll('dryRun'));
  const validation = query.get('fieldValidation');
  if (validation !== null && validation !== '' && validation !== 'Strict' && validation !== 'Warn' && validation !== 'Ignore') {
    throw badRequest(`fieldValidation: Unsupported value: ${JSON.stringify(validation)}: supported values: "Ignore", "Strict", "Warn"`);
  }
}
