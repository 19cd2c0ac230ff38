/**
 * LIST end to end: N pods served over loopback HTTP to 16 concurrent clients,
 * each on its own keep-alive socket, asking for the whole list again as soon
 * as its answer has arrived; ours (the mini-apiserver: the list from the
 * watch cache, each pod's JSON encoded once and reused) against the naive
 * host (scan, sort and `JSON.stringify` per request). Each host runs alone in
 * a child process, checked against the oracle at the timed size first.
 */
import { formatCount, formatDuration, formatMiB, formatRatio } from '../lib/format.js';
import { type ResultTable, type RunOptions, sampleStatistics, type Suite, type SuiteResult, type TaskRow } from '../lib/harness.js';
import { checkHosts } from './check.js';
import { HostProcess } from './host-process.js';
import { e2ePods, HOST_KINDS, HOST_LABELS, type HostKind } from './hosts.js';
import { closedLoop, type LoadResult, quantile } from './load.js';

/** Nodes the pods are spread over (the fixture's 100). */
const NODES = 100;
/** Bytes of one fixture pod's JSON, at least (a list answer must be at least pods × this). */
const MIN_POD_BYTES = 3_000;

interface Size {
  readonly pods: number;
  readonly clients: number;
  /** Clients start no new list after this long, ms… */
  readonly durationMs: number;
  /** …but each makes at least this many. */
  readonly minPerClient: number;
  /** Lists by one client before timing (JIT, caches, sockets). */
  readonly warmup: number;
}

const FULL: readonly Size[] = [
  { pods: 3_000, clients: 16, durationMs: 2_000, minPerClient: 1, warmup: 3 },
  { pods: 30_000, clients: 16, durationMs: 0, minPerClient: 1, warmup: 0 },
];
const SMOKE: readonly Size[] = [{ pods: 200, clients: 4, durationMs: 100, minPerClient: 1, warmup: 1 }];

interface Measured {
  readonly kind: HostKind;
  readonly load: LoadResult;
  readonly cpuMs: number;
  readonly seedMs: number;
}

/** One host at one size: start it, check it against the oracle, warm it up, time the clients, stop it. */
async function measure(kind: HostKind, size: Size): Promise<Measured> {
  const host = await HostProcess.start(kind, size.pods, NODES);
  try {
    await checkHosts({ [kind]: host.url }, e2ePods(size.pods, NODES), NODES, { sample: 50, quick: size.pods > 5_000 });
    const minBytes = size.pods * MIN_POD_BYTES;
    if (size.warmup > 0) await closedLoop(host.url, '/api/v1/pods', { clients: 1, durationMs: 0, minPerClient: size.warmup, minBytes });
    await host.gc();
    const cpu0 = await host.cpuMs();
    const load = await closedLoop(host.url, '/api/v1/pods', { clients: size.clients, durationMs: size.durationMs, minPerClient: size.minPerClient, minBytes });
    const cpuMs = (await host.cpuMs()) - cpu0;
    return { kind, load, cpuMs, seedMs: host.seedMs };
  } finally {
    await host.stop();
  }
}

function throughput(m: Measured): number {
  return (m.load.latenciesMs.length * 1000) / m.load.elapsedMs;
}

