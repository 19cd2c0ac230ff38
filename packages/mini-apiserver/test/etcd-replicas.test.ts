/**
 * Two reference hosts on one etcd, as Kubernetes runs several apiserver
 * replicas on one etcd, each serving from its own watch cache (apiserver
 * cacher.go: one Reflector per resource per replica, fed by an etcd watch):
 *
 * - a write through either replica is seen by the HTTP watchers of both, in
 *   revision order and exactly once (etcd's revisions order every write of
 *   every replica; each cache applies them as its etcd watch delivers them);
 * - a LIST on both at the same resourceVersion (`resourceVersionMatch=Exact`,
 *   or a consistent read once nothing moves) is the same list, byte for byte;
 * - `mini-apiserver start --etcd`: the first replica seeds the cluster, the
 *   second finds it there and serves it.
 *
 * Real etcd (a throwaway member for this file); hosts on the system clock, as
 * the waits here are for etcd and the network, never for a timeout.
 */
import { EventEmitter } from 'node:events';
import { type EtcdProcess, startEtcd } from '@apiserver-kit/storage-etcd/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../src/cli.js';
import { collectWatch, configMap, configMaps, type EtcdHost, startEtcdHost } from './etcd-helpers.js';
import { call, eventually, pod } from './server-helpers.js';

let etcd: EtcdProcess;
let a: EtcdHost;
let b: EtcdHost;

beforeAll(async () => {
  etcd = await startEtcd({ members: 1 });
  // Both bootstrap the system namespaces: the second finds them (AlreadyExists is no error).
  [a, b] = await Promise.all([startEtcdHost(etcd.endpoints), startEtcdHost(etcd.endpoints)]);
}, 60_000);

afterAll(async () => {
  await Promise.all([a?.close(), b?.close()]);
  await etcd?.stop();
});

const MERGE_PATCH = { 'Content-Type': 'application/merge-patch+json' };

describe('two replicas on one etcd', () => {
  it('writes through either replica → every watcher of both sees each once, in revision order', { timeout: 60_000 }, async () => {
    // Pods: their DELETE answers the deleted object, stamped with the deletion's revision (a ConfigMap's answers a Status).
    const pods = (name?: string): string => `/api/v1/namespaces/default/pods${name === undefined ? '' : `/${name}`}`;
    const start = await call(a.server.url, 'GET', pods());
    expect(start.status).toBe(200);
    const from = start.body.metadata.resourceVersion as string;
    const path = `${pods()}?watch=1&resourceVersion=${from}`;
    // Two watchers per replica: the fan-out of each cache, not only its feed, keeps the order.
    const watchers = await Promise.all([collectWatch(a.server.url, path), collectWatch(a.server.url, path), collectWatch(b.server.url, path), collectWatch(b.server.url, path)]);

    const hosts = [a, b];
    const written: Array<{ type: string; name: string; rv: number }> = [];
    const record = (type: string, name: string, answer: { status: number; body: any; text: string }): void => {
      expect(answer.status, answer.text).toBeLessThan(300);
      written.push({ type, name, rv: Number(answer.body.metadata.resourceVersion) });
    };
    // Rounds of concurrent writes, alternating replicas: etcd interleaves them; the revisions say in which order.
    await Promise.all(Array.from({ length: 10 }, async (_, i) => record('ADDED', `p-${i}`, await call(hosts[i % 2]!.server.url, 'POST', pods(), { body: pod(`p-${i}`) }))));
    await Promise.all(
      Array.from({ length: 10 }, async (_, i) =>
        record('MODIFIED', `p-${i}`, await call(hosts[(i + 1) % 2]!.server.url, 'PATCH', pods(`p-${i}`), { body: { metadata: { labels: { patched: 'yes' } } }, headers: MERGE_PATCH })),
      ),
    );
    await Promise.all(Array.from({ length: 5 }, async (_, i) => record('DELETED', `p-${i}`, await call(hosts[i % 2]!.server.url, 'DELETE', pods(`p-${i}`)))));

    expect(new Set(written.map((w) => w.rv)).size).toBe(written.length);
    const expected = [...written].sort((x, y) => x.rv - y.rv).map((w) => `${w.type} ${w.name} ${w.rv}`);
    for (const watcher of watchers) {
      await watcher.waitFor(expected.length, 'every write on the watch');
      watcher.close();
    }
    // Exactly once, in revision order, on both replicas.
    for (const watcher of watchers) expect(watcher.events).toEqual(expected);
  });

  it('LIST on both replicas at the same resourceVersion (Exact, and consistent once caught up) → identical lists', { timeout: 60_000 }, async () => {
    const revisions: string[] = [];
    for (let i = 0; i < 6; i++) {
      const url = (i % 2 === 0 ? a : b).server.url;
      const answer = await call(url, 'POST', configMaps(), { body: configMap(`list-${i}`, { i: String(i) }) });
      expect(answer.status, answer.text).toBe(201);
      revisions.push(answer.body.metadata.resourceVersion as string);
    }
    const list = async (url: string, query: string): Promise<{ status: number; text: string; body: any }> => call(url, 'GET', `${configMaps()}${query}`);
    // At every revision written (served from each cache's history, or from etcd where the cache cannot).
    for (const rv of revisions) {
      const [onA, onB] = await Promise.all([list(a.server.url, `?resourceVersion=${rv}&resourceVersionMatch=Exact`), list(b.server.url, `?resourceVersion=${rv}&resourceVersionMatch=Exact`)]);
      expect(onA.status, onA.text).toBe(200);
      expect(onB.text).toBe(onA.text);
      expect(onA.body.metadata.resourceVersion).toBe(rv);
    }
    // A consistent LIST (no resourceVersion): both wait for etcd's current revision, nothing moves in between.
    const [onA, onB] = await Promise.all([list(a.server.url, ''), list(b.server.url, '')]);
    expect(onA.status, onA.text).toBe(200);
    expect(onB.text).toBe(onA.text);
    // And the same list straight from etcd, for the record.
    const stored = await a.storage.list('/configmaps/default/');
    expect(onA.body.items.map((item: any) => `${item.metadata.name} ${item.metadata.resourceVersion}`)).toEqual(
      stored.items.map((item) => `${item.metadata.name} ${item.metadata.resourceVersion}`),
    );
    expect(onA.body.metadata.resourceVersion).toBe(String(stored.revision));
  });
});

