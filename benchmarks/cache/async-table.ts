/**
 * Timing for operations that must await (a paginated LIST: each page after
 * the first waits on the cache's revision check, so it cannot complete within
 * a synchronous call). Same method as the harness's `measureTable` — checks
 * first, `gc()` before each task, the same tinybench budgets, median and rme —
 * but each sample awaits the task's one operation.
 */
import { Bench, type FnReturnedObject } from 'tinybench';
import { assertRegistrationOrder, FULL_METHOD, type ResultTable, type Role, type RunOptions, SMOKE_METHOD, type TaskRow } from '../lib/harness.js';
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
  const measured: Omit<TaskRow, 'ratio' | 'extra'>[] = [];
  for (const task of spec.tasks) {
    const bench = new Bench({
      time: method.timeMs,
      iterations: options.smoke ? method.minSamples : (task.minSamples ?? method.minSamples),
      warmup: method.warmupMs > 0,
      warmupTime: method.warmupMs,
      warmupIterations: method.warmupSamples,
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
    collectGarbage();
    await bench.run();
    const result = bench.tasks[0]!.result;
    if (result.state !== 'completed') throw new Error(`Task "${task.name}" did not complete: ${result.state === 'errored' ? result.error.message : result.state}`);
    const medianNs = result.latency.p50 * 1e6;
    measured.push({ name: task.name, role: task.role, medianNs, opsPerSec: 1e9 / medianNs, rmePct: result.latency.rme, samples: result.latency.samplesCount, ops: 1 });
  }
  const oursMedian = measured[spec.tasks.findIndex((task) => task.role === 'ours')]!.medianNs;
  return { title: spec.title, columns: [], rows: measured.map((r) => ({ ...r, ratio: r.medianNs / oursMedian, extra: {} })) };
}
