/**
 * `api.listerWatcher` (cache's httpListerWatcher) against the reference host,
 * in JSON and in Kubernetes protobuf: the same lists, the same watch events,
 * the same WatchList streams (client-go reflector `watchList`: the
 * initial-events-end bookmark) — and a Reflector synced over each.
 */
import { connect, type HttpApiClient, loadKubeconfig, NODES, PODS } from '@apiserver-kit/controller';
import { type ListerWatcher, Reflector, type SourceEvent, type SourceWatch, WatchCache } from '@apiserver-kit/cache';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ApiServer, startApiServer } from '../src/index.js';
import { eventually } from './server-helpers.js';

let server: ApiServer;
let json: HttpApiClient;
let protobuf: HttpApiClient;

beforeEach(async () => {
  server = await startApiServer();
  const kubeconfig = loadKubeconfig({ text: server.kubeconfig() });
  json = connect({ kubeconfig });
  protobuf = connect({ kubeconfig, accept: 'protobuf' });
});
afterEach(async () => {
  await json.close();
  await protobuf.close();
  await server.close();
});

function pod(name: string, namespace: string, labels: Record<string, string>): Pod {
  return {
    metadata: { name, namespace, labels, annotations: { note: 'ü → ✓' } },
    spec: { nodeName: 'n1', containers: [{ name: 'main', image: 'nginx', ports: [{ containerPort: 80 }], resources: { limits: { cpu: '500m', memory: '1Gi' } } }] },
  };
}

async function seed(): Promise<void> {
  for (let i = 0; i < 12; i++) await json.pods('default').create(pod(`p${String(i).padStart(2, '0')}`, 'default', { app: i % 2 === 0 ? 'even' : 'odd' }));
  await json.pods('kube-system').create(pod('sys', 'kube-system', { app: 'even' }));
}

/** The first `n` events of a watch, then closes it. */
async function first(watch: SourceWatch, n: number): Promise<SourceEvent[]> {
  const events: SourceEvent[] = [];
  try {
    for await (const event of watch) {
      events.push(event);
      if (events.length === n) break;
    }
  } finally {
    watch.close();
  }
  return events;
}

/** What an event says, independent of the format. */
function summary(event: SourceEvent): unknown {
  return event.type === 'BOOKMARK' ? { type: event.type, revision: event.revision, end: event.initialEventsEnd === true } : { type: event.type, revision: event.revision, object: event.object };
}

