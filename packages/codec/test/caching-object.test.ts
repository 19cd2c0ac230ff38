import { describe, expect, it } from 'vitest';
import { CachingObject, JsonEncoder, ListEncoder, SpliceBuffer, StatusError, CachingWatchEvent, WatchEventEncoder, type Encoder, type KubeObject, type Sink } from '../src/index.js';

class CountingEncoder implements Encoder {
  readonly inner = new JsonEncoder();
  readonly identifier = 'json';
  readonly mediaType = 'application/json';
  readonly listFraming = this.inner.listFraming;
  readonly watchFraming = this.inner.watchFraming;
  encodes = 0;
  encode(object: KubeObject, sink: Sink): void {
    this.encodes++;
    this.inner.encode(object, sink);
  }
}

const pod: KubeObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-0', namespace: 'default', resourceVersion: '7' }, spec: { nodeName: 'n1' } };

describe('CachingObject', () => {
  it('.cacheEncode() — 1 000 concurrent calls → 1 encode, same bytes spliced', async () => {
    const encoder = new CountingEncoder();
    const object = new CachingObject(pod);
    const sinks = await Promise.all(
      Array.from({ length: 1000 }, async () => {
        await Promise.resolve();
        const sink = new SpliceBuffer();
        object.cacheEncode(encoder, sink);
        return sink;
      }),
    );
    expect(encoder.encodes).toBe(1);
    const first = sinks[0]!.chunks()[0];
    for (const sink of sinks) {
      expect(sink.chunks()).toHaveLength(1);
      expect(sink.chunks()[0]).toBe(first);
      expect(sink.copiedBytes).toBe(0);
    }
  });

  it('.cacheEncode() — a LIST then a watch of the same version → 1 encode', () => {
    const encoder = new CountingEncoder();
    const object = new CachingObject(pod);
    new ListEncoder(encoder).encode({ apiVersion: 'v1', kind: 'PodList', metadata: { resourceVersion: '7' } }, [object], new SpliceBuffer());
    const watch = new WatchEventEncoder(encoder);
    watch.encode(new CachingWatchEvent('ADDED', object), new SpliceBuffer());
    expect(encoder.encodes).toBe(1);
  });

  it('.encoded() — an encode error is remembered and raised to every caller', () => {
    let calls = 0;
    const failure = new StatusError('NotAcceptable', 'cannot encode');
    const broken: Encoder = {
      identifier: 'broken',
      mediaType: 'application/x-broken',
      encode() {
        calls++;
        throw failure;
      },
    };
    const object = new CachingObject(pod);
    expect(() => object.encoded(broken)).toThrow(failure);
    expect(() => object.encoded(broken)).toThrow(failure);
    expect(calls).toBe(1);
    expect(object.encodedByteLength('broken')).toBeUndefined();
  });

  it('.encoded() — re-entrant encode of the same version → InternalError, never a second encode', () => {
    const object = new CachingObject(pod);
    let calls = 0;
    const reentrant: Encoder = {
      identifier: 'reentrant',
      mediaType: 'application/json',
      encode(_o, sink) {
        calls++;
        object.cacheEncode(reentrant, sink);
      },
    };
    expect(() => object.encoded(reentrant)).toThrow(/re-entrant encode of Pod "default\/web-0"/);
    expect(calls).toBe(1);
  });

  it('.getObject() — the frozen object itself, no copy', () => {
    const object = new CachingObject(pod);
    expect(object.getObject()).toBe(object.getObject());
    expect(Object.isFrozen(object.getObject().metadata)).toBe(true);
    expect(object.getObject()).toEqual(pod);
  });

  it('.encodedByteLength() — exposes cached sizes per identifier', () => {
    const object = new CachingObject(pod);
    const json = new JsonEncoder();
    expect(object.encodedByteLength('json')).toBeUndefined();
    const bytes = object.encoded(json);
    expect(object.encodedByteLength('json')).toBe(bytes.byteLength);
    expect(object.cachedByteLength).toBe(bytes.byteLength);
    expect(object.isEncoded('json')).toBe(true);
  });
});
