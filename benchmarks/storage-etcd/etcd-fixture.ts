/**
 * What the storage-etcd suites share: a throwaway etcd member (started with
 * `@apiserver-kit/storage-etcd/testing`, installed first by the repository's
 * `scripts/ensure-etcd.mjs` when missing), an `EtcdStorage` on it, the pods
 * they write, and what the disk under etcd's data is.
 *
 * etcd is run as users run it: default flags (every commit fsynced), its data
 * in the temporary directory.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, fdatasyncSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubeObject } from '@apiserver-kit/codec';
import { EtcdStorage } from '@apiserver-kit/storage-etcd';
import { type EtcdProcess, findEtcd, startEtcd } from '@apiserver-kit/storage-etcd/testing';
import { Etcd3 } from 'etcd3';
import { makePod } from '../fixtures/pod.js';
import { median } from '../lib/harness.js';
import { REPO_ROOT } from '../lib/environment.js';

/** The etcd binary, installing it (`node scripts/ensure-etcd.mjs`: Debian's etcd-server, as root) when it is missing; `undefined` when that fails. */
export function ensureEtcd(): string | undefined {
  const found = findEtcd();
  if (found !== undefined) return found;
  spawnSync(process.execPath, [join(REPO_ROOT, 'scripts', 'ensure-etcd.mjs')], { stdio: 'inherit' });
  return findEtcd();
}

/** Why the storage-etcd suites cannot run here, or `undefined` when etcd is installed (or could be installed). */
export function etcdUnavailable(): string | undefined {
  return ensureEtcd() === undefined
    ? 'etcd is not installed and could not be installed here (`node scripts/ensure-etcd.mjs` needs root and apt-get: Debian\'s etcd-server); the storage-etcd suites need a real etcd'
    : undefined;
}

/** A throwaway single etcd member on 127.0.0.1 (default flags: fsync on every commit); `stop()` it when done. */
export async function startBenchEtcd(): Promise<EtcdProcess> {
  const reason = etcdUnavailable();
  if (reason !== undefined) throw new Error(reason);
  return startEtcd();
}

/** An `EtcdStorage` and the client it runs on (close both: the storage leaves a client it was given open). */
export interface OpenedStorage {
  readonly storage: EtcdStorage;
  close(): void;
}

/**
 * An `EtcdStorage` on `endpoints` under `prefix`. Its client accepts answers of
 * any size, as etcd's Go client (clientv3: MaxCallRecvMsgSize defaults to
 * math.MaxInt32) that Kubernetes uses does: a LIST of 10 000 pods is one
 * ~40 MB range answer, past gRPC's 4 MiB default.
 */
export function openEtcdStorage(endpoints: readonly string[], prefix = '/registry'): OpenedStorage {
  const client = new Etcd3({ hosts: [...endpoints], grpcOptions: { 'grpc.max_receive_message_length': -1 } });
  const storage = new EtcdStorage({ client, prefix });
  return {
    storage,
    close() {
      storage.close();
      client.close();
    },
  };
}

/** The namespace of pod number `i`: 20 of them, as the fixture pods'. */
export function namespaceOf(i: number): string {
  return `team-${i % 20}`;
}

/** Fixture pod number `i` (~3.9 KB of JSON) ready for a create: no resourceVersion, no uid. */
export function newPod(i: number): KubeObject {
  const pod = makePod(i) as { metadata: Record<string, unknown> };
  delete pod.metadata['resourceVersion'];
  delete pod.metadata['uid'];
  return pod as unknown as KubeObject;
}

/** `namespace/name@resourceVersion` of each object, in order: what two LISTs must agree on. */
export function keysAndVersions(items: readonly KubeObject[]): string[] {
  return items.map((o) => `${String(o.metadata?.namespace)}/${String(o.metadata?.name)}@${String(o.metadata?.resourceVersion)}`);
}

/** The storage key of a pod. */
export function podKey(pod: KubeObject): string {
  return `/pods/${String(pod.metadata?.namespace)}/${String(pod.metadata?.name)}`;
}

/**
 * Creates fixture pods 0…n-1 in `storage`, `concurrency` creates in flight
 * (etcd commits concurrent writes in one batch, one fsync each: one at a time,
 * 10 000 pods take minutes).
 */
export async function seedPods(storage: EtcdStorage, n: number, concurrency = 64): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < n) {
      const pod = newPod(next++);
      await storage.create(podKey(pod), pod);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, n) }, worker));
}

/** What the disk under etcd's data is: the file system and device of the temporary directory, and the median time of a 4 KiB write + fdatasync there. */
export interface DiskInfo {
  readonly path: string;
  /** `ext4 on /dev/vda`, from `df`; `unknown` where `df` fails. */
  readonly fileSystem: string;
  /** Median of {@link DISK_SYNC_SAMPLES} writes of 4 KiB each followed by `fdatasync`, ms: what each etcd commit waits for at least (its WAL is fdatasync'ed). */
  readonly fdatasyncMs: number;
}

const DISK_SYNC_SAMPLES = 100;

/** Describes the disk etcd writes to (see {@link DiskInfo}). */
export function describeDisk(): DiskInfo {
  const path = tmpdir();
  const df = spawnSync('df', ['-T', path], { encoding: 'utf8' });
  const fields = df.status === 0 ? (df.stdout.trim().split('\n')[1]?.split(/\s+/) ?? []) : [];
  const fileSystem = fields.length >= 2 ? `${fields[1]!} on ${fields[0]!}` : 'unknown';
  const dir = mkdtempSync(join(path, 'apiserver-kit-fsync-'));
  const times: number[] = [];
  try {
    const fd = openSync(join(dir, 'probe'), 'w');
    const block = Buffer.alloc(4096, 1);
    try {
      for (let i = 0; i < DISK_SYNC_SAMPLES; i++) {
        const t0 = performance.now();
        writeSync(fd, block);
        fdatasyncSync(fd);
        times.push(performance.now() - t0);
      }
    } finally {
      closeSync(fd);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return { path, fileSystem, fdatasyncMs: median(times) };
}

/** `etcd 3.4.23`, from the binary. */
export function etcdVersion(): string {
  const binary = findEtcd();
  if (binary === undefined) return 'etcd (not installed)';
  const out = spawnSync(binary, ['--version'], { encoding: 'utf8' });
  const match = /etcd Version:\s*(\S+)/.exec(out.stdout ?? '');
  return `etcd ${match?.[1] ?? 'unknown'}`;
}
