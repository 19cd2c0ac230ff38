/**
 * The correctness gate of the e2e suites: both hosts answer the same LIST
 * queries with the same pods, in the same order, and those are the pods the
 * seed says (an oracle computed here by hand, so that a bug shared by both
 * hosts fails too). Run against hosts in child processes, over HTTP.
 */
import stringify from 'fast-json-stable-stringify';
import { assert } from '../lib/harness.js';
import { nodeName, type SeedEntry } from './hosts.js';
import { getJson } from './load.js';

/** A paged query stops with an error after this many pages (a continue token that never ends). */
const MAX_PAGES = 10_000;

interface PodLike {
  readonly metadata: { readonly name: string; readonly namespace: string; readonly labels?: Readonly<Record<string, string>>; readonly [field: string]: unknown };
  readonly spec?: { readonly nodeName?: string };
  readonly [field: string]: unknown;
}

interface PodList {
  readonly kind?: string;
  readonly apiVersion?: string;
  readonly metadata?: { readonly resourceVersion?: string; readonly continue?: string };
  readonly items?: readonly PodLike[];
}

/** One query and the pods it must return, by the oracle. */
interface Query {
  readonly path: string;
  readonly expect: (pod: PodLike) => boolean;
  /** Page size: the pages, concatenated, must equal the whole answer. */
  readonly limit?: number;
}

function queries(seed: readonly SeedEntry[], nodes: number, quick: boolean): Query[] {
  const some = seed[Math.min(7, seed.length - 1)]!.object as unknown as PodLike;
  const node = nodeName(Math.min(5, nodes - 1));
  return [
    { path: '/api/v1/pods', expect: () => true },
    { path: '/api/v1/namespaces/team-3/pods', expect: (p) => p.metadata.namespace === 'team-3' },
    { path: '/api/v1/pods?labelSelector=app%3Dapp-7', expect: (p) => p.metadata.labels?.['app'] === 'app-7' },
    { path: '/api/v1/pods?labelSelector=tier%3Dfrontend%2Cshard!%3Ds3', expect: (p) => p.metadata.labels?.['tier'] === 'frontend' && p.metadata.labels['shard'] !== 's3' },
    { path: `/api/v1/pods?fieldSelector=spec.nodeName%3D${node}`, expect: (p) => p.spec?.nodeName === node },
    {
      path: `/api/v1/namespaces/${some.metadata.namespace}/pods?fieldSelector=metadata.name%3D${some.metadata.name}`,
      expect: (p) => p.metadata.namespace === some.metadata.namespace && p.metadata.name === some.metadata.name,
    },
    { path: '/api/v1/namespaces/team-1/pods?labelSelector=app%3Dapp-21', expect: (p) => p.metadata.namespace === 'team-1' && p.metadata.labels?.['app'] === 'app-21' },
    // Paged in about 4 pages, so that the checks' cost grows with the pods, not with the pages; left out at large sizes (`quick`).
    ...(quick
      ? []
      : [
          { path: '/api/v1/pods?labelSelector=tier%3Dbackend', expect: (p: PodLike) => p.metadata.labels?.['tier'] === 'backend', limit: Math.max(13, Math.ceil(seed.length / 6)) },
          { path: '/api/v1/pods', expect: () => true, limit: Math.max(7, Math.ceil(seed.length / 5)) },
        ]),
  ];
}

function keyOf(pod: PodLike): string {
  return `${pod.metadata.namespace}/${pod.metadata.name}`;
}

/** The object without what each host assigns itself (resourceVersion, and what a store may fill in), keys sorted. */
function normalized(pod: PodLike): string {
  const { resourceVersion: _rv, uid: _uid, creationTimestamp: _created, ...metadata } = pod.metadata;
  return stringify({ ...pod, apiVersion: pod['apiVersion'] ?? 'v1', kind: pod['kind'] ?? 'Pod', metadata });
}

