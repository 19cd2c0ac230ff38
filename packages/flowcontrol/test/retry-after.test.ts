import { describe, expect, it } from 'vitest';
import { CongestionRetryAfter, FakeClock, fixedRetryAfter, TokenBucket, WaitTimeRetryAfter } from '../src/index.js';

function reject(policy: CongestionRetryAfter, times: number): number[] {
  const answers: number[] = [];
  for (let i = 0; i < times; i++) answers.push(policy.retryAfterSeconds());
  return answers;
}

describe('CongestionRetryAfter', () => {
  it('grows 1 → 2 → 4 → 8 s as rejections drain the congestion bucket (1024 tokens)', () => {
    const policy = new CongestionRetryAfter({ clock: new FakeClock() });
    const answers = reject(policy, 1030);
    expect(answers[0]).toBe(1);
    expect(answers.indexOf(2)).toBe(511); // the 512th rejection leaves 512 of 1024: no longer above 1/2
    expect(answers.indexOf(4)).toBe(767);
    expect(answers.indexOf(8)).toBe(895);
    expect(answers.at(-1)).toBe(8);
  });

  it('a brief spike stays at 1 s; the bucket refills over the 1 s window', () => {
    const clock = new FakeClock();
    const policy = new CongestionRetryAfter({ clock });
    expect(new Set(reject(policy, 500))).toEqual(new Set([1]));
    reject(policy, 600);
    expect(policy.peekSeconds()).toBe(8);
    clock.advance(500);
    expect(policy.peekSeconds()).toBe(2); // 512 tokens back: exactly 1/2 is not above 1/2
    clock.advance(500);
    expect(policy.peekSeconds()).toBe(1);
  });

  it('maxSeconds 32 (Kubernetes APF range) adds the 16 and 32 s steps', () => {
    const policy = new CongestionRetryAfter({ clock: new FakeClock(), maxSeconds: 32 });
    expect([...new Set(reject(policy, 1100))]).toEqual([1, 2, 4, 8, 16, 32]);
  });

  it('explicit steps, capacity and window; jitter adds up to its fraction of the step', () => {
    const clock = new FakeClock();
    const policy = new CongestionRetryAfter({ clock, capacity: 10, windowMs: 10_000, steps: [{ above: 0.8, seconds: 3 }], maxSeconds: 30, jitter: 0.5, random: () => 0.999 });
    expect(policy.retryAfterSeconds()).toBe(5); // 9/10 left → 3 s, jittered up to ceil(3 × 1.4995)
    reject(policy, 2);
    expect(policy.peekSeconds()).toBe(45);
    clock.advance(2000); // 2 tokens back: 9/10
    expect(policy.peekSeconds()).toBe(5);
  });

  it('options — invalid values → errors naming the option', () => {
    expect(() => new CongestionRetryAfter({ capacity: 0 })).toThrow(new RangeError('Expected `capacity` to be a positive integer, got `0` (number)'));
    expect(() => new CongestionRetryAfter({ maxSeconds: 1, minSeconds: 2 })).toThrow(new RangeError('Expected `maxSeconds` to be an integer no smaller than minSeconds (2), got `1` (number)'));
    expect(() => new CongestionRetryAfter({ jitter: 2 })).toThrow(new RangeError('Expected `jitter` to be a number between 0 and 1, got `2` (number)'));
  });
});

describe('WaitTimeRetryAfter', () => {
  it('answers the rejecting bucket’s waitTime in whole seconds, clamped', () => {
    const clock = new FakeClock();
    const bucket = new TokenBucket({ ratePerSecond: 0.25, burst: 10, clock });
    bucket.tryTake(10);
    const policy = new WaitTimeRetryAfter({ maxSeconds: 30 });
    expect(policy.retryAfterSeconds({ bucket, tokens: 1 })).toBe(4);
    expect(policy.retryAfterSeconds({ bucket, tokens: 10 })).toBe(30);
    expect(policy.retryAfterSeconds()).toBe(1);
  });
});

describe('fixedRetryAfter()', () => {
  it('always answers the same; a non-integer → TypeError', () => {
    expect(fixedRetryAfter(1).retryAfterSeconds()).toBe(1);
    expect(() => fixedRetryAfter(1.5)).toThrow(new TypeError('Expected `seconds` to be a positive integer, got `1.5` (number)'));
  });
});
