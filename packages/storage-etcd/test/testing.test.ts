// startEtcd: throwaway members on loopback, a 3-member cluster that survives losing one,
// everything stopped by PID and removed by stop().
import { existsSync } from 'node:fs';
import { expect, it } from 'vitest';
import { EtcdStorage } from '../src/index.js';
import { findEtcd, startEtcd } from '../src/testing.js';

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

it('startEtcd({ members: 3 }) → a cluster on 127.0.0.1 that keeps serving with one member stopped; stop() kills every PID', async () => {
  expect(findEtcd()).toBeDefined();
  const etcd = await startEtcd({ members: 3 });
  const pids = etcd.pids.map((pid) => pid!);
  try {
    expect(etcd.endpoints).toHaveLength(3);
    for (const endpoint of etcd.endpoints) expect(endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const storage = new EtcdStorage({ endpoints: [...etcd.endpoints], prefix: '/cluster', requestTimeoutMs: 3_000 });
    try {
      await storage.create('/pods/ns/a', { metadata: { name: 'a', namespace: 'ns' } });
      await etcd.stopMember(1);
      expect(alive(pids[1]!)).toBe(false);
      // Two of three is a quorum: reads and writes go on (a call that lands on the stopped member is retried on another).
      let written = false;
      for (let attempt = 0; !written && attempt < 20; attempt++) {
        written = await storage.create(`/pods/ns/b${attempt}`, { metadata: { name: `b${attempt}`, namespace: 'ns' } }).then(
          () => true,
          () => false,
        );
      }
      expect(written).toBe(true);
      expect((await storage.get('/pods/ns/a')).metadata.name).toBe('a');
      await etcd.startMember(1);
      expect(etcd.pids[1]).toBeGreaterThan(0);
    } finally {
      storage.close();
    }
  } finally {
    await etcd.stop();
  }
  for (const pid of [...pids, ...etcd.pids]) if (pid !== undefined) expect(alive(pid)).toBe(false);
}, 60_000);

it('startEtcd — bad options → RangeError; a binary that cannot start → an Error with its log', async () => {
  await expect(startEtcd({ members: 2 as 1 })).rejects.toThrow(new RangeError('Expected `members` to be 1 or 3, got `2` (number)'));
  await expect(startEtcd({ binary: '/nonexistent/etcd', readyTimeoutMs: 2_000 })).rejects.toThrow(/etcd member m0 exited before it was ready/);
  expect(existsSync('/nonexistent/etcd')).toBe(false);
});
