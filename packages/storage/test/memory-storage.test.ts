import { describe, expect, it } from 'vitest';
import { FakeClock, isStatusError, type KubeObject, MemoryStorage, type StorageEvent } from '../src/index.js';

const pod = (name: string, extra: Record<string, unknown> = {}): KubeObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'ns' }, ...extra });

describe('MemoryStorage', () => {
  it('new MemoryStorage() — bad options → TypeError / RangeError naming the option', () => {
    expect(() => new MemoryStorage({ retainRevisions: -1 })).toThrow(new RangeError('Expected `retainRevisions` to be a non-negative integer, got `-1` (number)'));
    expect(() => new MemoryStorage({ retainMs: 1.5 })).toThrow(new TypeError('Expected `retainMs` to be a non-negative integer, got `1.5` (number)'));
    expect(() => new MemoryStorage({ watchBufferSize: 0 })).toThrow(new RangeError('Expected `watchBufferSize` to be a positive integer, got `0` (number)'));
    expect(() => new MemoryStorage({ retry: { steps: 0 } })).toThrow(new RangeError('Expected `retry.steps` to be a positive integer, got `0` (number)'));
    expect(() => new MemoryStorage(null as never)).toThrow(new TypeError('Expected `options` to be an object, got `null` (null)'));
  });

  it('.get()/.list() — return the stored frozen object itself, no copy', async () => {
    const storage = new MemoryStorage();
    const created = await storage.create('/pods/ns/a', pod('a', { spec: { containers: [{ name: 'c' }] } }));
    expect(await storage.get('/pods/ns/a')).toBe(created);
    expect((await storage.list('/pods/')).items[0]).toBe(created);
    expect(Object.isFrozen((created['spec'] as { containers: object[] }).containers[0])).toBe(true);
    expect(() => {
      (created.metadata as { name: string }).name = 'b';
    }).toThrow(TypeError);
  });

  it('.create() — creationTimestamp from the clock, second precision', async () => {
    const storage = new MemoryStorage({ clock: new FakeClock(Date.UTC(2024, 0, 2, 3, 4, 5, 678)), uid: () => 'fixed' });
    const created = await storage.create('/pods/ns/a', pod('a'));
    expect(created.metadata).toEqual({ name: 'a', namespace: 'ns', creationTimestamp: '2024-01-02T03:04:05Z', uid: 'fixed', resourceVersion: '1' });
  });

  // etcd3 store.go GuaranteedUpdate retries a lost transaction without bound; the waits
  // grow as client-go's wait.Backoff does while its Steps last, then hold.
  it('.guaranteedUpdate() — conflicts → waits of 10, 20, 40, 80 ms on the clock, then 80 ms on and on, no Conflict', async () => {
    const clock = new FakeClock();
    const storage = new MemoryStorage({ clock, random: () => 0 });
    await storage.create('/pods/ns/a', pod('a', { n: 0 }));
    const controller = new AbortController();
    const attempts: number[] = [];
    const result = storage
      .guaranteedUpdate(
        '/pods/ns/a',
        async (current) => {
          attempts.push(clock.now());
          // Another writer wins every race.
          await storage.guaranteedUpdate('/pods/ns/a', (o) => ({ ...o!, n: (o!['n'] as number) + 1 }));
          if (attempts.length === 8) controller.abort(new Error('enough'));
          return { ...current!, mine: true };
        },
        { signal: controller.signal },
      )
      .catch((e: unknown) => e);
    await clock.settle();
    expect(await result).toEqual(new Error('enough'));
    expect(attempts).toEqual([0, 10, 30, 70, 150, 230, 310, 390]);
    expect((await storage.get('/pods/ns/a'))['mine']).toBeUndefined();
  });

  it('.guaranteedUpdate() — jitter stretches each wait by up to `jitter`; `steps` 3 → the waits stop growing after 2', async () => {
    const clock = new FakeClock();
    const storage = new MemoryStorage({ clock, random: () => 0.5, retry: { steps: 3, jitter: 0.2 } });
    await storage.create('/pods/ns/a', pod('a', { n: 0 }));
    const controller = new AbortController();
    const attempts: number[] = [];
    const result = storage
      .guaranteedUpdate(
        '/pods/ns/a',
        async (current) => {
          attempts.push(clock.now());
          await storage.guaranteedUpdate('/pods/ns/a', (o) => ({ ...o!, n: (o!['n'] as number) + 1 }));
          if (attempts.length === 4) controller.abort(new Error('enough'));
          return { ...current!, mine: true };
        },
        { signal: controller.signal },
      )
      .catch((e: unknown) => e);
    await clock.settle();
    await result;
    expect(attempts).toEqual([0, 11, 33, 55]);
  });

  // The reproduction: 30 concurrent updates without a resourceVersion precondition
  // gave 6 applied and 24 Conflict under the default retry (5 steps).
  it('.guaranteedUpdate() — 30 concurrent unconditional increments, default retry → all 30 applied, counter = 30 (etcd3 GuaranteedUpdate)', async () => {
    const clock = new FakeClock();
    // No jitter: the losers of a round wake together and race again, as on a busy server.
    const storage = new MemoryStorage({ clock, random: () => 0 });
    await storage.create('/counters/ns/c', { metadata: { name: 'c', namespace: 'ns' }, count: 0 });
    const increment = async (o: KubeObject | undefined): Promise<KubeObject> => {
      await null; // the others read before this one writes: every round, one wins and the rest conflict
      return { ...o!, count: (o!['count'] as number) + 1 };
    };
    const results = Promise.allSettled(Array.from({ length: 30 }, () => storage.guaranteedUpdate('/counters/ns/c', increment)));
    await clock.settle();
    expect((await results).filter((r) => r.status === 'rejected')).toEqual([]);
    expect((await storage.get('/counters/ns/c'))['count']).toBe(30);
    expect(await storage.currentRevision()).toBe(31);
  });

  it('.guaranteedUpdate() — aborted during the backoff wait → rejects with the reason', async () => {
    const clock = new FakeClock();
    const storage = new MemoryStorage({ clock });
    await storage.create('/pods/ns/a', pod('a', { n: 0 }));
    const controller = new AbortController();
    const result = storage
      .guaranteedUpdate(
        '/pods/ns/a',
        async (current) => {
          await storage.guaranteedUpdate('/pods/ns/a', (o) => ({ ...o!, n: (o!['n'] as number) + 1 }));
          return current!;
        },
        { signal: controller.signal },
      )
      .catch((e: unknown) => e);
    await new Promise((resolve) => setImmediate(resolve));
    expect(clock.pendingTimers).toBe(1);
    controller.abort(new Error('client went away'));
    expect(await result).toEqual(new Error('client went away'));
  });

  it('.guaranteedUpdate() — tryUpdate returns no object / a renamed one → TypeError / BadRequest', async () => {
    const storage = new MemoryStorage();
    await storage.create('/pods/ns/a', pod('a'));
    await expect(storage.guaranteedUpdate('/pods/ns/a', () => 5 as never)).rejects.toThrow(new TypeError('Expected `tryUpdate` to return an object, got `5` (number)'));
    await expect(storage.guaranteedUpdate('/pods/ns/a', (o) => ({ ...o!, metadata: {} }))).rejects.toThrow(
      new TypeError('Expected `tryUpdate(…).metadata.name` to be a non-empty string, got `undefined` (undefined)'),
    );
    const renamed = await storage.guaranteedUpdate('/pods/ns/a', (o) => ({ ...o!, metadata: { ...o!.metadata, name: 'b' } })).catch((e: unknown) => e);
    expect(isStatusError(renamed, 'BadRequest') && renamed.message).toBe('the name of the object (b) does not match the key "/pods/ns/a"');
    await expect(storage.guaranteedUpdate('/pods/ns/a', 'x' as never)).rejects.toThrow(new TypeError('Expected `tryUpdate` to be a function, got `"x"` (string)'));
  });

  it('automatic compaction — by count: keeps the last `retainRevisions` when older than `retainMs`', async () => {
    const storage = new MemoryStorage({ clock: new FakeClock(), retainRevisions: 3, retainMs: 0 });
    for (let i = 0; i < 10; i++) await storage.create(`/pods/ns/p${i}`, pod(`p${i}`));
    // Time stands still: every change is 0 ms old, not older than retainMs = 0, so all are kept.
    expect(await storage.compactedRevision()).toBe(0);
    const clocked = new FakeClock();
    const aged = new MemoryStorage({ clock: clocked, retainRevisions: 3, retainMs: 0 });
    for (let i = 0; i < 10; i++) {
      await aged.create(`/pods/ns/p${i}`, pod(`p${i}`));
      clocked.advance(1);
    }
    await aged.create('/pods/ns/last', pod('last'));
    expect(await aged.compactedRevision()).toBe(8);
    expect((await aged.list('/pods/', { revision: 8 })).items).toHaveLength(8);
  });

  it('automatic compaction — default keeps the last 5 minutes or 100 000 revisions, whichever is more', async () => {
    const clock = new FakeClock();
    const storage = new MemoryStorage({ clock, retainRevisions: 5 });
    for (let i = 0; i < 10; i++) await storage.create(`/pods/ns/p${i}`, pod(`p${i}`));
    clock.advance(300_000);
    await storage.create('/pods/ns/x', pod('x'));
    expect(await storage.compactedRevision()).toBe(0);
    clock.advance(1);
    await storage.create('/pods/ns/y', pod('y'));
    // Revisions 1–10 are over 5 minutes old; the last 5 (8–12) are kept by count.
    expect(await storage.compactedRevision()).toBe(7);
    const defaults = new MemoryStorage({ clock });
    for (let i = 0; i < 10; i++) await defaults.create(`/pods/ns/p${i}`, pod(`p${i}`));
    clock.advance(3_600_000);
    await defaults.create('/pods/ns/x', pod('x'));
    expect(await defaults.compactedRevision()).toBe(0);
  });

  it('.watch() — a consumer that falls bufferSize behind → Gone 410 naming the revision to resume from; writers and other watchers unaffected', async () => {
    const storage = new MemoryStorage();
    const slow = storage.watch('/pods/', { fromRevision: 0, bufferSize: 3 });
    const fast = storage.watch('/pods/', { fromRevision: 0, bufferSize: 3 });
    const fastSeen: number[] = [];
    const fastDone = (async () => {
      for await (const event of fast) {
        fastSeen.push(event.revision);
        if (fastSeen.length === 10) break;
      }
    })();
    for (let i = 0; i < 10; i++) {
      await storage.create(`/pods/ns/p${i}`, pod(`p${i}`));
      await new Promise((resolve) => setImmediate(resolve));
    }
    await fastDone;
    expect(fastSeen).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(storage.watchCount).toBe(0);
    const slowSeen: StorageEvent[] = [];
    const error = await (async () => {
      for await (const event of slow) slowSeen.push(event);
    })().catch((e: unknown) => e);
    expect(slowSeen.map((e) => e.revision)).toEqual([1, 2, 3]);
    expect(isStatusError(error, 'Gone') && { code: error.code, message: error.message }).toEqual({
      code: 410,
      message: 'watch ended: the consumer fell 3 events behind; resume from resource version 3',
    });
    const { resumeRevision } = await import('../src/index.js');
    const resumed: number[] = [];
    const again = storage.watch('/pods/', { fromRevision: resumeRevision(error)! });
    again.requestProgress();
    for await (const event of again) {
      if (event.type === 'BOOKMARK') break;
      resumed.push(event.revision);
    }
    expect(resumed).toEqual([4, 5, 6, 7, 8, 9, 10]);
  });

  it('.watch() — catch-up from the log is not counted against bufferSize', async () => {
    const storage = new MemoryStorage();
    for (let i = 0; i < 20; i++) await storage.create(`/pods/ns/p${i}`, pod(`p${i}`));
    const watch = storage.watch('/pods/', { fromRevision: 0, bufferSize: 1 });
    watch.requestProgress();
    const seen: number[] = [];
    for await (const event of watch) {
      if (event.type === 'BOOKMARK') break;
      seen.push(event.revision);
    }
    expect(seen).toHaveLength(20);
  });

  // etcd3 errors.go interpretWatchError: compaction under a watch is Expired with the watch message.
  it('.watch() — history compacted before the consumer read it → Expired 410 `The resourceVersion for the provided watch is too old.`', async () => {
    const storage = new MemoryStorage();
    for (let i = 0; i < 5; i++) await storage.create(`/pods/ns/p${i}`, pod(`p${i}`));
    const watch = storage.watch('/pods/', { fromRevision: 0 });
    const iterator = watch[Symbol.asyncIterator]();
    expect((await iterator.next()).value).toMatchObject({ revision: 1 });
    await storage.compact(3);
    const error = await iterator.next().catch((e: unknown) => e);
    expect(isStatusError(error, 'Expired') && error.message).toBe('The resourceVersion for the provided watch is too old.');
    expect(await iterator.next()).toEqual({ done: true, value: undefined });
  });

  it('.watch() — close(), abort and overflow detach the watch from the writers', async () => {
    const storage = new MemoryStorage();
    const controller = new AbortController();
    const a = storage.watch('/pods/');
    storage.watch('/pods/', { signal: controller.signal });
    storage.watch('/pods/', { bufferSize: 1 });
    expect(storage.watchCount).toBe(3);
    a.close();
    controller.abort();
    expect(storage.watchCount).toBe(1);
    await storage.create('/pods/ns/a', pod('a'));
    await storage.create('/pods/ns/b', pod('b'));
    expect(storage.watchCount).toBe(0);
    expect(storage.watch('/pods/', { fromRevision: 0, signal: AbortSignal.abort() }) && storage.watchCount).toBe(0);
  });

  it('.guaranteedUpdate() — a no-op update → no event', async () => {
    const storage = new MemoryStorage();
    await storage.create('/pods/ns/a', pod('a', { spec: { x: [1, { y: 2 }] } }));
    const watch = storage.watch('/pods/');
    await storage.guaranteedUpdate('/pods/ns/a', (o) => ({ spec: { x: [1, { y: 2 }] }, kind: 'Pod', apiVersion: 'v1', metadata: { ...o!.metadata } }));
    watch.requestProgress();
    expect(await watch[Symbol.asyncIterator]().next()).toEqual({ done: false, value: { type: 'BOOKMARK', revision: 1 } });
  });
});
