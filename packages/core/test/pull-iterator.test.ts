import { describe, expect, it } from 'vitest';
import { ITERATOR_DONE, PullIterator } from '../src/index.js';

/** A pull source over an array, with a failure to throw once it is drained. */
class ArrayIterator extends PullIterator<number> {
  readonly items: number[] = [];
  failure: Error | undefined;
  closed = false;

  protected override take(): IteratorResult<number> | undefined {
    if (this.closed) return ITERATOR_DONE;
    const item = this.items.shift();
    if (item !== undefined) return { done: false, value: item };
    if (this.failure !== undefined) {
      const failure = this.failure;
      this.failure = undefined;
      throw failure;
    }
    return undefined;
  }

  override close(): void {
    if (this.closed) return;
    this.closed = true;
    this.endWaiters();
  }

  push(...items: number[]): void {
    this.items.push(...items);
    for (let i = 0; i < items.length; i++) this.wake();
  }

  poke(): void {
    this.wake();
  }

  get reads(): number {
    return this.waiting;
  }

  offer(value: number): boolean {
    return this.handOff({ done: false, value });
  }
}

describe('PullIterator', () => {
  it('.next() — a ready result resolves at once; otherwise the read waits for wake()', async () => {
    const it = new ArrayIterator();
    it.items.push(1);
    await expect(it.next()).resolves.toEqual({ done: false, value: 1 });
    const first = it.next();
    const second = it.next();
    expect(it.reads).toBe(2);
    it.poke();
    expect(it.reads).toBe(2);
    it.push(2, 3);
    await expect(first).resolves.toEqual({ done: false, value: 2 });
    await expect(second).resolves.toEqual({ done: false, value: 3 });
    expect(it.reads).toBe(0);
  });

  it('.next() — while a read waits, a later read queues behind it even when a result is ready', async () => {
    const it = new ArrayIterator();
    const first = it.next();
    it.items.push(7);
    const second = it.next();
    expect(it.reads).toBe(2);
    it.poke();
    await expect(first).resolves.toEqual({ done: false, value: 7 });
    it.close();
    await expect(second).resolves.toBe(ITERATOR_DONE);
  });

  it('wake() — take() throws → the oldest read rejects once, the others end done', async () => {
    const it = new ArrayIterator();
    const first = it.next();
    const second = it.next();
    it.failure = new Error('gone');
    it.poke();
    await expect(first).rejects.toThrow('gone');
    await expect(second).resolves.toEqual({ done: true, value: undefined });
    it.failure = new Error('again');
    await expect(it.next()).rejects.toThrow('again');
  });

  it('handOff() — resolves the oldest read directly; false when none waits', async () => {
    const it = new ArrayIterator();
    expect(it.offer(1)).toBe(false);
    const read = it.next();
    expect(it.offer(9)).toBe(true);
    await expect(read).resolves.toEqual({ done: false, value: 9 });
    expect(Object.isFrozen(ITERATOR_DONE)).toBe(true);
  });

  it('for await — iterates to the end; break calls close() and ends waiting reads', async () => {
    const it = new ArrayIterator();
    it.items.push(1, 2, 3);
    const seen: number[] = [];
    for await (const value of it) {
      seen.push(value);
      if (value === 2) break;
    }
    expect(seen).toEqual([1, 2]);
    expect(it.closed).toBe(true);
    await expect(it.next()).resolves.toBe(ITERATOR_DONE);
    expect(it[Symbol.asyncIterator]()).toBe(it);
  });
});
