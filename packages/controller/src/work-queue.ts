/**
 * client-go's rate-limited work queue (util/workqueue: `Typed`,
 * `delayingType`, `rateLimitingType`) in one class: the queue a controller's
 * handlers add keys to and its workers take keys from.
 *
 * ```
 *            add(k)                 get()                 done(k)
 *  ─────────────────► queued ───────────────► processing ──────────► (gone)
 *   k already queued:   │ FIFO, each key      │ k added again here:      │
 *   nothing happens     │ at most once        │ marked dirty, re-queued ◄┘ at done
 *                       ▲
 *   addAfter(k, ms) ──► waiting (heap by ready time, one timer)
 *   addRateLimited(k) = addAfter(k, rateLimiter.when(k))
 * ```
 *
 * - De-duplication: a key added N times before a worker takes it is handed
 *   out once (the `dirty` set).
 * - Exclusion: a key is never handed to two workers at once; added while it
 *   is processing, it is queued again when `done(k)` is called (the
 *   `processing` set), so the worker that runs next sees the latest state.
 * - Order: first added, first handed out (a re-queued key goes to the back).
 * - Delays: a key waiting keeps the earlier of its ready times (client-go's
 *   `waitingForQueue`); when it is ready it is `add`ed, so de-duplication applies.
 */
import {
  BACKGROUND_TIMER,
  badArgument,
  checkDuration,
  checkInteger,
  checkOptions,
  checkSignal,
  type Clock,
  monotonicClock,
  setLongTimer,
  type Timer,
} from '@apiserver-kit/core';
import { DelayHeap } from './internal/work-queue-delay-heap.js';
import { Fifo } from './internal/work-queue-fifo.js';
import { checkLimiter } from './internal/rate-limiter-check.js';
import { defaultControllerRateLimiter, type RateLimiter } from './rate-limiter.js';
import type { WorkQueueMetrics } from './work-queue-metrics.js';

/** Options of {@link WorkQueue}. */
export interface WorkQueueOptions<K> {
  /** The delays of {@link WorkQueue.addRateLimited}. @default defaultControllerRateLimiter({ clock }) */
  readonly rateLimiter?: RateLimiter<K> | undefined;
  /** Where time comes from (delays, metrics). @default monotonicClock */
  readonly clock?: Clock | undefined;
  /** The queue's name, passed to every metrics callback and used in error reports. @default '' */
  readonly name?: string | undefined;
  /** Observation callbacks (see {@link WorkQueueMetrics}); none by default. */
  readonly metrics?: WorkQueueMetrics | undefined;
  /** How often unfinished work is reported while a key is processing, ms. @default 500 */
  readonly metricsUpdatePeriodMs?: number | undefined;
}

/** A worker of {@link WorkQueue.run}: processes one key; a throw (or rejection) retries it with the rate limiter. */
export type WorkQueueWorker<K> = (key: K, signal: AbortSignal) => void | Promise<void>;

/** Options of {@link WorkQueue.run}. */
export interface WorkQueueRunOptions<K> {
  /** How many keys are processed at once (never the same key twice). @default 1 */
  readonly workers?: number | undefined;
  /** Stops the workers: none takes another key; the signal is also the one the workers receive. */
  readonly signal?: AbortSignal | undefined;
  /**
   * Told about each failure of a worker (the key is retried with the rate
   * limiter); one that throws is ignored. @default logs with `console.error`,
   * as client-go's `HandleError`
   */
  readonly onError?: ((error: unknown, key: K) => void) | undefined;
}

interface Getter<K> {
  readonly resolve: (key: K | undefined) => void;
  readonly signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
}

// Flags of a key in #state.
const DIRTY = 1;
const PROCESSING = 2;
const DIRTY_PROCESSING = 3;

const NEVER_ABORTED: AbortSignal = new AbortController().signal;

function checkKey(key: unknown): void {
  if (key === undefined) badArgument('key', 'defined', key);
}

