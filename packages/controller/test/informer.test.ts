import { labelIndex, storageListerWatcher } from '@apiserver-kit/cache';
import { isStatusError } from '@apiserver-kit/codec';
import { FakeClock, sleep } from '@apiserver-kit/core';
import { MemoryStorage } from '@apiserver-kit/storage';
import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import { afterEach, describe, expect, it } from 'vitest';
import { DeletedFinalStateUnknown, Informer, type InformerOptions, NODES, PODS, waitForCacheSync } from '../src/index.js';
import { FaultySource, pod, StorageApi, until } from './informer-helpers.js';

const stops: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop();
});

type Seen = string[];

/** A handler that writes what it sees as `add ns/name rv` lines. */
function recorder(seen: Seen, options: { initial?: boolean } = {}) {
  return {
    onAdd: (object: Pod, isInInitialList: boolean) => {
      seen.push(`add ${object.metadata!.name} ${object.metadata!.resourceVersion}${options.initial === true && isInInitialList ? ' initial' : ''}`);
    },
    onUpdate: (old: Pod, object: Pod) => {
      seen.push(`update ${object.metadata!.name} ${old.metadata!.resourceVersion}→${object.metadata!.resourceVersion}`);
    },
    onDelete: (object: Pod | DeletedFinalStateUnknown<Pod>) => {
      seen.push(object instanceof DeletedFinalStateUnknown ? `tombstone ${object.key}` : `delete ${object.metadata!.name} ${object.metadata!.resourceVersion}`);
    },
  };
}

async function setup(options: Partial<InformerOptions<Pod>> = {}) {
  const storageClock = new FakeClock();
  const clock = new FakeClock();
  const storage = new MemoryStorage({ clock: storageClock });
  const api = new StorageApi(storage);
  const source = new FaultySource(storageListerWatcher(storage, '/pods/'));
  const errors: unknown[] = [];
  const informer = new Informer<Pod>(source, { type: PODS, clock, reflector: { progressIntervalMs: 0, random: () => 0 }, onError: (error) => errors.push(error), ...options });
  stops.push(() => informer.stop());
  return { clock, storage, api, source, informer, errors, pods: api.pods('default') };
}

describe('Informer — the issue acceptance', () => {
  it('a handler taking 2 ms per event sees all 300 creates in order, and the watch is never stalled by it', async () => {
    const { api, informer, errors, pods } = await setup();
    const work = new FakeClock(); // the handler's own time: its 2 ms of work per event
    const seen: string[] = [];
    informer.addEventHandler({
      onAdd: async (object) => {
        await sleep(work, 2);
        seen.push(object.metadata.name);
      },
    });
    informer.start();
    await waitForCacheSync(undefined, informer);
    const names = Array.from({ length: 300 }, (_, i) => `p${String(i).padStart(3, '0')}`);
    for (const name of names) await pods.create(pod('default', name));
    // The watch went on while the handler worked: the lister holds all 300 already.
    await until(() => informer.lister.list().length === 300, 'the lister');
    expect(seen.length).toBeLessThan(300);
    const delivered = informer.waitForDelivered(api.writes);
    let settled = false;
    void delivered.then(() => {
      settled = true;
    });
    while (!settled) {
      await new Promise((resolve) => setImmediate(resolve));
      if (work.pendingTimers > 0) work.advance(2);
    }
    expect(seen).toEqual(names);
    expect(errors).toEqual([]);
    expect(work.now()).toBeGreaterThanOrEqual(600);
  });

  it('a closed watch resumes; a 410 relists by itself; handlers see add / update / delete across the relist (DeletedFinalStateUnknown)', async () => {
    const { clock, storage, api, source, informer, errors, pods } = await setup();
    const seen: Seen = [];
    informer.addEventHandler(recorder(seen));
    await pods.create(pod('default', 'a'));
    await pods.create(pod('default', 'b'));
    await pods.create(pod('default', 'c'));
    informer.start();
    await informer.waitForDelivered(api.writes);
    expect(seen).toEqual(['add a 1', 'add b 2', 'add c 3']);

    // A clean end after a while (one within a second and without events is a "very short watch": a relist): resumed from the last revision.
    clock.advance(1000);
    source.closeWatches();
    await until(() => source.watches === 2, 'the resumed watch');
    await pods.create(pod('default', 'd'));
    await informer.waitForDelivered(api.writes);
    expect(source.lists).toBe(1);
    expect(seen.at(-1)).toBe('add d 4');

    // 410: the informer relists after a backoff; what changed meanwhile arrives as a difference.
    source.expireWatches();
    await until(() => errors.length === 1, 'the failure');
    expect(isStatusError(errors[0], 'Expired')).toBe(true);
    await pods.delete('a');
    await pods.update({ ...pod('default', 'b'), metadata: { ...(await storage.get('/pods/default/b')).metadata, labels: { v: '2' } } } as Pod);
    await pods.create(pod('default', 'e'));
    seen.length = 0;
    const delivered = informer.waitForDelivered(api.writes);
    clock.advance(800); // the backoff (jitter 0)
    await delivered;
    expect(source.lists).toBe(2);
    expect(seen).toEqual(['update b 2→6', 'add e 7', 'tombstone /pods/default/a']);
    expect(informer.lister.list().map((object) => object.metadata.name)).toEqual(['b', 'c', 'd', 'e']);
  });

  it('the tombstone carries the last state the informer held, frozen', async () => {
    const { clock, api, source, informer, errors, pods } = await setup();
    const tombstones: DeletedFinalStateUnknown<Pod>[] = [];
    informer.addEventHandler({ onDelete: (object) => void (object instanceof DeletedFinalStateUnknown && tombstones.push(object)) });
    await pods.create(pod('default', 'a', { app: 'x' }));
    informer.start();
    await informer.waitForDelivered(api.writes);
    source.expireWatches();
    await until(() => errors.length === 1, 'the failure');
    await pods.delete('a');
    const delivered = informer.waitForDelivered(api.writes);
    clock.advance(800);
    await delivered;
    expect(tombstones).toHaveLength(1);
    expect(tombstones[0]!.object.metadata.labels).toEqual({ app: 'x' });
    expect(Object.isFrozen(tombstones[0]) && Object.isFrozen(tombstones[0]!.object)).toBe(true);
  });
});

