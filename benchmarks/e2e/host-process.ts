/**
 * The suite's side of a host child (host-child.ts): fork it, wait until it
 * serves, ask it for its CPU, run a watch phase in it, read its memory, stop
 * it. Peak RSS is read from `/proc/<pid>/status` (`VmHWM`) after resetting it
 * through `/proc/<pid>/clear_refs`, so that it covers exactly a phase and
 * needs nothing from the child's event loop (a naive host blocked in
 * `JSON.stringify` would miss its own peak if it sampled itself); where
 * `/proc` is missing, the child's lifetime `maxRSS` stands in.
 */
import { type ChildProcess, fork, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BENCHMARKS_ROOT, REPO_ROOT, RUNNING_FROM_DIST } from '../lib/environment.js';
import type { HostKind } from './hosts.js';
import type { CpuTime, HostMessage, HostRequest, WatchLoad, WatchPhaseResult } from './protocol.js';

/** Sources the host child runs (compiled): rebuilt first when dist is older. */
const SCRIPTS = ['e2e/host-child', 'e2e/hosts', 'e2e/naive-host', 'e2e/protocol', 'cache/watch-http-client', 'cache/watch-http-protocol', 'fixtures/pod'];

/** Longest for a host to seed and listen. */
const READY_TIMEOUT_MS = 120_000;

/** The compiled host child; from sources (vitest), rebuilds dist first when it is missing or stale. */
function hostScript(): string {
  if (RUNNING_FROM_DIST) return join(dirname(fileURLToPath(import.meta.url)), 'host-child.js');
  const stale = SCRIPTS.some((name) => {
    const compiled = join(BENCHMARKS_ROOT, 'dist', `${name}.js`);
    return !existsSync(compiled) || statSync(compiled).mtimeMs < statSync(join(BENCHMARKS_ROOT, `${name}.ts`)).mtimeMs;
  });
  if (stale) {
    const build = spawnSync(join(REPO_ROOT, 'node_modules', '.bin', 'tsc'), ['-b', 'benchmarks'], { cwd: REPO_ROOT, encoding: 'utf8' });
    if (build.status !== 0) throw new Error(`tsc -b benchmarks failed:\n${build.stdout}${build.stderr}`);
  }
  return join(BENCHMARKS_ROOT, 'dist', 'e2e', 'host-child.js');
}

/** A request without its id (distributed over the union, so each op keeps its fields). */
type RequestBody = HostRequest extends infer R ? (R extends HostRequest ? Omit<R, 'id'> : never) : never;

type Pending = { resolve: (value: unknown) => void; reject: (error: Error) => void };

/** A host running in a child process. */
export class HostProcess {
  readonly kind: HostKind;
  readonly url: string;
  readonly port: number;
  /** Time to build the seed and start the host (seeded, caches synced, listening), ms. */
  readonly seedMs: number;
  /** RSS once ready, bytes. */
  readonly readyRss: number;
  readonly #child: ChildProcess;
  readonly #pending = new Map<number, Pending>();
  #nextId = 1;
  #exited: Error | undefined;

  private constructor(kind: HostKind, child: ChildProcess, ready: Extract<HostMessage, { type: 'ready' }>) {
    this.kind = kind;
    this.#child = child;
    this.url = ready.url;
    this.port = ready.port;
    this.seedMs = ready.seedMs;
    this.readyRss = ready.rss;
    child.on('message', (message: HostMessage) => {
      if (message.type !== 'reply') return;
      const pending = this.#pending.get(message.id);
      if (pending === undefined) return;
      this.#pending.delete(message.id);
      if ('error' in message) pending.reject(new Error(`${kind} host: ${message.error}`));
      else pending.resolve(message.value);
    });
    // A send to a child that has just died fails with EPIPE: the request's callback reports it.
    child.on('error', () => undefined);
    child.on('exit', (code, signal) => {
      this.#exited = new Error(`${kind} host exited (code ${String(code)}, signal ${String(signal)})`);
      for (const pending of this.#pending.values()) pending.reject(this.#exited);
      this.#pending.clear();
    });
  }

  /** Forks a host child of `kind` seeded with `pods` fixture pods over `nodes` nodes; resolves once it serves. */
  static async start(kind: HostKind, pods: number, nodes: number): Promise<HostProcess> {
    const child = fork(hostScript(), [kind, String(pods), String(nodes)], {
      execArgv: ['--expose-gc', '--max-old-space-size=8192'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const ready = await new Promise<Extract<HostMessage, { type: 'ready' }>>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill();
        reject(new Error(`${kind} host did not start within ${READY_TIMEOUT_MS} ms`));
      }, READY_TIMEOUT_MS);
      child.on('message', (message: HostMessage) => {
        if (message.type === 'ready') {
          clearTimeout(timer);
          resolve(message);
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`${kind} host exited (code ${String(code)}) before it was ready`));
      });
    });
    return new HostProcess(kind, child, ready);
  }

  #request<T>(request: RequestBody): Promise<T> {
    if (this.#exited !== undefined) return Promise.reject(this.#exited);
    const id = this.#nextId++;
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.#child.send({ ...request, id }, (error) => {
        if (error === null) return;
        this.#pending.delete(id);
        reject(new Error(`${this.kind} host: ${error.message} (the host has gone away)`, { cause: error }));
      });
    });
  }

  /** The child's CPU time so far (user + system), ms. */
  async cpuMs(): Promise<number> {
    const cpu = await this.#request<CpuTime>({ op: 'cpu' });
    return (cpu.user + cpu.system) / 1000;
  }

  /** Runs `gc()` in the child; resolves with its RSS after it, bytes. */
  gc(): Promise<number> {
    return this.#request<number>({ op: 'gc' });
  }

  /** Runs a watch phase in the child (see host-child.ts). */
  watch(load: WatchLoad): Promise<WatchPhaseResult> {
    return this.#request<WatchPhaseResult>({ op: 'watch', load });
  }

  /** Resets the child's peak RSS to its current RSS; false where `/proc` cannot (then {@link peakRss} is the lifetime peak). */
  resetPeakRss(): boolean {
    try {
      writeFileSync(`/proc/${this.#child.pid}/clear_refs`, '5');
      return true;
    } catch {
      return false;
    }
  }

  /** The child's peak RSS since {@link resetPeakRss} (or its lifetime peak), bytes. */
  async peakRss(): Promise<number> {
    const hwm = this.#status('VmHWM');
    return hwm ?? this.#request<number>({ op: 'maxrss' });
  }

  /** The child's RSS now, bytes (from `/proc`, else its last reported figure). */
  rss(): number {
    return this.#status('VmRSS') ?? this.readyRss;
  }

  #status(field: string): number | undefined {
    try {
      const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${this.#child.pid}/status`, 'utf8'));
      return match === null ? undefined : Number(match[1]) * 1024;
    } catch {
      return undefined;
    }
  }

  /** Stops the host and waits for the child to exit (killing it after 10 s). */
  async stop(): Promise<void> {
    if (this.#exited !== undefined) return;
    const exited = new Promise<void>((resolve) => {
      if (this.#child.exitCode !== null || this.#child.signalCode !== null) resolve();
      else this.#child.once('exit', () => resolve());
    });
    const killer = setTimeout(() => this.#child.kill('SIGKILL'), 10_000);
    await this.#request({ op: 'stop' }).catch(() => undefined);
    await exited;
    clearTimeout(killer);
  }
}
