import { isStatusError, StatusError } from '@apiserver-kit/core';
import { describe, expect, it } from 'vitest';
import { TOO_MANY_REQUESTS_MESSAGE, TooManyRequestsError, tooManyRequestsStatus } from '../src/index.js';

describe('tooManyRequestsStatus()', () => {
  it('is the Kubernetes Status of a 429, field for field', () => {
    expect(JSON.stringify(tooManyRequestsStatus(TOO_MANY_REQUESTS_MESSAGE, 4))).toBe(
      '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Too many requests, please try again later.","reason":"TooManyRequests","details":{"retryAfterSeconds":4},"code":429}',
    );
  });
});

describe('TooManyRequestsError', () => {
  it('carries reason, code, retryAfterSeconds, level and rule; .toStatus() renders it', () => {
    const error = new TooManyRequestsError('Too many requests: limit "pods" of level "resource" exceeded, please try again later.', 2, { level: 'resource', rule: 'pods' });
    expect([error.name, error.reason, error.code, error.retryAfterSeconds, error.level, error.rule]).toEqual(['TooManyRequestsError', 'TooManyRequests', 429, 2, 'resource', 'pods']);
    expect(error.toStatus()).toEqual(tooManyRequestsStatus(error.message, 2));
    expect(error).toBeInstanceOf(Error);
  });

  it('is a StatusError: one handler catches it; .toStatus() is the StatusError Status with details.retryAfterSeconds', () => {
    const cause = new Error('bucket empty');
    const error = new TooManyRequestsError('slow down', 3, { level: 'global', cause });
    expect(error).toBeInstanceOf(StatusError);
    expect(isStatusError(error, 'TooManyRequests')).toBe(true);
    expect([error.details, error.metadata, error.cause, error.retryAfterSeconds]).toEqual([{ retryAfterSeconds: 3 }, {}, cause, 3]);
    expect(error.toStatus()).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'slow down',
      reason: 'TooManyRequests',
      details: { retryAfterSeconds: 3 },
      code: 429,
    });
  });
});
