/**
 * paginated list: every pod of 100 k in pages of 500 (limit + continue, each
 * page from the snapshot of the first page's revision), against one
 * unpaginated LIST of the same cache.
 */
import type { CacheListResult, WatchCache } from '@apiserver-kit/cache';
import type { KubeObject } from '@apiserver-kit/codec';
import { formatRatio } from '../lib/format.js';
import { assert, row, type RunOptions, type Suite, type SuiteResult, ratioTarget } from '../lib/harness.js';
import { type AsyncTableSpec, checkAsyncTable, measureAsyncTable } from './async-table.js';
import { assertSameObjects, assertSameSet, cachePods, filledCache, filledMap, objectsOf, sink } from './cache-fixture.js';

const PAGE = 500;
const ONE_LIST = 'WatchCache.list, one unpaginated LIST';

/** The start revision of {@link filledCache}. */
const FILLED_AT = 10_000_000;

interface Fixture {
  readonly pods: readonly KubeObject[];
  readonly cache: WatchCache;
  /** The cache's revision: the second table writes to it. */
  revision: number;
  readonly map: Map<string, KubeObject>;
}

function fixture(n: number): Fixture {
  const pods = cachePods(n);
  return { pods, cache: filledCache(pods), revision: FILLED_AT, map: filledMap(pods) };
}

/** Every page of a consistent paginated LIST, as a client walks it. */
async function paginate(cache: WatchCache): Promise<CacheListResult[]> {
  const pages: CacheListResult[] = [];
  let token: string | undefined;
  do {
    const page: CacheListResult = await cache.list(token === undefined ? { limit: PAGE } : { limit: PAGE, continue: token });
    pages.push(page);
    token = page.continue;
  } while (token !== undefined);
  return pages;
}

/**
 * {@link paginate} with one write (the last pod, same content, next revision)
 * after the first page: every later page then reads the snapshot kept for the
 * first page's revision, as in a cluster where writes never stop.
 */
async function paginateWhileWriting(data: Fixture): Promise<CacheListResult[]> {
  const pages: CacheListResult[] = [];
  let token: string | undefined;
  do {
    const page: CacheListResult = await data.cache.list(token === undefined ? { limit: PAGE } : { limit: PAGE, continue: token });
    if (token === undefined) data.cache.apply({ type: 'MODIFIED', object: data.pods[data.pods.length - 1]!, revision: ++data.revision });
    pages.push(page);
    token = page.continue;
  } while (token !== undefined);
  return pages;
}

function checkPages(pages: readonly CacheListResult[], pods: readonly KubeObject[], what: string): void {
  assert(pages.length === Math.ceil(pods.length / PAGE), `${what}: ${pages.length} pages, expected ${Math.ceil(pods.length / PAGE)}`);
  assert(pages.every((page) => page.resourceVersion === pages[0]!.resourceVersion), `${what}: pages report different revisions`);
  assert(pages.length < 2 || pages[0]!.remainingItemCount === pods.length - PAGE, `${what}: remainingItemCount ${String(pages[0]!.remainingItemCount)}`);
  assertSameObjects(pages.flatMap(objectsOf), pods, what);
}

function oneList(cache: WatchCache, pods: readonly KubeObject[], samples: number): AsyncTableSpec['tasks'][number] {
  return {
    name: ONE_LIST,
    role: 'alt',
    minSamples: samples,
    fn: async () => {
      sink.value = await cache.list();
    },
    check: async () => assertSameObjects(objectsOf(await cache.list()), pods, 'one list'),
  };
}

function samplesFor(pods: readonly KubeObject[]): number {
  return pods.length >= 100_000 ? 16 : 32;
}

function table({ pods, cache, map }: Fixture): AsyncTableSpec {
  const samples = samplesFor(pods);
  return {
    title: `list ${pods.length.toLocaleString('en-US')} pods: pages of ${PAGE} vs one LIST`,
    tasks: [
      {
        name: 'Array.from(map.values()), unsorted',
        role: 'floor',
        minSamples: samples,
        fn: async () => {
          sink.value = Array.from(map.values());
        },
        check: async () => assertSameSet(Array.from(map.values()), pods, 'Array.from'),
      },
      {
        name: `WatchCache.list, ${Math.ceil(pods.length / PAGE)} pages of ${PAGE} (limit + continue)`,
        role: 'ours',
        minSamples: samples,
        fn: async () => {
          sink.value = await paginate(cache);
        },
        check: async () => checkPages(await paginate(cache), pods, 'paginated list'),
      },
      oneList(cache, pods, samples),
    ],
  };
}

/** The same walk while writes go on; measured after {@link table}, on the same cache. */
function writingTable(data: Fixture): AsyncTableSpec {
  const samples = samplesFor(data.pods);
  return {
    title: `the same walk with a write after its first page (later pages from the kept snapshot)`,
    tasks: [
      {
        name: `WatchCache.list, ${Math.ceil(data.pods.length / PAGE)} pages of ${PAGE}, one write after the first`,
        role: 'ours',
        minSamples: samples,
        fn: async () => {
          sink.value = await paginateWhileWriting(data);
        },
        check: async () => {
          const pages = await paginateWhileWriting(data);
          checkPages(pages, data.pods, 'paginated list while writing');
          assert(Number(pages[0]!.resourceVersion) === data.revision - 1, 'the walk did not read the first page\'s revision after the write');
        },
      },
      oneList(data.cache, data.pods, samples),
    ],
  };
}

export const cachePaginateSuite: Suite = {
  name: 'cache/paginate',
  title: 'paginated list',
  measures:
    `Every pod of 100 k in pages of ${PAGE} (a consistent LIST with \`limit\`, then \`continue\` until the last page: every page from the snapshot of the first page's revision), ` +
    'against one unpaginated consistent LIST of the same cache, both awaited (each sample is the whole walk); the floor copies a `Map`\'s values. ' +
    'The tasks take turns sample by sample (each cycle runs every task once, the order alternating) so that a change of load on the shared machine, or a major GC of the 100 k-pod heap, lands on both sides of the ratio. ' +
    'A second table repeats the walk with one write after its first page, so that every later page reads the snapshot kept for the first page\'s revision.',

  async check(): Promise<void> {
    const data = fixture(1_234);
    try {
      await checkAsyncTable(table(data));
      await checkAsyncTable(writingTable(data));
    } finally {
      data.cache.close();
    }
  },

  async run(options: RunOptions): Promise<SuiteResult> {
    const data = fixture(options.smoke ? 2_000 : 100_000);
    try {
      const result = await measureAsyncTable(table(data), options);
      const writing = await measureAsyncTable(writingTable(data), options);
      const ratio = row(result, 'ours').medianNs / row(result, ONE_LIST).medianNs;
      const writingRatio = row(writing, 'ours').medianNs / row(writing, ONE_LIST).medianNs;
      return {
        tables: [result, writing],
        targets: [ratioTarget(`all pages in all ≤ 1.5× one unpaginated list (${data.pods.length.toLocaleString('en-US')} pods, pages of ${PAGE})`, ratio, { atMost: 1.5 }, formatRatio)],
        notes: [
          'Each page after the first resumes where the previous one stopped, without searching the tree: the store (or, after a write, the copy-on-write snapshot kept for the first page\'s revision) remembers the place under the very key the token decodes to, and the cache remembers the tokens it issued, decoded. A walk costs one list plus, per page, the call, its promise, the page\'s array and a token.',
          `With a write after the first page (every later page from the kept snapshot): ${formatRatio(writingRatio)} one unpaginated list of the same cache.`,
        ],
      };
    } finally {
      data.cache.close();
    }
  },
};