/**
 * See the module comment. Keys are compared as `Map` keys (`SameValueZero`):
 * use strings (`namespace/name`) or other primitives.
 *
 * Timers: one timer, on the injected clock, for the earliest waiting key. It
 * is an ordinary timer, not a background one: a key waiting for its retry is
 * work promised, and a script whose only pending work is that retry must not
 * exit before it runs. {@link WorkQueue.shutDown} cancels it, so a stopped
 * queue keeps nothing alive; a queue never shut down keeps the process alive
 * until its last delay ran (at most the rate limiter's maximum, 1000 s by
 * default). The unfinished-work metrics timer is a background timer:
 * observation must never hold a process open.
 *
 * Costs: add/get/done are O(1) (Set and Map lookups, a FIFO with a moving
 * head); addAfter is O(log n) in the keys waiting. Memory: one entry per key
 * queued, processing or waiting, plus the rate limiter's per-key history
 * until {@link WorkQueue.forget}.
 */
export class WorkQueue<K = string> {
  /** The name given in the options ('' by default). */
  readonly name: string;
  readonly #clock: Clock;
  readonly #rateLimiter: RateLimiter<K>;
  readonly #metrics: WorkQueueMetrics | undefined;
  readonly #metricsPeriodMs: number;
  readonly #queue = new Fifo<K>();
  // client-go's dirty and processing sets as one map of flags, so that an add
  // is one lookup (informer/work-queue benchmark: two sets cost 1.3–1.7× this per add).
  // DIRTY: needs processing (queued, or processing and added again: re-queued
  // at done). PROCESSING: handed out, not done. A key with neither is absent.
  readonly #state = new Map<K, number>();
  #dirtyCount = 0;
  #processingCount = 0;
  // When each processing key was handed out (with metrics only).
  readonly #startedAt = new Map<K, number>();
  // When each dirty key was added (for the queue-latency metric only).
  readonly #addedAt = new Map<K, number>();
  readonly #waiting = new DelayHeap<K>();
  #timer: Timer | undefined;
  #timerAt = Number.NaN;
  #ticker: Timer | undefined;
  // Whether a tick reported unfinished work since processing last emptied (then a 0 is reported).
  #reportedUnfinished = false;
  // Pending get()s in arrival order (a Set: an aborted one is removed in O(1)).
  readonly #getters = new Set<Getter<K>>();
  #idleWaiters: (() => void)[] = [];
  #drainWaiters: (() => void)[] = [];
  #shuttingDown = false;

  /** @throws TypeError / RangeError for a bad option. */
  constructor(options: WorkQueueOptions<K> = {}) {
    checkOptions('options', options);
    const { clock, name, metrics, rateLimiter } = options;
    if (clock !== undefined && (typeof clock !== 'object' || clock === null || typeof clock.now !== 'function' || typeof clock.setTimer !== 'function')) {
      badArgument('clock', 'a Clock (now, setTimer)', clock);
    }
    if (name !== undefined && typeof name !== 'string') badArgument('name', 'a string', name);
    checkOptions('metrics', metrics);
    if (rateLimiter !== undefined) checkLimiter('rateLimiter', rateLimiter);
    const period = options.metricsUpdatePeriodMs ?? 500;
    checkDuration('metricsUpdatePeriodMs', period, 1);
    this.name = name ?? '';
    this.#clock = clock ?? monotonicClock;
    this.#rateLimiter = rateLimiter ?? defaultControllerRateLimiter<K>({ clock: this.#clock });
    this.#metrics = metrics;
    this.#metricsPeriodMs = period;
  }

  /** How many keys are queued now, ready to be handed out (not those processing or waiting for a delay). */
  get length(): number {
    return this.#queue.length;
  }

  /** Whether {@link WorkQueue.shutDown} (or the drain variant) was called. */
  get isShuttingDown(): boolean {
    return this.#shuttingDown;
  }

