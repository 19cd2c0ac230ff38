/**
 * Informer sync end to end: an informer of every pod lists and watches the
 * reference host over loopback HTTP until synced, then a controller reads one
 * namespace from its lister. Ours (`connect` + `SharedInformerFactory` of
 * `@apiserver-kit/controller`) against `@kubernetes/client-node`'s informer
 * (`makeInformer`, its `ObjectCache.list(namespace)`), on the same host.
 *
 * Ours runs twice: as it comes (WatchList: one watch streams the state, then
 * the changes) and with `watchList: false` (a list, then a watch: what
 * client-node does), so that the protocol's share and the client's share of
 * the difference show apart.
 *
 * The host runs in a child process (its CPU is not the client's); each run
 * of each informer is a fresh child process (no heap, JIT state or socket
 * carried over), the runs alternating: ours, ours listing, client-node, then
 * the reverse order.
 */
import { formatCount, formatDuration, formatMiB, formatRatio } from '../lib/format.js';
import {
  assert,
  median,
  ratioTarget,
  type ResultTable,
  type Role,
  type RunOptions,
  sampleStatistics,
  type Suite,
  type SuiteResult,
  target,
  type TaskRow,
  type TextTable,
} from '../lib/harness.js';
import { CLIENT_NODE_LABEL } from './subject-client-node.js';
import { OURS_LABEL, OURS_LIST_LABEL } from './subject-ours.js';
import { runSyncClient, startSyncHost } from './sync-processes.js';
import { CLIENT_KINDS, type ClientKind, type ClientReport, type Digest, type HostReady } from './sync-protocol.js';

/** A measured size. */
export interface SyncSize {
  readonly pods: number;
  /** Namespaces the pods are spread over, round-robin (the synthetic cluster's `default` and `kube-system` included). */
  readonly namespaces: number;
  /** Runs of each informer, alternating. */
  readonly runs: number;
}

const FULL: SyncSize = { pods: 100_000, namespaces: 100, runs: 3 };
/** A namespace of 1 000 pods still, so the lister lists what it lists at full size. */
const SMOKE: SyncSize = { pods: 3_000, namespaces: 3, runs: 1 };
const CHECK: SyncSize = { pods: 600, namespaces: 3, runs: 1 };

const LABELS: Readonly<Record<ClientKind, string>> = { ours: OURS_LABEL, 'ours-list': OURS_LIST_LABEL, 'client-node': CLIENT_NODE_LABEL };
const ROLES: Readonly<Record<ClientKind, Role>> = { ours: 'ours', 'ours-list': 'alt', 'client-node': 'peer' };

/** What a size measured: the host, and each informer's runs. */
export interface SyncMeasurement {
  readonly size: SyncSize;
  readonly host: HostReady;
  readonly reports: Readonly<Record<ClientKind, readonly ClientReport[]>>;
  /** Every run, in the order they ran. */
  readonly order: readonly ClientReport[];
}

function sameDigest(got: Digest, want: Digest): boolean {
  return got.count === want.count && got.sha256 === want.sha256;
}

/**
 * Throws unless `report`'s informer ended holding exactly the host's pods (same
 * keys, same resourceVersions) and its lister's `list(namespace)` returned
 * exactly that namespace's pods.
 */
export function verifyReport(report: ClientReport, host: HostReady): void {
  assert(sameDigest(report.pods, host.pods), `${report.kind}: the synced cache holds ${report.pods.count} pods (sha256 ${report.pods.sha256.slice(0, 12)}), the host ${host.pods.count} (sha256 ${host.pods.sha256.slice(0, 12)})`);
  assert(
    sameDigest(report.namespacePods, host.namespacePods),
    `${report.kind}: list(${host.namespace}) returned ${report.namespacePods.count} pods (sha256 ${report.namespacePods.sha256.slice(0, 12)}), the host holds ${host.namespacePods.count} there (sha256 ${host.namespacePods.sha256.slice(0, 12)})`,
  );
  assert(Number.isFinite(report.syncMs) && report.syncMs > 0, `${report.kind}: sync time ${report.syncMs}`);
}

