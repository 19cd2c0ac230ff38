/**
 * The benchmark harness: a suite is a correctness gate plus tinybench tables.
 *
 * Rules it enforces (see the conventions' Benchmarks section):
 * - every task carries a `check()`; {@link measureTable} runs all of a
 *   table's checks before it times anything, so no benchmark times a wrong answer;
 * - registration order is floor(s), then exactly one `ours`, then the peers;
 * - ratios are computed in the same run: task median ÷ ours median.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Bench, type FnReturnedObject } from 'tinybench';

/**
 * Where a task stands: `floor` the cheapest thing that could possibly work;
 * `ours` the block the table is about (ratios are to it); `alt` ours in
 * another configuration or format (cold cache, YAML); `peer` what a user
 * would pick instead.
 */
export type Role = 'floor' | 'ours' | 'alt' | 'peer';

/** How a suite is run. */
export interface RunOptions {
  /** Few samples and small sizes: proves every task runs and is correct, measures nothing worth quoting. */
  readonly smoke: boolean;
}

/** One implementation timed in a table. */
export interface TaskSpec {
  /** Label in the table; peers carry their version (`fast-json-stable-stringify 2.1.0`). */
  readonly name: string;
  readonly role: Role;
  /**
   * Performs `ops` operations. Write the loop inside the task's own function
   * literal, so each task's call sites stay monomorphic (a shared loop calling
   * `op()` would favour whichever task ran first).
   */
  readonly fn: (ops: number) => void;
  /** Operations per timed sample; per-op time is the sample's time ÷ `ops`. @default 1 */
  readonly ops?: number;
  /** Untimed work before each sample (emptying sinks, making a fresh event). */
  readonly beforeSample?: () => void;
  /** Throws if the task's output is wrong. Runs before anything in its table is timed. */
  readonly check: () => void;
  /** Minimum number of samples; lower it for tasks of tens of milliseconds. @default 32 (full), 2 (smoke) */
  readonly minSamples?: number;
  /** Extra cells for this row (keys are the table's `columns`), from the measured median. */
  readonly extra?: (medianNs: number) => Readonly<Record<string, string>>;
}

/** A group of tasks measured against one `ours`. */
export interface TableSpec {
  readonly title: string;
  readonly tasks: readonly TaskSpec[];
  /** Names of extra columns filled by the tasks' `extra`. */
  readonly columns?: readonly string[];
  /**
   * Take turns: split every task's budget into this many rounds, each round
   * running every task once (the order alternating, `gc()` before each), and
   * pool the samples. For tables whose target is a ratio between their tasks,
   * so that a change of load on the shared machine lands on both sides of it.
   * @default 1 (each task once, one after another)
   */
  readonly rounds?: number;
}

/** One measured task. */
export interface TaskRow {
  readonly name: string;
  readonly role: Role;
  /** Median time per operation, nanoseconds. */
  readonly medianNs: number;
  /** 1e9 ÷ median ns: the median throughput. */
  readonly opsPerSec: number;
  /** tinybench's relative margin of error of the mean per-sample latency (95 %, Student's t), percent. */
  readonly rmePct: number;
  readonly samples: number;
  /** Operations per sample. */
  readonly ops: number;
  /** This task's median ÷ ours' median: above 1, ours is that many times faster. */
  readonly ratio: number;
  readonly extra: Readonly<Record<string, string>>;
}

/** A measured table, rows in registration order. */
export interface ResultTable {
  readonly title: string;
  readonly columns: readonly string[];
  readonly rows: readonly TaskRow[];
}

