/**
 * Every benchmark suite, in the order `bench` runs them. A package adds its
 * suites with one import and one entry here (see README.md).
 */
import { cacheApplySuite } from './cache/apply.bench.js';
import { cacherFanoutSuite } from './cache/fanout.bench.js';
import { cacherRoutedFanoutSuite } from './cache/routed-fanout.bench.js';
import { cacherWatchListStartSuite } from './cache/watch-list-start.bench.js';
import { cacherWatchHttpSuite } from './cache/watch-http.bench.js';
import { cacheEmptySelectorSuite } from './cache/empty-selector.bench.js';
import { cacheListAllSuite } from './cache/list-all.bench.js';
import { cacheListByFieldSuite } from './cache/list-by-field.bench.js';
import { cacheListByLabelSuite } from './cache/list-by-label.bench.js';
import { cachePaginateSuite } from './cache/paginate.bench.js';
import { cacheScaleSuite } from './cache/scale.bench.js';
import { listSuite } from './codec/list.bench.js';
import { oneObjectSuite } from './codec/one-object.bench.js';
import { spliceSuite } from './codec/splice.bench.js';
import { watchFanoutSuite } from './codec/watch-fanout.bench.js';
import { e2eListSuite } from './e2e/list.bench.js';
import { e2eRelistSuite } from './e2e/relist.bench.js';
import { e2eWatchSuite } from './e2e/watch.bench.js';
import { apfSuite } from './flowcontrol/apf.bench.js';
import { multiLevelSuite } from './flowcontrol/multi-level.bench.js';
import { tryTakeSuite } from './flowcontrol/try-take.bench.js';
import { informerSyncSuite } from './informer/sync.bench.js';
import { workQueueSuite } from './informer/work-queue.bench.js';
import type { Suite } from './lib/harness.js';
import { storageListSuite } from './storage/list.bench.js';
import { etcdListSuite } from './storage-etcd/list.bench.js';
import { etcdWriteSuite } from './storage-etcd/write.bench.js';
import { storageWriteSuite } from './storage/write.bench.js';

export const SUITES: readonly Suite[] = [
  // codec
  spliceSuite,
  watchFanoutSuite,
  listSuite,
  oneObjectSuite,
  // storage
  storageWriteSuite,
  storageListSuite,
  // storage-etcd: the storage contract on a real etcd (a throwaway member the suites start)
  etcdListSuite,
  etcdWriteSuite,
  // cache
  cacheListAllSuite,
  cacheListByLabelSuite,
  cacheListByFieldSuite,
  cacheEmptySelectorSuite,
  cacheApplySuite,
  cachePaginateSuite,
  cacheScaleSuite,
  cacherFanoutSuite,
  cacherRoutedFanoutSuite,
  cacherWatchListStartSuite,
  cacherWatchHttpSuite,
  // flowcontrol
  tryTakeSuite,
  multiLevelSuite,
  apfSuite,
  // controller
  workQueueSuite,
  informerSyncSuite,
  // e2e: the mini-apiserver over loopback HTTP
  e2eListSuite,
  e2eWatchSuite,
  e2eRelistSuite,
];