  /**
   * Marks `key` as needing processing: queues it unless it is queued already;
   * while it is processing, it is queued again when its worker calls
   * {@link WorkQueue.done}. Ignored once the queue is shutting down.
   *
   * @throws TypeError when `key` is undefined.
   */
  add(key: K): void {
    if (key === undefined) checkKey(key);
    if (this.#shuttingDown) return;
    const state = this.#state.get(key);
    if (state === undefined) this.#state.set(key, DIRTY);
    else if ((state & DIRTY) !== 0) return;
    else this.#state.set(key, state | DIRTY);
    this.#dirtyCount++;
    const metrics = this.#metrics;
    if (metrics !== undefined) {
      if (!this.#addedAt.has(key)) this.#addedAt.set(key, this.#clock.now());
      this.#observe(metrics.add, undefined);
      this.#observe(metrics.depth, this.#dirtyCount);
    }
    if (state !== undefined) return; // processing: re-queued at done
    this.#queue.push(key);
    if (this.#getters.size > 0) this.#handOut();
  }

  /**
   * Adds `key` after `delayMs` milliseconds (at once for 0 or less). A key
   * already waiting keeps the earlier of the two ready times. Ignored once
   * the queue is shutting down (waiting keys are dropped then).
   *
   * @throws TypeError when `key` is undefined or `delayMs` not a number; RangeError when it is NaN or infinite.
   */
  addAfter(key: K, delayMs: number): void {
    checkKey(key);
    if (typeof delayMs !== 'number') badArgument('delayMs', 'a finite number of milliseconds', delayMs);
    if (!Number.isFinite(delayMs)) badArgument('delayMs', 'a finite number of milliseconds', delayMs, RangeError);
    if (this.#shuttingDown) return;
    if (this.#metrics !== undefined) this.#observe(this.#metrics.retry, undefined);
    if (delayMs <= 0) {
      this.add(key);
      return;
    }
    if (this.#waiting.schedule(key, this.#clock.now() + delayMs)) this.#arm();
  }

  /**
   * Adds `key` after the delay its rate limiter gives it (which counts one
   * more failure of `key`): what a worker does when it failed. Ignored once
   * the queue is shutting down.
   *
   * @throws TypeError when `key` is undefined; RangeError when the rate limiter returns a delay that is not finite.
   */
  addRateLimited(key: K): void {
    checkKey(key);
    if (this.#shuttingDown) return;
    this.addAfter(key, this.#rateLimiter.when(key));
  }

  /** Clears `key`'s failure history in the rate limiter: what a worker does when it succeeded. Does not remove `key` from the queue. */
  forget(key: K): void {
    this.#rateLimiter.forget(key);
  }

  /** How many failures of `key` the rate limiter has on record. */
  numRequeues(key: K): number {
    return this.#rateLimiter.numRequeues(key);
  }

  /**
   * The next key to process, which the caller then owns until it calls
   * {@link WorkQueue.done}: waits while the queue is empty. After
   * {@link WorkQueue.shutDown}, the keys still queued are handed out, then
   * every call resolves to `undefined` (the worker should stop).
   *
   * @returns a promise that rejects with `signal.reason` if `signal` aborts first (no key is taken then).
   * @throws TypeError when `signal` is not an AbortSignal.
   */
  get(signal?: AbortSignal): Promise<K | undefined> {
    if (signal !== undefined) {
      checkSignal('signal', signal);
      if (signal.aborted) return Promise.reject(signal.reason);
    }
    if (this.#queue.length > 0) return Promise.resolve(this.#take());
    if (this.#shuttingDown) return Promise.resolve(undefined);
    return new Promise<K | undefined>((resolve, reject) => {
      const getter: Getter<K> = { resolve, signal, onAbort: undefined };
      if (signal !== undefined) {
        getter.onAbort = () => {
          this.#getters.delete(getter);
          reject(signal.reason);
        };
        signal.addEventListener('abort', getter.onAbort, { once: true });
      }
      this.#getters.add(getter);
    });
  }

  /** {@link WorkQueue.get} without waiting: the next key (now owned by the caller), or `undefined` when none is queued. */
  tryGet(): K | undefined {
    return this.#queue.length > 0 ? this.#take() : undefined;
  }

  /**
   * Marks `key`, handed out by {@link WorkQueue.get}, as processed; if it was
   * added again meanwhile, it is queued again now. A key not processing is ignored.
   */
  done(key: K): void {
    const state = this.#state.get(key);
    if (state === undefined || (state & PROCESSING) === 0) return;
    this.#processingCount--;
    const metrics = this.#metrics;
    if (metrics !== undefined) {
      const startedAt = this.#startedAt.get(key);
      this.#startedAt.delete(key);
      if (startedAt !== undefined) this.#observe(metrics.workDuration, this.#clock.now() - startedAt);
    }
    if (state === DIRTY_PROCESSING) {
      this.#state.set(key, DIRTY);
      this.#queue.push(key);
      if (this.#getters.size > 0) this.#handOut();
    } else this.#state.delete(key);
    if (this.#processingCount === 0) {
      if (this.#ticker !== undefined) this.#stopTicker(true);
      if (this.#drainWaiters.length > 0) this.#resolveDrain();
    }
    if (this.#idleWaiters.length > 0) this.#checkIdle();
  }

  /**
   * Runs `worker` on the keys, `workers` at a time, until the queue is shut
   * down and drained or `signal` aborts (the workers then finish the keys
   * they hold; this promise resolves after them). Per key, as client-go
   * controllers' `processNextWorkItem`: success → {@link WorkQueue.forget};
   * a throw or rejection → `onError`, then {@link WorkQueue.addRateLimited};
   * either way {@link WorkQueue.done}. A failing worker never stops the loop
   * nor crashes the process.
   *
   * @throws TypeError / RangeError (synchronously) for a bad worker or option.
   */
  run(worker: WorkQueueWorker<K>, options: WorkQueueRunOptions<K> = {}): Promise<void> {
    if (typeof worker !== 'function') badArgument('worker', 'a function', worker);
    checkOptions('options', options);
    const workers = options.workers ?? 1;
    checkInteger('workers', workers, 1);
    checkSignal('signal', options.signal);
    if (options.onError !== undefined && typeof options.onError !== 'function') badArgument('onError', 'a function', options.onError);
    const onError = options.onError ?? ((error: unknown, key: K) => this.#logError(error, key));
    const loops: Promise<void>[] = [];
    for (let i = 0; i < workers; i++) loops.push(this.#work(worker, options.signal, onError));
    return Promise.all(loops).then(() => undefined);
  }

  /**
   * Stops the queue: adds are ignored from now on, waiting keys are dropped
   * (their timer cancelled), pending {@link WorkQueue.get}s resolve to
   * `undefined`. Keys still queued are handed out to later `get`s; keys
   * processing may still call `done`. Idempotent; also ends a pending
   * {@link WorkQueue.shutDownWithDrain} without waiting (as client-go).
   */
  shutDown(): void {
    this.#stop();
    this.#resolveDrain();
  }

  /**
   * {@link WorkQueue.shutDown}, then waits until no key is processing: every
   * key handed out has been `done`. The workers must call `done` on every key
   * they took, or this never resolves; a later `shutDown()` ends the wait.
   */
  shutDownWithDrain(): Promise<void> {
    this.#stop();
    if (this.#processingCount === 0) return Promise.resolve();
    return new Promise<void>((resolve) => this.#drainWaiters.push(resolve));
  }

  /**
   * Resolves when nothing is queued, processing or waiting for a delay (at
   * once if so now): the settle point of a controller test. With a fake
   * clock, a key waiting for a delay (a retry) keeps it pending until the
   * clock is advanced past the delay and the key is processed.
   */
  whenIdle(): Promise<void> {
    if (this.#isIdle()) return Promise.resolve();
    return new Promise<void>((resolve) => this.#idleWaiters.push(resolve));
  }

  #take(): K {
    // A queued key is always DIRTY and never PROCESSING.
    const key = this.#queue.shift()!;
    this.#state.set(key, PROCESSING);
    this.#dirtyCount--;
    this.#processingCount++;
    const metrics = this.#metrics;
    if (metrics === undefined) return key;
    const now = this.#clock.now();
    this.#startedAt.set(key, now);
    this.#observe(metrics.depth, this.#dirtyCount);
    const addedAt = this.#addedAt.get(key);
    if (addedAt !== undefined) {
      this.#addedAt.delete(key);
      this.#observe(metrics.queueLatency, now - addedAt);
    }
    if (this.#ticker === undefined && !this.#shuttingDown && (metrics.unfinishedWork !== undefined || metrics.longestRunningProcessor !== undefined)) {
      this.#ticker = this.#clock.setTimer(() => this.#tick(), this.#metricsPeriodMs, BACKGROUND_TIMER);
    }
    return key;
  }

  // Hands queued keys to pending get()s, oldest first.
  #handOut(): void {
    for (const getter of this.#getters) {
      if (this.#queue.length === 0) return;
      this.#getters.delete(getter);
      if (getter.onAbort !== undefined) getter.signal?.removeEventListener('abort', getter.onAbort);
      getter.resolve(this.#take());
    }
  }

  async #work(worker: WorkQueueWorker<K>, signal: AbortSignal | undefined, onError: (error: unknown, key: K) => void): Promise<void> {
    const workerSignal = signal ?? NEVER_ABORTED;
    for (;;) {
      let key: K | undefined;
      try {
        key = await this.get(signal);
      } catch {
        return; // aborted
      }
      if (key === undefined) return;
      try {
        await worker(key, workerSignal);
        this.forget(key);
      } catch (error) {
        try {
          onError(error, key);
        } catch {
          // A throwing error handler must not stop the worker.
        }
        try {
          this.addRateLimited(key);
        } catch (error) {
          // A rate limiter answering a non-finite delay: report it, the key is dropped.
          try {
            onError(error, key);
          } catch {
            // as above
          }
        }
      } finally {
        this.done(key);
      }
    }
  }

  #logError(error: unknown, key: K): void {
    console.error(`work queue${this.name === '' ? '' : ` "${this.name}"`}: processing key ${String(key)} failed; retrying`, error);
  }

  // Re-arms the one delay timer for the earliest waiting key.
  #arm(): void {
    const at = this.#waiting.peekReadyAt();
    if (at === this.#timerAt && this.#timer !== undefined) return;
    this.#timer?.cancel();
    this.#timer = undefined;
    this.#timerAt = Number.NaN;
    if (at === undefined) return;
    this.#timerAt = at;
    this.#timer = setLongTimer(this.#clock, () => this.#fire(), at - this.#clock.now());
  }

  #fire(): void {
    this.#timer = undefined;
    this.#timerAt = Number.NaN;
    const now = this.#clock.now();
    for (let key = this.#waiting.popReady(now); key !== undefined; key = this.#waiting.popReady(now)) this.add(key);
    this.#arm();
    if (this.#idleWaiters.length > 0) this.#checkIdle();
  }

  #tick(): void {
    this.#ticker = undefined;
    if (this.#processingCount === 0 || this.#shuttingDown) return;
    this.#reportUnfinished();
    this.#ticker = this.#clock.setTimer(() => this.#tick(), this.#metricsPeriodMs, BACKGROUND_TIMER);
  }

  #reportUnfinished(): void {
    const metrics = this.#metrics!;
    const now = this.#clock.now();
    let total = 0;
    let longest = 0;
    for (const startedAt of this.#startedAt.values()) {
      const ms = now - startedAt;
      total += ms;
      if (ms > longest) longest = ms;
    }
    this.#observe(metrics.unfinishedWork, total);
    this.#observe(metrics.longestRunningProcessor, longest);
    this.#reportedUnfinished = total > 0;
  }

  #stopTicker(reportZero: boolean): void {
    this.#ticker?.cancel();
    this.#ticker = undefined;
    if (reportZero && this.#reportedUnfinished) this.#reportUnfinished();
  }

  #stop(): void {
    if (this.#shuttingDown) return;
    this.#shuttingDown = true;
    this.#waiting.clear();
    this.#timer?.cancel();
    this.#timer = undefined;
    this.#timerAt = Number.NaN;
    if (this.#ticker !== undefined) this.#stopTicker(false);
    // A pending get() means the queue was empty: there is nothing left to hand out.
    for (const getter of this.#getters) {
      if (getter.onAbort !== undefined) getter.signal?.removeEventListener('abort', getter.onAbort);
      getter.resolve(undefined);
    }
    this.#getters.clear();
    if (this.#idleWaiters.length > 0) this.#checkIdle();
  }

  #resolveDrain(): void {
    const waiters = this.#drainWaiters;
    this.#drainWaiters = [];
    for (const resolve of waiters) resolve();
  }

  #isIdle(): boolean {
    return this.#queue.length === 0 && this.#processingCount === 0 && this.#waiting.size === 0;
  }

  #checkIdle(): void {
    if (!this.#isIdle()) return;
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  // Calls a metrics hook with `this` bound; a throwing hook is ignored.
  #observe(hook: ((name: string, value: number) => void) | ((name: string) => void) | undefined, value: number | undefined): void {
    if (hook === undefined) return;
    try {
      (hook as (name: string, value: number | undefined) => void).call(this.#metrics, this.name, value);
    } catch {
      // A broken exporter must not break the queue.
    }
  }
}
