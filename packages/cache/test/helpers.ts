import { execFile } from 'node:child_process';
import { Writable } from 'node:stream';
import { CachingObject, type KubeObject } from '@apiserver-kit/codec';
import { FakeClock } from '@apiserver-kit/storage';
import { SelectableFieldsRegistry, StoreEntry, WatchCache, type WatchCacheOptions } from '../src/index.js';

export const podFields = new SelectableFieldsRegistry().get('pods');

export interface PodSpec {
  readonly ns?: string;
  readonly name: string;
  readonly rv?: number;
  readonly labels?: Record<string, string>;
  readonly node?: string;
}

export function pod({ ns = 'default', name, rv, labels, node }: PodSpec): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: ns, ...(rv === undefined ? {} : { resourceVersion: String(rv) }), ...(labels === undefined ? {} : { labels }) },
    spec: node === undefined ? {} : { nodeName: node },
  };
}

export function entry(spec: PodSpec): StoreEntry {
  const object = new CachingObject(pod(spec));
  return new StoreEntry(`/pods/${spec.ns ?? 'default'}/${spec.name}`, object, podFields.compute(object.getObject()), spec.rv ?? 1);
}

export function names(items: readonly CachingObject[]): string[] {
  return items.map((item) => `${item.getObject().metadata?.namespace ?? ''}/${item.getObject().metadata?.name ?? ''}`);
}

export function newCache(options: Partial<WatchCacheOptions> = {}): { cache: WatchCache; clock: FakeClock } {
  const clock = new FakeClock();
  const cache = new WatchCache({ resource: 'pods', clock, ...options });
  return { cache, clock };
}

/** Applies an upsert of `spec` at revision `rv` (ADDED/MODIFIED decided by the cache). */
export function put(cache: WatchCache, spec: PodSpec & { rv: number }): void {
  cache.apply({ type: 'MODIFIED', object: pod(spec), revision: spec.rv });
}

export function del(cache: WatchCache, spec: PodSpec & { rv: number }): void {
  cache.apply({ type: 'DELETED', object: pod(spec), revision: spec.rv });
}

/** Waits, a macrotask at a time, until `condition` holds; throws naming `what` after `rounds` turns. */
export async function until(condition: () => boolean, what: string, rounds = 500): Promise<void> {
  for (let i = 0; i < rounds; i++) {
    if (condition()) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Runs an ES module script in a fresh Node process; resolves with its exit code and output. */
export function runNode(script: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, ['--input-type=module', '-e', script], { timeout: 30_000 }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : (child.exitCode ?? null), stdout, stderr });
    });
  });
}

/**
 * A socket-like sink: keeps what is written; its write callbacks wait in
 * `pending` until called (`release()` calls them all; never, for a client that stopped reading).
 */
export function stalledSink(highWaterMark = 64): { stream: Writable; written: string[]; pending: (() => void)[]; release(): void } {
  const pending: (() => void)[] = [];
  const written: string[] = [];
  const stream = new Writable({
    highWaterMark,
    write(chunk: Buffer, _encoding, callback) {
      written.push(chunk.toString());
      pending.push(callback);
    },
    writev(chunks, callback) {
      for (const { chunk } of chunks) written.push((chunk as Buffer).toString());
      pending.push(callback);
    },
  });
  return { stream, written, pending, release: () => pending.splice(0).forEach((callback) => callback()) };
}
