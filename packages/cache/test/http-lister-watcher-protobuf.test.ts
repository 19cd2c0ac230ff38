/**
 * httpListerWatcher with `accept: 'protobuf'` against a stub server writing
 * what Kubernetes writes (codec's ProtobufEncoder: the k8s\0 envelope for
 * lists, length-delimited WatchEvent frames for watches; apimachinery
 * `LengthDelimitedFramer`), and its `watchList` request (client-go
 * reflector `watchList`).
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { bookmarkObject, type KubeObject, ListEncoder, ProtobufEncoder, encodeToBuffer, type WatchEventType } from '@apiserver-kit/codec';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpListerWatcher, isStatusError, type SourceEvent } from '../src/index.js';
import { ProtobufFrameStream } from '../src/internal/http-wire.js';

const codec = new ProtobufEncoder();

interface Answer {
  readonly status: number;
  readonly contentType: string;
  readonly pieces: readonly Buffer[];
}

let server: Server;
let url = '';
let next: Answer = { status: 200, contentType: 'application/json', pieces: [] };
let requests: IncomingMessage[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    requests.push(req);
    const answer = next;
    void (async () => {
      res.writeHead(answer.status, { 'content-type': answer.contentType });
      for (const piece of answer.pieces) {
        res.write(piece);
        await new Promise((resolve) => setImmediate(resolve));
      }
      res.end();
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/pods`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function pod(name: string, resourceVersion: number): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'ns', resourceVersion: String(resourceVersion), labels: { app: 'é✓' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } };
}

function encoded(object: KubeObject): Uint8Array {
  return encodeToBuffer((sink) => codec.encode(object, sink));
}

function frame(type: WatchEventType, object: KubeObject): Buffer {
  return Buffer.from(codec.watchFraming.frameWatchEvent(type, encoded(object)));
}

async function protobufList(items: readonly KubeObject[], resourceVersion: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const out = new PassThrough();
  out.on('data', (chunk: Buffer) => chunks.push(chunk));
  await new ListEncoder(codec).stream({ apiVersion: 'v1', kind: 'PodList', metadata: { resourceVersion } }, items, out);
  out.end();
  return Buffer.concat(chunks);
}

/** Splits `bytes` at the given offsets. */
function split(bytes: Buffer, cuts: readonly number[]): Buffer[] {
  const at = [...new Set(cuts.map((cut) => cut % (bytes.length + 1)))].sort((a, b) => a - b);
  const pieces: Buffer[] = [];
  let start = 0;
  for (const cut of at) {
    pieces.push(bytes.subarray(start, cut));
    start = cut;
  }
  pieces.push(bytes.subarray(start));
  return pieces.filter((piece) => piece.length > 0);
}

async function drain(watch: AsyncIterable<SourceEvent> & { close(): void }): Promise<{ events: SourceEvent[]; error: unknown }> {
  const events: SourceEvent[] = [];
  try {
    for await (const event of watch) events.push(event);
    return { events, error: undefined };
  } catch (error) {
    return { events, error };
  } finally {
    watch.close();
  }
}

const WATCH = 'application/vnd.kubernetes.protobuf;stream=watch';

