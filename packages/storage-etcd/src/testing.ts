/**
 * Throwaway etcd members for tests, examples and local runs: one member or a
 * 3-member cluster on 127.0.0.1, each on free ports with a temporary data
 * directory, stopped by PID (and its data removed) by `stop()` or when the
 * process exits.
 *
 * ```
 *   startEtcd({ members: 3 })
 *     m0: client 127.0.0.1:p0  peer 127.0.0.1:q0  data /tmp/etcd-xxx/m0
 *     m1: client 127.0.0.1:p1  peer 127.0.0.1:q1  data /tmp/etcd-xxx/m1   ← --initial-cluster m0=…,m1=…,m2=…
 *     m2: client 127.0.0.1:p2  peer 127.0.0.1:q2  data /tmp/etcd-xxx/m2
 * ```
 *
 * It finds `etcd` on the PATH or at /usr/bin/etcd and never installs it:
 * `node scripts/ensure-etcd.mjs` does (Debian's `etcd-server`).
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkOptions } from '@apiserver-kit/core';

/** Options of {@link startEtcd}. */
export interface StartEtcdOptions {
  /** How many members: 1, or 3 for a cluster that survives the loss of one; @default 1 */
  readonly members?: 1 | 3 | undefined;
  /** The etcd binary; @default `etcd` on the PATH, else /usr/bin/etcd */
  readonly binary?: string | undefined;
  /** How long to wait for the members to report healthy, in milliseconds; @default 30 000 */
  readonly readyTimeoutMs?: number | undefined;
}

/** A running throwaway etcd (see {@link startEtcd}). */
export interface EtcdProcess {
  /** The client URLs of every member, `http://127.0.0.1:<port>`, in member order. */
  readonly endpoints: readonly string[];
  /** The PIDs of the members (`undefined` for a stopped one). */
  readonly pids: readonly (number | undefined)[];
  /** Stops every member and removes the data directory. Idempotent. */
  stop(): Promise<void>;
  /** Stops member `index` (SIGTERM, then SIGKILL after 5 s); its data is kept for {@link EtcdProcess.startMember}. */
  stopMember(index: number): Promise<void>;
  /** Starts member `index` again on the same ports and data; resolves once its client port answers /health. */
  startMember(index: number): Promise<void>;
}

interface Member {
  readonly name: string;
  readonly clientUrl: string;
  readonly peerUrl: string;
  readonly dataDir: string;
  child: ChildProcess | undefined;
  /** The last lines etcd wrote, for the error when it does not come up. */
  log: string;
}

/** Members still running, killed synchronously when the process exits (a test runner ending a worker). */
const running = new Set<ChildProcess>();
const dataDirs = new Set<string>();
let exitHookInstalled = false;

/** The etcd binary: `etcd` on the PATH, else /usr/bin/etcd; `undefined` when neither exists. */
export function findEtcd(): string | undefined {
  const which = spawnSync('sh', ['-c', 'command -v etcd'], { encoding: 'utf8' });
  const onPath = which.status === 0 ? which.stdout.trim() : '';
  if (onPath !== '') return onPath;
  return existsSync('/usr/bin/etcd') ? '/usr/bin/etcd' : undefined;
}

/**
 * Starts a throwaway etcd on 127.0.0.1 and resolves once every member answers
 * `/health`. Call `stop()` when done (tests: in `afterAll`); members still
 * running when the process exits are killed and their data removed.
 *
 * Caveat: ports are found free by binding port 0 and releasing it, so another
 * process may take one in between (rare; the start then fails with etcd's log).
 *
 * @throws Error when etcd is not installed (naming `node scripts/ensure-etcd.mjs`),
 *   or a member exits or stays unhealthy past `readyTimeoutMs` (with its last log lines).
 * @throws TypeError/RangeError for bad options.
 */
