import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { simulateRelistStorm } from '../src/internal/relist-storm.js';
import { relistStormTable } from '../src/internal/relist-storm-report.js';
import { renderRelistStormSvg } from '../src/internal/relist-storm-svg.js';

// Full size (5 000 clients) on a fake clock: well under a second. The congestion
// bucket's capacity is absolute (1 024 rejections/s), so a scaled-down storm would
// never drain it — the test runs the real thing.
const fixed = simulateRelistStorm({ policy: 'fixed' });
const dynamic = simulateRelistStorm({ policy: 'dynamic' });
const jittered = simulateRelistStorm({ policy: 'dynamic-jitter' });

describe('relist storm simulation', () => {
  it('the dynamic Retry-After recovers sooner, with fewer rejections, and keeps the control plane served', () => {
    expect(dynamic.recoverySeconds).toBeLessThan(fixed.recoverySeconds);
    expect(dynamic.rejected * 4).toBeLessThan(fixed.rejected);
    expect(dynamic.capacityShare.rejections).toBeLessThan(fixed.capacityShare.rejections);
    expect(dynamic.controlPlaneServedRatio).toBeGreaterThanOrEqual(fixed.controlPlaneServedRatio);
    expect(dynamic.controlPlaneServedRatio).toBe(1);
  });

  it('is deterministic, and every client is served exactly once', () => {
    const again = simulateRelistStorm({ policy: 'dynamic' });
    expect(again.rejected).toBe(dynamic.rejected);
    expect(again.recoverySeconds).toBe(dynamic.recoverySeconds);
    for (const run of [fixed, dynamic, jittered]) expect(run.perSecond.admitted.reduce((a, b) => a + b, 0)).toBe(5000);
  });

  it('jitter on the dynamic policy fills its idle seconds: sooner recovery, fewer rejections than without', () => {
    expect(dynamic.longestSecondsWithoutAdmission).toBeGreaterThanOrEqual(3);
    expect(jittered.longestSecondsWithoutAdmission).toBeLessThanOrEqual(1);
    expect(jittered.recoverySeconds).toBeLessThan(dynamic.recoverySeconds);
    expect(jittered.rejected).toBeLessThan(dynamic.rejected);
    expect(jittered.controlPlaneServedRatio).toBe(1);
  });

  it('the ranking depends on the cost of a 429: at 2 % the fixed policy recovers before the unjittered dynamic one', () => {
    const cheap = (policy: 'fixed' | 'dynamic' | 'dynamic-jitter') => simulateRelistStorm({ policy, rejectionCost: 0.02 });
    const [f, d, j] = [cheap('fixed'), cheap('dynamic'), cheap('dynamic-jitter')];
    expect(f.recoverySeconds).toBeLessThan(d.recoverySeconds);
    expect(j.recoverySeconds).toBeLessThan(f.recoverySeconds);
    expect(d.rejected * 4).toBeLessThan(f.rejected);
  });

  it('a higher cost per 429 collapses the fixed policy (no 200 at all) while the dynamic one recovers', () => {
    const collapse = simulateRelistStorm({ policy: 'fixed', rejectionCost: 0.05, maxSeconds: 60 });
    const recovers = simulateRelistStorm({ policy: 'dynamic', rejectionCost: 0.05, maxSeconds: 60 });
    const jitterRecovers = simulateRelistStorm({ policy: 'dynamic-jitter', rejectionCost: 0.05, maxSeconds: 60 });
    expect(collapse.recoverySeconds).toBe(Number.POSITIVE_INFINITY);
    expect(collapse.longestSecondsWithoutAdmission).toBeGreaterThan(50);
    expect(recovers.recoverySeconds).toBeLessThan(60);
    expect(jitterRecovers.recoverySeconds).toBeLessThan(recovers.recoverySeconds);
  });

  it('packages/flowcontrol/docs/flowcontrol.md and docs/flowcontrol-relist-storm.svg hold the numbers of this run (regenerate: scripts/relist-storm.mjs)', () => {
    const docs = new URL('../docs/', import.meta.url);
    const guide = readFileSync(new URL('flowcontrol.md', docs), 'utf8');
    expect(guide).toContain(relistStormTable([fixed, dynamic, jittered]));
    const svg = readFileSync(new URL('flowcontrol-relist-storm.svg', docs), 'utf8');
    expect(svg).toBe(renderRelistStormSvg([fixed, dynamic, jittered], 'Relist storm: 5 000 clients re-list after a restart, server capacity 200 requests/s'));
  });
});