/** Starts the host at `size`, runs each informer `size.runs` times (alternating, each checked), stops the host. */
export async function measureSync(size: SyncSize, smoke: boolean): Promise<SyncMeasurement> {
  const host = await startSyncHost(size.pods, size.namespaces);
  try {
    const ready = host.ready;
    assert(ready.pods.count === size.pods, `the host holds ${ready.pods.count} pods, expected ${size.pods}`);
    assert(ready.namespacePods.count > 0, `the host holds no pods in ${ready.namespace}`);
    const reports: Record<ClientKind, ClientReport[]> = { ours: [], 'ours-list': [], 'client-node': [] };
    const order: ClientReport[] = [];
    for (let run = 0; run < size.runs; run++) {
      const kinds = run % 2 === 0 ? CLIENT_KINDS : [...CLIENT_KINDS].reverse();
      for (const kind of kinds) {
        const report = await runSyncClient(kind, ready, smoke);
        verifyReport(report, ready);
        reports[kind].push(report);
        order.push(report);
      }
    }
    return { size, host: ready, reports, order };
  } finally {
    await host.stop();
  }
}

function retained(report: ClientReport): number {
  return report.heapAfter - report.heapBefore;
}

function range(values: readonly number[], format: (value: number) => string): string {
  return values.length === 1 ? format(values[0]!) : `${format(Math.min(...values))}–${format(Math.max(...values))}`;
}

function syncMedianMs(reports: readonly ClientReport[]): number {
  return median(reports.map((r) => r.syncMs));
}

function listerMedianNs(reports: readonly ClientReport[]): number {
  return median(reports.map((r) => r.listerMedianNs));
}

function heapMedian(reports: readonly ClientReport[]): number {
  return median(reports.map(retained));
}

function syncTable(m: SyncMeasurement): ResultTable {
  const oursNs = syncMedianMs(m.reports.ours) * 1e6;
  const rows = CLIENT_KINDS.map((kind): TaskRow => {
    const reports = m.reports[kind];
    const ns = syncMedianMs(reports) * 1e6;
    return {
      name: LABELS[kind],
      role: ROLES[kind],
      medianNs: ns,
      opsPerSec: 1e9 / ns,
      rmePct: sampleStatistics(reports.map((r) => r.syncMs)).rmePct,
      samples: reports.length,
      ops: 1,
      ratio: ns / oursNs,
      extra: {
        'sync range': range(reports.map((r) => r.syncMs * 1e6), formatDuration),
        'heap retained': formatMiB(heapMedian(reports)),
        'per pod': `${formatCount(Math.round(heapMedian(reports) / m.size.pods))} B`,
        'heap ÷ ours': formatRatio(heapMedian(reports) / heapMedian(m.reports.ours)),
        'RSS synced': formatMiB(median(reports.map((r) => r.rssAfter))),
      },
    };
  });
  return {
    title: `sync: list + watch of ${formatCount(m.size.pods)} pods over ${formatCount(m.size.namespaces)} namespaces, start to synced (${m.size.runs === 1 ? 'one run' : `median of ${m.size.runs} runs`}, a fresh process each; heap retained = heap after gc() synced − before start)`,
    columns: ['sync range', 'heap retained', 'per pod', 'heap ÷ ours', 'RSS synced'],
    rows,
  };
}

function listerTable(m: SyncMeasurement): ResultTable {
  const oursNs = listerMedianNs(m.reports.ours);
  const rows = CLIENT_KINDS.map((kind): TaskRow => {
    const reports = m.reports[kind];
    const ns = listerMedianNs(reports);
    return {
      name: LABELS[kind],
      role: ROLES[kind],
      medianNs: ns,
      opsPerSec: 1e9 / ns,
      rmePct: median(reports.map((r) => r.listerRmePct)),
      samples: reports.reduce((sum, r) => sum + r.listerSamples, 0),
      ops: 8,
      ratio: ns / oursNs,
      extra: { 'range of runs': range(reports.map((r) => r.listerMedianNs), formatDuration) },
    };
  });
  return {
    title: `lister: list one namespace (${m.host.namespace}, ${formatCount(m.host.namespacePods.count)} pods) from the synced cache (median of the runs' tinybench medians)`,
    columns: ['range of runs'],
    rows,
  };
}

/** The lister's comparison in words: a ratio far below 1× reads as 0.000×. */
function listerComparison(oursNs: number, peerNs: number): string {
  return oursNs <= peerNs
    ? `ours' \`list(namespace)\` is ${formatRatio(peerNs / oursNs)} faster than client-node's`
    : `ours' \`list(namespace)\` is ${formatRatio(oursNs / peerNs)} slower than client-node's (${formatDuration(oursNs)} against ${formatDuration(peerNs)})`;
}

function runsTable(m: SyncMeasurement): TextTable {
  return {
    title: 'every run, in the order they ran (each a fresh process against the same host)',
    header: ['run', 'informer', 'start to synced', 'heap retained', 'RSS synced', 'list(namespace) median', '±'],
    rows: m.order.map((r, i) => [
      String(i + 1),
      r.kind,
      formatDuration(r.syncMs * 1e6),
      formatMiB(retained(r)),
      formatMiB(r.rssAfter),
      formatDuration(r.listerMedianNs),
      `±${r.listerRmePct.toFixed(1)} %`,
    ]),
  };
}

