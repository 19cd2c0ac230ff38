/**
 * WorkQueue.add under 16 workers: keys added many times while they wait
 * (informer events outpacing the workers), against a plain array queue
 * without de-duplication (the floor) and an array with a Set (de-duplication
 * without the processing set).
 */
import { WorkQueue } from '@apiserver-kit/controller';
import { formatRatio } from '../lib/format.js';
import { assert, checkTable, measureTable, ratioTarget, row, type RunOptions, type Suite, type SuiteResult, type TableSpec, type TaskSpec } from '../lib/harness.js';

/** Adds per sample; each is one operation. */
const OPS = 4096;
/** Simulated workers, each holding at most one key. */
const WORKERS = 16;
/** Adds per worker step: the adds outpace the workers 4:1, so keys are added again while they wait. */
const ADDS_PER_STEP = 4;

/** A fixed pseudo-random sequence of key indexes in [0, keys) (a 32-bit LCG: the same keys for every task). */
function addSequence(keys: number, length: number): Uint32Array {
  const out = new Uint32Array(length);
  let x = 12345;
  for (let i = 0; i < length; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    out[i] = x % keys;
  }
  return out;
}

/** The part of a work queue the protocol uses. */
export interface KeyQueue {
  add(key: string): void;
  tryGet(): string | undefined;
  done(key: string): void;
}

function keysOf(keyCount: number): string[] {
  return Array.from({ length: keyCount }, (_, i) => `default/pod-${i}`);
}

/** What a correct de-duplicating, excluding queue hands out for the sequence: the reference model (client-go's dirty and processing sets, in plain code). */
function referenceRun(keys: readonly string[], sequence: Uint32Array): { handedOut: string[]; left: number } {
  const queue: string[] = [];
  const dirty = new Set<string>();
  const processing = new Set<string>();
  const slots: (string | undefined)[] = new Array(WORKERS).fill(undefined);
  const out: string[] = [];
  let worker = 0;
  for (let i = 0; i < sequence.length; i++) {
    const key = keys[sequence[i]!]!;
    if (!dirty.has(key)) {
      dirty.add(key);
      if (!processing.has(key)) queue.push(key);
    }
    if ((i + 1) % ADDS_PER_STEP !== 0) continue;
    const w = worker++ % WORKERS;
    const held = slots[w];
    if (held !== undefined) {
      processing.delete(held);
      if (dirty.has(held)) queue.push(held);
    }
    const next = queue.shift();
    slots[w] = next;
    if (next !== undefined) {
      dirty.delete(next);
      processing.add(next);
      out.push(next);
    }
  }
  return { handedOut: out, left: queue.length };
}

/**
 * The correctness gate of the queue rows: the protocol every task follows
 * (add the next key; after every 4th add, the next of 16 workers finishes
 * the key it holds, if any, and takes the next one), with checks. Throws
 * when a key is handed to two workers at once, or when the keys handed out
 * differ from the reference model's (de-duplication, re-queue at done, FIFO).
 */
export function checkKeyQueue(make: () => KeyQueue, keyCount: number, what: string): void {
  const keys = keysOf(keyCount);
  const sequence = addSequence(keyCount, OPS);
  const expected = referenceRun(keys, sequence).handedOut;
  const q = make();
  const slots: (string | undefined)[] = new Array(WORKERS).fill(undefined);
  const holders = new Set<string>();
  const handedOut: string[] = [];
  let worker = 0;
  for (let i = 0; i < OPS; i++) {
    q.add(keys[sequence[i]!]!);
    if ((i + 1) % ADDS_PER_STEP !== 0) continue;
    const w = worker++ % WORKERS;
    const held = slots[w];
    if (held !== undefined) {
      q.done(held);
      holders.delete(held);
    }
    const next = q.tryGet();
    slots[w] = next;
    if (next === undefined) continue;
    assert(!holders.has(next), `${what}: key ${next} was handed to two workers at once`);
    holders.add(next);
    handedOut.push(next);
  }
  const same = handedOut.length === expected.length && handedOut.every((k, i) => k === expected[i]);
  assert(same, `${what}: handed out ${handedOut.length} keys, not the reference model's ${expected.length} in its order`);
}

let sink = 0;
const DEDUP_FLOOR = 'floor: array + Set de-dup (no processing set)';