/** Every page of `query` (one page without a limit). */
async function listAll(url: string, query: Query): Promise<{ items: PodLike[]; pages: number }> {
  const items: PodLike[] = [];
  let token: string | undefined;
  let pages = 0;
  do {
    const sep = query.path.includes('?') ? '&' : '?';
    const path = query.limit === undefined ? query.path : `${query.path}${sep}limit=${query.limit}${token === undefined ? '' : `&continue=${encodeURIComponent(token)}`}`;
    const { status, body } = await getJson<PodList>(url, path);
    assert(status === 200, `GET ${path}: status ${status}`);
    assert(body.kind === 'PodList' && body.apiVersion === 'v1', `GET ${path}: kind ${String(body.kind)}, apiVersion ${String(body.apiVersion)}`);
    assert(typeof body.metadata?.resourceVersion === 'string' && body.metadata.resourceVersion !== '', `GET ${path}: no resourceVersion`);
    assert(Array.isArray(body.items), `GET ${path}: no items`);
    if (query.limit !== undefined) assert(body.items.length <= query.limit, `GET ${path}: ${body.items.length} items, more than the limit`);
    items.push(...body.items);
    token = body.metadata.continue === '' ? undefined : body.metadata.continue;
    pages++;
    assert(pages <= MAX_PAGES, `GET ${query.path}: more than ${MAX_PAGES} pages`);
  } while (token !== undefined);
  return { items, pages };
}

/** Options of {@link checkHosts}. */
export interface CheckOptions {
  /** How many pods per answer are compared field by field. @default all */
  readonly sample?: number;
  /** Leave out the paged queries (large sizes: a page costs the naive host a scan and a sort of every pod; paging is checked at the small sizes). @default false */
  readonly quick?: boolean;
}

/**
 * Throws unless the hosts at `urls` (label → base URL) answer every query with
 * the pods the oracle computes from `seed`, in key order, equal field by field
 * (but for what each host assigns: resourceVersion, uid, creationTimestamp).
 */
export async function checkHosts(urls: Readonly<Record<string, string>>, seed: readonly SeedEntry[], nodes: number, options: CheckOptions = {}): Promise<void> {
  const sample = options.sample ?? Number.POSITIVE_INFINITY;
  const byKey = new Map(seed.map((entry) => [keyOf(entry.object as unknown as PodLike), entry.object as unknown as PodLike]));
  const sortedKeys = [...byKey.keys()].sort((a, b) => (a < b ? -1 : 1));
  for (const query of queries(seed, nodes, options.quick === true)) {
    const expected = sortedKeys.filter((key) => query.expect(byKey.get(key)!));
    assert(expected.length > 0, `query ${query.path} selects nothing from the seed: a useless check`);
    for (const [label, url] of Object.entries(urls)) {
      const what = `${label}: GET ${query.path}${query.limit === undefined ? '' : ` (pages of ${query.limit})`}`;
      const { items, pages } = await listAll(url, query);
      const got = items.map(keyOf);
      if (got.length !== expected.length || got.some((key, i) => key !== expected[i])) {
        const at = got.findIndex((key, i) => key !== expected[i]);
        throw new Error(`${what}: ${got.length} pods, expected ${expected.length}; first difference at ${at}: got ${String(got[at])}, expected ${String(expected[at])}`);
      }
      if (query.limit !== undefined) assert(pages === Math.max(1, Math.ceil(expected.length / query.limit)), `${what}: ${pages} pages for ${expected.length} pods`);
      const step = Math.max(1, Math.floor(items.length / Math.min(items.length, sample)));
      for (let i = 0; i < items.length; i += step) {
        const want = normalized(byKey.get(got[i]!)!);
        if (normalized(items[i]!) !== want) throw new Error(`${what}: pod ${got[i]} differs from the seed:\n got ${normalized(items[i]!).slice(0, 400)}\nwant ${want.slice(0, 400)}`);
      }
    }
  }
}
