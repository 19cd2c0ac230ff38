/**
 * @kubernetes/client-node 1.4's informer (`makeInformer`: client-node's
 * ListWatch) against an in-process server of 3 000 pods: it syncs, follows
 * adds, updates and deletes, and recovers as Kubernetes' clients must from
 * the two ways a server ends a watch — the watch's time is up (the server
 * closes the stream: the informer re-watches from the last resourceVersion
 * it saw), and the resourceVersion is no longer in the watch cache's history
 * (an ERROR event with a 410 Status: the informer relists). The server runs
 * on a FakeClock: the watch timeout (`--min-request-timeout`) and the
 * history's time window are moved by advancing it, never by waiting.
 */
import * as k8s from '@kubernetes/client-node';
import { FakeClock } from '@apiserver-kit/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CORE_V1_RESOURCES, storageKey } from '../src/resources.js';
import { type ApiServer, startApiServer } from '../src/server.js';
import { eventually, pod } from './server-helpers.js';

const podsInfo = CORE_V1_RESOURCES.find((info) => info.resource === 'pods')!;
const namespacesInfo = CORE_V1_RESOURCES.find((info) => info.resource === 'namespaces')!;
const MIN_REQUEST_TIMEOUT_SECONDS = 1800;
/** More than the longest watch the server grants without `timeoutSeconds` ([min, 2·min) seconds). */
const PAST_EVERY_WATCH_MS = 2 * MIN_REQUEST_TIMEOUT_SECONDS * 1000 + 1000;
/** More than the watch cache history's time window (75 s). */
const PAST_HISTORY_WINDOW_MS = 80_000;


/** An informer with everything it did recorded: events by kind, (re)connects, lists, errors. */
interface Recorded {
  readonly informer: k8s.ListWatch<k8s.V1Pod>;
  readonly events: Array<{ type: 'add' | 'update' | 'delete'; name: string; resourceVersion: string }>;
  readonly connects: number[];
  readonly lists: number[];
  readonly errors: unknown[];
}

function recordedInformer(kubeconfig: k8s.KubeConfig, namespace?: string): Recorded {
  const api = kubeconfig.makeApiClient(k8s.CoreV1Api);
  const lists: number[] = [];
  const list = async (): Promise<k8s.V1PodList> => {
    lists.push(Date.now());
    return namespace === undefined ? api.listPodForAllNamespaces() : api.listNamespacedPod({ namespace });
  };
  const path = namespace === undefined ? '/api/v1/pods' : `/api/v1/namespaces/${namespace}/pods`;
  // makeInformer builds a ListWatch; its type says only Informer & ObjectCache, and the tests read latestResourceVersion().
  const informer = k8s.makeInformer(kubeconfig, path, list) as k8s.ListWatch<k8s.V1Pod>;
  const recorded: Recorded = { informer, events: [], connects: [], lists, errors: [] };
  for (const type of ['add', 'update', 'delete'] as const) {
    informer.on(type, (object) => recorded.events.push({ type, name: object.metadata?.name ?? '', resourceVersion: object.metadata?.resourceVersion ?? '' }));
  }
  informer.on('connect', () => recorded.connects.push(Date.now()));
  informer.on('error', (error) => recorded.errors.push(error));
  return recorded;
}

