/**
 * Timing for operations that must await (a paginated LIST: each page after
 * the first waits on the cache's revision check, so it cannot complete within
 * a synchronous call), for tables whose target is a ratio between their
 * tasks. Checks first, as the harness's `measureTable`; then the tasks take
 * turns sample by sample: tinybench times a cycle that runs every task once
 * (the order alternating from one cycle to the next), and each task's sample
 * is its own time within the cycle. A change of load on the shared machine,
 * or a major GC's marking (the 100 k-pod heap is near 900 MB: a marking cycle
 * spans seconds), then lands on neighbouring samples of every task instead of
 * on whichever task ran during it (with rounds of ~90 ms per task, the
 * previous method, the paginated LIST read 2.5× on a quiet machine and
 * 0.11×–0.16× on a loaded one).
 * Budgets: one warmup of the method's warmup time per task, a `gc()`, then
 * cycles until every task has had the method's time and at least its
 * minimum of samples. Medians, and the rme of the mean, per task.
 */
import { Bench, type FnReturnedObject } from 'tinybench';
import { assertRegistrationOrder, FULL_METHOD, type ResultTable, type Role, type RunOptions, sampleStatistics, SMOKE_METHOD } from '../lib/harness.js';
import { collectGarbage } from './cache-fixture.js';

/** One awaited operation per sample. */
export interface AsyncTaskSpec {
  readonly name: string;
  readonly role: Role;
  readonly fn: () => Promise<void>;
  /** Throws (rejects) if the task's output is wrong; runs before anything in the table is timed. */
  readonly check: () => Promise<void>;
  /** @default the method's */
  readonly minSamples?: number;
  /** Untimed work before each of this task's samples (a full GC in a host child, so that one task's garbage is not the next one's pause). */
  readonly beforeSample?: () => Promise<void>;
}

export interface AsyncTableSpec {
  readonly title: string;
  readonly tasks: readonly AsyncTaskSpec[];
}

export async function checkAsyncTable(spec: AsyncTableSpec): Promise<void> {
  assertRegistrationOrder(spec.title, spec.tasks.map((task) => ({ name: task.name, role: task.role, fn: () => undefined, check: () => undefined })));
  for (const task of spec.tasks) {
    try {
      await task.check();
    } catch (error) {
      throw new Error(`Check failed for "${task.name}" in "${spec.title}": ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
  }
}

export async function measureAsyncTable(spec: AsyncTableSpec, options: RunOptions): Promise<ResultTable> {
  await checkAsyncTable(spec);
  const method = options.smoke ? SMOKE_METHOD : FULL_METHOD;
  const tasks = spec.tasks;
  const minSamples = Math.max(...tasks.map((task) => (options.smoke ? method.minSamples : (task.minSamples ?? method.minSamples))));
  let samples: number[][] = tasks.map(() => []);
  let cycle = 0;
  const forward = tasks.map((_, i) => i);
  const backward = [...forward].reverse();
  // One cycle: every task once, the order alternating; each task's time is its sample.
  const runCycle = async (): Promise<FnReturnedObject> => {
    const order = cycle++ % 2 === 0 ? forward : backward;
    const started = performance.now();
    for (const i of order) {
      await tasks[i]!.beforeSample?.();
      const t0 = performance.now();
      await tasks[i]!.fn();
      samples[i]!.push(performance.now() - t0);
    }
    return { overriddenDuration: performance.now() - started };
  };
  if (method.warmupMs > 0) {
    await runBench(spec.title, runCycle, { time: method.warmupMs * tasks.length, iterations: method.warmupSamples });
    samples = tasks.map(() => []);
  }
  collectGarbage();
  await runBench(spec.title, runCycle, { time: method.timeMs * tasks.length, iterations: minSamples });
  const measured = tasks.map((task, i) => {
    const { median, rmePct } = sampleStatistics(samples[i]!);
    const medianNs = median * 1e6;
    return { name: task.name, role: task.role, medianNs, opsPerSec: 1e9 / medianNs, rmePct, samples: samples[i]!.length, ops: 1 };
  });
  const oursMedian = measured[tasks.findIndex((task) => task.role === 'ours')]!.medianNs;
  return { title: spec.title, columns: [], rows: measured.map((r) => ({ ...r, ratio: r.medianNs / oursMedian, extra: {} })) };
}

/** Runs `cycle` under tinybench until `time` ms and `iterations` cycles. */
async function runBench(title: string, cycle: () => Promise<FnReturnedObject>, settings: { time: number; iterations: number }): Promise<void> {
  const bench = new Bench({ ...settings, warmup: false, throws: true });
  bench.add(title, cycle, { async: true });
  await bench.run();
  const result = bench.tasks[0]!.result;
  if (result.state !== 'completed') throw new Error(`Table "${title}" did not complete: ${result.state === 'errored' ? result.error.message : result.state}`);
}
