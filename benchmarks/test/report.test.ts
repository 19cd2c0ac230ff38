import { describe, expect, it } from 'vitest';
import { environment } from '../lib/environment.js';
import { FULL_METHOD, type Suite } from '../lib/harness.js';
import { parseStoredSections, renderDocument, renderStoredSection } from '../lib/report.js';

const suite = (name: string): Suite => ({
  name,
  title: `title of ${name}`,
  measures: 'what it measures',
  check: async () => {},
  run: async () => ({ tables: [], targets: [] }),
});

describe('report', () => {
  it('renderDocument() — fresh sections replace stored ones, others are kept, unknown ones get a placeholder', () => {
    const env = environment();
    const old = renderStoredSection({ suite: suite('a/old'), result: { tables: [], targets: [{ description: 'd', measured: '1×', met: false }] } }, env);
    const stale = renderStoredSection({ suite: suite('a/fresh'), result: { tables: [], targets: [] } }, env).replace('what it measures', 'STALE');
    const previous = parseStoredSections(renderDocument(env, FULL_METHOD, ['a/old', 'a/fresh'], new Map([['a/old', old], ['a/fresh', stale]]), new Map()));
    expect([...previous.keys()]).toEqual(['a/old', 'a/fresh']);

    const fresh = new Map([['a/fresh', renderStoredSection({ suite: suite('a/fresh'), result: { tables: [], targets: [] } }, env)]]);
    const document = renderDocument(env, FULL_METHOD, ['a/old', 'a/fresh', 'a/new'], fresh, previous);
    expect(document).toContain('❌ NOT met: d (measured 1×)');
    expect(document).not.toContain('STALE');
    expect(document).toContain('Not measured yet: run `node benchmarks/dist/run.js a/new`');
    expect([...parseStoredSections(document).keys()]).toEqual(['a/old', 'a/fresh', 'a/new']);
    expect(document).toMatch(/^# Benchmarks\n/);
    expect(document).toContain(`Node ${process.version}`);
  });
});
