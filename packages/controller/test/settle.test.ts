import { FakeClock } from '@apiserver-kit/core';
import { MemoryStorage } from '@apiserver-kit/storage';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { afterEach, describe, expect, it } from 'vitest';
import { Informer, type InformerOptions, PODS, WriteLedger } from '../src/index.js';
import { pod, StorageApi, until } from './informer-helpers.js';

const stops: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop();
});

/** An informer over a Cacher (selectors served as the host serves them) with a handler the test holds back. */
async function setup(options: Partial<InformerOptions<Pod>> = {}) {
  const clock = new FakeClock();
  const storage = new MemoryStorage({ clock });
  const api = new StorageApi(storage, { viaCacher: true, clock });
  stops.push(() => api.close());
  const scope = { namespace: options.namespace, labelSelector: options.labelSelector, fieldSelector: options.fieldSelector };
  const informer = new Informer<Pod>(api.listerWatcher(PODS, scope), { type: PODS, clock, reflector: { progressIntervalMs: 0 }, ...options });
  stops.push(() => informer.stop());
  const seen: string[] = [];
  let release: () => void = () => {};
  let held = false;
  informer.addEventHandler({
    onAdd: async (object) => {
      if (held) await new Promise<void>((resolve) => (release = resolve));
      seen.push(`add ${object.metadata.name}`);
    },
    onUpdate: async (_old, object) => {
      if (held) await new Promise<void>((resolve) => (release = resolve));
      seen.push(`update ${object.metadata.name}`);
    },
    onDelete: async (object) => {
      if (held) await new Promise<void>((resolve) => (release = resolve));
      seen.push(`delete ${'key' in object ? object.key : object.metadata.name}`);
    },
  });
  informer.start();
  await informer.onSynced();
  return {
    clock,
    storage,
    api,
    informer,
    seen,
    hold: () => {
      held = true;
    },
    /** Lets every held call through from now on. */
    releaseAll: () => {
      held = false;
      release();
    },
  };
}

/** Whether `promise` settles within a few macrotasks (it never will if it waits for something that does not happen). */
async function settlesSoon(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  void promise.then(
    () => (done = true),
    () => (done = true),
  );
  for (let i = 0; i < 50 && !done; i++) await new Promise((resolve) => setImmediate(resolve));
  return done;
}

