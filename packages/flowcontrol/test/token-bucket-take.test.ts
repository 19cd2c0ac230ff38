import { describe, expect, it } from 'vitest';
import { FakeClock, TokenBucket } from '../src/index.js';

describe('TokenBucket.take()', () => {
  it('resolves at once when tokens are there', async () => {
    const bucket = new TokenBucket({ ratePerSecond: 1, burst: 2, clock: new FakeClock() });
    await bucket.take(2);
    expect(bucket.available).toBe(0);
  });

  it('serves waiters in FIFO order with a single timer; .tryTake() does not jump the line', async () => {
    const clock = new FakeClock();
    const bucket = new TokenBucket({ ratePerSecond: 10, burst: 2, clock });
    bucket.tryTake(2);
    const order: string[] = [];
    const a = bucket.take(2).then(() => order.push(`a@${clock.now()}`));
    const b = bucket.take(1).then(() => order.push(`b@${clock.now()}`));
    const c = bucket.take(1).then(() => order.push(`c@${clock.now()}`));
    expect(bucket.pending).toBe(3);
    expect(clock.pendingTimers).toBe(1);
    clock.advance(150);
    expect(bucket.tryTake(1)).toBe(false);
    expect(bucket.waitTime(1)).toBe(350);
    clock.advance(50);
    await a;
    clock.advance(100);
    await b;
    clock.advance(100);
    await c;
    expect(order).toEqual(['a@200', 'b@300', 'c@400']);
    expect(clock.pendingTimers).toBe(0);
  });

  it('abort — rejects with signal.reason and lets the next waiter through', async () => {
    const clock = new FakeClock();
    const bucket = new TokenBucket({ ratePerSecond: 10, burst: 5, clock });
    bucket.tryTake(5);
    const controller = new AbortController();
    const big = bucket.take(5, controller.signal);
    const small = bucket.take(1);
    clock.advance(100);
    controller.abort(new Error('client went away'));
    await expect(big).rejects.toThrow('client went away');
    await small;
    expect(bucket.pending).toBe(0);
    await expect(bucket.take(1, controller.signal)).rejects.toThrow('client went away');
  });

  it('n above burst or not positive → RangeError, thrown synchronously', () => {
    const bucket = new TokenBucket({ ratePerSecond: 1, burst: 3, clock: new FakeClock() });
    expect(() => bucket.take(4)).toThrow(new RangeError('Expected `n` to be a positive number no larger than burst (3), got `4` (number)'));
    expect(() => bucket.take(0)).toThrow(new RangeError('Expected `n` to be a positive number no larger than burst (3), got `0` (number)'));
  });
});
