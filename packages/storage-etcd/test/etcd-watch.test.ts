// The watch's mapping of etcd's watch responses, against a scripted stream (no etcd):
// Kubernetes' etcd3 watcher.go (watchChan.startWatching) ends a watch etcd cancels with an
// error, compaction as Expired (errors.go interpretWatchError); a broken stream is resumed
// from the last revision, as clientv3's watcher does.
import { EventEmitter } from 'node:events';
import { isStatusError, JsonEncoder, WATCH_TOO_OLD_MESSAGE } from '@apiserver-kit/codec';
import { FakeClock } from '@apiserver-kit/core';
import type { StorageEvent } from '@apiserver-kit/storage';
import type { IEvent, IKeyValue, IWatchRequest, IWatchResponse } from 'etcd3';
import { describe, expect, it } from 'vitest';
import { EtcdValues } from '../src/etcd-values.js';
import { EtcdWatch, type WatchSource } from '../src/etcd-watch.js';

class FakeStream extends EventEmitter {
  readonly written: IWatchRequest[] = [];
  canceled = false;
  write(request: IWatchRequest): void {
    this.written.push(request);
  }
  end(): void {}
  cancel(): void {
    this.canceled = true;
  }
  respond(response: Partial<IWatchResponse>): void {
    this.emit('data', { header: { revision: '0', cluster_id: '', member_id: '', raft_term: '' }, watch_id: '0', created: false, canceled: false, compact_revision: '0', cancel_reason: '', fragment: false, events: [], ...response });
  }
}

const values = new EtcdValues(new JsonEncoder(), '/p');
const encoder = new JsonEncoder();

function kv(name: string, mod: number, create = mod, data: Record<string, unknown> = {}): IKeyValue {
  return {
    key: values.key(`/pods/ns/${name}`),
    value: Buffer.from(encoder.stringify({ metadata: { name, namespace: 'ns' }, ...data })),
    mod_revision: String(mod),
    create_revision: String(create),
    version: '1',
    lease: '0',
  };
}

function put(name: string, mod: number, create = mod, prev?: IKeyValue): IEvent {
  return { type: 'Put', kv: kv(name, mod, create), prev_kv: prev as IKeyValue };
}

function setup(options: { probe?: (revision: number) => Promise<void>; current?: number } = {}) {
  const clock = new FakeClock();
  const streams: FakeStream[] = [];
  const source: WatchSource = {
    values,
    clock,
    endpoints: 'http://127.0.0.1:1',
    openStream: async () => {
      const stream = new FakeStream();
      streams.push(stream);
      return stream as never;
    },
    probe: options.probe ?? (async () => undefined),
    currentRevision: async () => options.current ?? 10,
    compactedTo: () => undefined,
    detach: () => undefined,
  };
  return { clock, streams, source };
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await tick();
}

