import { createServer, get, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FakeClock } from '@apiserver-kit/storage';
import { afterEach, describe, expect, it } from 'vitest';
import { CachingWatchEvent, type Encoder, JsonEncoder, type KubeObject, WatchEventEncoder } from '@apiserver-kit/codec';
import { Cacher, type CacherWatchRequest, isStatusError, writeWatchResponse, type WatchResponseOptions, type WatchResponseResult } from '../src/index.js';
import { pod, stalledSink } from './helpers.js';

const encoder = new WatchEventEncoder(new JsonEncoder());

interface Harness {
  readonly cacher: Cacher;
  readonly clock: FakeClock;
  readonly url: string;
  /** One entry per request served, resolved when its stream ended. */
  readonly results: Promise<WatchResponseResult>[];
  close(): Promise<void>;
}

let open: Harness | undefined;
afterEach(async () => {
  await open?.close();
  open = undefined;
});

/** A loopback server (127.0.0.1, ephemeral port) serving watches of a Cacher on a fake clock. */
async function serve(request: CacherWatchRequest = {}, options: WatchResponseOptions = {}): Promise<Harness> {
  const clock = new FakeClock();
  const cacher = new Cacher({ resource: 'pods', clock, bookmarkIntervalMs: 0 });
  cacher.cache.replace([pod({ ns: 'ns', name: 'a', rv: 1 }), pod({ ns: 'ns', name: 'b', rv: 1 })], 1);
  const results: Promise<WatchResponseResult>[] = [];
  const server: Server = createServer((req, res) => {
    const query = new URL(req.url ?? '/', 'http://localhost').searchParams;
    const timeout = query.get('timeoutSeconds');
    results.push(
      cacher.watch({ ...request, ...(timeout === null ? {} : { timeoutSeconds: Number(timeout) }) }).then(
        (watcher) => writeWatchResponse(watcher, res, encoder, options),
        (error: unknown) => {
          res.writeHead(isStatusError(error) ? error.code : 500).end();
          return { reason: 'failed' as const, events: 0 };
        },
      ),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const harness: Harness = {
    cacher,
    clock,
    url: `http://127.0.0.1:${port}/api/v1/pods?watch=1`,
    results,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await cacher.stop();
    },
  };
  open = harness;
  return harness;
}

interface Client {
  readonly response: IncomingMessage;
  readonly events: { type: string; object: KubeObject }[];
  /** Resolves once `count` events arrived. */
  until(count: number): Promise<void>;
  readonly ended: Promise<void>;
  destroy(): void;
}

function connect(url: string): Promise<Client> {
  return new Promise((resolve, reject) => {
    const request = get(url, (response) => {
      const events: { type: string; object: KubeObject }[] = [];
      let buffered = '';
      const waiters: { count: number; resolve: () => void }[] = [];
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        buffered += chunk;
        for (let newline = buffered.indexOf('\n'); newline !== -1; newline = buffered.indexOf('\n')) {
          events.push(JSON.parse(buffered.slice(0, newline)) as { type: string; object: KubeObject });
          buffered = buffered.slice(newline + 1);
        }
        for (const waiter of waiters.filter((w) => events.length >= w.count)) waiter.resolve();
      });
      const ended = new Promise<void>((done) => response.on('end', done));
      response.on('error', () => {});
      resolve({
        response,
        events,
        ended,
        until: (count) => (events.length >= count ? Promise.resolve() : new Promise((done) => waiters.push({ count, resolve: done }))),
        destroy: () => request.destroy(),
      });
    });
    request.on('error', reject);
  });
}

