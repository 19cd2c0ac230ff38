/**
 * Model-based test of the informer (the acceptance): random writes,
 * watch closes, 410s and compactions against a MemoryStorage; at every sync
 * point (a settle on the WriteLedger of the writes) the lister equals
 * storage, and every handler's notifications, replayed onto a map, equal
 * storage — with client-go's invariants on the way: an add only for an
 * absent key, an update or delete only for a present one, an update's old
 * object the one the handler was last given.
 */
import { FakeClock } from '@apiserver-kit/core';
import { MemoryStorage } from '@apiserver-kit/storage';
import fc from 'fast-check';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { describe, expect, it } from 'vitest';
import { DeletedFinalStateUnknown, deletedObject, type EventHandler, Informer, PODS } from '../src/index.js';
import { FaultySource, pod, StorageApi } from './informer-helpers.js';

type Command =
  | { readonly kind: 'create' | 'update'; readonly name: string; readonly label: string }
  | { readonly kind: 'delete'; readonly name: string }
  | { readonly kind: 'close' | 'expire' | 'compact' | 'sync' };

const names = ['a', 'b', 'c', 'd', 'e'];
const command: fc.Arbitrary<Command> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constantFrom('create' as const, 'update' as const), name: fc.constantFrom(...names), label: fc.constantFrom('x', 'y', 'z') }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('delete' as const), name: fc.constantFrom(...names) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constantFrom('close' as const, 'expire' as const, 'compact' as const) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('sync' as const) }) },
);

/** A handler replaying its notifications onto a map of name → resourceVersion, noting every broken invariant. */
function replaying(async: boolean): { handler: EventHandler<Pod>; state: Map<string, string>; violations: string[] } {
  const state = new Map<string, string>();
  const violations: string[] = [];
  const pause = async ? () => new Promise<void>((resolve) => queueMicrotask(resolve)) : () => undefined;
  const handler: EventHandler<Pod> = {
    onAdd: (object) => {
      const name = object.metadata.name;
      if (state.has(name)) violations.push(`add of present ${name}`);
      state.set(name, object.metadata.resourceVersion);
      return pause();
    },
    onUpdate: (old, object) => {
      const name = object.metadata.name;
      if (state.get(name) !== old.metadata.resourceVersion) violations.push(`update of ${name} from ${old.metadata.resourceVersion}, held ${state.get(name)}`);
      state.set(name, object.metadata.resourceVersion);
      return pause();
    },
    onDelete: (object) => {
      const name = deletedObject(object).metadata.name;
      if (!state.has(name)) violations.push(`delete of absent ${name}${object instanceof DeletedFinalStateUnknown ? ' (tombstone)' : ''}`);
      state.delete(name);
      return pause();
    },
  };
  return { handler, state, violations };
}

