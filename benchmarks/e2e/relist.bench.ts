/**
 * A relist storm end to end: 2 000 clients, each on an open socket, re-list
 * at the same instant — kubelets after an apiserver restart, each listing the
 * pods of its own node (`fieldSelector=spec.nodeName=<node>`). Time to serve
 * them all, and the host's peak RSS while it does; ours (the mini-apiserver:
 * the list from the watch cache, by the cache's node index where it has one)
 * against the naive host (each request a scan of every pod, a sort and a
 * `JSON.stringify`).
 */
import { formatCount, formatDuration, formatMiB, formatRatio } from '../lib/format.js';
import { assert, median, type ResultTable, type RunOptions, sampleStatistics, type Suite, type SuiteResult, type TaskRow } from '../lib/harness.js';
import { checkHosts } from './check.js';
import { HostProcess } from './host-process.js';
import { e2ePods, HOST_KINDS, HOST_LABELS, type HostKind, nodeName } from './hosts.js';
import { type LoadResult, prepareStorm, quantile } from './load.js';

interface Storm {
  readonly pods: number;
  /** One client per node. */
  readonly clients: number;
  /** Storms per host (the time is their median, the peak RSS their highest). */
  readonly storms: number;
}

/**
 * 10 000 pods, 5 per node: at 30 000 (15 per node) the naive host took 47 s
 * per storm on the 2-core machine (each request scans every pod), which the
 * run's time budget cannot hold for two storms.
 */
const FULL: Storm = { pods: 10_000, clients: 2_000, storms: 2 };
const SMOKE: Storm = { pods: 500, clients: 50, storms: 1 };
/** Clients warming their sockets at once before a storm (below the listen backlog of 511). */
const WARM_CONCURRENCY = 64;
/** Bytes of one pod's JSON, at least. */
const MIN_POD_BYTES = 3_000;

interface Measured {
  readonly kind: HostKind;
  readonly storms: readonly LoadResult[];
  /** RSS after gc() before each storm, bytes. */
  readonly baseRss: readonly number[];
  /** Peak RSS during each storm, bytes. */
  readonly peakRss: readonly number[];
  /** Host CPU per storm, ms. */
  readonly cpuMs: readonly number[];
}

function pathOf(i: number): string {
  return `/api/v1/pods?fieldSelector=spec.nodeName%3D${nodeName(i)}`;
}

async function measure(kind: HostKind, storm: Storm): Promise<Measured> {
  const host = await HostProcess.start(kind, storm.pods, storm.clients);
  const seed = e2ePods(storm.pods, storm.clients);
  // One pod per client to warm its socket with: a cheap GET of one object.
  const warm = seed.map((entry) => `/api/v1/namespaces/${entry.object.metadata!.namespace!}/pods/${entry.object.metadata!.name!}`);
  try {
    await checkHosts({ [kind]: host.url }, seed, storm.clients, { sample: 20, quick: storm.pods > 5_000 });
    const minBytes = Math.floor(storm.pods / storm.clients) * MIN_POD_BYTES;
    const measured: Measured = { kind, storms: [], baseRss: [], peakRss: [], cpuMs: [] };
    for (let s = 0; s < storm.storms; s++) {
      const clients = await prepareStorm(host.url, { clients: storm.clients, warmConcurrency: WARM_CONCURRENCY, warmPath: (i) => warm[i % warm.length]!, path: pathOf });
      try {
        (measured.baseRss as number[]).push(await host.gc());
        host.resetPeakRss();
        const cpu0 = await host.cpuMs();
        const result = await clients.fire();
        (measured.cpuMs as number[]).push((await host.cpuMs()) - cpu0);
        (measured.peakRss as number[]).push(await host.peakRss());
        assert(result.bytes >= storm.clients * minBytes, `${kind}: the storm's answers hold ${result.bytes} bytes, expected at least ${storm.clients * minBytes}`);
        (measured.storms as LoadResult[]).push(result);
      } finally {
        clients.close();
      }
    }
    return measured;
  } finally {
    await host.stop();
  }
}

function stormMs(m: Measured): number {
  return median(m.storms.map((s) => s.elapsedMs));
}

function peak(m: Measured): number {
  return Math.max(...m.peakRss);
}

function growth(m: Measured): number {
  // VmHWM is reset to the RSS of the moment, which a host may shrink below after its gc(): no growth then.
  return Math.max(0, ...m.peakRss.map((p, i) => p - m.baseRss[i]!));
}

