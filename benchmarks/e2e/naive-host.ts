/**
 * The naive host of the e2e suites: the pods endpoints of the mini-apiserver,
 * written the way a user writes them by hand with `node:http` — a plain `Map`
 * of pods, every LIST a scan of the whole map, a filter, a sort and one
 * `JSON.stringify` of the response; every watch event `JSON.stringify`d once
 * per watcher and written without regard for backpressure. It is correct for
 * what the suites ask (the same items as ours for the same query, checked
 * before anything is timed), and nothing more: no history (a watch starts at
 * "now" whatever its resourceVersion), no flow control, no caching.
 *
 * Served:
 * - `GET /api/v1/pods`, `GET /api/v1/namespaces/{ns}/pods`: a PodList, with
 *   `labelSelector` and `fieldSelector` (`k=v`, `k==v`, `k!=v`, comma-separated),
 *   `limit` and `continue` (the last key of the page, base64url);
 * - the same with `watch=true` (or `1`): newline-delimited watch events;
 * - `GET /api/v1/namespaces/{ns}/pods/{name}`: one pod;
 * - errors as a Kubernetes `Status` (400 bad selector, 404, 405).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A pod as the naive host holds it: whatever JSON the seed gave. */
export interface NaivePod {
  readonly metadata: { readonly name: string; readonly namespace: string; readonly resourceVersion?: string; readonly labels?: Readonly<Record<string, string>>; readonly [field: string]: unknown };
  readonly [field: string]: unknown;
}

/** Options of {@link startNaiveHost}. */
export interface NaiveHostOptions {
  /** Port on 127.0.0.1; `0` picks a free one. @default 0 */
  readonly port?: number;
  /** Initial pods (the key is ignored: the naive host keys by namespace and name). */
  readonly seed?: Iterable<{ readonly key: string; readonly object: NaivePod }>;
}

/** A running naive host. */
export interface NaiveHost {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  readonly port: number;
  /** Pods held. */
  readonly size: number;
  /** Replaces the pod at `namespace/name` with `mutate(current)`, bumps the resourceVersion and tells every watcher. @throws Error when there is no such pod */
  update(namespace: string, name: string, mutate: (current: NaivePod) => NaivePod): NaivePod;
  /** Closes every connection (watches included) and the server. */
  close(): Promise<void>;
}

/** One equality requirement of a selector. */
interface Requirement {
  readonly key: string;
  readonly equal: boolean;
  readonly value: string;
}

interface Watcher {
  readonly res: ServerResponse;
  readonly namespace: string | undefined;
  readonly labels: readonly Requirement[];
  readonly fields: readonly Requirement[];
}

class BadRequest extends Error {}

/**
 * Starts the naive host on 127.0.0.1 and resolves once it listens.
 */
