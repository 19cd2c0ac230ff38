/**
 * Hostile request bodies against readRequestBody: whatever the Content-Length
 * header and however the bytes arrive, it resolves with exactly the bytes sent
 * or rejects with StatusError BadRequest 400 / RequestEntityTooLarge 413 —
 * never another error — and never holds more than `limitBytes` (memory bounded
 * by the limit, not by what the client sends).
 */
import type { IncomingMessage } from 'node:http';
import { PassThrough } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isStatusError, readRequestBody } from '../src/index.js';

/** A request-like stream with `headers`, fed `chunks` then ended. */
function fakeRequest(contentLength: string | undefined, chunks: readonly Uint8Array[]): IncomingMessage {
  const stream = new PassThrough();
  Object.assign(stream, { headers: contentLength === undefined ? {} : { 'content-length': contentLength } });
  setImmediate(() => {
    for (const chunk of chunks) stream.write(chunk);
    stream.end();
  });
  return stream as unknown as IncomingMessage;
}

const header = fc.option(
  fc.oneof(
    fc.nat({ max: 5_000 }).map(String),
    fc.constantFrom('', ' 5', '5 ', '+5', '-1', '1e3', '0x10', '5.0', '99999999999999999999999', '１'),
    fc.string({ maxLength: 12 }),
  ),
  { nil: undefined },
);
const chunks = fc.array(fc.uint8Array({ maxLength: 1_500 }), { maxLength: 8 });

describe('readRequestBody() fuzz — only StatusError, memory bounded by limitBytes', () => {
  it('property: any Content-Length and chunking → the bytes sent (≤ limit), BadRequest 400 or RequestEntityTooLarge 413', async () => {
    await fc.assert(
      fc.asyncProperty(header, chunks, fc.nat({ max: 4_000 }), async (contentLength, parts, limitBytes) => {
        const sent = Buffer.concat(parts);
        try {
          const body = await readRequestBody(fakeRequest(contentLength, parts), { limitBytes });
          expect(body.byteLength).toBeLessThanOrEqual(limitBytes);
          expect(Buffer.from(body).equals(sent)).toBe(true);
          expect(contentLength === undefined || /^\d+$/.test(contentLength)).toBe(true);
        } catch (error) {
          if (!isStatusError(error)) throw error;
          expect(['BadRequest', 'RequestEntityTooLarge']).toContain(error.reason);
          if (error.reason === 'RequestEntityTooLarge') expect(sent.byteLength > limitBytes || Number(contentLength) > limitBytes).toBe(true);
          else expect(contentLength !== undefined && !/^\d+$/.test(contentLength)).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });
});
