#!/usr/bin/env node
/**
 * The `mini-apiserver` command: `start` serves a synthetic cluster on
 * 127.0.0.1:8080 for kubectl and controllers to talk to, from memory or, with
 * `--etcd`, from an etcd that several replicas share.
 *
 * ```
 *   argv ─▶ parseArgs ─▶ storage: MemoryStorage, or EtcdStorage (--etcd; seeded only when empty)
 *        ─▶ startApiServer(storage + syntheticCluster) ─▶ startChurn?
 *        ─▶ kubeconfig in a temp dir, instructions on stdout
 *        ─▶ SIGINT / SIGTERM ─▶ stop churn, close server, close storage, remove temp dir, exit 0
 * ```
 */
import type { EventEmitter } from 'node:events';
import { mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MemoryStorage, type Storage } from '@apiserver-kit/storage';
import { EtcdStorage } from '@apiserver-kit/storage-etcd';
import { type Churn, startChurn } from './churn.js';
import { CORE_V1_RESOURCES, storagePrefix } from './resources.js';
import { syntheticCluster } from './seed.js';
import { seedIfEmpty } from './seed-storage.js';
import { startApiServer } from './server.js';
import { StorageProbe } from './storage-probe.js';

/** What `mini-apiserver start` runs with, after flags and environment. */
export interface CliOptions {
  readonly command: 'start' | 'help';
  /** @default 8080, or `MINI_APISERVER_PORT` */
  readonly port: number;
  /** @default '127.0.0.1', or `MINI_APISERVER_HOST` */
  readonly host: string;
  /** @default 10 */
  readonly namespaces: number;
  /** @default 100 */
  readonly nodes: number;
  /** @default 3000 */
  readonly pods: number;
  /** ConfigMaps per namespace. @default 3 */
  readonly configmaps: number;
  /** Pod status updates per second; 0 for none. @default 0 */
  readonly churn: number;
  /** The synthetic cluster's seed. @default 1 */
  readonly seed: number;
  /** Serve `/debug/profile`. @default false */
  readonly profiling: boolean;
  /** The etcd client URLs (`--etcd`); absent: in memory. */
  readonly etcd?: readonly string[] | undefined;
  /** The key prefix in etcd (`--etcd-prefix`), present with `etcd`. @default '/registry' */
  readonly etcdPrefix?: string | undefined;
}

/** A command line that cannot run: the message to print (exit status 2). */
export interface CliError {
  readonly error: string;
}

/** The text of `--help`. */
export const HELP: string = `Usage: mini-apiserver [start] [options]

Serve a Kubernetes-compatible API (core/v1 namespaces, nodes, pods, configmaps)
over an in-memory synthetic cluster, for kubectl and controllers to talk to.
With --etcd, the objects live in etcd instead, and several replicas (each on
its own --port) serve the same cluster, each from its own watch cache.

Options:
  --port <n>         port to listen on (0 picks a free one)   [env MINI_APISERVER_PORT, default 8080]
  --host <address>   address to listen on                     [env MINI_APISERVER_HOST, default 127.0.0.1]
  --namespaces <n>   namespaces to seed (+ the system ones)   [default 10]
  --nodes <n>        nodes to create                          [default 100]
  --pods <n>         pods to create, spread over the nodes    [default 3000]
  --configmaps <n>   configmaps per seeded namespace          [default 3]
  --churn <n>        pod status updates per second            [default 0: none]
  --seed <n>         seed of the synthetic cluster            [default 1]
  --profiling        serve /debug/profile?seconds=N (a V8 CPU profile)
  --etcd <urls>      store in etcd: client URLs, comma-separated  [default: in memory]
                     (http://127.0.0.1:2379); the cluster is seeded only
                     when etcd holds none of its objects yet
  --etcd-prefix <p>  key prefix in etcd                       [default /registry]
  -h, --help         show this help

Stop with Ctrl-C (SIGINT) or SIGTERM.
`;

const INTEGER_FLAGS = ['port', 'namespaces', 'nodes', 'pods', 'configmaps', 'seed'] as const;
type IntegerFlag = (typeof INTEGER_FLAGS)[number];

function integer(name: string, text: string, min: number, max: number): number | CliError {
  const value = /^-?\d+$/.test(text.trim()) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    return { error: `invalid value for ${name}: ${JSON.stringify(text)} (expected an integer from ${min} to ${max})` };
  }
  return value;
}

/**
 * Reads the command line (without `node` and the script: `process.argv.slice(2)`)
 * and the environment. Flags take `--flag value` or `--flag=value`; flags
 * beat the environment; a bare `--` is ignored. Never throws: a bad line is `{ error }`.
 */
