import * as core from '@apiserver-kit/core';
import { expect, it } from 'vitest';
import * as flowcontrol from '../src/index.js';

it('the clock — flowcontrol re-exports core\'s (its default is monotonicClock)', () => {
  for (const name of ['FakeClock', 'systemClock', 'monotonicClock'] as const) expect(flowcontrol[name], name).toBe(core[name]);
});
