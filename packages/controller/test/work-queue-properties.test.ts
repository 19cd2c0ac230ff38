/**
 * WorkQueue against a reference model: a plain array, two sets and a map of
 * ready times, stepped with the same random operations. Pins de-duplication,
 * exclusion (a key is never handed out while processing), FIFO order, the
 * delay heap (earlier time wins, ready-time order) and rate-limited delays.
 */
import { FakeClock } from '@apiserver-kit/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ItemExponentialFailureRateLimiter, WorkQueue } from '../src/index.js';

const KEYS = ['a', 'b', 'c', 'd', 'e'] as const;

type Op =
  | { readonly op: 'add'; readonly key: string }
  | { readonly op: 'addAfter'; readonly key: string; readonly delay: number }
  | { readonly op: 'addRateLimited'; readonly key: string }
  | { readonly op: 'forget'; readonly key: string }
  | { readonly op: 'get' }
  | { readonly op: 'done'; readonly key: string }
  | { readonly op: 'advance'; readonly ms: number }
  | { readonly op: 'shutDown' };

class Model {
  now = 0;
  queue: string[] = [];
  dirty = new Set<string>();
  processing = new Set<string>();
  waiting = new Map<string, { at: number; seq: number }>();
  failures = new Map<string, number>();
  seq = 0;
  shut = false;

  add(key: string): void {
    if (this.shut || this.dirty.has(key)) return;
    this.dirty.add(key);
    if (!this.processing.has(key)) this.queue.push(key);
  }
  addAfter(key: string, delay: number): void {
    if (this.shut) return;
    if (delay <= 0) return this.add(key);
    const at = this.now + delay;
    const known = this.waiting.get(key);
    if (known === undefined) this.waiting.set(key, { at, seq: this.seq++ });
    else if (at < known.at) known.at = at;
  }
  addRateLimited(key: string): void {
    if (this.shut) return;
    const n = this.failures.get(key) ?? 0;
    this.failures.set(key, n + 1);
    this.addAfter(key, Math.min(2 ** n, 16));
  }
  get(): string | undefined {
    const key = this.queue.shift();
    if (key === undefined) return undefined;
    this.dirty.delete(key);
    this.processing.add(key);
    return key;
  }
  done(key: string): void {
    if (!this.processing.delete(key)) return;
    if (this.dirty.has(key)) this.queue.push(key);
  }
  advance(ms: number): void {
    const target = this.now + ms;
    for (;;) {
      let next: [string, { at: number; seq: number }] | undefined;
      for (const entry of this.waiting) {
        if (entry[1].at > target) continue;
        if (next === undefined || entry[1].at < next[1].at || (entry[1].at === next[1].at && entry[1].seq < next[1].seq)) next = entry;
      }
      if (next === undefined) break;
      this.now = next[1].at;
      this.waiting.delete(next[0]);
      this.add(next[0]);
    }
    this.now = target;
  }
  shutDown(): void {
    this.shut = true;
    this.waiting.clear();
  }
  get idle(): boolean {
    return this.queue.length === 0 && this.processing.size === 0 && this.waiting.size === 0;
  }
}

const key = fc.constantFrom(...KEYS);
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 50, arbitrary: key.map((k) => ({ op: 'add', key: k }) as const) },
  { weight: 30, arbitrary: fc.record({ op: fc.constant('addAfter' as const), key, delay: fc.integer({ min: -5, max: 40 }) }) },
  { weight: 20, arbitrary: key.map((k) => ({ op: 'addRateLimited', key: k }) as const) },
  { weight: 10, arbitrary: key.map((k) => ({ op: 'forget', key: k }) as const) },
  { weight: 50, arbitrary: fc.constant({ op: 'get' } as const) },
  { weight: 40, arbitrary: key.map((k) => ({ op: 'done', key: k }) as const) },
  { weight: 30, arbitrary: fc.integer({ min: 0, max: 30 }).map((ms) => ({ op: 'advance', ms }) as const) },
  { weight: 1, arbitrary: fc.constant({ op: 'shutDown' } as const) },
);

describe('WorkQueue — property: behaves as the reference model', () => {
  it('random add / addAfter / addRateLimited / forget / get / done / advance / shutDown sequences', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 120 }), async (ops) => {
        const clock = new FakeClock();
        const q = new WorkQueue({ clock, rateLimiter: new ItemExponentialFailureRateLimiter({ baseDelayMs: 1, maxDelayMs: 16 }) });
        const model = new Model();
        const processing = new Set<string>();
        for (const step of ops) {
          switch (step.op) {
            case 'add':
              q.add(step.key);
              model.add(step.key);
              break;
            case 'addAfter':
              q.addAfter(step.key, step.delay);
              model.addAfter(step.key, step.delay);
              break;
            case 'addRateLimited':
              q.addRateLimited(step.key);
              model.addRateLimited(step.key);
              break;
            case 'forget':
              q.forget(step.key);
              model.failures.delete(step.key);
              break;
            case 'get': {
              const got = q.tryGet();
              expect(got).toBe(model.get());
              if (got !== undefined) {
                // Exclusion: never handed out while another worker holds it.
                expect(processing.has(got)).toBe(false);
                processing.add(got);
              }
              break;
            }
            case 'done':
              q.done(step.key);
              model.done(step.key);
              processing.delete(step.key);
              break;
            case 'advance':
              clock.advance(step.ms);
              model.advance(step.ms);
              break;
            case 'shutDown':
              q.shutDown();
              model.shutDown();
              break;
          }
          expect(q.length).toBe(model.queue.length);
          expect(q.isShuttingDown).toBe(model.shut);
          for (const k of KEYS) expect(q.numRequeues(k)).toBe(model.failures.get(k) ?? 0);
        }
        let idle = false;
        void q.whenIdle().then(() => {
          idle = true;
        });
        await Promise.resolve();
        expect(idle).toBe(model.idle);
        // Drain both: the same keys in the same order.
        const rest: (string | undefined)[] = [];
        const expected: (string | undefined)[] = [];
        for (let got = q.tryGet(); got !== undefined; got = q.tryGet()) rest.push(got);
        for (let got = model.get(); got !== undefined; got = model.get()) expected.push(got);
        expect(rest).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });
});
