/**
 * Client child of the informer-sync suite: one run of one informer, in a
 * fresh process, so that neither informer's heap, JIT state or sockets
 * carry over to the other or to the next run.
 *
 *   node --expose-gc sync-client.js <ours|ours-list|client-node> <url> <namespace> <namespace pods> <smoke|full>
 *
 * Builds the informer, collects the heap, starts it and times until synced;
 * collects the heap again (what the synced cache retains); times the lister's
 * `list(namespace)` with tinybench; digests what the cache holds; reports a
 * {@link ClientReport} over IPC and exits.
 */
import { pathToFileURL } from 'node:url';
import { measureTable, sink } from '../lib/harness.js';
import type { InformerSubject, PodMeta } from './subject.js';
import { CLIENT_KINDS, type ClientKind, type ClientMessage, type ClientReport, digestLine, digestOf } from './sync-protocol.js';

/** Longest one run may take, whatever happens. */
const HARD_STOP_MS = 10 * 60_000;
/** `list(namespace)` calls per timed sample (each copies ~1 000 references: tens of µs). */
const LIST_OPS = 8;

async function subjectOf(kind: ClientKind, url: string): Promise<InformerSubject> {
  // Imported here, so that a run loads only the library it measures.
  if (kind !== 'client-node') return (await import('./subject-ours.js')).oursSubject(url, kind === 'ours');
  return (await import('./subject-client-node.js')).clientNodeSubject(url);
}

function collect(gc: () => void): void {
  // Twice: weak references and finalizers from the first pass are let go by the second.
  gc();
  gc();
}

async function run(kind: ClientKind, url: string, namespace: string, namespacePods: number, smoke: boolean): Promise<ClientReport> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('run with --expose-gc');
  const subject = await subjectOf(kind, url);
  try {
    collect(gc);
    const heapBefore = process.memoryUsage().heapUsed;
    const t0 = performance.now();
    await subject.start();
    const syncMs = performance.now() - t0;
    collect(gc);
    const heapAfter = process.memoryUsage().heapUsed;
    const rssAfter = process.memoryUsage.rss();

    const table = await measureTable(
      {
        title: `${kind}: list(${namespace})`,
        tasks: [
          {
            name: subject.label,
            role: 'ours',
            ops: LIST_OPS,
            fn: (ops) => {
              let last: unknown;
              for (let i = 0; i < ops; i++) last = subject.list(namespace);
              sink.value = last;
            },
            check: () => {
              const got = subject.list(namespace).length;
              if (got !== namespacePods) throw new Error(`${kind}: list(${namespace}) returned ${got} pods, expected ${namespacePods}`);
            },
          },
        ],
      },
      { smoke },
    );
    sink.value = undefined;
    const lister = table.rows[0]!;
    const line = (pod: PodMeta): string => digestLine(pod.metadata?.namespace, pod.metadata?.name, pod.metadata?.resourceVersion);
    const all = subject.all();
    return {
      type: 'report',
      kind,
      syncMs,
      heapBefore,
      heapAfter,
      rssAfter,
      listerMedianNs: lister.medianNs,
      listerRmePct: lister.rmePct,
      listerSamples: lister.samples,
      pods: digestOf(all.map(line)),
      namespacePods: digestOf(subject.list(namespace).map(line)),
    };
  } finally {
    await subject.stop();
  }
}

// Run only as a script.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  if (process.send === undefined) throw new Error('sync-client runs as a forked child of the informer-sync suite');
  const [kind, url, namespace, namespacePods, mode] = process.argv.slice(2);
  if (kind === undefined || !(CLIENT_KINDS as readonly string[]).includes(kind)) {
    throw new TypeError(`Expected \`kind\` to be one of ${CLIENT_KINDS.join(', ')}, got \`${String(kind)}\` (${typeof kind})`);
  }
  setTimeout(() => {
    console.error('informer sync-client: hard stop');
    process.exit(2);
  }, HARD_STOP_MS).unref();
  const send = (message: ClientMessage): void => {
    process.send!(message, () => process.exit(message.type === 'report' ? 0 : 1));
  };
  run(kind as ClientKind, url!, namespace!, Number(namespacePods), mode === 'smoke').then(send, (error: unknown) =>
    send({ type: 'error', error: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
  );
}