export async function startEtcd(options: StartEtcdOptions = {}): Promise<EtcdProcess> {
  checkOptions('options', options);
  const count = options.members ?? 1;
  if (count !== 1 && count !== 3) throw new RangeError(`Expected \`members\` to be 1 or 3, got \`${String(count)}\` (${typeof count})`);
  const binary = options.binary ?? findEtcd();
  if (binary === undefined) {
    throw new Error('etcd is not installed: run `node scripts/ensure-etcd.mjs` (as root it installs Debian\'s etcd-server) or put an etcd binary on the PATH');
  }
  const readyTimeoutMs = options.readyTimeoutMs ?? 30_000;
  installExitHook();
  const root = mkdtempSync(join(tmpdir(), 'apiserver-kit-etcd-'));
  dataDirs.add(root);
  const ports = await freePorts(count * 2);
  const members: Member[] = Array.from({ length: count }, (_, i) => ({
    name: `m${i}`,
    clientUrl: `http://127.0.0.1:${ports[2 * i]!}`,
    peerUrl: `http://127.0.0.1:${ports[2 * i + 1]!}`,
    dataDir: join(root, `m${i}`),
    child: undefined,
    log: '',
  }));
  const cluster = members.map((m) => `${m.name}=${m.peerUrl}`).join(',');
  const token = `apiserver-kit-${process.pid}-${ports[0]!}`;

  const launch = (member: Member): void => {
    const args = [
      `--name=${member.name}`,
      `--data-dir=${member.dataDir}`,
      `--listen-client-urls=${member.clientUrl}`,
      `--advertise-client-urls=${member.clientUrl}`,
      `--listen-peer-urls=${member.peerUrl}`,
      `--initial-advertise-peer-urls=${member.peerUrl}`,
      `--initial-cluster=${cluster}`,
      `--initial-cluster-token=${token}`,
      '--initial-cluster-state=new',
      '--logger=zap',
      '--log-level=warn',
      // Progress notifications every 100 ms: the answer to a watch's progress request while
      // it still catches up from the past (see etcd-watch.ts) waits for the next one.
      '--experimental-watch-progress-notify-interval=100ms',
      // No metrics or pprof listeners beyond the client port.
      '--enable-pprof=false',
    ];
    // etcd 3.4 refuses to start on architectures it does not officially support (arm64 among them)
    // unless told to; amd64 needs nothing.
    const env: NodeJS.ProcessEnv = { ...process.env };
    const goArch = GO_ARCH[process.arch] ?? process.arch;
    if (goArch !== 'amd64') env['ETCD_UNSUPPORTED_ARCH'] = goArch;
    const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
    member.child = child;
    member.log = '';
    running.add(child);
    const keep = (chunk: Buffer): void => {
      member.log = (member.log + chunk.toString('utf8')).slice(-4000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    child.on('exit', () => running.delete(child));
    child.on('error', (error) => {
      member.log += `\n${error.message}`;
    });
  };

  const waitHealthy = async (member: Member): Promise<void> => {
    const deadline = Date.now() + readyTimeoutMs;
    for (;;) {
      const child = member.child;
      if (child === undefined || child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`etcd member ${member.name} exited before it was ready:\n${member.log}`);
      }
      if (await healthy(member.clientUrl)) return;
      if (Date.now() > deadline) throw new Error(`etcd member ${member.name} not healthy after ${readyTimeoutMs} ms:\n${member.log}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };

  const stopMember = async (member: Member): Promise<void> => {
    const child = member.child;
    member.child = undefined;
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
    running.delete(child);
  };

  for (const member of members) launch(member);
  try {
    // The members of a new cluster wait for each other: start all, then wait for all.
    await Promise.all(members.map(waitHealthy));
  } catch (error) {
    await Promise.all(members.map(stopMember));
    rmSync(root, { recursive: true, force: true });
    dataDirs.delete(root);
    throw error;
  }

  let stopped = false;
  const memberAt = (index: number): Member => {
    const member = members[index];
    if (!Number.isInteger(index) || member === undefined) {
      throw new RangeError(`Expected \`index\` to be a member index from 0 to ${members.length - 1}, got \`${String(index)}\` (${typeof index})`);
    }
    return member;
  };
  return {
    endpoints: members.map((m) => m.clientUrl),
    get pids() {
      return members.map((m) => m.child?.pid);
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await Promise.all(members.map(stopMember));
      rmSync(root, { recursive: true, force: true });
      dataDirs.delete(root);
    },
    async stopMember(index) {
      await stopMember(memberAt(index));
    },
    async startMember(index) {
      const member = memberAt(index);
      if (stopped) throw new Error('startMember: the etcd was stopped');
      if (member.child !== undefined) return;
      // On a data dir that exists, etcd ignores the --initial-* flags and rejoins.
      launch(member);
      await waitHealthy(member);
    },
  };
}

/** Node's process.arch → Go's GOARCH, the names ETCD_UNSUPPORTED_ARCH takes. */
const GO_ARCH: Readonly<Record<string, string>> = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386', ppc64: 'ppc64le', s390x: 's390x' };

async function healthy(clientUrl: string): Promise<boolean> {
  try {
    const response = await fetch(`${clientUrl}/health`, { signal: AbortSignal.timeout(1_000) });
    const body = (await response.json()) as { health?: unknown };
    return response.ok && body.health === 'true';
  } catch {
    return false;
  }
}

/** `count` distinct free TCP ports on 127.0.0.1 (held open together so that they differ). */
async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
          const server = createServer();
          server.once('error', reject);
          server.listen(0, '127.0.0.1', () => resolve(server));
        }),
    ),
  );
  const ports = servers.map((server) => {
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('freePorts: no TCP address');
    return address.port;
  });
  await Promise.all(servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
  return ports;
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // 'exit' handlers run synchronously: kill by PID and remove the data, no waiting.
  process.on('exit', () => {
    for (const child of running) child.kill('SIGKILL');
    for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
  });
}
