/**
 * Model-based test: random create/update/delete/compact sequences applied to a
 * MemoryStorage that feeds the cache through the Reflector, with random lists
 * (selectors, limits + continue, every resourceVersion mode, past revisions)
 * and watches (from random revisions, with initial events) compared with a
 * plain reference model: a map per revision and the list of changes.
 */
import type { CachingWatchEvent, KubeObject } from '@apiserver-kit/codec';
import { FakeClock, MemoryStorage } from '@apiserver-kit/storage';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type CacheListOptions,
  type CacheWatcher,
  isStatusError,
  labelIndex,
  namespaceIndex,
  parseFieldSelector,
  parseLabelSelector,
  Reflector,
  SelectionPredicate,
  storageListerWatcher,
  WatchCache,
} from '../src/index.js';
import { podFields } from './helpers.js';

// Few names: most writes are updates, the case that selector transitions and past revisions care about.
const NAMES = ['p0', 'p1', 'p2'];
const NAMESPACES = ['n1', 'n2'];
const LABELS = ['', 'app=a', 'app in (a,b)', 'app!=a', 'tier', '!tier', 'app=b,tier=x'];
const FIELDS = ['', 'metadata.namespace=n1', 'metadata.name!=p1'];

type Op =
  | { readonly kind: 'write'; readonly ns: string; readonly name: string; readonly app: string | null; readonly tier: string | null }
  | { readonly kind: 'delete'; readonly ns: string; readonly name: string }
  | { readonly kind: 'compact'; readonly fraction: number }
  | { readonly kind: 'list'; readonly label: number; readonly field: number; readonly rv: 'unset' | '0' | 'exact' | 'notOlder'; readonly back: number; readonly limit: number; readonly writeBetweenPages: boolean; readonly namespace: string | null }
  | { readonly kind: 'watch'; readonly label: number; readonly field: number; readonly from: 'unset' | '0' | 'past'; readonly back: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('write' as const), ns: fc.constantFrom(...NAMESPACES), name: fc.constantFrom(...NAMES), app: fc.option(fc.constantFrom('a', 'b')), tier: fc.option(fc.constantFrom('x', 'y')) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('delete' as const), ns: fc.constantFrom(...NAMESPACES), name: fc.constantFrom(...NAMES) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('compact' as const), fraction: fc.double({ min: 0, max: 1, noNaN: true }) }) },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('list' as const),
      label: fc.nat(LABELS.length - 1),
      field: fc.nat(FIELDS.length - 1),
      rv: fc.constantFrom('unset' as const, '0' as const, 'exact' as const, 'exact' as const, 'notOlder' as const),
      // How many revisions back from the cache's: a uniform fraction would mostly pick the extremes.
      back: fc.nat(6),
      limit: fc.nat(4),
      writeBetweenPages: fc.boolean(),
      namespace: fc.option(fc.constantFrom(...NAMESPACES)),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('watch' as const), label: fc.nat(LABELS.length - 1), field: fc.nat(FIELDS.length - 1), from: fc.constantFrom('unset' as const, '0' as const, 'past' as const), back: fc.nat(6) }) },
);

const coverage = { exactPast: 0, paginated: 0, replayedWatches: 0 };

interface ModelEvent {
  readonly revision: number;
  readonly key: string;
  readonly object: KubeObject | undefined;
  readonly previous: KubeObject | undefined;
}

class Model {
  /** The state after each revision (revision → key → object); only revisions that changed this prefix are recorded. */
  readonly states = new Map<number, Map<string, KubeObject>>();
  readonly events: ModelEvent[] = [];
  current = new Map<string, KubeObject>();

  stateAt(revision: number): Map<string, KubeObject> {
    let best = new Map<string, KubeObject>();
    let bestRevision = -1;
    for (const [r, state] of this.states) if (r <= revision && r > bestRevision) [best, bestRevision] = [state, r];
    return best;
  }

  record(revision: number, key: string, object: KubeObject | undefined): void {
    const previous = this.current.get(key);
    const next = new Map(this.current);
    if (object === undefined) next.delete(key);
    else next.set(key, object);
    this.current = next;
    this.states.set(revision, next);
    this.events.push({ revision, key, object, previous });
  }
}

function matches(predicate: SelectionPredicate, object: KubeObject): boolean {
  return predicate.matches({ labels: object.metadata?.labels, fields: podFields.compute(object) });
}

