/**
 * Writing answers: single objects and streamed lists, compressed when large
 * (failures are answered with codec's `writeStatusResponse`).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type Encodable, encodeTo, type Encoder, type ListHeader, ListEncoder, SpliceBuffer } from '@apiserver-kit/codec';
import { acceptsGzip, ResponseBody } from './response-body.js';

const NO_CACHE = 'no-cache, private';

/** Writes one object with `statusCode`, compressed when large and the client accepts gzip. */
export async function writeObject(request: IncomingMessage, response: ServerResponse, statusCode: number, object: Encodable, encoder: Encoder): Promise<void> {
  const buffer = new SpliceBuffer();
  encodeTo(encoder, object, buffer);
  const body = new ResponseBody(response, statusCode, { 'Content-Type': encoder.mediaType, 'Cache-Control': NO_CACHE }, acceptsGzip(request));
  await body.writeAll(buffer.take());
}

/**
 * Streams a list: the header, then each item's cached bytes (see
 * `ListEncoder.stream`), compressed when the first batch is large.
 * A failure before the first batch is thrown (nothing written: the caller
 * answers a Status); after it, the response is destroyed.
 */
export async function writeList(request: IncomingMessage, response: ServerResponse, header: ListHeader, items: Iterable<Encodable>, encoder: Encoder): Promise<void> {
  const body = new ResponseBody(response, 200, { 'Content-Type': encoder.mediaType, 'Cache-Control': NO_CACHE }, acceptsGzip(request));
  try {
    await new ListEncoder(encoder).stream(header, items, body);
  } catch (error) {
    if (!body.isStarted) {
      body.destroy();
      throw error;
    }
    response.destroy();
    return;
  }
  await new Promise<void>((resolve) => body.end(resolve));
}