describe('api.listerWatcher over HTTP: JSON and protobuf give the same list and watch', () => {
  it('list: the same items at the same revision, in a namespace and with a label selector', async () => {
    await seed();
    for (const scope of [{ namespace: 'default' }, { labelSelector: 'app=even' }, {}]) {
      const [a, b] = await Promise.all([json.listerWatcher(PODS, scope).list({}), protobuf.listerWatcher(PODS, scope).list({})]);
      expect(b.revision).toBe(a.revision);
      expect(b.items).toEqual(a.items);
      expect(a.items.length).toBeGreaterThan(0);
      expect(a.items[0]).toMatchObject({ apiVersion: 'v1', kind: 'Pod' });
    }
    const nodes = await protobuf.listerWatcher(NODES).list({});
    expect(nodes.items).toEqual([]);
  });

  it('watch from a revision: the same ADDED / MODIFIED / DELETED events', async () => {
    await seed();
    const from = (await json.listerWatcher(PODS).list({})).revision;
    const jsonWatch = json.listerWatcher(PODS, { namespace: 'default' }).watch({ fromRevision: from });
    const protoWatch = protobuf.listerWatcher(PODS, { namespace: 'default' }).watch({ fromRevision: from });
    const pods = json.pods('default');
    await pods.create(pod('new', 'default', { app: 'odd' }));
    await pods.patch('new', 'merge', { metadata: { labels: { app: 'even' } } });
    await pods.delete('p00');
    await json.pods('kube-system').delete('sys');
    const [a, b] = await Promise.all([first(jsonWatch, 3), first(protoWatch, 3)]);
    expect(a.map((e) => e.type)).toEqual(['ADDED', 'MODIFIED', 'DELETED']);
    expect(b.map(summary)).toEqual(a.map(summary));
  });

  it('watchList: the state as ADDED events, the initial-events-end BOOKMARK (initialEventsEnd), then changes — in both formats', async () => {
    await seed();
    const jsonStream = json.listerWatcher(PODS, { namespace: 'default', labelSelector: 'app=odd' }).watchList!({});
    const protoStream = protobuf.listerWatcher(PODS, { namespace: 'default', labelSelector: 'app=odd' }).watchList!({});
    const jsonEvents = jsonStream[Symbol.asyncIterator]();
    const protoEvents = protoStream[Symbol.asyncIterator]();
    const initial = async (events: AsyncIterator<SourceEvent>): Promise<SourceEvent[]> => {
      const out: SourceEvent[] = [];
      for (;;) {
        const next = await events.next();
        if (next.done === true) throw new Error('the WatchList stream ended before its end bookmark');
        if (next.value.type === 'BOOKMARK' && next.value.initialEventsEnd !== true) continue; // progress bookmarks may come any time
        out.push(next.value);
        if (next.value.type === 'BOOKMARK') return out;
      }
    };
    const [a, b] = await Promise.all([initial(jsonEvents), initial(protoEvents)]);
    expect(a.filter((e) => e.type === 'ADDED')).toHaveLength(6);
    expect(a.at(-1)).toMatchObject({ type: 'BOOKMARK', initialEventsEnd: true, revision: json.writes.revision });
    expect(b.map(summary)).toEqual(a.map(summary));
    await json.pods('default').create(pod('late', 'default', { app: 'odd' }));
    const [x, y] = await Promise.all([jsonEvents.next(), protoEvents.next()]);
    expect(x.value).toMatchObject({ type: 'ADDED', object: { metadata: { name: 'late' } } });
    expect(summary(y.value as SourceEvent)).toEqual(summary(x.value as SourceEvent));
    jsonStream.close();
    protoStream.close();
  });

  it('a Reflector syncs a WatchCache over each (WatchList first), then follows writes', async () => {
    await seed();
    const caches: WatchCache[] = [];
    const reflectors: Reflector[] = [];
    for (const source of [json.listerWatcher(PODS), protobuf.listerWatcher(PODS)] satisfies ListerWatcher[]) {
      const cache = new WatchCache({ resource: 'pods' });
      const reflector = new Reflector(source, cache, { progressIntervalMs: 0 });
      reflector.start();
      caches.push(cache);
      reflectors.push(reflector);
    }
    try {
      await json.pods('default').delete('p05');
      const target = json.writes.revision;
      await eventually(
        () => caches.map((cache) => cache.revision),
        (revisions) => revisions.every((r) => r >= target),
        'both caches at the last write',
      );
      const names = await Promise.all(caches.map(async (cache) => (await cache.list({ resourceVersion: '0' })).items.map((item) => item.getObject().metadata?.name)));
      expect(names[0]).toHaveLength(12);
      expect(names[1]).toEqual(names[0]);
      expect(reflectors.map((r) => r.stats.usesWatchList)).toEqual([true, true]);
    } finally {
      for (const reflector of reflectors) await reflector.stop();
      for (const cache of caches) cache.close();
    }
  });

  it('resource clients read protobuf too: get, list, watch equal JSON; errors keep the Status message', async () => {
    await seed();
    expect(await protobuf.pods('default').get('p01')).toEqual(await json.pods('default').get('p01'));
    const [a, b] = await Promise.all([json.pods('default').list({ labelSelector: 'app=odd' }), protobuf.pods('default').list({ labelSelector: 'app=odd' })]);
    expect(b).toEqual(a);
    await expect(protobuf.pods('default').get('nope')).rejects.toMatchObject({ reason: 'NotFound', code: 404, message: 'pods "nope" not found' });
    const watch = protobuf.pods('default').watch({ resourceVersion: a.metadata.resourceVersion });
    const events = watch[Symbol.asyncIterator]();
    // With a label: protobuf cannot tell an empty map from none (as in Kubernetes), JSON keeps `labels: {}`.
    const created = await protobuf.pods('default').create(pod('w', 'default', { app: 'w' }));
    expect((await events.next()).value).toEqual({ type: 'ADDED', object: created });
    watch.close();
  });
});
