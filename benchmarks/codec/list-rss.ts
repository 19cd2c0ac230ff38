/**
 * Child process of the list suite: peak RSS growth of sending one LIST of N
 * pods to a slow consumer, in a process of its own so that one mode's heap
 * never inflates another's.
 *
 *   node --expose-gc list-rss.js <mode> <pods>
 *
 * mode: `stringify` (JSON.stringify the whole list, then `end()` it),
 * `cold` (ListEncoder.stream over fresh CachingObjects made as items are
 * streamed, not kept), `warm` (ListEncoder.stream over CachingObjects encoded
 * before the baseline, as a watch cache holds them).
 *
 * Prints one JSON line: a {@link RssResult}.
 *
 * Peak: if the process' lifetime peak (`resourceUsage().maxRSS`) rose during
 * the send, the send set it, and it is the true peak; otherwise the peak is
 * the highest RSS sampled during the send (every 2 ms, and after each step).
 */
import { createHash } from 'node:crypto';
import { Writable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { CachingObject, JsonEncoder, ListEncoder, type KubeObject } from '@apiserver-kit/codec';
import { makeFrozenPods, POD_LIST_HEADER } from '../fixtures/pod.js';

/** What the child reports. */
export interface RssResult {
  readonly mode: RssMode;
  readonly pods: number;
  /** Bytes the consumer received, and their SHA-256: equal across modes, or a mode sent a wrong list. */
  readonly bytes: number;
  readonly sha256: string;
  readonly baselineRss: number;
  readonly peakRss: number;
  readonly elapsedMs: number;
}

export type RssMode = 'stringify' | 'cold' | 'warm';

/** The modes, in the order the suite runs them. */
export const RSS_MODES: readonly RssMode[] = ['stringify', 'cold', 'warm'];

/** A consumer like a slow socket: 64 KiB high-water mark, each write acknowledged on a later turn; hashes and discards. */
class SlowConsumer extends Writable {
  readonly hash = createHash('sha256');
  bytes = 0;

  constructor() {
    super({ highWaterMark: 64 * 1024 });
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.hash.update(chunk);
    this.bytes += chunk.byteLength;
    setImmediate(callback);
  }

  override _writev(chunks: { chunk: Buffer }[], callback: (error?: Error | null) => void): void {
    for (const { chunk } of chunks) {
      this.hash.update(chunk);
      this.bytes += chunk.byteLength;
    }
    setImmediate(callback);
  }
}

function maxRssBytes(): number {
  return process.resourceUsage().maxRSS * 1024;
}

async function main(mode: RssMode, count: number): Promise<RssResult> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('run with --expose-gc');
  const json = new JsonEncoder();
  const pods = makeFrozenPods(count);
  let warm: CachingObject[] | undefined;
  if (mode === 'warm') {
    warm = pods.map((pod) => new CachingObject(pod));
    for (const item of warm) item.encoded(json);
  }
  const out = new SlowConsumer();
  const finished = new Promise<void>((resolve, reject) => {
    out.on('finish', resolve);
    out.on('error', reject);
  });

  gc();
  gc();
  const baselineRss = process.memoryUsage.rss();
  const maxBefore = maxRssBytes();
  let sampled = baselineRss;
  const sample = (): void => {
    sampled = Math.max(sampled, process.memoryUsage.rss());
  };
  const timer = setInterval(sample, 2);
  const start = performance.now();

  if (mode === 'stringify') {
    const list = { apiVersion: POD_LIST_HEADER.apiVersion, items: pods, kind: POD_LIST_HEADER.kind, metadata: POD_LIST_HEADER.metadata };
    const text = JSON.stringify(list);
    sample();
    out.end(text);
    sample();
  } else {
    const items = mode === 'warm' ? warm! : fresh(pods);
    await new ListEncoder(json).stream(POD_LIST_HEADER, items, out);
    sample();
    out.end();
  }
  await finished;
  const elapsedMs = performance.now() - start;
  clearInterval(timer);
  sample();
  const maxAfter = maxRssBytes();
  const peakRss = maxAfter > maxBefore ? maxAfter : sampled;
  return { mode, pods: count, bytes: out.bytes, sha256: out.hash.digest('hex'), baselineRss, peakRss, elapsedMs };
}

/** Wraps each pod in a new CachingObject as it is streamed; nothing keeps them. */
function* fresh(pods: readonly KubeObject[]): Generator<CachingObject> {
  for (const pod of pods) yield new CachingObject(pod);
}

// Run only as a script, not when the suite imports this module for its types and modes.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [mode, pods] = process.argv.slice(2);
  if (mode === undefined || !(RSS_MODES as readonly string[]).includes(mode)) {
    throw new TypeError(`Expected \`mode\` to be one of ${RSS_MODES.join(', ')}, got \`${String(mode)}\` (${typeof mode})`);
  }
  const count = Number(pods);
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`Expected \`pods\` to be a positive integer, got \`${String(pods)}\` (string)`);
  main(mode as RssMode, count).then(
    (result) => process.stdout.write(`${JSON.stringify(result)}\n`),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
