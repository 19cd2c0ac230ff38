/**
 * The LIST comparison through HTTP: the reference host (`startApiServer`, in a
 * child process: list-host.ts) over an `EtcdStorage` on the suite's etcd; a
 * client here reads the JSON answer of `GET /api/v1/pods` to its last byte (no
 * compression asked; checked whole, timed without keeping it), served from the
 * host's watch cache (`resourceVersion=0`, and consistent) against the same
 * LIST at an exact revision older than the cache's history, which the host
 * reads from etcd (Kubernetes' CacheDelegator does the same; a host without a
 * watch cache reads etcd for every LIST). */
import { Agent, get } from 'node:http';
import type { KubeObject } from '@apiserver-kit/codec';
import type { EtcdStorage } from '@apiserver-kit/storage-etcd';
import type { AsyncTableSpec } from '../cache/async-table.js';
import { formatCount } from '../lib/format.js';
import { assert, sink } from '../lib/harness.js';
import { keysAndVersions } from './etcd-fixture.js';
import { type HostChild, startHostChild } from './host-processes.js';
import type { ListHostReady } from './list-host.js';

export const HTTP_FROM_CACHE = 'GET /api/v1/pods?resourceVersion=0 (the host\'s watch cache)';
export const HTTP_CONSISTENT = 'GET /api/v1/pods (consistent: etcd\'s revision by a quorum read, then the watch cache)';

/** The host serving the seeded pods, and the exact revision only etcd still serves. */
export interface HttpListFixture {
  readonly host: HostChild<ListHostReady>;
  /** etcd's revision once every pod was seeded: older than the host's cache, so a LIST exactly at it is read from etcd. */
  readonly etcdRevision: number;
  readonly pods: number;
  /**
   * The client's agent: a connection per LIST (a loopback connect is nothing beside a
   * 37 MiB answer; a kept-alive socket the host closed after its idle timeout, while a
   * check read etcd, reset the next request).
   */
  readonly agent: Agent;
  /** Bytes of one JSON answer (set by the checks). */
  bytes: number;
}

/** Starts the host over the `pods` pods seeded in etcd at `endpoint` under `prefix`; resolves once it serves. */
export async function startHttpListFixture(endpoint: string, prefix: string, pods: number): Promise<HttpListFixture> {
  const host = await startHostChild<ListHostReady>('list-host', [endpoint, prefix]);
  return { host, etcdRevision: host.ready.etcdRevision, pods, agent: new Agent({ keepAlive: false, maxSockets: 1 }), bytes: 0 };
}

/** Closes the client's agent and stops the host. */
export async function stopHttpListFixture(f: HttpListFixture): Promise<void> {
  f.agent.destroy();
  await f.host.stop();
}

/** The whole answer of a GET on the host (no compression asked). */
function fetchAll(agent: Agent, url: string): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    get(url, { agent, headers: { accept: 'application/json' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        if (res.statusCode !== 200) reject(new Error(`GET ${url} answered ${String(res.statusCode)}: ${body.toString('utf8', 0, 300)}`));
        else resolve(body);
      });
      res.on('error', reject);
    }).on('error', reject);
  });
}

/**
 * Reads a GET's answer to its last byte and counts the bytes, keeping none: the
 * host's latency, not the client's. (Keeping the ~20 000 chunks of a 37 MiB
 * answer and joining them cost this client 150–200 ms more per LIST, half of
 * what the host took to serve it from the cache.)
 */
function readAll(agent: Agent, url: string): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    get(url, { agent, headers: { accept: 'application/json' } }, (res) => {
      let bytes = 0;
      res.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
      });
      res.on('end', () => (res.statusCode === 200 ? resolve(bytes) : reject(new Error(`GET ${url} answered ${String(res.statusCode)}`))));
      res.on('error', reject);
    }).on('error', reject);
  });
}

/** The three HTTP LISTs, each checked against etcd's LIST at the pods' revision (every key and resourceVersion, in order). */
export function httpTable(f: HttpListFixture, storage: EtcdStorage, samples: number, etcdLabel: string): AsyncTableSpec {
  const agent = f.agent;
  const base = `${f.host.ready.url}/api/v1/pods`;
  const exact = `${base}?resourceVersion=${f.etcdRevision}&resourceVersionMatch=Exact`;
  const check = async (url: string, what: string): Promise<void> => {
    const body = await fetchAll(agent, url);
    const items = (JSON.parse(body.toString('utf8')) as { items: KubeObject[] }).items;
    const want = await storage.list('/pods/', { revision: f.etcdRevision });
    assert(items.length === f.pods && want.items.length === f.pods, `${what}: ${items.length} pods, etcd ${want.items.length}, expected ${f.pods}`);
    const a = keysAndVersions(items);
    const b = keysAndVersions(want.items);
    for (let i = 0; i < a.length; i++) assert(a[i] === b[i], `${what}: pod ${i} is ${a[i]}, etcd's is ${b[i]}`);
    f.bytes = body.length;
  };
  const task = (name: string, role: 'ours' | 'alt' | 'peer', url: string): AsyncTableSpec['tasks'][number] => ({
    name,
    role,
    minSamples: samples,
    beforeSample: () => f.host.call('gc'),
    fn: async () => {
      sink.value = await readAll(agent, url);
    },
    check: () => check(url, name),
  });
  return {
    title: `the same LIST of ${formatCount(f.pods)} pods through HTTP: the reference host over EtcdStorage in a child process, the whole JSON answer read by a client to its last byte (per LIST)`,
    tasks: [
      task(HTTP_FROM_CACHE, 'ours', `${base}?resourceVersion=0`),
      task(HTTP_CONSISTENT, 'alt', base),
      task(`GET /api/v1/pods?resourceVersion=<before the cache>&resourceVersionMatch=Exact (the host reads etcd: an etcd range, decoded, encoded), ${etcdLabel}`, 'peer', exact),
    ],
  };
}
