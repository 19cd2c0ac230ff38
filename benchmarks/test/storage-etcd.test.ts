/**
 * The storage-etcd suites' correctness gates (their checks and smoke runs are
 * in suites.test.ts with every suite's), on a real throwaway etcd member:
 * - list: the watch cache's answers (resourceVersion="0" and consistent, both
 *   served from the cache) hold exactly etcd's own LIST — every key and
 *   resourceVersion, in order, at the same revision — and the gate fails on a
 *   list that differs;
 * - write: through the host on etcd and on memory, every create and patch is
 *   acknowledged and the host's LIST then holds exactly what was written —
 *   each pod at the resourceVersion its last write returned, annotated — and
 *   the gate fails on a missing pod, a stale resourceVersion or a lost patch.
 * Skipped, saying why, only where etcd is missing and cannot be installed.
 */
import type { KubeObject } from '@apiserver-kit/codec';
import { describe, expect, it } from 'vitest';
import { etcdUnavailable, keysAndVersions } from '../storage-etcd/etcd-fixture.js';
import { assertSameList, startListFixture, stopListFixture, verifyListFixture } from '../storage-etcd/list.bench.js';
import { measureWrites } from '../storage-etcd/write.bench.js';
import { SEQ_ANNOTATION, verifyWrites, type Written } from '../storage-etcd/write-load.js';

const unavailable = etcdUnavailable();
if (unavailable !== undefined) console.warn(`storage-etcd benchmark tests skipped: ${unavailable}`);

function pod(name: string, rv: string, seq?: string): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { namespace: 'default', name, resourceVersion: rv, ...(seq === undefined ? {} : { annotations: { [SEQ_ANNOTATION]: seq } }) } };
}

describe.skipIf(unavailable !== undefined)('storage-etcd/list correctness', () => {
  it('the Cacher over EtcdStorage lists exactly etcd\'s pods (keys and resourceVersions, in order, at etcd\'s revision), from the cache', async () => {
    const f = await startListFixture(60);
    try {
      await verifyListFixture(f);
      const direct = await f.storage.list('/pods/');
      const cached = await f.cacher.list({ resourceVersion: '0' });
      expect(cached.servedFrom).toBe('cache');
      expect(keysAndVersions(cached.items.map((item) => item.getObject()))).toEqual(keysAndVersions(direct.items));
      expect(cached.resourceVersion).toBe(String(direct.revision));
      // Every pod at its own revision: 60 creates, 60 distinct mod revisions.
      expect(new Set(direct.items.map((o) => o.metadata?.resourceVersion)).size).toBe(60);
    } finally {
      await stopListFixture(f);
    }
  }, 60_000);

  it('assertSameList() fails on a missing object, another resourceVersion, or another revision', () => {
    const want = { items: [pod('a', '5'), pod('b', '6')], revision: '6' };
    expect(() => assertSameList({ items: [pod('a', '5'), pod('b', '6')], revision: '6' }, want, 'cache')).not.toThrow();
    expect(() => assertSameList({ items: [pod('a', '5')], revision: '6' }, want, 'cache')).toThrow(/^cache: 1 objects, etcd 2$/);
    expect(() => assertSameList({ items: [pod('a', '5'), pod('b', '7')], revision: '6' }, want, 'cache')).toThrow(/object 1 is default\/b@7, etcd's is default\/b@6/);
    expect(() => assertSameList({ items: [pod('a', '5'), pod('b', '6')], revision: '7' }, want, 'cache')).toThrow(/at revision 7, etcd's list at 6/);
  });
});

describe.skipIf(unavailable !== undefined)('storage-etcd/write correctness', () => {
  it('creates and patches through the host on etcd and on memory all land: the LIST holds each pod at its last write\'s resourceVersion, patched', async () => {
    const m = await measureWrites({ clients: 3, pods: 12, warmup: 3, rounds: 1 });
    expect(m.rounds.map((r) => r.backend).sort()).toEqual(['etcd', 'memory']);
    for (const r of m.rounds) {
      expect(r.listed).toBe(15);
      expect(r.phases.create.ops).toBe(12);
      expect(r.phases.patch.latenciesMs).toHaveLength(12);
      expect(r.phases.patch.wallMs).toBeGreaterThan(0);
    }
    expect(m.disk.fdatasyncMs).toBeGreaterThan(0);
  }, 120_000);

  it('verifyWrites() fails on a missing pod, a stale resourceVersion, a lost patch, or a pod nobody wrote', () => {
    const written: Written = new Map([
      ['a', '10'],
      ['b', '11'],
    ]);
    expect(() => verifyWrites([pod('a', '10', '1'), pod('b', '11', '1')], written, 1, 'etcd')).not.toThrow();
    expect(() => verifyWrites([pod('a', '10', '1')], written, 1, 'etcd')).toThrow(/^etcd: the host lists 1 pods, 2 were written$/);
    expect(() => verifyWrites([pod('a', '9', '1'), pod('b', '11', '1')], written, 1, 'etcd')).toThrow(/pod a at resourceVersion 9, its last write returned 10/);
    expect(() => verifyWrites([pod('a', '10'), pod('b', '11', '1')], written, 1, 'etcd')).toThrow(/pod a has .*seq=undefined, expected 1/);
    expect(() => verifyWrites([pod('a', '10', '1'), pod('c', '11', '1')], written, 1, 'etcd')).toThrow(/lists pod c, which no client wrote/);
  });
});
