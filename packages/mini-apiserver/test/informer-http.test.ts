/**
 * The first acceptance item with real clients: our Informer
 * (`@apiserver-kit/controller`) fed by the reference host over HTTP
 * (`connect()` → cache's httpListerWatcher), and — for what needs no server
 * internals — the same test against the in-process fake API.
 *
 * - A handler that takes 2 ms per event sees all 300 creates, in order, and
 *   nothing escapes: each registration has its own queue and loop (client-go
 *   shared_informer.go `processorListener`: `add` / `pop` / `run`, an
 *   unbounded buffer between the informer and the handler), so the watch is
 *   read as fast as it arrives and the host never sheds it (the issue's
 *   `Cacher.watch` with the same handler saw 46 of 300, then Gone 410).
 * - A watch the server ends (its time is up) is reopened from the last
 *   revision, without a relist (reflector.go `ListAndWatch` /
 *   `watchWithResync` → `watchHandler` returning nil: re-watch from
 *   `LastSyncResourceVersion`).
 * - A re-watch answered 410 (the revision left the watch cache's history)
 *   relists by itself (reflector.go `watchHandler` → `isExpiredError` →
 *   `setIsLastSyncResourceVersionUnavailable`, then `ListAndWatch` again), and
 *   the handlers get the difference only (DeltaFIFO `Replace`: no
 *   notification for unchanged objects, updates for changed ones,
 *   `DeletedFinalStateUnknown` for the ones deleted meanwhile).
 *
 * The host runs on a FakeClock: watch deadlines and the history's time window
 * move by advancing it, never by waiting. Settle points are the write ledger
 * (`factory.settle()`, `informer.waitForDelivered(api.writes)`); `eventually`
 * only counts watchers on the server side.
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { Cacher, ListerWatcher, SourceEvent, SourceWatch } from '@apiserver-kit/cache';
import { isStatusError, type Stored } from '@apiserver-kit/codec';
import { type ApiClient, connect, DeletedFinalStateUnknown, type EventHandler, Informer, PODS, SharedInformerFactory } from '@apiserver-kit/controller';
import { FakeClock } from '@apiserver-kit/core';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { afterEach, describe, expect, it } from 'vitest';
import { createFakeApi } from '../src/fake-api.js';
import { CORE_V1_RESOURCES, storageKey } from '../src/resources.js';
import { type ApiServer, startApiServer } from '../src/server.js';
import { call, eventually, pod as rawPod } from './server-helpers.js';

const podsInfo = CORE_V1_RESOURCES.find((info) => info.resource === 'pods')!;
const MIN_REQUEST_TIMEOUT_SECONDS = 1800;
/** More than the longest watch the server grants ([min, 2·min) seconds, and the client's 300–600 s `timeoutSeconds`). */
const PAST_EVERY_WATCH_MS = 2 * MIN_REQUEST_TIMEOUT_SECONDS * 1000 + 1000;
/** More than the watch cache history's time window (75 s). */
const PAST_HISTORY_WINDOW_MS = 80_000;
const START = Date.UTC(2026, 0, 1);

function pod(name: string, namespace: string): Pod {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace }, spec: { containers: [{ name: 'main', image: 'nginx' }] } };
}

/** One notification as a handler saw it. */
interface Seen {
  readonly kind: 'add' | 'update' | 'delete';
  readonly name: string;
  readonly resourceVersion: string;
  readonly initial?: boolean;
  readonly oldResourceVersion?: string;
  readonly tombstone?: DeletedFinalStateUnknown<Pod>;
}