/** A free-form table (summaries computed from several measured tables). */
export interface TextTable {
  readonly title: string;
  readonly header: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

/** One target of the issue, judged from this run's numbers. */
export interface TargetResult {
  readonly description: string;
  readonly measured: string;
  readonly met: boolean;
  /** For a numeric target ({@link ratioTarget}): the measured value, its threshold and how it is judged, so that a run near the threshold can be repeated. */
  readonly numeric?: NumericTarget;
}

/** A target that is a number compared with a threshold. */
export interface NumericTarget {
  readonly value: number;
  /** Met when `value ≥ threshold` (`'atLeast'`) or `value ≤ threshold` (`'atMost'`). */
  readonly threshold: number;
  readonly direction: 'atLeast' | 'atMost';
  /** Renders a value (the measured one, a median, a range's ends). */
  readonly format: (value: number) => string;
  /** Text after the formatted value (`of the floor`). @default '' */
  readonly suffix?: string;
}

/** Everything a suite reports. */
export interface SuiteResult {
  readonly tables: readonly ResultTable[];
  readonly summaries?: readonly TextTable[];
  readonly targets: readonly TargetResult[];
  readonly notes?: readonly string[];
}

/**
 * A benchmark suite. `check()` is the correctness gate the test suite runs;
 * `run()` checks again (at the sizes it times) and measures.
 */
export interface Suite {
  /** `<package>/<operation>`, e.g. `codec/splice`; also the name accepted on the command line. */
  readonly name: string;
  readonly title: string;
  /** One or two sentences: what is measured, and what is held equal. */
  readonly measures: string;
  /**
   * Why the suite cannot run on this machine (a service it needs, such as
   * etcd, is missing and cannot be installed), or `undefined` when it can.
   * The runner and the tests then skip it, saying why, instead of failing it.
   * @default always runnable
   */
  unavailable?(): string | undefined;
  check(): Promise<void>;
  run(options: RunOptions): Promise<SuiteResult>;
}

/** tinybench settings for a full and a smoke run. */
export interface Method {
  /** Time budget per task, ms. */
  readonly timeMs: number;
  /** Warmup budget per task, ms. */
  readonly warmupMs: number;
  /** Default minimum samples per task. */
  readonly minSamples: number;
  /** Minimum warmup samples per task. */
  readonly warmupSamples: number;
}

export const FULL_METHOD: Method = { timeMs: 750, warmupMs: 200, minSamples: 32, warmupSamples: 2 };
export const SMOKE_METHOD: Method = { timeMs: 5, warmupMs: 0, minSamples: 2, warmupSamples: 0 };

/**
 * Where timed tasks put their results, so that no result is dead code. The
 * runner empties it after every suite run ({@link releaseSuite}): a result
 * left in it kept the suite's whole fixture alive (100 k pods, ~900 MB) and
 * slowed the GC, and so the ratios, of the suites after it.
 */
export const sink: { value: unknown } = { value: undefined };

/** Drops what a suite left in {@link sink} and collects the heap; the heap in use after, bytes. */
export function releaseSuite(): number {
  sink.value = undefined;
  collectGarbage();
  return process.memoryUsage().heapUsed;
}

/** Node's `gc()`, enabled at run time so that every task starts from a collected heap. */
const collectGarbage: () => void = (() => {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
})();

/** Throws unless the roles are: floor(s), exactly one ours, its alternatives, then peers. */
export function assertRegistrationOrder(title: string, tasks: readonly TaskSpec[]): void {
  const rank: Record<Role, number> = { floor: 0, ours: 1, alt: 2, peer: 3 };
  const ours = tasks.filter((task) => task.role === 'ours').length;
  if (ours !== 1) throw new Error(`Table "${title}": expected exactly one \`ours\` task, got ${ours}`);
  for (let i = 1; i < tasks.length; i++) {
    if (rank[tasks[i]!.role] < rank[tasks[i - 1]!.role]) {
      throw new Error(`Table "${title}": register the floor, then ours, then the peers; "${tasks[i]!.name}" (${tasks[i]!.role}) comes after "${tasks[i - 1]!.name}" (${tasks[i - 1]!.role})`);
    }
  }
  const names = new Set(tasks.map((task) => task.name));
  if (names.size !== tasks.length) throw new Error(`Table "${title}": task names must be unique`);
}

/** Runs every task's `check()`, naming the task that fails. */
export function checkTable(spec: TableSpec): void {
  assertRegistrationOrder(spec.title, spec.tasks);
  for (const task of spec.tasks) {
    try {
      task.check();
    } catch (error) {
      throw new Error(`Check failed for "${task.name}" in "${spec.title}": ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
  }
}

/** Checks every task of `spec`, then times each one with tinybench, in registration order. */
export async function measureTable(spec: TableSpec, options: RunOptions): Promise<ResultTable> {
  checkTable(spec);
  const method = options.smoke ? SMOKE_METHOD : FULL_METHOD;
  const rounds = spec.rounds ?? 1;
  if (!Number.isInteger(rounds) || rounds < 1) throw new RangeError(`Expected \`rounds\` to be a positive integer, got \`${String(rounds)}\` (${typeof rounds})`);
  const measured: Omit<TaskRow, 'ratio' | 'extra'>[] = [];
  if (rounds === 1) {
    for (const task of spec.tasks) measured.push(await measureTask(task, method, options));
  } else {
    measured.push(...(await measureInRounds(spec.tasks, rounds, method, options)));
  }
  const oursIndex = spec.tasks.findIndex((task) => task.role === 'ours');
  const oursMedian = measured[oursIndex]!.medianNs;
  const rows = measured.map((row, i): TaskRow => ({
    ...row,
    ratio: row.medianNs / oursMedian,
    extra: spec.tasks[i]!.extra?.(row.medianNs) ?? {},
  }));
  return { title: spec.title, columns: spec.columns ?? [], rows };
}

async function measureTask(task: TaskSpec, method: Method, options: RunOptions): Promise<Omit<TaskRow, 'ratio' | 'extra'>> {
  const minSamples = options.smoke ? method.minSamples : (task.minSamples ?? method.minSamples);
  const result = await runBench(task, {
    time: method.timeMs,
    iterations: minSamples,
    warmup: method.warmupMs > 0,
    warmupTime: method.warmupMs,
    warmupIterations: method.warmupSamples,
    throws: true,
  });
  const medianNs = result.latency.p50 * 1e6;
  return {
    name: task.name,
    role: task.role,
    medianNs,
    opsPerSec: medianNs > 0 ? 1e9 / medianNs : Number.POSITIVE_INFINITY,
    rmePct: result.latency.rme,
    samples: result.latency.samplesCount,
    ops: task.ops ?? 1,
  };
}

type CompletedResult = Extract<Bench['tasks'][number]['result'], { state: 'completed' }>;

/** Times `task` with one tinybench `Bench` of `settings`, after a `gc()`. */
async function runBench(task: TaskSpec, settings: ConstructorParameters<typeof Bench>[0]): Promise<CompletedResult> {
  const ops = task.ops ?? 1;
  if (!Number.isInteger(ops) || ops < 1) throw new RangeError(`Expected \`ops\` to be a positive integer, got \`${String(ops)}\` (${typeof ops})`);
  const bench = new Bench(settings);
  const { fn, beforeSample } = task;
  const now = performance.now.bind(performance);
  bench.add(
    task.name,
    (): FnReturnedObject => {
      const start = now();
      beforeSample?.();
      const t0 = now();
      fn(ops);
      const t1 = now();
      // The sample is the per-op time; the budget is charged the whole wall time, setup included.
      return { overriddenDuration: (t1 - t0) / ops, overriddenIterationCost: t1 - start };
    },
    { async: false },
  );
  collectGarbage();
  await bench.run();
  const result = bench.tasks[0]!.result;
  if (result.state !== 'completed') {
    const reason = result.state === 'errored' ? result.error.message : result.state;
    throw new Error(`Task "${task.name}" did not complete: ${reason}`);
  }
  return result;
}

/**
 * The tasks taking turns: each one's budget split into `rounds`, every round
 * running each task once (the order alternating, `gc()` before each), the
 * warmup in the first round only; samples pooled over the rounds.
 */
async function measureInRounds(tasks: readonly TaskSpec[], rounds: number, method: Method, options: RunOptions): Promise<Omit<TaskRow, 'ratio' | 'extra'>[]> {
  const pooled: number[][] = tasks.map(() => []);
  for (let round = 0; round < rounds; round++) {
    const order = tasks.map((_, i) => i);
    if (round % 2 === 1) order.reverse();
    for (const i of order) {
      const task = tasks[i]!;
      const minSamples = options.smoke ? method.minSamples : (task.minSamples ?? method.minSamples);
      const result = await runBench(task, {
        time: method.timeMs / rounds,
        iterations: Math.ceil(minSamples / rounds),
        warmup: round === 0 && method.warmupMs > 0,
        warmupTime: method.warmupMs,
        warmupIterations: method.warmupSamples,
        retainSamples: true,
        throws: true,
      });
      const samples = result.latency.samples;
      if (samples === undefined) throw new Error(`Task "${task.name}": tinybench retained no samples`);
      for (const sample of samples) pooled[i]!.push(sample);
    }
  }
  return tasks.map((task, i) => {
    const { median: ms, rmePct } = sampleStatistics(pooled[i]!);
    const medianNs = ms * 1e6;
    return {
      name: task.name,
      role: task.role,
      medianNs,
      opsPerSec: medianNs > 0 ? 1e9 / medianNs : Number.POSITIVE_INFINITY,
      rmePct,
      samples: pooled[i]!.length,
      ops: task.ops ?? 1,
    };
  });
}

/** The row of `role` (the first, for floors and peers) or of the given name. */
export function row(table: ResultTable, nameOrRole: string): TaskRow {
  const found = table.rows.find((r) => r.name === nameOrRole) ?? table.rows.find((r) => r.role === nameOrRole);
  if (found === undefined) throw new Error(`Table "${table.title}" has no row "${nameOrRole}"`);
  return found;
}

/** A target judged from measured numbers. */
export function target(description: string, measured: string, met: boolean): TargetResult {
  return { description, measured, met };
}

/**
 * A numeric target: `value` must be at least (or at most) `threshold`. The
 * runner repeats a suite whose numeric target lands near its threshold and
 * judges it on the median of the runs.
 */
export function ratioTarget(
  description: string,
  value: number,
  bound: { readonly atLeast: number } | { readonly atMost: number },
  format: (value: number) => string,
  suffix = '',
): TargetResult {
  const numeric: NumericTarget =
    'atLeast' in bound ? { value, threshold: bound.atLeast, direction: 'atLeast', format, suffix } : { value, threshold: bound.atMost, direction: 'atMost', format, suffix };
  return { description, measured: `${format(value)}${suffix === '' ? '' : ` ${suffix}`}`, met: meets(numeric, value), numeric };
}

/** Whether `value` meets the numeric target `t`. */
export function meets(t: NumericTarget, value: number): boolean {
  return t.direction === 'atLeast' ? value >= t.threshold : value <= t.threshold;
}

/** The median of `values` (the mean of the middle two for an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  return n % 2 === 1 ? sorted[(n - 1) / 2]! : (sorted[n / 2 - 1]! + sorted[n / 2]!) / 2;
}

/**
 * The median of pooled samples and the relative margin of error of their mean
 * (95 %, with the normal approximation where tinybench uses Student's t: close
 * at the 16+ samples a table takes), percent.
 */
export function sampleStatistics(samples: readonly number[]): { median: number; rmePct: number } {
  const n = samples.length;
  const mean = samples.reduce((sum, x) => sum + x, 0) / n;
  const variance = n > 1 ? samples.reduce((sum, x) => sum + (x - mean) ** 2, 0) / (n - 1) : 0;
  const rmePct = mean > 0 ? ((1.96 * Math.sqrt(variance / n)) / mean) * 100 : 0;
  return { median: median(samples), rmePct };
}

/** Throws a readable error when `actual` and `expected` bytes differ. */
export function assertSameBytes(actual: Uint8Array, expected: Uint8Array, what: string): void {
  if (Buffer.compare(Buffer.from(actual.buffer, actual.byteOffset, actual.byteLength), Buffer.from(expected.buffer, expected.byteOffset, expected.byteLength)) === 0) return;
  let at = 0;
  while (at < actual.length && at < expected.length && actual[at] === expected[at]) at++;
  throw new Error(`${what}: bytes differ at offset ${at} (got ${actual.length} bytes, expected ${expected.length})`);
}

/** Throws `message` unless `condition`. */
export function assert(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Error(message);
}
