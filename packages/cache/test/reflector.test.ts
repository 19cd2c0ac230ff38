import { expired, type KubeObject, StatusError } from '@apiserver-kit/codec';
import { FakeClock, MemoryStorage, watchOverflow } from '@apiserver-kit/storage';
import { describe, expect, it } from 'vitest';
import {
  type ListerWatcher,
  Reflector,
  type SourceEvent,
  type SourceList,
  type SourceWatch,
  storageListerWatcher,
  VERY_SHORT_WATCH_MESSAGE,
  WatchCache,
  customIndex,
  namespaceIndex,
} from '../src/index.js';
import { pod, until } from './helpers.js';

/** A watch the test drives: emit events, fail or end it. */
class ScriptedWatch implements SourceWatch {
  readonly fromRevision: number;
  #queue: (SourceEvent | Error | 'end')[] = [];
  #wake: (() => void) | undefined;
  closed = false;
  progressRequests = 0;

  constructor(fromRevision: number) {
    this.fromRevision = fromRevision;
  }

  push(item: SourceEvent | Error | 'end'): void {
    this.#queue.push(item);
    this.#wake?.();
  }

  requestProgress(): void {
    this.progressRequests++;
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

/** A ListerWatcher whose lists answer from a script, and whose watches the test drives. */
class ScriptedSource implements ListerWatcher {
  readonly lists: (SourceList | Error)[] = [];
  readonly watches: ScriptedWatch[] = [];
  readonly listTimes: number[] = [];
  readonly #clock: FakeClock;

  constructor(clock: FakeClock) {
    this.#clock = clock;
  }

  async list(): Promise<SourceList> {
    this.listTimes.push(this.#clock.now());
    const next = this.lists.shift();
    if (next === undefined) throw new Error('no list scripted');
    if (next instanceof Error) throw next;
    return next;
  }

  watch({ fromRevision }: { fromRevision: number }): SourceWatch {
    const watch = new ScriptedWatch(fromRevision);
    this.watches.push(watch);
    return watch;
  }
}

function event(type: 'ADDED' | 'MODIFIED' | 'DELETED', name: string, revision: number): SourceEvent {
  return { type, object: pod({ name, rv: revision }) as KubeObject, revision };
}

function setup() {
  const clock = new FakeClock();
  const source = new ScriptedSource(clock);
  // No cache timers: the only timers on the clock are the reflector's backoff sleeps.
  const cache = new WatchCache({ resource: 'pods', clock, bookmarkIntervalMs: 0, capacity: { checkIntervalMs: 1e9 } });
  const errors: unknown[] = [];
  const reflector = new Reflector(source, cache, { clock, random: () => 0, progressIntervalMs: 0, onError: (e) => errors.push(e) });
  return { clock, source, cache, reflector, errors };
}

describe('Reflector', () => {
  it('.start() — lists into the cache, then watches from the list revision', async () => {
    const { source, cache, reflector } = setup();
    source.lists.push({ items: [pod({ name: 'a', rv: 3 })], revision: 5 });
    reflector.start();
    await until(() => source.watches.length === 1, 'the watch');
    expect(cache.isReady).toBe(true);
    expect(source.watches[0]!.fromRevision).toBe(5);
    source.watches[0]!.push(event('ADDED', 'b', 6));
    source.watches[0]!.push({ type: 'BOOKMARK', revision: 9 });
    await until(() => cache.revision === 9, 'the bookmark');
    expect(cache.size).toBe(2);
    await reflector.stop();
    expect(source.watches[0]!.closed).toBe(true);
  });

  it('an event the store refuses (client-go watchHandler: logged, skipped) — reported once, the watch goes on past it', async () => {
    const clock = new FakeClock();
    const source = new ScriptedSource(clock);
    // An index function that throws on one object: the store refuses that event.
    const cache = new WatchCache({
      resource: 'pods',
      clock,
      bookmarkIntervalMs: 0,
      capacity: { checkIntervalMs: 1e9 },
      indexes: [namespaceIndex(), customIndex('poison', (entry) => {
        if (entry.object.getObject().metadata?.name === 'bad') throw new Error('index refused it');
        return 'ok';
      })],
    });
    const errors: unknown[] = [];
    const reflector = new Reflector(source, cache, { clock, random: () => 0, progressIntervalMs: 0, onError: (e) => errors.push(e) });
    source.lists.push({ items: [], revision: 5 });
    reflector.start();
    await until(() => source.watches.length === 1, 'the watch');
    source.watches[0]!.push(event('ADDED', 'bad', 6));
    source.watches[0]!.push(event('ADDED', 'good', 7));
    await until(() => cache.revision === 7, 'the event after the refused one');
    expect(cache.get('/pods/default/good')).toBeDefined();
    expect(errors.map(String)).toEqual(['Error: index refused it']);
    expect(source.watches).toHaveLength(1);
    await reflector.stop();
  });

  it("a source watch whose close() throws — reported; the loop goes on (no unhandled rejection)", async () => {
    const { source, reflector, errors } = setup();
    source.lists.push({ items: [], revision: 5 });
    reflector.start();
    await until(() => source.watches.length === 1, 'the watch');
    source.watches[0]!.close = () => {
      throw new Error('close failed');
    };
    source.watches[0]!.push(event('ADDED', 'a', 6));
    source.watches[0]!.push('end');
    await until(() => source.watches.length === 2, 'the re-watch');
    expect(errors.map(String)).toEqual(['Error: close failed']);
    await reflector.stop();
  });

  it('broken watch — resumes from the last revision after a backoff, without relisting', async () => {
    const { clock, source, cache, reflector, errors } = setup();
    source.lists.push({ items: [], revision: 5 });
    reflector.start();
    await until(() => source.watches.length === 1, 'the watch');
    source.watches[0]!.push(event('ADDED', 'b', 6));
    source.watches[0]!.push(new Error('connection reset'));
    await until(() => errors.length === 1, 'the failure');
    expect(clock.nextTimerAt()).toBe(800);
    clock.advance(800);
    await until(() => source.watches.length === 2, 'the second watch');
    expect(source.watches[1]!.fromRevision).toBe(6);
    expect(source.listTimes).toEqual([0]);
    expect(cache.revision).toBe(6);
    await reflector.stop();
  });

  it('watch ended cleanly or Gone (overflow) — re-watches at once from the last revision', async () => {
    const { source, reflector } = setup();
    source.lists.push({ items: [], revision: 5 });
    reflector.start();
    await until(() => source.watches.length === 1, 'the watch');
    source.watches[0]!.push(event('ADDED', 'b', 6));
    source.watches[0]!.push('end');
    await until(() => source.watches.length === 2, 'the second watch');
    expect(source.watches[1]!.fromRevision).toBe(6);
    source.watches[1]!.push(event('ADDED', 'c', 7));
    source.watches[1]!.push(watchOverflow(7, 1024));
    await until(() => source.watches.length === 3, 'the third watch');
    expect(source.watches[2]!.fromRevision).toBe(7);
    await reflector.stop();
  });

  it('Expired — relists with exponential backoff (800 ms, 1.6 s, 3.2 s …, capped at 30 s)', async () => {
    const { clock, source, cache, reflector, errors } = setup();
    for (let i = 0; i < 8; i++) source.lists.push({ items: [], revision: 5 + i });
    reflector.start();
    const delays: number[] = [];
    for (let n = 1; n <= 7; n++) {
      await until(() => source.watches.length === n, `watch ${n}`);
      source.watches[n - 1]!.push(expired(`too old resource version: ${4 + n} (100)`));
      await until(() => errors.length === n, 'the failure');
      delays.push(clock.nextTimerAt()! - clock.now());
      clock.advance(clock.nextTimerAt()! - clock.now());
    }
    expect(delays).toEqual([800, 1600, 3200, 6400, 12_800, 25_600, 30_000]);
    await until(() => source.listTimes.length === 8, 'the relists');
    expect(cache.revision).toBe(12);
    await reflector.stop();
  });

  it('list failure — retried with backoff; the cache stays not ready meanwhile', async () => {
    const { clock, source, cache, reflector } = setup();
    source.lists.push(new StatusError('InternalError', 'etcd down'), { items: [], revision: 5 });
    reflector.start();
    await until(() => source.listTimes.length === 1 && clock.pendingTimers === 1, 'the first list');
    expect(cache.isReady).toBe(false);
    clock.advance(800);
    await until(() => cache.isReady, 'readiness');
    expect(reflector.stats).toMatchObject({ lists: 1, errors: 1 });
    await reflector.stop();
  });

  it('with a MemoryStorage — consistent reads advance through progress bookmarks', async () => {
    const clock = new FakeClock();
    const storage = new MemoryStorage({ clock });
    await storage.create('/pods/default/a', pod({ name: 'a' }));
    await storage.create('/nodes/n1', { metadata: { name: 'n1' } });
    const cache = new WatchCache({ resource: 'pods', clock });
    const reflector = new Reflector(storageListerWatcher(storage, '/pods/', { pageSize: 1 }), cache, { clock, progressIntervalMs: 0 });
    reflector.start();
    await cache.onReady();
    await storage.create('/nodes/n2', { metadata: { name: 'n2' } }); // revision 3, not under /pods/
    const result = await cache.list(); // needs revision 3: only a progress bookmark gets the cache there
    expect(result.resourceVersion).toBe('3');
    expect(result.items.map((item) => item.getObject().metadata?.name)).toEqual(['a']);
    await reflector.stop();
    cache.close();
  });

  // client-go tools/cache/reflector.go watchHandler: "very short watch" — ended in under a second with no event → error, backoff, relist.
  it('very short watch (client-go watchHandler) — a watch ending at once without events is backed off, then relisted', async () => {
    const { clock, source, reflector, errors } = setup();
    source.lists.push({ items: [], revision: 5 }, { items: [], revision: 7 });
    reflector.start();
    await until(() => source.watches.length === 1, 'the watch');
    source.watches[0]!.push('end');
    await until(() => errors.length === 1, 'the failure');
    expect((errors[0] as Error).message).toBe(VERY_SHORT_WATCH_MESSAGE);
    expect(clock.nextTimerAt()).toBe(800);
    // Not reopened at once: the old code spun here, reopening millions of watches a second.
    for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(source.watches.length).toBe(1);
    clock.advance(800);
    await until(() => source.watches.length === 2, 'the second watch');
    expect(source.listTimes).toEqual([0, 800]);
    expect(source.watches[1]!.fromRevision).toBe(7);
    await reflector.stop();
  });

  it('very short watch — a watch that lasted a second, or delivered a bookmark, ends cleanly: re-watched at once', async () => {
    const { clock, source, reflector, errors } = setup();
    source.lists.push({ items: [], revision: 5 });
    reflector.start();
    await until(() => source.watches.length === 1, 'the watch');
    clock.advance(1000);
    source.watches[0]!.push('end');
    await until(() => source.watches.length === 2, 'the second watch');
    source.watches[1]!.push({ type: 'BOOKMARK', revision: 6 });
    source.watches[1]!.push('end');
    await until(() => source.watches.length === 3, 'the third watch');
    expect(source.watches[2]!.fromRevision).toBe(6);
    expect(errors).toEqual([]);
    expect(source.listTimes).toEqual([0]);
    await reflector.stop();
  });

  it('onError that throws — ignored: the Reflector still backs off and resumes', async () => {
    const clock = new FakeClock();
    const source = new ScriptedSource(clock);
    const cache = new WatchCache({ resource: 'pods', clock, bookmarkIntervalMs: 0, capacity: { checkIntervalMs: 1e9 } });
    let calls = 0;
    const reflector = new Reflector(source, cache, {
      clock,
      random: () => 0,
      progressIntervalMs: 0,
      onError: () => {
        calls++;
        throw new Error('logger broke');
      },
    });
    source.lists.push({ items: [], revision: 5 });
    reflector.start();
    await until(() => source.watches.length === 1, 'the watch');
    source.watches[0]!.push(event('ADDED', 'b', 6));
    source.watches[0]!.push(new Error('connection reset'));
    await until(() => calls === 1 && clock.nextTimerAt() === 800, 'the failure');
    clock.advance(800);
    await until(() => source.watches.length === 2, 'the second watch');
    expect(reflector.stats).toMatchObject({ errors: 1, watches: 2 });
    expect(reflector.isRunning).toBe(true);
    await reflector.stop();
  });
});
