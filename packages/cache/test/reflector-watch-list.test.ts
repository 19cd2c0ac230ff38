import { badRequest, expired, type KubeObject } from '@apiserver-kit/codec';
import { FakeClock } from '@apiserver-kit/storage';
import { describe, expect, it } from 'vitest';
import { type CacheEvent, type ListerWatcher, Reflector, type ReflectorStore, type SourceEvent, type SourceList, type SourceWatch, WatchCache } from '../src/index.js';
import { pod, until } from './helpers.js';

/** A watch the test drives: emit events, fail or end it. */
class ScriptedWatch implements SourceWatch {
  readonly fromRevision: number | 'watchList';
  readonly #queue: (SourceEvent | Error | 'end')[] = [];
  #wake: (() => void) | undefined;
  closed = false;

  constructor(fromRevision: number | 'watchList') {
    this.fromRevision = fromRevision;
  }

  push(...items: (SourceEvent | Error | 'end')[]): void {
    this.#queue.push(...items);
    this.#wake?.();
  }

  close(): void {
    this.closed = true;
    this.#wake?.();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<SourceEvent> {
    for (;;) {
      const item = this.#queue.shift();
      if (item === undefined) {
        if (this.closed) return;
        await new Promise<void>((resolve) => {
          this.#wake = resolve;
        });
        continue;
      }
      if (item === 'end') return;
      if (item instanceof Error) throw item;
      yield item;
    }
  }
}

/** A source with list, watch and watchList, all driven by the test. */
class ScriptedSource implements ListerWatcher {
  readonly lists: SourceList[] = [];
  readonly watches: ScriptedWatch[] = [];
  listCalls = 0;

  async list(): Promise<SourceList> {
    this.listCalls++;
    const next = this.lists.shift();
    if (next === undefined) throw new Error('no list scripted');
    return next;
  }

  watch({ fromRevision }: { fromRevision: number }): SourceWatch {
    const watch = new ScriptedWatch(fromRevision);
    this.watches.push(watch);
    return watch;
  }

  watchList(): SourceWatch {
    const watch = new ScriptedWatch('watchList');
    this.watches.push(watch);
    return watch;
  }
}

function added(name: string, revision: number): SourceEvent {
  return { type: 'ADDED', object: pod({ name, rv: revision }), revision };
}

function endBookmark(revision: number): SourceEvent {
  return { type: 'BOOKMARK', revision, initialEventsEnd: true };
}

function setup() {
  const clock = new FakeClock();
  const source = new ScriptedSource();
  const cache = new WatchCache({ resource: 'pods', clock, bookmarkIntervalMs: 0, capacity: { checkIntervalMs: 1e9 } });
  const errors: unknown[] = [];
  const reflector = new Reflector(source, cache, { clock, random: () => 0, progressIntervalMs: 0, onError: (e) => errors.push(e) });
  return { clock, source, cache, reflector, errors };
}

const names = (cache: WatchCache): (string | undefined)[] => cache.tryList({ resourceVersion: '0' })!.items.map((item) => item.getObject().metadata?.name);

