import * as core from '@apiserver-kit/core';
import { expect, it } from 'vitest';
import * as storage from '../src/index.js';

it('the clock and StatusError — storage re-exports core\'s, so existing imports keep working', () => {
  for (const name of ['FakeClock', 'systemClock', 'monotonicClock', 'sleep', 'StatusError', 'isStatusError'] as const) expect(storage[name], name).toBe(core[name]);
});
