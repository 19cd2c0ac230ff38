import { labelIndex } from '@apiserver-kit/cache';
import { FakeClock } from '@apiserver-kit/core';
import { MemoryStorage } from '@apiserver-kit/storage';
import { afterEach, describe, expect, it } from 'vitest';
import { CONFIG_MAPS, NODES, PODS, SharedInformerFactory } from '../src/index.js';
import { pod, StorageApi } from './informer-helpers.js';

const stops: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop();
});

function setup(options: { namespace?: string } = {}) {
  const clock = new FakeClock();
  const storage = new MemoryStorage({ clock });
  const api = new StorageApi(storage, { viaCacher: true, clock });
  const factory = new SharedInformerFactory(api, { clock, ...options });
  stops.push(() => api.close(), () => factory.stop());
  return { clock, storage, api, factory };
}

// client-go informers/factory.go: one shared informer per type (and scope), started by Start, waited for by WaitForCacheSync.
describe('SharedInformerFactory', () => {
  it('one informer — one list + watch — per type and scope, shared by every caller', () => {
    const { api, factory } = setup();
    const pods = factory.informerFor(PODS);
    expect(factory.informerFor(PODS)).toBe(pods);
    const web = factory.informerFor(PODS, { labelSelector: 'app=web' });
    expect(web).not.toBe(pods);
    expect(factory.informerFor(PODS, { labelSelector: 'app=web' })).toBe(web);
    expect(factory.informerFor(PODS, { namespace: 'a' })).not.toBe(pods);
    expect(factory.informerFor(NODES)).not.toBe(pods);
    expect(api.listerWatchers).toEqual([
      { type: 'pods', scope: { namespace: undefined, labelSelector: undefined, fieldSelector: undefined } },
      { type: 'pods', scope: { namespace: undefined, labelSelector: 'app=web', fieldSelector: undefined } },
      { type: 'pods', scope: { namespace: 'a', labelSelector: undefined, fieldSelector: undefined } },
      { type: 'nodes', scope: { namespace: undefined, labelSelector: undefined, fieldSelector: undefined } },
    ]);
  });

  it('the factory namespace scopes namespaced resources only', () => {
    const { api, factory } = setup({ namespace: 'team' });
    factory.informerFor(PODS);
    factory.informerFor(NODES);
    expect(api.listerWatchers.map((call) => call.scope?.namespace)).toEqual(['team', undefined]);
  });

  it('indexes are fixed at creation: a later call may name only those', () => {
    const { factory } = setup();
    const informer = factory.informerFor(PODS, { indexes: [labelIndex('app')] });
    expect(factory.informerFor(PODS, { indexes: [labelIndex('app')] })).toBe(informer);
    expect(() => factory.informerFor(PODS, { indexes: [labelIndex('tier')] })).toThrow(RangeError);
  });

  it('start / waitForCacheSync / handlers of two controllers on one informer', async () => {
    const { api, factory } = setup();
    await api.pods('a').create(pod('a', 'x'));
    const informer = factory.informerFor(PODS);
    const first: string[] = [];
    const second: string[] = [];
    informer.addEventHandler({ onAdd: (object) => void first.push(object.metadata.name) });
    informer.addEventHandler({ onAdd: (object) => void second.push(object.metadata.name) });
    factory.start();
    await factory.waitForCacheSync();
    expect(informer.hasSynced()).toBe(true);
    await api.pods('a').create(pod('a', 'y'));
    await factory.settle();
    expect(first).toEqual(['x', 'y']);
    expect(second).toEqual(['x', 'y']);
  });

  it('settle — informers deliver every write, then the idle queues drain, repeated while that work writes', async () => {
    const { api, factory } = setup();
    const pods = factory.informerFor(PODS);
    const configMaps = factory.informerFor(CONFIG_MAPS);
    // A "controller": each pod gets a ConfigMap, written from queued work.
    const queue: string[] = [];
    let idleWaiter: (() => void) | undefined;
    let working = false;
    const work = async (): Promise<void> => {
      working = true;
      while (queue.length > 0) {
        const name = queue.shift()!;
        await api.configMaps('a').create({ metadata: { name: `for-${name}`, namespace: 'a' } });
      }
      working = false;
      idleWaiter?.();
    };
    pods.addEventHandler({ onAdd: (object) => {
      queue.push(object.metadata.name);
      if (!working) void work();
    } });
    const idle = {
      whenIdle: (): Promise<void> => (queue.length === 0 && !working ? Promise.resolve() : new Promise<void>((resolve) => (idleWaiter = resolve))),
    };
    factory.start();
    await api.pods('a').create(pod('a', 'p1'));
    await api.pods('a').create(pod('a', 'p2'));
    await factory.settle({ idle: [idle] });
    expect(configMaps.lister.list().map((object) => object.metadata.name)).toEqual(['for-p1', 'for-p2']);
  });

  it('settle — rejects with the signal\'s reason', async () => {
    const { api, factory } = setup();
    factory.informerFor(PODS).addEventHandler({ onAdd: () => new Promise<void>(() => {}) });
    factory.start();
    await api.pods('a').create(pod('a', 'x'));
    const controller = new AbortController();
    const settling = factory.settle({ signal: controller.signal });
    controller.abort(new Error('gave up'));
    await expect(settling).rejects.toThrow('gave up');
  });

  it('bad arguments — TypeError', () => {
    expect(() => new SharedInformerFactory({} as never)).toThrow(TypeError);
  });
});
