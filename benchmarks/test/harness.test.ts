import { describe, expect, it } from 'vitest';
import { assertRegistrationOrder, checkTable, measureTable, type TaskSpec } from '../lib/harness.js';
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
    for (const name of names) expect(name).toMatch(/^[a-z-]+\/[a-z-]+$/);
  });
});
