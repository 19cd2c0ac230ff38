/**
 * Two reference hosts on one etcd, through its faults:
 *
 * - etcd stopped and restarted mid-watch: the hosts keep serving what their
 *   caches hold (LIST and GET at resourceVersion=0), writes fail at once
 *   with a ServiceUnavailable 503 Status (Retry-After), `/readyz` says
 *   `[-]etcd`, and once etcd is back every watcher gets every later write,
 *   exactly once: each host's etcd watch resumes from the last revision it
 *   saw (as the Go client's watchGRPCStream resumes a broken stream).
 * - a compaction while one host is cut off its etcd: its etcd watch cannot
 *   resume (ErrCompacted), its Reflector relists (reflector.go
 *   `watchHandler` → `isExpiredError` → relist), its watch cache replaces
 *   its state and ends its watchers with 410 Expired (cacher.go
 *   `terminateAllWatchers` on Replace); an HTTP watcher re-watching from its
 *   old revision gets 410 and recovers by relisting, as our Informer
 *   (`@apiserver-kit/controller`) does by itself. The host that was not cut
 *   off never relists, and its watchers see every write.
 *
 * Waiting for etcd to come back is waiting for an event (a write that
 * succeeds), never for a time.
 */
import type { Cacher } from '@apiserver-kit/cache';
import { isStatusError } from '@apiserver-kit/codec';
import { connect, Informer, PODS } from '@apiserver-kit/controller';
import { type EtcdProcess, startEtcd } from '@apiserver-kit/storage-etcd/testing';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CORE_V1_RESOURCES } from '../src/resources.js';
import { collectWatch, EtcdProxy, type EtcdHost, startEtcdHost, summary, writeWhenBack } from './etcd-helpers.js';
import { call, eventually, openWatch, pod } from './server-helpers.js';

let etcd: EtcdProcess;

beforeAll(async () => {
  etcd = await startEtcd({ members: 1 });
}, 60_000);

afterAll(async () => {
  await etcd?.stop();
});

const podsInfo = CORE_V1_RESOURCES.find((info) => info.resource === 'pods')!;
const podsCacher = (host: EtcdHost): Cacher => host.server.cachers.get(podsInfo)!;
const pods = (namespace: string, name?: string): string => `/api/v1/namespaces/${namespace}/pods${name === undefined ? '' : `/${name}`}`;

async function createNamespace(host: EtcdHost, name: string): Promise<void> {
  const answer = await call(host.server.url, 'POST', '/api/v1/namespaces', { body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name } } });
  expect(answer.status, answer.text).toBe(201);
}

/** Creates a pod through `host`; the watch event it must cause. */
async function create(host: EtcdHost, namespace: string, name: string): Promise<string> {
  const answer = await call(host.server.url, 'POST', pods(namespace), { body: pod(name, namespace) });
  expect(answer.status, answer.text).toBe(201);
  return `ADDED ${name} ${answer.body.metadata.resourceVersion}`;
}

async function readyz(host: EtcdHost): Promise<{ status: number; text: string }> {
  await host.probe.refresh();
  return call(host.server.url, 'GET', '/readyz?verbose');
}

