/**
 * Create and update throughput through the reference host on etcd against
 * the same host on its default MemoryStorage: `clients` concurrent HTTP
 * clients create pods (POST), then update each one (JSON merge patch), the
 * host in a child process, etcd a throwaway member run as users run it
 * (default flags: every commit fsynced to its write-ahead log). What etcd's
 * durability costs a write, reported, not judged.
 */
import type { EtcdProcess } from '@apiserver-kit/storage-etcd/testing';
import { formatCount, formatDuration, formatOps, formatRatio } from '../lib/format.js';
import { median, type ResultTable, type Role, type RunOptions, sampleStatistics, type Suite, type SuiteResult, type TaskRow, type TextTable } from '../lib/harness.js';
import { type DiskInfo, describeDisk, etcdUnavailable, etcdVersion, startBenchEtcd } from './etcd-fixture.js';
import { startHostChild } from './host-processes.js';
import { WRITE_BACKENDS, type WriteBackend, type WriteHostReady } from './write-host.js';
import { createPods, listWritten, patchPods, type PhaseResult, verifyWrites, type Written } from './write-load.js';

/** A measured size. */
export interface WriteSize {
  /** Concurrent clients, one request in flight each. */
  readonly clients: number;
  /** Pods created, then patched, per timed phase. */
  readonly pods: number;
  /** Writes before the timed phases (as many creates, then patches), so the host's code paths are compiled. */
  readonly warmup: number;
  /** Rounds: a fresh host of each backend per round, the order alternating. */
  readonly rounds: number;
}

const FULL: WriteSize = { clients: 16, pods: 2_000, warmup: 300, rounds: 3 };
const SMOKE: WriteSize = { clients: 4, pods: 20, warmup: 4, rounds: 1 };
const CHECK: WriteSize = { clients: 4, pods: 10, warmup: 2, rounds: 1 };

/** The sequence number the patches set. */
const SEQ = 1;

type Phase = 'create' | 'patch';
const PHASES: readonly Phase[] = ['create', 'patch'];

/** One round of one backend: a fresh host, warmed, then timed creates and patches, then checked. */
export interface WriteRound {
  readonly backend: WriteBackend;
  readonly round: number;
  readonly phases: Readonly<Record<Phase, PhaseResult>>;
  /** Pods the host listed at the end (all checked). */
  readonly listed: number;
}

/** Everything one measurement took. */
export interface WriteMeasurement {
  readonly size: WriteSize;
  readonly rounds: readonly WriteRound[];
  readonly disk: DiskInfo;
}

/** A fresh host on `backend`: warm-up writes, timed creates, timed patches, then the LIST checked against every write. */
async function oneRound(backend: WriteBackend, round: number, size: WriteSize, etcd: EtcdProcess): Promise<WriteRound> {
  // Each etcd host under a prefix of its own: it starts empty, as the memory host does.
  const host = await startHostChild<WriteHostReady>('write-host', backend === 'etcd' ? [backend, etcd.endpoints[0]!, `/bench-${process.pid}-${round}`] : [backend]);
  try {
    const url = host.ready.url;
    const written: Written = new Map();
    await createPods(url, size.clients, size.warmup, 'warm', written);
    await patchPods(url, size.clients, size.warmup, 'warm', SEQ, written);
    const create = await createPods(url, size.clients, size.pods, 'w', written);
    const patch = await patchPods(url, size.clients, size.pods, 'w', SEQ, written);
    const items = await listWritten(url);
    verifyWrites(items, written, SEQ, `${backend} host, round ${round + 1}`);
    return { backend, round, phases: { create, patch }, listed: items.length };
  } finally {
    await host.stop();
  }
}

/** Starts etcd, runs `size.rounds` rounds of each backend (alternating), stops etcd. */
export async function measureWrites(size: WriteSize): Promise<WriteMeasurement> {
  const disk = describeDisk();
  const etcd = await startBenchEtcd();
  try {
    const rounds: WriteRound[] = [];
    for (let round = 0; round < size.rounds; round++) {
      const order = round % 2 === 0 ? WRITE_BACKENDS : [...WRITE_BACKENDS].reverse();
      for (const backend of order) rounds.push(await oneRound(backend, round, size, etcd));
    }
    return { size, rounds, disk };
  } finally {
    await etcd.stop();
  }
}

const LABELS: Readonly<Record<WriteBackend, string>> = {
  memory: 'host on MemoryStorage (the default: in memory, nothing on disk)',
  etcd: 'host on EtcdStorage (etcd, one member, every commit fsynced)',
};
const ROLES: Readonly<Record<WriteBackend, Role>> = { memory: 'floor', etcd: 'ours' };

function writesPerSecond(p: PhaseResult): number {
  return (p.ops / p.wallMs) * 1000;
}

function percentile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

/** The median over `backend`'s rounds of `value`. */
function over(m: WriteMeasurement, backend: WriteBackend, phase: Phase, value: (p: PhaseResult) => number): number {
  return median(m.rounds.filter((r) => r.backend === backend).map((r) => value(r.phases[phase])));
}

function range(values: readonly number[], format: (value: number) => string): string {
  return values.length === 1 ? format(values[0]!) : `${format(Math.min(...values))}–${format(Math.max(...values))}`;
}

