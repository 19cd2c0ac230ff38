import { badArgument as fail, type Clock, monotonicClock, nonNegativeInteger, nonNegativeNumber, positiveInteger, positiveNumber } from '@apiserver-kit/core';
import { QueueEntry, type QueueOutcome, QueueSet } from './internal/queue-set.js';
import { hashFlow, hasEntropyFor } from './internal/shuffle-sharding.js';
import { type AttributeMatch, type AttributePredicate, compileMatch, type RequestAttributes } from './request-attributes.js';
import { CongestionRetryAfter, type RetryAfterPolicy } from './retry-after.js';
import { createWorkEstimator, type WorkEstimator } from './work-estimate.js';

/** A priority level (Kubernetes' `PriorityLevelConfiguration`). */
export interface PriorityLevel {
  /** The level's name. */
  readonly name: string;
  /** Exempt levels never queue nor reject (the control plane's own traffic). @default false */
  readonly exempt?: boolean | undefined;
  /** This level's share of the server's concurrency. @default 30 */
  readonly nominalConcurrencyShares?: number | undefined;
  /** Queues for fair queuing; 0 = no queuing, reject when the seats are taken. @default 64 */
  readonly queues?: number | undefined;
  /** Queues dealt to each flow (shuffle sharding). @default 6 */
  readonly handSize?: number | undefined;
  /** Requests a queue holds while every seat is taken. @default 50 */
  readonly queueLengthLimit?: number | undefined;
  /** Milliseconds a request may wait in its queue before it is rejected. @default 15000 */
  readonly maxWaitMs?: number | undefined;
}

/** How requests of a flow schema are split into flows. */
export type FlowDistinguisher = 'ByUser' | 'ByNamespace';

/** A flow schema (Kubernetes' `FlowSchema`): which requests go to which priority level, and how they form flows. */
export interface FlowSchema {
  /** The schema's name. */
  readonly name: string;
  /** The priority level its requests go to. */
  readonly priorityLevel: string;
  /** Lower is checked first; ties go by name. @default 1000 */
  readonly matchingPrecedence?: number | undefined;
  /** Which requests match (a list: any of them). */
  readonly match: AttributeMatch | readonly AttributeMatch[];
  /** Splits matching requests into flows by user or namespace; absent = one flow for the schema. */
  readonly distinguisher?: FlowDistinguisher | undefined;
}

/** Options of {@link PriorityAndFairness}. */
export interface PriorityAndFairnessOptions {
  /** Seats shared by the non-exempt levels in proportion to their shares, at most 2^31 − 1. @default 600 (Kubernetes' 400 + 200) */
  readonly serverConcurrencyLimit?: number | undefined;
  /** The priority levels; an `exempt` and a `catch-all` level are added when missing. @default {@link defaultPriorityLevels}() */
  readonly priorityLevels?: readonly PriorityLevel[] | undefined;
  /** The flow schemas; requests matching none go to `catch-all`. @default {@link defaultFlowSchemas}() */
  readonly flowSchemas?: readonly FlowSchema[] | undefined;
  /**
   * Seats per request. Its answer is clamped as Kubernetes' estimators clamp
   * theirs (`request/list_work_estimator.go`): rounded up, at least 1
   * (`minimumSeats`), at most the level's concurrency limit (a wider request
   * would run alone anyway); an answer that is not a number (NaN included)
   * throws a TypeError from the call that asked for it.
   * @default {@link createWorkEstimator}() — LISTs of unknown size cost the maximum (10)
   */
  readonly workEstimator?: WorkEstimator | undefined;
  /** The Retry-After of rejections. @default a {@link CongestionRetryAfter} on the dispatcher's clock */
  readonly retryAfter?: RetryAfterPolicy | undefined;
  /** The service time fair queuing assumes before it knows the real one, in milliseconds. @default 3 */
  readonly estimatedServiceMs?: number | undefined;
  /** Where time comes from. @default {@link monotonicClock} */
  readonly clock?: Clock | undefined;
}

/** Options of {@link PriorityAndFairness.admit}. */
export interface AdmitOptions {
  /** Aborting removes the request from its queue; the promise rejects with `signal.reason`. */
  readonly signal?: AbortSignal | undefined;
}