describe('mini-apiserver start --etcd', () => {
  function sink(): { write(text: string): void; text: string } {
    return {
      text: '',
      write(text: string) {
        this.text += text;
      },
    };
  }

  it('first replica seeds the empty etcd, the second serves what it finds; SIGTERM stops both (exit 0)', { timeout: 60_000 }, async () => {
    // Its own prefix: the hosts above share this etcd under /registry.
    const flags = ['--etcd', etcd.endpoints.join(','), '--etcd-prefix', '/cli', '--port', '0', '--namespaces', '2', '--nodes', '2', '--pods', '7', '--configmaps', '1'];
    const first = { stdout: sink(), stderr: sink(), signals: new EventEmitter() };
    const exitFirst = runCli(['start', ...flags], { env: {}, ...first });
    await eventually(() => first.stdout.text + first.stderr.text, (text) => text.includes('Ctrl-C') || text.includes('cannot start'), 'the first replica to start');
    expect(first.stderr.text).toBe('');
    expect(first.stdout.text).toMatch(/, in etcd http:\/\/127\.0\.0\.1:\d+ under "\/cli", seeded \d+ objects \(ready in /);
    const second = { stdout: sink(), stderr: sink(), signals: new EventEmitter() };
    const exitSecond = runCli(['start', ...flags, '--seed', '2'], { env: {}, ...second });
    await eventually(() => second.stdout.text + second.stderr.text, (text) => text.includes('Ctrl-C') || text.includes('cannot start'), 'the second replica to start');
    expect(second.stdout.text).toContain('7 pods');
    expect(second.stdout.text).toContain(', not seeded: etcd already holds a cluster (ready in ');

    const urlOf = (text: string): string => /serving (http:\/\/127\.0\.0\.1:\d+)/.exec(text)![1]!;
    const [podsFirst, podsSecond] = await Promise.all([call(urlOf(first.stdout.text), 'GET', '/api/v1/pods'), call(urlOf(second.stdout.text), 'GET', '/api/v1/pods')]);
    expect(podsFirst.body.items).toHaveLength(7);
    expect(podsSecond.text).toBe(podsFirst.text);
    const ready = await call(urlOf(second.stdout.text), 'GET', '/readyz?verbose');
    expect(ready.text).toContain('[+]etcd ok');
    // Under the prefix asked for, in etcd itself.
    const keys = await a.storage.client.getAll().prefix('/cli/pods/').keys();
    expect(keys).toHaveLength(7);

    first.signals.emit('SIGTERM');
    second.signals.emit('SIGINT');
    expect(await Promise.all([exitFirst, exitSecond])).toEqual([0, 0]);
    expect(second.stdout.text).toContain('mini-apiserver: SIGINT, stopped.');
  });

  it('etcd unreachable at start → exit 1 with the reason', { timeout: 60_000 }, async () => {
    const stdout = sink();
    const stderr = sink();
    // Port 1: nothing listens there on loopback, the connection is refused at once.
    const exit = await runCli(['start', '--etcd', 'http://127.0.0.1:1', '--port', '0'], { env: {}, stdout, stderr, signals: new EventEmitter() });
    expect(exit).toBe(1);
    expect(stderr.text).toMatch(/^mini-apiserver: cannot start on 127\.0\.0\.1:0: etcd is unavailable \(http:\/\/127\.0\.0\.1:1\): /);
  });
});