/** Median writes/s of `backend` in `phase`. */
export function medianWritesPerSecond(m: WriteMeasurement, backend: WriteBackend, phase: Phase): number {
  return over(m, backend, phase, writesPerSecond);
}

function phaseTable(m: WriteMeasurement, phase: Phase): ResultTable {
  const oursNs = 1e9 / medianWritesPerSecond(m, 'etcd', phase);
  const rows = WRITE_BACKENDS.map((backend): TaskRow => {
    const rounds = m.rounds.filter((r) => r.backend === backend);
    const rates = rounds.map((r) => writesPerSecond(r.phases[phase]));
    const ns = 1e9 / median(rates);
    return {
      name: LABELS[backend],
      role: ROLES[backend],
      medianNs: ns,
      opsPerSec: 1e9 / ns,
      rmePct: sampleStatistics(rates).rmePct,
      samples: rounds.length,
      ops: m.size.pods,
      ratio: ns / oursNs,
      extra: {
        'writes/s (range)': range(rates, formatOps),
        'latency p50': formatDuration(over(m, backend, phase, (p) => percentile(p.latenciesMs, 0.5)) * 1e6),
        'latency p99': formatDuration(over(m, backend, phase, (p) => percentile(p.latenciesMs, 0.99)) * 1e6),
      },
    };
  });
  const what = phase === 'create' ? 'creates (POST of a ~3.9 KB pod, 201)' : 'updates (PATCH, JSON merge patch of one annotation, 200)';
  return {
    title: `${what}: ${formatCount(m.size.pods)} by ${m.size.clients} concurrent clients (${m.size.rounds === 1 ? 'one round' : `median of ${m.size.rounds} rounds`}, a fresh host each; median = wall time ÷ writes; latency per request, median of the rounds)`,
    columns: ['writes/s (range)', 'latency p50', 'latency p99'],
    rows,
  };
}

function roundsTable(m: WriteMeasurement): TextTable {
  return {
    title: 'every round, in the order they ran',
    header: ['round', 'host', 'creates/s', 'patches/s', 'pods listed and checked'],
    rows: m.rounds.map((r) => [String(r.round + 1), r.backend, formatOps(writesPerSecond(r.phases.create)), formatOps(writesPerSecond(r.phases.patch)), formatCount(r.listed)]),
  };
}

export const etcdWriteSuite: Suite = {
  name: 'storage-etcd/write',
  title: 'create and update throughput through the host: etcd vs memory',
  measures:
    `${FULL.clients} concurrent HTTP clients (keep-alive, one request in flight each) create ${formatCount(FULL.pods)} pods (POST, ~3.9 KB each), then update each once (PATCH, JSON merge patch of one annotation), ` +
    'through the reference host (`startApiServer`, in a child process, flow control on) over `EtcdStorage` on a throwaway etcd member (default flags: every commit fsynced) against the same host over its default MemoryStorage. ' +
    `A fresh host per round (the etcd one under a key prefix of its own), ${FULL.warmup} creates and patches first untimed, ${FULL.rounds} rounds alternating; every request checked (201, 200) and, after each round, the host's LIST against every write (each pod at the resourceVersion its last write returned, with the patched annotation). Reported, not judged.`,

  unavailable: etcdUnavailable,

  async check(): Promise<void> {
    await measureWrites(CHECK);
  },

  async run(options: RunOptions): Promise<SuiteResult> {
    const m = await measureWrites(options.smoke ? SMOKE : FULL);
    const ratio = (phase: Phase): number => medianWritesPerSecond(m, 'memory', phase) / medianWritesPerSecond(m, 'etcd', phase);
    return {
      tables: PHASES.map((phase) => phaseTable(m, phase)),
      summaries: [roundsTable(m)],
      targets: [],
      notes: [
        `Memory ÷ etcd, writes/s: creates ${formatRatio(ratio('create'))}, updates ${formatRatio(ratio('patch'))} (${formatOps(medianWritesPerSecond(m, 'etcd', 'create'))} and ${formatOps(medianWritesPerSecond(m, 'etcd', 'patch'))} writes/s on etcd, ` +
          `${formatOps(medianWritesPerSecond(m, 'memory', 'create'))} and ${formatOps(medianWritesPerSecond(m, 'memory', 'patch'))} in memory). No target: this is what durability and a network hop cost, shown as measured.`,
        `The disk: etcd's data in ${m.disk.path} (${m.disk.fileSystem}); a 4 KiB write + fdatasync there took ${formatDuration(m.disk.fdatasyncMs * 1e6)} (median of 100), the least each etcd commit waits for (its WAL is fdatasync'ed per batch of commits). ${etcdVersion()}, one member, on the same 2 cores as the host and the clients.`,
        'On etcd, a create is one transaction (`mod_revision == 0`, then put); an update through the host reads the pod (one range), applies the patch, and writes it back by compare-and-swap on its mod revision (one transaction): two round trips, one of them a commit. ' +
          'In memory both are a few map operations; the rest of each request (HTTP, admission, the patch, JSON) is the same on both hosts.',
      ],
    };
  },
};
