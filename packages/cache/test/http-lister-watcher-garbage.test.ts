import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpListerWatcher, isStatusError, type SourceEvent } from '../src/index.js';
import { JsonObjectStream } from '../src/internal/http-json-stream.js';

/** What the server answers next: status, headers and the body in pieces (each a separate write). */
interface Answer {
  readonly status: number;
  readonly headers?: Record<string, string>;
  readonly pieces: readonly (string | Buffer)[];
  /** Destroy the socket after the pieces instead of ending the response. */
  readonly reset?: boolean;
}

let server: Server;
let url = '';
let next: Answer = { status: 200, pieces: [] };

beforeAll(async () => {
  server = createServer((_req, res) => {
    const answer = next;
    void (async () => {
      res.writeHead(answer.status, answer.headers ?? { 'content-type': 'application/json' });
      for (const piece of answer.pieces) {
        res.write(piece);
        await new Promise((resolve) => setImmediate(resolve));
      }
      if (answer.reset === true) res.socket?.destroy();
      else res.end();
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/pods`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

/** Iterates a watch of the current answer: the events, and what it failed with (if anything). */
async function watchOnce(maxEventBytes?: number): Promise<{ events: SourceEvent[]; error: unknown }> {
  const events: SourceEvent[] = [];
  const watch = httpListerWatcher({ url, ...(maxEventBytes === undefined ? {} : { maxEventBytes }) }).watch({ fromRevision: 1 });
  try {
    for await (const event of watch) events.push(event);
    return { events, error: undefined };
  } catch (error) {
    return { events, error };
  } finally {
    watch.close();
  }
}

function split(text: string, cuts: readonly number[]): Buffer[] {
  const bytes = Buffer.from(text);
  const points = [...new Set(cuts.map((cut) => cut % (bytes.length + 1)))].sort((a, b) => a - b);
  const pieces: Buffer[] = [];
  let from = 0;
  for (const point of points) {
    pieces.push(bytes.subarray(from, point));
    from = point;
  }
  pieces.push(bytes.subarray(from));
  return pieces.filter((piece) => piece.length > 0);
}

const event = (type: string, rv: number, extra: Record<string, unknown> = {}): string =>
  JSON.stringify({ type, object: { apiVersion: 'v1', kind: 'Pod', metadata: { name: `p${rv}`, namespace: 'ns', resourceVersion: String(rv) }, ...extra } });

describe('JsonObjectStream — concatenated JSON objects across chunk boundaries (json.Decoder framing)', () => {
  it('splits objects with or without newlines, fed one byte at a time', () => {
    const text = `{"a":"}{\\"","b":[{"c":1}]}\n{"d":"é✓"}{"e":{}}  \r\n`;
    const stream = new JsonObjectStream(1024);
    const values: unknown[] = [];
    for (const byte of Buffer.from(text)) values.push(...stream.push(Buffer.from([byte])));
    expect(values).toEqual([{ a: '}{"', b: [{ c: 1 }] }, { d: 'é✓' }, { e: {} }]);
    expect(stream.hasPartial).toBe(false);
  });

  it('refuses a value that does not start with {, is not JSON, or is over the limit', () => {
    const failureOf = (max: number, text: string): [unknown[], string | undefined] => {
      const stream = new JsonObjectStream(max);
      const values = stream.push(Buffer.from(text));
      expect(stream.push(Buffer.from('{"more":1}'))).toEqual([]);
      return [values, stream.failure?.message];
    };
    expect(failureOf(1024, '{"ok":1}[1]')).toEqual([[{ ok: 1 }], `expected '{' at the start of a watch event, got "["`]);
    expect(failureOf(1024, '{"a":]')[1]).toMatch(/^a watch event is not valid JSON: /);
    expect(failureOf(8, '{"a":"0123456789"}')).toEqual([[], 'a watch event is larger than 8 bytes']);
    expect(new JsonObjectStream(8).failure).toBeUndefined();
  });
});

describe('httpListerWatcher — garbage from the server never escapes as anything but a StatusError', () => {
  it('.watch() — a valid stream cut at random points yields every event in order', async () => {
    const text = `${event('ADDED', 2)}\n${event('MODIFIED', 3, { spec: { note: 'é✓'.repeat(50) } })}${event('DELETED', 4)}\n`;
    await fc.assert(
      fc.asyncProperty(fc.array(fc.nat(), { maxLength: 8 }), async (cuts) => {
        next = { status: 200, pieces: split(text, cuts) };
        const { events, error } = await watchOnce();
        expect(error).toBeUndefined();
        expect(events.map((e) => `${e.type} ${e.revision}`)).toEqual(['ADDED 2', 'MODIFIED 3', 'DELETED 4']);
      }),
      { numRuns: 25 },
    );
  });

  it.each([
    ['not JSON', 'hello world\n', 'InternalError'],
    ['an array', '[1,2]\n', 'InternalError'],
    ['broken JSON', '{"type":"ADDED","object":{]}\n', 'InternalError'],
    ['an event without object', '{"type":"ADDED"}\n', 'InternalError'],
    ['an unknown type', '{"type":"RENAMED","object":{"metadata":{"resourceVersion":"2"}}}\n', 'InternalError'],
    ['a non-numeric resourceVersion', '{"type":"ADDED","object":{"metadata":{"resourceVersion":"abc"}}}\n', 'InternalError'],
    ['a bookmark without metadata', '{"type":"BOOKMARK","object":{}}\n', 'InternalError'],
    ['an ERROR that is not a Status', '{"type":"ERROR","object":{"foo":1}}\n', 'InternalError'],
    ['an ERROR Status with an unknown reason', '{"type":"ERROR","object":{"kind":"Status","code":503,"reason":"Sleepy","message":"zz"}}\n', 'ServiceUnavailable'],
    ['an ERROR Status 410 Gone', '{"type":"ERROR","object":{"kind":"Status","code":410,"reason":"Gone","message":"gone"}}\n', 'Gone'],
  ])('.watch() — %s → %s', async (_name, body, reason) => {
    next = { status: 200, pieces: [`${event('ADDED', 2)}\n`, body] };
    const { events, error } = await watchOnce();
    expect(events.map((e) => e.revision)).toEqual([2]);
    expect(isStatusError(error) && error.reason).toBe(reason);
  });

  it('.watch() — an event over maxEventBytes → InternalError; a partial event at the end or a reset connection → a clean end', async () => {
    next = { status: 200, pieces: [event('ADDED', 2, { spec: { big: 'x'.repeat(5000) } })] };
    const tooBig = await watchOnce(1000);
    expect(isStatusError(tooBig.error, 'InternalError') && tooBig.error.message).toBe(
      'Internal error occurred: unable to decode an event from the watch stream: a watch event is larger than 1000 bytes',
    );
    next = { status: 200, pieces: [`${event('ADDED', 2)}\n`, event('ADDED', 3).slice(0, 20)] };
    expect(await watchOnce()).toEqual({ events: [expect.objectContaining({ revision: 2 })], error: undefined });
    next = { status: 200, pieces: [`${event('ADDED', 2)}\n`, event('ADDED', 3).slice(0, 20)], reset: true };
    expect(await watchOnce()).toEqual({ events: [expect.objectContaining({ revision: 2 })], error: undefined });
  });

  it('.watch() — a non-2xx answer with garbage → the reason of its code', async () => {
    next = { status: 410, headers: {}, pieces: ['<html>gone</html>'] };
    const gone = await watchOnce();
    expect(isStatusError(gone.error, 'Expired') && gone.error.code).toBe(410);
    next = { status: 502, headers: {}, pieces: ['bad gateway'] };
    const bad = await watchOnce();
    expect(isStatusError(bad.error, 'InternalError') && bad.error.code).toBe(502);
  });

  it('.list() — random bytes, random JSON and malformed lists → StatusError (fuzz)', async () => {
    const bodies = fc.oneof(
      fc.string(),
      fc.json(),
      fc.constantFrom(
        '{"metadata":{"resourceVersion":"5"}}',
        '{"metadata":{"resourceVersion":"5"},"items":[1]}',
        '{"metadata":{"resourceVersion":"5"},"items":[{}]}',
        '{"metadata":{"resourceVersion":"-5"},"items":[]}',
        '{"metadata":{"resourceVersion":"99999999999999999999"},"items":[]}',
        '{"items":[]}',
      ),
    );
    await fc.assert(
      fc.asyncProperty(bodies, fc.constantFrom(200, 200, 400, 404, 500), async (body, status) => {
        next = { status, pieces: [body] };
        try {
          const listed = await httpListerWatcher({ url }).list({});
          // The rare valid list from the generator: it must be well formed.
          expect(status).toBe(200);
          expect(Number.isSafeInteger(listed.revision)).toBe(true);
        } catch (error) {
          expect(isStatusError(error)).toBe(true);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('.watch() — random JSON values and random bytes as a stream → events or a StatusError (fuzz)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.oneof(fc.json(), fc.string()), { maxLength: 4 }), fc.array(fc.nat(), { maxLength: 4 }), async (values, cuts) => {
        next = { status: 200, pieces: split(values.join('\n'), cuts) };
        const { error } = await watchOnce();
        expect(error === undefined || isStatusError(error)).toBe(true);
      }),
      { numRuns: 60 },
    );
  });
});
