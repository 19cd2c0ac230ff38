/**
 * resourceVersion parameters of LIST and WATCH, parsed with Kubernetes'
 * rules and messages: a value that does not parse is BadRequest 400 (as the
 * storage layer answers); parameters that parse but do not fit together are
 * Invalid 422 ({@link validateListOptions}, list-options.ts).
 */
import { badRequest } from '@apiserver-kit/codec';
import { validateListOptions } from './list-options.js';

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
 * Checks `resourceVersionMatch` against the other list parameters: the list
 * half of {@link validateListOptions}, kept for callers that have only these three.
 *
 * @throws StatusError Invalid 422 with Kubernetes' field errors (`ListOptions.meta.k8s.io "" is invalid: …`).
 */
export function checkResourceVersionMatch(match: string | undefined, resourceVersion: string | undefined, hasContinue: boolean): ResourceVersionMatch | undefined {
  return validateListOptions({
    ...(match === undefined ? {} : { resourceVersionMatch: match }),
    ...(resourceVersion === undefined ? {} : { resourceVersion }),
    ...(hasContinue ? { continue: '-' } : {}),
  });
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
