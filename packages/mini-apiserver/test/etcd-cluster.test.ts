/**
 * Two reference hosts on a 3-member etcd cluster that loses a member: a
 * quorum of two keeps serving, so the hosts keep serving reads and writes,
 * and their watchers miss nothing (each host's etcd client, given every
 * member's endpoint, fails over to a live one; its etcd watch resumes from
 * the last revision it saw, as the Go client's does). The member that comes
 * back catches up from its peers.
 *
 * Waiting for the cluster (a new leader, the client's failover) is waiting
 * for an event: the first write that succeeds.
 */
import { EtcdStorage } from '@apiserver-kit/storage-etcd';
import { type EtcdProcess, startEtcd } from '@apiserver-kit/storage-etcd/testing';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectWatch, type EtcdHost, startEtcdHost, writeWhenBack } from './etcd-helpers.js';
import { call, pod } from './server-helpers.js';

let etcd: EtcdProcess;
let hosts: EtcdHost[] = [];

beforeAll(async () => {
  etcd = await startEtcd({ members: 3 });
  hosts = await Promise.all([startEtcdHost(etcd.endpoints), startEtcdHost(etcd.endpoints)]);
}, 60_000);

afterAll(async () => {
  await Promise.all(hosts.map((host) => host.close()));
  await etcd?.stop();
});

/** The index of the member that leads (maintenance Status, asked of each member). */
async function leaderIndex(): Promise<number> {
  const statuses = await Promise.all(
    etcd.endpoints.map(async (endpoint) => {
      const storage = new EtcdStorage({ endpoints: endpoint });
      try {
        return await storage.client.maintenance.status();
      } finally {
        storage.close();
      }
    }),
  );
  const index = statuses.findIndex((status) => status.leader === status.header.member_id);
  expect(index).toBeGreaterThanOrEqual(0);
  return index;
}

const pods = (name?: string): string => `/api/v1/namespaces/default/pods${name === undefined ? '' : `/${name}`}`;

describe('a 3-member etcd cluster losing one member', () => {
  it('both hosts keep serving reads and writes; their watchers see every write once, in order', { timeout: 90_000 }, async () => {
    const [a, b] = hosts as [EtcdHost, EtcdHost];
    const from = (await call(a.server.url, 'GET', pods())).body.metadata.resourceVersion as string;
    const watchers = await Promise.all(hosts.map((host) => collectWatch(host.server.url, `${pods()}?watch=1&resourceVersion=${from}`)));
    const expected: string[] = [];
    const created = (answer: { status: number; text: string; body: any }): void => {
      expect(answer.status, answer.text).toBe(201);
      expected.push(`ADDED ${answer.body.metadata.name} ${answer.body.metadata.resourceVersion}`);
    };
    created(await call(a.server.url, 'POST', pods(), { body: pod('before') }));
    for (const watcher of watchers) await watcher.waitFor(1, 'the first write');

    // The leader goes: the two others elect a new one (a graceful stop hands leadership over first).
    const leader = await leaderIndex();
    await etcd.stopMember(leader);
    // Each host's first write waits out a leader election or a call to the stopped member.
    created(await writeWhenBack(a.server.url, 'POST', pods(), pod('after-a')));
    created(await writeWhenBack(b.server.url, 'POST', pods(), pod('after-b')));
    // From then on: every write succeeds through either host.
    for (let i = 0; i < 6; i++) created(await call(hosts[i % 2]!.server.url, 'POST', pods(), { body: pod(`more-${i}`) }));
    for (const watcher of watchers) {
      await watcher.waitFor(expected.length, 'every write with a member down');
      expect(watcher.events).toEqual(expected);
    }
    // Consistent reads (a quorum read of the revision, then the cache) agree on both hosts.
    const [onA, onB] = await Promise.all(hosts.map((host) => call(host.server.url, 'GET', pods())));
    expect(onA!.status, onA!.text).toBe(200);
    expect(onB!.text).toBe(onA!.text);
    expect(onA!.body.items.map((item: Pod) => item.metadata?.name)).toEqual(['after-a', 'after-b', 'before', 'more-0', 'more-1', 'more-2', 'more-3', 'more-4', 'more-5']);
    for (const host of hosts) {
      await host.probe.refresh();
      expect(host.probe.isHealthy).toBe(true);
    }

    // The member comes back and catches up; the hosts go on as before.
    await etcd.startMember(leader);
    created(await call(b.server.url, 'POST', pods(), { body: pod('member-back') }));
    for (const watcher of watchers) {
      await watcher.waitFor(expected.length, 'the write after the member came back');
      expect(watcher.events).toEqual(expected);
      expect(watcher.ended()).toBe(false);
      watcher.close();
    }
  });
});