describe('Informer — handlers', () => {
  it('onAdd(isInInitialList) for the first list, then live adds; updates carry the old object', async () => {
    const { api, informer, pods } = await setup();
    const seen: Seen = [];
    informer.addEventHandler(recorder(seen, { initial: true }));
    await pods.create(pod('default', 'a'));
    informer.start();
    await informer.waitForDelivered(api.writes);
    await pods.create(pod('default', 'b'));
    const a = await api.pods('default').get('a');
    await pods.update({ ...a, metadata: { ...a.metadata, labels: { x: 'y' } } });
    await pods.delete('b');
    await informer.waitForDelivered(api.writes);
    expect(seen).toEqual(['add a 1 initial', 'add b 2', 'update a 1→3', 'delete b 4']);
  });

  it('objects handed out are the lister\'s own, frozen', async () => {
    const { api, informer, pods } = await setup();
    const objects: Pod[] = [];
    informer.addEventHandler({ onAdd: (object) => void objects.push(object) });
    informer.start();
    await pods.create(pod('default', 'a'));
    await informer.waitForDelivered(api.writes);
    expect(objects[0]).toBe(informer.lister.get('default', 'a'));
    expect(Object.isFrozen(objects[0]) && Object.isFrozen(objects[0]!.metadata)).toBe(true);
  });

  it('a throwing or rejecting handler is reported via onError and delivery goes on', async () => {
    const { api, informer, errors, pods } = await setup();
    const seen: string[] = [];
    informer.addEventHandler({
      onAdd: (object) => {
        seen.push(object.metadata.name);
        if (object.metadata.name === 'a') throw new Error('sync boom');
        if (object.metadata.name === 'b') return Promise.reject(new Error('async boom'));
        return undefined;
      },
    });
    const other: string[] = [];
    informer.addEventHandler({ onAdd: (object) => void other.push(object.metadata.name) });
    informer.start();
    for (const name of ['a', 'b', 'c']) await pods.create(pod('default', name));
    await informer.waitForDelivered(api.writes);
    expect(seen).toEqual(['a', 'b', 'c']);
    expect(other).toEqual(['a', 'b', 'c']);
    expect(errors.map(String)).toEqual(['Error: sync boom', 'Error: async boom']);
  });

  it('a slow handler does not hold back another registration', async () => {
    const { informer, pods } = await setup();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const slow: string[] = [];
    const fast: string[] = [];
    informer.addEventHandler({ onAdd: async (object) => {
      await gate;
      slow.push(object.metadata.name);
    } });
    informer.addEventHandler({ onAdd: (object) => void fast.push(object.metadata.name) });
    informer.start();
    for (const name of ['a', 'b', 'c']) await pods.create(pod('default', name));
    await until(() => fast.length === 3, 'the fast handler');
    expect(slow).toEqual([]);
    expect(informer.pendingNotifications).toBe(3);
    release();
    await until(() => slow.length === 3, 'the slow handler');
  });

  it('hasSynced per registration: synced once its handler processed the initial list; the informer once the list is in', async () => {
    const { informer, pods } = await setup();
    await pods.create(pod('default', 'a'));
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const slow = informer.addEventHandler({ onAdd: () => gate });
    const quick = informer.addEventHandler({});
    expect(informer.hasSynced()).toBe(false);
    informer.start();
    await waitForCacheSync(undefined, informer);
    await quick.onSynced();
    expect(informer.hasSynced()).toBe(true);
    expect(quick.hasSynced()).toBe(true);
    expect(slow.hasSynced()).toBe(false);
    release();
    await slow.onSynced();
    expect(slow.hasSynced()).toBe(true);
  });

  it('a registration added late gets the current state as adds (isInInitialList), then the changes', async () => {
    const { api, informer, pods } = await setup();
    await pods.create(pod('default', 'b'));
    await pods.create(pod('default', 'a'));
    informer.start();
    await informer.onSynced();
    const seen: Seen = [];
    const registration = informer.addEventHandler(recorder(seen, { initial: true }));
    await registration.onSynced();
    await pods.create(pod('default', 'c'));
    await informer.waitForDelivered(api.writes);
    expect(seen).toEqual(['add a 2 initial', 'add b 1 initial', 'add c 3']);
  });

  it('remove() — no call after it; its pending notifications are dropped and hold no settle back', async () => {
    const { api, informer, pods } = await setup();
    const gate = new Promise<void>(() => {}); // never resolves
    const seen: string[] = [];
    const registration = informer.addEventHandler({ onAdd: async (object) => {
      seen.push(object.metadata.name);
      await gate;
    } });
    informer.start();
    await informer.onSynced();
    await pods.create(pod('default', 'a'));
    await pods.create(pod('default', 'b'));
    await until(() => seen.length === 1, 'the first call');
    registration.remove();
    registration.remove();
    expect(informer.pendingNotifications).toBe(0);
    await pods.create(pod('default', 'c'));
    await informer.waitForDelivered(api.writes);
    expect(seen).toEqual(['a']);
  });

  it('a stopped informer keeps its lister readable and ignores start(); handlers added after stop are inert', async () => {
    const { informer, pods } = await setup();
    await pods.create(pod('default', 'a'));
    informer.start();
    await informer.onSynced();
    await informer.stop();
    informer.start();
    expect(informer.isRunning).toBe(false);
    expect(informer.lister.list().map((object) => object.metadata.name)).toEqual(['a']);
    const late = informer.addEventHandler({ onAdd: () => expect.unreachable() });
    await new Promise((resolve) => setImmediate(resolve));
    expect(late.hasSynced()).toBe(false);
  });

  it('bad arguments — TypeError / RangeError', async () => {
    const { informer, source } = await setup();
    expect(() => informer.addEventHandler(null as never)).toThrow(TypeError);
    expect(() => informer.addEventHandler({}, { resyncPeriodMs: -1 })).toThrow(RangeError);
    expect(() => new Informer({} as never, { type: PODS })).toThrow(/Expected `source` to be a ListerWatcher/);
    expect(() => new Informer(source, { type: undefined as never })).toThrow(/Expected `type` to be a ResourceType/);
    expect(() => new Informer(source, { type: PODS, labelSelector: 'a in (' })).toThrow(expect.objectContaining({ reason: 'BadRequest' }));
  });
});

