/**
 * Every registered suite: its correctness check passes, and a smoke run
 * (tiny sizes, a few samples) completes with finite numbers. Full runs are
 * `npm run bench`, never part of the tests.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { BENCHMARKS_ROOT, REPO_ROOT } from '../lib/environment.js';
import { renderSuite } from '../lib/report.js';
import { SUITES } from '../suites.js';

beforeAll(() => {
  // The list suite runs its RSS children from dist: build it when missing or older than its sources.
  const compiled = join(BENCHMARKS_ROOT, 'dist', 'codec', 'list-rss.js');
  const source = join(BENCHMARKS_ROOT, 'codec', 'list-rss.ts');
  if (existsSync(compiled) && statSync(compiled).mtimeMs >= statSync(source).mtimeMs) return;
  const tsc = join(REPO_ROOT, 'node_modules', '.bin', 'tsc');
  const build = spawnSync(tsc, ['-b', 'benchmarks'], { cwd: REPO_ROOT, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`tsc -b benchmarks failed:\n${build.stdout}${build.stderr}`);
});

describe.each(SUITES.map((suite) => [suite.name, suite] as const))('%s', (name, suite) => {
  // A suite that needs what this machine lacks (etcd) is skipped, saying why.
  const unavailable = suite.unavailable?.();
  if (unavailable !== undefined) console.warn(`${name} skipped: ${unavailable}`);

  it.skipIf(unavailable !== undefined)('.check() — every implementation gives the right answer', async () => {
    await expect(suite.check()).resolves.toBeUndefined();
  });

  it.skipIf(unavailable !== undefined)('.run({ smoke: true }) — every task completes with finite numbers and renders', async () => {
    const result = await suite.run({ smoke: true });
    expect(result.tables.length).toBeGreaterThan(0);
    for (const table of result.tables) {
      expect(table.rows.filter((r) => r.role === 'ours')).toHaveLength(1);
      for (const r of table.rows) {
        expect(Number.isFinite(r.medianNs), `${table.title} / ${r.name} median`).toBe(true);
        expect(Number.isFinite(r.ratio), `${table.title} / ${r.name} ratio`).toBe(true);
        expect(r.samples).toBeGreaterThanOrEqual(1);
      }
    }
    for (const t of result.targets) expect(t.measured).not.toBe('');
    expect(renderSuite({ suite, result })).toContain(`## ${suite.name}`);
  });
});
