/**
 * The informer-sync suite's correctness gate (its check and smoke run are in
 * suites.test.ts with every suite's): every informer, each in a fresh child
 * process, ends synced with exactly the host's pods — the same keys and
 * resourceVersions — and each lister read (one namespace; `app=…` across
 * namespaces; `spec.nodeName=…` across namespaces) returns exactly the pods
 * the host holds for it, ours (indexed or not) and client-node's
 * `list().filter()` alike; and the gate does fail on a cache or a read that
 * differs.
 */
import { describe, expect, it } from 'vitest';
import { measureSync, verifyReport } from '../informer/sync.bench.js';
import { type ClientReport, type HostReady, READ_KINDS, type ReadResult } from '../informer/sync-protocol.js';

describe('informer/sync correctness', () => {
  it('ours (WatchList indexed, list + watch indexed, WatchList unindexed) and client-node end with the host\'s pods (keys and resourceVersions) and answer every read with the same pods', async () => {
    const m = await measureSync({ pods: 600, namespaces: 3, runs: 1 }, true);
    expect(m.host.pods.count).toBe(600);
    // Round-robin over 3 namespaces, the app advancing once a round over 6 apps: 200 pods a namespace, ~100 an app; 100 nodes, random: a few a node.
    expect(m.host.reads.namespace.expected.count).toBe(200);
    expect(m.host.reads.label.expected.count).toBeGreaterThanOrEqual(99);
    expect(m.host.reads.label.expected.count).toBeLessThanOrEqual(102);
    expect(m.host.reads.node.expected.count).toBeGreaterThan(0);
    expect(m.host.reads.node.expected.count).toBeLessThan(30);
    const [ours] = m.reports.ours;
    for (const kind of ['ours-list', 'ours-unindexed', 'client-node'] as const) {
      const [other] = m.reports[kind];
      expect(other!.pods).toEqual(ours!.pods);
      for (const read of READ_KINDS) expect(other!.reads[read].returned, `${kind} ${read}`).toEqual(ours!.reads[read].returned);
    }
    expect(ours!.pods).toEqual(m.host.pods);
    for (const read of READ_KINDS) {
      expect(ours!.reads[read].returned, read).toEqual(m.host.reads[read].expected);
      expect(ours!.reads[read].medianNs).toBeGreaterThan(0);
    }
    expect(ours!.heapAfter).toBeGreaterThan(0);
  }, 180_000);

  it('verifyReport() fails a cache missing a pod, or a read returning other pods', () => {
    const digest = (count: number, sha256: string): { count: number; sha256: string } => ({ count, sha256 });
    const host: HostReady = {
      type: 'ready',
      url: 'http://127.0.0.1:1',
      seedMs: 1,
      pods: digest(3, 'a'),
      reads: { namespace: { value: 'ns', expected: digest(1, 'b') }, label: { value: 'web', expected: digest(1, 'c') }, node: { value: 'node-0001', expected: digest(2, 'd') } },
    };
    const result = (returned: { count: number; sha256: string }): ReadResult => ({ medianNs: 1, rmePct: 1, samples: 1, returned });
    const good: ClientReport = {
      type: 'report',
      kind: 'ours',
      syncMs: 1,
      heapBefore: 1,
      heapAfter: 2,
      rssAfter: 3,
      reads: { namespace: result(digest(1, 'b')), label: result(digest(1, 'c')), node: result(digest(2, 'd')) },
      pods: digest(3, 'a'),
    };
    expect(() => verifyReport(good, host)).not.toThrow();
    expect(() => verifyReport({ ...good, pods: digest(2, 'c') }, host)).toThrow(/^ours: the synced cache holds 2 pods/);
    expect(() => verifyReport({ ...good, kind: 'client-node', reads: { ...good.reads, namespace: result(digest(1, 'x')) } }, host)).toThrow(/^client-node: list\(ns\) returned 1 pods/);
    expect(() => verifyReport({ ...good, reads: { ...good.reads, label: result(digest(1, 'x')) } }, host)).toThrow(/^ours: app=web returned 1 pods/);
    expect(() => verifyReport({ ...good, kind: 'ours-unindexed', reads: { ...good.reads, node: result(digest(3, 'd')) } }, host)).toThrow(/^ours-unindexed: spec\.nodeName=node-0001 returned 3 pods/);
  });
});
