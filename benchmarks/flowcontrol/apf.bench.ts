/**
 * API Priority and Fairness at saturation: every request queues, and every
 * release dispatches the next one by fair queuing. Measured per request:
 * enqueue + release, and the bytes it allocates.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { FakeClock, PriorityAndFairness, type Admission, type AdmissionResult, type RequestAttributes } from '@apiserver-kit/flowcontrol';
import { formatBytes, formatDuration } from '../lib/format.js';
import { assert, checkTable, measureTable, row, target, type RunOptions, type Suite, type SuiteResult, type TableSpec, type TextTable } from '../lib/harness.js';

const OPS = 512;
const SEATS = 50;
const FLOWS = 256;
const BACKLOG = 400;
const REQUESTS: RequestAttributes[] = Array.from({ length: FLOWS }, (_, i) => ({ verb: 'get', user: `user-${i}`, groups: ['system:authenticated'] }));

/** A saturated level: SEATS executing, BACKLOG waiting over FLOWS flows; `step` admits one and releases one. */
function saturated(): { readonly step: (i: number) => void; readonly dispatched: () => number } {
  const clock = new FakeClock();
  const apf = new PriorityAndFairness({
    clock,
    serverConcurrencyLimit: SEATS,
    priorityLevels: [{ name: 'catch-all', queues: 64, handSize: 6, queueLengthLimit: 1000, maxWaitMs: 1e12 }],
    flowSchemas: [],
  });
  const executing: Admission[] = [];
  let head = 0;
  let dispatched = 0;
  const onDecision = (result: AdmissionResult): void => {
    assert(result.admitted, 'a request was rejected at saturation');
    executing.push(result);
    dispatched++;
  };
  for (let i = 0; i < SEATS + BACKLOG; i++) apf.enqueue(REQUESTS[i % FLOWS]!, onDecision);
  return {
    step: (i) => {
      apf.enqueue(REQUESTS[i % FLOWS]!, onDecision);
      executing[head++]!.release();
      if (head > 4096) {
        executing.splice(0, head);
        head = 0;
      }
    },
    dispatched: () => dispatched,
  };
}

/** The floor: a counting semaphore with one FIFO queue of callbacks (no levels, no flows, no fairness). */
function semaphore(): { readonly step: () => void } {
  let free = SEATS;
  const waiting: (() => void)[] = [];
  let head = 0;
  let running = 0;
  const acquire = (run: () => void): void => {
    if (free > 0) {
      free--;
      run();
    } else waiting.push(run);
  };
  const release = (): void => {
    running--;
    const next = head < waiting.length ? waiting[head++] : undefined;
    if (next === undefined) free++;
    else next();
    if (head > 4096) {
      waiting.splice(0, head);
      head = 0;
    }
  };
  const started = (): void => {
    running++;
  };
  for (let i = 0; i < SEATS + BACKLOG; i++) acquire(started);
  return {
    step: () => {
      acquire(started);
      release();
    },
  };
}

function table(): TableSpec {
  const ours = saturated();
  const floor = semaphore();
  let i = 0;
  return {
    title: `admit + release per request, ${SEATS} seats busy, ${BACKLOG} queued over ${FLOWS} flows (${OPS} per sample)`,
    tasks: [
      {
        name: 'floor: semaphore + one FIFO queue',
        role: 'floor',
        ops: OPS,
        fn: (ops) => {
          for (let k = 0; k < ops; k++) floor.step();
        },
        check: () => {
          for (let k = 0; k < 100; k++) floor.step();
        },
      },
      {
        name: 'PriorityAndFairness.enqueue + release',
        role: 'ours',
        ops: OPS,
        fn: (ops) => {
          for (let k = 0; k < ops; k++) ours.step(i++);
        },
        check: () => {
          const before = ours.dispatched();
          for (let k = 0; k < 100; k++) ours.step(i++);
          assert(ours.dispatched() - before === 100, `100 releases dispatched ${ours.dispatched() - before} requests`);
        },
      },
    ],
  };
}

const gc: () => void = (() => {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
})();

/** Bytes allocated per step: heap growth over a run short enough to stay in the young generation. */
function bytesPerStep(step: (i: number) => void): number {
  for (let k = 0; k < 2000; k++) step(k);
  gc();
  const runs = 2000;
  const before = process.memoryUsage().heapUsed;
  for (let k = 0; k < runs; k++) step(k);
  return Math.max(0, (process.memoryUsage().heapUsed - before) / runs);
}

export const apfSuite: Suite = {
  name: 'flowcontrol/apf',
  title: 'priority and fairness: admit + release at saturation',
  measures:
    `A level of ${SEATS} seats kept saturated with ${BACKLOG} requests queued over ${FLOWS} flows (64 queues, hand size 6): per request, one enqueue (flow-schema match, flow hash, hand deal, shortest queue) ` +
    'and one release that dispatches the next request by virtual finish time. The callback form (`enqueue`) is timed; `admit` adds one promise. The floor is a semaphore with a single FIFO queue.',

  async check(): Promise<void> {
    checkTable(table());
  },

  async run(options: RunOptions): Promise<SuiteResult> {
    const t = await measureTable(table(), options);
    const ours = saturated();
    const floor = semaphore();
    const oursBytes = bytesPerStep(ours.step);
    const floorBytes = bytesPerStep(() => floor.step());
    const allocations: TextTable = {
      title: 'allocation per request (heap growth over 2 000 requests after a GC)',
      header: ['task', 'bytes / request'],
      rows: [
        ['floor: semaphore + one FIFO queue', formatBytes(floorBytes)],
        ['PriorityAndFairness.enqueue + release', formatBytes(oursBytes)],
      ],
    };
    return {
      tables: [t],
      summaries: [allocations],
      targets: [target('APF admit + release at saturation: ns/op and allocations (reported)', `${formatDuration(row(t, 'ours').medianNs)}, ${formatBytes(oursBytes)}/request`, true)],
      notes: ['Allocation per request: one ticket (the queue entry and the admission are one object) plus the flow key string; the floor allocates nothing but its array slot.'],
    };
  },
};