describe('etcd stopped and restarted mid-watch', () => {
  it('cached reads go on, writes fail with a 503 Status, /readyz fails; once etcd is back the watchers miss nothing and see nothing twice', { timeout: 90_000 }, async () => {
    const hosts = [await startEtcdHost(etcd.endpoints), await startEtcdHost(etcd.endpoints)];
    const [a, b] = hosts as [EtcdHost, EtcdHost];
    try {
      await createNamespace(a, 'restart');
      const from = (await call(a.server.url, 'GET', pods('restart'))).body.metadata.resourceVersion as string;
      const watchers = await Promise.all(hosts.map((host) => collectWatch(host.server.url, `${pods('restart')}?watch=1&resourceVersion=${from}`)));
      const expected = [await create(a, 'restart', 'before')];
      for (const watcher of watchers) await watcher.waitFor(1, 'the first write');

      await etcd.stopMember(0);

      for (const host of hosts) {
        // Reads the cache can answer: LIST and GET at resourceVersion=0 ("any").
        const list = await call(host.server.url, 'GET', `${pods('restart')}?resourceVersion=0`);
        expect(list.status, list.text).toBe(200);
        expect(list.body.items.map((item: Pod) => item.metadata?.name)).toEqual(['before']);
        const got = await call(host.server.url, 'GET', `${pods('restart', 'before')}?resourceVersion=0`);
        expect(got.status, got.text).toBe(200);
        // A new watch from the cache: its initial events need no etcd.
        const watch = await openWatch(host.server.url, `${pods('restart')}?watch=1&resourceVersion=0`);
        expect(watch.response.statusCode).toBe(200);
        expect(summary((await watch.next())!)).toBe(expected[0]);
        watch.close();
        // Writes: a clear 503 Status, at once, with Retry-After.
        for (const [method, path, body] of [
          ['POST', pods('restart'), pod('during', 'restart')],
          ['PATCH', pods('restart', 'before'), { metadata: { labels: { x: 'y' } } }],
          ['DELETE', pods('restart', 'before'), undefined],
        ] as const) {
          const answer = await call(host.server.url, method, path, { ...(body === undefined ? {} : { body }), headers: method === 'PATCH' ? { 'Content-Type': 'application/merge-patch+json' } : {} });
          expect(answer.status, `${method} ${answer.text}`).toBe(503);
          expect(answer.body).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'ServiceUnavailable', code: 503 });
          expect(answer.body.message).toMatch(/^etcd is unavailable \(http:\/\/127\.0\.0\.1:\d+\): /);
          expect(answer.headers.get('retry-after')).toBe('1');
        }
        // A consistent read needs etcd's current revision: 503 too, not a hang.
        const consistent = await call(host.server.url, 'GET', pods('restart'));
        expect(consistent.status, consistent.text).toBe(503);
        const ready = await readyz(host);
        expect(ready.status).toBe(500);
        expect(ready.text).toContain('[-]etcd failed: reason withheld');
        expect(ready.text).toContain('[+]informer-sync ok');
      }

      await etcd.startMember(0);

      // etcd is back when a write succeeds (the client's circuit breaker may hold calls for a few seconds more).
      const afterA = await writeWhenBack(a.server.url, 'POST', pods('restart'), pod('after-a', 'restart'));
      expect(afterA.status, afterA.text).toBe(201);
      expected.push(`ADDED after-a ${afterA.body.metadata.resourceVersion}`);
      const afterB = await writeWhenBack(b.server.url, 'POST', pods('restart'), pod('after-b', 'restart'));
      expect(afterB.status, afterB.text).toBe(201);
      expected.push(`ADDED after-b ${afterB.body.metadata.resourceVersion}`);
      // A last write as a sentinel: anything repeated or missed before it shows in the list.
      expected.push(await create(b, 'restart', 'last'));
      for (const watcher of watchers) {
        await watcher.waitFor(expected.length, 'the writes after the restart');
        expect(watcher.events).toEqual(expected);
        expect(watcher.ended()).toBe(false);
        watcher.close();
      }
      for (const host of hosts) {
        const ready = await readyz(host);
        expect(ready.status, ready.text).toBe(200);
        expect(ready.text).toContain('[+]etcd ok');
        // The host's Reflector resumed its etcd watch; it never relisted.
        expect(podsCacher(host).reflector?.stats.lists).toBe(1);
      }
    } finally {
      await Promise.all(hosts.map((host) => host.close()));
    }
  });
});

