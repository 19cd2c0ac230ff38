import { FakeClock } from '@apiserver-kit/storage';
import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { INITIAL_EVENTS_END_ANNOTATION, type CachingWatchEvent, type KubeObject } from '@apiserver-kit/codec';
import { Cacher, type CacheWatcher, fieldIndex, labelIndex, namespaceIndex } from '../src/index.js';
import { pod } from './helpers.js';

// The reference model: every state by revision, every change with the version before and after;
// a watcher's expected stream is computed from those alone, never from the cache.

interface Version {
  readonly ns: string;
  readonly name: string;
  readonly rv: number;
  readonly app: string | undefined;
  readonly node: string | undefined;
}

interface Change {
  readonly revision: number;
  readonly key: string;
  readonly before: Version | undefined;
  readonly after: Version | undefined;
}

interface Selection {
  readonly label: string | undefined;
  readonly field: string | undefined;
  readonly namespace: string | undefined;
  readonly matches: (v: Version) => boolean;
}

type Start = { readonly mode: 'rv0' } | { readonly mode: 'unset' } | { readonly mode: 'noinitial' } | { readonly mode: 'rvN'; readonly back: number } | { readonly mode: 'list'; readonly rv: 'unset' | '0' | 'current' };

type Op =
  | { readonly kind: 'put'; readonly ns: string; readonly name: string; readonly app: string | undefined; readonly node: string | undefined }
  | { readonly kind: 'del'; readonly ns: string; readonly name: string }
  | { readonly kind: 'watch'; readonly selection: number; readonly start: Start }
  | { readonly kind: 'read'; readonly watcher: number };

const labelChoices: readonly (readonly [string | undefined, (v: Version) => boolean])[] = [
  [undefined, () => true],
  ['app=a', (v) => v.app === 'a'],
  ['app in (a,b)', (v) => v.app === 'a' || v.app === 'b'],
  ['app!=a', (v) => v.app !== 'a'],
  ['app', (v) => v.app !== undefined],
];
const fieldChoices: readonly (readonly [string | undefined, (v: Version) => boolean])[] = [
  [undefined, () => true],
  ['spec.nodeName=n1', (v) => (v.node ?? '') === 'n1'],
  ['spec.nodeName!=n1', (v) => (v.node ?? '') !== 'n1'],
  ['metadata.namespace=ns1', (v) => v.ns === 'ns1'],
  ['spec.nodeName=n2,metadata.namespace=ns2', (v) => (v.node ?? '') === 'n2' && v.ns === 'ns2'],
];
const namespaceChoices: readonly (string | undefined)[] = [undefined, 'ns1', 'ns2'];

function selectionOf(index: number): Selection {
  const [label, labelMatch] = labelChoices[index % labelChoices.length]!;
  const rest = Math.floor(index / labelChoices.length);
  const [field, fieldMatch] = fieldChoices[rest % fieldChoices.length]!;
  const namespace = namespaceChoices[Math.floor(rest / fieldChoices.length) % namespaceChoices.length];
  return { label, field, namespace, matches: (v) => (namespace === undefined || v.ns === namespace) && labelMatch(v) && fieldMatch(v) };
}

const SELECTIONS = labelChoices.length * fieldChoices.length * namespaceChoices.length;

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('put' as const), ns: fc.constantFrom('ns1', 'ns2', 'ns3'), name: fc.constantFrom('a', 'b', 'c', 'd'), app: fc.constantFrom(undefined, 'a', 'b', 'c'), node: fc.constantFrom(undefined, 'n1', 'n2') }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('del' as const), ns: fc.constantFrom('ns1', 'ns2', 'ns3'), name: fc.constantFrom('a', 'b', 'c', 'd') }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('watch' as const),
      selection: fc.nat(SELECTIONS - 1),
      start: fc.oneof(
        fc.constant({ mode: 'rv0' as const }),
        fc.constant({ mode: 'unset' as const }),
        fc.constant({ mode: 'noinitial' as const }),
        fc.record({ mode: fc.constant('rvN' as const), back: fc.nat(12) }),
        fc.record({ mode: fc.constant('list' as const), rv: fc.constantFrom('unset' as const, '0' as const, 'current' as const) }),
      ),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('read' as const), watcher: fc.nat(20) }) },
);

const initialArb = fc.uniqueArray(fc.record({ ns: fc.constantFrom('ns1', 'ns2'), name: fc.constantFrom('a', 'b', 'x'), app: fc.constantFrom(undefined, 'a', 'b'), node: fc.constantFrom(undefined, 'n1', 'n2') }), {
  selector: (v) => `${v.ns}/${v.name}`,
  maxLength: 5,
});

function objectOf(v: Version): KubeObject {
  return pod({ ns: v.ns, name: v.name, rv: v.rv, ...(v.app === undefined ? {} : { labels: { app: v.app } }), ...(v.node === undefined ? {} : { node: v.node }) });
}

function describeEvent(event: CachingWatchEvent): string {
  const object = event.object.getObject();
  const meta = object.metadata ?? {};
  if (event.type === 'BOOKMARK') return `BOOKMARK ${meta.resourceVersion ?? ''}${meta.annotations?.[INITIAL_EVENTS_END_ANNOTATION] === 'true' ? ' end' : ''}`;
  return `${event.type} /pods/${meta.namespace ?? ''}/${meta.name ?? ''} ${meta.resourceVersion ?? ''}`;
}