/** A handler recording what it is told; `work` runs before each record (the handler's own work). */
function recorder(work: () => Promise<void> = () => Promise.resolve()): { readonly handler: EventHandler<Pod>; readonly seen: Seen[] } {
  const seen: Seen[] = [];
  const rv = (object: Stored<Pod>): string => object.metadata.resourceVersion ?? '';
  const handler: EventHandler<Pod> = {
    onAdd: async (object, initial) => {
      await work();
      seen.push({ kind: 'add', name: object.metadata.name ?? '', resourceVersion: rv(object), initial });
    },
    onUpdate: async (old, object) => {
      await work();
      seen.push({ kind: 'update', name: object.metadata.name ?? '', resourceVersion: rv(object), oldResourceVersion: rv(old) });
    },
    onDelete: async (object) => {
      await work();
      if (object instanceof DeletedFinalStateUnknown) seen.push({ kind: 'delete', name: object.object.metadata.name ?? '', resourceVersion: rv(object.object), tombstone: object });
      else seen.push({ kind: 'delete', name: object.metadata.name ?? '', resourceVersion: rv(object) });
    },
  };
  return { handler, seen };
}

/**
 * A gate in front of a connection: closed, a watch being opened waits at it
 * (the network is down while the informer reconnects); `reached` resolves
 * once something waits there.
 */
