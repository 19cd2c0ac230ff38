import { describe, expect, it } from 'vitest';
import { type Admission, type AdmissionResult, FakeClock, fixedRetryAfter, PriorityAndFairness, type PriorityAndFairnessOptions } from '../src/index.js';

// A level of 2 seats (server 4, shares 1:1), 8 queues.
function small(clock: FakeClock, seats: number, extra: Partial<PriorityAndFairnessOptions> = {}): PriorityAndFairness {
  return new PriorityAndFairness({
    clock,
    serverConcurrencyLimit: 4,
    retryAfter: fixedRetryAfter(2),
    workEstimator: () => seats,
    priorityLevels: [
      { name: 'exempt', exempt: true },
      { name: 'work', nominalConcurrencyShares: 1, queues: 8, handSize: 2, queueLengthLimit: 10, maxWaitMs: 1000 },
      { name: 'catch-all', nominalConcurrencyShares: 1, queues: 0 },
    ],
    flowSchemas: [
      { name: 'admins', priorityLevel: 'exempt', matchingPrecedence: 1, match: { groups: 'system:masters' } },
      { name: 'users', priorityLevel: 'work', match: { groups: 'users' }, distinguisher: 'ByUser' },
    ],
    ...extra,
  });
}

const user = (name: string) => ({ user: name, groups: ['users'], verb: 'get' }) as const;
const work = (apf: PriorityAndFairness) => apf.stats().find((level) => level.name === 'work')!;

