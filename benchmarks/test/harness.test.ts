import { describe, expect, it } from 'vitest';
import { formatRatio } from '../lib/format.js';
import { assertRegistrationOrder, checkTable, measureTable, ratioTarget, type SuiteResult, target, type TargetResult, type TaskSpec } from '../lib/harness.js';
import { combineRuns, nearThreshold } from '../lib/repeat.js';
import { renderTable } from '../lib/report.js';
import { selectSuites } from '../lib/select.js';
import { SUITES } from '../suites.js';

const task = (name: string, role: TaskSpec['role'], extra: Partial<TaskSpec> = {}): TaskSpec => ({
  name,
  role,
  fn: () => {},
  check: () => {},
  ...extra,
});

describe('harness', () => {
  it('assertRegistrationOrder() — floor, ours, alternatives, peers is accepted', () => {
    expect(() => assertRegistrationOrder('t', [task('f', 'floor'), task('o', 'ours'), task('a', 'alt'), task('p', 'peer')])).not.toThrow();
  });

  it('assertRegistrationOrder() — a peer before ours → Error naming both', () => {
    expect(() => assertRegistrationOrder('t', [task('p', 'peer'), task('o', 'ours')])).toThrow(
      'Table "t": register the floor, then ours, then the peers; "o" (ours) comes after "p" (peer)',
    );
  });

  it('assertRegistrationOrder() — no ours, or two → Error', () => {
    expect(() => assertRegistrationOrder('t', [task('f', 'floor')])).toThrow('Table "t": expected exactly one `ours` task, got 0');
    expect(() => assertRegistrationOrder('t', [task('a', 'ours'), task('b', 'ours')])).toThrow('Table "t": expected exactly one `ours` task, got 2');
  });

  it('checkTable() — a failing check names the task', () => {
    const failing = task('wrong', 'peer', {
      check: () => {
        throw new Error('bytes differ');
      },
    });
    expect(() => checkTable({ title: 't', tasks: [task('o', 'ours'), failing] })).toThrow('Check failed for "wrong" in "t": bytes differ');
  });

  it('measureTable() — a failing check stops the table before any task is timed', async () => {
    let calls = 0;
    const timed = task('o', 'ours', { fn: () => void calls++ });
    const failing = task('wrong', 'peer', {
      check: () => {
        throw new Error('no');
      },
    });
    await expect(measureTable({ title: 't', tasks: [timed, failing] }, { smoke: true })).rejects.toThrow('Check failed for "wrong" in "t": no');
    expect(calls).toBe(0);
  });

  it('measureTable() — ratio is the task median ÷ ours median; extra cells and ops are reported', async () => {
    const spin = (n: number): void => {
      const end = performance.now() + n / 1000;
      while (performance.now() < end);
    };
    const table = await measureTable(
      {
        title: 't',
        columns: ['note'],
        tasks: [
          task('ours', 'ours', { fn: () => spin(50), extra: () => ({ note: 'x' }) }),
          task('slow', 'peer', { fn: (ops) => { for (let i = 0; i < ops; i++) spin(200); }, ops: 2 }),
        ],
      },
      { smoke: true },
    );
    const [ours, slow] = table.rows;
    expect(ours!.ratio).toBe(1);
    expect(ours!.extra).toEqual({ note: 'x' });
    expect(slow!.ops).toBe(2);
    expect(slow!.ratio).toBeGreaterThan(2);
    expect(slow!.ratio).toBeCloseTo(slow!.medianNs / ours!.medianNs, 10);
    expect(renderTable(table).split('\n')[4]).toContain('slow'); // slowest first
  });

  it('selectSuites() — by name or package prefix; unknown names → TypeError', () => {
    expect(selectSuites(SUITES, []).length).toBe(SUITES.length);
    expect(selectSuites(SUITES, ['codec/list']).map((s) => s.name)).toEqual(['codec/list']);
    expect(selectSuites(SUITES, ['codec']).every((s) => s.name.startsWith('codec/'))).toBe(true);
    expect(() => selectSuites(SUITES, ['nope'])).toThrow(TypeError);
  });

  it('SUITES — unique names of the form <package>/<operation>', () => {
    const names = SUITES.map((s) => s.name);
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(name).toMatch(/^[a-z0-9-]+\/[a-z0-9-]+$/); // e2e/list
  });
});

