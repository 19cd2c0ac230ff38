import { describe, expect, it } from 'vitest';
import { ITERATOR_DONE, WaiterQueue } from '../src/index.js';

/** A pull source over an array, with a failure to throw once it is drained. */
function source(): { items: number[]; failure: Error | undefined; queue: WaiterQueue<number> } {
  const state = {
    items: [] as number[],
    failure: undefined as Error | undefined,
    queue: undefined as unknown as WaiterQueue<number>,
  };
  state.queue = new WaiterQueue<number>(() => {
    const item = state.items.shift();
    if (item !== undefined) return { done: false, value: item };
    if (state.failure !== undefined) {
      const failure = state.failure;
      state.failure = undefined;
      throw failure;
    }
    return undefined;
  });
  return state;
}

describe('WaiterQueue', () => {
  it('.next() — a ready result resolves at once; otherwise the read waits for .wake()', async () => {
    const s = source();
    s.items.push(1);
    await expect(s.queue.next()).resolves.toEqual({ done: false, value: 1 });
    const first = s.queue.next();
    const second = s.queue.next();
    expect(s.queue.length).toBe(2);
    s.queue.wake();
    expect(s.queue.length).toBe(2);
    s.items.push(2, 3);
    s.queue.wake();
    s.queue.wake();
    await expect(first).resolves.toEqual({ done: false, value: 2 });
    await expect(second).resolves.toEqual({ done: false, value: 3 });
    expect(s.queue.length).toBe(0);
  });

  it('.next() — while a read waits, a later read queues behind it even when a result is ready', async () => {
    const s = source();
    const first = s.queue.next();
    s.items.push(7);
    const second = s.queue.next();
    expect(s.queue.length).toBe(2);
    s.queue.wake();
    await expect(first).resolves.toEqual({ done: false, value: 7 });
    s.queue.endAll();
    await expect(second).resolves.toBe(ITERATOR_DONE);
  });

  it('.wake() — take() throws → the oldest read rejects once, the others end done', async () => {
    const s = source();
    const first = s.queue.next();
    const second = s.queue.next();
    s.failure = new Error('gone');
    s.queue.wake();
    await expect(first).rejects.toThrow('gone');
    await expect(second).resolves.toEqual({ done: true, value: undefined });
    s.failure = new Error('again');
    await expect(s.queue.next()).rejects.toThrow('again');
  });

  it('.handOff() — resolves the oldest read directly; false when none waits', async () => {
    const s = source();
    expect(s.queue.handOff({ done: false, value: 1 })).toBe(false);
    const read = s.queue.next();
    expect(s.queue.handOff({ done: false, value: 9 })).toBe(true);
    await expect(read).resolves.toEqual({ done: false, value: 9 });
    expect(Object.isFrozen(ITERATOR_DONE)).toBe(true);
  });
});
