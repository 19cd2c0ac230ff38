/**
 * Our own Reflector and WatchCache fed over HTTP by `httpListerWatcher`
 * (packages/cache): a controller's view of the host. It syncs, follows
 * changes, and recovers when the host sheds its watch — the host's Cacher
 * closes, cleanly, a watcher whose client stopped reading (its queue stayed
 * full past the dispatcher's time budget, as Kubernetes' cacher does in
 * `dispatchEvent` / `cacheWatcher.add`), and the Reflector resumes from the
 * last revision it received, without relisting.
 */
import { FakeClock } from '@apiserver-kit/core';
import { httpListerWatcher, type ListerWatcher, Reflector, type SourceEvent, WatchCache } from '@apiserver-kit/cache';
import { afterEach, describe, expect, it } from 'vitest';
import { CORE_V1_RESOURCES, storageKey } from '../src/resources.js';
import { type ApiServer, startApiServer } from '../src/server.js';
import { call, eventually, pod } from './server-helpers.js';

const podsInfo = CORE_V1_RESOURCES.find((info) => info.resource === 'pods')!;


/** A gate a watch consumer waits at: closed, the consumer stops pulling events (a client that stopped reading). */
class Gate {
  #open = true;
  #waiters: Array<() => void> = [];
  close(): void {
    this.#open = false;
  }
  open(): void {
    this.#open = true;
    for (const wake of this.#waiters.splice(0)) wake();
  }
  pass(): Promise<void> | undefined {
    return this.#open ? undefined : new Promise((resolve) => this.#waiters.push(resolve));
  }
}

/** `source`, with every watch event held at `gate` before the Reflector gets it. */
function gated(source: ListerWatcher, gate: Gate): ListerWatcher {
  return {
    list: (options) => source.list(options),
    watch: (options) => {
      const watch = source.watch(options);
      return {
        close: () => watch.close(),
        async *[Symbol.asyncIterator](): AsyncIterator<SourceEvent> {
          for await (const event of watch) {
            await gate.pass();
            yield event;
          }
        },
      };
    },
  };
}

/** The namespaces, names and resourceVersions of the pods a cache holds now (under `prefix`), in key order. */
function contentOf(cache: WatchCache, prefix?: string): string[] {
  const list = cache.tryList({ resourceVersion: '0', ...(prefix === undefined ? {} : { prefix }) });
  if (list === undefined) throw new Error('a list at resourceVersion 0 never waits');
  return list.items.map((item) => {
    const { namespace, name, resourceVersion } = item.getObject().metadata ?? {};
    return `${namespace}/${name}@${resourceVersion}`;
  });
}

describe('Reflector + WatchCache over HTTP (httpListerWatcher) against the host', () => {
  let server: ApiServer | undefined;
  let reflector: Reflector | undefined;
  let cache: WatchCache | undefined;
  afterEach(async () => {
    await reflector?.stop();
    cache?.close();
    await server?.close();
  });

  it('syncs all pods (paged lists), then follows creates, updates and deletes', async () => {
    server = await startApiServer({ seed: { namespaces: 3, nodes: 5, pods: 1200, configmaps: 0 } });
    cache = new WatchCache({ resource: 'pods' });
    reflector = new Reflector(httpListerWatcher({ url: `${server.url}/api/v1/pods`, pageSize: 500 }), cache, { progressIntervalMs: 0 });
    reflector.start();
    await cache.onReady();
    const serverPods = server.cachers.get(podsInfo)!;
    expect(cache.size).toBe(1200);
    expect(contentOf(cache)).toHaveLength(1200);
    expect(contentOf(cache)).toEqual(contentOf(serverPods.cache));

    const created = await call(server.url, 'POST', '/api/v1/namespaces/default/pods', { body: pod('followed') });
    expect(created.status).toBe(201);
    const key = storageKey(podsInfo, 'followed', 'default');
    await eventually(() => cache!.get(key)?.getObject().metadata?.resourceVersion, (rv) => rv === created.body.metadata.resourceVersion, 'the create');
    const patched = await call(server.url, 'PATCH', '/api/v1/namespaces/default/pods/followed', { body: { metadata: { labels: { seen: 'yes' } } }, headers: { 'Content-Type': 'application/merge-patch+json' } });
    expect(patched.status).toBe(200);
    await eventually(() => cache!.get(key)?.getObject().metadata?.labels?.['seen'], (seen) => seen === 'yes', 'the update');
    expect((await call(server.url, 'DELETE', '/api/v1/namespaces/default/pods/followed')).status).toBe(200);
    await eventually(() => cache!.get(key), (object) => object === undefined, 'the delete');
    await eventually(() => cache!.revision, (revision) => revision === serverPods.cache.revision, 'the revisions to meet');
    expect(contentOf(cache)).toEqual(contentOf(serverPods.cache));
    expect(reflector.stats).toMatchObject({ lists: 1, watches: 1 });
  });

  it('a client that stops reading is shed by the host: the watch ends cleanly, the Reflector re-watches from its revision and catches up', async () => {
    const clock = new FakeClock(Date.UTC(2026, 0, 1));
    server = await startApiServer({ clock, seed: { namespaces: 2, nodes: 2, pods: 20, configmaps: 0 } });
    const serverPods = server.cachers.get(podsInfo)!;
    const gate = new Gate();
    cache = new WatchCache({ resource: 'pods' });
    // One namespace: the host routes it by namespace, with the short queue of routed watchers.
    reflector = new Reflector(gated(httpListerWatcher({ url: `${server.url}/api/v1/namespaces/default/pods` }), gate), cache, { progressIntervalMs: 0 });
    reflector.start();
    await cache.onReady();
    await eventually(() => serverPods.stats.watchers, (count) => count === 1, 'the watch on the host');
    const [target] = contentOf(cache);
    expect(target).toBeDefined();
    const key = storageKey(podsInfo, target!.slice('default/'.length, target!.indexOf('@')), 'default');

    // The client stops reading; large updates fill the socket buffers, then the watcher's queue: the dispatcher waits on it.
    gate.close();
    const blob = 'x'.repeat(64 * 1024);
    let writes = 0;
    while (!serverPods.stats.isDispatcherWaiting) {
      expect(writes).toBeLessThan(5000);
      await server.storage.guaranteedUpdate(key, (current) => ({ ...current!, metadata: { ...current!.metadata, annotations: { blob: `${writes}${blob}` } } }));
      writes++;
      if (writes % 8 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    // Past the dispatcher's time budget (100 ms on the host's clock) the watcher is shed, the other changes go on.
    expect(writes).toBeGreaterThan(10);
    clock.advance(1000);
    await eventually(() => serverPods.stats.watchers, (count) => count === 0, 'the shed');
    expect(serverPods.stats.isDispatcherWaiting).toBe(false);
    const metrics = await call(server.url, 'GET', '/metrics');
    expect(metrics.text).toMatch(/^apiserver_kit_terminated_watchers_total\{reason="unresponsive"\} 1$/m);
    for (let i = 0; i < 5; i++) {
      await server.storage.guaranteedUpdate(key, (current) => ({ ...current!, metadata: { ...current!.metadata, annotations: { after: String(i) } } }));
    }

    // Reading again: the rest of the stream, its clean end, a new watch from the last revision, the changes since.
    gate.open();
    await eventually(() => reflector!.stats.watches, (count) => count >= 2, 'the re-watch');
    await eventually(() => cache!.get(key)?.getObject().metadata?.annotations?.['after'], (after) => after === '4', 'the changes after the shed');
    expect(cache.get(key)?.getObject().metadata?.resourceVersion).toBe(serverPods.cache.get(key)?.getObject().metadata?.resourceVersion);
    expect(reflector.stats.lists).toBe(1);
    expect(contentOf(cache)).toEqual(contentOf(serverPods.cache, '/pods/default/'));
  });
});