// client-go tools/cache/shared_informer.go: resync notifications are updates with old === new, to the registrations whose period is due.
describe('Informer — resync (client-go sharedProcessor.shouldResync)', () => {
  it('sends update(o, o) for every object to registrations whose period is due; the informer checks at the shortest period', async () => {
    const { clock, api, informer, pods } = await setup();
    const every5: string[] = [];
    const every10: string[] = [];
    const never: string[] = [];
    informer.addEventHandler({ onUpdate: (old, object) => void every5.push(`${object.metadata.name}${old === object ? ' same' : ''}@${clock.now()}`) }, { resyncPeriodMs: 5000 });
    informer.addEventHandler({ onUpdate: (_old, object) => void every10.push(`${object.metadata.name}@${clock.now()}`) }, { resyncPeriodMs: 10_000 });
    informer.addEventHandler({ onUpdate: (_old, object) => void never.push(object.metadata.name) });
    await pods.create(pod('default', 'a'));
    await pods.create(pod('default', 'b'));
    informer.start();
    await informer.waitForDelivered(api.writes);
    for (let i = 0; i < 2; i++) {
      clock.advance(5000);
      await until(() => informer.pendingNotifications === 0, 'the resync');
    }
    expect(every5).toEqual(['a same@5000', 'b same@5000', 'a same@10000', 'b same@10000']);
    expect(every10).toEqual(['a@10000', 'b@10000']);
    expect(never).toEqual([]);
  });

  it('a period below 1 s is raised to 1 s (client-go minimumResyncPeriod); the informer default applies to registrations without one', async () => {
    const { clock, informer, pods } = await setup({ resyncPeriodMs: 3000 });
    const fast: number[] = [];
    const byDefault: number[] = [];
    informer.addEventHandler({ onUpdate: () => void fast.push(clock.now()) }, { resyncPeriodMs: 10 });
    informer.addEventHandler({ onUpdate: () => void byDefault.push(clock.now()) });
    await pods.create(pod('default', 'a'));
    informer.start();
    await informer.onSynced();
    for (let i = 0; i < 3; i++) {
      clock.advance(1000);
      await until(() => informer.pendingNotifications === 0, 'the resync');
    }
    expect(fast).toEqual([1000, 2000, 3000]);
    expect(byDefault).toEqual([3000]);
  });
});