export async function startNaiveHost(options: NaiveHostOptions = {}): Promise<NaiveHost> {
  const pods = new Map<string, NaivePod>();
  const watchers = new Set<Watcher>();
  let revision = 1;

  const withRevision = (pod: NaivePod): NaivePod => ({ ...pod, metadata: { ...pod.metadata, resourceVersion: String(++revision) } });
  for (const { object } of options.seed ?? []) pods.set(keyOf(object), withRevision(object));

  const list = (res: ServerResponse, url: URL, namespace: string | undefined): void => {
    const labels = parseSelector(url.searchParams.get('labelSelector'));
    const fields = parseSelector(url.searchParams.get('fieldSelector'));
    const limit = Number(url.searchParams.get('limit') ?? '0');
    if (!Number.isInteger(limit) || limit < 0) throw new BadRequest(`invalid limit: ${url.searchParams.get('limit')}`);
    const items = [...pods.values()].filter((pod) => matches(pod, namespace, labels, fields));
    items.sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : 1));
    let start = 0;
    const token = url.searchParams.get('continue');
    if (token !== null && token !== '') {
      const after = Buffer.from(token, 'base64url').toString('utf8');
      start = items.findIndex((pod) => keyOf(pod) > after);
      if (start < 0) start = items.length;
    }
    let page = items.slice(start);
    const metadata: { resourceVersion: string; continue?: string } = { resourceVersion: String(revision) };
    if (limit > 0 && page.length > limit) {
      page = page.slice(0, limit);
      metadata.continue = Buffer.from(keyOf(page[page.length - 1]!)).toString('base64url');
    }
    send(res, 200, { kind: 'PodList', apiVersion: 'v1', metadata, items: page });
  };

  const watch = (req: IncomingMessage, res: ServerResponse, url: URL, namespace: string | undefined): void => {
    const watcher: Watcher = { res, namespace, labels: parseSelector(url.searchParams.get('labelSelector')), fields: parseSelector(url.searchParams.get('fieldSelector')) };
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.flushHeaders();
    watchers.add(watcher);
    const timeoutSeconds = Number(url.searchParams.get('timeoutSeconds') ?? '0');
    const timer = timeoutSeconds > 0 ? setTimeout(() => res.end(), timeoutSeconds * 1000) : undefined;
    req.on('close', () => {
      watchers.delete(watcher);
      if (timer !== undefined) clearTimeout(timer);
    });
  };

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    try {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const parts = url.pathname.split('/').filter((part) => part !== '');
      // ['api','v1','pods'] or ['api','v1','namespaces',ns,'pods'] or [..., 'pods', name]
      if (parts[0] !== 'api' || parts[1] !== 'v1') return notFound(res, url.pathname);
      let namespace: string | undefined;
      let rest = parts.slice(2);
      if (rest[0] === 'namespaces' && rest.length >= 3) {
        namespace = rest[1];
        rest = rest.slice(2);
      }
      if (rest[0] !== 'pods' || rest.length > 2) return notFound(res, url.pathname);
      if (req.method !== 'GET') return send(res, 405, status(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource`));
      if (rest.length === 2) {
        const pod = namespace === undefined ? undefined : pods.get(`${namespace}/${rest[1]}`);
        return pod === undefined ? send(res, 404, status(404, 'NotFound', `pods "${rest[1]}" not found`)) : send(res, 200, pod);
      }
      const watching = url.searchParams.get('watch');
      if (watching === 'true' || watching === '1') return watch(req, res, url, namespace);
      return list(res, url, namespace);
    } catch (error) {
      if (error instanceof BadRequest) return send(res, 400, status(400, 'BadRequest', error.message));
      return send(res, 500, status(500, 'InternalError', String(error)));
    }
  };

  const server: Server = createServer(handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    get size(): number {
      return pods.size;
    },
    update(namespace, name, mutate) {
      const key = `${namespace}/${name}`;
      const current = pods.get(key);
      if (current === undefined) throw new Error(`pods "${name}" not found in namespace "${namespace}"`);
      const next = withRevision(mutate(current));
      pods.set(key, next);
      for (const w of watchers) {
        if (matches(next, w.namespace, w.labels, w.fields)) w.res.write(`${JSON.stringify({ type: 'MODIFIED', object: next })}\n`);
      }
      return next;
    },
    async close() {
      for (const w of watchers) w.res.end();
      watchers.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function keyOf(pod: NaivePod): string {
  return `${pod.metadata.namespace}/${pod.metadata.name}`;
}

/** `a=b,c!=d` → requirements; `null` or empty → none. */
function parseSelector(text: string | null): Requirement[] {
  if (text === null || text.trim() === '') return [];
  return text.split(',').map((term) => {
    const match = /^\s*([^!=\s]+)\s*(==|=|!=)\s*([^!=\s]*)\s*$/.exec(term);
    if (match === null) throw new BadRequest(`unable to parse requirement: ${term}`);
    return { key: match[1]!, equal: match[2] !== '!=', value: match[3]! };
  });
}

/** The value of a dotted field path (`spec.nodeName`), as a string, or `''` when absent. */
function fieldOf(pod: NaivePod, path: string): string {
  let value: unknown = pod;
  for (const part of path.split('.')) value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[part] : undefined;
  return value === undefined || value === null ? '' : String(value);
}

function matches(pod: NaivePod, namespace: string | undefined, labels: readonly Requirement[], fields: readonly Requirement[]): boolean {
  if (namespace !== undefined && pod.metadata.namespace !== namespace) return false;
  for (const r of labels) if ((pod.metadata.labels?.[r.key] === r.value) !== r.equal) return false;
  for (const r of fields) if ((fieldOf(pod, r.key) === r.value) !== r.equal) return false;
  return true;
}

function status(code: number, reason: string, message: string): object {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
}

function notFound(res: ServerResponse, path: string): void {
  send(res, 404, status(404, 'NotFound', `the server could not find the requested resource (${path})`));
}

function send(res: ServerResponse, code: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}
