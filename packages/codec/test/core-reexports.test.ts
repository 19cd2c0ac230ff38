import * as core from '@apiserver-kit/core';
import { expect, it } from 'vitest';
import * as codec from '../src/index.js';

it('the StatusError family — codec re-exports core\'s, so one instanceof check serves both', () => {
  const names = ['StatusError', 'STATUS_REASONS', 'isStatusError', 'badRequest', 'notFound', 'conflict', 'expired', 'invalid', 'timeout', 'tooManyRequests', 'internalError', 'CONFLICT_MESSAGE'] as const;
  for (const name of names) expect(codec[name], name).toBe(core[name]);
  expect(core.notFound('pods', 'a')).toBeInstanceOf(codec.StatusError);
});
