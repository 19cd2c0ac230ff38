/**
 * Runs the benchmark suites and rewrites docs/benchmarks.md.
 *
 *   node benchmarks/dist/run.js                  every suite; rewrites docs/benchmarks.md
 *   node benchmarks/dist/run.js codec/list       the named suites (or a prefix: `codec`); rewrites
 *                                                their sections, keeps the others'
 *   node benchmarks/dist/run.js --smoke          tiny sizes and budgets; prints only
 *   node benchmarks/dist/run.js --no-write       prints only
 *
 * Every suite's correctness check runs before it is timed. A suite that
 * fails (check or run) is reported, keeps its previous section, and makes the
 * exit code 1; the other suites still run.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { environment, machineLine, REPO_ROOT } from './lib/environment.js';
import { FULL_METHOD, SMOKE_METHOD } from './lib/harness.js';
import { methodLine, parseStoredSections, renderDocument, renderStoredSection, renderSuite, type SuiteReport } from './lib/report.js';
import { selectSuites } from './lib/select.js';
import { SUITES } from './suites.js';

async function main(argv: readonly string[]): Promise<void> {
  const smoke = argv.includes('--smoke');
  const noWrite = argv.includes('--no-write');
  const names = argv.filter((arg) => !arg.startsWith('--'));
  const suites = selectSuites(SUITES, names);
  const env = environment();
  const method = smoke ? SMOKE_METHOD : FULL_METHOD;
  console.log(`${machineLine(env)}\n${methodLine(method, env.packages['tinybench'] ?? 'unknown')}\n`);

  const fresh = new Map<string, string>();
  const failed: string[] = [];
  const missed: string[] = [];
  for (const suite of suites) {
    const started = performance.now();
    let report: SuiteReport;
    try {
      console.log(`▶ ${suite.name}: checking…`);
      await suite.check();
      console.log(`▶ ${suite.name}: measuring…`);
      report = { suite, result: await suite.run({ smoke }) };
    } catch (error) {
      // One broken suite must not cost the others their run; its stored section is kept.
      console.error(`✖ ${suite.name} failed:`, error);
      failed.push(suite.name);
      continue;
    }
    fresh.set(suite.name, renderStoredSection(report, env));
    for (const t of report.result.targets) if (!t.met) missed.push(`${suite.name}: ${t.description} (measured ${t.measured})`);
    console.log(`\n${renderSuite(report)}\n\n(${suite.name}: ${((performance.now() - started) / 1000).toFixed(1)} s)\n`);
  }

  if (missed.length > 0) console.log(`Targets not met:\n${missed.map((m) => `  - ${m}`).join('\n')}\n`);
  if (failed.length > 0) {
    console.log(`Suites that failed (sections not updated): ${failed.join(', ')}\n`);
    process.exitCode = 1;
  }
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

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