function transition(change: Change, selection: Selection): string | undefined {
  const now = change.after !== undefined && selection.matches(change.after);
  const before = change.before !== undefined && selection.matches(change.before);
  if (now) return `${before ? 'MODIFIED' : 'ADDED'} ${change.key} ${change.revision}`;
  return before ? `DELETED ${change.key} ${change.revision}` : undefined;
}

function initialEvents(state: ReadonlyMap<string, Version>, selection: Selection): string[] {
  return [...state.entries()]
    .filter(([, v]) => selection.matches(v))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, v]) => `ADDED ${key} ${v.rv}`);
}

interface OpenWatch {
  readonly watcher: CacheWatcher;
  readonly selection: Selection;
  /** Expected events before the live ones, and the revision live changes start after. */
  readonly prelude: string[];
  readonly after: number;
  readonly got: string[];
}

function drain(watch: OpenWatch): void {
  for (let event = watch.watcher.tryNext(); event !== undefined; event = watch.watcher.tryNext()) watch.got.push(describeEvent(event));
}

describe('Cacher — stream equals the reference model', () => {
  it('.watch() — random changes × random watchers (selectors, namespaces, start revisions, initial events): each stream is the model\'s filtered stream, transitions included', async () => {
    await fc.assert(
      fc.asyncProperty(initialArb, fc.array(opArb, { maxLength: 45 }), async (initial, ops) => {
        const clock = new FakeClock();
        const cacher = new Cacher({
          resource: 'pods',
          clock,
          indexes: [namespaceIndex(), fieldIndex('spec.nodeName'), labelIndex('app')],
          queueSizes: { routed: 10_000, filtered: 10_000, unfiltered: 10_000 },
          bookmarkIntervalMs: 0,
        });
        const state = new Map<string, Version>();
        for (const item of initial) state.set(`/pods/${item.ns}/${item.name}`, { ...item, rv: 1 });
        cacher.cache.replace([...state.values()].map(objectOf), 1);
        let revision = 1;
        const changes: Change[] = [];
        const watches: OpenWatch[] = [];
        for (const op of ops) {
          if (op.kind === 'put') {
            const key = `/pods/${op.ns}/${op.name}`;
            const after: Version = { ns: op.ns, name: op.name, rv: ++revision, app: op.app, node: op.node };
            changes.push({ revision, key, before: state.get(key), after });
            state.set(key, after);
            cacher.cache.apply({ type: 'MODIFIED', object: objectOf(after), revision });
          } else if (op.kind === 'del') {
            const key = `/pods/${op.ns}/${op.name}`;
            const before = state.get(key);
            if (before === undefined) continue;
            revision++;
            changes.push({ revision, key, before, after: undefined });
            state.delete(key);
            cacher.cache.apply({ type: 'DELETED', object: objectOf({ ...before, rv: revision }), revision });
          } else if (op.kind === 'read') {
            const watch = watches[op.watcher % Math.max(1, watches.length)];
            if (watch !== undefined) drain(watch);
          } else {
            const selection = selectionOf(op.selection);
            const common = {
              ...(selection.label === undefined ? {} : { labelSelector: selection.label }),
              ...(selection.field === undefined ? {} : { fieldSelector: selection.field }),
              ...(selection.namespace === undefined ? {} : { namespace: selection.namespace }),
            };
            const start = op.start;
            let watcher: CacheWatcher;
            let prelude: string[];
            let after = revision;
            switch (start.mode) {
              case 'rv0':
                watcher = await cacher.watch({ ...common, resourceVersion: '0' });
                prelude = initialEvents(state, selection);
                break;
              case 'unset':
                watcher = await cacher.watch(common);
                prelude = initialEvents(state, selection);
                break;
              case 'noinitial':
                watcher = await cacher.watch({ ...common, sendInitialEvents: false, resourceVersionMatch: 'NotOlderThan', allowWatchBookmarks: true });
                prelude = [];
                break;
              case 'rvN': {
                after = Math.max(1, revision - start.back);
                watcher = await cacher.watch({ ...common, resourceVersion: String(after) });
                prelude = [];
                break;
              }
              case 'list': {
                const rv = start.rv === 'unset' ? {} : { resourceVersion: start.rv === '0' ? '0' : String(revision) };
                watcher = await cacher.watch({ ...common, ...rv, sendInitialEvents: true, resourceVersionMatch: 'NotOlderThan', allowWatchBookmarks: true });
                prelude = [...initialEvents(state, selection), `BOOKMARK ${revision} end`];
                break;
              }
            }
            watches.push({ watcher, selection, prelude, after, got: [] });
          }
        }
        for (const watch of watches) {
          drain(watch);
          const live = changes.filter((c) => c.revision > watch.after).map((c) => transition(c, watch.selection)).filter((s): s is string => s !== undefined);
          expect(watch.got).toEqual([...watch.prelude, ...live]);
          expect(watch.watcher.isStopped).toBe(false);
        }
        // Routing: every watcher is visited at most once per change; routed ones only for their values.
        expect(cacher.metrics.watchersVisited.get('pods')).toBeLessThanOrEqual(changes.length * watches.length);
        await cacher.stop();
        expect(cacher.stats.watchers).toBe(0);
      }),
      { numRuns: 300 },
    );
  });
});
