/**
 * Routed fan-out: 10 000 watchers, each on `spec.nodeName=<its node>` (a
 * kubelet each); one pod update on one node. The Cacher registers each
 * watcher under its node in a trigger index and visits only the watchers of
 * the pod's old and new node; the naive dispatcher checks every watcher's
 * selector. Object versions are prepared (frozen, fields computed) outside the
 * timed loop for every task, so the table compares dispatch, not encoding.
 */
import { CachingObject, type KubeObject } from '@apiserver-kit/codec';
import { Cacher, type CacheWatcher, fieldIndex, namespaceIndex, SelectableFieldsRegistry, type SelectionPredicate } from '@apiserver-kit/cache';
import { FakeClock } from '@apiserver-kit/storage';
import { makePod } from '../fixtures/pod.js';
import { formatCount } from '../lib/format.js';
import { assert, checkTable, measureTable, row, type RunOptions, type Suite, type SuiteResult, type TableSpec, ratioTarget } from '../lib/harness.js';

const FULL_WATCHERS = 10_000;
const SMOKE_WATCHERS = 100;
/** Updates per timed sample (prepared in `beforeSample`). */
const OPS = 64;
/** Rounds the tasks take turns in (see `TableSpec.rounds`). */
const ROUNDS = 8;
const podFields = new SelectableFieldsRegistry().get('pods');

function node(i: number): string {
  return `node-${i}`;
}

/** The pod scheduled on `nodeName`, at `revision`, frozen with its cached encodings (a CachingObject). */
function version(base: KubeObject, nodeName: string, revision: number): CachingObject {
  return new CachingObject({ ...base, metadata: { ...base.metadata, resourceVersion: String(revision) }, spec: { ...(base.spec as object), nodeName } });
}

interface Side {
  readonly cacher: Cacher;
  readonly watchers: readonly CacheWatcher[];
  revision: number;
}

async function side(watchers: number, routed: boolean, base: KubeObject, target: number): Promise<Side> {
  const cacher = new Cacher({
    resource: 'pods',
    clock: new FakeClock(),
    indexes: routed ? [namespaceIndex(), fieldIndex('spec.nodeName')] : [namespaceIndex()],
    bookmarkIntervalMs: 0,
    // Unrouted, every watcher counts as filtered: give it the routed size's room, so nothing is shed.
    queueSizes: { filtered: 10 },
  });
  cacher.cache.replace([version(base, node(target), 1)], 1);
  const list: CacheWatcher[] = [];
  for (let w = 0; w < watchers; w++) list.push(await cacher.watch({ resourceVersion: '1', fieldSelector: `spec.nodeName=${node(w)}` }));
  return { cacher, watchers: list, revision: 1 };
}

