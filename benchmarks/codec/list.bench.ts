/**
 * list: a 10 000-pod LIST response built whole by `JSON.stringify` versus
 * streamed item by item by `ListEncoder` (cold: items encoded on the way;
 * warm: items' bytes already cached). Plus peak RSS growth of a 100 000-pod
 * LIST sent to a slow consumer, each mode in a child process of its own.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { CachingObject, JsonEncoder, ListEncoder, SpliceBuffer, type KubeObject } from '@apiserver-kit/codec';
import stableStringify from 'fast-json-stable-stringify';
import { makeFrozenPods, makePod, POD_LIST_HEADER } from '../fixtures/pod.js';
import { BENCHMARKS_ROOT, RUNNING_FROM_DIST } from '../lib/environment.js';
import { formatCount, formatDuration, formatMiB, formatRatio } from '../lib/format.js';
import { assert, assertSameBytes, checkTable, measureTable, row, target, type RunOptions, type Suite, type SuiteResult, type TableSpec, type TargetResult, type TextTable, ratioTarget } from '../lib/harness.js';
import { RSS_MODES, type RssMode, type RssResult } from './list-rss.js';

const FULL_PODS = 10_000;
const SMOKE_PODS = 200;
/** Pods of the RSS measurement; `BENCH_LIST_RSS_PODS` overrides the full-run default. */
const FULL_RSS_PODS = Number(process.env['BENCH_LIST_RSS_PODS'] ?? 100_000);
const SMOKE_RSS_PODS = 300;

const json = new JsonEncoder();
const listEncoder = new ListEncoder(json);
const COMMA = Buffer.from(',');

/** The reference bytes: every item through fast-json-stable-stringify, framed by hand. */
function expectedList(pods: readonly KubeObject[]): Buffer {
  const h = POD_LIST_HEADER;
  return Buffer.from(
    `{"apiVersion":${JSON.stringify(h.apiVersion)},"items":[${pods.map((pod) => stableStringify(pod)).join(',')}],"kind":${JSON.stringify(h.kind)},"metadata":${stableStringify(h.metadata)}}`,
  );
}

/** The list object a peer stringifies; keys in sorted order so its bytes can be compared with ours. */
function wholeList(pods: readonly KubeObject[]): object {
  return { apiVersion: POD_LIST_HEADER.apiVersion, items: pods, kind: POD_LIST_HEADER.kind, metadata: POD_LIST_HEADER.metadata };
}

