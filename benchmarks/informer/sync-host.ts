/**
 * Host child of the informer-sync suite: the reference host
 * (`startApiServer` of `@apiserver-kit/mini-apiserver`) seeded with a
 * synthetic cluster, on 127.0.0.1:0, in a process of its own so that its CPU
 * and heap are not the clients'. Reports a {@link HostReady} over IPC, then
 * serves until the suite disconnects.
 *
 *   node --expose-gc sync-host.js <pods> <namespaces>
 */
import type { KubeObject } from '@apiserver-kit/codec';
import { CORE_V1_RESOURCES, startApiServer, storagePrefix } from '@apiserver-kit/mini-apiserver';
import { pathToFileURL } from 'node:url';
import { digestLine, digestOf, type HostReady, type ReadKind, type ReadSpec } from './sync-protocol.js';

/** Longest a host child lives, whatever happens. */
const HARD_STOP_MS = 20 * 60_000;

/** The annotation of the bookmark that ends a WatchList's initial events. */
const INITIAL_EVENTS_END = 'k8s.io/initial-events-end';

/**
 * One LIST and one WatchList (up to its initial-events-end bookmark) before
 * any client is timed: the host caches each pod's encoding (lists and
 * watches share it) and compiles both paths, so the first client timed does
 * not pay what the others are then served from (without it, the first run
 * took 2.8× the same informer's later runs; with the LIST alone, 1.7×).
 */
async function warmUp(url: string): Promise<void> {
  const list = await fetch(`${url}/api/v1/pods`, { headers: { accept: 'application/json' } });
  if (list.status !== 200 || list.body === null) throw new Error(`the warm-up LIST answered ${list.status}`);
  for await (const _chunk of list.body) {
    // Read and dropped.
  }
  const controller = new AbortController();
  const watch = await fetch(`${url}/api/v1/pods?watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true`, {
    headers: { accept: 'application/json' },
    signal: controller.signal,
  });
  if (watch.status !== 200 || watch.body === null) throw new Error(`the warm-up WatchList answered ${watch.status}`);
  const decoder = new TextDecoder();
  let tail = '';
  try {
    for await (const chunk of watch.body) {
      // The annotation may straddle two chunks: search the end of the previous one too.
      tail = tail.slice(-INITIAL_EVENTS_END.length) + decoder.decode(chunk as Uint8Array, { stream: true });
      if (tail.includes(INITIAL_EVENTS_END)) return;
    }
    throw new Error('the warm-up WatchList ended before its initial-events-end bookmark');
  } finally {
    controller.abort();
  }
}

/** Nodes of the synthetic cluster: one node holds ~1 % of the pods, as one namespace does (pods carry a nodeName; nodes are not listed). */
const NODES = 100;

/** The middle of the sorted `values` (a read of a typical size, not the first or the last). */
function middle(values: Iterable<string>): string | undefined {
  const sorted = [...values].sort();
  return sorted[Math.floor(sorted.length / 2)];
}

/** Groups `line` under `key` in `groups`. */
function file(groups: Map<string, string[]>, key: string | undefined, line: string): void {
  if (key === undefined) return;
  let group = groups.get(key);
  if (group === undefined) groups.set(key, (group = []));
  group.push(line);
}

async function main(pods: number, namespaces: number): Promise<void> {
  const t0 = performance.now();
  // No configmaps: the clients list pods.
  const server = await startApiServer({ port: 0, seed: { pods, namespaces, nodes: NODES, configmaps: 0 } });
  const seedMs = performance.now() - t0;
  const info = CORE_V1_RESOURCES.find((r) => r.group === '' && r.resource === 'pods');
  if (info === undefined) throw new Error('the host serves no pods');
  const { items } = await server.storage.list(storagePrefix(info));
  const lines: string[] = [];
  const byNamespace = new Map<string, string[]>();
  const byApp = new Map<string, string[]>();
  const byNode = new Map<string, string[]>();
  for (const pod of items as readonly KubeObject[]) {
    const meta = pod.metadata ?? {};
    const line = digestLine(meta.namespace, meta.name, meta.resourceVersion);
    lines.push(line);
    file(byNamespace, meta.namespace ?? '', line);
    file(byApp, meta.labels?.['app'], line);
    const node = (pod as { spec?: { nodeName?: unknown } }).spec?.nodeName;
    file(byNode, typeof node === 'string' ? node : undefined, line);
  }
  // A seeded namespace of the usual size (not default/kube-system, which the synthetic cluster fills like the others, but a user's namespace reads better).
  const namespace = middle([...byNamespace.keys()].filter((n) => n !== 'default' && n !== 'kube-system')) ?? [...byNamespace.keys()][0] ?? 'default';
  const app = middle(byApp.keys()) ?? 'web';
  const node = middle(byNode.keys()) ?? 'node-0000';
  const spec = (value: string, groups: Map<string, string[]>): ReadSpec => ({ value, expected: digestOf(groups.get(value) ?? []) });
  const reads: Record<ReadKind, ReadSpec> = { namespace: spec(namespace, byNamespace), label: spec(app, byApp), node: spec(node, byNode) };
  await warmUp(server.url);
  const ready: HostReady = { type: 'ready', url: server.url, seedMs, pods: digestOf(lines), reads };
  (globalThis as { gc?: () => void }).gc?.();
  process.send!(ready);
  process.on('disconnect', () => {
    void server.close().finally(() => process.exit(0));
  });
}

// Run only as a script.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  if (process.send === undefined) throw new Error('sync-host runs as a forked child of the informer-sync suite');
  const [pods, namespaces] = process.argv.slice(2).map(Number);
  if (!Number.isInteger(pods) || pods! < 1) throw new RangeError(`Expected \`pods\` to be a positive integer, got \`${String(pods)}\``);
  if (!Number.isInteger(namespaces) || namespaces! < 2) throw new RangeError(`Expected \`namespaces\` to be an integer ≥ 2, got \`${String(namespaces)}\``);
  setTimeout(() => {
    console.error('informer sync-host: hard stop');
    process.exit(2);
  }, HARD_STOP_MS).unref();
  main(pods!, namespaces!).catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
