import { describe, expect, it } from 'vitest';
import { type AdmissionResult, FakeClock, fixedRetryAfter, PriorityAndFairness, type PriorityAndFairnessOptions } from '../src/index.js';

const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function small(clock: FakeClock, extra: Partial<PriorityAndFairnessOptions> = {}): PriorityAndFairness {
  return new PriorityAndFairness({
    clock,
    serverConcurrencyLimit: 4,
    retryAfter: fixedRetryAfter(2),
    priorityLevels: [
      { name: 'exempt', exempt: true },
      { name: 'work', nominalConcurrencyShares: 1, queues: 8, handSize: 2, queueLengthLimit: 2, maxWaitMs: 1000 },
      { name: 'catch-all', nominalConcurrencyShares: 1, queues: 0 },
    ],
    flowSchemas: [
      { name: 'admins', priorityLevel: 'exempt', matchingPrecedence: 1, match: { groups: 'system:masters' } },
      { name: 'users', priorityLevel: 'work', match: { groups: 'users' }, distinguisher: 'ByUser' },
    ],
    ...extra,
  });
}

const alice = { user: 'alice', groups: ['users'], verb: 'get' } as const;

describe('PriorityAndFairness', () => {
  it('.classify() — default flow schemas by precedence; unmatched requests go to catch-all', () => {
    const apf = new PriorityAndFairness({ clock: new FakeClock() });
    expect(apf.classify({ verb: 'get', groups: ['system:masters'] })).toEqual({ flowSchema: 'exempt', priorityLevel: 'exempt' });
    expect(apf.classify({ verb: 'update', user: 'system:kube-scheduler', resource: 'leases' })).toEqual({ flowSchema: 'system-leader-election', priorityLevel: 'leader-election' });
    expect(apf.classify({ verb: 'get', user: 'system:kube-scheduler', resource: 'pods' })).toEqual({ flowSchema: 'kube-scheduler', priorityLevel: 'workload-high' });
    expect(apf.classify({ verb: 'get', user: 'bob', groups: ['system:authenticated'] })).toEqual({ flowSchema: 'global-default', priorityLevel: 'global-default' });
    expect(apf.classify({ verb: 'get' })).toEqual({ flowSchema: 'catch-all', priorityLevel: 'catch-all' });
  });

  it('nominal concurrency — the server limit is split by shares (rounded up)', () => {
    const apf = new PriorityAndFairness({ clock: new FakeClock() });
    const limits = Object.fromEntries(apf.stats().map((level) => [level.name, level.concurrencyLimit]));
    expect(limits).toEqual({ exempt: Number.POSITIVE_INFINITY, system: 74, 'node-high': 98, 'leader-election': 25, 'workload-high': 98, 'workload-low': 245, 'global-default': 49, 'catch-all': 13 });
  });

  it('.admit() — runs at once while seats are free, queues after, dispatches on release', async () => {
    const clock = new FakeClock();
    const apf = small(clock);
    const first = (await apf.admit(alice)) as Extract<AdmissionResult, { admitted: true }>;
    const second = await apf.admit({ ...alice, user: 'bob' });
    expect([first.admitted, second.admitted, first.priorityLevel, first.flowSchema, first.seats]).toEqual([true, true, 'work', 'users', 1]);
    expect(apf.tryAdmit(alice)).toBeUndefined();
    let third: AdmissionResult | undefined;
    void apf.admit(alice).then((result) => (third = result));
    await settle();
    expect(third).toBeUndefined();
    clock.advance(40);
    first.release();
    first.release();
    await settle();
    expect(third).toMatchObject({ admitted: true, waitedMs: 40 });
    expect(apf.stats().find((level) => level.name === 'work')).toMatchObject({ seatsInUse: 2, executing: 2, waiting: 0, dispatched: 3 });
  });

  it('.admit() — a full queue → 429 queue-full with the Retry-After of the policy', async () => {
    const clock = new FakeClock();
    const apf = small(clock, { priorityLevels: [{ name: 'work', nominalConcurrencyShares: 1, queues: 1, handSize: 1, queueLengthLimit: 1 }, { name: 'catch-all', nominalConcurrencyShares: 3, queues: 0 }] });
    await apf.admit(alice);
    void apf.admit(alice);
    expect(await apf.admit(alice)).toEqual({
      admitted: false,
      flowSchema: 'users',
      priorityLevel: 'work',
      reason: 'queue-full',
      retryAfterSeconds: 2,
      message: 'Too many requests: priority level "work" rejected the request (its queues are full), please try again later.',
    });
  });

  it('.admit() — a request waiting maxWaitMs → 429 time-out (fake clock, one timer per level)', async () => {
    const clock = new FakeClock();
    const apf = small(clock);
    await apf.admit(alice);
    await apf.admit(alice);
    const waiting = apf.admit(alice);
    clock.advance(500);
    const later = apf.admit({ ...alice, user: 'carol' });
    expect(clock.pendingTimers).toBe(1);
    clock.advance(500);
    expect(await waiting).toMatchObject({ admitted: false, reason: 'time-out', message: 'Too many requests: priority level "work" rejected the request (the request waited too long in its queue), please try again later.' });
    clock.advance(499);
    await settle();
    expect(apf.stats().find((level) => level.name === 'work')?.waiting).toBe(1);
    clock.advance(1);
    expect(await later).toMatchObject({ admitted: false, reason: 'time-out' });
    expect(apf.stats().find((level) => level.name === 'work')).toMatchObject({ waiting: 0, rejected: 2, timedOut: 2 });
  });

  it('.admit({ signal }) — abort removes the request from its queue and rejects with the reason', async () => {
    const clock = new FakeClock();
    const apf = small(clock);
    await apf.admit(alice);
    await apf.admit(alice);
    const controller = new AbortController();
    const waiting = apf.admit(alice, { signal: controller.signal });
    controller.abort(new Error('client went away'));
    await expect(waiting).rejects.toThrow('client went away');
    expect(apf.stats().find((level) => level.name === 'work')?.waiting).toBe(0);
  });

  it('exempt requests never queue; a level without queues rejects when its seats are taken', async () => {
    const clock = new FakeClock();
    const apf = small(clock);
    for (let i = 0; i < 100; i++) expect((await apf.admit({ verb: 'get', groups: ['system:masters'] })).admitted).toBe(true);
    await apf.admit({ verb: 'get' });
    await apf.admit({ verb: 'get' });
    expect(await apf.admit({ verb: 'get' })).toMatchObject({ admitted: false, priorityLevel: 'catch-all', reason: 'concurrency-limit', flowSchema: 'catch-all' });
  });

  it('work estimation — a LIST takes seats by object count; a WATCH holds them until release()', async () => {
    const clock = new FakeClock();
    const apf = new PriorityAndFairness({
      clock,
      serverConcurrencyLimit: 10,
      priorityLevels: [{ name: 'catch-all', queues: 4, handSize: 1 }],
      flowSchemas: [],
      workEstimator: (attributes) => (attributes.verb === 'list' || attributes.verb === 'watch' ? 6 : 1),
    });
    const watch = await apf.admit({ verb: 'watch', user: 'a' });
    expect(watch).toMatchObject({ admitted: true, seats: 6 });
    expect(apf.tryAdmit({ verb: 'list', user: 'b' })).toBeUndefined();
    expect(apf.tryAdmit({ verb: 'get', user: 'b' })).toBeDefined();
    if (watch.admitted) watch.release(); // initial events sent
    expect(apf.tryAdmit({ verb: 'list', user: 'b' })).toBeDefined();
  });

  it('options — an unknown priority level or a hand larger than its queues → RangeError', () => {
    expect(() => new PriorityAndFairness({ flowSchemas: [{ name: 'x', priorityLevel: 'nope', match: {} }], priorityLevels: [] })).toThrow(
      new RangeError('Expected `flowSchemas[].priorityLevel` to be one of the priority levels (exempt, catch-all), got `"nope"` (string)'),
    );
    expect(() => new PriorityAndFairness({ priorityLevels: [{ name: 'a', queues: 4, handSize: 5 }] })).toThrow(new RangeError('Expected `handSize` to be an integer no larger than queues (4), got `5` (number)'));
  });
});