describe('Lister', () => {
  async function filled() {
    const context = await setup({ indexes: [labelIndex('app')] });
    const { pods, api, informer } = context;
    await pods.create(pod('default', 'web-2', { app: 'web' }, 'n1'));
    await pods.create(pod('default', 'db-1', { app: 'db' }, 'n2'));
    await api.pods('kube-system').create(pod('kube-system', 'web-1', { app: 'web' }, 'n1'));
    await api.pods('other').create(pod('other', 'x', {}, 'n2'));
    informer.start();
    await informer.waitForDelivered(api.writes);
    return context;
  }
  const names = (objects: readonly Pod[]): string[] => objects.map((object) => `${object.metadata!.namespace}/${object.metadata!.name}`);

  it('get(ns, name) and list() in key order (namespace, then name)', async () => {
    const { informer } = await filled();
    expect(informer.lister.get('default', 'db-1')?.spec?.nodeName).toBe('n2');
    expect(informer.lister.get('default', 'nope')).toBeUndefined();
    expect(names(informer.lister.list())).toEqual(['default/db-1', 'default/web-2', 'kube-system/web-1', 'other/x']);
  });

  it('list({ namespace, labelSelector, fieldSelector }) with the server\'s selectors', async () => {
    const { informer } = await filled();
    expect(names(informer.lister.list({ namespace: 'default' }))).toEqual(['default/db-1', 'default/web-2']);
    expect(names(informer.lister.list({ labelSelector: 'app=web' }))).toEqual(['default/web-2', 'kube-system/web-1']);
    expect(names(informer.lister.list({ labelSelector: '!app' }))).toEqual(['other/x']);
    expect(names(informer.lister.list({ fieldSelector: 'spec.nodeName=n2' }))).toEqual(['default/db-1', 'other/x']);
    expect(names(informer.lister.list({ namespace: 'default', labelSelector: 'app in (web,db)', fieldSelector: 'spec.nodeName!=n2' }))).toEqual(['default/web-2']);
  });

  it('byIndex(name, value) in key order; an unknown index is a RangeError, a bad selector a BadRequest 400', async () => {
    const { informer } = await filled();
    expect(names(informer.lister.byIndex('label:app', 'web'))).toEqual(['default/web-2', 'kube-system/web-1']);
    expect(names(informer.lister.byIndex('namespace', 'other'))).toEqual(['other/x']);
    expect(() => informer.lister.byIndex('nope', 'x')).toThrow(RangeError);
    expect(() => informer.lister.list({ fieldSelector: 'spec.unknown=x' })).toThrow(expect.objectContaining({ reason: 'BadRequest', code: 400 }));
    expect(() => informer.lister.list({ labelSelector: '==' })).toThrow(expect.objectContaining({ reason: 'BadRequest' }));
  });

  it('reads empty before the first list; get(name) for a cluster-scoped resource', async () => {
    const storage = new MemoryStorage({ clock: new FakeClock() });
    const api = new StorageApi(storage);
    const informer = new Informer<Node>(api.listerWatcher(NODES), { type: NODES, clock: new FakeClock(), reflector: { progressIntervalMs: 0 } });
    stops.push(() => informer.stop());
    expect(informer.lister.list()).toEqual([]);
    await api.nodes().create({ metadata: { name: 'n1', labels: { zone: 'a' } } });
    informer.start();
    await informer.waitForDelivered(api.writes);
    expect(informer.lister.get('n1')?.metadata.labels).toEqual({ zone: 'a' });
  });
});