// Kubernetes' estimators clamp every answer into [minimumSeats = 1, maxSeats]
// (request/width.go, request/list_work_estimator.go: "make sure we never return a seat of zero").
describe('PriorityAndFairness — seat estimates (clamped as list_work_estimator.go)', () => {
  it('an estimate of 0 or −3 costs 1 seat: requests no longer run for free past the level limit', async () => {
    for (const estimate of [0, -3, -0]) {
      const apf = small(new FakeClock(), estimate);
      const results: AdmissionResult[] = [];
      for (const name of ['a', 'b', 'c']) void apf.admit(user(name)).then((result) => results.push(result));
      await new Promise((resolve) => setImmediate(resolve));
      expect(results.map((result) => (result.admitted ? result.seats : result.reason))).toEqual([1, 1]);
      expect(work(apf)).toMatchObject({ seatsInUse: 2, executing: 2, waiting: 1 });
    }
  });

  it('a fractional estimate is rounded up (seats are whole)', () => {
    const apf = small(new FakeClock(), 1.2);
    expect(apf.tryAdmit(user('a'))?.seats).toBe(2);
    expect(apf.tryAdmit(user('b'))).toBeUndefined();
  });

  it('an estimate of Infinity or 1e308 costs the level concurrency limit: virtual time and stats stay finite', () => {
    for (const estimate of [Number.POSITIVE_INFINITY, 1e308]) {
      const clock = new FakeClock();
      const apf = small(clock, estimate);
      const results: AdmissionResult[] = [];
      for (const name of ['a', 'b', 'c']) apf.enqueue(user(name), (result) => results.push(result));
      expect(results).toHaveLength(1);
      expect((results[0] as Admission).seats).toBe(2);
      clock.advance(10);
      (results[0] as Admission).release();
      expect(results).toHaveLength(2);
      for (const level of apf.stats()) for (const value of Object.values(level)) if (typeof value === 'number' && !level.exempt) expect(Number.isFinite(value)).toBe(true);
    }
  });

  it('an estimate of NaN or a non-number → TypeError from admit / enqueue / tryAdmit, nothing queued or held', () => {
    for (const estimate of [Number.NaN, '3' as unknown as number, undefined as unknown as number]) {
      const apf = small(new FakeClock(), estimate);
      const error = new TypeError(`Expected \`workEstimator()\` to be a number of seats, got \`${typeof estimate === 'string' ? JSON.stringify(estimate) : String(estimate)}\` (${typeof estimate})`);
      expect(() => apf.admit(user('a'))).toThrow(error);
      expect(() => apf.enqueue(user('a'), () => {})).toThrow(error);
      expect(() => apf.tryAdmit(user('a'))).toThrow(error);
      expect(work(apf)).toMatchObject({ seatsInUse: 0, executing: 0, waiting: 0, dispatched: 0, rejected: 0 });
    }
  });

  it('exempt levels: the estimate is clamped to the server limit, NaN still throws', () => {
    const admin = { user: 'root', groups: ['system:masters'], verb: 'get' } as const;
    expect(small(new FakeClock(), Number.POSITIVE_INFINITY).tryAdmit(admin)?.seats).toBe(4);
    expect(small(new FakeClock(), -1).tryAdmit(admin)?.seats).toBe(1);
    expect(() => small(new FakeClock(), Number.NaN).tryAdmit(admin)).toThrow(TypeError);
  });

  it('options — workEstimator not a function → TypeError; shares summing past the largest double → RangeError', () => {
    expect(() => new PriorityAndFairness({ workEstimator: 3 as never })).toThrow(new TypeError('Expected `workEstimator` to be a function, got `3` (number)'));
    expect(
      () =>
        new PriorityAndFairness({
          priorityLevels: [
            { name: 'a', nominalConcurrencyShares: 1e308 },
            { name: 'b', nominalConcurrencyShares: 1e308 },
          ],
        }),
    ).toThrow(new RangeError('Expected `nominalConcurrencyShares` to be numbers whose sum is finite, got `Infinity` (number)'));
    expect(() => new PriorityAndFairness({ priorityLevels: [{ name: 'a', nominalConcurrencyShares: Number.NaN }] })).toThrow(
      new TypeError('Expected `nominalConcurrencyShares` to be a non-negative finite number, got `NaN` (number)'),
    );
    // Seats are summed in doubles: past 2^53 a release would not give back what was taken.
    expect(() => new PriorityAndFairness({ serverConcurrencyLimit: 1e308 })).toThrow(new TypeError('Expected `serverConcurrencyLimit` to be a positive integer, got `1e+308` (number)'));
    expect(() => new PriorityAndFairness({ priorityLevels: [{ name: 'a', maxWaitMs: -1 }] })).toThrow(new RangeError('Expected `maxWaitMs` to be a non-negative finite number, got `-1` (number)'));
  });

  it('maxWaitMs past the timer range (30 days) → the queue timeout re-arms instead of firing at once and spinning', async () => {
    const clock = new FakeClock();
    const thirtyDays = 30 * 86_400_000;
    const apf = small(clock, 2, { priorityLevels: [{ name: 'work', nominalConcurrencyShares: 1, queues: 8, handSize: 2, maxWaitMs: thirtyDays }] });
    const results: AdmissionResult[] = [];
    for (const name of ['a', 'b']) apf.enqueue(user(name), (result) => results.push(result));
    expect(results).toHaveLength(1);
    expect(clock.nextTimerAt()).toBe(2 ** 31 - 1);
    clock.advance(2 ** 31 - 1);
    expect(results).toHaveLength(1);
    expect(clock.pendingTimers).toBe(1);
    clock.advance(thirtyDays - (2 ** 31 - 1));
    expect(results[1]).toMatchObject({ admitted: false, reason: 'time-out' });
  });

  it('huge finite shares split without overflow (serverLimit × shares would be Infinity)', () => {
    const apf = new PriorityAndFairness({ serverConcurrencyLimit: 600, priorityLevels: [{ name: 'a', nominalConcurrencyShares: 1e306 }, { name: 'catch-all', nominalConcurrencyShares: 1e306 }], flowSchemas: [] });
    const limits = Object.fromEntries(apf.stats().map((level) => [level.name, level.concurrencyLimit]));
    expect(limits).toEqual({ a: 300, 'catch-all': 300, exempt: Number.POSITIVE_INFINITY });
  });
});