/** An admitted request: it holds `seats` of its level until `release()`. */
export interface Admission {
  readonly admitted: true;
  /** The flow schema that matched. */
  readonly flowSchema: string;
  /** The priority level it executes at. */
  readonly priorityLevel: string;
  /** The seats it holds. */
  readonly seats: number;
  /** Milliseconds it waited in its queue. */
  readonly waitedMs: number;
  /**
   * Gives the seats back and lets the next request in; idempotent. Call it at
   * the response's end — for a WATCH, as soon as its initial events are sent.
   */
  release(): void;
}

/** Why a request was rejected: its queue was full, it waited `maxWaitMs`, or (no queues) every seat was taken. */
export type RejectionReason = 'queue-full' | 'time-out' | 'concurrency-limit';

/** A rejected request: answer 429 with `retryAfterSeconds`. */
export interface AdmissionRejected {
  readonly admitted: false;
  /** The flow schema that matched. */
  readonly flowSchema: string;
  /** The priority level that rejected. */
  readonly priorityLevel: string;
  /** Why. */
  readonly reason: RejectionReason;
  /** The Retry-After from the dispatcher's policy. */
  readonly retryAfterSeconds: number;
  /** The 429 message. */
  readonly message: string;
}

/** The result of {@link PriorityAndFairness.admit}. */
export type AdmissionResult = Admission | AdmissionRejected;

/** Counters of one priority level, for metrics and tests. */
export interface PriorityLevelStats {
  readonly name: string;
  readonly exempt: boolean;
  /** Seats this level may use at once (its nominal concurrency); `Infinity` when exempt. */
  readonly concurrencyLimit: number;
  readonly seatsInUse: number;
  readonly executing: number;
  readonly waiting: number;
  readonly dispatched: number;
  readonly rejected: number;
  readonly timedOut: number;
}

/** Kubernetes' suggested priority levels (shares as in v1.29+), plus `exempt` and `catch-all`. Fresh objects each call. */
export function defaultPriorityLevels(): PriorityLevel[] {
  return [
    { name: 'exempt', exempt: true },
    { name: 'system', nominalConcurrencyShares: 30 },
    { name: 'node-high', nominalConcurrencyShares: 40 },
    { name: 'leader-election', nominalConcurrencyShares: 10, queues: 16, handSize: 4 },
    { name: 'workload-high', nominalConcurrencyShares: 40 },
    { name: 'workload-low', nominalConcurrencyShares: 100, queues: 128 },
    { name: 'global-default', nominalConcurrencyShares: 20, queues: 128 },
    { name: 'catch-all', nominalConcurrencyShares: 5, queues: 0 },
  ];
}

/** Kubernetes' suggested flow schemas, simplified to request attributes. Fresh objects each call. */
export function defaultFlowSchemas(): FlowSchema[] {
  return [
    { name: 'exempt', priorityLevel: 'exempt', matchingPrecedence: 1, match: { groups: 'system:masters' } },
    { name: 'system-leader-election', priorityLevel: 'leader-election', matchingPrecedence: 100, match: { user: ['system:kube-controller-manager', 'system:kube-scheduler'], resource: ['leases', 'endpoints', 'configmaps'], verb: ['get', 'create', 'update'] }, distinguisher: 'ByUser' },
    { name: 'system-nodes', priorityLevel: 'system', matchingPrecedence: 500, match: { groups: 'system:nodes' }, distinguisher: 'ByUser' },
    { name: 'kube-controller-manager', priorityLevel: 'workload-high', matchingPrecedence: 800, match: { user: 'system:kube-controller-manager' }, distinguisher: 'ByNamespace' },
    { name: 'kube-scheduler', priorityLevel: 'workload-high', matchingPrecedence: 800, match: { user: 'system:kube-scheduler' }, distinguisher: 'ByNamespace' },
    { name: 'service-accounts', priorityLevel: 'workload-low', matchingPrecedence: 9000, match: { groups: 'system:serviceaccounts' }, distinguisher: 'ByUser' },
    { name: 'global-default', priorityLevel: 'global-default', matchingPrecedence: 9900, match: { groups: ['system:authenticated', 'system:unauthenticated'] }, distinguisher: 'ByUser' },
  ];
}

const MAX_SEATS = 2 ** 31 - 1;

