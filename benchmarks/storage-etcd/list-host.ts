/**
 * Host child of the storage-etcd LIST suite's HTTP table: the reference host
 * (`startApiServer`) over an `EtcdStorage` on the suite's etcd (the pods the
 * suite seeded under `prefix`), on 127.0.0.1:0, in a process of its own so
 * that the client reading the answers is not on its event loop (in one
 * process, reading the 37 MiB answer took the client 5–10× what the host
 * took to send it). Before starting the host it writes one key outside the
 * pods, so that the pods' last revision is older than the host's caches: a
 * LIST exactly at that revision is read from etcd. Reports
 * {@link ListHostReady} over IPC, then serves until the suite disconnects.
 *
 *   node list-host.js <endpoint> <prefix>
 */
import { startApiServer } from '@apiserver-kit/mini-apiserver';
import { pathToFileURL } from 'node:url';
import { openEtcdStorage } from './etcd-fixture.js';

/** The child's message once it serves. */
export interface ListHostReady {
  readonly type: 'ready';
  readonly url: string;
  /** etcd's revision once the pods were seeded: older than the host's caches, so a LIST exactly at it is read from etcd. */
  readonly etcdRevision: number;
}

/** Longest a host child lives, whatever happens. */
const HARD_STOP_MS = 20 * 60_000;

async function main(endpoint: string, prefix: string): Promise<void> {
  const opened = openEtcdStorage([endpoint], prefix);
  const storage = opened.storage;
  const etcdRevision = await storage.currentRevision();
  await storage.create('/configmaps/default/bench-marker', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'bench-marker', namespace: 'default' }, data: { why: 'moves etcd past the pods' } });
  const server = await startApiServer({ port: 0, storage });
  await Promise.all([...server.cachers.values()].map((cacher) => cacher.onReady()));
  // The LIST timed as "from etcd" must be: the host's pods cache does not hold that revision.
  const pods = [...server.cachers].find(([info]) => info.group === '' && info.resource === 'pods')?.[1];
  const servedFrom = (await pods?.list({ resourceVersion: String(etcdRevision), resourceVersionMatch: 'Exact', limit: 1 }))?.servedFrom;
  if (servedFrom !== 'storage') throw new Error(`the host serves a LIST at revision ${etcdRevision} from ${String(servedFrom)}, not from etcd`);
  const ready: ListHostReady = { type: 'ready', url: server.url, etcdRevision };
  process.send!(ready);
  // Between samples, untimed: a full GC, so that a LIST from etcd (~40 MB decoded, then encoded) does not leave its garbage to the next LIST timed.
  const gc = (globalThis as { gc?: () => void }).gc;
  process.on('message', (message: { op?: unknown }) => {
    if (message.op !== 'gc') return;
    gc?.();
    process.send!({ type: 'gc-done' });
  });
  process.on('disconnect', () => {
    void server
      .close()
      .finally(() => opened.close())
      .finally(() => process.exit(0));
  });
}

// Run only as a script.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  if (process.send === undefined) throw new Error('list-host runs as a forked child of the storage-etcd/list suite');
  const [endpoint, prefix] = process.argv.slice(2);
  if (endpoint === undefined || prefix === undefined) throw new TypeError('list-host needs <endpoint> <prefix>');
  setTimeout(() => {
    console.error('storage-etcd list-host: hard stop');
    process.exit(2);
  }, HARD_STOP_MS).unref();
  main(endpoint, prefix).catch((error: unknown) => {
    process.send!({ type: 'error', error: error instanceof Error ? error.message : String(error) }, () => process.exit(1));
  });
}
