/**
 * Helpers of the etcd tests: hosts on an EtcdStorage, HTTP watches collected
 * as they arrive, writes retried until etcd answers again, and a TCP proxy
 * that cuts one host off its etcd without stopping etcd.
 */
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { FakeClock } from '@apiserver-kit/core';
import { EtcdStorage } from '@apiserver-kit/storage-etcd';
import { type ApiServer, type ApiServerOptions, startApiServer } from '../src/server.js';
import { StorageProbe } from '../src/storage-probe.js';
import { type Answer, call, eventually, openWatch, type WatchStream } from './server-helpers.js';

/** A reference host on its own EtcdStorage (the store of record every replica shares). */
export interface EtcdHost {
  readonly server: ApiServer;
  readonly storage: EtcdStorage;
  /** Its `/readyz` `[+]etcd` check, probed by hand (`refresh()`): its clock is a FakeClock nobody advances. */
  readonly probe: StorageProbe;
  close(): Promise<void>;
}

/** Starts a host on an EtcdStorage of its own over `endpoints` (prefix `/registry`, as the CLI's default). */
export async function startEtcdHost(endpoints: string | readonly string[], options: ApiServerOptions = {}): Promise<EtcdHost> {
  const storage = new EtcdStorage({ endpoints, prefix: '/registry' });
  const probe = new StorageProbe(storage, { name: 'etcd', clock: new FakeClock() });
  try {
    const server = await startApiServer({ ...options, storage, readyChecks: [probe.check] });
    return {
      server,
      storage,
      probe,
      close: async () => {
        await server.close();
        storage.close();
      },
    };
  } catch (error) {
    storage.close();
    throw error;
  }
}

/** One watch event as the tests compare them: `TYPE name rv`, or `ERROR code reason`. */
export function summary(event: { type: string; object: any }): string {
  if (event.type === 'ERROR') return `ERROR ${event.object.code} ${event.object.reason}`;
  return `${event.type} ${event.object.metadata.name} ${event.object.metadata.resourceVersion}`;
}

/** An HTTP watch whose events are read as they arrive into `events` (summaries), until it ends. */
export interface CollectedWatch {
  readonly events: string[];
  readonly stream: WatchStream;
  /** Whether the stream ended. */
  readonly ended: () => boolean;
  /** Resolves once `events` holds `count` events (fails after `timeoutMs`). */
  waitFor(count: number, what: string, timeoutMs?: number): Promise<string[]>;
  close(): void;
}

/** Opens a watch (GET `path`, which carries `watch=1`) and collects its events. */
export async function collectWatch(base: string, path: string): Promise<CollectedWatch> {
  const stream = await openWatch(base, path);
  if (stream.response.statusCode !== 200) throw new Error(`watch ${path}: HTTP ${stream.response.statusCode}`);
  const events: string[] = [];
  let ended = false;
  void (async () => {
    for (let event = await stream.next(); event !== undefined; event = await stream.next()) {
      if (event.type !== 'BOOKMARK') events.push(summary(event));
    }
    ended = true;
  })();
  return {
    events,
    stream,
    ended: () => ended,
    waitFor: (count, what, timeoutMs = 20_000) => eventually(() => events, (seen) => seen.length >= count, what, timeoutMs),
    close: () => stream.close(),
  };
}

/** A ConfigMap in `default`. */
export function configMap(name: string, data: Record<string, string> = {}): Record<string, unknown> {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default' }, data };
}

/** The path of the ConfigMaps of `default` (with a name: one of them). */
export function configMaps(name?: string): string {
  return `/api/v1/namespaces/default/configmaps${name === undefined ? '' : `/${name}`}`;
}

/**
 * Sends a write until etcd answers it (anything but 503): waiting for etcd
 * to be back (a restarted member, a new leader, the client's circuit breaker
 * half-open again) is waiting for this event, not for a time.
 */
export async function writeWhenBack(base: string, method: string, path: string, body?: unknown, timeoutMs = 30_000): Promise<Answer> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const answer = await call(base, method, path, body === undefined ? {} : { body });
    if (answer.status !== 503) return answer;
    if (Date.now() > deadline) throw new Error(`${method} ${path}: still 503 after ${timeoutMs} ms: ${answer.text}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * A TCP proxy on 127.0.0.1 in front of one etcd member: `cut()` drops every
 * connection and refuses new ones (the host is cut off its etcd, which goes
 * on serving the others), `restore()` lets them through again.
 */
export class EtcdProxy {
  readonly #server: Server;
  readonly #target: URL;
  readonly #sockets = new Set<Socket>();
  #cut = false;

  private constructor(server: Server, target: URL) {
    this.#server = server;
    this.#target = target;
  }

  /** Starts a proxy to `target` (an etcd client URL). */
  static async start(target: string): Promise<EtcdProxy> {
    const server = createServer();
    const proxy = new EtcdProxy(server, new URL(target));
    server.on('connection', (socket) => proxy.#accept(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  /** The proxy's client URL, `http://127.0.0.1:<port>`. */
  get url(): string {
    const address = this.#server.address();
    if (address === null || typeof address === 'string') throw new Error('proxy not listening');
    return `http://127.0.0.1:${address.port}`;
  }

  cut(): void {
    this.#cut = true;
    for (const socket of this.#sockets) socket.destroy();
  }

  restore(): void {
    this.#cut = false;
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #accept(client: Socket): void {
    if (this.#cut) {
      client.destroy();
      return;
    }
    const upstream: Socket = createConnection({ host: this.#target.hostname, port: Number(this.#target.port) });
    this.#sockets.add(client);
    this.#sockets.add(upstream);
    const drop = (): void => {
      client.destroy();
      upstream.destroy();
      this.#sockets.delete(client);
      this.#sockets.delete(upstream);
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.pipe(upstream);
    upstream.pipe(client);
  }
}
