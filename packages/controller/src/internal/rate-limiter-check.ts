import { badArgument } from '@apiserver-kit/core';
import type { RateLimiter } from '../rate-limiter.js';

/** Asserts that `value` has the three methods of a {@link RateLimiter}. @throws TypeError otherwise. */
export function checkLimiter(name: string, value: unknown): void {
  const limiter = value as Partial<RateLimiter<unknown>> | null;
  if (typeof value !== 'object' || value === null || typeof limiter?.when !== 'function' || typeof limiter.forget !== 'function' || typeof limiter.numRequeues !== 'function') {
    badArgument(name, 'a RateLimiter (when, forget, numRequeues)', value);
  }
}