describe('httpListerWatcher — accept: protobuf', () => {
  it('lists: asks for protobuf (JSON accepted), decodes the PodList envelope, restores item kinds', async () => {
    const items = [pod('a', 2), pod('b', 3)];
    next = { status: 200, contentType: 'application/vnd.kubernetes.protobuf', pieces: [await protobufList(items, '3')] };
    requests = [];
    const listed = await httpListerWatcher({ url, accept: 'protobuf', pageSize: 0 }).list({});
    expect(requests[0]!.headers.accept).toBe('application/vnd.kubernetes.protobuf, application/json');
    expect(listed.revision).toBe(3);
    expect(listed.items).toEqual(items);
  });

  it('a JSON answer to a protobuf request (a kind the server cannot encode so) is read as JSON', async () => {
    next = { status: 200, contentType: 'application/json', pieces: [Buffer.from(JSON.stringify({ kind: 'PodList', apiVersion: 'v1', metadata: { resourceVersion: '5' }, items: [] }))] };
    expect((await httpListerWatcher({ url, accept: 'protobuf' }).list({})).revision).toBe(5);
  });

  it('watch: length-delimited frames cut at random points yield every event, BOOKMARK included (property)', async () => {
    const stream = Buffer.concat([frame('ADDED', pod('a', 2)), frame('MODIFIED', pod('a', 3)), frame('BOOKMARK', bookmarkObject('v1', 'Pod', '4')), frame('DELETED', pod('a', 5))]);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.nat(), { maxLength: 10 }), async (cuts) => {
        next = { status: 200, contentType: WATCH, pieces: split(stream, cuts) };
        requests = [];
        const { events, error } = await drain(httpListerWatcher({ url, accept: 'protobuf' }).watch({ fromRevision: 1 }));
        expect(error).toBeUndefined();
        expect(requests[0]!.headers.accept).toBe('application/vnd.kubernetes.protobuf;stream=watch, application/json');
        expect(events.map((e) => `${e.type} ${e.revision}`)).toEqual(['ADDED 2', 'MODIFIED 3', 'BOOKMARK 4', 'DELETED 5']);
        expect(events[0]).toMatchObject({ object: pod('a', 2) });
      }),
      { numRuns: 30 },
    );
  });

  it('watch: an ERROR frame is its Status; an oversized or undecodable frame → InternalError; a cut frame at the end → a clean end', async () => {
    const status = { apiVersion: 'v1', kind: 'Status', status: 'Failure', message: 'too old resource version: 1 (5)', reason: 'Expired', code: 410, metadata: {} } as unknown as KubeObject;
    next = { status: 200, contentType: WATCH, pieces: [frame('ADDED', pod('a', 2)), frame('ERROR', status)] };
    let result = await drain(httpListerWatcher({ url, accept: 'protobuf' }).watch({ fromRevision: 1 }));
    expect(result.events).toHaveLength(1);
    expect(isStatusError(result.error, 'Expired') && result.error.code).toBe(410);

    next = { status: 200, contentType: WATCH, pieces: [frame('ADDED', pod('a', 2)), frame('ADDED', pod('b'.repeat(300), 3))] };
    result = await drain(httpListerWatcher({ url, accept: 'protobuf', maxEventBytes: 200 }).watch({ fromRevision: 1 }));
    expect(result.events).toHaveLength(1);
    expect(isStatusError(result.error, 'InternalError') && result.error.message).toMatch(/larger than 200 bytes/);

    const garbage = Buffer.alloc(12);
    garbage.writeUInt32BE(8, 0);
    next = { status: 200, contentType: WATCH, pieces: [garbage] };
    result = await drain(httpListerWatcher({ url, accept: 'protobuf' }).watch({ fromRevision: 1 }));
    expect(isStatusError(result.error, 'InternalError') && result.error.message).toMatch(/unable to decode an event from the watch stream: invalid protobuf/);

    const whole = frame('ADDED', pod('a', 2));
    next = { status: 200, contentType: WATCH, pieces: [whole, whole.subarray(0, 10)] };
    result = await drain(httpListerWatcher({ url, accept: 'protobuf' }).watch({ fromRevision: 1 }));
    expect(result).toEqual({ events: [expect.objectContaining({ type: 'ADDED', revision: 2 })], error: undefined });
  });

  it('a frame of a kind the codec does not know → InternalError saying to ask for JSON', () => {
    const decoder = new ProtobufFrameStream(codec, 1 << 20);
    // A Pod frame whose envelope names another kind: re-label the TypeMeta bytes.
    const bytes = frame('ADDED', pod('a', 2));
    const at = bytes.indexOf(Buffer.from('Pod'));
    bytes.write('Xyz', at, 'latin1');
    expect(decoder.push(bytes)).toEqual([]);
    expect(decoder.failure?.message).toMatch(/Kind=Xyz is not registered .* \(ask for JSON for such kinds\)/);
    expect(decoder.push(frame('ADDED', pod('b', 3)))).toEqual([]);
  });

  it('watchList: sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true, no resourceVersion; the end bookmark → initialEventsEnd', async () => {
    next = {
      status: 200,
      contentType: WATCH,
      pieces: [frame('ADDED', pod('a', 2)), frame('BOOKMARK', bookmarkObject('v1', 'Pod', '3')), frame('BOOKMARK', bookmarkObject('v1', 'Pod', '4', true)), frame('ADDED', pod('b', 5))],
    };
    requests = [];
    const lw = httpListerWatcher({ url, accept: 'protobuf', labelSelector: 'app=x', timeoutSeconds: 30 });
    const { events, error } = await drain(lw.watchList!({}));
    expect(error).toBeUndefined();
    const query = new URL(requests[0]!.url ?? '', 'http://x').searchParams;
    expect(Object.fromEntries(query)).toEqual({
      labelSelector: 'app=x',
      watch: 'true',
      sendInitialEvents: 'true',
      resourceVersionMatch: 'NotOlderThan',
      allowWatchBookmarks: 'true',
      timeoutSeconds: '30',
    });
    expect(events.map((e) => (e.type === 'BOOKMARK' ? `BOOKMARK ${e.revision} ${e.initialEventsEnd === true}` : `${e.type} ${e.revision}`))).toEqual([
      'ADDED 2',
      'BOOKMARK 3 false',
      'BOOKMARK 4 true',
      'ADDED 5',
    ]);
    // The next list resumes from what the stream delivered after its initial events (client-go's lastSyncResourceVersion).
    next = { status: 200, contentType: 'application/json', pieces: [Buffer.from(JSON.stringify({ kind: 'PodList', apiVersion: 'v1', metadata: { resourceVersion: '5' }, items: [] }))] };
    requests = [];
    await lw.list({});
    expect(new URL(requests[0]!.url ?? '', 'http://x').searchParams.get('resourceVersion')).toBe('5');

    // Cut inside the initial events (object revisions, in no order): not a sync point — the next list is the first one's ("0").
    next = { status: 200, contentType: WATCH, pieces: [frame('ADDED', pod('z', 9)), frame('ADDED', pod('y', 2))] };
    const fresh = httpListerWatcher({ url, accept: 'protobuf' });
    await drain(fresh.watchList!({}));
    next = { status: 200, contentType: 'application/json', pieces: [Buffer.from(JSON.stringify({ kind: 'PodList', apiVersion: 'v1', metadata: { resourceVersion: '9' }, items: [] }))] };
    requests = [];
    await fresh.list({});
    expect(new URL(requests[0]!.url ?? '', 'http://x').searchParams.get('resourceVersion')).toBe('0');
  });

  it('rejects a bad accept or protobuf option by name', () => {
    expect(() => httpListerWatcher({ url, accept: 'xml' as 'json' })).toThrow(/Expected `accept` to be 'json' or 'protobuf'/);
    expect(() => httpListerWatcher({ url, protobuf: {} as ProtobufEncoder })).toThrow(/Expected `protobuf` to be a ProtobufEncoder/);
  });
});
