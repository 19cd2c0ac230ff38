/**
 * Cacher fan-out: one change applied to a Cacher with W watchers of
 * everything, each draining its events into its own in-memory sink. The naive
 * server queues the event to every watcher and each watcher encodes it
 * (`JSON.stringify({type, object})`); ours frames it once per format and every
 * watcher splices the shared bytes. Same events, same sinks, same pod.
 */
import { isDeepStrictEqual } from 'node:util';
import { JsonEncoder, type KubeObject, SpliceBuffer, WatchEventEncoder } from '@apiserver-kit/codec';
import { Cacher, type CacheWatcher } from '@apiserver-kit/cache';
import { FakeClock } from '@apiserver-kit/storage';
import { makePod } from '../fixtures/pod.js';
import { formatCount, formatOps } from '../lib/format.js';
import { assert, checkTable, measureTable, row, type RunOptions, type Suite, type SuiteResult, type TableSpec, ratioTarget } from '../lib/harness.js';

const FULL_WATCHERS = [1_000, 10_000] as const;
const SMOKE_WATCHERS = [10, 100] as const;
/** Rounds the tasks take turns in (see `TableSpec.rounds`). */
const ROUNDS = 8;

/** A Cacher of one pod and its W watchers (from the current revision, no initial events). */
interface Fixture {
  readonly cacher: Cacher;
  readonly watchers: readonly CacheWatcher[];
  /** The next version of the pod (fresh object, fresh resourceVersion), and its revision. */
  nextVersion(): { object: KubeObject; revision: number };
}

async function fixture(watchers: number): Promise<Fixture> {
  const clock = new FakeClock();
  const base = makePod(1);
  const cacher = new Cacher({ resource: 'pods', clock, bookmarkIntervalMs: 0 });
  cacher.cache.replace([base], 1);
  const list: CacheWatcher[] = [];
  for (let w = 0; w < watchers; w++) list.push(await cacher.watch({ resourceVersion: '1' }));
  let revision = 1;
  return {
    cacher,
    watchers: list,
    nextVersion: () => {
      revision++;
      return { object: { ...base, metadata: { ...base.metadata, resourceVersion: String(revision) } }, revision };
    },
  };
}

