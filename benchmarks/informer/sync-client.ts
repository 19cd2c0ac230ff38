/**
 * Client child of the informer-sync suite: one run of one informer, in a
 * fresh process, so that neither informer's heap, JIT state or sockets
 * carry over to the other or to the next run.
 *
 *   node --expose-gc sync-client.js <ours|ours-list|ours-unindexed|client-node> <url> <reads (JSON)> <smoke|full>
 *
 * Builds the informer, collects the heap, starts it and times until synced;
 * collects the heap again (what the synced cache retains); checks each lister
 * read (a namespace, a label across namespaces, a node across namespaces)
 * returns exactly the pods the host says (so both libraries return the same
 * set before anything is timed), then times each with tinybench; digests what
 * the cache holds; reports a {@link ClientReport} over IPC and exits.
 */
import { pathToFileURL } from 'node:url';
import { measureTable, sink } from '../lib/harness.js';
import type { InformerSubject, PodMeta } from './subject.js';
import {
  CLIENT_KINDS,
  type ClientKind,
  type ClientMessage,
  type ClientReport,
  type Digest,
  digestLine,
  digestOf,
  READ_KINDS,
  READ_TITLES,
  type ReadKind,
  type ReadResult,
  type ReadSpec,
} from './sync-protocol.js';

/** Longest one run may take, whatever happens. */
const HARD_STOP_MS = 10 * 60_000;

/**
 * Calls per timed sample, per read: a namespace (~1 000 pods) costs tens of
 * µs; a label (a sixth of the pods) and a node (~1 %) through an index tens
 * to hundreds of µs, through `list().filter()` of 100 000 pods milliseconds.
 */
const READ_OPS: Readonly<Record<ReadKind, number>> = { namespace: 8, label: 1, node: 4 };

async function subjectOf(kind: ClientKind, url: string): Promise<InformerSubject> {
  // Imported here, so that a run loads only the library it measures.
  if (kind !== 'client-node') return (await import('./subject-ours.js')).oursSubject(url, { watchList: kind !== 'ours-list', indexed: kind !== 'ours-unindexed' });
  return (await import('./subject-client-node.js')).clientNodeSubject(url);
}

function collect(gc: () => void): void {
  // Twice: weak references and finalizers from the first pass are let go by the second.
  gc();
  gc();
}

const line = (pod: PodMeta): string => digestLine(pod.metadata?.namespace, pod.metadata?.name, pod.metadata?.resourceVersion);

function digestOfPods(pods: readonly PodMeta[]): Digest {
  return digestOf(pods.map(line));
}

async function timeRead(kind: ClientKind, subject: InformerSubject, read: ReadKind, spec: ReadSpec, smoke: boolean): Promise<ReadResult> {
  const call = subject.read(read, spec.value);
  const what = `${kind}: ${READ_TITLES[read](spec.value)}`;
  const ops = READ_OPS[read];
  const table = await measureTable(
    {
      title: what,
      tasks: [
        {
          name: subject.label,
          role: 'ours',
          ops,
          fn: (n) => {
            let last: unknown;
            for (let i = 0; i < n; i++) last = call();
            sink.value = last;
          },
          // Before anything is timed: exactly the host's pods (keys and resourceVersions), so every library's rows time the same answer.
          check: () => {
            const got = digestOfPods(call());
            if (got.count !== spec.expected.count || got.sha256 !== spec.expected.sha256) {
              throw new Error(`${what} returned ${got.count} pods (sha256 ${got.sha256.slice(0, 12)}), the host holds ${spec.expected.count} (sha256 ${spec.expected.sha256.slice(0, 12)})`);
            }
          },
        },
      ],
    },
    { smoke },
  );
  sink.value = undefined;
  const row = table.rows[0]!;
  return { medianNs: row.medianNs, rmePct: row.rmePct, samples: row.samples, returned: digestOfPods(call()) };
}

async function run(kind: ClientKind, url: string, reads: Readonly<Record<ReadKind, ReadSpec>>, smoke: boolean): Promise<ClientReport> {
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
    const results: Partial<Record<ReadKind, ReadResult>> = {};
    for (const read of READ_KINDS) results[read] = await timeRead(kind, subject, read, reads[read], smoke);
    return {
      type: 'report',
      kind,
      syncMs,
      heapBefore,
      heapAfter,
      rssAfter,
      reads: results as Record<ReadKind, ReadResult>,
      pods: digestOfPods(subject.all()),
    };
  } finally {
    await subject.stop();
  }
}

function parseReads(json: string | undefined): Record<ReadKind, ReadSpec> {
  const parsed: unknown = JSON.parse(json ?? 'null');
  const ok =
    typeof parsed === 'object' &&
    parsed !== null &&
    READ_KINDS.every((read) => {
      const spec = (parsed as Record<string, { value?: unknown; expected?: { count?: unknown; sha256?: unknown } } | undefined>)[read];
      return typeof spec?.value === 'string' && typeof spec.expected?.count === 'number' && typeof spec.expected.sha256 === 'string';
    });
  if (!ok) throw new TypeError(`Expected \`reads\` to be a JSON object of ${READ_KINDS.join(', ')} → { value, expected }, got \`${String(json)}\``);
  return parsed as Record<ReadKind, ReadSpec>;
}

// Run only as a script.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  if (process.send === undefined) throw new Error('sync-client runs as a forked child of the informer-sync suite');
  const [kind, url, reads, mode] = process.argv.slice(2);
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
  Promise.resolve()
    .then(() => run(kind as ClientKind, url!, parseReads(reads), mode === 'smoke'))
    .then(send, (error: unknown) =>
    send({ type: 'error', error: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
  );
}