function table(pods: readonly KubeObject[]): TableSpec {
  const expected = expectedList(pods);
  const warm = pods.map((pod) => new CachingObject(pod));
  for (const item of warm) item.encoded(json);
  const warmBytes = warm.map((item) => item.encoded(json));
  const head = Buffer.from(`{"apiVersion":"v1","items":[`);
  const tail = Buffer.from(`],"kind":"PodList","metadata":${stableStringify(POD_LIST_HEADER.metadata)}}`);

  let chunks: Uint8Array[] = [];
  let sink = new SpliceBuffer();
  let cold: CachingObject[] = [];
  let output: Uint8Array | string = '';
  const handFramed = (): void => {
    chunks = [head];
    for (let i = 0; i < warmBytes.length; i++) {
      if (i > 0) chunks.push(COMMA);
      chunks.push(warmBytes[i]!);
    }
    chunks.push(tail);
  };
  const heavy = 8;

  return {
    title: `LIST of ${formatCount(pods.length)} pods (${formatMiB(expected.byteLength)} of JSON)`,
    tasks: [
      {
        name: 'cached items, hand-framed chunks.push (no library)',
        role: 'floor',
        fn: (ops) => {
          for (let i = 0; i < ops; i++) handFramed();
        },
        check: () => {
          handFramed();
          assertSameBytes(Buffer.concat(chunks), expected, 'hand-framed list');
        },
      },
      {
        name: 'ListEncoder, warm (items cached)',
        role: 'ours',
        beforeSample: () => {
          sink = new SpliceBuffer();
        },
        fn: (ops) => {
          for (let i = 0; i < ops; i++) listEncoder.encode(POD_LIST_HEADER, warm, sink);
        },
        check: () => {
          sink = new SpliceBuffer();
          listEncoder.encode(POD_LIST_HEADER, warm, sink);
          assert(sink.copiedBytes === 0, `the warm list copied ${sink.copiedBytes} bytes`);
          assertSameBytes(sink.toBuffer(), expected, 'warm list');
        },
      },
      {
        name: 'ListEncoder, cold (fresh CachingObjects)',
        role: 'alt',
        minSamples: heavy,
        beforeSample: () => {
          // Made untimed: a store wraps each version when it is written; cold means not yet encoded.
          cold = pods.map((pod) => new CachingObject(pod));
          sink = new SpliceBuffer();
        },
        fn: (ops) => {
          for (let i = 0; i < ops; i++) listEncoder.encode(POD_LIST_HEADER, cold, sink);
        },
        check: () => {
          cold = pods.map((pod) => new CachingObject(pod));
          sink = new SpliceBuffer();
          listEncoder.encode(POD_LIST_HEADER, cold, sink);
          assert(cold.every((item) => item.isEncoded(json.identifier)), 'cold items were not cached');
          assertSameBytes(sink.toBuffer(), expected, 'cold list');
        },
      },
      {
        name: 'JSON.stringify(list) → string',
        role: 'peer',
        minSamples: heavy,
        fn: (ops) => {
          for (let i = 0; i < ops; i++) output = JSON.stringify(wholeList(pods));
        },
        check: () => {
          output = JSON.stringify(wholeList(pods));
          assertSameBytes(Buffer.from(output), expected, 'JSON.stringify list');
        },
      },
      {
        name: 'JSON.stringify(list) → Buffer',
        role: 'peer',
        minSamples: heavy,
        fn: (ops) => {
          for (let i = 0; i < ops; i++) output = Buffer.from(JSON.stringify(wholeList(pods)));
        },
        check: () => {
          output = Buffer.from(JSON.stringify(wholeList(pods)));
          assertSameBytes(output, expected, 'JSON.stringify list to bytes');
        },
      },
    ],
  };
}

const execFileAsync = promisify(execFile);

/** Size and SHA-256 of the reference list of `pods` pods, made one pod at a time so the parent never holds the list. */
function referenceDigest(pods: number): { bytes: number; sha256: string } {
  const hash = createHash('sha256');
  let bytes = 0;
  const add = (text: string): void => {
    const chunk = Buffer.from(text);
    hash.update(chunk);
    bytes += chunk.byteLength;
  };
  add(`{"apiVersion":${JSON.stringify(POD_LIST_HEADER.apiVersion)},"items":[`);
  for (let i = 0; i < pods; i++) add((i > 0 ? ',' : '') + stableStringify(makePod(i)));
  add(`],"kind":${JSON.stringify(POD_LIST_HEADER.kind)},"metadata":${stableStringify(POD_LIST_HEADER.metadata)}}`);
  return { bytes, sha256: hash.digest('hex') };
}

/** The compiled child script: next to this module in dist, or in dist when running from sources. */
function rssScript(): string {
  const script = RUNNING_FROM_DIST
    ? join(dirname(fileURLToPath(import.meta.url)), 'list-rss.js')
    : join(BENCHMARKS_ROOT, 'dist', 'codec', 'list-rss.js');
  if (!existsSync(script)) throw new Error(`${script} does not exist: build the benchmarks first (npx tsc -b benchmarks)`);
  return script;
}

/** Runs one RSS child. */
export async function measureRss(mode: RssMode, pods: number): Promise<RssResult> {
  const { stdout } = await execFileAsync(process.execPath, ['--expose-gc', rssScript(), mode, String(pods)], {
    maxBuffer: 1024 * 1024,
    timeout: 300_000,
  });
  return JSON.parse(stdout) as RssResult;
}