/** A harness row: the "median" is the time per list at the measured throughput (wall time ÷ lists), so ops/s is lists per second. */
function table(size: Size, ours: Measured, naive: Measured): ResultTable {
  const oursNs = 1e9 / throughput(ours);
  const oursP99 = quantile(ours.load.latenciesMs, 0.99);
  const rows = [ours, naive].map((m): TaskRow => {
    const perList = 1e9 / throughput(m);
    const p99 = quantile(m.load.latenciesMs, 0.99);
    return {
      name: HOST_LABELS[m.kind],
      role: m.kind === 'ours' ? 'ours' : 'peer',
      medianNs: perList,
      opsPerSec: throughput(m),
      rmePct: sampleStatistics(m.load.latenciesMs).rmePct,
      samples: m.load.latenciesMs.length,
      ops: 1,
      ratio: perList / oursNs,
      extra: {
        'latency p50': formatDuration(quantile(m.load.latenciesMs, 0.5) * 1e6),
        p99: formatDuration(p99 * 1e6),
        'p99 ÷ ours': formatRatio(p99 / oursP99),
        'server CPU per list': formatDuration((m.cpuMs * 1e6) / m.load.latenciesMs.length),
        'MiB/s': (m.load.bytes / 2 ** 20 / (m.load.elapsedMs / 1000)).toFixed(0),
        '429s (retried)': String(m.load.throttled),
        'resets (retried)': String(m.load.resets),
      },
    };
  });
  const mib = formatMiB(ours.load.bytes / ours.load.latenciesMs.length);
  return {
    title: `LIST of ${formatCount(size.pods)} pods (${mib} each), ${size.clients} concurrent clients (ops/s: lists served per second; median: wall time ÷ lists)`,
    columns: ['latency p50', 'p99', 'p99 ÷ ours', 'server CPU per list', 'MiB/s', '429s (retried)', 'resets (retried)'],
    rows,
  };
}

export const e2eListSuite: Suite = {
  name: 'e2e/list',
  title: 'LIST over loopback HTTP: mini-apiserver against a naive host',
  measures:
    `${formatCount(FULL[0]!.pods)} and ${formatCount(FULL[1]!.pods)} pods of ~3.9 KB (20 namespaces, ${NODES} nodes); ${FULL[0]!.clients} clients on their own keep-alive sockets, each asking \`GET /api/v1/pods\` again as soon as its answer has arrived ` +
    `(for ${FULL[0]!.durationMs / 1000} s at ${formatCount(FULL[0]!.pods)} pods; ${FULL[1]!.minPerClient} list each at ${formatCount(FULL[1]!.pods)}), bodies read to the last byte. ` +
    'Ours: `startApiServer` (MemoryStorage → Cacher; the list served from the watch cache, each pod encoded once). The naive host: a `Map`, scan + sort + `JSON.stringify` per request. ' +
    'Each host runs alone in its own child process, checked against an oracle at the timed size before it is timed (the timed list, label and field selectors, a namespace; the paged queries too at 3,000); the clients run in the suite process. Server CPU is the host process\' user + system time over the timed load.',

  async check(): Promise<void> {
    for (const kind of HOST_KINDS) {
      const host = await HostProcess.start(kind, 500, 20);
      try {
        await checkHosts({ [kind]: host.url }, e2ePods(500, 20), 20);
      } finally {
        await host.stop();
      }
    }
  },

  async run(options: RunOptions): Promise<SuiteResult> {
    const tables: ResultTable[] = [];
    const notes: string[] = [];
    for (const size of options.smoke ? SMOKE : FULL) {
      const ours = await measure('ours', size);
      const naive = await measure('naive', size);
      tables.push(table(size, ours, naive));
      notes.push(
        `${formatCount(size.pods)} pods: throughput ours ÷ naive ${formatRatio(throughput(ours) / throughput(naive))}, ` +
          `p99 naive ÷ ours ${formatRatio(quantile(naive.load.latenciesMs, 0.99) / quantile(ours.load.latenciesMs, 0.99))}, ` +
          `server CPU per list naive ÷ ours ${formatRatio(naive.cpuMs / naive.load.latenciesMs.length / (ours.cpuMs / ours.load.latenciesMs.length))}; ` +
          `host start with the seed: ours ${(ours.seedMs / 1000).toFixed(1)} s, naive ${(naive.seedMs / 1000).toFixed(1)} s.`,
      );
    }
    notes.push('Latency runs from the request\'s first byte sent to the answer\'s last byte received, in the client; with 16 clients in a closed loop it includes the wait behind the other clients\' lists. A 429 is retried after its `Retry-After`, as client-go does, and counted; so is a kept-alive socket the host closed under a request, retried on a new one (latency from the first attempt); the clients send no credentials (`system:anonymous`: ours applies API Priority and Fairness to them, the naive host has no flow control).');
    notes.push('The client shares the machine: on 2 cores, reading the bodies takes part of one.');
    return { tables, targets: [], notes };
  },
};
