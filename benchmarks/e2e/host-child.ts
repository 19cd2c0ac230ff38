/**
 * Host child of the e2e suites: one host (ours or the naive one), seeded with
 * fixture pods, on 127.0.0.1:0, in a process of its own so that its CPU and
 * memory are its own. Driven over IPC by the suite (see protocol.ts).
 *
 *   node --expose-gc host-child.js <ours|naive> <pods> <nodes>
 *
 * Bounded: a hard stop ends it after {@link HARD_STOP_MS}, and it exits when
 * the suite goes away (IPC disconnect).
 */
import { type ChildProcess, fork } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ClientMessage, ClientReport, StartMessage } from '../cache/watch-http-protocol.js';
import { SEQ_ANNOTATION, WRITTEN_AT_ANNOTATION } from '../cache/watch-http-protocol.js';
import { e2ePods, type Host, HOST_KINDS, type HostKind, type SeedEntry, startHost } from './hosts.js';
import type { HostMessage, HostRequest, WatchLoad, WatchPhaseResult } from './protocol.js';

/** Longest a host child lives, whatever happens. */
export const HARD_STOP_MS: number = 10 * 60_000;
/** Longest for the watch clients to connect. */
const CONNECT_TIMEOUT_MS = 60_000;
/** Distinct pods the watch phase's updates cycle through. */
const UPDATED_PODS = 100;

function graceMs(load: WatchLoad): number {
  return 15_000 + 3 * load.seconds * 1000;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function timeout(ms: number, message: string): Promise<never> {
  return new Promise((_resolve, reject) => setTimeout(() => reject(new Error(message)), ms).unref());
}

/**
 * The watch phase: `load.connections` watches from the client process, then
 * pod updates on a fixed schedule, each stamped with its sequence number and
 * write time (the client checks every connection gets every one, in order).
 */
async function watchPhase(host: Host, seed: readonly SeedEntry[], load: WatchLoad): Promise<WatchPhaseResult> {
  const updates = Math.max(1, Math.round(load.rate * load.seconds));
  const list = (await (await fetch(`${host.url}/api/v1/pods?limit=1`)).json()) as { metadata?: { resourceVersion?: string } };
  const resourceVersion = list.metadata?.resourceVersion;
  if (resourceVersion === undefined) throw new Error('the host answered a list without a resourceVersion');
  const client: ChildProcess = fork(join(dirname(fileURLToPath(import.meta.url)), '..', 'cache', 'watch-http-client.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  try {
    let onConnected!: () => void;
    let onReport!: (report: ClientReport) => void;
    const connected = new Promise<void>((resolve) => (onConnected = resolve));
    const reported = new Promise<ClientReport>((resolve) => (onReport = resolve));
    const exited = new Promise<never>((_resolve, reject) => client.once('exit', (code) => reject(new Error(`the watch client exited (code ${String(code)}) before reporting`))));
    exited.catch(() => undefined);
    client.on('message', (message: ClientMessage) => {
      if (message.type === 'connected') onConnected();
      else onReport(message.report);
    });
    const start: StartMessage = { type: 'start', port: host.port, path: `/api/v1/pods?watch=true&resourceVersion=${resourceVersion}`, connections: load.connections, updates };
    client.send(start);
    await Promise.race([connected, exited, timeout(CONNECT_TIMEOUT_MS, `the watch clients did not connect within ${CONNECT_TIMEOUT_MS} ms`)]);
    await sleep(200);
    const connectedRss = process.memoryUsage.rss();

    const targets = seed.slice(0, UPDATED_PODS).map((entry) => entry.object.metadata!);
    const intervalMs = 1000 / load.rate;
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    let lastUpdateAt = t0;
    for (let seq = 1; seq <= updates; seq++) {
      const wait = t0 + (seq - 1) * intervalMs - performance.now();
      // Behind schedule, still yield to the event loop, as an update arriving from a client would.
      if (wait > 1) await sleep(wait);
      else await new Promise<void>((resolve) => setImmediate(resolve));
      const meta = targets[(seq - 1) % targets.length]!;
      await host.annotate(meta.namespace!, meta.name!, { [SEQ_ANNOTATION]: String(seq), [WRITTEN_AT_ANNOTATION]: String(process.hrtime.bigint()) });
      lastUpdateAt = performance.now();
    }
    const graceTimer = setTimeout(() => client.send({ type: 'report' }), graceMs(load));
    const report = await Promise.race([reported, exited, timeout(graceMs(load) + 10_000, 'the watch client did not report')]);
    clearTimeout(graceTimer);
    const phaseMs = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    return { load, updates, updateSpanMs: lastUpdateAt - t0, phaseMs, cpuMs: (cpu.user + cpu.system) / 1000, connectedRss, client: report };
  } finally {
    if (client.connected) client.disconnect();
    client.kill();
  }
}

async function main(kind: HostKind, pods: number, nodes: number): Promise<void> {
  const t0 = performance.now();
  const seed = e2ePods(pods, nodes);
  const host = await startHost(kind, seed);
  const seedMs = performance.now() - t0;
  const send = (message: HostMessage): void => {
    process.send!(message);
  };
  process.on('message', (request: HostRequest) => {
    const answer = async (): Promise<unknown> => {
      switch (request.op) {
        case 'cpu':
          return process.cpuUsage();
        case 'gc':
          (globalThis as { gc?: () => void }).gc?.();
          return process.memoryUsage.rss();
        case 'maxrss':
          return process.resourceUsage().maxRSS * 1024;
        case 'watch':
          return watchPhase(host, seed, request.load);
        case 'stop':
          await host.close();
          return null;
      }
    };
    answer().then(
      (value) => {
        send({ type: 'reply', id: request.id, value: value ?? null });
        if (request.op === 'stop') process.disconnect();
      },
      (error: unknown) => send({ type: 'reply', id: request.id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
    );
  });
  send({ type: 'ready', url: host.url, port: host.port, seedMs, rss: process.memoryUsage.rss() });
}

// Run only as a script.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  if (process.send === undefined) throw new Error('host-child runs as a forked child of an e2e suite');
  const [kind, pods, nodes] = process.argv.slice(2);
  if (kind === undefined || !(HOST_KINDS as readonly string[]).includes(kind)) {
    throw new TypeError(`Expected \`kind\` to be one of ${HOST_KINDS.join(', ')}, got \`${String(kind)}\` (${typeof kind})`);
  }
  setTimeout(() => {
    console.error('e2e host-child: hard stop');
    process.exit(2);
  }, HARD_STOP_MS).unref();
  // The suite going away ends the host: the open server must not keep the process.
  process.on('disconnect', () => process.exit(0));
  main(kind as HostKind, Number(pods), Number(nodes)).catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