describe('compaction mid-watch', () => {
  it('the host that fell behind relists; its watchers get 410 Expired and recover by relisting (an Informer by itself); the other host misses nothing', { timeout: 90_000 }, async () => {
    const proxy = await EtcdProxy.start(etcd.endpoints[0]!);
    const a = await startEtcdHost(etcd.endpoints);
    // b reaches etcd through the proxy: cutting it leaves b behind while etcd and a go on.
    const b = await startEtcdHost(proxy.url);
    const api = connect({ url: b.server.url });
    const informerErrors: unknown[] = [];
    const informer = new Informer<Pod>(api.listerWatcher(PODS, { namespace: 'compact' }), {
      type: PODS,
      namespace: 'compact',
      onError: (error) => informerErrors.push(error),
      // A short backoff before its relist (client-go's 800 ms, jittered, behaves the same, later).
      reflector: { backoff: { durationMs: 5 } },
    });
    try {
      await createNamespace(a, 'compact');
      const listed = await call(b.server.url, 'GET', pods('compact'));
      const from = listed.body.metadata.resourceVersion as string;
      const path = `${pods('compact')}?watch=1&resourceVersion=${from}`;
      const [onA, onB] = await Promise.all([collectWatch(a.server.url, path), collectWatch(b.server.url, path)]);
      informer.start();
      await informer.onSynced();
      const expected = [await create(a, 'compact', 'c-0')];
      await Promise.all([onA.waitFor(1, "a's watcher"), onB.waitFor(1, "b's watcher")]);

      proxy.cut();
      for (let i = 1; i <= 4; i++) expected.push(await create(a, 'compact', `c-${i}`));
      const head = await a.storage.currentRevision();
      await a.storage.compact(head);
      // Still cut off: b serves what its cache holds.
      const cached = await call(b.server.url, 'GET', `${pods('compact')}?resourceVersion=0`);
      expect(cached.body.items.map((item: Pod) => item.metadata?.name)).toEqual(['c-0']);
      expect(podsCacher(b).reflector?.stats.lists).toBe(1);

      proxy.restore();
      // b's etcd watch resumes from a compacted revision: Expired; its Reflector relists and ends its watchers with 410.
      await onB.waitFor(2, "b's watcher ended by the relist", 30_000);
      expect(onB.events).toEqual([expected[0], 'ERROR 410 Expired']);
      await eventually(() => onB.ended(), (ended) => ended, "b's watch stream to end after its ERROR event");
      expect(podsCacher(b).reflector?.stats.lists).toBeGreaterThanOrEqual(2);

      // A client that fell behind re-watches from its last revision: 410, it must relist.
      const rewatch = await openWatch(b.server.url, path);
      const first = rewatch.response.statusCode === 200 ? await rewatch.next() : undefined;
      rewatch.close();
      if (first === undefined) expect(rewatch.response.statusCode).toBe(410);
      else expect(summary(first)).toBe('ERROR 410 Expired');
      // It relists: the state at b's revision, the same as a's at that revision; then watches on from there.
      const relisted = await call(b.server.url, 'GET', pods('compact'));
      expect(relisted.status, relisted.text).toBe(200);
      expect(relisted.body.items.map((item: Pod) => item.metadata?.name)).toEqual(['c-0', 'c-1', 'c-2', 'c-3', 'c-4']);
      const rv = relisted.body.metadata.resourceVersion as string;
      const sameOnA = await call(a.server.url, 'GET', `${pods('compact')}?resourceVersion=${rv}&resourceVersionMatch=NotOlderThan`);
      expect(sameOnA.body.items).toEqual(relisted.body.items);
      const resumed = await collectWatch(b.server.url, `${pods('compact')}?watch=1&resourceVersion=${rv}`);
      const last = await create(a, 'compact', 'c-5');
      expected.push(last);
      await resumed.waitFor(1, 'the write after the relist');
      expect(resumed.events).toEqual([last]);
      resumed.close();

      // Our Informer did the same by itself: its watch got 410, it relisted, and it holds every pod.
      await eventually(
        () => informer.lister.list().map((object) => object.metadata.name),
        (names) => names.length === 6,
        'the informer to hold c-0 … c-5',
        30_000,
      );
      expect(informer.reflectorStats.lists).toBeGreaterThanOrEqual(2);
      expect(informerErrors.some((error) => isStatusError(error, 'Expired'))).toBe(true);

      // a was never behind: no relist, and its watcher saw every write once, in order.
      await onA.waitFor(expected.length, "a's watcher");
      expect(onA.events).toEqual(expected);
      expect(podsCacher(a).reflector?.stats.lists).toBe(1);
      onA.close();
    } finally {
      await informer.stop();
      await Promise.all([a.close(), b.close()]);
      await proxy.close();
    }
  });
});
