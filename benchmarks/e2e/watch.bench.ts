/**
 * Watch end to end: 1 000 watch connections to a host, 100 pod updates/s for
 * a bounded time, every connection checked to receive every update in order;
 * delivery latency measured by the clients, CPU by the host process. Ours
 * (the mini-apiserver: each event encoded once for every watcher) against the
 * naive host (`JSON.stringify` per watcher per event).
 */
import type { ClientReport } from '../cache/watch-http-protocol.js';
import { formatCount, formatDuration, formatMiB, formatRatio } from '../lib/format.js';
import { assert, type ResultTable, type RunOptions, type Suite, type SuiteResult, type TaskRow, type TextTable } from '../lib/harness.js';
import { HostProcess } from './host-process.js';
import { HOST_KINDS, HOST_LABELS, type HostKind } from './hosts.js';
import type { WatchLoad, WatchPhaseResult } from './protocol.js';

/** Pods held by the hosts (the updates cycle through 100 of them). */
const PODS = 3_000;
const NODES = 100;

function envNumber(name: string, fallback: number): number {
  const text = process.env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!(value > 0) || !Number.isFinite(value)) throw new RangeError(`Expected \`${name}\` to be a positive number, got \`${text}\` (string)`);
  return value;
}

/**
 * `BENCH_E2E_WATCH_SECONDS` changes the update phase's length: the updates
 * offered are rate × seconds. On the 2-core machine of docs/benchmarks.md
 * neither host keeps up with 100 updates/s to 1 000 watchers while the client
 * shares the machine (cache/watch-http measured 57/s for ours, 20/s for the
 * naive peer), so the phase lasts updates ÷ achieved rate: 2 s of updates
 * (200) keep the naive host's phase near 10–30 s.
 */
const FULL_LOAD: WatchLoad = { connections: 1_000, rate: 100, seconds: envNumber('BENCH_E2E_WATCH_SECONDS', 2) };
/**
 * A rate both hosts sustain on that machine (5 000 events/s), so that the
 * delivery latency compares serving, not queueing: at 100 updates/s the naive
 * host's update blocks until it has written the event to every socket, which
 * throttles its own writes and keeps its queue short, while ours accepts
 * writes faster than the client drains them and its latency counts the queue.
 */
const FULL_SUSTAINED: WatchLoad = { connections: 1_000, rate: 5, seconds: 4 };
const SMOKE_LOAD: WatchLoad = { connections: 8, rate: 20, seconds: 0.5 };
const CHECK_LOAD: WatchLoad = { connections: 4, rate: 20, seconds: 0.25 };

interface Phase {
  readonly result: WatchPhaseResult;
  /** RSS before the phase, after `gc()`, bytes. */
  readonly baseRss: number;
  /** Peak RSS over the phase (connections included), bytes. */
  readonly peakRss: number;
}

interface Measured {
  readonly kind: HostKind;
  /** One phase per load asked, in order. */
  readonly phases: readonly Phase[];
}

/** One host: watch phases in its child, one per load, each checked: every connection got every update, in order, no gap. */
async function measure(kind: HostKind, loads: readonly WatchLoad[], pods: number): Promise<Measured> {
  const host = await HostProcess.start(kind, pods, NODES);
  try {
    const phases: Phase[] = [];
    for (const load of loads) {
      const baseRss = await host.gc();
      host.resetPeakRss();
      const result = await host.watch(load);
      const peakRss = await host.peakRss();
      const c: ClientReport = result.client;
      assert(c.errors.length === 0, `${kind}: ${c.errors.join('; ')}`);
      assert(
        c.complete === load.connections && c.delivered === load.connections * result.updates,
        `${kind}: ${formatCount(c.delivered)} events delivered, ${c.complete} of ${load.connections} connections complete; expected ${formatCount(load.connections * result.updates)} (connections × updates)`,
      );
      assert(c.parsedFully >= load.connections, `${kind}: only ${c.parsedFully} events parsed in full for ${load.connections} connections`);
      phases.push({ result, baseRss, peakRss });
    }
    return { kind, phases };
  } finally {
    await host.stop();
  }
}

/** Server CPU per delivered event in phase `i`, as a harness row (one sample: the whole phase). */
function cpuTable(ours: Measured, naive: Measured, i: number): ResultTable {
  const perEvent = (m: Measured): number => (m.phases[i]!.result.cpuMs * 1e6) / m.phases[i]!.result.client.delivered;
  const oursNs = perEvent(ours);
  const oursP99 = ours.phases[i]!.result.client.latencyMs.p99;
  const rows = [ours, naive].map((m): TaskRow => {
    const r = m.phases[i]!.result;
    return {
      name: HOST_LABELS[m.kind],
      role: m.kind === 'ours' ? 'ours' : 'peer',
      medianNs: perEvent(m),
      opsPerSec: 1e9 / perEvent(m),
      rmePct: 0,
      samples: 1,
      ops: 1,
      ratio: perEvent(m) / oursNs,
      extra: {
        'server CPU': `${(r.cpuMs / 1000).toFixed(2)} s`,
        'delivery p50': formatDuration(r.client.latencyMs.p50 * 1e6),
        p99: formatDuration(r.client.latencyMs.p99 * 1e6),
        'p99 ÷ ours': formatRatio(r.client.latencyMs.p99 / oursP99),
      },
    };
  });
  const load = ours.phases[i]!.result.load;
  return {
    title: `server CPU per delivered event (ops/s: events per CPU-second), ${formatCount(load.connections)} watch connections, ${load.rate} updates/s offered for ${load.seconds} s`,
    columns: ['server CPU', 'delivery p50', 'p99', 'p99 ÷ ours'],
    rows,
  };
}

