/**
 * Runs the benchmark suites and rewrites docs/benchmarks.md.
 *
 *   node benchmarks/dist/run.js                  every suite; rewrites docs/benchmarks.md
 *   node benchmarks/dist/run.js codec/list       the named suites (or a prefix: `codec`); prints only
 *   node benchmarks/dist/run.js --smoke          tiny sizes and budgets; prints only
 *   node benchmarks/dist/run.js --no-write       every suite; prints only
 *
 * Every suite's correctness check runs before it is timed; a failing check
 * stops the run with exit code 1.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { environment, machineLine, REPO_ROOT } from './lib/environment.js';
import { FULL_METHOD, SMOKE_METHOD } from './lib/harness.js';
import { methodLine, renderDocument, renderSuite, type SuiteReport } from './lib/report.js';
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

  const reports: SuiteReport[] = [];
  for (const suite of suites) {
    const started = performance.now();
    console.log(`▶ ${suite.name}: checking…`);
    await suite.check();
    console.log(`▶ ${suite.name}: measuring…`);
    const result = await suite.run({ smoke });
    reports.push({ suite, result });
    console.log(`\n${renderSuite({ suite, result })}\n\n(${suite.name}: ${((performance.now() - started) / 1000).toFixed(1)} s)\n`);
  }

  const missed = reports.flatMap(({ suite, result }) => result.targets.filter((t) => !t.met).map((t) => `${suite.name}: ${t.description} (measured ${t.measured})`));
  if (missed.length > 0) console.log(`Targets not met:\n${missed.map((m) => `  - ${m}`).join('\n')}\n`);

  if (smoke || noWrite || suites.length !== SUITES.length) {
    console.log('docs/benchmarks.md not rewritten (smoke run, --no-write, or a subset of suites).');
    return;
  }
  const path = join(REPO_ROOT, 'docs', 'benchmarks.md');
  writeFileSync(path, renderDocument(env, method, reports));
  console.log(`Wrote ${path}`);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
