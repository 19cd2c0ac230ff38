#!/usr/bin/env node
// The one test command: typecheck and build every project (tsc -b), make sure
// the tools tests need are there (kubectl, etcd), run every test with vitest, and end
// with a plain "N passed, N failed" line that CI reads.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ensureEtcd } from './ensure-etcd.mjs';
import { ensureKubectl } from './ensure-kubectl.mjs';

const root = new URL('..', import.meta.url).pathname;
const bin = (name) => join(root, 'node_modules', '.bin', name);
const results = join(root, '.vitest-results.json');

const build = spawnSync(bin('tsc'), ['-b'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) {
  console.log('build: 0 passed, 1 failed');
  process.exit(build.status ?? 1);
}

ensureKubectl();
ensureEtcd();

rmSync(results, { force: true });
const run = spawnSync(
  bin('vitest'),
  ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${results}`, ...process.argv.slice(2)],
  { cwd: root, stdio: 'inherit' },
);

let passed = 0;
let failed = 0;
if (existsSync(results)) {
  const report = JSON.parse(readFileSync(results, 'utf8'));
  passed = report.numPassedTests ?? 0;
  failed = report.numFailedTests ?? 0;
  // A file that fails to load has no test results: count it as a failure.
  if (failed === 0) failed = report.numFailedTestSuites ?? 0;
}
if (run.status !== 0 && failed === 0) failed = 1;
console.log(`${passed} passed, ${failed} failed`);
process.exit(run.status === 0 && failed === 0 && passed > 0 ? 0 : 1);