export function parseArgs(argv: readonly string[], env: Readonly<Record<string, string | undefined>> = {}): CliOptions | CliError {
  const values: Record<IntegerFlag, number> = { port: 8080, namespaces: 10, nodes: 100, pods: 3000, configmaps: 3, seed: 1 };
  let host = '127.0.0.1';
  let churn = 0;
  let profiling = false;
  let etcd: string[] | undefined;
  let etcdPrefix: string | undefined;
  let command: CliOptions['command'] = 'start';
  const envPort = env['MINI_APISERVER_PORT'];
  if (envPort !== undefined && envPort !== '') {
    const port = integer('MINI_APISERVER_PORT', envPort, 0, 65_535);
    if (typeof port !== 'number') return port;
    values.port = port;
  }
  const envHost = env['MINI_APISERVER_HOST'];
  if (envHost !== undefined && envHost !== '') host = envHost;

  // A bare `--` is skipped wherever it appears: package managers pass it through
  // (`pnpm start -- --help` runs `cli.js start -- --help` under pnpm 10), and
  // this command takes no positional arguments it could be protecting.
  const args = argv.filter((arg) => arg !== '--');
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === 'start' && i === 0) continue;
    if (arg === 'help' && i === 0) {
      command = 'help';
      continue;
    }
    if (arg === '-h' || arg === '--help') {
      command = 'help';
      continue;
    }
    if (!arg.startsWith('--')) return { error: i === 0 ? `unknown command: ${JSON.stringify(arg)}` : `unexpected argument: ${JSON.stringify(arg)}` };
    const eq = arg.indexOf('=');
    const name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
    if (name === 'profiling') {
      if (eq >= 0) return { error: '--profiling takes no value' };
      profiling = true;
      continue;
    }
    const isInteger = (INTEGER_FLAGS as readonly string[]).includes(name);
    if (!isInteger && name !== 'host' && name !== 'churn' && name !== 'etcd' && name !== 'etcd-prefix') return { error: `unknown flag: --${name}` };
    let text: string;
    if (eq >= 0) {
      text = arg.slice(eq + 1);
    } else {
      const next = args[i + 1];
      if (next === undefined || next.startsWith('--')) return { error: `--${name} needs a value` };
      text = next;
      i++;
    }
    if (name === 'host') {
      if (text.trim() === '') return { error: '--host needs a value' };
      host = text;
    } else if (name === 'etcd') {
      const urls = parseEtcdUrls(text);
      if (!Array.isArray(urls)) return urls;
      etcd = urls;
    } else if (name === 'etcd-prefix') {
      // etcd keys are `<prefix>/<resource>/…`: a prefix is empty or starts with `/`, never ends with one.
      if (text !== '' && (!text.startsWith('/') || text.endsWith('/') || !/^[\x21-\x7e]+$/.test(text))) {
        return { error: `invalid value for --etcd-prefix: ${JSON.stringify(text)} (expected "" or a path like /registry: printable, starting with / and not ending with /)` };
      }
      etcdPrefix = text;
    } else if (name === 'churn') {
      const rate = /^\d+(\.\d+)?$/.test(text.trim()) ? Number(text) : Number.NaN;
      if (!Number.isFinite(rate) || rate > 1_000_000) return { error: `invalid value for --churn: ${JSON.stringify(text)} (expected a number of updates per second from 0 to 1000000)` };
      churn = rate;
    } else {
      const flag = name as IntegerFlag;
      const max = flag === 'port' ? 65_535 : flag === 'seed' ? Number.MAX_SAFE_INTEGER : 10_000_000;
      const value = integer(`--${flag}`, text, 0, max);
      if (typeof value !== 'number') return value;
      values[flag] = value;
    }
  }
  if (etcdPrefix !== undefined && etcd === undefined) return { error: '--etcd-prefix needs --etcd' };
  return { command, host, churn, profiling, ...values, ...(etcd === undefined ? {} : { etcd, etcdPrefix: etcdPrefix ?? '/registry' }) };
}

/** `--etcd`'s value: comma-separated http(s) URLs. */
function parseEtcdUrls(text: string): string[] | CliError {
  const urls = text.split(',').map((url) => url.trim());
  for (const url of urls) {
    let parsed: URL | undefined;
    try {
      parsed = new URL(url);
    } catch {
      parsed = undefined;
    }
    if (parsed === undefined || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') || parsed.host === '') {
      return { error: `invalid value for --etcd: ${JSON.stringify(url)} (expected client URLs like http://127.0.0.1:2379, comma-separated)` };
    }
  }
  return urls;
}

/** Where {@link runCli} writes and which signals it waits for (the process's, by default). */
export interface CliIo {
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly stdout?: { write(text: string): unknown };
  readonly stderr?: { write(text: string): unknown };
  /** Emits `SIGINT` / `SIGTERM`. @default process */
  readonly signals?: Pick<EventEmitter, 'once' | 'removeListener'>;
}

/** `[::1]:8080` for IPv6 hosts in URLs, as-is otherwise. */
function hostForUrl(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

/** How many objects of each served resource the store holds, by resource name (`pods`, …). */
async function countResources(storage: Storage): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const info of CORE_V1_RESOURCES) counts[info.resource] = (await storage.list(storagePrefix(info))).items.length;
  return counts;
}

