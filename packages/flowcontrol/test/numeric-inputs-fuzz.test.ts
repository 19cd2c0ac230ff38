import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type Admission,
  Backoff,
  CongestionRetryAfter,
  createWorkEstimator,
  FakeClock,
  MaxInFlight,
  MultiLevelLimiter,
  PriorityAndFairness,
  TokenBucket,
  WaitTimeRetryAfter,
} from '../src/index.js';

// Every public numeric input of flowcontrol, fed anything a double can be: the call
// either throws a TypeError / RangeError, or leaves a sane state — no NaN in a
// balance or a stat, never more admitted than the capacity over the window.

const anyNumber = fc.oneof(
  fc.double(), // NaN, ±Infinity and −0 included
  fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0, 0, 1e308, -1e308, Number.MAX_SAFE_INTEGER, Number.MIN_VALUE),
  fc.integer({ min: -10, max: 10 }),
);

/** Runs `fn`; an error must be a TypeError or RangeError. Returns whether it threw. */
function threwArgumentError(fn: () => void): boolean {
  try {
    fn();
    return false;
  } catch (error) {
    expect(error instanceof TypeError || error instanceof RangeError, String(error)).toBe(true);
    return true;
  }
}

/** The refill time a bucket may credit: forward steps between good readings (a step back credits nothing). */
class Window {
  forwardMs = 0;
  constructor(public last: number) {}
  read(t: number): void {
    if (!Number.isFinite(t)) return;
    if (t > this.last) this.forwardMs += t - this.last;
    this.last = t;
  }
}

const aborted = AbortSignal.abort(new Error('test'));

