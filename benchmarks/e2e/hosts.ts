/**
 * The two hosts of the e2e suites behind one interface, and the pods they are
 * seeded with: ours (`startApiServer` of `@apiserver-kit/mini-apiserver`:
 * MemoryStorage → Cacher, lists and watches served from the cache) and the
 * naive host (naive-host.ts). Both listen on 127.0.0.1, port 0.
 */
import type { KubeObject } from '@apiserver-kit/codec';
import { startApiServer } from '@apiserver-kit/mini-apiserver';
import { makePod } from '../fixtures/pod.js';
import { type NaivePod, startNaiveHost } from './naive-host.js';

/** Which host: ours or the naive one. */
export type HostKind = 'ours' | 'naive';

export const HOST_KINDS: readonly HostKind[] = ['ours', 'naive'];

/** Row labels. */
export const HOST_LABELS: Readonly<Record<HostKind, string>> = {
  ours: 'mini-apiserver (startApiServer)',
  naive: 'naive host (Map, scan + sort + JSON.stringify per request and per watcher)',
};

/** A running host. */
export interface Host {
  readonly kind: HostKind;
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  readonly port: number;
  /** Sets `annotations` on the pod `namespace/name` (a write, as a client's update would be; every watcher sees it). */
  annotate(namespace: string, name: string, annotations: Readonly<Record<string, string>>): Promise<void>;
  close(): Promise<void>;
}

/** One seeded object, as `startApiServer({ seed })` takes it. */
export interface SeedEntry {
  readonly key: string;
  readonly object: KubeObject;
}

/** The node name of node `i`: `node-0007`. */
export function nodeName(i: number): string {
  return `node-${String(i).padStart(4, '0')}`;
}

/**
 * `count` fixture pods (~3.9 KB each, 20 namespaces), spread round-robin over
 * `nodes` nodes, without a resourceVersion (each host assigns its own).
 */
export function e2ePods(count: number, nodes: number): SeedEntry[] {
  const seed = new Array<SeedEntry>(count);
  for (let i = 0; i < count; i++) {
    const pod = makePod(i) as { metadata: Record<string, unknown>; spec: Record<string, unknown> };
    delete pod.metadata['resourceVersion'];
    pod.spec['nodeName'] = nodeName(i % nodes);
    const object = pod as unknown as KubeObject;
    seed[i] = { key: `/pods/${String(pod.metadata['namespace'])}/${String(pod.metadata['name'])}`, object };
  }
  return seed;
}

/** Starts a host of `kind` over `seed` on 127.0.0.1:0, ready when it resolves. */
export async function startHost(kind: HostKind, seed: readonly SeedEntry[]): Promise<Host> {
  return kind === 'ours' ? startOurs(seed) : startNaive(seed);
}

async function startNaive(seed: readonly SeedEntry[]): Promise<Host> {
  const host = await startNaiveHost({ port: 0, seed: seed as readonly { key: string; object: NaivePod }[] });
  return {
    kind: 'naive',
    url: host.url,
    port: host.port,
    annotate: (namespace, name, annotations) => {
      host.update(namespace, name, (current) => ({ ...current, metadata: { ...current.metadata, annotations: { ...(current.metadata['annotations'] as Record<string, string> | undefined), ...annotations } } }));
      return Promise.resolve();
    },
    close: () => host.close(),
  };
}

async function startOurs(seed: readonly SeedEntry[]): Promise<Host> {
  const server = await startApiServer({ port: 0, seed });
  return {
    kind: 'ours',
    url: server.url,
    port: server.port,
    // Written to the server's storage, as a client's PATCH would be after admission: the watchers see it through the cache.
    annotate: async (namespace, name, annotations) => {
      await server.storage.guaranteedUpdate(`/pods/${namespace}/${name}`, (current) => {
        if (current === undefined) throw new Error(`pods "${name}" not found in namespace "${namespace}"`);
        return { ...current, metadata: { ...current.metadata, annotations: { ...current.metadata?.annotations, ...annotations } } };
      });
    },
    close: () => server.close(),
  };
}
