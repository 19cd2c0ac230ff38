/**
 * scale: one namespace of 1 000 000 objects, listed whole. `@kubernetes/client-node`
 * 1.4's `ListWatch.list()` spreads each namespace's objects into one
 * `push(...)` call, which throws `RangeError: Maximum call stack size exceeded`
 * once a namespace holds more objects than the stack has room for arguments.
 */
import type { WatchCache } from '@apiserver-kit/cache';
import { deepFreeze, type KubeObject } from '@apiserver-kit/codec';
import type { KubernetesObject } from '@kubernetes/client-node';
import { formatCount, formatRatio } from '../lib/format.js';
import { checkTable, measureTable, row, target, type RunOptions, type Suite, type SuiteResult, type TableSpec, type TextTable } from '../lib/harness.js';
import { assertListedNow, assertSameObjects, assertSameSet, CLIENT_NODE, clientNodeStore, type ClientNodeStore, filledCache, filledMap, listNow, objectsOf, sink } from './cache-fixture.js';

const NAMESPACE = 'big';
/** The peer's `list()` is probed at every multiple of this many objects. */
const PROBE_STEP = 1_000;

/**
 * `n` small ConfigMaps in one namespace, in key order: the count is what is
 * measured, and 1 M shared pods (~4 KB each) would not fit a default heap.
 */
function configMaps(n: number): KubeObject[] {
  const out: KubeObject[] = [];
  for (let i = 0; i < n; i++) {
    out.push(deepFreeze({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `cm-${String(i).padStart(7, '0')}`, namespace: NAMESPACE, resourceVersion: String(i + 1), labels: { shard: `s${i % 16}` } }, data: { index: String(i) } }));
  }
  return out;
}

interface Fixture {
  readonly objects: readonly KubeObject[];
  readonly cache: WatchCache;
  readonly map: Map<string, KubeObject>;
  readonly peer: ClientNodeStore;
}

async function fixture(n: number): Promise<Fixture> {
  const objects = configMaps(n);
  return { objects, cache: filledCache(objects, undefined, 'configmaps'), map: filledMap(objects), peer: await clientNodeStore(objects) };
}

function table({ objects, cache, map, peer }: Fixture): TableSpec {
  const samples = objects.length >= 100_000 ? 8 : 32;
  return {
    title: `list ${formatCount(objects.length)} ConfigMaps in one namespace`,
    tasks: [
      {
        name: 'for…of map.values() into an array, unsorted',
        role: 'floor',
        minSamples: samples,
        fn: (ops) => {
          for (let i = 0; i < ops; i++) {
            const out: KubeObject[] = [];
            for (const value of map.values()) out.push(value);
            sink.value = out;
          }
        },
        check: () => assertSameSet([...map.values()], objects, 'Map'),
      },
      {
        name: 'WatchCache.list',
        role: 'ours',
        minSamples: samples,
        fn: (ops) => {
          for (let i = 0; i < ops; i++) sink.value = listNow(cache, {});
        },
        check: () => assertListedNow(listNow(cache, {})),
      },
      {
        name: `${CLIENT_NODE} ListWatch.list('${NAMESPACE}') (one namespace: Array.from, no spread)`,
        role: 'peer',
        minSamples: samples,
        fn: (ops) => {
          for (let i = 0; i < ops; i++) sink.value = peer.informer.list(NAMESPACE);
        },
        check: () => assertSameSet(peer.informer.list(NAMESPACE) as readonly unknown[] as readonly KubeObject[], objects, `ListWatch.list('${NAMESPACE}')`),
      },
    ],
  };
}

interface Probe {
  /** The largest size probed at which `list()` answered. */
  readonly lastOk: number;
  /** The first size probed at which it threw, or undefined. */
  readonly firstFailure: number | undefined;
  readonly error: string | undefined;
}

/** Grows a fresh peer informer by watch events and calls its `list()` at every {@link PROBE_STEP} objects until it throws. */
async function probePeer(objects: readonly KubeObject[]): Promise<Probe> {
  const peer = await clientNodeStore([]);
  let lastOk = 0;
  for (let i = 0; i < objects.length; i++) {
    peer.emit('ADDED', objects[i] as unknown as KubernetesObject);
    const size = i + 1;
    if (size % PROBE_STEP !== 0 && size !== objects.length) continue;
    try {
      const listed = peer.informer.list();
      if (listed.length !== size) throw new Error(`list() returned ${listed.length} objects, expected ${size}`);
      lastOk = size;
    } catch (error) {
      if (!(error instanceof RangeError)) throw error;
      return { lastOk, firstFailure: size, error: `${error.name}: ${error.message}` };
    }
  }
  return { lastOk, firstFailure: undefined, error: undefined };
}

export const cacheScaleSuite: Suite = {
  name: 'cache/scale',
  title: 'one namespace of 1 M objects',
  measures:
    'One LIST of 1 000 000 small ConfigMaps in one namespace from a `WatchCache`, against iterating a `Map` (the floor) and `@kubernetes/client-node`\'s informer cache listing that namespace; ' +
    `and the size from which the peer's \`list()\` of all namespaces throws (probed every ${formatCount(PROBE_STEP)} objects, growing it by watch events).`,

  async check(): Promise<void> {
    const data = await fixture(2_000);
    try {
      checkTable(table(data));
      assertSameObjects(objectsOf(await listNow(data.cache, {})), data.objects, 'WatchCache.list');
    } finally {
      data.cache.close();
    }
  },

  async run(options: RunOptions): Promise<SuiteResult> {
    const n = options.smoke ? 20_000 : 1_000_000;
    const data = await fixture(n);
    let result;
    let listedAll: number;
    try {
      listedAll = (await listNow(data.cache, {})).items.length;
      assertSameObjects(objectsOf(await listNow(data.cache, {})), data.objects, 'WatchCache.list');
      result = await measureTable(table(data), options);
    } finally {
      data.cache.close();
    }
    const probe = await probePeer(data.objects);
    const peerRow = row(result, 'peer');
    const summary: TextTable = {
      title: `${CLIENT_NODE} ListWatch.list() (all namespaces) by objects in one namespace`,
      header: ['objects in the namespace', 'list()'],
      rows: [
        [formatCount(probe.lastOk), 'answers'],
        [probe.firstFailure === undefined ? `— (answers up to ${formatCount(n)})` : formatCount(probe.firstFailure), probe.error ?? '—'],
      ],
    };
    return {
      tables: [result],
      summaries: [summary],
      targets: [
        target(`WatchCache lists ${formatCount(n)} objects in one namespace without error`, `${formatCount(listedAll)} listed`, listedAll === n),
        target(
          `${CLIENT_NODE} ListWatch.list() throws RangeError at this size`,
          probe.firstFailure === undefined ? `no error up to ${formatCount(n)}` : `throws from ${formatCount(probe.firstFailure)} (answers at ${formatCount(probe.lastOk)})`,
          probe.firstFailure !== undefined || options.smoke,
        ),
      ],
      notes: [
        `Listing the one namespace, the peer costs ${formatRatio(peerRow.ratio)} ours, unordered; its \`list()\` of every namespace is the call that throws.`,
        'The threshold depends on the stack size (V8\'s default ~984 KB here): each spread argument takes a stack slot.',
      ],
    };
  },
};
