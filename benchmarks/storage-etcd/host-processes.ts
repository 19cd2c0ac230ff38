/**
 * The suite's side of the host children (write-host.ts, list-host.ts): fork
 * one, wait until it serves, stop it. They run compiled, from `dist/`
 * (vitest runs the suites from sources: dist is rebuilt first when stale).
 */
import { fork, spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BENCHMARKS_ROOT, REPO_ROOT, RUNNING_FROM_DIST } from '../lib/environment.js';

/** The host children of the storage-etcd suites. */
export type HostScript = 'write-host' | 'list-host';

/** Sources the children run (compiled). */
const SOURCES = ['storage-etcd/write-host', 'storage-etcd/list-host', 'storage-etcd/etcd-fixture'];
/** Longest for a host to start and listen (the LIST host syncs 10 000 pods from etcd first). */
const READY_TIMEOUT_MS = 120_000;

let built = false;

/** The compiled child `name`; from sources, rebuilds dist first when it is missing or stale. */
function hostScript(name: HostScript): string {
  if (RUNNING_FROM_DIST) return join(dirname(fileURLToPath(import.meta.url)), `${name}.js`);
  if (!built) {
    const stale = SOURCES.some((source) => {
      const compiled = join(BENCHMARKS_ROOT, 'dist', `${source}.js`);
      return !existsSync(compiled) || statSync(compiled).mtimeMs < statSync(join(BENCHMARKS_ROOT, `${source}.ts`)).mtimeMs;
    });
    if (stale) {
      const build = spawnSync(join(REPO_ROOT, 'node_modules', '.bin', 'tsc'), ['-b', 'benchmarks'], { cwd: REPO_ROOT, encoding: 'utf8' });
      if (build.status !== 0) throw new Error(`tsc -b benchmarks failed:\n${build.stdout}${build.stderr}`);
    }
    built = true;
  }
  return join(BENCHMARKS_ROOT, 'dist', 'storage-etcd', `${name}.js`);
}

/** A host serving in a child process. */
export interface HostChild<R> {
  /** The child's `ready` message. */
  readonly ready: R;
  /** Disconnects the host (it closes and exits) and waits for its exit, killing it after 10 s. */
  stop(): Promise<void>;
  /** Sends `{ op }` and resolves on the child's `{ type: '<op>-done' }` (list-host answers `gc`). */
  call(op: string): Promise<void>;
}

/** Forks host child `name` with `args`; resolves with its `{ type: 'ready' }` message once it serves. */
export async function startHostChild<R extends { readonly type: 'ready' }>(name: HostScript, args: readonly string[]): Promise<HostChild<R>> {
  const child = fork(hostScript(name), [...args], { execArgv: ['--expose-gc', '--max-old-space-size=8192'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  child.on('error', () => undefined);
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    if (child.connected) child.disconnect();
    else child.kill('SIGTERM');
    await exited;
    clearTimeout(killer);
  };
  try {
    const ready = await new Promise<R>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${name} did not serve within ${READY_TIMEOUT_MS} ms`)), READY_TIMEOUT_MS);
      child.on('message', (message: unknown) => {
        const type = (message as { type?: unknown }).type;
        if (type === 'error') {
          clearTimeout(timer);
          reject(new Error(`${name}: ${String((message as { error?: unknown }).error)}`));
        }
        if (type !== 'ready') return;
        clearTimeout(timer);
        resolve(message as R);
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`${name} exited (code ${String(code)}, signal ${String(signal)}) before it served`));
      });
    });
    const call = (op: string): Promise<void> =>
      new Promise<void>((resolve, reject) => {
        const onMessage = (message: unknown): void => {
          if ((message as { type?: unknown }).type !== `${op}-done`) return;
          child.off('message', onMessage);
          child.off('exit', onExit);
          resolve();
        };
        const onExit = (): void => {
          child.off('message', onMessage);
          reject(new Error(`${name} exited before it answered ${op}`));
        };
        child.on('message', onMessage);
        child.once('exit', onExit);
        child.send({ op }, (error) => {
          if (error !== null) onExit();
        });
      });
    return { ready, stop, call };
  } catch (error) {
    await stop();
    throw error;
  }
}
