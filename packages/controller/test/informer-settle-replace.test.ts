/**
 * The settle rule across a list: the notifications of a list (the initial
 * one, a relist's difference) and of a late registration's initial state
 * carry the list's revision, but stand for changes anywhere below it. While
 * a handler has one pending, the writes below that revision are not yet
 * delivered to it (client-go's `processorListener` has them still buffered).
 * Found against the reference host (mini-apiserver test/informer-http.test.ts):
 * `waitForDelivered` resolved before the handlers had the initial list when
 * the list's revision was past the recorded writes.
 */
import { FakeClock } from '@apiserver-kit/core';
import { MemoryStorage } from '@apiserver-kit/storage';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { afterEach, describe, expect, it } from 'vitest';
import { Informer, PODS, WriteLedger } from '../src/index.js';
import { pod, StorageApi } from './informer-helpers.js';

const stops: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop();
});

/** Whether `promise` settles within a few macrotasks. */
async function settlesSoon(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  void promise.then(
    () => (done = true),
    () => (done = true),
  );
  for (let i = 0; i < 50 && !done; i++) await new Promise((resolve) => setImmediate(resolve));
  return done;
}

/** A handler that records names and waits at a latch the test releases. */
function heldHandler(seen: string[]): { onAdd: (object: { metadata: { name?: string } }) => Promise<void>; release: () => void } {
  let open = false;
  const waiters: (() => void)[] = [];
  return {
    onAdd: async (object) => {
      if (!open) await new Promise<void>((resolve) => waiters.push(resolve));
      seen.push(`add ${object.metadata.name}`);
    },
    release: () => {
      open = true;
      for (const wake of waiters.splice(0)) wake();
    },
  };
}

function setup(namespace: string): { api: StorageApi; informer: Informer<Pod> } {
  const clock = new FakeClock();
  const storage = new MemoryStorage({ clock });
  const api = new StorageApi(storage, { viaCacher: true, clock });
  stops.push(() => api.close());
  const informer = new Informer<Pod>(api.listerWatcher(PODS, { namespace }), { type: PODS, namespace, clock, reflector: { progressIntervalMs: 0 } });
  stops.push(() => informer.stop());
  return { api, informer };
}

describe('Informer.waitForDelivered after a list', () => {
  it('waits for the initial list\'s notifications when the list\'s revision is past the recorded writes', async () => {
    const { api, informer } = setup('a');
    await api.pods('a').create(pod('a', 'x'));
    // A later write out of scope: the list's revision is above the recorded one.
    await api.pods('b').create(pod('b', 'y'));
    const seen: string[] = [];
    const handler = heldHandler(seen);
    informer.addEventHandler(handler);
    informer.start();
    await informer.onSynced();
    const waiting = informer.waitForDelivered(api.writes);
    expect(await settlesSoon(waiting)).toBe(false);
    handler.release();
    await waiting;
    expect(seen).toEqual(['add x']);
  });

  it('waits for a late registration\'s initial state', async () => {
    const { api, informer } = setup('a');
    informer.addEventHandler({});
    informer.start();
    await informer.onSynced();
    const created = await api.pods('a').create(pod('a', 'x'));
    await api.pods('a').create(pod('a', 'z'));
    await informer.waitForDelivered(api.writes);
    // A ledger of x only: the write the new registration has not had.
    const ledger = new WriteLedger();
    ledger.record({ resource: 'pods', namespace: 'a', name: 'x', uid: created.metadata.uid, revision: Number(created.metadata.resourceVersion), object: created });
    expect(informer.revision).toBeGreaterThan(Number(created.metadata.resourceVersion));
    // The store is past x (z came later); the new registration has not had x yet.
    const seen: string[] = [];
    const handler = heldHandler(seen);
    informer.addEventHandler(handler);
    const waiting = informer.waitForDelivered(ledger);
    expect(await settlesSoon(waiting)).toBe(false);
    handler.release();
    await waiting;
    expect(seen).toEqual(['add x', 'add z']);
  });
});