function table(keyCount: number): TableSpec {
  const keys = keysOf(keyCount);
  const sequence = addSequence(keyCount, OPS);
  const { handedOut: expected, left } = referenceRun(keys, sequence);
  const noop = (): void => {};
  const metrics = { depth: noop, add: noop, queueLatency: noop, workDuration: noop, retry: noop };

  /** Runs `ops` adds of the sequence through a WorkQueue, 16 workers taking turns. */
  const runQueue = (q: WorkQueue, ops: number): void => {
    const slots: (string | undefined)[] = new Array(WORKERS).fill(undefined);
    let worker = 0;
    let n = 0;
    for (let i = 0; i < ops; i++) {
      q.add(keys[sequence[i % OPS]!]!);
      if ((i + 1) % ADDS_PER_STEP !== 0) continue;
      const w = worker++ % WORKERS;
      const held = slots[w];
      if (held !== undefined) q.done(held);
      const next = q.tryGet();
      slots[w] = next;
      if (next !== undefined) n++;
    }
    sink += n;
  };

  let plain: string[] = [];
  let plainHead = 0;
  let deduped: string[] = [];
  let dedupedHead = 0;
  let queued = new Set<string>();
  let ours = new WorkQueue();
  let withMetrics = new WorkQueue({ metrics });

  const tasks: TaskSpec[] = [
    {
      name: 'floor: plain array queue (no de-dup)',
      role: 'floor',
      ops: OPS,
      beforeSample: () => {
        plain = [];
        plainHead = 0;
      },
      fn: (ops) => {
        const slots: (string | undefined)[] = new Array(WORKERS).fill(undefined);
        let worker = 0;
        let n = 0;
        for (let i = 0; i < ops; i++) {
          plain.push(keys[sequence[i % OPS]!]!);
          if ((i + 1) % ADDS_PER_STEP !== 0) continue;
          const w = worker++ % WORKERS;
          const next = plainHead < plain.length ? plain[plainHead++] : undefined;
          slots[w] = next;
          if (next !== undefined) n++;
        }
        sink += n;
      },
      check: () => {
        plain = [];
        plainHead = 0;
        sink = 0;
        tasks[0]!.fn(OPS);
        // Every add is handed out in order: one per worker step.
        assert(sink === OPS / ADDS_PER_STEP && plain.length === OPS, `plain array: handed out ${sink}, queued ${plain.length}`);
      },
    },
    {
      name: DEDUP_FLOOR,
      role: 'floor',
      ops: OPS,
      beforeSample: () => {
        deduped = [];
        dedupedHead = 0;
        queued = new Set();
      },
      fn: (ops) => {
        let n = 0;
        for (let i = 0; i < ops; i++) {
          const key = keys[sequence[i % OPS]!]!;
          if (!queued.has(key)) {
            queued.add(key);
            deduped.push(key);
          }
          if ((i + 1) % ADDS_PER_STEP !== 0) continue;
          if (dedupedHead < deduped.length) {
            queued.delete(deduped[dedupedHead++]!);
            n++;
          }
        }
        sink += n;
      },
      check: () => {
        deduped = [];
        dedupedHead = 0;
        queued = new Set();
        tasks[1]!.fn(OPS);
        const waiting = deduped.slice(dedupedHead);
        assert(new Set(waiting).size === waiting.length && waiting.length === queued.size, 'array + Set: a key is queued twice');
      },
    },
    {
      name: 'WorkQueue add/get/done',
      role: 'ours',
      ops: OPS,
      beforeSample: () => {
        ours = new WorkQueue();
      },
      fn: (ops) => runQueue(ours, ops),
      check: () => {
        checkKeyQueue(() => new WorkQueue(), keyCount, 'WorkQueue');
        sink = 0;
        runQueue(new WorkQueue(), OPS);
        assert(sink === expected.length, `WorkQueue: the timed loop handed out ${sink} keys, not ${expected.length}`);
      },
    },
    {
      name: 'WorkQueue with metrics hooks',
      role: 'alt',
      ops: OPS,
      beforeSample: () => {
        withMetrics = new WorkQueue({ metrics });
      },
      fn: (ops) => runQueue(withMetrics, ops),
      check: () => checkKeyQueue(() => new WorkQueue({ metrics }), keyCount, 'WorkQueue with metrics'),
    },
  ];
  return {
    title: `${OPS} adds over ${keyCount.toLocaleString('en-US')} keys, ${WORKERS} workers, a worker step per ${ADDS_PER_STEP} adds (left queued after a sample: WorkQueue ${left} keys, the plain array ${OPS - OPS / ADDS_PER_STEP})`,
    tasks,
  };
}

export const workQueueSuite: Suite = {
  name: 'informer/work-queue',
  title: 'work queue: adds with de-duplication under 16 workers',
  measures:
    `Adds per second: ${OPS} adds per sample of keys drawn at random (the same sequence for every task), with 16 simulated workers taking turns, one step per ${ADDS_PER_STEP} adds (finish the key held, take the next). ` +
    'Adds outpace the workers, so a key is added again while it waits: WorkQueue (and the array + Set) process it once, the plain array floor queues every add and would process each one. ' +
    'The time per add includes its share of the workers’ get/done.',

  async check(): Promise<void> {
    checkTable(table(1000));
    checkTable(table(50));
  },

  async run(options: RunOptions): Promise<SuiteResult> {
    const many = await measureTable(table(1000), options);
    const hot = await measureTable(table(50), options);
    const ratio = (t: typeof many): number => row(t, 'ours').medianNs / row(t, DEDUP_FLOOR).medianNs;
    return {
      tables: [many, hot],
      targets: [
        ratioTarget('de-duplication with exclusion at most 2× the cost of de-duplication alone (array + Set floor), 1 000 keys', ratio(many), { atMost: 2 }, formatRatio, 'of the floor'),
        ratioTarget('the same with 50 hot keys (most adds de-duplicated)', ratio(hot), { atMost: 2 }, formatRatio, 'of the floor'),
      ],
      notes: [
        'The floor does less: no de-duplication, no exclusion. Its queue grows by every add, and its workers would run once per add; WorkQueue runs a key once however often it was added while queued, and never on two workers at once.',
        'With metrics hooks (no-op callbacks) an add costs about 3× more: two clock readings per key (add and get) and the latency and duration maps.',
        `The workers are simulated synchronously (tryGet/done in turn), so the table times the queue's bookkeeping, not promise scheduling. sink ${sink > 0 ? 'live' : 'empty'}.`,
      ],
    };
  },
};
