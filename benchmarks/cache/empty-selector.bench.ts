/**
 * empty selector: a LIST whose label and field selectors parse to nothing
 * must cost what iterating the store costs; the floor is that iteration.
 */
import { OrderedStore, parseFieldSelector, parseLabelSelector, SelectionPredicate, StoreEntry, type WatchCache } from '@apiserver-kit/cache';
import { CachingObject, type KubeObject } from '@apiserver-kit/codec';
import { formatRatio } from '../lib/format.js';
import { checkTable, measureTable, row, type RunOptions, type Suite, type SuiteResult, type TableSpec, ratioTarget } from '../lib/harness.js';
import { assertListedNow, assertSameObjects, cachePods, filledCache, keyOf, listNow, objectsOf, sink } from './cache-fixture.js';

interface Fixture {
  readonly pods: readonly KubeObject[];
  readonly cache: WatchCache;
  readonly store: OrderedStore;
}

function fixture(n: number): Fixture {
  const pods = cachePods(n);
  const store = new OrderedStore();
  store.replaceAll(pods.map((pod) => new StoreEntry(keyOf(pod), CachingObject.from(pod), {}, 1)));
  return { pods, cache: filledCache(pods), store };
}

const EMPTY = new SelectionPredicate(parseLabelSelector(''), parseFieldSelector(''));
const NOT_EMPTY = new SelectionPredicate(parseLabelSelector('tier!=none'));

/** Every key is printable ASCII: the range ['', DEL) holds them all. */
const ALL_KEYS_END = '\u007f';

function rawIteration(store: OrderedStore): KubeObject[] {
  const out: KubeObject[] = [];
  store.scan('', ALL_KEYS_END, (entry) => out.push(entry.object.getObject()) > 0);
  return out;
}

function table({ pods, cache, store }: Fixture): TableSpec {
  const samples = pods.length >= 100_000 ? 16 : 32;
  return {
    title: `list ${pods.length.toLocaleString('en-US')} pods`,
    tasks: [
      {
        name: 'raw iteration of a key-ordered store (OrderedStore.chunks into a presized array)',
        role: 'floor',
        minSamples: samples,
        fn: (ops) => {
          for (let i = 0; i < ops; i++) {
            // A leaf at a time into an array sized up front: how the cache itself reads an unfiltered list.
            const out: CachingObject[] = new Array<CachingObject>(store.size);
            let n = 0;
            const chunks = store.chunks('', ALL_KEYS_END);
            while (chunks.next()) {
              const entries = chunks.values;
              for (let j = chunks.start, end = chunks.end; j < end; j++) out[n++] = entries[j]!.object;
            }
            sink.value = out;
          }
        },
        check: () => assertSameObjects(rawIteration(store), pods, 'raw iteration'),
      },
      {
        name: 'WatchCache.list, selectors parsed from "" and ""',
        role: 'ours',
        minSamples: samples,
        fn: (ops) => {
          for (let i = 0; i < ops; i++) sink.value = listNow(cache, { predicate: EMPTY });
        },
        check: () => assertListedNow(listNow(cache, { predicate: EMPTY })),
      },
      {
        name: 'WatchCache.list, no predicate',
        role: 'alt',
        minSamples: samples,
        fn: (ops) => {
          for (let i = 0; i < ops; i++) sink.value = listNow(cache, {});
        },
        check: () => assertListedNow(listNow(cache, {})),
      },
      {
        name: 'WatchCache.list, `tier!=none` (matches every pod, not empty)',
        role: 'alt',
        minSamples: samples,
        fn: (ops) => {
          for (let i = 0; i < ops; i++) sink.value = listNow(cache, { predicate: NOT_EMPTY });
        },
        check: () => assertListedNow(listNow(cache, { predicate: NOT_EMPTY })),
      },
    ],
  };
}

async function verify({ pods, cache }: Fixture): Promise<void> {
  if (!EMPTY.isEverything) throw new Error('empty selectors did not parse to everything');
  for (const predicate of [EMPTY, NOT_EMPTY, SelectionPredicate.everything]) {
    assertSameObjects(objectsOf(await listNow(cache, { predicate })), pods, `list with ${predicate.toString()}`);
  }
}

export const cacheEmptySelectorSuite: Suite = {
  name: 'cache/empty-selector',
  title: 'empty selector',
  measures:
    'One LIST of 100 k pods with label and field selectors parsed from empty strings, against iterating a key-ordered store of the same objects into an array ' +
    '(the floor), a LIST without a predicate, and a LIST with a selector that matches every pod but is not empty (each pod\'s labels read).',

  async check(): Promise<void> {
    const data = fixture(300);
    try {
      checkTable(table(data));
      await verify(data);
    } finally {
      data.cache.close();
    }
  },

  async run(options: RunOptions): Promise<SuiteResult> {
    const data = fixture(options.smoke ? 1_000 : 100_000);
    try {
      await verify(data);
      const result = await measureTable(table(data), options);
      const vsRaw = row(result, 'ours').medianNs / row(result, 'floor').medianNs;
      const matching = row(result, 'WatchCache.list, `tier!=none` (matches every pod, not empty)').ratio;
      const same = row(result, 'WatchCache.list, no predicate').ratio;
      return {
        tables: [result],
        targets: [ratioTarget('empty selector within 1.2× of raw iteration', vsRaw, { atMost: 1.2 }, formatRatio)],
        notes: [
          `A selector that must be checked on every pod (\`tier!=none\`) costs ${formatRatio(matching)} the empty one: \`isEverything\` skips matching and reads no labels.`,
          `Ours and "no predicate" run the same code (an empty selector is \`SelectionPredicate.everything\` in all but identity): their ratio here, ${formatRatio(same)}, is this run's noise between two tasks.`,
        ],
      };
    } finally {
      data.cache.close();
    }
  },
};
