// Fair queuing for one priority level (Kubernetes' fairqueuing/queueset), in
// seat-milliseconds:
//
//   R (virtual time) advances at min(seats in use + seats waiting, limit) / active queues
//   per real millisecond: what each active queue would have received from a fair server.
//   A queue's nextDispatchR is the virtual time its next request starts; dispatch picks
//   the queue whose head finishes first (nextDispatchR + head.work), round-robin on ties.
//   work = seats × estimatedServiceMs; on finish, the queue is charged the real duration.
//
//   arrive ──► shortest queue of the flow's hand ──► wait ──► dispatch (fair order) ──► execute ──► finish
//                 │ full and no seat free: reject           │ maxWaitMs passed: time out
//
// One timer per level handles timeouts: all requests of a level share maxWaitMs, so
// arrival order is deadline order and only the oldest waiting request needs a timer.

import { type Clock, MAX_TIMER_DELAY_MS as MAX_TIMER_MS, type Timer } from '@apiserver-kit/core';
import { dealHand } from './shuffle-sharding.js';

export type QueueOutcome = 'dispatched' | 'queue-full' | 'time-out' | 'concurrency-limit';

export interface QueueSetConfig {
  readonly concurrencyLimit: number;
  readonly queues: number;
  readonly handSize: number;
  readonly queueLengthLimit: number;
  readonly maxWaitMs: number;
  readonly estimatedServiceMs: number;
}

/** A request of a queue set. The owner subclasses it (the admission ticket) to avoid a second allocation. */
export class QueueEntry {
  seats = 1;
  work = 0;
  arrivalR = 0;
  arrivalTime = 0;
  startTime = 0;
  // 0 new, 1 waiting, 2 executing, 3 done
  state = 0;
  queue: Queue | undefined = undefined;
  next: QueueEntry | undefined = undefined;
  prev: QueueEntry | undefined = undefined;
  nextAll: QueueEntry | undefined = undefined;
  prevAll: QueueEntry | undefined = undefined;
  /** Called once when the entry leaves the waiting state (dispatched or rejected). */
  decided(_outcome: QueueOutcome): void {}
}

export class Queue {
  head: QueueEntry | undefined = undefined;
  tail: QueueEntry | undefined = undefined;
  length = 0;
  waitingWork = 0;
  seatsInUse = 0;
  executing = 0;
  nextDispatchR = 0;
  constructor(readonly index: number) {}
}

export class QueueSet {
  readonly config: QueueSetConfig;
  readonly #clock: Clock;
  readonly #queues: Queue[];
  readonly #hand: Int32Array;
  readonly #sorted: Int32Array;
  #r = 0;
  #lastTime: number;
  #activeQueues = 0;
  #robin = -1;
  #enqueues = 0;
  #oldest: QueueEntry | undefined = undefined;
  #newest: QueueEntry | undefined = undefined;
  #timer: Timer | undefined = undefined;
  seatsInUse = 0;
  seatsWaiting = 0;
  waiting = 0;
  executing = 0;
  dispatched = 0;
  rejected = 0;
  timedOut = 0;

  constructor(config: QueueSetConfig, clock: Clock) {
    this.config = config;
    this.#clock = clock;
    this.#queues = Array.from({ length: config.queues }, (_, i) => new Queue(i));
    this.#hand = new Int32Array(Math.max(1, config.handSize));
    this.#sorted = new Int32Array(Math.max(1, config.handSize));
    this.#lastTime = clock.now();
  }

  /** The virtual time, for tests. */
  get virtualTime(): number {
    return this.#r;
  }

