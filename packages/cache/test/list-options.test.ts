import { describe, expect, it } from 'vitest';
import { checkResourceVersionMatch, type ListOptionsToValidate, StatusError, validateListOptions } from '../src/index.js';

function errorOf(options: ListOptionsToValidate): StatusError {
  try {
    validateListOptions(options);
  } catch (error) {
    if (error instanceof StatusError) return error;
    throw error;
  }
  throw new Error('expected an error');
}

const PREFIX = 'ListOptions.meta.k8s.io "" is invalid: ';

// apimachinery pkg/apis/meta/internalversion/validation/validation.go ValidateListOptions, as apiserver handlers/get.go raises it (errors.NewInvalid).
describe('validateListOptions (ValidateListOptions)', () => {
  it('list — resourceVersionMatch rules, each a Forbidden or NotSupported field error, Invalid 422 of ListOptions.meta.k8s.io', () => {
    const error = errorOf({ resourceVersionMatch: 'Exact' });
    expect(error).toMatchObject({
      reason: 'Invalid',
      code: 422,
      message: `${PREFIX}resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided`,
    });
    expect(error.details).toMatchObject({
      name: '',
      group: 'meta.k8s.io',
      kind: 'ListOptions',
      causes: [{ reason: 'FieldValueForbidden', field: 'resourceVersionMatch', message: 'Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided' }],
    });
    expect(errorOf({ resourceVersion: '0', resourceVersionMatch: 'Exact' }).message).toBe(
      `${PREFIX}resourceVersionMatch: Forbidden: resourceVersionMatch "exact" is forbidden for resourceVersion "0"`,
    );
    expect(errorOf({ resourceVersion: '5', resourceVersionMatch: 'Newest' }).details?.causes).toEqual([
      { reason: 'FieldValueNotSupported', field: 'resourceVersionMatch', message: 'Unsupported value: "Newest": supported values: "Exact", "NotOlderThan", ""' },
    ]);
  });

  it('list — every broken rule is reported, in Kubernetes’ order', () => {
    expect(errorOf({ resourceVersionMatch: 'Newest', continue: 'abc', sendInitialEvents: false }).message).toBe(
      `${PREFIX}[resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided, ` +
        'resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden when continue is provided, ' +
        'resourceVersionMatch: Unsupported value: "Newest": supported values: "Exact", "NotOlderThan", "", ' +
        'sendInitialEvents: Forbidden: sendInitialEvents is forbidden for list]',
    );
  });

  it('list — valid combinations pass and return the match', () => {
    expect(validateListOptions({})).toBeUndefined();
    expect(validateListOptions({ resourceVersion: '5', resourceVersionMatch: 'Exact' })).toBe('Exact');
    expect(validateListOptions({ resourceVersion: '0', resourceVersionMatch: 'NotOlderThan' })).toBe('NotOlderThan');
    expect(validateListOptions({ resourceVersion: '', resourceVersionMatch: '', continue: 'x' })).toBeUndefined();
  });

  it('watch — sendInitialEvents needs resourceVersionMatch=NotOlderThan; resourceVersionMatch needs sendInitialEvents', () => {
    expect(errorOf({ watch: true, sendInitialEvents: true }).message).toBe(
      `${PREFIX}resourceVersionMatch: Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan`,
    );
    expect(errorOf({ watch: true, resourceVersionMatch: 'NotOlderThan' }).message).toBe(
      `${PREFIX}resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided`,
    );
    expect(errorOf({ watch: true, sendInitialEvents: false, resourceVersionMatch: 'Exact', continue: 'x' }).message).toBe(
      `${PREFIX}[resourceVersionMatch: Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan, ` +
        'resourceVersionMatch: Unsupported value: "Exact": supported values: "NotOlderThan", ' +
        'resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden when continue is provided]',
    );
  });

  it('watch — no rule ties sendInitialEvents to allowWatchBookmarks (Kubernetes has none)', () => {
    expect(validateListOptions({ watch: true, sendInitialEvents: true, resourceVersionMatch: 'NotOlderThan' })).toBe('NotOlderThan');
    expect(validateListOptions({ watch: true, sendInitialEvents: false, resourceVersionMatch: 'NotOlderThan', resourceVersion: '' })).toBe('NotOlderThan');
  });

  it('checkResourceVersionMatch — the list half, Invalid 422 too', () => {
    expect(() => checkResourceVersionMatch('Exact', undefined, false)).toThrow(
      expect.objectContaining({ code: 422, message: `${PREFIX}resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided` }),
    );
    expect(checkResourceVersionMatch('Exact', '4', false)).toBe('Exact');
  });
});
