import { Writable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CachingObject, JsonEncoder, ListEncoder, SpliceBuffer, YamlEncoder, type KubeObject, type ListHeader } from '../src/index.js';

const json = new JsonEncoder();
const header: ListHeader = { apiVersion: 'v1', kind: 'PodList', metadata: { resourceVersion: '42', continue: 'abc', remainingItemCount: 3 } };
const pods = (n: number): KubeObject[] =>
  Array.from({ length: n }, (_, i) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: `p-${i}`, namespace: 'default', resourceVersion: String(i + 1) } }));
const whole = (encoder: JsonEncoder | YamlEncoder, items: readonly KubeObject[]): string => {
  const sink = new SpliceBuffer();
  encoder.encode({ apiVersion: header.apiVersion, kind: header.kind, metadata: header.metadata as Record<string, unknown>, items }, sink);
  return sink.toBuffer().toString();
};

class Collect extends Writable {
  readonly parts: Buffer[] = [];
  writes = 0;
  constructor(highWaterMark: number) {
    super({ highWaterMark });
  }
  override _write(chunk: Buffer, _e: BufferEncoding, callback: () => void): void {
    this.parts.push(chunk);
    this.writes++;
    setImmediate(callback);
  }
  text(): string {
    return Buffer.concat(this.parts).toString();
  }
}

describe('ListEncoder', () => {
  it('.encode() — JSON bytes equal encoding the whole list at once', () => {
    const items = pods(3);
    const sink = new SpliceBuffer();
    new ListEncoder(json).encode(header, items, sink);
    expect(sink.toBuffer().toString()).toBe(whole(json, items));
  });

  it('property: JSON list of random items equals the whole-list encoding', () => {
    fc.assert(
      fc.property(fc.array(fc.dictionary(fc.string(), fc.jsonValue()), { maxLength: 8 }), fc.boolean(), (values, cached) => {
        const items = values.map((v) => JSON.parse(JSON.stringify(v)) as KubeObject);
        const sink = new SpliceBuffer();
        new ListEncoder(json).encode(header, cached ? items.map((i) => new CachingObject(i)) : items, sink);
        expect(sink.toBuffer().toString()).toBe(whole(json, items));
      }),
      { numRuns: 300 },
    );
  });

  it('.encode() — an empty list', () => {
    const sink = new SpliceBuffer();
    new ListEncoder(json).encode({ apiVersion: 'v1', kind: 'PodList', metadata: {} }, [], sink);
    expect(sink.toBuffer().toString()).toBe('{"apiVersion":"v1","items":[],"kind":"PodList","metadata":{}}');
  });

  it('.encode() — cached items are spliced, not copied or re-encoded', () => {
    const items = pods(5).map((p) => new CachingObject(p));
    for (const item of items) item.encoded(json);
    const sink = new SpliceBuffer();
    new ListEncoder(json).encode(header, items, sink);
    const chunks = sink.chunks();
    for (const item of items) expect(chunks).toContain(item.encoded(json));
    expect(sink.copiedBytes).toBe(0);
  });

  it('.stream() — the same bytes, in batches of about flushBytes, honouring backpressure', async () => {
    const items = pods(200).map((p) => new CachingObject(p));
    const out = new Collect(1024);
    await new ListEncoder(json, { flushBytes: 2048 }).stream(header, items, out);
    expect(out.text()).toBe(whole(json, pods(200)));
    expect(out.writes).toBeGreaterThan(5);
    expect(out.writableLength).toBeLessThan(2048 + 1024);
  });

  it('.stream() — rejects when the client goes away mid-list', async () => {
    const out = new Collect(16);
    const streaming = new ListEncoder(json, { flushBytes: 64 }).stream(header, pods(1000), out);
    setImmediate(() => out.destroy());
    await expect(streaming).rejects.toThrow();
  });

  it('YAML (no list framing) → the whole list in one document', () => {
    const yaml = new YamlEncoder();
    const sink = new SpliceBuffer();
    new ListEncoder(yaml).encode(header, pods(2), sink);
    expect(sink.toBuffer().toString()).toBe(whole(yaml, pods(2)));
  });

  it('indented JSON (no list framing) → the whole list, indented', async () => {
    const pretty = new JsonEncoder({ indent: 2 });
    const out = new Collect(1 << 16);
    await new ListEncoder(pretty).stream(header, pods(2), out);
    expect(out.text()).toBe(whole(pretty, pods(2)));
  });

  it('constructor — bad flushBytes → RangeError', () => {
    expect(() => new ListEncoder(json, { flushBytes: 0 })).toThrow(new RangeError('Expected `flushBytes` to be a positive integer, got `0` (number)'));
  });
});