describe('writeWatchResponse — over loopback HTTP', () => {
  it('streams chunked JSON events (initial then live) and ends cleanly at timeoutSeconds', async () => {
    const { cacher, clock, url, results } = await serve();
    const client = await connect(`${url}&timeoutSeconds=5`);
    expect(client.response.statusCode).toBe(200);
    expect(client.response.headers['content-type']).toBe('application/json');
    expect(client.response.headers['transfer-encoding']).toBe('chunked');
    await client.until(2);
    cacher.cache.apply({ type: 'MODIFIED', object: pod({ ns: 'ns', name: 'a', rv: 2 }), revision: 2 });
    await client.until(3);
    expect(client.events.map((e) => `${e.type} ${e.object.metadata?.name ?? ''} ${e.object.metadata?.resourceVersion ?? ''}`)).toEqual(['ADDED a 1', 'ADDED b 1', 'MODIFIED a 2']);
    clock.advance(5000);
    await client.ended;
    expect(await results[0]).toEqual({ reason: 'done', events: 3 });
    expect(cacher.metrics.watchersTerminated.get('timeout')).toBe(1);
    expect(cacher.stats.watchers).toBe(0);
  });

  it('frame — per-watcher bytes (a server-side Table per event) go through the same stream, in order, with the same deadline', async () => {
    const seen: string[] = [];
    const frame = (event: CachingWatchEvent, json: Encoder): Uint8Array => {
      seen.push(event.object.getObject().metadata?.name ?? '');
      return new CachingWatchEvent(event.type, { apiVersion: 'v1', kind: 'Marker', metadata: { name: `row-${seen.length}` } }).framed(json);
    };
    const { clock, url, results } = await serve({}, { frame });
    const client = await connect(`${url}&timeoutSeconds=5`);
    await client.until(2);
    expect(client.events.map((e) => `${e.type} ${e.object.kind ?? ''} ${e.object.metadata?.name ?? ''}`)).toEqual(['ADDED Marker row-1', 'ADDED Marker row-2']);
    expect(seen).toEqual(['a', 'b']);
    clock.advance(5000);
    await client.ended;
    expect(await results[0]).toEqual({ reason: 'done', events: 2 });
  });

  it('a client disconnect closes the watcher and stops the writer', async () => {
    const { cacher, url, results } = await serve();
    const client = await connect(url);
    await client.until(2);
    expect(cacher.stats.watchers).toBe(1);
    client.destroy();
    const result = await results[0]!;
    expect(result.reason).toBe('disconnected');
    expect(cacher.stats.watchers).toBe(0);
    // Later changes cost the gone client nothing.
    cacher.cache.apply({ type: 'MODIFIED', object: pod({ ns: 'ns', name: 'a', rv: 2 }), revision: 2 });
    expect(cacher.metrics.eventsDelivered.get('pods')).toBe(0);
  });

  it('a terminated watch ends with an ERROR event carrying the Status', async () => {
    const { cacher, url, results } = await serve();
    const client = await connect(url);
    await client.until(2);
    // A relist ends every watcher with Expired (their position predates the new history).
    cacher.cache.replace([pod({ ns: 'ns', name: 'c', rv: 9 })], 9);
    await client.ended;
    const last = client.events.at(-1)!;
    expect(last.type).toBe('ERROR');
    expect(last.object).toMatchObject({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'Expired', code: 410, message: 'too old resource version: 1 (9)' });
    expect((await results[0])?.reason).toBe('failed');
  });

  it('bad parameters are refused before the stream starts (ValidateListOptions: Invalid 422, an HTTP error, not an ERROR event)', async () => {
    const { url } = await serve({ sendInitialEvents: true });
    const client = await connect(url);
    expect(client.response.statusCode).toBe(422);
    await client.ended;
  });
});

describe('writeWatchResponse — backpressure', () => {
  it('waits for drain when the stream is full, then continues in order', async () => {
    const clock = new FakeClock();
    const cacher = new Cacher({ resource: 'pods', clock, bookmarkIntervalMs: 0 });
    cacher.cache.replace([], 1);
    const watcher = await cacher.watch({ resourceVersion: '1' });
    const { stream: sink, written, pending } = stalledSink(256);
    let maxBuffered = 0;
    const result = writeWatchResponse(watcher, sink, encoder, { maxBatch: 4 });
    for (let rv = 2; rv < 40; rv++) cacher.cache.apply({ type: 'MODIFIED', object: pod({ ns: 'ns', name: `p${rv}`, rv }), revision: rv });
    // Release the stream's callbacks one by one, like a slow socket.
    while (written.join('').split('\n').length - 1 < 38) {
      await new Promise((resolve) => setImmediate(resolve));
      maxBuffered = Math.max(maxBuffered, sink.writableLength);
      pending.shift()?.();
    }
    watcher.close();
    for (const callback of pending.splice(0)) callback();
    expect((await result).reason).toBe('done');
    const lines = written.join('').trim().split('\n').map((line) => JSON.parse(line) as { object: KubeObject });
    expect(lines.map((l) => l.object.metadata?.resourceVersion)).toEqual(Array.from({ length: 38 }, (_, i) => String(i + 2)));
    // Never more than one batch beyond the high-water mark is buffered.
    expect(maxBuffered).toBeLessThan(256 + 4 * 200);
    await cacher.stop();
  });
});