describe('PriorityAndFairness.enqueue()', () => {
  it('calls back synchronously when dispatched at once, and from release() when queued', () => {
    const clock = new FakeClock();
    const apf = small(clock);
    const results: AdmissionResult[] = [];
    for (let i = 0; i < 3; i++) apf.enqueue(alice, (result) => results.push(result));
    expect(results.map((result) => result.admitted)).toEqual([true, true]);
    if (results[0]?.admitted) results[0].release();
    expect(results).toHaveLength(3);
    expect(results[2]).toMatchObject({ admitted: true, priorityLevel: 'work' });
  });

  it('.admit() — the wait timer lives only while someone waits (an idle server leaves no timer to keep the process alive)', async () => {
    const clock = new FakeClock();
    const apf = small(clock);
    const first = (await apf.admit(alice)) as Extract<AdmissionResult, { admitted: true }>;
    const second = (await apf.admit({ ...alice, user: 'bob' })) as Extract<AdmissionResult, { admitted: true }>;
    expect(clock.pendingTimers).toBe(0);
    let third: AdmissionResult | undefined;
    void apf.admit(alice).then((result) => (third = result));
    await settle();
    expect(clock.pendingTimers).toBe(1);
    first.release();
    await settle();
    expect(third).toMatchObject({ admitted: true });
    expect(clock.pendingTimers).toBe(0);
    second.release();
    (third as Extract<AdmissionResult, { admitted: true }>).release();
    expect(clock.pendingTimers).toBe(0);
  });
});