describe('Informer.waitForDelivered — the settle rule', () => {
  it('waits for a write that matches the selectors; not for one outside them', async () => {
    const { api, informer, seen, hold, releaseAll } = await setup({ labelSelector: 'app=web' });
    hold();
    await api.pods('default').create(pod('default', 'db', { app: 'db' }));
    expect(await settlesSoon(informer.waitForDelivered(api.writes))).toBe(true);
    await api.pods('default').create(pod('default', 'web', { app: 'web' }));
    const waiting = informer.waitForDelivered(api.writes);
    expect(await settlesSoon(waiting)).toBe(false);
    releaseAll();
    await waiting;
    expect(seen).toEqual(['add web']);
  });

  it('an update taking a held object out of the selection waits for its DELETE', async () => {
    const { api, informer, seen, hold, releaseAll } = await setup({ labelSelector: 'app=web' });
    const created = await api.pods('default').create(pod('default', 'web', { app: 'web' }));
    await informer.waitForDelivered(api.writes);
    hold();
    await api.pods('default').update({ ...created, metadata: { ...created.metadata, labels: { app: 'db' } } });
    const waiting = informer.waitForDelivered(api.writes);
    expect(await settlesSoon(waiting)).toBe(false);
    releaseAll();
    await waiting;
    expect(seen).toEqual(['add web', 'delete web']);
    expect(informer.lister.list()).toEqual([]);
  });

  it('a write in another namespace is not waited for by a namespaced informer', async () => {
    const { api, informer, hold } = await setup({ namespace: 'a' });
    hold();
    await api.pods('b').create(pod('b', 'x'));
    expect(await settlesSoon(informer.waitForDelivered(api.writes))).toBe(true);
    await api.pods('a').create(pod('a', 'x'));
    expect(await settlesSoon(informer.waitForDelivered(api.writes))).toBe(false);
  });

  it('a delete is waited for while the store holds its key with its uid; an upper-bound revision is met once the key is gone', async () => {
    const { api, storage, informer, seen, hold, releaseAll } = await setup();
    const created = await api.pods('default').create(pod('default', 'a'));
    await informer.waitForDelivered(api.writes);
    const ledger = new WriteLedger();
    // Another object's uid under the same key: not this informer's object, nothing to wait for.
    ledger.record({ resource: 'pods', namespace: 'default', name: 'a', uid: 'someone-else', revision: 1000, object: undefined });
    expect(await settlesSoon(informer.waitForDelivered(ledger))).toBe(true);
    hold();
    await storage.delete('/pods/default/a');
    // The delete answered with a Status: its revision is a later read, an upper bound the informer never reaches.
    const upperBound = new WriteLedger();
    upperBound.record({ resource: 'pods', namespace: 'default', name: 'a', uid: created.metadata.uid, revision: 1000, object: undefined });
    const waiting = informer.waitForDelivered(upperBound);
    expect(await settlesSoon(waiting)).toBe(false);
    releaseAll();
    await waiting;
    expect(seen).toEqual(['add a', 'delete a']);
    expect(informer.revision).toBeLessThan(1000);
  });

  it('writes recorded while waiting are waited for too; records of other resources are not', async () => {
    const { api, informer, seen, hold, releaseAll } = await setup();
    hold();
    await api.pods('default').create(pod('default', 'a'));
    const waiting = informer.waitForDelivered(api.writes);
    await api.pods('default').create(pod('default', 'b'));
    await api.configMaps('default').create({ metadata: { name: 'cm' } });
    await until(() => informer.lister.list().length === 2, 'the lister');
    releaseAll();
    await waiting;
    expect(seen).toEqual(['add a', 'add b']);
  });

  it('rejects with the signal\'s reason on abort', async () => {
    const { api, informer, hold } = await setup();
    hold();
    await api.pods('default').create(pod('default', 'a'));
    const controller = new AbortController();
    const waiting = informer.waitForDelivered(api.writes, controller.signal);
    controller.abort(new Error('test over'));
    await expect(waiting).rejects.toThrow('test over');
    await expect(informer.waitForDelivered(api.writes, controller.signal)).rejects.toThrow('test over');
  });

  it('.stop() while a write is still to be delivered: the wait rejects with ServiceUnavailable; nothing pending resolves even after stop', async () => {
    const { api, informer, hold } = await setup();
    hold();
    await api.pods('default').create(pod('default', 'a'));
    const waiting = informer.waitForDelivered(api.writes);
    expect(await settlesSoon(waiting)).toBe(false);
    await informer.stop();
    await expect(waiting).rejects.toMatchObject({ reason: 'ServiceUnavailable', code: 503, message: 'the pods informer was stopped' });
    // An empty ledger has nothing to wait for: resolved, stopped or not.
    await expect(informer.waitForDelivered(new WriteLedger())).resolves.toBeUndefined();
  });

  it('an aborted signal with nothing left to deliver resolves (the rule is met; there is nothing to abort)', async () => {
    const { informer } = await setup();
    const controller = new AbortController();
    controller.abort(new Error('test over'));
    await expect(informer.waitForDelivered(new WriteLedger(), controller.signal)).resolves.toBeUndefined();
  });

  it('records the ledger dropped: waits until the store reaches the newest dropped revision, asking for progress (no timer)', async () => {
    const { api, informer } = await setup({ namespace: 'a' });
    const ledger = new WriteLedger({ capacity: 1 });
    // Two writes out of scope: the first is dropped, so the informer cannot tell it was out of scope.
    await api.pods('b').create(pod('b', 'x'));
    const dropped = await api.pods('b').create(pod('b', 'y'));
    ledger.record({ resource: 'pods', namespace: 'b', name: 'x', uid: undefined, revision: Number(dropped.metadata.resourceVersion) - 1, object: pod('b', 'x') });
    ledger.record({ resource: 'pods', namespace: 'b', name: 'y', uid: undefined, revision: Number(dropped.metadata.resourceVersion), object: pod('b', 'y') });
    expect(ledger.droppedRevision).toBe(1);
    await informer.waitForDelivered(ledger);
    expect(informer.revision).toBeGreaterThanOrEqual(1);
  });
});
