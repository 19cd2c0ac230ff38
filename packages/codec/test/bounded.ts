import { expect } from 'vitest';
import { isStatusError, type StatusReason } from '../src/index.js';

/**
 * Bounds for parsing hostile input, generous enough not to flake on a noisy
 * shared 2-core machine (GC pauses, other processes), tight enough to catch
 * what matters: time or memory superlinear in the input, or an expansion
 * (alias bombs) that turns kilobytes into gigabytes.
 */
export const MAX_MICROSECONDS_PER_BYTE = 50;
export const MAX_CONSTANT_MS = 100;
export const MAX_HEAP_BYTES_PER_BYTE = 256;
export const MAX_HEAP_CONSTANT_BYTES: number = 64 * 1024 * 1024;

/**
 * Runs `parse` on an input of `size` bytes and asserts that it returns or
 * throws a StatusError of one of `reasons`, within the time and heap bounds
 * above (`microsecondsPerByte` tightens the time bound for parsers that must
 * stay cheap). A run over a bound is retried twice and the best of three
 * kept: noise does not repeat, superlinear work does. The cache's parser fuzz
 * uses it too.
 */
export function expectBounded(size: number, parse: () => unknown, reasons: readonly StatusReason[], { microsecondsPerByte = MAX_MICROSECONDS_PER_BYTE } = {}): void {
  const timeLimitMs = MAX_CONSTANT_MS + (microsecondsPerByte * size) / 1000;
  const heapLimit = MAX_HEAP_CONSTANT_BYTES + MAX_HEAP_BYTES_PER_BYTE * size;
  let bestMs = Infinity;
  let bestHeap = Infinity;
  for (let attempt = 0; attempt < 3; attempt++) {
    const heapBefore = process.memoryUsage().heapUsed;
    const start = performance.now();
    let result: unknown;
    try {
      result = parse();
    } catch (error) {
      if (!isStatusError(error) || !reasons.includes(error.reason)) {
        throw new Error(`expected a result or a StatusError (${reasons.join(', ')}), got ${describe(error)}`, { cause: error });
      }
      result = error;
    }
    const ms = performance.now() - start;
    // Measured while the result is still referenced: what the parse kept, plus its garbage not yet collected.
    const heap = process.memoryUsage().heapUsed - heapBefore;
    keep(result);
    bestMs = Math.min(bestMs, ms);
    bestHeap = Math.min(bestHeap, heap);
    if (bestMs <= timeLimitMs && bestHeap <= heapLimit) return;
  }
  expect(bestMs, `time for ${size} bytes`).toBeLessThanOrEqual(timeLimitMs);
  expect(bestHeap, `heap growth for ${size} bytes`).toBeLessThanOrEqual(heapLimit);
}

let sink: unknown;
function keep(value: unknown): void {
  sink = value;
  sink = undefined;
}

function describe(error: unknown): string {
  if (isStatusError(error)) return `StatusError ${error.reason}: ${error.message}`;
  if (error instanceof Error) return `${error.constructor.name}: ${error.message}`;
  return String(error);
}
