import { describe, expect, it } from 'vitest';
import {
  bookmarkObject,
  CachingObject,
  CachingWatchEvent,
  errorEvent,
  JsonEncoder,
  notFound,
  SpliceBuffer,
  tooOldResourceVersion,
  WatchEventEncoder,
  YamlEncoder,
  type Encoder,
  type KubeObject,
  type Sink,
} from '../src/index.js';

const pod: KubeObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'a', namespace: 'ns', resourceVersion: '5' } };

class Counting implements Encoder {
  readonly base = new JsonEncoder();
  readonly identifier = 'json';
  readonly mediaType = 'application/json';
  readonly watchFraming = this.base.watchFraming;
  encodes = 0;
  encode(object: KubeObject, sink: Sink): void {
    this.encodes++;
    this.base.encode(object, sink);
  }
}

describe('WatchEventEncoder', () => {
  it('.encode() — Kubernetes JSON framing: one {"type","object"} per line', () => {
    const encoder = new WatchEventEncoder(new JsonEncoder());
    const sink = new SpliceBuffer();
    encoder.encode(new CachingWatchEvent('ADDED', pod), sink);
    encoder.encode(new CachingWatchEvent('DELETED', pod), sink);
    const lines = sink.toBuffer().toString().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toBe('{"type":"ADDED","object":{"apiVersion":"v1","kind":"Pod","metadata":{"name":"a","namespace":"ns","resourceVersion":"5"}}}');
    expect(JSON.parse(lines[1]!)).toEqual({ type: 'DELETED', object: pod });
    expect(lines[2]).toBe('');
    expect(encoder.mediaType).toBe('application/json');
  });

  it('.encode() — N watchers cost one object encode and one framing; all get the same bytes', () => {
    const counting = new Counting();
    const encoder = new WatchEventEncoder(counting);
    const event = new CachingWatchEvent('MODIFIED', pod);
    const sinks = Array.from({ length: 100 }, () => new SpliceBuffer());
    for (const sink of sinks) encoder.encode(event, sink);
    expect(counting.encodes).toBe(1);
    const framed = sinks[0]!.chunks()[0];
    for (const sink of sinks) {
      expect(sink.chunks()).toEqual([framed]);
      expect(sink.chunks()[0]).toBe(framed);
      expect(sink.copiedBytes).toBe(0);
    }
  });

  it('.encode() — object bytes made for a LIST are reused by the event', () => {
    const counting = new Counting();
    const object = new CachingObject(pod);
    object.encoded(counting);
    new WatchEventEncoder(counting).encode(new CachingWatchEvent('ADDED', object), new SpliceBuffer());
    expect(counting.encodes).toBe(1);
  });

  it('constructor — an encoder without watch framing → TypeError', () => {
    expect(() => new WatchEventEncoder(new YamlEncoder())).toThrow(
      new TypeError('Expected `encoder` to support watch streams, got `yaml;indent=2;sorted;width=unlimited` (no watch framing)'),
    );
  });

  it('bookmarkObject() — resourceVersion only, with the initial-events-end annotation on request', () => {
    expect(bookmarkObject('v1', 'Pod', '10')).toEqual({ apiVersion: 'v1', kind: 'Pod', metadata: { resourceVersion: '10' } });
    expect(bookmarkObject('v1', 'Pod', '10', true)).toEqual({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { resourceVersion: '10', annotations: { 'k8s.io/initial-events-end': 'true' } },
    });
  });

  it('CachingWatchEvent — frozen: one consumer cannot change what every other watcher receives (strict mode throws)', () => {
    const json = new JsonEncoder();
    const event = new CachingWatchEvent('ADDED', pod);
    const before = Buffer.from(event.framed(json)).toString();
    expect(Object.isFrozen(event)).toBe(true);
    expect(() => {
      (event as { type: string }).type = 'DELETED';
    }).toThrow(TypeError);
    expect(() => {
      (event as { object: unknown }).object = new CachingObject({ kind: 'Evil' });
    }).toThrow(TypeError);
    expect(() => {
      (event as unknown as { framed: () => Uint8Array }).framed = () => new Uint8Array(0);
    }).toThrow(TypeError);
    // Another watcher (and a later catch-up) sees the original event, and the lazy private cache still works.
    expect(event.type).toBe('ADDED');
    expect(Buffer.from(event.framed(json)).toString()).toBe(before);
    const sink = new SpliceBuffer();
    new WatchEventEncoder(new JsonEncoder({ indent: 2 })).encode(event, sink);
    expect(JSON.parse(sink.toBuffer().toString())).toEqual({ type: 'ADDED', object: pod });
  });

  it('CachingObject — frozen: its methods cannot be replaced for other readers, its object neither', () => {
    const object = new CachingObject(pod);
    expect(Object.isFrozen(object)).toBe(true);
    expect(() => {
      (object as unknown as { encoded: () => Uint8Array }).encoded = () => new Uint8Array(0);
    }).toThrow(TypeError);
    expect(() => {
      (object.getObject().metadata as { name: string }).name = 'evil';
    }).toThrow(TypeError);
    expect(object.encoded(new JsonEncoder()).byteLength).toBeGreaterThan(0);
  });

  it('bookmarkObject() — deep-frozen, so a bookmark handed to many watchers cannot be changed by one', () => {
    const bookmark = bookmarkObject('v1', 'Pod', '10', true);
    expect(() => {
      (bookmark as { kind: string }).kind = 'Status';
    }).toThrow(TypeError);
    expect(() => {
      (bookmark.metadata as { resourceVersion: string }).resourceVersion = '1';
    }).toThrow(TypeError);
    expect(bookmark).toEqual({ apiVersion: 'v1', kind: 'Pod', metadata: { resourceVersion: '10', annotations: { 'k8s.io/initial-events-end': 'true' } } });
  });

  it('errorEvent() — an ERROR event carrying the Status', () => {
    const sink = new SpliceBuffer();
    new WatchEventEncoder(new JsonEncoder()).encode(errorEvent(tooOldResourceVersion(3, 10)), sink);
    expect(JSON.parse(sink.toBuffer().toString())).toEqual({
      type: 'ERROR',
      object: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'too old resource version: 3 (10)', reason: 'Expired', code: 410 },
    });
    expect(errorEvent(notFound('pods', 'x')).object.getObject()['code']).toBe(404);
  });
});
