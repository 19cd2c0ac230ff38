/**
 * The suite's side of the informer-sync children: fork the host
 * (sync-host.ts) and wait until it serves; fork one client (sync-client.ts)
 * per run and wait for its report. Children run compiled, from `dist/`
 * (vitest runs the suite from sources: dist is rebuilt first when stale).
 */
import { type ChildProcess, fork, spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BENCHMARKS_ROOT, REPO_ROOT, RUNNING_FROM_DIST } from '../lib/environment.js';
import type { ClientKind, ClientMessage, ClientReport, HostReady } from './sync-protocol.js';

/** Sources the children run (compiled). */
const SCRIPTS = ['informer/sync-host', 'informer/sync-client', 'informer/sync-protocol', 'informer/subject', 'informer/subject-ours', 'informer/subject-client-node', 'lib/harness'];

/** Longest for the host to seed and listen (100 000 pods: ~10 s on the 2-core machine). */
const READY_TIMEOUT_MS = 180_000;
/** Longest for one client run. */
const CLIENT_TIMEOUT_MS = 300_000;
/** Both sides hold every pod: 100 000 pods are ~1 GB of heap in the host. */
const EXEC_ARGV: readonly string[] = ['--expose-gc', '--max-old-space-size=8192'];

let built = false;

/** The compiled child script `name` (`informer/sync-host`); from sources, rebuilds dist first when it is missing or stale. */
function script(name: string): string {
  if (RUNNING_FROM_DIST) return join(dirname(fileURLToPath(import.meta.url)), `${name.slice('informer/'.length)}.js`);
  if (!built) {
    const stale = SCRIPTS.some((source) => {
      const compiled = join(BENCHMARKS_ROOT, 'dist', `${source}.js`);
      return !existsSync(compiled) || statSync(compiled).mtimeMs < statSync(join(BENCHMARKS_ROOT, `${source}.ts`)).mtimeMs;
    });
    if (stale) {
      const build = spawnSync(join(REPO_ROOT, 'node_modules', '.bin', 'tsc'), ['-b', 'benchmarks'], { cwd: REPO_ROOT, encoding: 'utf8' });
      if (build.status !== 0) throw new Error(`tsc -b benchmarks failed:\n${build.stdout}${build.stderr}`);
    }
    built = true;
  }
  return join(BENCHMARKS_ROOT, 'dist', `${name}.js`);
}

/** Resolves with the first message `accept` takes from `child`; rejects when it exits first or after `timeoutMs`. */
function firstMessage<T>(child: ChildProcess, what: string, timeoutMs: number, accept: (message: unknown) => T | undefined): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${what}: no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    child.on('message', (message: unknown) => {
      const value = accept(message);
      if (value === undefined) return;
      clearTimeout(timer);
      resolve(value);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited (code ${String(code)}, signal ${String(signal)}) before it answered`));
    });
  });
}

/** The reference host, serving in a child process. */
export interface SyncHost {
  readonly ready: HostReady;
  /** Disconnects the host (it closes and exits) and waits for its exit, killing it after 10 s. */
  stop(): Promise<void>;
}

/** Forks the reference host seeded with `pods` pods over `namespaces` namespaces; resolves once it serves. */
export async function startSyncHost(pods: number, namespaces: number): Promise<SyncHost> {
  const child = fork(script('informer/sync-host'), [String(pods), String(namespaces)], { execArgv: [...EXEC_ARGV], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  child.on('error', () => undefined);
  let ready: HostReady;
  try {
    ready = await firstMessage(child, 'the informer-sync host', READY_TIMEOUT_MS, (m) => ((m as { type?: unknown }).type === 'ready' ? (m as HostReady) : undefined));
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return {
    ready,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      if (child.connected) child.disconnect();
      await exited;
      clearTimeout(killer);
    },
  };
}

/** One run of the `kind` informer against `host`, in a fresh child; resolves with its report. */
export async function runSyncClient(kind: ClientKind, host: HostReady, smoke: boolean): Promise<ClientReport> {
  const args = [kind, host.url, JSON.stringify(host.reads), smoke ? 'smoke' : 'full'];
  const child = fork(script('informer/sync-client'), args, { execArgv: [...EXEC_ARGV], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  child.on('error', () => undefined);
  try {
    const message = await firstMessage(child, `the ${kind} informer client`, CLIENT_TIMEOUT_MS, (m) => m as ClientMessage);
    if (message.type === 'error') throw new Error(`the ${kind} informer client: ${message.error}`);
    return message;
  } finally {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(killer);
    }
  }
}