function describeObject(type: string, object: KubeObject, revision?: number): string {
  return `${type} ${object.metadata?.namespace ?? ''}/${object.metadata?.name ?? ''}@${revision ?? object.metadata?.resourceVersion ?? ''}`;
}

function expectedList(model: Model, revision: number, predicate: SelectionPredicate, prefix: string): string[] {
  return [...model.stateAt(revision).entries()]
    .filter(([key, object]) => key.startsWith(prefix) && matches(predicate, object))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, object]) => describeObject('', object));
}

function expectedEvents(model: Model, after: number, predicate: SelectionPredicate): string[] {
  const out: string[] = [];
  for (const event of model.events) {
    if (event.revision <= after) continue;
    const now = event.object !== undefined && matches(predicate, event.object);
    const before = event.previous !== undefined && matches(predicate, event.previous);
    if (now) out.push(describeObject(before ? 'MODIFIED' : 'ADDED', event.object!));
    else if (before) out.push(describeObject('DELETED', event.previous!, event.revision));
  }
  return out;
}

interface OpenWatch {
  readonly watcher: CacheWatcher;
  readonly expected: string[];
  readonly predicate: SelectionPredicate;
  readonly after: number;
  readonly seen: string[];
}

function drain(open: OpenWatch): void {
  for (let event: CachingWatchEvent | undefined = open.watcher.tryNext(); event !== undefined; event = open.watcher.tryNext()) {
    open.seen.push(describeObject(event.type, event.object.getObject()));
  }
}