function table(storm: Storm, ours: Measured, naive: Measured): ResultTable {
  const oursNs = stormMs(ours) * 1e6;
  const rows = [ours, naive].map((m): TaskRow => {
    const times = m.storms.map((s) => s.elapsedMs);
    const all = m.storms.flatMap((s) => s.latenciesMs);
    return {
      name: HOST_LABELS[m.kind],
      role: m.kind === 'ours' ? 'ours' : 'peer',
      medianNs: stormMs(m) * 1e6,
      opsPerSec: 1e3 / stormMs(m),
      rmePct: sampleStatistics(times).rmePct,
      samples: times.length,
      ops: 1,
      ratio: (stormMs(m) * 1e6) / oursNs,
      extra: {
        'client p50': formatDuration(quantile(all, 0.5) * 1e6),
        p99: formatDuration(quantile(all, 0.99) * 1e6),
        'peak RSS': formatMiB(peak(m)),
        'RSS growth': formatMiB(growth(m)),
        'server CPU': `${(median(m.cpuMs) / 1000).toFixed(2)} s`,
        '429s (retried)': String(m.storms.reduce((sum, s) => sum + s.throttled, 0)),
        'resets (retried)': String(m.storms.reduce((sum, s) => sum + s.resets, 0)),
      },
    };
  });
  return {
    title: `relist storm: ${formatCount(storm.clients)} clients listing their node's pods at once, ${formatCount(storm.pods)} pods (ops/s: storms per second; median: time to serve all)`,
    columns: ['client p50', 'p99', 'peak RSS', 'RSS growth', 'server CPU', '429s (retried)', 'resets (retried)'],
    rows,
  };
}

export const e2eRelistSuite: Suite = {
  name: 'e2e/relist',
  title: 'relist storm over loopback HTTP: mini-apiserver against a naive host',
  measures:
    `${formatCount(FULL.clients)} clients, each with its own open keep-alive socket (warmed by one GET of a pod, ${WARM_CONCURRENCY} at a time), send \`GET /api/v1/pods?fieldSelector=spec.nodeName=<its node>\` in the same tick — kubelets relisting after a restart — ` +
    `to a host holding ${formatCount(FULL.pods)} pods of ~3.9 KB on ${formatCount(FULL.clients)} nodes (${FULL.pods / FULL.clients} each); time from the first request sent to the last answer's last byte (median of ${FULL.storms} storms), ` +
    'and the host process\' peak RSS during the storm (`VmHWM`, reset before each storm; growth = peak − RSS after `gc()` just before). ' +
    'Ours: `startApiServer`. The naive host: scan of every pod, sort, `JSON.stringify` per request. Each host alone in its child process, checked against the oracle at the timed size first.',

  async check(): Promise<void> {
    for (const kind of HOST_KINDS) {
      const m = await measure(kind, { pods: 200, clients: 20, storms: 1 });
      assert(m.storms[0]!.latenciesMs.length === 20, `${kind}: ${m.storms[0]!.latenciesMs.length} answers, expected 20`);
    }
  },

  async run(options: RunOptions): Promise<SuiteResult> {
    const storm = options.smoke ? SMOKE : FULL;
    const ours = await measure('ours', storm);
    const naive = await measure('naive', storm);
    return {
      tables: [table(storm, ours, naive)],
      targets: [],
      notes: [
        `Time to serve all, naive ÷ ours: ${formatRatio(stormMs(naive) / stormMs(ours))}; peak RSS naive ÷ ours ${formatRatio(peak(naive) / peak(ours))} (growth during the storm: ours ${formatMiB(growth(ours))}, naive ${formatMiB(growth(naive))}; ours holds its watch cache, indexes and encoded objects besides the store, so its peak is mostly its resting size).`,
        'A 429 is retried after its `Retry-After` (as client-go does) and counted; the time then includes the wait. The clients send no credentials (`system:anonymous`): ours applies API Priority and Fairness to them; the naive host has no flow control.',
        'A *reset* is a kept-alive socket the host closed with the client\'s request unread, retried on a new connection: Node\'s default 5 s `keepAliveTimeout` expires on sockets whose requests wait behind a host busy for longer than that (the naive host in a storm), and their requests are sent again — part of what a storm costs such a host.',
        'Peak RSS where `/proc` is missing: the host process\' lifetime maximum instead (seeding included).',
      ],
    };
  },
};