class Gate {
  #open = true;
  #waiters: Array<() => void> = [];
  #onReached: Array<() => void> = [];
  close(): void {
    this.#open = false;
  }
  open(): void {
    this.#open = true;
    for (const wake of this.#waiters.splice(0)) wake();
  }
  /** Resolves when the next consumer waits at the closed gate. */
  reached(): Promise<void> {
    return new Promise((resolve) => this.#onReached.push(resolve));
  }
  /** Waits while closed (or until `signal` aborts). */
  async pass(signal: AbortSignal | undefined): Promise<void> {
    if (this.#open || signal?.aborted === true) return;
    const passed = new Promise<void>((resolve) => {
      this.#waiters.push(resolve);
      signal?.addEventListener('abort', () => resolve(), { once: true });
    });
    for (const reached of this.#onReached.splice(0)) reached();
    await passed;
  }
}

/** A ListerWatcher that records its calls (`list`, `watch <fromRevision>`, `watchList`) and opens its watches through `gate`. */
interface Instrumented extends ListerWatcher {
  readonly calls: string[];
  /** Resolves with the next call. */
  nextCall(): Promise<string>;
}

function instrumented(source: ListerWatcher, gate: Gate = new Gate()): Instrumented {
  const calls: string[] = [];
  let listeners: Array<(call: string) => void> = [];
  const record = (name: string): void => {
    calls.push(name);
    for (const listener of listeners.splice(0)) listener(name);
  };
  const gated = (open: () => SourceWatch, signal: AbortSignal | undefined): SourceWatch => {
    let inner: SourceWatch | undefined;
    let closed = false;
    return {
      requestProgress: () => inner?.requestProgress?.(),
      close: () => {
        closed = true;
        inner?.close();
      },
      async *[Symbol.asyncIterator](): AsyncIterator<SourceEvent> {
        await gate.pass(signal);
        if (closed || signal?.aborted === true) return;
        inner = open();
        yield* inner;
      },
    };
  };
  return {
    calls,
    nextCall: () => new Promise((resolve) => (listeners = [...listeners, resolve])),
    list: (options) => {
      record('list');
      return source.list(options);
    },
    watch: (options) => {
      record(`watch ${options.fromRevision}`);
      return gated(() => source.watch(options), options.signal);
    },
    watchList: (options) => {
      record('watchList');
      return gated(() => source.watchList!(options), options.signal);
    },
  };
}

/** A running backend: an ApiClient and the pods' Cacher behind it. */
interface Harness {
  readonly api: ApiClient;
  readonly podsCacher: Cacher;
  /** What the host's /metrics says of watchers the Cacher shed (HTTP only). */
  readonly shedInMetrics?: () => Promise<number>;
  close(): Promise<void>;
}

const BACKENDS: ReadonlyArray<{ readonly name: string; start(): Promise<Harness> }> = [
  {
    name: 'the reference host over HTTP (connect)',
    async start() {
      const server = await startApiServer({ clock: new FakeClock(START), minRequestTimeoutSeconds: MIN_REQUEST_TIMEOUT_SECONDS });
      const api = connect({ url: server.url });
      return {
        api,
        podsCacher: server.cachers.get(podsInfo)!,
        shedInMetrics: async () => {
          const metrics = await call(server.url, 'GET', '/metrics');
          const line = /^apiserver_kit_terminated_watchers_total\{reason="unresponsive"\} (\d+)$/m.exec(metrics.text);
          return line === null ? 0 : Number(line[1]);
        },
        close: async () => {
          await api.close();
          await server.close();
        },
      };
    },
  },
  {
    name: 'the fake API (createFakeApi)',
    async start() {
      const api = await createFakeApi({ clock: new FakeClock(START) });
      return { api, podsCacher: api.cachers.get(api.infoOf(PODS)!)!, close: () => api.close() };
    },
  },
];

describe.each(BACKENDS)('Informer against $name', (backend) => {
  let harness: Harness | undefined;
  let factory: SharedInformerFactory | undefined;
  afterEach(async () => {
    await factory?.stop();
    await harness?.close();
    factory = undefined;
    harness = undefined;
  });

  it('a handler taking 2 ms per event sees all 300 creates, in order, with no exception escaping; the watch never stalls', { timeout: 60_000 }, async () => {
    harness = await backend.start();
    const { api, podsCacher } = harness;
    const namespace = 'busy';
    await api.namespaces().create({ metadata: { name: namespace } });
    const errors: unknown[] = [];
    factory = new SharedInformerFactory(api, { namespace, onError: (error) => errors.push(error) });
    const informer = factory.informerFor(PODS);
    let maxBacklog = 0;
    // The handler's work: a real 2 ms timer per event (not a wait for the test's sake).
    const { handler, seen } = recorder(async () => {
      maxBacklog = Math.max(maxBacklog, informer.pendingNotifications);
      await delay(2);
    });
    informer.addEventHandler(handler);
    factory.start();
    await factory.waitForCacheSync();
    expect(informer.lister.list()).toEqual([]);

    // 300 creates, 20 at a time: the events come in bursts far faster than the handler takes them.
    const created: Stored<Pod>[] = [];
    for (let batch = 0; batch < 15; batch++) {
      const names = Array.from({ length: 20 }, (_, i) => `p-${String(batch * 20 + i).padStart(3, '0')}`);
      created.push(...(await Promise.all(names.map((name) => api.pods(namespace).create(pod(name, namespace))))));
    }
    await factory.settle();

    // Creation order is the server's revision order.
    const inOrder = [...created].sort((a, b) => Number(a.metadata.resourceVersion) - Number(b.metadata.resourceVersion));
    expect(seen.map((event) => `${event.kind} ${event.name}@${event.resourceVersion}`)).toEqual(inOrder.map((object) => `add ${object.metadata.name}@${object.metadata.resourceVersion}`));
    expect(seen.every((event) => event.initial === false)).toBe(true);
    expect(errors).toEqual([]);
    expect(informer.lister.list()).toHaveLength(300);
    expect(informer.lister.list().map((object) => object.metadata.name)).toEqual(created.map((object) => object.metadata.name).sort());
    expect(informer.pendingNotifications).toBe(0);
    // The watch ran ahead of the slow handler (its backlog grew) instead of waiting for it…
    expect(maxBacklog).toBeGreaterThan(1);
    // …so the host never shed it, and the informer neither re-watched nor relisted.
    expect(podsCacher.metrics.watchersTerminated.get('unresponsive')).toBe(0);
    if (harness.shedInMetrics !== undefined) expect(await harness.shedInMetrics()).toBe(0);
    expect(informer.reflectorStats).toMatchObject({ lists: 1, watches: 1, errors: 0 });
  });
});

describe('Informer against the reference host over HTTP: closed and expired watches', () => {
  const clock = new FakeClock(START);
  let server: ApiServer | undefined;
  let api: ApiClient | undefined;
  let informer: Informer<Pod> | undefined;
  let gate: Gate | undefined;
  afterEach(async () => {
    gate?.open();
    await informer?.stop();
    await api?.close();
    await server?.close();
    gate = undefined;
    informer = undefined;
    api = undefined;
    server = undefined;
  });

  async function start(): Promise<{ server: ApiServer; api: ApiClient; podsCacher: Cacher }> {
    server = await startApiServer({ clock, minRequestTimeoutSeconds: MIN_REQUEST_TIMEOUT_SECONDS });
    api = connect({ url: server.url });
    return { server, api, podsCacher: server.cachers.get(podsInfo)! };
  }

  it('a watch the server ends (its time is up): the informer re-watches from its revision without relisting, and a later change arrives', { timeout: 60_000 }, async () => {
    const { api, podsCacher } = await start();
    const errors: unknown[] = [];
    const source = instrumented(api.listerWatcher(PODS, { namespace: 'default' }));
    informer = new Informer<Pod>(source, { type: PODS, namespace: 'default', onError: (error) => errors.push(error) });
    const { handler, seen } = recorder();
    informer.addEventHandler(handler);
    informer.start();
    await informer.onSynced();
    await api.pods('default').create(pod('before', 'default'));
    await informer.waitForDelivered(api.writes);
    await eventually(() => podsCacher.stats.watchers, (count) => count === 1, "the informer's watch on the host");
    expect(source.calls).toEqual(['watchList']);

    // The host ends the watch at its deadline (a clean end of the stream); the informer reopens it at once.
    const reopened = source.nextCall();
    clock.advance(PAST_EVERY_WATCH_MS);
    expect(podsCacher.metrics.watchersTerminated.get('timeout')).toBe(1);
    const resumedWith = await reopened;
    expect(resumedWith).toBe(`watch ${informer.revision}`);
    expect(Number(resumedWith.slice('watch '.length))).toBeGreaterThanOrEqual(Number(seen.at(-1)!.resourceVersion));
    await eventually(() => podsCacher.stats.watchers, (count) => count === 1, 'the new watch on the host');

    const after = await api.pods('default').create(pod('after-close', 'default'));
    await informer.waitForDelivered(api.writes);
    expect(seen.map((event) => `${event.kind} ${event.name}`)).toEqual(['add before', 'add after-close']);
    expect(seen.at(-1)?.resourceVersion).toBe(after.metadata.resourceVersion);
    expect(source.calls).toEqual(['watchList', resumedWith]);
    expect(informer.reflectorStats).toMatchObject({ lists: 1, watches: 2, errors: 0 });
    expect(informer.lister.list().map((object) => object.metadata.name)).toEqual(['after-close', 'before']);
    expect(errors).toEqual([]);
  });

  it('a re-watch answered 410 (its revision left the history while the connection was down): the informer relists by itself and hands over the difference only', { timeout: 60_000 }, async () => {
    const { server, api, podsCacher } = await start();
    await api.namespaces().create({ metadata: { name: 'quiet' } });
    for (const name of ['q-0', 'q-1', 'q-2']) await api.pods('quiet').create(pod(name, 'quiet'));
    // Other writers' pods, to churn the history with (not recorded: the informer does not see them anyway).
    const busy = Array.from({ length: 50 }, (_, i) => `busy-${i}`);
    for (const name of busy) await server.storage.create(storageKey(podsInfo, name, 'default'), rawPod(name));

    const errors: unknown[] = [];
    gate = new Gate();
    const source = instrumented(api.listerWatcher(PODS, { namespace: 'quiet' }), gate);
    // A short backoff before the relist (the default's 800 ms, jittered, is client-go's; the behaviour is the same).
    informer = new Informer<Pod>(source, { type: PODS, namespace: 'quiet', onError: (error) => errors.push(error), reflector: { backoff: { durationMs: 5 } } });
    const { handler, seen } = recorder();
    informer.addEventHandler(handler);
    informer.start();
    await informer.onSynced();
    await informer.waitForDelivered(api.writes);
    expect(seen.map((event) => `${event.kind} ${event.name} ${event.initial}`)).toEqual(['add q-0 true', 'add q-1 true', 'add q-2 true']);
    const before = new Map(informer.lister.list().map((object) => [object.metadata.name, object]));

    // The connection goes down; the host ends the watch at its deadline; the informer's re-watch waits at the gate.
    // (While its watch is open the host's bookmarks keep a quiet informer's revision fresh: the history would not leave it behind.)
    gate.close();
    const reached = gate.reached();
    const reopened = source.nextCall();
    clock.advance(PAST_EVERY_WATCH_MS);
    const resumedWith = await reopened;
    await reached;
    const resumeFrom = Number(resumedWith.slice('watch '.length));
    expect(resumeFrom).toBe(informer.revision);

    // Meanwhile: one pod changes, one is deleted, one is created; the others stay as they were.
    const changed = await api.pods('quiet').patch('q-1', 'merge', { metadata: { labels: { changed: 'yes' } } });
    await api.pods('quiet').delete('q-0');
    const added = await api.pods('quiet').create(pod('q-3', 'quiet'));
    // Churn elsewhere until the history, a time window of events, no longer reaches back to the informer's revision.
    for (let round = 0; podsCacher.stats.historyStart <= resumeFrom; round++) {
      expect(round).toBeLessThan(10);
      clock.advance(PAST_HISTORY_WINDOW_MS);
      for (let i = 0; i < 150; i++) {
        const name = busy[i % busy.length]!;
        await server.storage.guaranteedUpdate(storageKey(podsInfo, name, 'default'), (current) => ({ ...current!, metadata: { ...current!.metadata, annotations: { churn: `${round}-${i}` } } }));
      }
    }
    expect(informer.reflectorStats.lists).toBe(1);

    // Back online: the re-watch from the old revision gets 410; the informer relists (a WatchList) and goes on.
    gate.open();
    await informer.waitForDelivered(api.writes);
    expect(errors).toHaveLength(1);
    expect(isStatusError(errors[0], 'Expired') || isStatusError(errors[0], 'Gone')).toBe(true);
    expect(source.calls).toEqual(['watchList', resumedWith, 'watchList']);
    expect(informer.reflectorStats.lists).toBe(2);

    // The difference only: the update (with the state it replaced), the add, a tombstone for the deleted pod; nothing for q-2.
    const sinceRelist = seen.slice(3);
    expect(sinceRelist.map((event) => `${event.kind} ${event.name}`)).toEqual(['update q-1', 'add q-3', 'delete q-0']);
    const [update, add, deletion] = sinceRelist;
    expect(update).toMatchObject({ oldResourceVersion: before.get('q-1')!.metadata.resourceVersion, resourceVersion: changed.metadata.resourceVersion });
    expect(add).toMatchObject({ initial: false, resourceVersion: added.metadata.resourceVersion });
    expect(deletion!.tombstone).toBeInstanceOf(DeletedFinalStateUnknown);
    expect(deletion!.tombstone!.key).toContain('quiet/q-0');
    expect(deletion!.tombstone!.object.metadata.resourceVersion).toBe(before.get('q-0')!.metadata.resourceVersion);
    // q-2 is unchanged: the relist's copy replaces it in the lister, silently.
    expect(informer.lister.get('quiet', 'q-2')).toEqual(before.get('q-2'));

    // The lister equals the server's list.
    const listed = await api.pods('quiet').list();
    const summary = (object: Stored<Pod>): string => `${object.metadata.name}@${object.metadata.resourceVersion}`;
    expect(informer.lister.list().map(summary)).toEqual(listed.items.map(summary));
    expect(informer.revision).toBeGreaterThanOrEqual(podsCacher.stats.historyStart);

    // And it watches again.
    await api.pods('quiet').create(pod('q-4', 'quiet'));
    await informer.waitForDelivered(api.writes);
    expect(seen.at(-1)).toMatchObject({ kind: 'add', name: 'q-4', initial: false });
    expect(informer.reflectorStats.lists).toBe(2);
    expect(errors).toHaveLength(1);
  });
});