  /**
   * Queues `entry` (or runs it at once when a seat is free and nobody waits) and
   * dispatches what can run. `entry.decided` is called synchronously when the
   * entry is dispatched or rejected here; later otherwise.
   */
  enqueue(entry: QueueEntry, hash: number, now: number): void {
    this.#sync(now);
    entry.arrivalTime = now;
    entry.arrivalR = this.#r;
    entry.work = entry.seats * this.config.estimatedServiceMs;
    if (this.config.queues === 0) {
      if (!this.#canAccommodate(entry.seats)) return this.#reject(entry, 'concurrency-limit');
      this.#start(entry, now);
      return;
    }
    const queue = this.#shuffleShard(hash);
    if (this.seatsInUse >= this.config.concurrencyLimit && queue.length >= this.config.queueLengthLimit) {
      return this.#reject(entry, 'queue-full');
    }
    if (queue.length === 0 && queue.executing === 0) {
      queue.nextDispatchR = this.#r;
      this.#activeQueues++;
    }
    entry.queue = queue;
    entry.state = 1;
    entry.prev = queue.tail;
    entry.next = undefined;
    if (queue.tail === undefined) queue.head = entry;
    else queue.tail.next = entry;
    queue.tail = entry;
    queue.length++;
    queue.waitingWork += entry.work;
    this.waiting++;
    this.seatsWaiting += entry.seats;
    entry.prevAll = this.#newest;
    entry.nextAll = undefined;
    if (this.#newest === undefined) this.#oldest = entry;
    else this.#newest.nextAll = entry;
    this.#newest = entry;
    if (this.#timer === undefined) this.#scheduleTimeout(now);
    this.#bound(queue);
    this.#dispatchAsMuchAsPossible(now);
  }

  /** Whether a request of `seats` would run at once (nobody waits and the seats are free). */
  wouldRunNow(seats: number): boolean {
    return this.waiting === 0 && this.#canAccommodate(seats);
  }

  /** Ends an executing entry (idempotent through `state`), then dispatches. */
  finish(entry: QueueEntry, now: number): void {
    if (entry.state !== 2) return;
    this.#sync(now);
    entry.state = 3;
    this.executing--;
    this.seatsInUse -= entry.seats;
    const queue = entry.queue;
    if (queue !== undefined) {
      queue.executing--;
      queue.seatsInUse -= entry.seats;
      // Charge the queue what the request really cost instead of the estimate.
      queue.nextDispatchR -= entry.seats * (this.config.estimatedServiceMs - (now - entry.startTime));
      this.#bound(queue);
      if (queue.length === 0 && queue.executing === 0) this.#activeQueues--;
    }
    this.#dispatchAsMuchAsPossible(now);
  }

  /** Removes a waiting entry (the client went away); returns whether it was waiting. */
  cancel(entry: QueueEntry, now: number): boolean {
    if (entry.state !== 1) return false;
    this.#sync(now);
    this.#unlink(entry);
    entry.state = 3;
    this.#dispatchAsMuchAsPossible(now);
    return true;
  }

  #sync(now: number): void {
    const elapsed = now - this.#lastTime;
    if (elapsed <= 0) return;
    this.#lastTime = now;
    if (this.#activeQueues === 0) return;
    const demand = Math.min(this.seatsInUse + this.seatsWaiting, this.config.concurrencyLimit);
    this.#r += (elapsed * demand) / this.#activeQueues;
  }

  #canAccommodate(seats: number): boolean {
    const limit = this.config.concurrencyLimit;
    // A request wider than the whole level runs alone rather than never.
    if (seats > limit) return this.executing === 0;
    return this.seatsInUse + seats <= limit;
  }

  #shuffleShard(hash: number): Queue {
    const handSize = this.config.handSize;
    dealHand(hash, this.config.queues, handSize, this.#hand, this.#sorted);
    // Start at a rotating offset so that ties do not always favour the first card.
    const offset = this.#enqueues++ % handSize;
    let best: Queue | undefined;
    for (let i = 0; i < handSize; i++) {
      const queue = this.#queues[this.#hand[(offset + i) % handSize]!]!;
      if (best === undefined || queue.waitingWork < best.waitingWork) best = queue;
    }
    return best!;
  }

  // Anti-windup: a queue's next dispatch is never earlier in virtual time than its head's arrival.
  #bound(queue: Queue): void {
    const head = queue.head;
    if (head !== undefined && queue.nextDispatchR < head.arrivalR) queue.nextDispatchR = head.arrivalR;
  }

  #dispatchAsMuchAsPossible(now: number): void {
    while (this.waiting > 0 && this.seatsInUse < this.config.concurrencyLimit && this.#dispatchOne(now)) {
      // dispatched one
    }
    // The wait timer exists only while someone waits: a timer left armed with
    // empty queues would keep the process alive for maxWaitMs after the last request.
    if (this.waiting === 0 && this.#timer !== undefined) {
      this.#timer.cancel();
      this.#timer = undefined;
    }
  }