async function table(watchers: number): Promise<TableSpec> {
  const ours = await fixture(watchers);
  const encoder = new JsonEncoder();
  const watchEncoder = new WatchEventEncoder(encoder);
  const sinks = Array.from({ length: watchers }, () => new SpliceBuffer());
  const reset = (): void => {
    for (const sink of sinks) sink.reset();
  };
  // The naive server: a queue of events per watcher, each watcher encodes what it dequeues.
  const naiveQueues: { type: string; object: KubeObject }[][] = Array.from({ length: watchers }, () => []);
  let naiveRevision = 1;
  const base = makePod(1);
  let last: KubeObject = base;
  const extra = (medianNs: number): Readonly<Record<string, string>> => ({ 'deliveries/s': formatOps((watchers * 1e9) / medianNs) });

  const oursOnce = (): void => {
    const { object, revision } = ours.nextVersion();
    last = object;
    ours.cacher.cache.apply({ type: 'MODIFIED', object, revision });
    for (let w = 0; w < watchers; w++) {
      const watcher = ours.watchers[w]!;
      const sink = sinks[w]!;
      for (let event = watcher.tryNext(); event !== undefined; event = watcher.tryNext()) watchEncoder.encode(event, sink);
    }
  };
  const checkDelivered = (what: string): void => {
    for (const w of [0, watchers - 1]) {
      const frame = JSON.parse(sinks[w]!.toBuffer().toString('utf8')) as { type: string; object: unknown };
      assert(frame.type === 'MODIFIED' && isDeepStrictEqual(frame.object, last), `${what}: watcher ${w} got a wrong event`);
    }
  };

  return {
    title: `one change to ${formatCount(watchers)} watchers (JSON)`,
    columns: ['deliveries/s'],
    // Taking turns: a change of load on the shared machine lands on both sides of the ratio.
    rounds: ROUNDS,
    tasks: [
      {
        name: 'encode once, push to W arrays (no dispatch)',
        role: 'floor',
        beforeSample: reset,
        fn: (ops) => {
          for (let i = 0; i < ops; i++) {
            last = { ...base, metadata: { ...base.metadata, resourceVersion: String(++naiveRevision) } };
            const bytes = Buffer.from(`${JSON.stringify({ type: 'MODIFIED', object: last })}\n`);
            for (let w = 0; w < watchers; w++) sinks[w]!.splice(bytes);
          }
        },
        check: () => {
          reset();
          last = { ...base, metadata: { ...base.metadata, resourceVersion: String(++naiveRevision) } };
          const bytes = Buffer.from(`${JSON.stringify({ type: 'MODIFIED', object: last })}\n`);
          for (let w = 0; w < watchers; w++) sinks[w]!.splice(bytes);
          checkDelivered('floor');
        },
        extra,
      },
      {
        name: 'Cacher: apply → route → queue → shared frame spliced',
        role: 'ours',
        beforeSample: reset,
        fn: (ops) => {
          for (let i = 0; i < ops; i++) oursOnce();
        },
        check: () => {
          reset();
          oursOnce();
          checkDelivered('ours');
          assert(ours.cacher.stats.watchers === watchers, 'ours: a watcher was shed');
        },
        extra,
      },
      {
        name: 'naive: queue per watcher, each watcher encodes',
        role: 'peer',
        // At least two samples a round: a sample of the 10,000-watcher peer takes 150–600 ms.
        minSamples: 2 * ROUNDS,
        beforeSample: reset,
        fn: (ops) => {
          for (let i = 0; i < ops; i++) {
            last = { ...base, metadata: { ...base.metadata, resourceVersion: String(++naiveRevision) } };
            const event = { type: 'MODIFIED', object: last };
            for (let w = 0; w < watchers; w++) naiveQueues[w]!.push(event);
            for (let w = 0; w < watchers; w++) {
              const queue = naiveQueues[w]!;
              for (const queued of queue) sinks[w]!.splice(Buffer.from(`${JSON.stringify(queued)}\n`));
              queue.length = 0;
            }
          }
        },
        check: () => {
          reset();
          last = { ...base, metadata: { ...base.metadata, resourceVersion: String(++naiveRevision) } };
          const event = { type: 'MODIFIED', object: last };
          for (let w = 0; w < watchers; w++) naiveQueues[w]!.push(event);
          for (let w = 0; w < watchers; w++) {
            for (const queued of naiveQueues[w]!) sinks[w]!.splice(Buffer.from(`${JSON.stringify(queued)}\n`));
            naiveQueues[w]!.length = 0;
          }
          checkDelivered('naive');
        },
        extra,
      },
    ],
  };
}

export const cacherFanoutSuite: Suite = {
  name: 'cache/fanout',
  title: 'Cacher fan-out: one change to W watchers',
  measures:
    'Time to deliver one change of a ~3.9 KB Pod to W watchers of everything, each draining into its own in-memory sink: the naive server encodes per watcher; the Cacher routes, queues a reference and splices bytes framed once. A fresh object version per operation on both sides. The tasks take turns (8 rounds, each running every task for an eighth of its budget, `gc()` before each) so that a change of load on the shared machine lands on both sides of the ratio.',
  async check() {
    checkTable(await table(10));
  },
  async run(options: RunOptions): Promise<SuiteResult> {
    const sizes = options.smoke ? SMOKE_WATCHERS : FULL_WATCHERS;
    const tables = [];
    for (const watchers of sizes) tables.push(await measureTable(await table(watchers), options));
    const largest = tables.at(-1)!;
    const ratio = row(largest, 'peer').ratio;
    return {
      tables,
      targets: [ratioTarget(`≥ 50× faster than per-watcher encoding at ${formatCount(sizes.at(-1)!)} watchers`, ratio, { atLeast: 50 }, (v) => `${v.toFixed(1)}×`)],
    };
  },
};
