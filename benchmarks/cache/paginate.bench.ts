/**
 * paginated list: every pod of 100 k in pages of 500 (limit + continue, each
 * page from the snapshot of the first page's revision), against one
 * unpaginated LIST of the same cache.
 */
import type { CacheListResult, WatchCache } from '@apiserver-kit/cache';
import type { KubeObject } from '@apiserver-kit/codec';
import { formatRatio } from '../lib/format.js';
import { assert, row, target, type RunOptions, type Suite, type SuiteResult } from '../lib/harness.js';
import { type AsyncTableSpec, checkAsyncTable, measureAsyncTable } from './async-table.js';
import { assertSameObjects, assertSameSet, cachePods, filledCache, filledMap, objectsOf, sink } from './cache-fixture.js';

const PAGE = 500;

interface Fixture {
  readonly pods: readonly KubeObject[];
  readonly cache: WatchCache;
  readonly map: Map<string, KubeObject>;
}

function fixture(n: number): Fixture {
  const pods = cachePods(n);
  return { pods, cache: filledCache(pods), map: filledMap(pods) };
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

function table({ pods, cache, map }: Fixture): AsyncTableSpec {
  const samples = pods.length >= 100_000 ? 16 : 32;
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
        check: async () => {
          const pages = await paginate(cache);
          assert(pages.length === Math.ceil(pods.length / PAGE), `${pages.length} pages, expected ${Math.ceil(pods.length / PAGE)}`);
          assert(pages.every((page) => page.resourceVersion === pages[0]!.resourceVersion), 'pages report different revisions');
          assert(pages.length < 2 || pages[0]!.remainingItemCount === pods.length - PAGE, `remainingItemCount ${String(pages[0]!.remainingItemCount)}`);
          assertSameObjects(pages.flatMap(objectsOf), pods, 'paginated list');
        },
      },
      {
        name: 'WatchCache.list, one unpaginated LIST',
        role: 'alt',
        minSamples: samples,
        fn: async () => {
          sink.value = await cache.list();
        },
        check: async () => assertSameObjects(objectsOf(await cache.list()), pods, 'one list'),
      },
    ],
  };
}

export const cachePaginateSuite: Suite = {
  name: 'cache/paginate',
  title: 'paginated list',
  measures:
    `Every pod of 100 k in pages of ${PAGE} (a consistent LIST with \`limit\`, then \`continue\` until the last page: every page from the snapshot of the first page's revision), ` +
    'against one unpaginated consistent LIST of the same cache, both awaited (each sample is the whole walk); the floor copies a `Map`\'s values.',

  async check(): Promise<void> {
    const data = fixture(1_234);
    try {
      await checkAsyncTable(table(data));
    } finally {
      data.cache.close();
    }
  },

  async run(options: RunOptions): Promise<SuiteResult> {
    const data = fixture(options.smoke ? 2_000 : 100_000);
    try {
      const result = await measureAsyncTable(table(data), options);
      const ratio = row(result, 'ours').medianNs / row(result, 'alt').medianNs;
      return {
        tables: [result],
        targets: [target(`all pages in all ≤ 1.5× one unpaginated list (${data.pods.length.toLocaleString('en-US')} pods, pages of ${PAGE})`, formatRatio(ratio), ratio <= 1.5)],
        notes: [
          'Each page after the first starts with an O(log n) seek to its continue key (in the live store while nothing changed, else in the O(1) copy-on-write snapshot kept for the first page\'s revision), so a walk costs one list plus a seek and a token per page.',
        ],
      };
    } finally {
      data.cache.close();
    }
  },
};