async function table(watchers: number): Promise<TableSpec> {
  const base = makePod(7);
  const target = Math.floor(watchers / 2);
  const routed = await side(watchers, true, base, target);
  const unrouted = await side(watchers, false, base, target);
  // The naive dispatcher: every watcher's predicate, checked against the new and the old version.
  const predicates: SelectionPredicate[] = [];
  const naiveQueues: unknown[][] = [];
  for (let w = 0; w < watchers; w++) {
    predicates.push(routed.watchers[w]!.predicate);
    naiveQueues.push([]);
  }
  const floorQueues = new Map<string, unknown[]>();
  for (let w = 0; w < watchers; w++) floorQueues.set(node(w), []);

  let prepared: CachingObject[] = [];
  let preparedFields: ReturnType<typeof podFields.compute>[] = [];
  let revision = 1;
  const prepare = (count: number): void => {
    prepared = [];
    preparedFields = [];
    for (let i = 0; i < count; i++) {
      const object = version(base, node(target), ++revision);
      prepared.push(object);
      preparedFields.push(podFields.compute(object.getObject()));
    }
  };
  const drainTarget = (s: Side): number => {
    let got = 0;
    const watcher = s.watchers[target]!;
    for (let event = watcher.tryNext(); event !== undefined; event = watcher.tryNext()) got++;
    return got;
  };
  const applyAll = (s: Side): void => {
    for (const object of prepared) {
      s.revision = Math.max(s.revision + 1, Number(object.getObject().metadata?.resourceVersion));
      s.cacher.cache.apply({ type: 'MODIFIED', object, revision: s.revision });
      const watcher = s.watchers[target]!;
      for (let event = watcher.tryNext(); event !== undefined; event = watcher.tryNext()) void event;
    }
  };
  const checkSide = (s: Side, what: string): void => {
    prepare(3);
    const visitedBefore = s.cacher.metrics.watchersVisited.get('pods');
    for (const object of prepared) {
      s.revision = Math.max(s.revision + 1, Number(object.getObject().metadata?.resourceVersion));
      s.cacher.cache.apply({ type: 'MODIFIED', object, revision: s.revision });
    }
    assert(drainTarget(s) === 3, `${what}: the pod's node watcher did not get 3 events`);
    for (const w of [0, watchers - 1]) assert(w === target || s.watchers[w]!.tryNext() === undefined, `${what}: watcher ${w} got another node's pod`);
    const visits = s.cacher.metrics.watchersVisited.get('pods') - visitedBefore;
    assert(visits === (s === routed ? 3 : 3 * watchers), `${what}: ${visits} visits`);
  };

  return {
    title: `one pod update, ${formatCount(watchers)} per-node watchers`,
    // Taking turns: a change of load on the shared machine lands on both sides of the ratio.
    rounds: ROUNDS,
    tasks: [
      {
        name: 'Map<node, queue>.get + push (no selectors)',
        role: 'floor',
        ops: OPS,
        beforeSample: () => prepare(OPS),
        fn: (ops) => {
          for (let i = 0; i < ops; i++) {
            const object = prepared[i % prepared.length]!;
            floorQueues.get(preparedFields[i % prepared.length]!['spec.nodeName'] ?? '')!.push(object);
          }
          floorQueues.get(node(target))!.length = 0;
        },
        check: () => {
          prepare(1);
          floorQueues.get(preparedFields[0]!['spec.nodeName'] ?? '')!.push(prepared[0]!);
          assert(floorQueues.get(node(target))!.length === 1, 'floor: wrong queue');
          floorQueues.get(node(target))!.length = 0;
        },
      },
      {
        name: 'Cacher, trigger index on spec.nodeName',
        role: 'ours',
        ops: OPS,
        beforeSample: () => prepare(OPS),
        fn: (ops) => {
          void ops;
          applyAll(routed);
        },
        check: () => checkSide(routed, 'ours'),
      },
      {
        name: 'Cacher without the index (offers to every watcher)',
        role: 'alt',
        ops: OPS,
        minSamples: 2 * ROUNDS,
        beforeSample: () => prepare(OPS),
        fn: (ops) => {
          void ops;
          applyAll(unrouted);
        },
        check: () => checkSide(unrouted, 'alt'),
      },
      {
        name: 'naive: check every watcher\'s selector',
        role: 'peer',
        ops: OPS,
        minSamples: 2 * ROUNDS,
        beforeSample: () => prepare(OPS),
        fn: (ops) => {
          let previous = preparedFields[0]!;
          for (let i = 0; i < ops; i++) {
            const fields = preparedFields[i % preparedFields.length]!;
            const labels = prepared[i % prepared.length]!.getObject().metadata?.labels;
            for (let w = 0; w < watchers; w++) {
              const predicate = predicates[w]!;
              if (predicate.matchesLabelsAndFields(labels, fields) || predicate.matchesLabelsAndFields(labels, previous)) naiveQueues[w]!.push(prepared[i % prepared.length]);
            }
            previous = fields;
          }
          naiveQueues[target]!.length = 0;
        },
        check: () => {
          prepare(1);
          const fields = preparedFields[0]!;
          let delivered = 0;
          for (let w = 0; w < watchers; w++) if (predicates[w]!.matchesLabelsAndFields(undefined, fields)) delivered++;
          assert(delivered === 1, `naive: ${delivered} watchers matched`);
        },
      },
    ],
  };
}

export const cacherRoutedFanoutSuite: Suite = {
  name: 'cache/routed-fanout',
  title: 'Cacher routed fan-out: a pod update among per-node watchers',
  measures:
    'Time to apply one pod update (store, indexes, history and dispatch included for the Cacher) and deliver it to the one watcher of its node, among W watchers each on spec.nodeName=<node>; object versions are frozen and their fields computed before the timed loop for every task. The tasks take turns (8 rounds, each running every task for an eighth of its budget, `gc()` before each) so that a change of load on the shared machine lands on both sides of the ratio.',
  async check() {
    checkTable(await table(50));
  },
  async run(options: RunOptions): Promise<SuiteResult> {
    const watchers = options.smoke ? SMOKE_WATCHERS : FULL_WATCHERS;
    const measured = await measureTable(await table(watchers), options);
    const ratio = row(measured, 'peer').ratio;
    return {
      tables: [measured],
      targets: [ratioTarget(`≥ 100× faster than checking every watcher, at ${formatCount(watchers)} watchers`, ratio, { atLeast: 100 }, (v) => `${v.toFixed(1)}×`)],
    };
  },
};