async function runSequence(ops: readonly Op[], historySize: number, maxSnapshots: number): Promise<void> {
  const clock = new FakeClock();
  const storage = new MemoryStorage({ clock, retainMs: Infinity, retainRevisions: Infinity });
  const model = new Model();
  // Something before the cache starts, and writes outside the prefix (revisions the cache never sees as events).
  await storage.create('/pods/n1/p0', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p0', namespace: 'n1', labels: { app: 'a' } } });
  model.record(1, '/pods/n1/p0', await storage.get('/pods/n1/p0'));
  await storage.create('/nodes/x', { metadata: { name: 'x' } });
  const cache = new WatchCache({
    resource: 'pods',
    clock,
    indexes: [namespaceIndex(), labelIndex('app')],
    capacity: { lowerBound: historySize, upperBound: historySize, windowMs: 0 },
    maxSnapshots,
    watcherQueueLimit: 10_000,
  });
  const reflector = new Reflector(storageListerWatcher(storage, '/pods/', { pageSize: 2 }), cache, { clock, progressIntervalMs: 0 });
  reflector.start();
  await cache.onReady();
  const sync = async (): Promise<void> => {
    const target = await storage.currentRevision();
    for (let i = 0; cache.revision < target; i++) {
      if (i > 1000) throw new Error(`cache stuck at ${cache.revision}, storage at ${target}`);
      // Writes outside the prefix only reach the cache through a progress bookmark.
      if (i % 3 === 2) reflector.requestProgress();
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
  const watches: OpenWatch[] = [];
  let extra = 0;
  const write = async (ns: string, name: string, labels: Record<string, string>): Promise<void> => {
    const key = `/pods/${ns}/${name}`;
    const object = { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: ns, labels } };
    const before = await storage.currentRevision();
    const stored = model.current.has(key) ? await storage.guaranteedUpdate(key, () => object) : await storage.create(key, object);
    // An update that changes nothing writes nothing (no revision, no event).
    if ((await storage.currentRevision()) > before) model.record(Number(stored.metadata?.resourceVersion), key, stored);
  };
  try {
    for (const op of ops) {
      switch (op.kind) {
        case 'write': {
          const labels: Record<string, string> = {};
          if (op.app !== null) labels['app'] = op.app;
          if (op.tier !== null) labels['tier'] = op.tier;
          await write(op.ns, op.name, labels);
          break;
        }
        case 'delete': {
          const key = `/pods/${op.ns}/${op.name}`;
          if (!model.current.has(key)) break;
          await storage.delete(key);
          model.record(await storage.currentRevision(), key, undefined);
          break;
        }
        case 'compact': {
          const current = await storage.currentRevision();
          await storage.compact(Math.floor(op.fraction * current));
          break;
        }
        case 'list': {
          await sync();
          const predicate = new SelectionPredicate(parseLabelSelector(LABELS[op.label]!), parseFieldSelector(FIELDS[op.field]!, podFields));
          const prefix = op.namespace === null ? '/pods/' : `/pods/${op.namespace}/`;
          const revision = Math.max(1, cache.revision - op.back);
          const options: CacheListOptions = {
            predicate,
            prefix,
            limit: op.limit,
            ...(op.rv === '0' ? { resourceVersion: '0' } : {}),
            ...(op.rv === 'exact' ? { resourceVersion: String(revision), resourceVersionMatch: 'Exact' } : {}),
            ...(op.rv === 'notOlder' ? { resourceVersion: String(revision), resourceVersionMatch: 'NotOlderThan' } : {}),
          };
          const historyStart = cache.stats.historyStart;
          let page;
          try {
            page = await cache.list(options);
          } catch (error) {
            if (op.rv === 'exact' && isStatusError(error, 'Expired') && revision < historyStart) break;
            throw error;
          }
          const listRevision = Number(page.resourceVersion);
          if (op.rv === 'exact' && revision < cache.revision) coverage.exactPast++;
          if (page.continue !== undefined) coverage.paginated++;
          if (op.rv === 'exact') expect(listRevision).toBe(revision);
          else expect(listRevision).toBe(cache.revision);
          const got = page.items.map((item) => describeObject('', item.getObject()));
          if (op.limit > 0 && op.rv !== '0') expect(got.length).toBeLessThanOrEqual(op.limit);
          let expired = false;
          while (page.continue !== undefined) {
            if (op.writeBetweenPages) {
              await write('n2', `extra${extra++ % 3}`, { app: 'a' });
              await sync();
              // Keep the watchers read: one left behind a ring of 2 would rightly fail with Expired.
              for (const open of watches) drain(open);
            }
            const start = cache.stats.historyStart;
            try {
              page = await cache.list({ predicate, prefix, limit: op.limit, continue: page.continue });
            } catch (error) {
              if (isStatusError(error, 'Expired') && listRevision < start && maxSnapshots === 0) {
                expired = true;
                break;
              }
              throw error;
            }
            expect(page.resourceVersion).toBe(String(listRevision));
            got.push(...page.items.map((item) => describeObject('', item.getObject())));
          }
          if (!expired) expect(got).toEqual(expectedList(model, listRevision, predicate, prefix));
          break;
        }
        case 'watch': {
          await sync();
          const predicate = new SelectionPredicate(parseLabelSelector(LABELS[op.label]!), parseFieldSelector(FIELDS[op.field]!, podFields));
          const from = Math.max(1, cache.revision - op.back);
          const historyStart = cache.stats.historyStart;
          let watcher: CacheWatcher;
          try {
            watcher = await cache.watch(op.from === 'past' ? { resourceVersion: String(from), predicate } : op.from === '0' ? { resourceVersion: '0', predicate } : { predicate });
          } catch (error) {
            if (op.from === 'past' && isStatusError(error, 'Expired') && from < historyStart) break;
            throw error;
          }
          if (op.from === 'past') {
            expect(from).toBeGreaterThanOrEqual(historyStart);
            if (from < cache.revision) coverage.replayedWatches++;
          }
          const after = op.from === 'past' ? from : cache.revision;
          const expected = op.from === 'past' ? [] : expectedList(model, after, predicate, '/pods/').map((line) => `ADDED${line}`);
          const open = { watcher, expected, predicate, after, seen: [] };
          watches.push(open);
          drain(open);
          break;
        }
      }
      for (const open of watches) drain(open);
    }
    await sync();
    for (const open of watches) {
      drain(open);
      expect(open.seen).toEqual([...open.expected, ...expectedEvents(model, open.after, open.predicate)]);
    }
  } finally {
    await reflector.stop();
    cache.close();
  }
}

describe('WatchCache — model-based (MemoryStorage → Reflector → WatchCache vs a reference model)', () => {
  it('every list (paginated or not, at any retained revision) and every watch equals the model’s', async () => {
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 30, size: 'medium' }), fc.constantFrom(2, 8, 16), fc.constantFrom(0, 2), async (ops, historySize, maxSnapshots) => {
        runs++;
        await runSequence(ops, historySize, maxSnapshots);
      }),
      { numRuns: 2000 },
    );
    expect(runs).toBeGreaterThanOrEqual(2000);
    // The generators reach the interesting paths, not only the easy ones.
    expect(coverage.exactPast).toBeGreaterThan(500);
    expect(coverage.paginated).toBeGreaterThan(100);
    expect(coverage.replayedWatches).toBeGreaterThan(100);
  });
});
