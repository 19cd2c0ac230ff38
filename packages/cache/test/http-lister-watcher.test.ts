import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { JsonEncoder, type KubeObject, ListEncoder, WatchEventEncoder } from '@apiserver-kit/codec';
import { MemoryStorage } from '@apiserver-kit/storage';
import { afterEach, describe, expect, it } from 'vitest';
import {
  Cacher,
  httpListerWatcher,
  isStatusError,
  Reflector,
  type SourceEvent,
  storageListerWatcher,
  WatchCache,
  writeWatchResponse,
} from '../src/index.js';

const json = new JsonEncoder();
const watchEncoder = new WatchEventEncoder(json);
const listEncoder = new ListEncoder(json);

/** Takes over a request before the Cacher serves it: return true when handled. */
type Hook = (req: IncomingMessage, res: ServerResponse, query: URLSearchParams) => boolean | Promise<boolean>;

interface Host {
  readonly storage: MemoryStorage;
  readonly cacher: Cacher;
  readonly url: string;
  /** Every request's query, in order. */
  readonly requests: URLSearchParams[];
  hook: Hook | undefined;
  close(): Promise<void>;
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function podObject(name: string, labels: Record<string, string> = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'ns', labels }, spec: { nodeName: 'node-1' } };
}

/** A Kubernetes-style host of pods: MemoryStorage → Cacher → list (ListEncoder) and watch (writeWatchResponse), on 127.0.0.1:0. */
async function startHost(): Promise<Host> {
  const storage = new MemoryStorage();
  const cacher = new Cacher({ resource: 'pods', source: storageListerWatcher(storage, '/pods/'), storage, bookmarkIntervalMs: 0 });
  cacher.start();
  await cacher.onReady();
  const requests: URLSearchParams[] = [];
  const sockets = new Set<import('node:net').Socket>();
  const host: Host = {
    storage,
    cacher,
    url: '',
    requests,
    hook: undefined,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await cacher.stop();
    },
  };
  const fail = (res: ServerResponse, error: unknown): void => {
    const status = isStatusError(error) ? error.toStatus() : { kind: 'Status', apiVersion: 'v1', status: 'Failure', message: String(error), reason: 'InternalError', code: 500 };
    if (!res.headersSent) res.writeHead(status.code, { 'content-type': 'application/json' });
    res.end(JSON.stringify(status));
  };
  const server: Server = createServer((req, res) => {
    const query = new URL(req.url ?? '/', 'http://localhost').searchParams;
    requests.push(query);
    void (async () => {
      if (host.hook !== undefined && (await host.hook(req, res, query))) return;
      const scope = {
        ...(query.has('resourceVersion') ? { resourceVersion: query.get('resourceVersion')! } : {}),
        ...(query.has('labelSelector') ? { labelSelector: query.get('labelSelector')! } : {}),
        ...(query.has('fieldSelector') ? { fieldSelector: query.get('fieldSelector')! } : {}),
      };
      if (query.get('watch') === 'true') {
        const watcher = await cacher.watch({
          ...scope,
          allowWatchBookmarks: query.get('allowWatchBookmarks') === 'true',
          ...(query.get('sendInitialEvents') === 'true' ? { sendInitialEvents: true } : {}),
          ...(query.get('resourceVersionMatch') === 'NotOlderThan' ? { resourceVersionMatch: 'NotOlderThan' as const } : {}),
          timeoutSeconds: Number(query.get('timeoutSeconds') ?? '0'),
        });
        await writeWatchResponse(watcher, res, watchEncoder);
        return;
      }
      const result = await cacher.list({
        ...scope,
        ...(query.has('limit') ? { limit: Number(query.get('limit')) } : {}),
        ...(query.has('continue') ? { continue: query.get('continue')! } : {}),
      });
      res.writeHead(200, { 'content-type': 'application/json' });
      const metadata = { resourceVersion: result.resourceVersion, ...(result.continue === undefined ? {} : { continue: result.continue }) };
      await listEncoder.stream({ apiVersion: 'v1', kind: 'PodList', metadata }, result.items, res);
      res.end();
    })().catch((error: unknown) => fail(res, error));
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  Object.assign(host, { url: `http://127.0.0.1:${port}/api/v1/pods` });
  cleanups.push(() => host.close());
  return host;
}

/**
 * A client cache fed over HTTP, with a short backoff on the real clock (no timeouts are observed).
 * List + watch unless `watchList` (these tests pin the requests of client-go's ListAndWatch).
 */
function startClient(
  url: string,
  options: Partial<Parameters<typeof httpListerWatcher>[0]> = {},
  watchList = false,
): { cache: WatchCache; reflector: Reflector; errors: unknown[] } {
  const cache = new WatchCache({ resource: 'pods' });
  const errors: unknown[] = [];
  const reflector = new Reflector(httpListerWatcher({ url, pageSize: 7, ...options }), cache, {
    useWatchList: watchList,
    backoff: { durationMs: 5, capMs: 20 },
    progressIntervalMs: 0,
    onError: (error) => errors.push(error),
  });
  reflector.start();
  cleanups.push(async () => {
    await reflector.stop();
    cache.close();
  });
  return { cache, reflector, errors };
}

/** Waits (polling on real time, bounded by the test timeout) until `condition` holds. */
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
}

