/**
 * Server child of the cache/watch-http suite: a `node:http` server on
 * 127.0.0.1 (port 0) serving watches of pods, fed by pod updates at a fixed
 * rate, with its own CPU and RSS measured. It forks the client process, so the
 * clients' parsing is charged to another process.
 *
 *   node --expose-gc watch-http-server.js <ours|naive> <connections> <rate> <seconds>
 *
 * `ours`: MemoryStorage → storageListerWatcher → Cacher; each request is
 * `cacher.watch()` streamed by `writeWatchResponse` (each event framed once,
 * the same bytes spliced into every socket). `naive`: one storage watch whose
 * events every connection `JSON.stringify`s and writes itself (one shared
 * storage watch, not one per connection: the peer pays only the per-connection
 * encoding, not a per-connection store watch).
 *
 * Prints one JSON line: a {@link ServerResult}. `BENCH_WATCH_HTTP_TRACE=1` also
 * prints memory once a second to stderr. Bounded: the updates stop after
 * `seconds`; the client then has a grace period to report, and both processes
 * exit by themselves.
 */
import { fork } from 'node:child_process';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Cacher, storageListerWatcher, writeWatchResponse } from '@apiserver-kit/cache';
import { JsonEncoder, type KubeObject, WatchEventEncoder } from '@apiserver-kit/codec';
import { MemoryStorage } from '@apiserver-kit/storage';
import { makeFrozenPods } from '../fixtures/pod.js';
import {
  type ClientMessage,
  type ClientReport,
  type CpuWindow,
  SEQ_ANNOTATION,
  type ServerResult,
  type StartMessage,
  WATCH_HTTP_MODES,
  type WatchHttpLoad,
  type WatchHttpMode,
  WRITTEN_AT_ANNOTATION,
} from './watch-http-protocol.js';

/** Distinct pods the updates cycle through; every watch sees all of them. */
const PODS = 100;
/**
 * How long the client may take, after the last update, to report every event
 * delivered: 15 s, plus 5 s per second of updates (a saturated server drains
 * its backlog after the updates stop).
 */
function graceMs(load: WatchHttpLoad): number {
  return 15_000 + 5 * load.seconds * 1000;
}
/** Longest time for the clients to connect. */
const CONNECT_TIMEOUT_MS = 60_000;

function keyOf(pod: KubeObject): string {
  return `/pods/${pod.metadata!.namespace!}/${pod.metadata!.name!}`;
}

/** Watch requests handled by one mode. */
interface Backend {
  readonly handle: (req: IncomingMessage, res: ServerResponse) => void;
  readonly stop: () => Promise<void>;
  /** Events queued and not yet written, all connections together (0 where the backend does not say). */
  readonly backlog: () => number;
}

async function oursBackend(storage: MemoryStorage, revision: number): Promise<Backend> {
  const cacher = new Cacher({ resource: 'pods', source: storageListerWatcher(storage, '/pods/'), bookmarkIntervalMs: 0 });
  cacher.start();
  await cacher.onReady();
  const encoder = new WatchEventEncoder(new JsonEncoder());
  return {
    handle: (_req, res) => {
      cacher.watch({ resourceVersion: String(revision) }).then(
        (watcher) => writeWatchResponse(watcher, res, encoder),
        (error: unknown) => {
          res.writeHead(500).end(String(error));
        },
      );
    },
    stop: () => cacher.stop(),
    backlog: () => 0,
  };
}

/**
 * The peer: every connection encodes every event itself. Each connection has
 * a queue of references to the shared storage events and drains it as ours
 * does — up to 128 ready events per corked batch, waiting for `'drain'` when
 * the socket is full — so the two differ in encoding only, and memory stays
 * bounded by the socket buffers, not by the backlog's bytes.
 */
function naiveBackend(storage: MemoryStorage, revision: number): Backend {
  const connections = new Set<NaiveConnection>();
  const watch = storage.watch('/pods/', { fromRevision: revision });
  const pump = (async (): Promise<void> => {
    for await (const event of watch) {
      if (event.type === 'BOOKMARK') continue;
      for (const conn of connections) conn.push({ type: event.type, object: event.object });
    }
  })();
  return {
    handle: (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
      res.flushHeaders();
      const conn = new NaiveConnection(res);
      connections.add(conn);
      res.on('close', () => {
        connections.delete(conn);
        conn.close();
      });
      void conn.run();
    },
    stop: async () => {
      watch.close();
      await pump;
    },
    backlog: () => {
      let n = 0;
      for (const conn of connections) n += conn.backlog;
      return n;
    },
  };
}

interface NaiveEvent {
  readonly type: string;
  readonly object: KubeObject;
}

/**
 * Diagnostics (`BENCH_WATCH_HTTP_TRACE=1`): prints updates, events written, memory and the naive
 * backlog to stderr at most once a second; called from the hot loops as well as a timer, so it
 * still reports when the event loop is starved.
 */