export const informerSyncSuite: Suite = {
  name: 'informer/sync',
  title: 'informer sync and lister over loopback HTTP: ours against @kubernetes/client-node',
  measures:
    `An informer of every pod syncs from the reference host (\`startApiServer\`, ${formatCount(FULL.pods)} synthetic pods over ${FULL.namespaces} namespaces, in a child process): time from \`start()\` to synced, ` +
    'the heap the synced cache retains (after `gc()`), and the lister\'s `list(namespace)` of one namespace (tinybench). ' +
    'Ours: `connect({ url })` → `SharedInformerFactory.informerFor(PODS)`, `lister.list({ namespace })`. ' +
    'client-node 1.4.0: `makeInformer(kubeconfig, \'/api/v1/pods\', listPodForAllNamespaces)`, `list(namespace)`. ' +
    `Same host, same pods; each run a fresh process, ${FULL.runs} runs each, alternating; both caches checked against the host (every key and resourceVersion) before their numbers count.`,

  async check(): Promise<void> {
    await measureSync(CHECK, true);
  },

  async run(options: RunOptions): Promise<SuiteResult> {
    const m = await measureSync(options.smoke ? SMOKE : FULL, options.smoke);
    const sync = syncTable(m);
    const lister = listerTable(m);
    const r = m.reports;
    const heapRatio = heapMedian(r.ours) / heapMedian(r['client-node']);
    const heaps = (kind: ClientKind): string => range(r[kind].map(retained), formatMiB);
    return {
      tables: [sync, lister],
      summaries: [runsTable(m)],
      targets: [
        ratioTarget('syncs 100 000 pods at least as fast as client-node (client-node time ÷ ours, medians of the runs)', syncMedianMs(r['client-node']) / syncMedianMs(r.ours), { atLeast: 1 }, formatRatio),
        // The heap a synced cache retains does not depend on the machine's load (the runs agree to the MiB), so a rerun would measure it again, not check it: a reported figure.
        target(
          'retains no more heap than client-node once synced (ours ÷ client-node)',
          `${formatRatio(heapRatio)} (ours ${heaps('ours')}, client-node ${heaps('client-node')} over the runs)`,
          heapRatio <= 1,
        ),
      ],
      notes: [
        `client-node ÷ ours: sync time ${formatRatio(syncMedianMs(r['client-node']) / syncMedianMs(r.ours))} (ours with \`watchList: false\`: ${formatRatio(syncMedianMs(r['client-node']) / syncMedianMs(r['ours-list']))}), ` +
          `heap retained ${formatRatio(heapMedian(r['client-node']) / heapMedian(r.ours))} (above 1×, ours is ahead); ${listerComparison(listerMedianNs(r.ours), listerMedianNs(r['client-node']))}.`,
        `The host (its own process) seeded ${formatCount(m.size.pods)} pods in ${formatDuration(m.host.seedMs * 1e6)} and serves lists and watches from its watch cache. ` +
          'client-node lists `GET /api/v1/pods` whole; ours with `watchList: false` asks `limit=500&resourceVersion=0`, which the host, as Kubernetes\' watch cache, answers whole; ours by default opens one WatchList watch (`sendInitialEvents=true`): an ADDED event per pod, then the initial-events-end bookmark.',
        'client-node\'s `list(namespace)` (dist/cache.js) is `Array.from(map.values())` of its per-namespace `Map`: one lookup and a copy of the references, in insertion order. Ours reads the informer\'s watch cache (a B-tree in key order): the namespace\'s key range, in key order.',
        'client-node\'s `start()` resolves once the list is in its cache and the watch has its response headers; ours once `waitForCacheSync()` resolves (the initial state in the store). Heap retained: `heapUsed` after two `gc()` once synced, less the same before `start()` (the library loaded, the client built).',
        'Each client shares the 2 cores with the host, which encodes what the client decodes: the time to sync is both sides\' work. ' +
          'Both lists ask for gzip (client-node through node-fetch\'s default, ours as client-go does) and the host, as Kubernetes, compresses an answer over 128 KiB: ' +
          'on the list paths much of the time is the host compressing ~2.7 KB of JSON per pod (ours, profiled at 30 000 pods, waited idle for about half of its sync); a watch is not compressed, which is much of WatchList\'s lead over ours listing.',
        'The host is warmed before any client is timed (one LIST and one WatchList: each pod\'s encoding cached, both paths compiled); without it the first informer timed took 1.7–2.8× its later runs.',
      ],
    };
  },
};
