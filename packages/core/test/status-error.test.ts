import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  alreadyExists,
  badRequest,
  conflict,
  expired,
  INCONSISTENT_CONTINUE_MESSAGE,
  internalError,
  invalid,
  isStatusError,
  notAcceptable,
  notFound,
  requestEntityTooLarge,
  STATUS_REASONS,
  StatusError,
  tooLargeResourceVersion,
  tooManyRequests,
  tooOldResourceVersion,
  unsupportedMediaType,
} from '../src/index.js';

describe('StatusError', () => {
  it('.toStatus() — a Kubernetes Status object', () => {
    expect(notFound('pods', 'web-0').toStatus()).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'pods "web-0" not found',
      reason: 'NotFound',
      details: { name: 'web-0', kind: 'pods' },
      code: 404,
    });
  });

  it('the helpers give Kubernetes messages, reasons and codes', () => {
    const cases: [StatusError, string, string, number][] = [
      [badRequest('bad'), 'bad', 'BadRequest', 400],
      [alreadyExists('pods', 'a'), 'pods "a" already exists', 'AlreadyExists', 409],
      [notFound('deployments', 'a', 'apps'), 'deployments.apps "a" not found', 'NotFound', 404],
      [
        conflict('pods', 'a'),
        'Operation cannot be fulfilled on pods "a": the object has been modified; please apply your changes to the latest version and try again',
        'Conflict',
        409,
      ],
      [expired('The provided continue parameter is too old'), 'The provided continue parameter is too old', 'Expired', 410],
      [tooOldResourceVersion(5, 20), 'too old resource version: 5 (20)', 'Expired', 410],
      [tooLargeResourceVersion(30, 20), 'Timeout: Too large resource version: 30, current: 20', 'Timeout', 504],
      [tooManyRequests('Too many requests, please try again later.', 4), 'Too many requests, please try again later.', 'TooManyRequests', 429],
      [requestEntityTooLarge(3145728, 5000000), 'Request entity too large: limit is 3145728 bytes, got 5000000', 'RequestEntityTooLarge', 413],
      [notAcceptable(['application/json']), 'only the following media types are accepted: application/json', 'NotAcceptable', 406],
      [
        unsupportedMediaType('text/plain', ['application/json']),
        'the body of the request was in an unknown format ("text/plain") - accepted media types include: application/json',
        'UnsupportedMediaType',
        415,
      ],
      [internalError('boom'), 'Internal error occurred: boom', 'InternalError', 500],
    ];
    for (const [error, message, reason, code] of cases) {
      expect(error).toBeInstanceOf(StatusError);
      expect(error).toBeInstanceOf(Error);
      expect(error.message).toBe(message);
      expect(error.reason).toBe(reason);
      expect(error.code).toBe(code);
      expect(error.toStatus().code).toBe(code);
      expect(isStatusError(error, error.reason)).toBe(true);
    }
  });

  it('retryAfterSeconds — from the details', () => {
    expect(tooManyRequests('slow down', 8).retryAfterSeconds).toBe(8);
    expect(tooLargeResourceVersion(2, 1).retryAfterSeconds).toBe(1);
    expect(notFound('pods', 'a').retryAfterSeconds).toBeUndefined();
  });

  it('passes the cause through', () => {
    const cause = new SyntaxError('x');
    expect(badRequest('bad', cause).cause).toBe(cause);
  });

  it('isStatusError() — false for other errors', () => {
    expect(isStatusError(new Error('x'))).toBe(false);
    expect(isStatusError(badRequest('x'), 'NotFound')).toBe(false);
  });

  it('docs/errors.md lists every reason with its code, and nothing else', () => {
    const doc = readFileSync(new URL('../../../docs/errors.md', import.meta.url), 'utf8');
    const rows = [...doc.matchAll(/^\| `(\w+)` \| (\d{3}) \|/gm)].map((m) => [m[1], Number(m[2])]);
    expect(Object.fromEntries(rows)).toEqual(STATUS_REASONS);
    expect(rows).toHaveLength(Object.keys(STATUS_REASONS).length);
  });

  it('STATUS_REASONS cannot be changed at run time', () => {
    expect(Object.isFrozen(STATUS_REASONS)).toBe(true);
    expect(() => {
      (STATUS_REASONS as Record<string, number>)['NotFound'] = 200;
    }).toThrow(TypeError);
    expect(new StatusError('NotFound', 'x').code).toBe(404);
  });

  it('internalError — details.causes carries the message (apimachinery NewInternalError)', () => {
    expect(internalError('boom').toStatus()).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'Internal error occurred: boom',
      reason: 'InternalError',
      details: { causes: [{ message: 'boom' }] },
      code: 500,
    });
  });

  it('expired with a continue token — Status.metadata.continue (etcd3 handleCompactedErrorForPaging)', () => {
    const status = expired(INCONSISTENT_CONTINUE_MESSAGE, { continue: 'abc' }).toStatus();
    expect(status.metadata).toEqual({ continue: 'abc' });
    expect(status.code).toBe(410);
    expect(status.reason).toBe('Expired');
  });

  it('invalid — Kubernetes message and one cause per field error (apimachinery NewInvalid)', () => {
    const one = invalid('ListOptions', '', [{ field: 'resourceVersionMatch', type: 'Forbidden', detail: 'resourceVersionMatch is forbidden for watch' }], 'meta.k8s.io');
    expect(one.message).toBe('ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden for watch');
    expect(one.code).toBe(422);
    expect(one.details?.causes).toEqual([
      { reason: 'FieldValueForbidden', message: 'Forbidden: resourceVersionMatch is forbidden for watch', field: 'resourceVersionMatch' },
    ]);
    const two = invalid('Pod', 'web', [
      { field: 'metadata.labels', type: 'Invalid value', value: 'x', detail: 'must be an object' },
      { field: 'metadata.name', type: 'Required value', detail: 'name or generateName is required' },
    ]);
    expect(two.message).toBe(
      'Pod "web" is invalid: [metadata.labels: Invalid value: "x": must be an object, metadata.name: Required value: name or generateName is required]',
    );
    expect(two.details).toMatchObject({ name: 'web', kind: 'Pod' });
  });
});