/** `viaCacher`: the informer reads a Cacher over the storage (WatchList, selectors as the host serves them); else the storage itself (list + watch). */
async function run(commands: readonly Command[], viaCacher = false): Promise<Informer<Pod>['reflectorStats']> {
  const storageClock = new FakeClock();
  const storage = new MemoryStorage({ clock: storageClock });
  let source!: FaultySource;
  const api = new StorageApi(storage, { viaCacher, clock: storageClock, wrap: (inner) => (source = new FaultySource(inner)) });
  const clock = new FakeClock();
  const listerWatcher = api.listerWatcher(PODS);
  const errors: unknown[] = [];
  const informer = new Informer<Pod>(listerWatcher, { type: PODS, clock, reflector: { progressIntervalMs: 0 }, onError: (error) => errors.push(error) });
  const sync = replaying(false);
  const async = replaying(true);
  informer.addEventHandler(sync.handler);
  informer.addEventHandler(async.handler);
  const pods = api.pods('default');
  const present = new Set<string>();

  /** Runs the informer's time (backoffs) until `condition` holds. */
  const drive = async (condition: () => boolean, what: string): Promise<void> => {
    for (let round = 0; !condition(); round++) {
      if (round > 20_000) throw new Error(`the informer did not reach ${what}`);
      await new Promise((resolve) => setImmediate(resolve));
      const next = clock.nextTimerAt();
      if (!condition() && next !== undefined && next - clock.now() <= 60_000) clock.advance(next - clock.now());
    }
  };
  let version = 0;

  /** Settles on the ledger, moving the informer's clock through backoffs meanwhile; then checks lister and handlers against storage. */
  const check = async (): Promise<void> => {
    let done = false;
    const delivered = informer.waitForDelivered(api.writes).then(() => {
      done = true;
    });
    await drive(() => done, 'a settle');
    await delivered;
    const truth = new Map((await storage.list('/pods/')).items.map((item) => [item.metadata.name, item.metadata.resourceVersion] as const));
    const listed = new Map(informer.lister.list().map((object) => [object.metadata.name, object.metadata.resourceVersion] as const));
    expect(listed).toEqual(truth);
    expect(sync.state).toEqual(truth);
    expect(async.state).toEqual(truth);
    expect([...sync.violations, ...async.violations]).toEqual([]);
  };

  informer.start();
  try {
    for (const step of commands) {
      switch (step.kind) {
        case 'create':
          if (present.has(step.name)) break;
          await pods.create(pod('default', step.name, { v: step.label }));
          present.add(step.name);
          break;
        case 'update':
          if (!present.has(step.name)) break;
          await pods.update(pod('default', step.name, { v: `${step.label}-${++version}` }));
          break;
        case 'delete':
          if (!present.has(step.name)) break;
          await pods.delete(step.name);
          present.delete(step.name);
          break;
        case 'close':
          await drive(() => source.openWatches > 0, 'a watch');
          // A watch that lived a while: a clean end resumes from the last revision.
          clock.advance(1000);
          source.closeWatches();
          break;
        case 'expire':
          // The writes that follow happen while the informer waits out its backoff: the relist sees them as a difference.
          await drive(() => source.openWatches > 0, 'a watch');
          source.expireWatches();
          break;
        case 'compact':
          await storage.compact(await storage.currentRevision());
          break;
        case 'sync':
          await check();
          break;
      }
    }
    await check();
    return informer.reflectorStats;
  } finally {
    await informer.stop();
    await api.close();
  }
}

describe('Informer — model-based (client-go sharedIndexInformer invariants)', () => {
  it('writes, watch closes, 410s and compactions: handlers replay to storage\'s state; the lister equals storage at every sync point', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 5, maxLength: 40 }), fc.boolean(), async (commands, viaCacher) => {
        await run(commands, viaCacher);
      }),
      { numRuns: 60 },
    );
  });

  // Found by the property: a Cacher's watch from "0" sends the state in key order, which a revision-ordered consumer misread.
  it('over a Cacher, a watch resumed from revision 0 (an empty source) gets the state in revision order', async () => {
    await run([{ kind: 'create', name: 'e', label: 'x' }, { kind: 'close' }, { kind: 'create', name: 'a', label: 'x' }, { kind: 'sync' }], true);
  });

  it('a delete while the informer waits out a 410 backoff arrives as a tombstone', async () => {
    await run([{ kind: 'create', name: 'a', label: 'x' }, { kind: 'sync' }, { kind: 'expire' }, { kind: 'delete', name: 'a' }, { kind: 'sync' }]);
  });

  it('a compaction then a closed watch: the resume fails Expired and the informer relists', async () => {
    await run([
      { kind: 'create', name: 'a', label: 'x' },
      { kind: 'sync' },
      { kind: 'create', name: 'b', label: 'x' },
      { kind: 'delete', name: 'a' },
      { kind: 'compact' },
      { kind: 'close' },
      { kind: 'create', name: 'c', label: 'y' },
      { kind: 'expire' },
      { kind: 'update', name: 'b', label: 'z' },
      { kind: 'sync' },
    ]);
  });

  it('over a Cacher (WatchList): a stream that fails before its end bookmark falls back to a list that round', async () => {
    const stats = await run([{ kind: 'create', name: 'a', label: 'x' }, { kind: 'expire' }, { kind: 'create', name: 'b', label: 'y' }, { kind: 'sync' }, { kind: 'expire' }, { kind: 'delete', name: 'a' }, { kind: 'sync' }], true);
    // An Expired stream says nothing about WatchList support: it is tried again on the next relist.
    expect(stats.usesWatchList).toBe(true);
  });
});
