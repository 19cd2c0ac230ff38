/**
 * Repeated runs of a suite: a claim near its target must hold on a rerun, so
 * a suite whose numeric target lands near its threshold is run again, and the
 * target is judged on the median of the runs, reported with their range.
 */
import { median, meets, type SuiteResult, type TargetResult } from './harness.js';

/** A value within this fraction of its threshold, on either side (a ratio, so 1.25× above or below). */
export const NEAR_FRACTION = 0.25;

/** Runs of a suite with a numeric target near its threshold; the target is judged on their median. */
export const RUNS_NEAR_TARGET = 3;

/** Whether `value` is within {@link NEAR_FRACTION} of `threshold` (ratio-wise, either side). */
export function nearThreshold(value: number, threshold: number): boolean {
  if (!Number.isFinite(value) || !(threshold > 0) || !(value > 0)) return false;
  const ratio = value / threshold;
  return ratio <= 1 + NEAR_FRACTION && ratio >= 1 / (1 + NEAR_FRACTION);
}

/**
 * One result from several runs of a suite. Numeric targets (same index in
 * every run) are judged on the median of the runs and report it with the
 * range; tables, summaries and other targets come from the median run of the
 * first numeric target nearest its threshold, and a note says so.
 */
export function combineRuns(runs: readonly SuiteResult[]): SuiteResult {
  if (runs.length === 0) throw new RangeError('Expected at least one run');
  if (runs.length === 1) return runs[0]!;
  const first = runs[0]!;
  const numericIndexes = first.targets.flatMap((t, i) => (t.numeric !== undefined && runs.every((run) => run.targets[i]?.numeric !== undefined) ? [i] : []));
  // The target the representative run is chosen by: the one that came nearest its threshold.
  const closeness = (i: number): number => Math.min(...runs.map((run) => Math.abs(Math.log(run.targets[i]!.numeric!.value / run.targets[i]!.numeric!.threshold))));
  const key = [...numericIndexes].sort((a, b) => closeness(a) - closeness(b))[0];
  let representative = 0;
  if (key !== undefined) {
    const values = runs.map((run) => run.targets[key]!.numeric!.value);
    const mid = median(values);
    representative = values.reduce((best, v, i) => (Math.abs(v - mid) < Math.abs(values[best]! - mid) ? i : best), 0);
  }
  const base = runs[representative]!;
  const targets = base.targets.map((t, i): TargetResult => {
    if (!numericIndexes.includes(i)) return t;
    const values = runs.map((run) => run.targets[i]!.numeric!.value);
    const numeric = { ...t.numeric!, value: median(values) };
    const f = numeric.format;
    const suffix = numeric.suffix === undefined || numeric.suffix === '' ? '' : ` ${numeric.suffix}`;
    return {
      description: t.description,
      measured: `${f(numeric.value)}${suffix}: median of ${runs.length} runs, range ${f(Math.min(...values))}–${f(Math.max(...values))}`,
      met: meets(numeric, numeric.value),
      numeric,
    };
  });
  const runNote =
    key === undefined
      ? `Run ${runs.length} times; the tables are from the first run.`
      : `Run ${runs.length} times; numeric targets are judged on the median of the runs ` +
        `(${runs.map((run, i) => `run ${i + 1}: ${run.targets[key]!.numeric!.format(run.targets[key]!.numeric!.value)}`).join(', ')} for “${base.targets[key]!.description}”); ` +
        `the tables are from run ${representative + 1}, the one nearest the median.`;
  return { ...base, targets, notes: [...(base.notes ?? []), runNote] };
}