function summary(ours: Measured, naive: Measured): TextTable {
  const ms = (value: number): string => formatDuration(value * 1e6);
  return {
    title: `watch connections over loopback HTTP: every phase`,
    header: ['host', 'connections', 'updates/s asked → achieved', 'events delivered (= connections × updates)', 'latency p50', 'p99', 'max', 'server CPU', 'CPU ÷ ours', 'RSS before → peak', 'client CPU'],
    rows: ours.phases.flatMap((_, i) =>
      [ours, naive].map((m) => {
        const { result: r, baseRss, peakRss } = m.phases[i]!;
        return [
          m.kind === 'ours' ? `**${HOST_LABELS[m.kind]}**` : HOST_LABELS[m.kind],
          formatCount(r.load.connections),
          `${r.load.rate} → ${(r.updates / Math.max(r.updateSpanMs / 1000, r.load.seconds)).toFixed(1)}`,
          `${formatCount(r.client.delivered)} = ${formatCount(r.load.connections)} × ${formatCount(r.updates)} ✓`,
          ms(r.client.latencyMs.p50),
          ms(r.client.latencyMs.p99),
          ms(r.client.latencyMs.max),
          `${(r.cpuMs / 1000).toFixed(2)} s`,
          formatRatio(r.cpuMs / ours.phases[i]!.result.cpuMs),
          `${formatMiB(baseRss)} → ${formatMiB(peakRss)}`,
          `${(r.client.cpuMs / 1000).toFixed(2)} s`,
        ];
      }),
    ),
  };
}

function ratios(ours: Measured, naive: Measured, i: number): string {
  const o = ours.phases[i]!.result;
  const n = naive.phases[i]!.result;
  return (
    `${o.load.rate} updates/s offered: server CPU seconds naive ÷ ours ${formatRatio(n.cpuMs / o.cpuMs)}, delivery p99 naive ÷ ours ${formatRatio(n.client.latencyMs.p99 / o.client.latencyMs.p99)}, ` +
    `for the same ${formatCount(o.client.delivered)} events delivered (achieved ${(o.updates / Math.max(o.updateSpanMs / 1000, o.load.seconds)).toFixed(1)} updates/s ours, ${(n.updates / Math.max(n.updateSpanMs / 1000, n.load.seconds)).toFixed(1)} naive).`
  );
}

export const e2eWatchSuite: Suite = {
  name: 'e2e/watch',
  title: 'watch over loopback HTTP: mini-apiserver against a naive host',
  measures:
    `${formatCount(FULL_LOAD.connections)} watch connections (\`GET /api/v1/pods?watch=true&resourceVersion=…\`, one socket each, from a client process the host forks) to a host holding ${formatCount(PODS)} pods of ~3.9 KB; ` +
    `the host updates one pod at a time (an annotation; 100 pods in turn), ${FULL_LOAD.rate} updates/s offered for ${FULL_LOAD.seconds} s, then ${FULL_SUSTAINED.rate} updates/s for ${FULL_SUSTAINED.seconds} s (a rate both hosts sustain), and every connection must receive every update, in order, with no gap (checked per event). ` +
    'Ours: `startApiServer`, the update written to its storage (`server.storage.guaranteedUpdate`), the events served by its Cacher. The naive host: the `Map` updated, each watcher `JSON.stringify`s each event itself and writes it. ' +
    'Delivery latency = receive time in the client − write time in the host (one monotonic clock, as in cache/watch-http); server CPU (user + system) of the host process from the first update until every event is delivered; peak RSS over the same phase.',

  async check(): Promise<void> {
    for (const kind of HOST_KINDS) await measure(kind, [CHECK_LOAD], 200);
  },

  async run(options: RunOptions): Promise<SuiteResult> {
    const loads = options.smoke ? [SMOKE_LOAD] : [FULL_LOAD, FULL_SUSTAINED];
    const pods = options.smoke ? 200 : PODS;
    const ours = await measure('ours', loads, pods);
    const naive = await measure('naive', loads, pods);
    return {
      tables: loads.map((_, i) => cpuTable(ours, naive, i)),
      summaries: [summary(ours, naive)],
      targets: [],
      notes: [
        ...loads.map((_, i) => ratios(ours, naive, i)),
        `Updates run on a fixed schedule (rate × seconds offered); a host that cannot keep up falls behind, its achieved rate is lower than asked and its phase longer. At ${FULL_LOAD.rate} updates/s neither host keeps up on 2 cores shared with the client process: the naive host's update returns only once the event is written to every socket, which throttles its writes and keeps its latency short; ours takes writes faster than the client drains them, and its latency then counts the queue. The ${FULL_SUSTAINED.rate} updates/s phase, which both sustain, compares delivery itself; with ${formatCount(FULL_SUSTAINED.rate * FULL_SUSTAINED.seconds)} updates its p99 is the slowest update or two, and moves by 2–3× from run to run on the shared machine (ours measured 86–341 ms).`,
        'The client process (cache/watch-http-client.js: scans each event for its annotations, parses the first and one in 100 in full) shares the machine. The same host serves both phases, one after the other (each with fresh connections).',
        'The naive host writes without regard for backpressure (as by hand): a slow client grows its memory instead of slowing it.',
      ],
    };
  },
};
