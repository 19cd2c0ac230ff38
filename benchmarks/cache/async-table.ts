/**
 * Timing for operations that must await (a paginated LIST: each page after
 * the first waits on the cache's revision check, so it cannot complete within
 * a synchronous call), for tables whose target is a ratio between their
 * tasks. Same budgets as the harness's `measureTable` — checks first, the
 * same warmup, time and sample minimums per task, median and rme — but the
 * tasks take turns: each one's budget is split into {@link ROUNDS} rounds and
 * every round runs each task once (the order alternating), so a change of
 * load on the shared machine lands on every task alike instead of on
 * whichever ran during it. Samples are pooled over the rounds.
 */
import { Bench, type FnReturnedObject } from 'tinybench';
import { assertRegistrationOrder, FULL_METHOD, type Method, type ResultTable, type Role, type RunOptions, SMOKE_METHOD, type TaskRow } from '../lib/harness.js';
import { collectGarbage } from './cache-fixture.js';

/** Rounds a task's budget is split into. */
export const ROUNDS = 8;

/** One awaited operation per sample. */
export interface AsyncTaskSpec {
  readonly name: string;
  readonly role: Role;
  readonly fn: () => Promise<void>;
  /** Throws (rejects) if the task's output is wrong; runs before anything in the table is timed. */
  readonly check: () => Promise<void>;
  /** @default the method's */
  readonly minSamples?: number;
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
  const pooled: number[][] = spec.tasks.map(() => []);
  for (let round = 0; round < ROUNDS; round++) {
    const order = spec.tasks.map((_, i) => i);
    if (round % 2 === 1) order.reverse();
    for (const i of order) {
      // As measureTable: no task pays for the garbage of the one before it.
      collectGarbage();
      const samples = await sampleRound(spec.tasks[i]!, method, options, round === 0);
      for (const sample of samples) pooled[i]!.push(sample);
    }
  }
  const measured = spec.tasks.map((task, i) => {
    const { median, rmePct } = statistics(pooled[i]!);
    const medianNs = median * 1e6;
    return { name: task.name, role: task.role, medianNs, opsPerSec: 1e9 / medianNs, rmePct, samples: pooled[i]!.length, ops: 1 };
  });
  const oursMedian = measured[spec.tasks.findIndex((task) => task.role === 'ours')]!.medianNs;
  return { title: spec.title, columns: [], rows: measured.map((r) => ({ ...r, ratio: r.medianNs / oursMedian, extra: {} })) };
}

/** One round of `task`: a share of its budget (the warmup in the first round only); its samples in ms. */
async function sampleRound(task: AsyncTaskSpec, method: Method, options: RunOptions, first: boolean): Promise<number[]> {
  const minSamples = options.smoke ? method.minSamples : (task.minSamples ?? method.minSamples);
  const bench = new Bench({
    time: method.timeMs / ROUNDS,
    iterations: Math.ceil(minSamples / ROUNDS),
    warmup: first && method.warmupMs > 0,
    warmupTime: method.warmupMs,
    warmupIterations: method.warmupSamples,
    retainSamples: true,
    throws: true,
  });
  const { fn } = task;
  bench.add(
    task.name,
    async (): Promise<FnReturnedObject> => {
      const t0 = performance.now();
      await fn();
      return { overriddenDuration: performance.now() - t0 };
    },
    { async: true },
  );
  await bench.run();
  const result = bench.tasks[0]!.result;
  if (result.state !== 'completed') throw new Error(`Task "${task.name}" did not complete: ${result.state === 'errored' ? result.error.message : result.state}`);
  const samples = result.latency.samples;
  if (samples === undefined) throw new Error(`Task "${task.name}": tinybench retained no samples`);
  return [...samples];
}

/** The median and the relative margin of error of the mean (95 %, with the normal approximation where tinybench uses Student's t: close at the 16+ samples a table takes). */
function statistics(samples: readonly number[]): { median: number; rmePct: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const n = sorted.length;
  const median = n % 2 === 1 ? sorted[(n - 1) / 2]! : (sorted[n / 2 - 1]! + sorted[n / 2]!) / 2;
  const mean = sorted.reduce((sum, x) => sum + x, 0) / n;
  const variance = n > 1 ? sorted.reduce((sum, x) => sum + (x - mean) ** 2, 0) / (n - 1) : 0;
  const rmePct = mean > 0 ? ((1.96 * Math.sqrt(variance / n)) / mean) * 100 : 0;
  return { median, rmePct };
}