describe('@kubernetes/client-node 1.4 informer against a server of 3 000 pods', () => {
  const clock = new FakeClock(Date.UTC(2026, 0, 1));
  let server: ApiServer;
  let kubeconfig: k8s.KubeConfig;
  let api: k8s.CoreV1Api;
  let all: Recorded;
  let quiet: Recorded;

  beforeAll(async () => {
    server = await startApiServer({ clock, minRequestTimeoutSeconds: MIN_REQUEST_TIMEOUT_SECONDS, seed: { namespaces: 10, nodes: 100, pods: 3000, configmaps: 0 } });
    await server.storage.create(storageKey(namespacesInfo, 'quiet'), { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'quiet' } });
    for (const name of ['q-0', 'q-1']) await server.storage.create(storageKey(podsInfo, name, 'quiet'), pod(name, 'quiet'));
    kubeconfig = new k8s.KubeConfig();
    kubeconfig.loadFromString(server.kubeconfig());
    api = kubeconfig.makeApiClient(k8s.CoreV1Api);
  });

  afterAll(async () => {
    await all?.informer.stop();
    await quiet?.informer.stop();
    await server?.close();
  });

  /** The revision the pods' watch cache has reached. */
  const cacheRevision = (): number => server.cachers.get(podsInfo)!.cache.stats.revision;

  it('syncs: one list of 3 002 pods, then a watch from its resourceVersion', async () => {
    all = recordedInformer(kubeconfig);
    await all.informer.start();
    expect(all.informer.list()).toHaveLength(3002);
    expect(all.lists).toHaveLength(1);
    expect(all.events.filter((event) => event.type === 'add')).toHaveLength(3002);
    expect(all.informer.get('q-0', 'quiet')?.metadata?.namespace).toBe('quiet');
    await eventually(() => server.cachers.get(podsInfo)!.cache.stats.watchers, (count) => count === 1, 'the informer\'s watch');
    expect(all.errors).toEqual([]);
  });

  it('sees adds, updates and deletes made through the API and by another writer', async () => {
    const before = all.events.length;
    const created = await api.createNamespacedPod({ namespace: 'default', body: { metadata: { name: 'informed' }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } });
    await eventually(() => all.informer.get('informed', 'default')?.metadata?.resourceVersion, (rv) => rv === created.metadata?.resourceVersion, 'the add');
    const patched = await api.patchNamespacedPod(
      { name: 'informed', namespace: 'default', body: { metadata: { labels: { stage: 'two' } } } },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
    await eventually(() => all.informer.get('informed', 'default')?.metadata?.labels?.['stage'], (stage) => stage === 'two', 'the update');
    const [first] = all.informer.list('kube-system');
    await server.storage.delete(storageKey(podsInfo, first!.metadata!.name!, 'kube-system'));
    await api.deleteNamespacedPod({ name: 'informed', namespace: 'default' });
    await eventually(() => all.informer.list().length, (count) => count === 3001, 'the deletes');
    expect(all.events.slice(before).map(({ type, name }) => `${type} ${name}`)).toEqual(['add informed', 'update informed', `delete ${first!.metadata!.name}`, 'delete informed']);
    expect(all.events.at(-3)?.resourceVersion).toBe(patched.metadata?.resourceVersion);
    expect(all.lists).toHaveLength(1);
    expect(all.errors).toEqual([]);
  });

  it('a watch the server closes (its time is up): the informer re-watches from its resourceVersion, without relisting', async () => {
    const connects = all.connects.length;
    const resourceVersion = all.informer.latestResourceVersion();
    clock.advance(PAST_EVERY_WATCH_MS);
    await eventually(() => all.connects.length, (count) => count === connects + 1, 'the re-watch');
    await eventually(() => server.cachers.get(podsInfo)!.cache.stats.watchers, (count) => count === 1, 'the new watch on the server');
    // A change after the close reaches the informer through the new watch, and nothing was listed again.
    await server.storage.create(storageKey(podsInfo, 'after-close', 'default'), pod('after-close'));
    await eventually(() => all.informer.get('after-close', 'default'), (object) => object !== undefined, 'the add after the re-watch');
    expect(all.lists).toHaveLength(1);
    expect(Number(all.informer.latestResourceVersion())).toBeGreaterThan(Number(resourceVersion));
    expect(all.informer.list()).toHaveLength(3002);
    expect(all.errors).toEqual([]);
  });

  it('a resourceVersion older than the watch cache history: ERROR event 410 Expired, the informer relists and goes on', async () => {
    // An informer of a namespace nobody writes to: its resourceVersion stays at its list's while the other pods change.
    quiet = recordedInformer(kubeconfig, 'quiet');
    await quiet.informer.start();
    expect(quiet.informer.list().map((object) => object.metadata?.name)).toEqual(['q-0', 'q-1']);
    const listedAt = Number(quiet.informer.latestResourceVersion());
    await eventually(() => server.cachers.get(podsInfo)!.cache.stats.watchers, (count) => count === 2, 'both watches');

    // Churn elsewhere until the history, which keeps a time window of events, no longer reaches back to that revision.
    const busy = all.informer.list('default').slice(0, 50).map((object) => object.metadata!.name!);
    for (let round = 0; server.cachers.get(podsInfo)!.cache.stats.historyStart <= listedAt; round++) {
      expect(round).toBeLessThan(10);
      clock.advance(PAST_HISTORY_WINDOW_MS);
      for (let i = 0; i < 150; i++) {
        const name = busy[i % busy.length]!;
        await server.storage.guaranteedUpdate(storageKey(podsInfo, name, 'default'), (current) => ({ ...current!, metadata: { ...current!.metadata, annotations: { churn: `${round}-${i}` } } }));
      }
    }
    clock.advance(PAST_HISTORY_WINDOW_MS);
    // The all-pods informer has seen every change (it must not lag behind the history when its watch ends too).
    await eventually(() => Number(all.informer.latestResourceVersion()), (rv) => rv === cacheRevision(), 'the all-pods informer to catch up');
    expect(Number(quiet.informer.latestResourceVersion())).toBe(listedAt);
    expect(server.cachers.get(podsInfo)!.cache.stats.historyStart).toBeGreaterThan(listedAt);

    const quietLists = quiet.lists.length;
    const allLists = all.lists.length;
    clock.advance(PAST_EVERY_WATCH_MS);
    // The quiet informer's re-watch from its old revision gets the ERROR event; it relists.
    await eventually(() => quiet.lists.length, (count) => count === quietLists + 1, 'the relist after 410');
    await eventually(() => server.cachers.get(podsInfo)!.cache.stats.watchers, (count) => count === 2, 'both watches again');
    expect(Number(quiet.informer.latestResourceVersion())).toBeGreaterThanOrEqual(server.cachers.get(podsInfo)!.cache.stats.historyStart);
    // The relist changed nothing the informer held: no spurious deletes or updates.
    expect(quiet.events.map(({ type, name }) => `${type} ${name}`)).toEqual(['add q-0', 'add q-1']);
    expect(all.lists).toHaveLength(allLists);

    // And it watches again: a pod created in its namespace arrives.
    await api.createNamespacedPod({ namespace: 'quiet', body: { metadata: { name: 'q-2' }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } });
    await eventually(() => quiet.informer.get('q-2', 'quiet'), (object) => object !== undefined, 'the add after the relist');
    await eventually(() => all.informer.get('q-2', 'quiet'), (object) => object !== undefined, 'the add, seen by the all-pods informer');
    expect(quiet.errors).toEqual([]);
    expect(all.errors).toEqual([]);
  });
});