/**
 * Runs the command line and resolves with the exit status: 0 after `--help`
 * or a clean shutdown (on SIGINT or SIGTERM), 2 for a bad command line, 1
 * when the server cannot start (the port is taken, say).
 */
export async function runCli(argv: readonly string[], io: CliIo = {}): Promise<number> {
  const stdout = io.stdout ?? process.stdout;
  const stderr = io.stderr ?? process.stderr;
  const signals = io.signals ?? process;
  const options = parseArgs(argv, io.env ?? process.env);
  if ('error' in options) {
    stderr.write(`mini-apiserver: ${options.error}\nRun 'mini-apiserver --help' for usage.\n`);
    return 2;
  }
  if (options.command === 'help') {
    stdout.write(HELP);
    return 0;
  }
  const started = Date.now();
  const seedOptions = { namespaces: options.namespaces, nodes: options.nodes, pods: options.pods, configmaps: options.configmaps, seed: options.seed };
  const etcd = options.etcd === undefined ? undefined : new EtcdStorage({ endpoints: options.etcd, prefix: options.etcdPrefix });
  const storage: Storage = etcd ?? new MemoryStorage();
  // etcd answers /readyz's `[+]etcd` through a background probe (health checks are synchronous).
  const probe = etcd === undefined ? undefined : new StorageProbe(etcd, { name: 'etcd' });
  let seeded = '';
  let server: Awaited<ReturnType<typeof startApiServer>>;
  try {
    if (etcd !== undefined) {
      // A shared store is seeded once: by the first replica to find it empty, not by every replica that starts.
      const result = await seedIfEmpty(etcd, syntheticCluster(seedOptions), CORE_V1_RESOURCES);
      seeded = result.skipped ? ', not seeded: etcd already holds a cluster' : `, seeded ${result.written} objects`;
    }
    server = await startApiServer({
      port: options.port,
      host: options.host,
      storage,
      ...(etcd === undefined ? { seed: seedOptions } : {}),
      enableProfiling: options.profiling,
      ...(probe === undefined ? {} : { readyChecks: [probe.check] }),
    });
  } catch (error) {
    etcd?.close();
    const message = error instanceof Error ? error.message : String(error);
    // A taken port is the usual reason: say how to pick another one.
    const hint = (error as { code?: unknown } | null)?.code === 'EADDRINUSE' ? '\nChoose another port with --port N or MINI_APISERVER_PORT=N (--port 0 picks a free one).' : '';
    stderr.write(`mini-apiserver: cannot start on ${hostForUrl(options.host)}:${options.port}: ${message}${hint}\n`);
    return 1;
  }
  probe?.start();
  // Counted from the store, not the options: the bootstrap namespaces
  // (kube-node-lease, …) come on top of the seeded ones, and kubectl lists them all.
  const counts = await countResources(storage);
  let churn: Churn | undefined;
  if (options.churn > 0) churn = startChurn(storage, { ratePerSecond: options.churn });
  const dir = mkdtempSync(join(tmpdir(), 'mini-apiserver-'));
  const kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(kubeconfig, server.kubeconfig(), { mode: 0o600 });
  stdout.write(
    [
      `mini-apiserver serving ${server.url} — ${counts['namespaces'] ?? 0} namespaces, ${counts['nodes'] ?? 0} nodes, ${counts['pods'] ?? 0} pods, ` +
        `${counts['configmaps'] ?? 0} configmaps${options.churn > 0 ? `, ${options.churn} pod updates/s` : ''}` +
        `${options.profiling ? ', /debug/profile on' : ''}` +
        `${options.etcd === undefined ? '' : `, in etcd ${options.etcd.join(',')} under ${JSON.stringify(options.etcdPrefix ?? '/registry')}${seeded}`}` +
        ` (ready in ${Date.now() - started} ms)`,
      '',
      'Point kubectl at it:',
      `  kubectl --server ${server.url} get pods -A`,
      'or with the kubeconfig written for it:',
      `  export KUBECONFIG=${kubeconfig}`,
      '  kubectl get pods -o wide',
      '',
      'Ctrl-C to stop.',
      '',
    ].join('\n'),
  );
  const signal = await new Promise<string>((resolve) => {
    const onInt = (): void => done('SIGINT');
    const onTerm = (): void => done('SIGTERM');
    function done(name: string): void {
      signals.removeListener('SIGINT', onInt);
      signals.removeListener('SIGTERM', onTerm);
      resolve(name);
    }
    signals.once('SIGINT', onInt);
    signals.once('SIGTERM', onTerm);
  });
  churn?.stop();
  probe?.stop();
  await server.close();
  // After the server: its caches' watches on etcd end first, then the client goes.
  etcd?.close();
  rmSync(dir, { recursive: true, force: true });
  stdout.write(`mini-apiserver: ${signal}, stopped.\n`);
  return 0;
}

/** Whether this module is the process's entry point (also through the npm bin symlink). */
function isMain(): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isMain()) {
  runCli(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`mini-apiserver: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    },
  );
}
