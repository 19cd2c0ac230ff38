import { FakeClock } from '@apiserver-kit/storage';
import { describe, expect, it } from 'vitest';
import { INITIAL_EVENTS_END_ANNOTATION, type KubeObject, StatusError } from '@apiserver-kit/codec';
import { Cacher, type CacherWatchRequest } from '../src/index.js';
import { pod } from './helpers.js';

function keyOf(object: KubeObject): string {
  return `/pods/${object.metadata?.namespace ?? ''}/${object.metadata?.name ?? ''}`;
}

function newCacher(objects: number): { cacher: Cacher; clock: FakeClock; state: Map<string, KubeObject> } {
  const clock = new FakeClock();
  const cacher = new Cacher({ resource: 'pods', clock, bookmarkIntervalMs: 0 });
  const state = new Map<string, KubeObject>();
  // Inserted in a shuffled order: the stream must come out in key order without sorting on read.
  const names = Array.from({ length: objects }, (_, i) => `p${String((i * 7919) % objects).padStart(5, '0')}`);
  for (const name of names) state.set(`/pods/ns${name.length % 3}/${name}`, pod({ ns: `ns${name.length % 3}`, name, rv: 1 }));
  cacher.cache.replace(state.values(), 1);
  return { cacher, clock, state };
}

async function failure(promise: Promise<unknown>): Promise<StatusError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(StatusError);
  return error as StatusError;
}

describe('Cacher — WatchList (sendInitialEvents)', () => {
  it('.watch({ sendInitialEvents }) — initial events in key order, then the annotated bookmark, then live events; nothing lost or duplicated while writes continue', async () => {
    const { cacher, state } = newCacher(3000);
    let revision = 1;
    const write = (): string => {
      revision++;
      const n = revision % 7;
      const name = n === 0 ? `new-${revision}` : `p${String((revision * 31) % 3000).padStart(5, '0')}`;
      const object = pod({ ns: `ns${name.length % 3}`, name, rv: revision });
      const key = keyOf(object);
      if (n === 3 && state.has(key)) {
        state.delete(key);
        cacher.cache.apply({ type: 'DELETED', object, revision });
        return `DELETED ${key} ${revision}`;
      }
      const type = state.has(key) ? 'MODIFIED' : 'ADDED';
      state.set(key, object);
      cacher.cache.apply({ type: 'MODIFIED', object, revision });
      return `${type} ${key} ${revision}`;
    };
    for (let i = 0; i < 20; i++) write();
    const snapshotRevision = revision;
    const snapshot = [...state.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, object]) => `ADDED ${key} ${object.metadata?.resourceVersion ?? ''}`);
    const watcher = await cacher.watch({ sendInitialEvents: true, resourceVersionMatch: 'NotOlderThan', allowWatchBookmarks: true });
    const written: string[] = [];
    const got: string[] = [];
    let reads = 0;
    for await (const event of watcher) {
      const object = event.object.getObject();
      got.push(event.type === 'BOOKMARK' ? `BOOKMARK ${object.metadata?.resourceVersion ?? ''} ${object.metadata?.annotations?.[INITIAL_EVENTS_END_ANNOTATION] ?? ''}` : `${event.type} ${keyOf(object)} ${object.metadata?.resourceVersion ?? ''}`);
      // Keep writing while the initial events stream: 5 writes every 100 reads (all 150 done by the 3 000th read).
      if (++reads % 100 === 0 && written.length < 150) for (let i = 0; i < 5; i++) written.push(write());
      if (got.length === snapshot.length + 1 + 150) break;
    }
    const initial = got.slice(0, snapshot.length);
    expect(initial).toEqual(snapshot);
    expect(got[snapshot.length]).toBe(`BOOKMARK ${snapshotRevision} true`);
    expect(got.slice(snapshot.length + 1)).toEqual(written);
    expect(written.length).toBe(150);
    await cacher.stop();
  });

  it('.watch() — parameter rules and messages as Kubernetes', async () => {
    const { cacher } = newCacher(3);
    // apimachinery ValidateListOptions via get.go: Invalid 422; Kubernetes has no rule tying sendInitialEvents to allowWatchBookmarks.
    const invalid = 'ListOptions.meta.k8s.io "" is invalid: ';
    const cases: [CacherWatchRequest, string][] = [
      [{ sendInitialEvents: true, allowWatchBookmarks: true }, 'resourceVersionMatch: Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan'],
      [{ resourceVersionMatch: 'NotOlderThan' }, 'resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided'],
    ];
    for (const [request, message] of cases) {
      const error = await failure(cacher.watch(request));
      expect([error.reason, error.code, error.message]).toEqual(['Invalid', 422, invalid + message]);
    }
    const negative = await failure(cacher.watch({ timeoutSeconds: -1 }));
    expect([negative.reason, negative.code, negative.message]).toEqual(['BadRequest', 400, 'timeoutSeconds: Invalid value: -1: must be a non-negative integer']);
    // sendInitialEvents without allowWatchBookmarks is allowed: the initial events, and no end bookmark.
    const noBookmarks = await cacher.watch({ sendInitialEvents: true, resourceVersionMatch: 'NotOlderThan' });
    const types: string[] = [];
    for (let event = noBookmarks.tryNext(); event !== undefined; event = noBookmarks.tryNext()) types.push(event.type);
    expect(types.length).toBeGreaterThan(0);
    expect(types).not.toContain('BOOKMARK');
    noBookmarks.close();
    const selector = await failure(cacher.watch({ labelSelector: 'a b' }));
    expect(selector.reason).toBe('BadRequest');
    await cacher.stop();
  });

  it('.watch({ resourceVersion }) — older than the history → Expired with Kubernetes\' message; "0" starts from the cached state', async () => {
    const { cacher } = newCacher(2);
    cacher.cache.replace([pod({ ns: 'ns', name: 'a', rv: 10 })], 10);
    const expired = await failure(cacher.watch({ resourceVersion: '5' }));
    expect([expired.reason, expired.code, expired.message]).toEqual(['Expired', 410, 'too old resource version: 5 (10)']);
    const fromZero = await cacher.watch({ resourceVersion: '0' });
    expect(fromZero.tryNext()?.type).toBe('ADDED');
    expect(fromZero.tryNext()).toBeUndefined();
    await cacher.stop();
  });
});
