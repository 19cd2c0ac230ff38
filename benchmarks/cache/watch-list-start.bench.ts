/**
 * WatchList start: clients each opening a watch with `sendInitialEvents=true`
 * over 10 000 pods and reading up to the initial-events-end bookmark, framing
 * every event in JSON. The Cacher streams the snapshot's shared ADDED events
 * (bytes made once per object version, whichever client asked first); the
 * naive server sorts its map and encodes every object for every client.
 */
import { isDeepStrictEqual } from 'node:util';
import { CachingObject, INITIAL_EVENTS_END_ANNOTATION, JsonEncoder, type KubeObject, SpliceBuffer, WatchEventEncoder } from '@apiserver-kit/codec';
import { Cacher, CacherMetrics, type CacheWatcher } from '@apiserver-kit/cache';
import { FakeClock } from '@apiserver-kit/storage';
import { makePod } from '../fixtures/pod.js';
import { formatCount } from '../lib/format.js';
import { assert, checkTable, measureTable, row, target, type RunOptions, type Suite, type SuiteResult, type TableSpec, type TextTable, ratioTarget } from '../lib/harness.js';

const FULL_PODS = 10_000;
const SMOKE_PODS = 200;
/** Clients whose encodes are counted in the summary (each a full WatchList to the bookmark). */
const FULL_CLIENTS = 1_000;
const SMOKE_CLIENTS = 10;

function keyOf(object: KubeObject): string {
  return `/pods/${object.metadata?.namespace ?? ''}/${object.metadata?.name ?? ''}`;
}

interface Fixture {
  readonly cacher: Cacher;
  readonly metrics: CacherMetrics;
  readonly encoder: WatchEventEncoder;
  readonly pods: readonly KubeObject[];
  readonly naive: Map<string, KubeObject>;
  readonly revision: number;
}

function fixture(count: number): Fixture {
  const metrics = new CacherMetrics();
  const pods = Array.from({ length: count }, (_, i) => new CachingObject(makePod(i)).getObject());
  const cacher = new Cacher({ resource: 'pods', clock: new FakeClock(), metrics, bookmarkIntervalMs: 0 });
  cacher.cache.replace(pods, 50_000);
  const naive = new Map<string, KubeObject>();
  for (const pod of pods) naive.set(keyOf(pod), pod);
  return { cacher, metrics, encoder: new WatchEventEncoder(metrics.countEncodes(new JsonEncoder())), pods, naive, revision: 50_000 };
}

function openWatchList(f: Fixture): Promise<CacheWatcher> {
  return f.cacher.watch({ sendInitialEvents: true, resourceVersionMatch: 'NotOlderThan', allowWatchBookmarks: true });
}

/** Reads an open WatchList up to its bookmark, framing every event into `sink`; returns the events read. Synchronous. */
function readToBookmark(f: Fixture, watcher: CacheWatcher, sink: SpliceBuffer): number {
  let events = 0;
  for (let event = watcher.tryNext(); event !== undefined; event = watcher.tryNext()) {
    f.encoder.encode(event, sink);
    events++;
    if (event.type === 'BOOKMARK') break;
  }
  watcher.close();
  return events;
}

/** One client: opens the WatchList and reads it to the bookmark. */
async function watchListClient(f: Fixture, sink: SpliceBuffer): Promise<number> {
  return readToBookmark(f, await openWatchList(f), sink);
}

function naiveClient(f: Fixture, sink: SpliceBuffer): number {
  const keys = [...f.naive.keys()].sort();
  for (const key of keys) sink.writeBytes(Buffer.from(`${JSON.stringify({ type: 'ADDED', object: f.naive.get(key) })}\n`));
  sink.writeBytes(Buffer.from(`${JSON.stringify({ type: 'BOOKMARK', object: { kind: 'Pod', apiVersion: 'v1', metadata: { resourceVersion: String(f.revision), annotations: { [INITIAL_EVENTS_END_ANNOTATION]: 'true' } } } })}\n`));
  return keys.length + 1;
}

function checkStream(sink: SpliceBuffer, f: Fixture, what: string): void {
  const lines = sink.toBuffer().toString('utf8').trimEnd().split('\n');
  assert(lines.length === f.pods.length + 1, `${what}: ${lines.length} events`);
  const sorted = [...f.naive.keys()].sort();
  for (const i of [0, Math.floor(f.pods.length / 2), f.pods.length - 1]) {
    const event = JSON.parse(lines[i]!) as { type: string; object: KubeObject };
    assert(event.type === 'ADDED' && isDeepStrictEqual(event.object, f.naive.get(sorted[i]!)), `${what}: event ${i} is not the ${i}th pod in key order`);
  }
  const end = JSON.parse(lines.at(-1)!) as { type: string; object: KubeObject };
  assert(end.type === 'BOOKMARK' && end.object.metadata?.annotations?.[INITIAL_EVENTS_END_ANNOTATION] === 'true' && end.object.metadata.resourceVersion === String(f.revision), `${what}: no initial-events-end bookmark`);
}