async function cachedNames(cache: WatchCache): Promise<string[]> {
  const result = await cache.list({ resourceVersion: '0' });
  return result.items.map((item) => item.getObject().metadata?.name ?? '');
}

function labelsOf(cache: WatchCache, name: string): unknown {
  return cache.get(`/pods/ns/${name}`)?.getObject().metadata?.labels;
}

describe('httpListerWatcher — a Reflector over HTTP (client-go reflector.go ListAndWatch)', () => {
  it('with watchList (client-go reflector watchList): one WatchList request syncs the cache, no list; changes follow on the same stream', async () => {
    const host = await startHost();
    for (let i = 0; i < 10; i++) await host.storage.create(`/pods/ns/p${i}`, podObject(`p${i}`));
    const { cache, reflector } = startClient(host.url, {}, true);
    await cache.onReady();
    expect(cache.size).toBe(10);
    expect(reflector.stats.usesWatchList).toBe(true);
    expect(host.requests.map((q) => [q.get('watch'), q.get('sendInitialEvents'), q.get('resourceVersionMatch'), q.get('resourceVersion')])).toEqual([['true', 'true', 'NotOlderThan', null]]);
    await host.storage.delete('/pods/ns/p3');
    const target = await host.storage.currentRevision();
    await until(() => cache.revision >= target);
    expect(await cachedNames(cache)).not.toContain('p3');
    expect(host.requests).toHaveLength(1);
  });

  it('syncs N objects through paged lists, then sees adds, updates and deletes', async () => {
    const host = await startHost();
    for (let i = 0; i < 30; i++) await host.storage.create(`/pods/ns/p${String(i).padStart(2, '0')}`, podObject(`p${String(i).padStart(2, '0')}`));
    const { cache } = startClient(host.url);
    await cache.onReady();
    expect(cache.size).toBe(30);
    expect(cache.revision).toBe(await host.storage.currentRevision());
    // The first list asks for any cached state ("0", which the cache serves whole, ignoring the limit: Kubernetes' legacy semantics).
    const lists = host.requests.filter((q) => q.get('watch') !== 'true');
    expect(lists.map((q) => `${q.get('resourceVersion')} ${q.get('limit')}`)).toEqual(['0 7']);
    // Items of the typed list get the list's kind back.
    expect(cache.get('/pods/ns/p00')?.getObject()).toMatchObject({ apiVersion: 'v1', kind: 'Pod' });

    await host.storage.create('/pods/ns/new', podObject('new'));
    await host.storage.guaranteedUpdate('/pods/ns/p01', (current) => ({ ...current!, metadata: { ...current!.metadata, labels: { app: 'web' } } }));
    await host.storage.delete('/pods/ns/p02');
    const target = await host.storage.currentRevision();
    await until(() => cache.revision >= target);
    const names = await cachedNames(cache);
    expect(names).toContain('new');
    expect(names).not.toContain('p02');
    expect(names.length).toBe(30);
    expect(labelsOf(cache, 'p01')).toEqual({ app: 'web' });
    // The watch: from the list's revision, with bookmarks and a client-go-like timeout.
    const watch = host.requests.find((q) => q.get('watch') === 'true')!;
    expect(watch.get('allowWatchBookmarks')).toBe('true');
    expect(Number(watch.get('timeoutSeconds'))).toBeGreaterThanOrEqual(300);
    expect(Number(watch.get('timeoutSeconds'))).toBeLessThan(600);
  });

  it('sends labelSelector and fieldSelector on lists and watches', async () => {
    const host = await startHost();
    await host.storage.create('/pods/ns/a', podObject('a', { app: 'web' }));
    await host.storage.create('/pods/ns/b', podObject('b', { app: 'db' }));
    const { cache } = startClient(host.url, { labelSelector: 'app=web', fieldSelector: 'spec.nodeName=node-1' });
    await cache.onReady();
    expect(await cachedNames(cache)).toEqual(['a']);
    await host.storage.create('/pods/ns/c', podObject('c', { app: 'web' }));
    await host.storage.create('/pods/ns/d', podObject('d', { app: 'db' }));
    await until(() => cache.size === 2);
    expect(await cachedNames(cache)).toEqual(['a', 'c']);
    expect(host.requests.every((q) => q.get('labelSelector') === 'app=web' && q.get('fieldSelector') === 'spec.nodeName=node-1')).toBe(true);
  });

  it('resumes from the last revision after the server closes a watch (no relist)', async () => {
    const host = await startHost();
    await host.storage.create('/pods/ns/a', podObject('a'));
    let watches = 0;
    host.hook = (_req, res, query) => {
      if (query.get('watch') !== 'true' || ++watches !== 1) return false;
      // The first watch: one event, then the server ends the stream.
      res.writeHead(200, { 'content-type': 'application/json' });
      void host.storage.create('/pods/ns/b', podObject('b')).then((b) => {
        res.end(`${JSON.stringify({ type: 'ADDED', object: b })}\n`);
      });
      return true;
    };
    const { cache, reflector } = startClient(host.url);
    await until(() => cache.size === 2);
    await until(() => reflector.stats.watches >= 2);
    await host.storage.create('/pods/ns/c', podObject('c'));
    await until(() => cache.size === 3);
    expect(reflector.stats.lists).toBe(1);
    const second = host.requests.filter((q) => q.get('watch') === 'true')[1]!;
    expect(second.get('resourceVersion')).toBe(String(cache.revision - 1));
  });

  it('relists after an HTTP 410 on the watch, and after a 410 ERROR event in the stream', async () => {
    const host = await startHost();
    await host.storage.create('/pods/ns/a', podObject('a'));
    let watches = 0;
    const expired = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'too old resource version: 1 (5)', reason: 'Expired', code: 410 };
    host.hook = (_req, res, query) => {
      if (query.get('watch') !== 'true') return false;
      watches++;
      if (watches === 1) {
        res.writeHead(410, { 'content-type': 'application/json' }).end(JSON.stringify(expired));
        return true;
      }
      if (watches === 2) {
        res.writeHead(200, { 'content-type': 'application/json' }).end(`${JSON.stringify({ type: 'ERROR', object: expired })}\n`);
        return true;
      }
      return false;
    };
    const { cache, reflector, errors } = startClient(host.url);
    await until(() => reflector.stats.lists >= 3);
    await host.storage.create('/pods/ns/b', podObject('b'));
    await until(() => cache.size === 2);
    expect(errors.slice(0, 2).map((e) => (isStatusError(e) ? `${e.reason} ${e.code} ${e.message}` : String(e)))).toEqual([
      'Expired 410 too old resource version: 1 (5)',
      'Expired 410 too old resource version: 1 (5)',
    ]);
  });

  it('joins an event split across chunks (mid-string, mid multi-byte character) and takes a 1 MiB event', async () => {
    const host = await startHost();
    await host.storage.create('/pods/ns/a', podObject('a'));
    const big = 'x'.repeat(1 << 20);
    host.hook = async (_req, res, query) => {
      if (query.get('watch') !== 'true' || query.get('resourceVersion') !== '1') return false;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.flushHeaders();
      const updated = await host.storage.guaranteedUpdate('/pods/ns/a', (current) => ({ ...current!, metadata: { ...current!.metadata, labels: { note: 'é✓' } } }));
      const huge = await host.storage.create('/pods/ns/big', { ...podObject('big'), metadata: { name: 'big', namespace: 'ns', annotations: { big } } });
      const bytes = Buffer.from(`${JSON.stringify({ type: 'MODIFIED', object: updated })}${JSON.stringify({ type: 'ADDED', object: huge })}\n`);
      const accent = bytes.indexOf(Buffer.from('é'));
      for (const [from, to] of [[0, 10], [10, accent + 1], [accent + 1, 5000], [5000, bytes.length]] as const) {
        res.write(bytes.subarray(from, to));
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
      return true;
    };
    const { cache } = startClient(host.url);
    await until(() => cache.size === 2);
    expect(labelsOf(cache, 'a')).toEqual({ note: 'é✓' });
    expect((cache.get('/pods/ns/big')?.getObject().metadata?.annotations?.['big'] ?? '').length).toBe(1 << 20);
  });
});