describe('measureTable() with rounds', () => {
  it('pools every round\'s samples per task; the ratio is still median ÷ ours', async () => {
    const spin = (us: number): void => {
      const end = performance.now() + us / 1000;
      while (performance.now() < end);
    };
    const table = await measureTable(
      {
        title: 't',
        rounds: 4,
        tasks: [task('ours', 'ours', { fn: () => spin(50) }), task('slow', 'peer', { fn: () => spin(200), minSamples: 8 })],
      },
      { smoke: true },
    );
    const [ours, slow] = table.rows;
    expect(ours!.samples).toBeGreaterThanOrEqual(4); // at least one a round
    expect(slow!.ratio).toBeGreaterThan(2);
    expect(slow!.ratio).toBeCloseTo(slow!.medianNs / ours!.medianNs, 10);
  });

  it('rounds that are not a positive integer → RangeError', async () => {
    await expect(measureTable({ title: 't', rounds: 0, tasks: [task('o', 'ours')] }, { smoke: true })).rejects.toThrow(RangeError);
  });
});

describe('ratioTarget() and repeated runs', () => {
  const run = (value: number, extra: readonly TargetResult[] = []): SuiteResult => ({
    tables: [],
    targets: [ratioTarget('≥ 50× faster', value, { atLeast: 50 }, formatRatio), ...extra],
    notes: [`value ${value}`],
  });

  it('ratioTarget() — judged against the bound, in either direction', () => {
    expect(ratioTarget('x', 50, { atLeast: 50 }, formatRatio).met).toBe(true);
    expect(ratioTarget('x', 49.9, { atLeast: 50 }, formatRatio).met).toBe(false);
    expect(ratioTarget('x', 1.5, { atMost: 1.5 }, formatRatio).met).toBe(true);
    expect(ratioTarget('x', 1.6, { atMost: 1.5 }, formatRatio, 'of one list').measured).toBe('1.60× of one list');
  });

  it('nearThreshold() — within 25 % either side, ratio-wise', () => {
    expect(nearThreshold(46.8, 50)).toBe(true);
    expect(nearThreshold(62, 50)).toBe(true);
    expect(nearThreshold(63, 50)).toBe(false);
    expect(nearThreshold(40.1, 50)).toBe(true);
    expect(nearThreshold(39.9, 50)).toBe(false);
    expect(nearThreshold(Number.NaN, 50)).toBe(false);
  });

  it('combineRuns() — one run is returned as is', () => {
    const only = run(60);
    expect(combineRuns([only])).toBe(only);
  });

  it('combineRuns() — judged on the median, with the range; tables and notes from the median run', () => {
    const combined = combineRuns([run(46.8), run(55), run(52)]);
    const [t] = combined.targets;
    expect(t!.met).toBe(true);
    expect(t!.numeric!.value).toBe(52);
    expect(t!.measured).toBe('52.0×: median of 3 runs, range 46.8×–55.0×');
    expect(combined.notes![0]).toBe('value 52');
    expect(combined.notes!.at(-1)).toContain('run 1: 46.8×, run 2: 55.0×, run 3: 52.0×');
  });

  it('combineRuns() — a median below the bound is a miss even when one run met it', () => {
    const combined = combineRuns([run(51), run(47), run(48)]);
    expect(combined.targets[0]!.met).toBe(false);
  });

  it('combineRuns() — targets that are not numeric come from the median run', () => {
    const reported = (text: string): TargetResult => target('reported', text, true);
    const combined = combineRuns([run(40, [reported('a')]), run(60, [reported('b')]), run(50, [reported('c')])]);
    expect(combined.targets[1]!.measured).toBe('c');
  });
});
