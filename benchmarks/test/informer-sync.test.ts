/**
 * The informer-sync suite's correctness gate (its check and smoke run are in
 * suites.test.ts with every suite's): both informers, each in a fresh child
 * process, end synced with exactly the host's pods — the same keys and
 * resourceVersions — and their listers return exactly one namespace's pods;
 * and the gate does fail on a cache that differs.
 */
import { describe, expect, it } from 'vitest';
import { measureSync, verifyReport } from '../informer/sync.bench.js';
import type { ClientReport } from '../informer/sync-protocol.js';

describe('informer/sync correctness', () => {
  it('ours (WatchList, and list + watch) and client-node end with the same pods (keys and resourceVersions) as the host, and list the same namespace', async () => {
    const m = await measureSync({ pods: 600, namespaces: 3, runs: 1 }, true);
    const [ours] = m.reports.ours;
    const [listed] = m.reports['ours-list'];
    const [peer] = m.reports['client-node'];
    expect(listed!.pods).toEqual(ours!.pods);
    expect(listed!.namespacePods).toEqual(ours!.namespacePods);
    expect(m.host.pods.count).toBe(600);
    expect(m.host.namespacePods.count).toBe(200);
    expect(ours!.pods).toEqual(m.host.pods);
    expect(peer!.pods).toEqual(ours!.pods);
    expect(ours!.namespacePods).toEqual(m.host.namespacePods);
    expect(peer!.namespacePods).toEqual(ours!.namespacePods);
    expect(ours!.heapAfter).toBeGreaterThan(0);
    expect(peer!.listerMedianNs).toBeGreaterThan(0);
  }, 120_000);

  it('verifyReport() fails a cache missing a pod, or a lister returning another namespace', () => {
    const host = { type: 'ready', url: 'http://127.0.0.1:1', seedMs: 1, pods: { count: 3, sha256: 'a' }, namespace: 'ns', namespacePods: { count: 1, sha256: 'b' } } as const;
    const good: ClientReport = {
      type: 'report',
      kind: 'ours',
      syncMs: 1,
      heapBefore: 1,
      heapAfter: 2,
      rssAfter: 3,
      listerMedianNs: 1,
      listerRmePct: 1,
      listerSamples: 1,
      pods: { count: 3, sha256: 'a' },
      namespacePods: { count: 1, sha256: 'b' },
    };
    expect(() => verifyReport(good, host)).not.toThrow();
    expect(() => verifyReport({ ...good, pods: { count: 2, sha256: 'c' } }, host)).toThrow(/^ours: the synced cache holds 2 pods/);
    expect(() => verifyReport({ ...good, kind: 'client-node', namespacePods: { count: 1, sha256: 'd' } }, host)).toThrow(/^client-node: list\(ns\) returned 1 pods/);
  });
});
