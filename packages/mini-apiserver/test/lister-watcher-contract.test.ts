/**
 * One ListerWatcher contract, four implementations over the same host: the
 * storage's (`storageListerWatcher`), the host's Cacher in process
 * (`cacherListerWatcher`, what `createFakeApi().listerWatcher` is), and HTTP
 * in JSON and in protobuf (`connect().listerWatcher`). Held to the same test:
 * the same list at one revision (client-go reflector `list`), the same watch
 * events after it (`watchHandler`), and — where the source has one — a
 * WatchList stream whose initial events are that state and whose end bookmark
 * (`k8s.io/initial-events-end`) is at or after the list's revision.
 */
import { cacherListerWatcher, type ListerWatcher, type SourceEvent, storageListerWatcher } from '@apiserver-kit/cache';
import { connect, type HttpApiClient, PODS } from '@apiserver-kit/controller';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiServer, CORE_V1_RESOURCES, startApiServer } from '../src/index.js';

const podsInfo = CORE_V1_RESOURCES.find((info) => info.resource === 'pods')!;
let server: ApiServer;
let json: HttpApiClient;
let protobuf: HttpApiClient;
let round = 0;

beforeAll(async () => {
  server = await startApiServer();
  json = connect({ url: server.url });
  protobuf = connect({ url: server.url, accept: 'protobuf' });
  for (let i = 0; i < 8; i++) await json.pods(i % 2 === 0 ? 'default' : 'kube-system').create(pod(`p${i}`));
});
afterAll(async () => {
  await json.close();
  await protobuf.close();
  await server.close();
});

function pod(name: string): Pod {
  return { metadata: { name, labels: { app: 'web' } }, spec: { nodeName: 'n1', containers: [{ name: 'main', image: 'nginx' }] } };
}

const sources: ReadonlyArray<readonly [string, () => ListerWatcher]> = [
  ['storageListerWatcher (the store)', () => storageListerWatcher(server.storage, '/pods/')],
  ['cacherListerWatcher (the Cacher in process, as the fake API)', () => cacherListerWatcher(server.cachers.get(podsInfo)!)],
  ['HTTP, JSON', () => json.listerWatcher(PODS)],
  ['HTTP, protobuf', () => protobuf.listerWatcher(PODS)],
];

/** namespace/name@resourceVersion of each item. */
const keysOf = (items: readonly { readonly metadata?: { readonly namespace?: string; readonly name?: string; readonly resourceVersion?: string } | undefined }[]): string[] =>
  items.map((item) => `${item.metadata?.namespace}/${item.metadata?.name}@${item.metadata?.resourceVersion}`);

/** What an event says about the state, whatever the source. */
const said = (event: SourceEvent): string =>
  event.type === 'BOOKMARK' ? 'BOOKMARK' : `${event.type} ${event.object.metadata?.namespace}/${event.object.metadata?.name}@${event.revision}`;

describe.each(sources)('%s', (_name, make) => {
  it('.list() is the state at one revision, in key order; .watch(from that revision) gives every change after it, in order', async () => {
    const source = make();
    const listed = await source.list({});
    const expected = await server.storage.list('/pods/');
    expect(listed.revision).toBeGreaterThanOrEqual(expected.revision);
    expect(keysOf(listed.items)).toEqual(keysOf(expected.items));

    const watch = source.watch({ fromRevision: listed.revision });
    const updated = await json.pods('default').patch('p0', 'merge', { metadata: { labels: { round: String(++round) } } });
    await json.pods('kube-system').delete('p1');
    const created = await json.pods('default').create(pod('p8'));
    const seen: string[] = [];
    for await (const event of watch) {
      if (event.type !== 'BOOKMARK') seen.push(said(event));
      if (event.revision >= Number(created.metadata.resourceVersion)) break;
    }
    watch.close();
    expect(seen).toEqual([
      `MODIFIED default/p0@${updated.metadata.resourceVersion}`,
      `DELETED kube-system/p1@${Number(updated.metadata.resourceVersion) + 1}`,
      `ADDED default/p8@${created.metadata.resourceVersion}`,
    ]);
    // Put the state back for the next source.
    await json.pods('default').delete('p8');
    await json.pods('kube-system').create(pod('p1'));
  });

  it('.watchList(), where the source has it: the current state as ADDED events, then the end bookmark at or after a list of it', async () => {
    const source = make();
    if (source.watchList === undefined) return; // a source without WatchList is listed and watched (covered above)
    const listed = await source.list({});
    const stream = source.watchList({});
    const initial: string[] = [];
    let end: SourceEvent | undefined;
    for await (const event of stream) {
      if (event.type === 'BOOKMARK' && event.initialEventsEnd === true) {
        end = event;
        break;
      }
      if (event.type !== 'BOOKMARK') initial.push(`${event.object.metadata?.namespace}/${event.object.metadata?.name}@${event.object.metadata?.resourceVersion}`);
    }
    stream.close();
    expect(end?.revision).toBeGreaterThanOrEqual(listed.revision);
    expect(initial.sort()).toEqual(keysOf(listed.items).sort());
  });
});