describe('httpListerWatcher — list semantics (client-go reflector relistResourceVersion, pager)', () => {
  it('.list() — relists at the last synced revision; after a 410 retries at once with a consistent read ("")', async () => {
    const host = await startHost();
    await host.storage.create('/pods/ns/a', podObject('a'));
    const lw = httpListerWatcher({ url: host.url, pageSize: 0 });
    const first = await lw.list({});
    expect(first.revision).toBe(1);
    let refuse = true;
    host.hook = (_req, res, query) => {
      if (!refuse || query.get('resourceVersion') !== '1') return false;
      refuse = false;
      res.writeHead(410, { 'content-type': 'application/json' }).end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', message: 'gone', reason: 'Expired', code: 410 }));
      return true;
    };
    await host.storage.create('/pods/ns/b', podObject('b'));
    const second = await lw.list({});
    expect(second.items.map((item) => item.metadata?.name)).toEqual(['a', 'b']);
    expect(host.requests.map((q) => q.get('resourceVersion'))).toEqual(['0', '1', null]);
  });

  it('.list() — a relist pages with continue tokens (no resourceVersion on continue pages)', async () => {
    const host = await startHost();
    for (const name of ['a', 'b', 'c', 'd', 'e']) await host.storage.create(`/pods/ns/${name}`, podObject(name));
    const lw = httpListerWatcher({ url: host.url, pageSize: 2 });
    await lw.list({});
    const relisted = await lw.list({});
    expect(relisted.items.map((item) => item.metadata?.name)).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(relisted.revision).toBe(5);
    expect(host.requests.map((q) => `${q.get('limit')} ${q.get('resourceVersion')} ${q.has('continue')}`)).toEqual(['2 0 false', '2 5 false', '2 null true', '2 null true']);
  });

  it('.list() — a continue page that expired falls back to one unpaged list at the same resourceVersion (pager.go FullListIfExpired)', async () => {
    const host = await startHost();
    for (const name of ['a', 'b', 'c']) await host.storage.create(`/pods/ns/${name}`, podObject(name));
    host.hook = (_req, res, query) => {
      if (!query.has('continue')) return false;
      res.writeHead(410, { 'content-type': 'application/json' }).end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', message: 'continue expired', reason: 'Expired', code: 410 }));
      return true;
    };
    const lw = httpListerWatcher({ url: host.url, pageSize: 2 });
    await lw.list({});
    const listed = await lw.list({});
    expect(listed.items.map((item) => item.metadata?.name)).toEqual(['a', 'b', 'c']);
    expect(host.requests.map((q) => `${q.get('limit')} ${q.get('resourceVersion')} ${q.has('continue')}`)).toEqual(['2 0 false', '2 3 false', '2 null true', 'null 3 false']);
  });

  it('.list() — 429 with Retry-After is retried after the time asked (on the clock), then served', async () => {
    const { FakeClock } = await import('@apiserver-kit/core');
    const clock = new FakeClock();
    const host = await startHost();
    await host.storage.create('/pods/ns/a', podObject('a'));
    let throttled = 2;
    host.hook = (_req, res) => {
      if (throttled-- <= 0) return false;
      res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '3' });
      res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', message: 'too many requests', reason: 'TooManyRequests', code: 429, details: { retryAfterSeconds: 3 } }));
      return true;
    };
    const pending = httpListerWatcher({ url: host.url, clock }).list({});
    for (let waited = 0; waited < 2; waited++) {
      await until(() => clock.pendingTimers > 0);
      expect(clock.nextTimerAt()).toBe(clock.now() + 3000);
      clock.advance(3000);
    }
    expect((await pending).revision).toBe(1);
    expect(host.requests.length).toBe(3);
  });

  it('.list() — 429 beyond maxRetries → TooManyRequests with retryAfterSeconds', async () => {
    const host = await startHost();
    host.hook = (_req, res) => {
      res.writeHead(429, { 'retry-after': '1' }).end('slow down');
      return true;
    };
    const error = await httpListerWatcher({ url: host.url, maxRetries: 0 }).list({}).catch((e: unknown) => e);
    expect(isStatusError(error, 'TooManyRequests')).toBe(true);
    expect(isStatusError(error) && [error.code, error.retryAfterSeconds, error.message]).toEqual([429, 1, 'the server responded with the status code 429 but did not return more information']);
  });

  it('.list() — a 404 Status keeps its reason and message; an unreachable server → ServiceUnavailable', async () => {
    const host = await startHost();
    host.hook = (_req, res) => {
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', message: 'the server could not find the requested resource', reason: 'NotFound', code: 404 }));
      return true;
    };
    const notFound = await httpListerWatcher({ url: host.url }).list({}).catch((e: unknown) => e);
    expect(isStatusError(notFound, 'NotFound') && notFound.message).toBe('the server could not find the requested resource');
    await host.close();
    cleanups.length = 0;
    const unreachable = await httpListerWatcher({ url: host.url }).list({}).catch((e: unknown) => e);
    expect(isStatusError(unreachable, 'ServiceUnavailable') && unreachable.code).toBe(503);
  });
});

