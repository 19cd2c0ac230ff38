/**
 * Runs the benchmark suites and rewrites docs/benchmarks.md.
 *
 *   node benchmarks/dist/run.js                  every suite; rewrites docs/benchmarks.md
 *   node benchmarks/dist/run.js codec/list       the named suites (or a prefix: `codec`); rewrites
 *                                                their sections, keeps the others'
 *   node benchmarks/dist/run.js --smoke          tiny sizes and budgets; prints only
 *   node benchmarks/dist/run.js --no-write       prints only
 *
 *   node benchmarks/dist/run.js --runs=3         every suite at least 3 times
 *
 * Every suite's correctness check runs before it is timed. A suite whose
 * numeric target lands within 25 % of its threshold runs 3 times, and the
 * target is judged on the median (the section gives the median and the range).
 * Progress (suite k of n, elapsed) is printed as it goes, and at the end a
 * summary lists every missed target. A suite that fails (check or run) is
 * reported, keeps its previous section, and makes the exit code 1; the other
 * suites still run. A missed target makes the exit code 2 (not in --smoke),
 * after docs/benchmarks.md is written.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { environment, machineLine, REPO_ROOT } from './lib/environment.js';
import { FULL_METHOD, releaseSuite, SMOKE_METHOD, type SuiteResult, type TargetResult } from './lib/harness.js';
import { combineRuns, nearThreshold, RUNS_NEAR_TARGET } from './lib/repeat.js';
import { methodLine, parseStoredSections, renderDocument, renderStoredSection, renderSuite, type SuiteReport } from './lib/report.js';
import { selectSuites } from './lib/select.js';
import { SUITES } from './suites.js';

/** Exit code when every suite ran but a target was missed (a failed suite gives 1). */
const EXIT_MISSED_TARGET = 2;

async function main(argv: readonly string[]): Promise<void> {
  const smoke = argv.includes('--smoke');
  const noWrite = argv.includes('--no-write');
  const runsArg = argv.find((arg) => arg.startsWith('--runs='));
  const minRuns = runsArg === undefined ? 1 : Number(runsArg.slice('--runs='.length));
  if (!Number.isInteger(minRuns) || minRuns < 1) throw new TypeError(`Expected --runs=<positive integer>, got \`${String(runsArg)}\``);
  const names = argv.filter((arg) => !arg.startsWith('--'));
  const suites = selectSuites(SUITES, names);
  const env = environment();
  const method = smoke ? SMOKE_METHOD : FULL_METHOD;
  console.log(`${machineLine(env)}\n${methodLine(method, env.packages['tinybench'] ?? 'unknown')}\n`);

  const runStarted = performance.now();
  const elapsed = (): string => formatElapsed(performance.now() - runStarted);
  const fresh = new Map<string, string>();
  const failed: string[] = [];
  const skipped: string[] = [];
  const missed: { suite: string; target: TargetResult }[] = [];
  let targetCount = 0;
  for (const [k, suite] of suites.entries()) {
    const started = performance.now();
    const progress = (): string => `[suite ${k + 1} of ${suites.length}, ${elapsed()} elapsed]`;
    const runs: SuiteResult[] = [];
    let heapAfter = 0;
    const unavailable = suite.unavailable?.();
    if (unavailable !== undefined) {
      // Not a failure: the machine lacks what the suite needs; its stored section is kept.
      console.log(`⏭ ${progress()} ${suite.name} skipped: ${unavailable}`);
      skipped.push(suite.name);
      continue;
    }
    try {
      console.log(`▶ ${progress()} ${suite.name}: checking…`);
      await suite.check();
      do {
        const wanted = smoke ? 1 : runsWanted(runs, minRuns);
        console.log(`▶ ${progress()} ${suite.name}: measuring${wanted > 1 ? ` (run ${runs.length + 1} of ${wanted})` : ''}…`);
        runs.push(await suite.run({ smoke }));
        // Nothing of this run may stay alive into the next one (or the next suite).
        heapAfter = releaseSuite();
      } while (!smoke && runs.length < runsWanted(runs, minRuns));
    } catch (error) {
      // One broken suite must not cost the others their run; its stored section is kept.
      console.error(`✖ ${suite.name} failed:`, error);
      failed.push(suite.name);
      releaseSuite();
      continue;
    }
    const report: SuiteReport = { suite, result: combineRuns(runs) };
    fresh.set(suite.name, renderStoredSection(report, env));
    targetCount += report.result.targets.length;
    for (const t of report.result.targets) if (!t.met) missed.push({ suite: suite.name, target: t });
    console.log(`\n${renderSuite(smoke ? { suite, result: { ...report.result, targets: [] } } : report)}\n\n(${suite.name}: ${formatElapsed(performance.now() - started)}; ${elapsed()} elapsed; heap after it ${(heapAfter / 2 ** 20).toFixed(0)} MiB)\n`);
  }

  const ran = suites.length - failed.length - skipped.length;
  if (skipped.length > 0) console.log(`Skipped (this machine cannot run them; sections not updated): ${skipped.join(', ')}`);
  if (smoke) {
    // Smoke sizes say whether each suite runs, not how fast: a ratio at tiny sizes is not judged.
    console.log(`Summary: ${ran} of ${suites.length} suite${suites.length === 1 ? '' : 's'} ran in ${elapsed()} at smoke sizes; ${targetCount} targets not judged (run without --smoke to judge them).`);
  } else {
    console.log(`Summary: ${ran} of ${suites.length} suite${suites.length === 1 ? '' : 's'} ran in ${elapsed()}; ${targetCount - missed.length} of ${targetCount} targets met.`);
  }
  if (missed.length > 0 && !smoke) {
    console.log(`\nMISSED TARGETS (${missed.length}):\n${missed.map((m) => `  ✖ ${m.suite}: target ${m.target.description}; measured ${m.target.measured}`).join('\n')}`);
    process.exitCode = EXIT_MISSED_TARGET;
  } else if (targetCount > 0 && !smoke) {
    console.log('No target missed.');
  }
  if (failed.length > 0) {
    console.log(`\nSuites that failed (sections not updated): ${failed.join(', ')}`);
    process.exitCode = 1;
  }
  console.log('');
  if (smoke || noWrite) {
    console.log('docs/benchmarks.md not rewritten (--smoke or --no-write).');
    return;
  }
  if (fresh.size === 0) return;
  const path = join(REPO_ROOT, 'docs', 'benchmarks.md');
  const previous = existsSync(path) ? parseStoredSections(readFileSync(path, 'utf8')) : new Map<string, string>();
  writeFileSync(path, renderDocument(env, method, SUITES.map((s) => s.name), fresh, previous));
  console.log(`Wrote ${path} (${fresh.size} section${fresh.size === 1 ? '' : 's'} updated)`);
}

/** How many runs a suite needs, given the runs so far: {@link RUNS_NEAR_TARGET} once a numeric target has come near its threshold. */
function runsWanted(runs: readonly SuiteResult[], minRuns: number): number {
  const near = runs.some((run) => run.targets.some((t) => t.numeric !== undefined && nearThreshold(t.numeric.value, t.numeric.threshold)));
  return Math.max(minRuns, near ? RUNS_NEAR_TARGET : 1);
}

/** `1m05s`, `42.0 s`. */
function formatElapsed(ms: number): string {
  if (ms < 59_950) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
