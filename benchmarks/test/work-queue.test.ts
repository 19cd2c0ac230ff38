/**
 * The correctness gate of informer/work-queue rejects queues that are wrong
 * in the ways that matter: no exclusion, no de-duplication.
 */
import { WorkQueue } from '@apiserver-kit/controller';
import { describe, expect, it } from 'vitest';
import { checkKeyQueue, type KeyQueue } from '../informer/work-queue.bench.js';

/** De-duplicates while queued, but hands out a key another worker holds. */
class NoExclusion implements KeyQueue {
  readonly #queue: string[] = [];
  readonly #queued = new Set<string>();
  add(key: string): void {
    if (this.#queued.has(key)) return;
    this.#queued.add(key);
    this.#queue.push(key);
  }
  tryGet(): string | undefined {
    const key = this.#queue.shift();
    if (key !== undefined) this.#queued.delete(key);
    return key;
  }
  done(): void {}
}

/** Queues every add. */
class NoDedup implements KeyQueue {
  readonly #queue: string[] = [];
  add(key: string): void {
    this.#queue.push(key);
  }
  tryGet(): string | undefined {
    return this.#queue.shift();
  }
  done(): void {}
}

describe('informer/work-queue correctness gate', () => {
  it('checkKeyQueue() — WorkQueue passes, with 1 000 and 50 keys', () => {
    expect(() => checkKeyQueue(() => new WorkQueue(), 1000, 'WorkQueue')).not.toThrow();
    expect(() => checkKeyQueue(() => new WorkQueue(), 50, 'WorkQueue')).not.toThrow();
  });

  it('checkKeyQueue() — a queue without exclusion → "handed to two workers"', () => {
    expect(() => checkKeyQueue(() => new NoExclusion(), 20, 'no exclusion')).toThrow(/^no exclusion: key default\/pod-\d+ was handed to two workers at once$/);
  });

  it('checkKeyQueue() — a queue without de-duplication → not the reference model', () => {
    expect(() => checkKeyQueue(() => new NoDedup(), 1000, 'no dedup')).toThrow(/^no dedup: handed out 1024 keys, not the reference model's 1024 in its order$|two workers/);
  });
});
