/**
 * Validation of the list and watch parameters that parse but may not fit
 * together, with Kubernetes' rules, field paths and messages (apimachinery
 * `pkg/apis/meta/internalversion/validation` `ValidateListOptions`), raised as
 * the apiserver raises them (handlers/get.go): Invalid 422 of
 * `ListOptions.meta.k8s.io ""`, one `details.causes[]` per field error.
 *
 * Parse errors (a malformed resourceVersion, selector or continue token) are
 * not checked here: they stay BadRequest 400, where they are parsed.
 */
import { type FieldError, invalid } from '@apiserver-kit/codec';
import type { ResourceVersionMatch } from './resource-version.js';

/** The parameters {@link validateListOptions} looks at, as a request carries them. */
export interface ListOptionsToValidate {
  /** Whether the request is a watch (`watch=true`, or a watch route). */
  readonly watch?: boolean | undefined;
  readonly resourceVersion?: string | undefined;
  readonly resourceVersionMatch?: string | undefined;
  readonly continue?: string | undefined;
  /** Set (true or false) or unset: Kubernetes tells `false` from unset. */
  readonly sendInitialEvents?: boolean | undefined;
}

/** The kind and group Kubernetes names in the Invalid error of bad list options. */
const KIND = 'ListOptions';
const GROUP = 'meta.k8s.io';

/**
 * Checks list or watch parameters together, as Kubernetes' `ValidateListOptions`
 * (with the WatchList feature on): for a list, `resourceVersionMatch` needs a
 * `resourceVersion`, no `continue`, one of `Exact`/`NotOlderThan`, and not
 * `Exact` with `"0"`; `sendInitialEvents` is forbidden. For a watch,
 * `sendInitialEvents` needs `resourceVersionMatch=NotOlderThan`, and
 * `resourceVersionMatch` needs `sendInitialEvents`, is `NotOlderThan`, and
 * comes without `continue`. Every broken rule is reported, in Kubernetes'
 * order. `allowWatchBookmarks` is not required by any rule (Kubernetes has
 * none). O(1), allocates only on failure.
 *
 * @returns the `resourceVersionMatch`, `undefined` when unset or empty.
 * @throws StatusError Invalid 422 `ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Forbidden: …`.
 */
export function validateListOptions(options: ListOptionsToValidate): ResourceVersionMatch | undefined {
  const errors = options.watch === true ? watchErrors(options) : listErrors(options);
  if (errors.length > 0) throw invalid(KIND, '', errors, GROUP);
  const match = options.resourceVersionMatch;
  return match === 'Exact' || match === 'NotOlderThan' ? match : undefined;
}

function listErrors(options: ListOptionsToValidate): FieldError[] {
  const errors: FieldError[] = [];
  const match = options.resourceVersionMatch ?? '';
  if (match !== '') {
    if ((options.resourceVersion ?? '') === '') errors.push(forbidden('resourceVersionMatch', 'resourceVersionMatch is forbidden unless resourceVersion is provided'));
    if ((options.continue ?? '') !== '') errors.push(forbidden('resourceVersionMatch', 'resourceVersionMatch is forbidden when continue is provided'));
    if (match !== 'Exact' && match !== 'NotOlderThan') errors.push(unsupported('resourceVersionMatch', match, ['Exact', 'NotOlderThan', '']));
    if (match === 'Exact' && options.resourceVersion === '0') {
      errors.push(forbidden('resourceVersionMatch', 'resourceVersionMatch "exact" is forbidden for resourceVersion "0"'));
    }
  }
  if (options.sendInitialEvents !== undefined) errors.push(forbidden('sendInitialEvents', 'sendInitialEvents is forbidden for list'));
  return errors;
}

function watchErrors(options: ListOptionsToValidate): FieldError[] {
  const errors: FieldError[] = [];
  const match = options.resourceVersionMatch ?? '';
  if (options.sendInitialEvents !== undefined && match !== 'NotOlderThan') {
    errors.push(forbidden('resourceVersionMatch', 'sendInitialEvents requires setting resourceVersionMatch to NotOlderThan'));
  }
  if (match !== '') {
    if (options.sendInitialEvents === undefined) errors.push(forbidden('resourceVersionMatch', 'resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided'));
    if (match !== 'NotOlderThan') errors.push(unsupported('resourceVersionMatch', match, ['NotOlderThan']));
    if ((options.continue ?? '') !== '') errors.push(forbidden('resourceVersionMatch', 'resourceVersionMatch is forbidden when continue is provided'));
  }
  return errors;
}

function forbidden(field: string, detail: string): FieldError {
  return { field, type: 'Forbidden', detail };
}

function unsupported(field: string, value: string, supported: readonly string[]): FieldError {
  return { field, type: 'Unsupported value', value, detail: `supported values: ${supported.map((s) => JSON.stringify(s)).join(', ')}` };
}
