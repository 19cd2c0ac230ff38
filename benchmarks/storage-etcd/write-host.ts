/**
 * Host child of the storage-etcd write suite: the reference host
 * (`startApiServer`) on 127.0.0.1:0, over an `EtcdStorage` on the given etcd
 * (under its own key prefix, so each host starts empty) or over its default
 * MemoryStorage, in a process of its own so that the clients' CPU is not its
 * own. Reports {@link WriteHostReady} over IPC, then serves until the suite
 * disconnects.
 *
 *   node write-host.js memory
 *   node write-host.js etcd <endpoint> <prefix>
 */
import { startApiServer } from '@apiserver-kit/mini-apiserver';
import { EtcdStorage } from '@apiserver-kit/storage-etcd';
import { pathToFileURL } from 'node:url';

/** Which storage the host writes to. */
export type WriteBackend = 'memory' | 'etcd';

export const WRITE_BACKENDS: readonly WriteBackend[] = ['memory', 'etcd'];

/** The child's message once it serves. */
export interface WriteHostReady {
  readonly type: 'ready';
  readonly url: string;
  /** Time to start the host (bootstrap namespaces written, caches synced, listening), ms. */
  readonly startMs: number;
}

/** Longest a host child lives, whatever happens. */
const HARD_STOP_MS = 10 * 60_000;

async function main(backend: WriteBackend, endpoint: string | undefined, prefix: string | undefined): Promise<void> {
  const t0 = performance.now();
  // As a user runs it: EtcdStorage's defaults (JSON values, its own client), the host's defaults (flow control on).
  const storage = backend === 'etcd' ? new EtcdStorage({ endpoints: endpoint, prefix }) : undefined;
  const server = await startApiServer({ port: 0, ...(storage === undefined ? {} : { storage }) });
  const ready: WriteHostReady = { type: 'ready', url: server.url, startMs: performance.now() - t0 };
  process.send!(ready);
  process.on('disconnect', () => {
    void server
      .close()
      .finally(() => storage?.close())
      .finally(() => process.exit(0));
  });
}

// Run only as a script.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  if (process.send === undefined) throw new Error('write-host runs as a forked child of the storage-etcd/write suite');
  const [backend, endpoint, prefix] = process.argv.slice(2);
  if (backend !== 'memory' && backend !== 'etcd') throw new RangeError(`Expected \`backend\` to be memory or etcd, got \`${String(backend)}\``);
  if (backend === 'etcd' && (endpoint === undefined || prefix === undefined)) throw new TypeError('write-host etcd needs <endpoint> <prefix>');
  setTimeout(() => {
    console.error('storage-etcd write-host: hard stop');
    process.exit(2);
  }, HARD_STOP_MS).unref();
  main(backend, endpoint, prefix).catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
