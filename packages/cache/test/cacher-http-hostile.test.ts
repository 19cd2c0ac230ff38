import { createServer, get, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FakeClock } from '@apiserver-kit/storage';
import { describe, expect, it } from 'vitest';
import { expired, JsonEncoder, WatchEventEncoder } from '@apiserver-kit/codec';
import { Cacher, CacherMetrics, LabeledCounter, writeWatchError, writeWatchResponse } from '../src/index.js';
import { pod, stalledSink } from './helpers.js';

const encoder = new WatchEventEncoder(new JsonEncoder());
const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

const sink = stalledSink;

function lines(written: readonly string[]): { type: string; object: { reason?: string; code?: number } }[] {
  return written
    .join('')
    .trim()
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as { type: string; object: { reason?: string; code?: number } });
}

describe('writeWatchResponse — hostile and careless input', () => {
  it('a client that stops reading is cut at its timeoutSeconds (+ drainGraceMs): response destroyed, watcher released', async () => {
    const clock = new FakeClock();
    const cacher = new Cacher({ resource: 'pods', clock, bookmarkIntervalMs: 0 });
    cacher.cache.replace([], 1);
    const watcher = await cacher.watch({ resourceVersion: '1', timeoutSeconds: 5 });
    const { stream } = sink();
    const result = writeWatchResponse(watcher, stream, encoder, { clock, drainGraceMs: 1000 });
    for (let rv = 2; rv < 10; rv++) cacher.cache.apply({ type: 'ADDED', object: pod({ ns: 'ns', name: `p${rv}`, rv }), revision: rv });
    await tick();
    expect(stream.writableNeedDrain).toBe(true);
    clock.advance(5000); // the deadline: the watcher closes, the writer is parked on 'drain'
    await tick();
    expect(watcher.isDone).toBe(true);
    expect(stream.destroyed).toBe(false);
    clock.advance(1000);
    const ended = await result;
    expect(ended.reason).toBe('stalled');
    expect(stream.destroyed).toBe(true);
    expect(cacher.stats.watchers).toBe(0);
    await cacher.stop();
  });

  it('a shed watcher ends the stream cleanly, no ERROR event (cache_watcher.go closes the channel), reason `shed`', async () => {
    const clock = new FakeClock();
    const cacher = new Cacher({ resource: 'pods', clock, bookmarkIntervalMs: 0, queueSizes: { unfiltered: 2 } });
    cacher.cache.replace([], 1);
    const watcher = await cacher.watch({ resourceVersion: '1' });
    const { stream, written, release } = sink(16);
    const result = writeWatchResponse(watcher, stream, encoder, { clock, maxBatch: 1 });
    for (let rv = 2; rv < 8; rv++) {
      cacher.cache.apply({ type: 'ADDED', object: pod({ ns: 'ns', name: `p${rv}`, rv }), revision: rv });
      await tick();
    }
    expect(cacher.stats.isDispatcherWaiting).toBe(true);
    clock.advance(100); // the budget runs out: shed
    await tick();
    expect(watcher.isShed).toBe(true);
    for (let i = 0; i < 5; i++) {
      release();
      await tick();
    }
    expect((await result).reason).toBe('shed');
    expect(lines(written).map((event) => event.type)).not.toContain('ERROR');
    expect(stream.writableEnded).toBe(true);
    expect(cacher.metrics.watchersTerminated.get('unresponsive')).toBe(1);
    await cacher.stop();
  });

  it('an `onError` that throws: the ERROR event is still sent and the response ended; the promise resolves', async () => {
    const clock = new FakeClock();
    const cacher = new Cacher({ resource: 'pods', clock, bookmarkIntervalMs: 0 });
    cacher.cache.replace([], 1);
    const watcher = await cacher.watch({ resourceVersion: '1' });
    const { stream, written, release } = sink(1 << 20);
    const result = writeWatchResponse(watcher, stream, encoder, {
      onError: () => {
        throw new Error('host bug');
      },
    });
    cacher.cache.replace([], 5); // a relist ends the watcher with Expired
    await tick();
    release();
    const ended = await result;
    expect(ended.reason).toBe('failed');
    expect(lines(written).at(-1)).toMatchObject({ type: 'ERROR', object: { reason: 'Expired', code: 410 } });
    expect(stream.writableEnded).toBe(true);
    await cacher.stop();
  });

  it('metrics that throw (a host subclass) neither break apply() nor cost watchers their events', async () => {
    class Broken extends LabeledCounter {
      override inc(): void {
        throw new Error('registry down');
      }
    }
    class HostMetrics extends CacherMetrics {
      override readonly eventsDelivered: LabeledCounter = new Broken();
      override readonly eventsDispatched: LabeledCounter = new Broken();
      override readonly watchersVisited: LabeledCounter = new Broken();
    }
    const cacher = new Cacher({ resource: 'pods', clock: new FakeClock(), bookmarkIntervalMs: 0, metrics: new HostMetrics() });
    cacher.cache.replace([], 1);
    const watcher = await cacher.watch({ resourceVersion: '1' });
    expect(() => cacher.cache.apply({ type: 'ADDED', object: pod({ ns: 'ns', name: 'a', rv: 2 }), revision: 2 })).not.toThrow();
    expect(watcher.tryNext()?.type).toBe('ADDED');
    await cacher.stop();
  });
});

describe('writeWatchError — a watch failing after validation (cacher.go newErrWatcher)', () => {
  it('HTTP 200 with the watch media type, one ERROR event with the Status, then the end', async () => {
    const server: Server = createServer((_req, res) => {
      void writeWatchError(res, expired('too old resource version: 3 (9)'), encoder);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const response = await new Promise<IncomingMessage>((resolve) => get(`http://127.0.0.1:${port}/api/v1/pods?watch=1`, resolve));
    let body = '';
    response.setEncoding('utf8');
    response.on('data', (chunk: string) => (body += chunk));
    await new Promise((resolve) => response.on('end', resolve));
    server.close();
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe(encoder.mediaType);
    expect(lines([body])).toEqual([
      {
        type: 'ERROR',
        object: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'too old resource version: 3 (9)', reason: 'Expired', code: 410 },
      },
    ]);
  });

  it('a non-StatusError becomes InternalError 500 in the event; a destroyed response is ignored', async () => {
    const { stream, written, release } = sink(1 << 20);
    const done = writeWatchError(stream, new Error('boom'), encoder);
    release();
    await done;
    expect(lines(written)).toMatchObject([{ type: 'ERROR', object: { reason: 'InternalError', code: 500 } }]);
    const gone = sink();
    gone.stream.destroy();
    await expect(writeWatchError(gone.stream, new Error('x'), encoder)).resolves.toBeUndefined();
  });
});