interface Level {
  readonly name: string;
  readonly exempt: boolean;
  readonly set: QueueSet | undefined;
  /** The most seats a request of this level is charged: its concurrency limit (the server's for exempt levels). */
  readonly maxSeats: number;
  exemptExecuting: number;
  exemptDispatched: number;
}

interface Schema {
  readonly name: string;
  readonly level: Level;
  readonly test: AttributePredicate;
  readonly distinguisher: FlowDistinguisher | undefined;
}

class Ticket extends QueueEntry implements Admission {
  readonly admitted = true as const;
  readonly flowSchema: string;
  readonly priorityLevel: string;
  waitedMs = 0;
  resolve: ((result: AdmissionResult) => void) | undefined = undefined;
  outcome: QueueOutcome | undefined = undefined;
  readonly #clock: Clock;
  readonly #policy: RetryAfterPolicy;
  readonly #level: Level;

  constructor(clock: Clock, policy: RetryAfterPolicy, schema: Schema, seats: number) {
    super();
    this.#clock = clock;
    this.#policy = policy;
    this.#level = schema.level;
    this.flowSchema = schema.name;
    this.priorityLevel = schema.level.name;
    this.seats = seats;
  }

  override decided(outcome: QueueOutcome): void {
    this.outcome = outcome;
    const resolve = this.resolve;
    if (resolve === undefined) return;
    this.resolve = undefined;
    resolve(outcome === 'dispatched' ? this.started() : this.rejection(outcome));
  }

  started(): this {
    this.waitedMs = this.startTime - this.arrivalTime;
    return this;
  }

  rejection(outcome: QueueOutcome): AdmissionRejected {
    const reason = outcome as RejectionReason;
    const why = reason === 'queue-full' ? 'its queues are full' : reason === 'time-out' ? 'the request waited too long in its queue' : 'all its seats are taken';
    return {
      admitted: false,
      flowSchema: this.flowSchema,
      priorityLevel: this.priorityLevel,
      reason,
      retryAfterSeconds: this.#policy.retryAfterSeconds({ tokens: this.seats }),
      message: `Too many requests: priority level "${this.priorityLevel}" rejected the request (${why}), please try again later.`,
    };
  }

  release(): void {
    const level = this.#level;
    if (level.set !== undefined) {
      level.set.finish(this, this.#clock.now());
    } else if (this.state === 2) {
      this.state = 3;
      level.exemptExecuting--;
    }
  }
}

/**
 * The shape of a priority level from plain JavaScript (the numbers are checked where they are read).
 * @throws TypeError naming the field: `priorityLevels[]`, `priorityLevels[].exempt`.
 */
function checkPriorityLevel(config: unknown): void {
  if (typeof config !== 'object' || config === null || Array.isArray(config)) fail('priorityLevels[]', 'an object', config);
  const exempt = (config as { exempt?: unknown }).exempt;
  if (exempt !== undefined && typeof exempt !== 'boolean') fail('priorityLevels[].exempt', 'a boolean', exempt);
}

const DISTINGUISHERS: readonly unknown[] = ['ByUser', 'ByNamespace'];

/**
 * The shape of a flow schema from plain JavaScript: Kubernetes' `ValidateFlowSchemaSpec`
 * requires the same fields (name, priority level, rules), a matching precedence of 1 to 10000,
 * and a known distinguisher method.
 * @throws TypeError naming the field (`flowSchemas[].match`, …); RangeError for a precedence out of range.
 */
function checkFlowSchema(schema: unknown): void {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) fail('flowSchemas[]', 'an object', schema);
  const { name, priorityLevel, matchingPrecedence, match, distinguisher } = schema as Partial<Record<keyof FlowSchema, unknown>>;
  if (typeof name !== 'string') fail('flowSchemas[].name', 'a string', name);
  if (typeof priorityLevel !== 'string') fail('flowSchemas[].priorityLevel', 'a string', priorityLevel);
  if (matchingPrecedence !== undefined) {
    const constraint = 'an integer from 1 to 10000';
    if (typeof matchingPrecedence !== 'number' || !Number.isSafeInteger(matchingPrecedence)) fail('flowSchemas[].matchingPrecedence', constraint, matchingPrecedence);
    if (matchingPrecedence < 1 || matchingPrecedence > 10_000) fail('flowSchemas[].matchingPrecedence', constraint, matchingPrecedence, RangeError);
  }
  const isMatch = (value: unknown): boolean => typeof value === 'object' && value !== null && !Array.isArray(value);
  if (!(isMatch(match) || (Array.isArray(match) && match.every(isMatch)))) fail('flowSchemas[].match', 'an object or an array of objects', match);
  if (distinguisher !== undefined && !DISTINGUISHERS.includes(distinguisher)) fail('flowSchemas[].distinguisher', '"ByUser", "ByNamespace" or undefined', distinguisher);
}

