import { FakeClock } from '@apiserver-kit/storage';
import { describe, expect, it } from 'vitest';
import { type Encoder, JsonEncoder, type KubeObject, ListEncoder, type Sink, SpliceBuffer, WatchEventEncoder } from '@apiserver-kit/codec';
import { Cacher, CacherMetrics, type CacheWatcher, fieldIndex, namespaceIndex } from '../src/index.js';
import { pod } from './helpers.js';

/** Counts encodes per object version (name@rv; bookmarks as bookmark@rv) on top of the metrics' counter. */
function countingEncoder(metrics: CacherMetrics, perVersion: Map<string, number>): Encoder {
  const counted = metrics.countEncodes(new JsonEncoder());
  return {
    identifier: counted.identifier,
    mediaType: counted.mediaType,
    listFraming: counted.listFraming,
    watchFraming: counted.watchFraming,
    encode(object: KubeObject, sink: Sink): void {
      // A DELETED sent on a move out of a selector is the previous content at the new revision: a version of its own.
      const content = object.metadata?.name === undefined ? '' : `#${JSON.stringify([(object.spec as { nodeName?: string } | undefined)?.nodeName, object.metadata.labels])}`;
      const version = `${object.metadata?.namespace ?? ''}/${object.metadata?.name ?? 'bookmark'}@${object.metadata?.resourceVersion ?? ''}${content}`;
      perVersion.set(version, (perVersion.get(version) ?? 0) + 1);
      counted.encode(object, sink);
    },
  };
}

describe('Cacher — serialize once', () => {
  it('LIST + WatchList + watch from 0 + replay + live events for 1 000 watchers: one encode per object version per identifier', async () => {
    const clock = new FakeClock();
    const metrics = new CacherMetrics();
    const cacher = new Cacher({ resource: 'pods', clock, metrics, indexes: [namespaceIndex(), fieldIndex('spec.nodeName')],
      // Half the watchers read only at the end: queues big enough that nobody waits or is shed here.
      queueSizes: { routed: 1000, filtered: 1000 },
      bookmarkIntervalMs: 0,
    });
    const perVersion = new Map<string, number>();
    const encoder = countingEncoder(metrics, perVersion);
    const watchEncoder = new WatchEventEncoder(encoder);
    const listEncoder = new ListEncoder(encoder);
    const OBJECTS = 200;
    cacher.cache.replace(
      Array.from({ length: OBJECTS }, (_, i) => pod({ ns: `ns${i % 4}`, name: `p${i}`, rv: 1, node: `node-${i % 10}` })),
      1,
    );
    const sink = new SpliceBuffer();
    // A LIST first: its items' bytes are then reused by every watcher's initial events.
    const list = await cacher.list();
    listEncoder.encode({ apiVersion: 'v1', kind: 'PodList', metadata: { resourceVersion: list.resourceVersion } }, list.items, sink);
    expect(list.items).toHaveLength(OBJECTS);

    const watchers: CacheWatcher[] = [];
    for (let i = 0; i < 1000; i++) {
      const kind = i % 5;
      if (kind === 0) watchers.push(await cacher.watch({ sendInitialEvents: true, resourceVersionMatch: 'NotOlderThan', allowWatchBookmarks: true }));
      else if (kind === 1) watchers.push(await cacher.watch({ resourceVersion: '0', namespace: `ns${i % 4}` }));
      else if (kind === 2) watchers.push(await cacher.watch({ resourceVersion: '1', fieldSelector: `spec.nodeName=node-${i % 10}` }));
      else if (kind === 3) watchers.push(await cacher.watch({ resourceVersion: '1', labelSelector: 'app=x' }));
      else watchers.push(await cacher.watch({ resourceVersion: '1' }));
    }
    // 60 writes: moves between nodes (transitions for the per-node watchers), label changes, deletes, creates.
    let revision = 1;
    const versions = new Set<string>();
    for (let i = 0; i < 60; i++) {
      revision++;
      const n = i % 3;
      const name = `p${(i * 7) % OBJECTS}`;
      const ns = `ns${((i * 7) % OBJECTS) % 4}`;
      if (n === 2 && i % 6 === 5) {
        cacher.cache.apply({ type: 'DELETED', object: pod({ ns, name, rv: revision }), revision });
      } else {
        cacher.cache.apply({ type: 'MODIFIED', object: pod({ ns, name, rv: revision, node: `node-${i % 10}`, ...(n === 1 ? { labels: { app: 'x' } } : {}) }), revision });
      }
      versions.add(`${ns}/${name}@${revision}`);
      // Half the watchers read as they go, the rest at the end (events then come from their queues and the ring).
      for (const watcher of watchers.slice(0, 500)) for (let e = watcher.tryNext(); e !== undefined; e = watcher.tryNext()) watchEncoder.encode(e, sink);
      sink.take();
    }
    expect(cacher.stats.isDispatcherWaiting).toBe(false);
    let delivered = 0;
    for (const watcher of watchers) {
      for (let e = watcher.tryNext(); e !== undefined; e = watcher.tryNext()) {
        watchEncoder.encode(e, sink);
        delivered++;
      }
      expect(watcher.isStopped).toBe(false);
      sink.take();
    }
    expect(delivered).toBeGreaterThan(1000);
    // Every version encoded at most once, and exactly the versions that were listed or delivered.
    const repeated = [...perVersion].filter(([, count]) => count !== 1);
    expect(repeated).toEqual([]);
    const objectEncodes = [...perVersion.keys()].filter((v) => !v.startsWith('/bookmark@')).length;
    // The listed versions, the written ones, and the DELETED-on-move-out copies (previous content at the new revision).
    expect(objectEncodes).toBeGreaterThanOrEqual(OBJECTS + versions.size);
    expect(objectEncodes).toBeLessThanOrEqual(OBJECTS + 2 * versions.size);
    // One end-of-initial-events bookmark, shared by all 200 WatchList watchers.
    expect([...perVersion.keys()].filter((v) => v.startsWith('/bookmark@'))).toEqual(['/bookmark@1']);
    expect(metrics.encodes.get(encoder.identifier)).toBe(perVersion.size);
    await cacher.stop();
  });
});
