/**
 * The clients of the storage-etcd write suite: `clients` concurrent HTTP
 * clients (keep-alive connections, one request in flight each) create pods
 * through a host, then update each one with a JSON merge patch (a new
 * annotation), each pod written by exactly one client. Every request is
 * checked (201 for a create, 200 for a patch) and the host's LIST afterwards
 * must hold exactly what was written ({@link verifyWrites}).
 */
import { Agent, request } from 'node:http';
import type { KubeObject } from '@apiserver-kit/codec';
import { assert } from '../lib/harness.js';
import { newPod } from './etcd-fixture.js';

/** The namespace the clients write to (one the host bootstraps). */
export const WRITE_NAMESPACE = 'default';
/** The annotation each patch sets: the phase's sequence number. */
export const SEQ_ANNOTATION = 'bench.apiserver-kit.io/seq';

/** One timed phase. */
export interface PhaseResult {
  /** Requests done (all succeeded). */
  readonly ops: number;
  /** From the first request sent to the last answer, ms. */
  readonly wallMs: number;
  /** Each request's latency, ms, sorted. */
  readonly latenciesMs: readonly number[];
}

/** What the writes left: each pod's name and the resourceVersion its last write returned. */
export type Written = Map<string, string>;

interface Answer {
  readonly status: number;
  readonly body: string;
}

function send(agent: Agent, url: URL, method: string, path: string, contentType: string, body: string): Promise<Answer> {
  return new Promise<Answer>((resolve, reject) => {
    const req = request(
      { agent, host: url.hostname, port: url.port, method, path, headers: { 'content-type': contentType, accept: 'application/json', 'content-length': Buffer.byteLength(body) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** The name of write-suite pod `i` of a phase tagged `tag` (`warm`, `w`). */
export function writePodName(tag: string, i: number): string {
  return `${tag}-${i}`;
}

function podBody(tag: string, i: number): string {
  const pod = newPod(i) as { metadata: Record<string, unknown> };
  pod.metadata['name'] = writePodName(tag, i);
  pod.metadata['namespace'] = WRITE_NAMESPACE;
  return JSON.stringify(pod);
}

function resourceVersionOf(body: string): string {
  const rv = (JSON.parse(body) as KubeObject).metadata?.resourceVersion;
  assert(typeof rv === 'string' && /^[1-9]\d*$/.test(rv), `the answer carries no resourceVersion: ${body.slice(0, 200)}`);
  return rv;
}

/**
 * `count` requests by `clients` concurrent clients; request `i` is `make(i)`,
 * checked to answer `expected`; its resourceVersion goes to `written`.
 */
async function phase(
  baseUrl: string,
  clients: number,
  count: number,
  expected: number,
  written: Written,
  make: (i: number) => { method: string; path: string; contentType: string; body: string; name: string },
): Promise<PhaseResult> {
  const url = new URL(baseUrl);
  const agent = new Agent({ keepAlive: true, maxSockets: clients });
  const latencies: number[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const r = make(next++);
      const t0 = performance.now();
      const answer = await send(agent, url, r.method, r.path, r.contentType, r.body);
      latencies.push(performance.now() - t0);
      if (answer.status !== expected) throw new Error(`${r.method} ${r.path} answered ${answer.status}, expected ${expected}: ${answer.body.slice(0, 300)}`);
      written.set(r.name, resourceVersionOf(answer.body));
    }
  };
  try {
    const started = performance.now();
    await Promise.all(Array.from({ length: Math.min(clients, count) }, worker));
    const wallMs = performance.now() - started;
    return { ops: count, wallMs, latenciesMs: latencies.sort((a, b) => a - b) };
  } finally {
    agent.destroy();
  }
}

/** Creates pods `tag-0`…`tag-(count-1)` (fixture pods, ~3.9 KB of JSON each) by POST, `clients` at a time. */
export function createPods(baseUrl: string, clients: number, count: number, tag: string, written: Written): Promise<PhaseResult> {
  return phase(baseUrl, clients, count, 201, written, (i) => ({
    method: 'POST',
    path: `/api/v1/namespaces/${WRITE_NAMESPACE}/pods`,
    contentType: 'application/json',
    body: podBody(tag, i),
    name: writePodName(tag, i),
  }));
}

/** Sets annotation {@link SEQ_ANNOTATION} = `seq` on pods `tag-0`…`tag-(count-1)` by JSON merge patch, `clients` at a time. */
export function patchPods(baseUrl: string, clients: number, count: number, tag: string, seq: number, written: Written): Promise<PhaseResult> {
  const body = JSON.stringify({ metadata: { annotations: { [SEQ_ANNOTATION]: String(seq) } } });
  return phase(baseUrl, clients, count, 200, written, (i) => ({
    method: 'PATCH',
    path: `/api/v1/namespaces/${WRITE_NAMESPACE}/pods/${writePodName(tag, i)}`,
    contentType: 'application/merge-patch+json',
    body,
    name: writePodName(tag, i),
  }));
}

/** The host's pods in {@link WRITE_NAMESPACE}, by a LIST (consistent). */
export async function listWritten(baseUrl: string): Promise<KubeObject[]> {
  const url = new URL(baseUrl);
  const agent = new Agent({ keepAlive: false });
  try {
    const answer = await send(agent, url, 'GET', `/api/v1/namespaces/${WRITE_NAMESPACE}/pods`, 'application/json', '');
    assert(answer.status === 200, `LIST answered ${answer.status}: ${answer.body.slice(0, 300)}`);
    return (JSON.parse(answer.body) as { items: KubeObject[] }).items;
  } finally {
    agent.destroy();
  }
}

/**
 * Throws unless `items` (the host's LIST) hold exactly the pods in `written`,
 * each at the resourceVersion its last write returned and carrying
 * annotation seq = `seq`, the resourceVersions distinct.
 */
export function verifyWrites(items: readonly KubeObject[], written: Written, seq: number, what: string): void {
  assert(items.length === written.size, `${what}: the host lists ${items.length} pods, ${written.size} were written`);
  const seen = new Set<string>();
  for (const pod of items) {
    const name = String(pod.metadata?.name);
    const rv = String(pod.metadata?.resourceVersion);
    const want = written.get(name);
    assert(want !== undefined, `${what}: the host lists pod ${name}, which no client wrote`);
    assert(rv === want, `${what}: pod ${name} at resourceVersion ${rv}, its last write returned ${want}`);
    assert(pod.metadata?.annotations?.[SEQ_ANNOTATION] === String(seq), `${what}: pod ${name} has ${SEQ_ANNOTATION}=${String(pod.metadata?.annotations?.[SEQ_ANNOTATION])}, expected ${seq}`);
    assert(!seen.has(rv), `${what}: resourceVersion ${rv} is on two pods`);
    seen.add(rv);
  }
}