describe('flowcontrol public numeric inputs — fuzz', () => {
  it('TokenBucket: tryTake / canTake / consume / waitTime / availableAt / take with any numbers → an argument error, or a balance in [−burst, burst] and admissions within burst + rate × window', () => {
    const call = fc.record({ method: fc.constantFrom('tryTake', 'canTake', 'consume', 'waitTime', 'availableAt', 'take'), a: anyNumber, b: anyNumber, t: anyNumber });
    fc.assert(
      fc.property(fc.double({ min: 0.001, max: 1e6, noNaN: true }), fc.double({ min: 0.5, max: 1e4, noNaN: true }), fc.array(call, { maxLength: 60 }), (rate, burst, calls) => {
        const clock = new FakeClock();
        const bucket = new TokenBucket({ ratePerSecond: rate, burst, clock });
        const window = new Window(0);
        let admitted = 0;
        let refunded = 0;
        for (const { method, a, b, t } of calls) {
          threwArgumentError(() => {
            switch (method) {
              case 'tryTake':
                if (bucket.tryTake(a, t)) admitted += a;
                break;
              case 'canTake':
                bucket.canTake(a, b, t);
                break;
              case 'consume': {
                const before = bucket.availableAt(t);
                bucket.consume(a, t);
                if (a < 0) refunded += bucket.availableAt(t) - before;
                break;
              }
              case 'waitTime': {
                const ms = bucket.waitTime(a, t);
                expect(ms >= 0).toBe(true);
                break;
              }
              case 'availableAt':
                bucket.availableAt(t);
                break;
              case 'take':
                // An aborted signal: a valid count resolves at once or rejects with the reason, never queues.
                bucket.take(a, aborted).catch(() => {});
                break;
            }
          });
          window.read(t);
          const available = bucket.availableAt(window.last);
          expect(Number.isNaN(available)).toBe(false);
          expect(available).toBeGreaterThanOrEqual(-burst);
          expect(available).toBeLessThanOrEqual(burst);
          expect(bucket.pending).toBe(0);
        }
        const allowance = burst + (rate * window.forwardMs) / 1000 + refunded;
        expect(admitted).toBeLessThanOrEqual(allowance * (1 + 1e-9) + 1e-9);
      }),
      { numRuns: 300 },
    );
  });

  it('MultiLevelLimiter: any rule tokens, reserve and `now` → an argument error at construction, or decisions that admit within burst + rate × window with whole-second Retry-Afters', () => {
    fc.assert(
      fc.property(anyNumber, anyNumber, fc.array(anyNumber, { maxLength: 60 }), (tokens, reserve, readings) => {
        const clock = new FakeClock();
        const rate = 10;
        const burst = 5;
        let limiter: MultiLevelLimiter | undefined;
        if (threwArgumentError(() => (limiter = new MultiLevelLimiter({ clock, reserve, levels: [{ name: 'verb', rules: [{ name: 'get', match: { verb: 'get' }, limit: { ratePerSecond: rate, burst }, tokens }] }] })))) return;
        const window = new Window(0);
        let admitted = 0;
        for (const now of readings) {
          const decision = limiter!.decide({ verb: 'get' }, now);
          window.read(now);
          if (decision.allowed) admitted += tokens;
          else {
            expect(Number.isInteger(decision.retryAfterSeconds)).toBe(true);
            expect(decision.retryAfterSeconds).toBeGreaterThanOrEqual(1);
          }
          const available = limiter!.buckets().get('verb/get')!.availableAt(window.last);
          expect(Number.isNaN(available)).toBe(false);
          expect(Math.abs(available)).toBeLessThanOrEqual(burst);
        }
        expect(admitted).toBeLessThanOrEqual((burst + (rate * window.forwardMs) / 1000) * (1 + 1e-9) + 1e-9);
      }),
      { numRuns: 300 },
    );
  });

  it('PriorityAndFairness: any seat estimate and options → an argument error, or stats that stay finite with seats in use within the limit', () => {
    const step = fc.record({ estimate: anyNumber, release: fc.boolean(), advance: fc.integer({ min: 0, max: 5000 }) });
    fc.assert(
      fc.property(anyNumber, anyNumber, anyNumber, fc.array(step, { maxLength: 40 }), (serverConcurrencyLimit, shares, maxWaitMs, steps) => {
        const clock = new FakeClock();
        let estimate = 1;
        let apf: PriorityAndFairness | undefined;
        const built = !threwArgumentError(
          () =>
            (apf = new PriorityAndFairness({
              clock,
              serverConcurrencyLimit,
              workEstimator: () => estimate,
              // queues and handSize stay small: a level allocates its queues up front.
              priorityLevels: [{ name: 'work', nominalConcurrencyShares: shares, queues: 4, handSize: 2, queueLengthLimit: 3, maxWaitMs }],
              flowSchemas: [{ name: 'all', priorityLevel: 'work', match: {}, distinguisher: 'ByUser' }],
            })),
        );
        if (!built) apf = new PriorityAndFairness({ clock, serverConcurrencyLimit: 3, workEstimator: () => estimate, priorityLevels: [{ name: 'work', queues: 4, handSize: 2, queueLengthLimit: 3, maxWaitMs: 1000 }], flowSchemas: [{ name: 'all', priorityLevel: 'work', match: {}, distinguisher: 'ByUser' }] });
        const held: Admission[] = [];
        steps.forEach(({ estimate: seats, release, advance }, i) => {
          estimate = seats;
          threwArgumentError(() => apf!.enqueue({ verb: 'get', user: `u${i % 5}` }, (result) => result.admitted && held.push(result)));
          if (release) held.shift()?.release();
          clock.advance(advance);
          for (const level of apf!.stats()) {
            if (level.exempt) continue;
            for (const value of Object.values(level)) if (typeof value === 'number') expect(Number.isFinite(value) && value >= 0, `${level.name}: ${JSON.stringify(level)}`).toBe(true);
            expect(level.seatsInUse).toBeLessThanOrEqual(level.concurrencyLimit);
          }
        });
        for (const admission of held) {
          expect(Number.isInteger(admission.seats) && admission.seats >= 1).toBe(true);
          admission.release();
        }
      }),
      { numRuns: 200 },
    );
  });

  it('policies, Backoff, MaxInFlight, createWorkEstimator: any option numbers → an argument error, or finite answers', () => {
    fc.assert(
      fc.property(anyNumber, anyNumber, anyNumber, anyNumber, (x, y, z, w) => {
        const clock = new FakeClock();
        let congestion: CongestionRetryAfter | undefined;
        if (!threwArgumentError(() => (congestion = new CongestionRetryAfter({ clock, capacity: x, windowMs: y, jitter: z, random: () => w })))) {
          for (let i = 0; i < 3; i++) {
            const seconds = congestion!.retryAfterSeconds({ now: w });
            expect(Number.isInteger(seconds) && seconds >= 1).toBe(true);
          }
        }
        let waitTime: WaitTimeRetryAfter | undefined;
        if (!threwArgumentError(() => (waitTime = new WaitTimeRetryAfter({ minSeconds: x, maxSeconds: y })))) {
          const bucket = new TokenBucket({ ratePerSecond: 1, burst: 5, clock });
          threwArgumentError(() => {
            const seconds = waitTime!.retryAfterSeconds({ bucket, tokens: z, now: w });
            expect(Number.isInteger(seconds) && seconds >= 1).toBe(true);
          });
        }
        let backoff: Backoff | undefined;
        if (!threwArgumentError(() => (backoff = new Backoff({ baseMs: x, maxMs: y, factor: z, random: () => w })))) {
          threwArgumentError(() => {
            const ms = backoff!.delayMs(w, x);
            expect(Number.isFinite(ms) && ms >= 0).toBe(true);
          });
        }
        let inFlight: MaxInFlight | undefined;
        if (!threwArgumentError(() => (inFlight = new MaxInFlight({ readOnly: x, mutating: y })))) {
          const slot = inFlight!.tryAcquire({ verb: 'get' });
          slot?.release();
          expect(inFlight!.readOnlyInFlight).toBe(0);
        }
        let estimator: ((attributes: { verb: string; resource?: string }) => number) | undefined;
        if (!threwArgumentError(() => (estimator = createWorkEstimator({ objectsPerSeat: x, minSeats: y, maxSeats: z, objectCount: () => w })))) {
          const seats = estimator!({ verb: 'list', resource: 'pods' });
          expect(Number.isInteger(seats) && seats >= 1).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
  });
});
