/**
 * resourceVersion parameters of LIST and WATCH, parsed and validated with
 * Kubernetes' rules and messages (apimachinery's list options validation and
 * the storage layer's checks), all raised as BadRequest 400.
 */
import { badRequest } from '@apiserver-kit/codec';

/** `resourceVersionMatch`: how a list's resourceVersion is read. */
export type ResourceVersionMatch = 'NotOlderThan' | 'Exact';

/**
 * Parses a resourceVersion: a decimal integer ≥ 0 (Go's `strconv.ParseUint`).
 *
 * @throws StatusError BadRequest 400 `invalid resource version: strconv.ParseUint: parsing "x": invalid syntax`.
 */
export function parseResourceVersion(text: string): number {
  if (!/^[0-9]+$/.test(text)) throw badRequest(`invalid resource version: strconv.ParseUint: parsing ${JSON.stringify(text)}: invalid syntax`);
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw badRequest(`invalid resource version: strconv.ParseUint: parsing ${JSON.stringify(text)}: value out of range`);
  return value;
}

/**
 * Checks `resourceVersionMatch` against the other list parameters.
 *
 * @throws StatusError BadRequest 400 with Kubernetes' field error text.
 */
export function checkResourceVersionMatch(match: string | undefined, resourceVersion: string | undefined, hasContinue: boolean): ResourceVersionMatch | undefined {
  if (match === undefined || match === '') return undefined;
  if (match !== 'NotOlderThan' && match !== 'Exact') {
    throw badRequest(`resourceVersionMatch: Unsupported value: ${JSON.stringify(match)}: supported values: "Exact", "NotOlderThan", ""`);
  }
  if (hasContinue) throw badRequest('resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden when continue is provided');
  if (resourceVersion === undefined || resourceVersion === '') {
    throw badRequest('resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided');
  }
  if (match === 'Exact' && resourceVersion === '0') {
    throw badRequest('resourceVersionMatch: Forbidden: resourceVersionMatch "exact" is forbidden for resourceVersion "0"');
  }
  return match;
}

/**
 * Checks a `limit`: a non-negative integer; 0 means none, as in Kubernetes.
 *
 * @throws StatusError BadRequest 400 `limit: Invalid value: -1: must be a non-negative integer`.
 */
export function checkLimit(limit: number | undefined): number {
  if (limit === undefined) return 0;
  if (typeof limit !== 'number' || !Number.isSafeInteger(limit) || limit < 0) {
    throw badRequest(`limit: Invalid value: ${String(limit)}: must be a non-negative integer`);
  }
  return limit;
}