describe('httpListerWatcher — watch', () => {
  it('.watch() — close() ends the iteration cleanly while it waits for events', async () => {
    const host = await startHost();
    const watch = httpListerWatcher({ url: host.url }).watch({ fromRevision: 0 });
    const seen: SourceEvent[] = [];
    const done = (async () => {
      for await (const event of watch) seen.push(event);
    })();
    await until(() => host.cacher.stats.watchers === 1);
    watch.close();
    await done;
    expect(seen).toEqual([]);
    await until(() => host.cacher.stats.watchers === 0);
  });

  it('.watch() — an aborted signal ends it cleanly; BOOKMARK events carry the revision', async () => {
    const host = await startHost();
    host.hook = (_req, res) => {
      res.writeHead(200).write(`${JSON.stringify({ type: 'BOOKMARK', object: { kind: 'Pod', apiVersion: 'v1', metadata: { resourceVersion: '12' } } })}\n`);
      return true;
    };
    const controller = new AbortController();
    const seen: SourceEvent[] = [];
    for await (const event of httpListerWatcher({ url: host.url }).watch({ fromRevision: 3, signal: controller.signal })) {
      seen.push(event);
      controller.abort();
    }
    expect(seen).toEqual([{ type: 'BOOKMARK', revision: 12 }]);
  });

  it('rejects bad options by name', () => {
    expect(() => httpListerWatcher({ url: 'not a url' })).toThrow(new TypeError('Expected `url` to be an absolute http(s) URL, got `"not a url"` (string)'));
    expect(() => httpListerWatcher({ url: 'ftp://127.0.0.1/' })).toThrow(TypeError);
    expect(() => httpListerWatcher({ url: 'http://127.0.0.1/', pageSize: -1 })).toThrow(RangeError);
    expect(() => httpListerWatcher({ url: 'http://127.0.0.1/', timeoutSeconds: 0 })).toThrow(RangeError);
  });
});