/**
 * Kubernetes' API Priority and Fairness: flow schemas (by precedence) map each
 * request to a priority level and a flow; each level owns a share of the
 * server's seats and fair-queues its flows, so one noisy flow cannot starve the
 * others. Requests cost seats by their estimated work (a LIST of many objects
 * costs more); exempt levels pass at once; requests matching no schema go to
 * `catch-all`. Rejections carry the dynamic Retry-After.
 *
 * ```ts
 * const result = await apf.admit(attributes, { signal });
 * if (!result.admitted) return send429(result.retryAfterSeconds, result.message);
 * try { await serve(); } finally { result.release(); }
 * ```
 *
 * Costs per request: flow-schema matching (linear in schemas up to the first
 * match), one string hash of the flow key, a hand deal of `handSize` queues,
 * and a dispatch that scans the level's queues (O(queues)). One ticket object
 * and one promise per `admit`.
 */
export class PriorityAndFairness {
  readonly #clock: Clock;
  readonly #levels = new Map<string, Level>();
  readonly #schemas: Schema[];
  readonly #catchAll: Schema;
  readonly #estimate: WorkEstimator;
  readonly #retryAfter: RetryAfterPolicy;

  /** @throws TypeError / RangeError naming the option that is invalid (an unknown level, a hand larger than its queues, …). */
  constructor(options: PriorityAndFairnessOptions = {}) {
    this.#clock = options.clock ?? monotonicClock;
    if (options.workEstimator !== undefined && typeof options.workEstimator !== 'function') fail('workEstimator', 'a function', options.workEstimator);
    this.#estimate = options.workEstimator ?? createWorkEstimator();
    this.#retryAfter = options.retryAfter ?? new CongestionRetryAfter({ clock: this.#clock });
    const serverLimit = positiveInteger('serverConcurrencyLimit', options.serverConcurrencyLimit ?? 600);
    // Seats are counted in doubles: past 2^53 a sum of seats is no longer exact, and a release
    // would not give back what was taken. Kubernetes' own limits are 32-bit integers.
    if (serverLimit > MAX_SEATS) fail('serverConcurrencyLimit', `a positive integer no larger than ${MAX_SEATS}`, serverLimit, RangeError);
    const estimatedServiceMs = positiveNumber('estimatedServiceMs', options.estimatedServiceMs ?? 3);
    if (options.priorityLevels !== undefined && !Array.isArray(options.priorityLevels)) fail('priorityLevels', 'an array', options.priorityLevels);
    if (options.flowSchemas !== undefined && !Array.isArray(options.flowSchemas)) fail('flowSchemas', 'an array', options.flowSchemas);
    const configs = [...(options.priorityLevels ?? defaultPriorityLevels())];
    for (const config of configs) checkPriorityLevel(config);
    if (!configs.some((level) => level.name === 'exempt')) configs.push({ name: 'exempt', exempt: true });
    if (!configs.some((level) => level.name === 'catch-all')) configs.push({ name: 'catch-all', nominalConcurrencyShares: 5, queues: 0 });
    let totalShares = 0;
    for (const config of configs) {
      if (typeof config?.name !== 'string') fail('priorityLevels[].name', 'a string', config?.name);
      if (config.exempt !== true) totalShares += nonNegativeNumber('nominalConcurrencyShares', config.nominalConcurrencyShares ?? 30);
    }
    // Finite shares can still sum past the largest double; the split would be NaN.
    if (!Number.isFinite(totalShares)) fail('nominalConcurrencyShares', 'numbers whose sum is finite', totalShares, RangeError);
    for (const config of configs) {
      if (this.#levels.has(config.name)) fail('priorityLevels[].name', 'unique', config.name);
      if (config.exempt === true) {
        this.#levels.set(config.name, { name: config.name, exempt: true, set: undefined, maxSeats: serverLimit, exemptExecuting: 0, exemptDispatched: 0 });
        continue;
      }
      const shares = config.nominalConcurrencyShares ?? 30;
      const queues = nonNegativeInteger('queues', config.queues ?? 64);
      const handSize = positiveInteger('handSize', config.handSize ?? Math.min(6, Math.max(1, queues)));
      if (queues > 0 && handSize > queues) fail('handSize', `an integer no larger than queues (${queues})`, handSize, RangeError);
      if (queues > 0 && !hasEntropyFor(queues, handSize)) fail('handSize', `small enough that queues^handSize fits 53 bits (queues ${queues})`, handSize, RangeError);
      // serverLimit × shares first (exact for the usual integers); divide first only where that product overflows.
      const product = serverLimit * shares;
      const share = Number.isFinite(product) ? product / (totalShares || 1) : serverLimit * (shares / totalShares);
      const concurrencyLimit = Math.max(1, Math.ceil(share));
      const set = new QueueSet(
        {
          concurrencyLimit,
          queues,
          handSize,
          queueLengthLimit: nonNegativeInteger('queueLengthLimit', config.queueLengthLimit ?? 50),
          maxWaitMs: nonNegativeNumber('maxWaitMs', config.maxWaitMs ?? 15_000),
          estimatedServiceMs,
        },
        this.#clock,
      );
      this.#levels.set(config.name, { name: config.name, exempt: false, set, maxSeats: concurrencyLimit, exemptExecuting: 0, exemptDispatched: 0 });
    }
    const given = [...(options.flowSchemas ?? defaultFlowSchemas())];
    // Checked before sorting, which reads them: a schema without `match` would otherwise fail as a TypeError from deep in compileMatch.
    for (const schema of given) checkFlowSchema(schema);
    const schemas = given.sort(
      (a, b) => (a.matchingPrecedence ?? 1000) - (b.matchingPrecedence ?? 1000) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
    );
    this.#schemas = schemas.map((schema) => {
      const level = this.#levels.get(schema.priorityLevel);
      if (level === undefined) fail('flowSchemas[].priorityLevel', `one of the priority levels (${[...this.#levels.keys()].join(', ')})`, schema.priorityLevel, RangeError);
      return { name: schema.name, level, test: compileMatch(schema.match), distinguisher: schema.distinguisher };
    });
    this.#catchAll = { name: 'catch-all', level: this.#levels.get('catch-all')!, test: () => true, distinguisher: 'ByUser' };
  }

  /** The clock of this dispatcher. */
  get clock(): Clock {
    return this.#clock;
  }

  /** The flow schema and priority level a request would get (no side effects). */
  classify(attributes: RequestAttributes): { readonly flowSchema: string; readonly priorityLevel: string } {
    const schema = this.#match(attributes);
    return { flowSchema: schema.name, priorityLevel: schema.level.name };
  }

  /**
   * Admits a request: at once when its level has a free seat and nobody waits,
   * else after fair queuing — or rejects it (queue full, waited too long).
   * Resolves with the decision; rejects only with `signal.reason` on abort.
   *
   * @throws TypeError (synchronously, nothing queued) when the work estimator answers something that is not a number.
   */
  admit(attributes: RequestAttributes, options: AdmitOptions = {}): Promise<AdmissionResult> {
    const signal = options.signal;
    if (signal?.aborted === true) return Promise.reject(signal.reason);
    const schema = this.#match(attributes);
    const ticket = new Ticket(this.#clock, this.#retryAfter, schema, this.#seats(attributes, schema.level));
    const level = schema.level;
    if (level.set === undefined) return Promise.resolve(this.#startExempt(ticket, level));
    level.set.enqueue(ticket, hashFlow(this.#flowKey(schema, attributes)), this.#clock.now());
    const outcome = ticket.outcome;
    if (outcome !== undefined) return Promise.resolve(outcome === 'dispatched' ? ticket : ticket.rejection(outcome));
    return new Promise<AdmissionResult>((resolve, reject) => {
      if (signal === undefined) {
        ticket.resolve = resolve;
        return;
      }
      const onAbort = (): void => {
        ticket.resolve = undefined;
        if (level.set!.cancel(ticket, this.#clock.now())) reject(signal.reason);
      };
      ticket.resolve = (result) => {
        signal.removeEventListener('abort', onAbort);
        resolve(result);
      };
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  /**
   * The callback form of {@link PriorityAndFairness.admit}, without a promise:
   * `onDecision` runs synchronously when the request is dispatched or rejected
   * at once, later (from a `release()` or the timeout timer) otherwise. No
   * cancellation: use `admit` with a signal when the client may go away.
   *
   * @throws TypeError (nothing queued) when the work estimator answers something that is not a number.
   */
  enqueue(attributes: RequestAttributes, onDecision: (result: AdmissionResult) => void): void {
    const schema = this.#match(attributes);
    const ticket = new Ticket(this.#clock, this.#retryAfter, schema, this.#seats(attributes, schema.level));
    const level = schema.level;
    if (level.set === undefined) return onDecision(this.#startExempt(ticket, level));
    ticket.resolve = onDecision;
    level.set.enqueue(ticket, hashFlow(this.#flowKey(schema, attributes)), this.#clock.now());
  }

  /**
   * Admits a request only if it can execute now (a free seat, nobody queued at
   * its level); never queues and never counts as a rejection.
   *
   * @returns the admission, or `undefined` when it would have to wait.
   * @throws TypeError when the work estimator answers something that is not a number.
   */
  tryAdmit(attributes: RequestAttributes): Admission | undefined {
    const schema = this.#match(attributes);
    const level = schema.level;
    const seats = this.#seats(attributes, level);
    const ticket = new Ticket(this.#clock, this.#retryAfter, schema, seats);
    if (level.set === undefined) return this.#startExempt(ticket, level);
    if (!level.set.wouldRunNow(seats)) return undefined;
    level.set.enqueue(ticket, hashFlow(this.#flowKey(schema, attributes)), this.#clock.now());
    return ticket.outcome === 'dispatched' ? ticket : undefined;
  }

  /** Counters of every priority level. */
  stats(): PriorityLevelStats[] {
    return [...this.#levels.values()].map((level) => {
      const set = level.set;
      return set === undefined
        ? { name: level.name, exempt: true, concurrencyLimit: Number.POSITIVE_INFINITY, seatsInUse: 0, executing: level.exemptExecuting, waiting: 0, dispatched: level.exemptDispatched, rejected: 0, timedOut: 0 }
        : {
            name: level.name,
            exempt: false,
            concurrencyLimit: set.config.concurrencyLimit,
            seatsInUse: set.seatsInUse,
            executing: set.executing,
            waiting: set.waiting,
            dispatched: set.dispatched,
            rejected: set.rejected,
            timedOut: set.timedOut,
          };
    });
  }

  #startExempt(ticket: Ticket, level: Level): Ticket {
    ticket.state = 2;
    level.exemptExecuting++;
    level.exemptDispatched++;
    return ticket;
  }

  // Kubernetes' estimators never answer fewer than minimumSeats (1) nor more than the
  // level's maxSeats (request/list_work_estimator.go). A host's estimator gets the same
  // clamp: 0 or a negative count would let requests run for free, and an infinite one
  // would make the level's virtual time NaN. NaN has no clamp: a bug to report.
  #seats(attributes: RequestAttributes, level: Level): number {
    const seats = this.#estimate(attributes);
    if (typeof seats !== 'number' || Number.isNaN(seats)) fail('workEstimator()', 'a number of seats', seats);
    return seats >= level.maxSeats ? level.maxSeats : seats > 1 ? Math.ceil(seats) : 1;
  }

  #match(attributes: RequestAttributes): Schema {
    for (const schema of this.#schemas) if (schema.test(attributes)) return schema;
    return this.#catchAll;
  }

  #flowKey(schema: Schema, attributes: RequestAttributes): string {
    const distinguisher = schema.distinguisher === 'ByUser' ? attributes.user : schema.distinguisher === 'ByNamespace' ? attributes.namespace : undefined;
    return distinguisher === undefined ? schema.name : `${schema.name}\u0000${distinguisher}`;
  }
}