  #dispatchOne(now: number): boolean {
    const queues = this.#queues;
    const n = queues.length;
    let best: Queue | undefined;
    let bestFinish = Number.POSITIVE_INFINITY;
    let bestIndex = -1;
    let index = this.#robin;
    for (let i = 0; i < n; i++) {
      index = index + 1 === n ? 0 : index + 1;
      const queue = queues[index]!;
      const head = queue.head;
      if (head === undefined) continue;
      const finish = queue.nextDispatchR + head.work;
      if (finish < bestFinish) {
        bestFinish = finish;
        best = queue;
        bestIndex = index;
      }
    }
    if (best === undefined) return false;
    const entry = best.head!;
    if (!this.#canAccommodate(entry.seats)) return false;
    this.#robin = bestIndex;
    this.#unlink(entry);
    // #unlink counted the queue out of the active set if it emptied; it is executing now.
    if (best.length === 0 && best.executing === 0) this.#activeQueues++;
    best.nextDispatchR += entry.work;
    best.executing++;
    best.seatsInUse += entry.seats;
    this.#bound(best);
    this.#start(entry, now);
    return true;
  }

  #start(entry: QueueEntry, now: number): void {
    entry.state = 2;
    entry.startTime = now;
    this.executing++;
    this.seatsInUse += entry.seats;
    this.dispatched++;
    entry.decided('dispatched');
  }

  #reject(entry: QueueEntry, outcome: QueueOutcome): void {
    entry.state = 3;
    this.rejected++;
    entry.decided(outcome);
  }

  #unlink(entry: QueueEntry): void {
    const queue = entry.queue!;
    if (entry.prev === undefined) queue.head = entry.next;
    else entry.prev.next = entry.next;
    if (entry.next === undefined) queue.tail = entry.prev;
    else entry.next.prev = entry.prev;
    entry.next = entry.prev = undefined;
    queue.length--;
    queue.waitingWork -= entry.work;
    this.waiting--;
    this.seatsWaiting -= entry.seats;
    if (entry.prevAll === undefined) this.#oldest = entry.nextAll;
    else entry.prevAll.nextAll = entry.nextAll;
    if (entry.nextAll === undefined) this.#newest = entry.prevAll;
    else entry.nextAll.prevAll = entry.prevAll;
    entry.nextAll = entry.prevAll = undefined;
    if (queue.length === 0 && queue.executing === 0) this.#activeQueues--;
    this.#bound(queue);
  }

  #scheduleTimeout(now: number): void {
    const oldest = this.#oldest;
    if (oldest === undefined) return;
    // A maxWaitMs past the timer range fires early, expires nothing, and re-arms.
    const delay = Math.min(MAX_TIMER_MS, Math.max(0, oldest.arrivalTime + this.config.maxWaitMs - now));
    this.#timer = this.#clock.setTimer(() => this.#expire(), delay);
  }

  #expire(): void {
    this.#timer = undefined;
    const now = this.#clock.now();
    this.#sync(now);
    const deadline = now - this.config.maxWaitMs;
    let expired = false;
    for (let entry = this.#oldest; entry !== undefined && entry.arrivalTime <= deadline; entry = this.#oldest) {
      this.#unlink(entry);
      entry.state = 3;
      this.rejected++;
      this.timedOut++;
      expired = true;
      entry.decided('time-out');
    }
    if (expired) this.#dispatchAsMuchAsPossible(now);
    this.#scheduleTimeout(now);
  }
}