/** All modes, one child each, checking that every mode sent the same bytes as the reference. */
async function measureAllRss(pods: number): Promise<RssResult[]> {
  const results: RssResult[] = [];
  for (const mode of RSS_MODES) results.push(await measureRss(mode, pods));
  const reference = referenceDigest(pods);
  for (const result of results) {
    assert(result.pods === pods, `${result.mode}: sent ${result.pods} pods, expected ${pods}`);
    assert(
      result.bytes === reference.bytes && result.sha256 === reference.sha256,
      `${result.mode} sent ${result.bytes} bytes (sha256 ${result.sha256}), expected ${reference.bytes} (sha256 ${reference.sha256})`,
    );
  }
  return results;
}

export const listSuite: Suite = {
  name: 'codec/list',
  title: 'LIST encoding',
  measures:
    `A LIST of ${formatCount(FULL_PODS)} distinct frozen pods encoded to JSON bytes: (a) \`JSON.stringify\` of the whole list, (b) \`ListEncoder\` cold ` +
    '(fresh `CachingObject`s, every item encoded on the way, into a `SpliceBuffer`), (c) `ListEncoder` warm (every item\'s bytes already cached). ' +
    'All produce the same bytes (checked). Peak RSS growth is measured separately, one child process per mode, sending the list to a slow consumer.',

  async check(): Promise<void> {
    checkTable(table(makeFrozenPods(50)));
  },

  async run(options: RunOptions): Promise<SuiteResult> {
    const count = options.smoke ? SMOKE_PODS : FULL_PODS;
    const measured = await measureTable(table(makeFrozenPods(count)), options);
    const targets: TargetResult[] = [];
    const stringify = row(measured, 'JSON.stringify(list) → string');
    targets.push(ratioTarget('(c) warm ≥ 20× faster than (a) JSON.stringify (its faster, string-only variant)', stringify.ratio, { atLeast: 20 }, formatRatio));

    const rssPods = options.smoke ? SMOKE_RSS_PODS : FULL_RSS_PODS;
    const rss = await measureAllRss(rssPods);
    const growth = (r: RssResult): number => Math.max(0, r.peakRss - r.baselineRss);
    const base = growth(rss.find((r) => r.mode === 'stringify')!);
    const labels: Record<RssMode, string> = {
      stringify: '(a) JSON.stringify, then end()',
      cold: '(b) ListEncoder.stream, cold',
      warm: '(c) ListEncoder.stream, warm',
    };
    const rssTable: TextTable = {
      title: `peak RSS growth sending a LIST of ${formatCount(rssPods)} pods (${formatMiB(rss[0]!.bytes)}) to a slow consumer`,
      header: ['mode', 'baseline RSS', 'peak RSS', 'growth', 'growth ÷ (a)', 'wall time'],
      rows: rss.map((r) => [
        labels[r.mode],
        formatMiB(r.baselineRss),
        formatMiB(r.peakRss),
        formatMiB(growth(r)),
        base > 0 ? formatRatio(growth(r) / base) : 'n/a',
        formatDuration(r.elapsedMs * 1e6),
      ]),
    };
    for (const mode of ['cold', 'warm'] as const) {
      const r = rss.find((x) => x.mode === mode)!;
      const fraction = base > 0 ? growth(r) / base : Number.POSITIVE_INFINITY;
      targets.push(
        target(
          `${labels[mode]}: peak RSS growth ≤ 1/10 of (a)'s`,
          `${formatMiB(growth(r))} vs ${formatMiB(base)}, ${formatRatio(fraction)}`,
          fraction <= 0.1,
        ),
      );
    }
    return {
      tables: [measured],
      summaries: [rssTable],
      targets,
      notes: [
        'Cold: the `CachingObject`s are made before each sample, untimed (a store wraps each version when it is written); the sample pays for encoding every item once.',
        'RSS: each mode runs in its own `node --expose-gc` process; the pods (and, for warm, their cached bytes) exist before the baseline, taken after `gc()`. ' +
          'The consumer is a `Writable` with a 64 KiB high-water mark that acknowledges each write on a later turn, hashes and discards; every mode must deliver the same bytes (SHA-256 checked). ' +
          'Peak is `process.resourceUsage().maxRSS` when the send raised it, else the highest RSS sampled every 2 ms. In the cold RSS mode each item is wrapped as it is streamed and not kept.',
      ],
    };
  },
};