describe('EtcdWatch', () => {
  it('creates the etcd watch after fromRevision, with previous values, under the prefix', async () => {
    const { streams, source } = setup();
    const watch = new EtcdWatch(source, '/pods/', 7, 16, undefined);
    await settle();
    expect(streams).toHaveLength(1);
    const create = streams[0]!.written[0]!.create_request!;
    expect(create.start_revision).toBe(8);
    expect(create.prev_kv).toBe(true);
    expect(create.key?.toString()).toBe('/p/pods/');
    expect(create.range_end?.toString()).toBe('/p/pods0');
    watch.close();
    expect(streams[0]!.canceled).toBe(true);
  });

  it('maps puts and deletes: ADDED on creation, MODIFIED with prevObject, DELETED with the last state at the deletion revision', async () => {
    const { streams, source } = setup();
    const watch = new EtcdWatch(source, '/pods/', 7, 16, undefined);
    await settle();
    const stream = streams[0]!;
    stream.respond({ created: true });
    const first = kv('a', 8);
    stream.respond({ events: [put('a', 8), put('a', 9, 8, first), { type: 'Delete', kv: { ...kv('a', 10, 0), value: Buffer.alloc(0) }, prev_kv: kv('a', 9, 8) }] });
    const iterator = watch[Symbol.asyncIterator]();
    const events: StorageEvent[] = [];
    for (let i = 0; i < 3; i++) events.push((await iterator.next()).value as StorageEvent);
    expect(events.map((e) => [e.type, e.revision])).toEqual([
      ['ADDED', 8],
      ['MODIFIED', 9],
      ['DELETED', 10],
    ]);
    const [added, modified, deleted] = events as [Extract<StorageEvent, { type: 'ADDED' }>, Extract<StorageEvent, { type: 'MODIFIED' }>, Extract<StorageEvent, { type: 'DELETED' }>];
    expect(added.object.metadata.resourceVersion).toBe('8');
    expect(added.key).toBe('/pods/ns/a');
    expect(modified.prevObject.metadata.resourceVersion).toBe('8');
    expect(deleted.object.metadata.resourceVersion).toBe('10');
    expect(deleted.prevObject.metadata.resourceVersion).toBe('9');
    expect(Object.isFrozen(deleted) && Object.isFrozen(deleted.object)).toBe(true);
    watch.close();
  });

  it('canceled by etcd for compaction → Expired 410, after the events already received', async () => {
    const { streams, source } = setup();
    const watch = new EtcdWatch(source, '/pods/', 7, 16, undefined);
    await settle();
    streams[0]!.respond({ created: true });
    streams[0]!.respond({ events: [put('a', 8)] });
    streams[0]!.respond({ canceled: true, compact_revision: '12' });
    const iterator = watch[Symbol.asyncIterator]();
    expect(((await iterator.next()).value as StorageEvent).revision).toBe(8);
    const error = await iterator.next().catch((e: unknown) => e);
    expect(isStatusError(error) && [error.reason, error.code, error.message]).toEqual(['Expired', 410, WATCH_TOO_OLD_MESSAGE]);
    expect(await iterator.next()).toEqual({ done: true, value: undefined });
    expect(streams[0]!.canceled).toBe(true);
  });

  // etcd3 1.1.2 reports every cancellation as a bare "Watcher canceled": any cancellation of a
  // revisioned watch means changes may be gone, so the consumer relists (Expired), as Kubernetes' Reflector does.
  it('canceled by etcd for any other reason → Expired 410 too', async () => {
    const { streams, source } = setup();
    const watch = new EtcdWatch(source, '/pods/', 7, 16, undefined);
    await settle();
    streams[0]!.respond({ created: true, canceled: true, cancel_reason: 'permission denied' });
    const error = await watch[Symbol.asyncIterator]().next().catch((e: unknown) => e);
    expect(isStatusError(error, 'Expired')).toBe(true);
  });

  it('fromRevision below the compaction point (the range probe says compacted) → Expired 410 without opening a stream', async () => {
    const { streams, source } = setup({ probe: () => Promise.reject(new Error('etcdserver: mvcc: required revision has been compacted')) });
    const watch = new EtcdWatch(source, '/pods/', 3, 16, undefined);
    const error = await watch[Symbol.asyncIterator]().next().catch((e: unknown) => e);
    expect(isStatusError(error) && error.message).toBe(WATCH_TOO_OLD_MESSAGE);
    expect(streams).toHaveLength(0);
  });

  it('a broken stream → reopened after a pause, from the last revision received; nothing missed, nothing twice', async () => {
    const { clock, streams, source } = setup();
    const watch = new EtcdWatch(source, '/pods/', 7, 16, undefined);
    await settle();
    streams[0]!.respond({ created: true });
    streams[0]!.respond({ events: [put('a', 8), put('b', 9)] });
    streams[0]!.emit('error', Object.assign(new Error('14 UNAVAILABLE: Connection dropped'), { code: 14 }));
    await settle();
    expect(streams).toHaveLength(1);
    clock.advance(100);
    await settle();
    expect(streams).toHaveLength(2);
    expect(streams[1]!.written[0]!.create_request!.start_revision).toBe(10);
    streams[1]!.respond({ created: true });
    // A duplicate (an event at or below the last revision) is never delivered twice.
    streams[1]!.respond({ events: [put('b', 9), put('c', 11)] });
    const iterator = watch[Symbol.asyncIterator]();
    const revisions: number[] = [];
    for (let i = 0; i < 3; i++) revisions.push(((await iterator.next()).value as StorageEvent).revision);
    expect(revisions).toEqual([8, 9, 11]);
    watch.close();
  });

  it('requestProgress → a BOOKMARK from etcd\'s next progress notification of this watch, not from an answer for all watches (watch_id -1)', async () => {
    const { streams, source } = setup();
    const watch = new EtcdWatch(source, '/pods/', 7, 16, undefined);
    await settle();
    streams[0]!.respond({ created: true, watch_id: '0' });
    watch.requestProgress();
    watch.requestProgress();
    const pending = watch[Symbol.asyncIterator]().next();
    // etcd 3.4 answers a progress request with its revision ahead of events still queued: ignored.
    streams[0]!.respond({ watch_id: '-1', header: { revision: '20', cluster_id: '', member_id: '', raft_term: '' } });
    streams[0]!.respond({ events: [put('a', 8)] });
    streams[0]!.respond({ watch_id: '0', header: { revision: '21', cluster_id: '', member_id: '', raft_term: '' } });
    expect(((await pending).value as StorageEvent).revision).toBe(8);
    expect((await watch[Symbol.asyncIterator]().next()).value).toEqual({ type: 'BOOKMARK', revision: 21 });
    // Several requests before the notification: one bookmark.
    streams[0]!.respond({ watch_id: '0', header: { revision: '22', cluster_id: '', member_id: '', raft_term: '' } });
    const next = watch[Symbol.asyncIterator]().next();
    watch.close();
    expect(await next).toEqual({ done: true, value: undefined });
  });

  it('bufferSize events waiting → the stream is paused, and resumed once half are consumed', async () => {
    const { streams, source } = setup();
    const watch = new EtcdWatch(source, '/pods/', 7, 4, undefined);
    await settle();
    const stream = streams[0]! as FakeStream & { paused?: boolean; pause(): void; resume(): void };
    stream.pause = () => {
      stream.paused = true;
    };
    stream.resume = () => {
      stream.paused = false;
    };
    stream.respond({ created: true });
    stream.respond({ events: [8, 9, 10, 11].map((r) => put(`p${r}`, r)) });
    expect(stream.paused).toBe(true);
    const iterator = watch[Symbol.asyncIterator]();
    await iterator.next();
    expect(stream.paused).toBe(true);
    await iterator.next();
    expect(stream.paused).toBe(false);
    watch.close();
  });

  it('no fromRevision → starts after the current revision; an aborted signal ends it cleanly', async () => {
    const { streams, source } = setup({ current: 41 });
    const controller = new AbortController();
    const watch = new EtcdWatch(source, '/pods/', undefined, 16, controller.signal);
    await settle();
    expect(streams[0]!.written[0]!.create_request!.start_revision).toBe(42);
    const pending = watch[Symbol.asyncIterator]().next();
    controller.abort();
    expect(await pending).toEqual({ done: true, value: undefined });
    expect(streams[0]!.canceled).toBe(true);
  });
});