// client-go tools/cache/reflector.go `watchList`: initial events, the initial-events-end bookmark, then the same stream goes on as a watch.
describe('Reflector with WatchList (client-go reflector.go watchList)', () => {
  it('gathers the initial ADDED events into one replace at the end bookmark, then applies the rest of the stream', async () => {
    const { source, cache, reflector } = setup();
    const replaced: number[] = [];
    const original = cache.replace.bind(cache);
    cache.replace = (objects, revision, keys) => {
      replaced.push(revision);
      original(objects, revision, keys);
    };
    reflector.start();
    await until(() => source.watches.length === 1, 'the WatchList');
    const stream = source.watches[0]!;
    expect(stream.fromRevision).toBe('watchList');
    stream.push(added('a', 3), added('b', 4), { type: 'BOOKMARK', revision: 4 });
    await new Promise((resolve) => setImmediate(resolve));
    // An ordinary bookmark does not end the initial events.
    expect(cache.isReady).toBe(false);
    stream.push(endBookmark(6));
    await until(() => cache.isReady, 'the initial state');
    expect(cache.revision).toBe(6);
    expect(names(cache)).toEqual(['a', 'b']);
    stream.push(added('c', 7), { type: 'DELETED', object: pod({ name: 'a', rv: 8 }), revision: 8 });
    await until(() => cache.revision === 8, 'the changes');
    expect(names(cache)).toEqual(['b', 'c']);
    expect(replaced).toEqual([6]);
    expect(source.listCalls).toBe(0);
    expect(reflector.stats).toMatchObject({ lists: 1, watches: 1, usesWatchList: true });
    await reflector.stop();
  });

  it('a closed stream after the initial events resumes with a plain watch from the last revision', async () => {
    const { source, cache, reflector } = setup();
    reflector.start();
    await until(() => source.watches.length === 1, 'the WatchList');
    source.watches[0]!.push(added('a', 3), endBookmark(5), added('b', 6), 'end');
    await until(() => source.watches.length === 2, 'the resumed watch');
    expect(source.watches[1]!.fromRevision).toBe(6);
    expect(names(cache)).toEqual(['a', 'b']);
    await reflector.stop();
  });

  it('BadRequest (the server does not know sendInitialEvents) — falls back to list + watch, for good', async () => {
    const { clock, source, cache, reflector, errors } = setup();
    source.lists.push({ items: [pod({ name: 'a', rv: 2 }) as KubeObject], revision: 5 }, { items: [], revision: 9 });
    reflector.start();
    await until(() => source.watches.length === 1, 'the WatchList');
    source.watches[0]!.push(badRequest('unknown parameter sendInitialEvents'));
    await until(() => source.watches.length === 2, 'the watch after the list');
    expect(source.listCalls).toBe(1);
    expect(source.watches[1]!.fromRevision).toBe(5);
    expect(names(cache)).toEqual(['a']);
    expect(reflector.stats.usesWatchList).toBe(false);
    expect(errors).toHaveLength(1);
    // A later relist lists again, without trying WatchList.
    source.watches[1]!.push(expired('too old resource version: 5 (7)'));
    await until(() => errors.length === 2, 'the backoff');
    clock.advance(800);
    await until(() => source.watches.length === 3, 'the relist');
    expect(source.watches[2]!.fromRevision).toBe(9);
    expect(source.listCalls).toBe(2);
    await reflector.stop();
  });

  it('a stream that ends without the end bookmark — the source cannot do it: list + watch for good', async () => {
    const { source, cache, reflector, errors } = setup();
    source.lists.push({ items: [], revision: 5 });
    reflector.start();
    await until(() => source.watches.length === 1, 'the WatchList');
    source.watches[0]!.push(added('a', 3), 'end');
    await until(() => source.watches.length === 2, 'the watch after the list');
    expect(source.watches[1]!.fromRevision).toBe(5);
    expect(cache.size).toBe(0);
    expect(reflector.stats.usesWatchList).toBe(false);
    expect(String(errors[0])).toMatch(/initial-events-end/);
    await reflector.stop();
  });

  it('another failure before the end bookmark — lists this round only; the next relist tries WatchList again', async () => {
    const { clock, source, reflector, errors } = setup();
    source.lists.push({ items: [], revision: 5 });
    reflector.start();
    await until(() => source.watches.length === 1, 'the WatchList');
    source.watches[0]!.push(new Error('connection reset'));
    await until(() => source.watches.length === 2, 'the watch after the list');
    expect(source.listCalls).toBe(1);
    expect(reflector.stats.usesWatchList).toBe(true);
    source.watches[1]!.push(expired('too old resource version: 5 (7)'));
    await until(() => errors.length === 2, 'the backoff');
    clock.advance(800);
    await until(() => source.watches.length === 3, 'the next WatchList');
    expect(source.watches[2]!.fromRevision).toBe('watchList');
    await reflector.stop();
  });

  it('useWatchList: false — lists and watches a source that has WatchList', async () => {
    const clock = new FakeClock();
    const source = new ScriptedSource();
    source.lists.push({ items: [], revision: 5 });
    const cache = new WatchCache({ resource: 'pods', clock, bookmarkIntervalMs: 0 });
    const reflector = new Reflector(source, cache, { clock, progressIntervalMs: 0, useWatchList: false });
    reflector.start();
    await until(() => source.watches.length === 1, 'the watch');
    expect(source.watches[0]!.fromRevision).toBe(5);
    await reflector.stop();
  });
});

describe('Reflector into a ReflectorStore', () => {
  it('writes replace / apply / advance into any store, not only a WatchCache', async () => {
    const calls: string[] = [];
    const store: ReflectorStore & { revision: number } = {
      revision: 0,
      replace(objects, revision) {
        calls.push(`replace ${objects.length} @${revision}`);
        this.revision = revision;
      },
      apply(event: CacheEvent) {
        calls.push(`${event.type} @${event.revision}`);
        this.revision = event.revision;
      },
      advance(revision) {
        calls.push(`advance @${revision}`);
        this.revision = Math.max(this.revision, revision);
      },
    };
    const source = new ScriptedSource();
    source.lists.push({ items: [pod({ name: 'a', rv: 1 })], revision: 2 });
    const reflector = new Reflector(source, store, { clock: new FakeClock(), progressIntervalMs: 0, useWatchList: false });
    reflector.start();
    await until(() => source.watches.length === 1, 'the watch');
    // A stale event (at or below the store's revision) is skipped, as for a WatchCache.
    source.watches[0]!.push(added('x', 2), added('b', 3), { type: 'BOOKMARK', revision: 7 });
    await until(() => calls.length === 3, 'the events');
    expect(calls).toEqual(['replace 1 @2', 'ADDED @3', 'advance @7']);
    await reflector.stop();
  });
});