let traceHook: (() => void) | undefined;
let naiveWritten = 0;

class NaiveConnection {
  readonly #res: ServerResponse;
  #queue: NaiveEvent[] = [];
  #head = 0;
  /** Wakes the loop waiting for events. */
  #wake: (() => void) | undefined;
  /** Wakes the loop waiting for `'drain'` (only `close()` does, besides the drain). */
  #unblock: (() => void) | undefined;
  #closed = false;

  constructor(res: ServerResponse) {
    this.#res = res;
  }

  push(event: NaiveEvent): void {
    this.#queue.push(event);
    this.#wake?.();
  }

  get backlog(): number {
    return this.#queue.length - this.#head;
  }

  close(): void {
    this.#closed = true;
    this.#wake?.();
    this.#unblock?.();
  }

  async run(): Promise<void> {
    const res = this.#res;
    while (!this.#closed) {
      if (this.#head === this.#queue.length) {
        this.#queue = [];
        this.#head = 0;
        await new Promise<void>((resolve) => (this.#wake = resolve));
        this.#wake = undefined;
        continue;
      }
      res.cork();
      const n0 = Math.min(128, this.#queue.length - this.#head);
      for (let n = 0; n < 128 && this.#head < this.#queue.length; n++) res.write(`${JSON.stringify(this.#queue[this.#head++])}\n`);
      res.uncork();
      naiveWritten += n0;
      traceHook?.();
      // The socket's own buffer, not res.write()'s result: through a chunked ServerResponse that
      // result did not hold the strings back.
      const socket = res.socket;
      if (socket !== null && socket.writableLength >= socket.writableHighWaterMark) {
        await new Promise<void>((resolve) => {
          this.#unblock = resolve;
          socket.once('drain', resolve);
        });
        this.#unblock = undefined;
      }
    }
  }
}

async function main(mode: WatchHttpMode, load: WatchHttpLoad): Promise<ServerResult> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('run with --expose-gc');
  const storage = new MemoryStorage({ uid: () => 'bench' });
  const keys: string[] = [];
  for (const pod of makeFrozenPods(PODS)) {
    const { resourceVersion: _rv, ...metadata } = pod.metadata!;
    await storage.create(keyOf(pod), { ...pod, metadata });
    keys.push(keyOf(pod));
  }
  const revision = await storage.currentRevision();
  const backend = mode === 'ours' ? await oursBackend(storage, revision) : naiveBackend(storage, revision);

  const server = createServer((req, res) => {
    if (req.method !== 'GET' || req.url?.startsWith('/api/v1/pods?watch=1') !== true) {
      res.writeHead(404).end();
      return;
    }
    backend.handle(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: 0, backlog: 4096 }, resolve);
  });
  const { port } = server.address() as AddressInfo;

  gc();
  gc();
  const baselineRss = process.memoryUsage.rss();
  const maxRssBefore = process.resourceUsage().maxRSS * 1024;
  let sampledRss = baselineRss;
  const sampleRss = (): void => {
    sampledRss = Math.max(sampledRss, process.memoryUsage.rss());
  };
  const rssTimer = setInterval(sampleRss, 20);
  const traceStart = performance.now();
  let traceAt = traceStart;
  let traceUpdates = 0;
  traceHook =
    process.env['BENCH_WATCH_HTTP_TRACE'] === undefined
      ? undefined
      : (): void => {
          const now = performance.now();
          if (now - traceAt < 1000) return;
          traceAt = now;
          const m = process.memoryUsage();
          const mib = (n: number): string => (n / 2 ** 20).toFixed(0);
          console.error(
            `trace ${mode} t=${((now - traceStart) / 1000).toFixed(1)}s updates=${traceUpdates} written=${naiveWritten} rss=${mib(m.rss)} heapUsed=${mib(m.heapUsed)} external=${mib(m.external)} arrayBuffers=${mib(m.arrayBuffers)} backlog=${backend.backlog()}`,
          );
        };
  const trace = traceHook === undefined ? undefined : setInterval(traceHook, 1000);

  const updates = Math.max(1, Math.round(load.rate * load.seconds));
  const clientScript = join(dirname(fileURLToPath(import.meta.url)), 'watch-http-client.js');
  const client = fork(clientScript, [], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const clientExited = new Promise<void>((resolve) => client.once('exit', () => resolve()));
  let onConnected: () => void = () => undefined;
  let onReport: (report: ClientReport) => void = () => undefined;
  const connected = new Promise<void>((resolve) => (onConnected = resolve));
  const reported = new Promise<ClientReport>((resolve) => (onReport = resolve));
  client.on('message', (message: ClientMessage) => {
    if (message.type === 'connected') onConnected();
    else onReport(message.report);
  });
  const failure = new Promise<never>((_resolve, reject) => {
    client.once('exit', (code) => reject(new Error(`the client exited (code ${String(code)}) before it reported`)));
  });
  failure.catch(() => undefined);
  const start: StartMessage = { type: 'start', port, path: '/api/v1/pods?watch=1', connections: load.connections, updates };
  client.send(start);
  await Promise.race([connected, failure, timeout(CONNECT_TIMEOUT_MS, `the clients did not connect within ${CONNECT_TIMEOUT_MS} ms`)]);

  // The update phase: updates on a fixed schedule (catching up at once when the loop fell behind).
  const intervalMs = 1000 / load.rate;
  const windowMs = load.seconds >= 10 ? 1000 : 250;
  const windows: CpuWindow[] = [];
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let windowCpu = cpu0;
  let windowUpdates = 0;
  let windowEnd = t0 + windowMs;
  let lastUpdateAt = t0;
  for (let seq = 1; seq <= updates; seq++) {
    const due = t0 + (seq - 1) * intervalMs;
    const wait = due - performance.now();
    // Behind schedule, still yield to the event loop (as an update arriving from a real store would):
    // without it the updates, the storage watch and the connections' writes chain on promises alone,
    // timers and I/O never run, and the after-write ticks retain every string written (4 GB in 70 s).
    if (wait > 1) await sleep(wait);
    else await new Promise<void>((resolve) => setImmediate(resolve));
    const key = keys[(seq - 1) % keys.length]!;
    await storage.guaranteedUpdate(key, (current) => {
      const meta = current!.metadata!;
      return {
        ...current!,
        metadata: { ...meta, annotations: { ...meta.annotations, [SEQ_ANNOTATION]: String(seq), [WRITTEN_AT_ANNOTATION]: String(process.hrtime.bigint()) } },
      };
    });
    lastUpdateAt = performance.now();
    traceUpdates = seq;
    traceHook?.();
    windowUpdates++;
    if (lastUpdateAt >= windowEnd) {
      const now = process.cpuUsage();
      windows.push({ cpuMs: (now.user - windowCpu.user + now.system - windowCpu.system) / 1000, updates: windowUpdates });
      windowCpu = now;
      windowUpdates = 0;
      windowEnd += windowMs;
    }
  }
  const updateSpanMs = lastUpdateAt - t0;
  const graceTimer = setTimeout(() => client.send({ type: 'report' }), graceMs(load));
  const report = await Promise.race([reported, failure, timeout(graceMs(load) + 10_000, 'the client did not report')]);
  clearTimeout(graceTimer);
  const phaseMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  clearInterval(rssTimer);
  if (trace !== undefined) clearInterval(trace);
  sampleRss();
  const maxRssAfter = process.resourceUsage().maxRSS * 1024;
  const peakRss = maxRssAfter > maxRssBefore ? maxRssAfter : sampledRss;

  client.disconnect();
  await Promise.race([clientExited, sleep(5_000)]);
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await backend.stop();
  return {
    mode,
    load,
    updates,
    updateSpanMs,
    phaseMs,
    cpuUserMs: cpu.user / 1000,
    cpuSystemMs: cpu.system / 1000,
    windows,
    baselineRss,
    peakRss,
    client: report,
  };
}

/** Longest a server child may live, whatever happens: every stage at its limit, and some. */
export function hardStopMs(load: WatchHttpLoad): number {
  return CONNECT_TIMEOUT_MS + 6 * load.seconds * 1000 + graceMs(load) + 30_000;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function timeout(ms: number, message: string): Promise<never> {
  return new Promise((_resolve, reject) => setTimeout(() => reject(new Error(message)), ms).unref());
}

function positive(name: string, text: string | undefined, integer: boolean): number {
  const value = Number(text);
  if (!(value > 0) || !Number.isFinite(value) || (integer && !Number.isInteger(value))) {
    throw new RangeError(`Expected \`${name}\` to be a positive ${integer ? 'integer' : 'number'}, got \`${String(text)}\` (${typeof text})`);
  }
  return value;
}

// Run only as a script.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [mode, connections, rate, seconds] = process.argv.slice(2);
  if (mode === undefined || !(WATCH_HTTP_MODES as readonly string[]).includes(mode)) {
    throw new TypeError(`Expected \`mode\` to be one of ${WATCH_HTTP_MODES.join(', ')}, got \`${String(mode)}\` (${typeof mode})`);
  }
  const load: WatchHttpLoad = {
    connections: positive('connections', connections, true),
    rate: positive('rate', rate, false),
    seconds: positive('seconds', seconds, false),
  };
  // A hard stop, whatever happens: the longest honest run plus every grace period.
  setTimeout(() => {
    console.error('watch-http-server: hard stop');
    process.exit(2);
  }, hardStopMs(load)).unref();
  main(mode as WatchHttpMode, load).then(
    (result) => {
      // Exit once written: a socket still in teardown must not keep the process.
      process.stdout.write(`${JSON.stringify(result)}\n`, () => process.exit(0));
    },
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