/**
 * Opening a watch awaits (a resolved consistent-read check), so the timed
 * task takes watchers opened beforehand from a pool and times the read to
 * the bookmark: opening is O(1) (a snapshot reference), reading is the cost.
 */
async function table(f: Fixture, poolSize: number): Promise<TableSpec> {
  const sink = new SpliceBuffer();
  // Warm: the first client pays the encodes; the table times the steady state of later clients.
  await watchListClient(f, sink);
  sink.reset();
  const pool: CacheWatcher[] = [];
  for (let i = 0; i < poolSize; i++) pool.push(await openWatchList(f));
  const take = (): CacheWatcher => {
    const watcher = pool.pop();
    if (watcher === undefined) throw new Error('the pool of open WatchLists ran out: raise its size');
    return watcher;
  };
  return {
    title: `one client's WatchList to the bookmark, ${formatCount(f.pods.length)} pods (JSON)`,
    tasks: [
      {
        name: 'Cacher: snapshot in key order, shared frames spliced',
        role: 'ours',
        minSamples: 8,
        beforeSample: () => sink.reset(),
        fn: () => {
          readToBookmark(f, take(), sink);
        },
        check: () => {
          sink.reset();
          readToBookmark(f, take(), sink);
          checkStream(sink, f, 'ours');
        },
      },
      {
        name: 'naive: sort the map, JSON.stringify every event',
        role: 'peer',
        minSamples: 4,
        beforeSample: () => sink.reset(),
        fn: () => {
          naiveClient(f, sink);
        },
        check: () => {
          sink.reset();
          naiveClient(f, sink);
          checkStream(sink, f, 'naive');
        },
      },
    ],
  };
}

export const cacherWatchListStartSuite: Suite = {
  name: 'cache/watch-list-start',
  title: 'WatchList start: initial events to the bookmark',
  measures:
    'Time for one client to receive every initial event of a WatchList (sendInitialEvents=true) over N pods and the initial-events-end bookmark, framed in JSON into an in-memory sink; and the encodes performed for many clients (must equal the object versions, not clients × objects).',
  async check() {
    const f = fixture(SMOKE_PODS);
    const sink = new SpliceBuffer();
    await watchListClient(f, sink);
    checkStream(sink, f, 'ours');
    checkTable(await table(f, 4));
    await f.cacher.stop();
  },
  async run(options: RunOptions): Promise<SuiteResult> {
    const f = fixture(options.smoke ? SMOKE_PODS : FULL_PODS);
    const clients = options.smoke ? SMOKE_CLIENTS : FULL_CLIENTS;
    // Encodes and time to the bookmark for many clients, each a full WatchList, counted through the encoder.
    const sink = new SpliceBuffer();
    const before = f.metrics.encodes.total;
    const started = performance.now();
    for (let c = 0; c < clients; c++) {
      sink.reset();
      const events = await watchListClient(f, sink);
      assert(events === f.pods.length + 1, `client ${c}: ${events} events`);
    }
    const elapsedMs = performance.now() - started;
    checkStream(sink, f, 'ours');
    const encodes = f.metrics.encodes.total - before;
    const measured = await measureTable(await table(f, options.smoke ? 200 : 4000), options);
    const ratio = row(measured, 'peer').ratio;
    await f.cacher.stop();
    const summary: TextTable = {
      title: `${formatCount(clients)} clients, ${formatCount(f.pods.length)} pods`,
      header: ['clients', 'object versions', 'encodes', 'total time to every bookmark', 'per client'],
      rows: [[formatCount(clients), formatCount(f.pods.length), formatCount(encodes), `${elapsedMs.toFixed(0)} ms`, `${(elapsedMs / clients).toFixed(2)} ms`]],
    };
    return {
      tables: [measured],
      summaries: [summary],
      targets: [
        target('encodes = object versions (+1 shared bookmark), not clients × objects', `${formatCount(encodes)} for ${formatCount(clients)} clients × ${formatCount(f.pods.length)} pods`, encodes <= f.pods.length + 1),
        ratioTarget('faster than the naive server per client (reported)', ratio, { atLeast: 1 }, (v) => `${v.toFixed(1)}×`),
      ],
    };
  },
};
