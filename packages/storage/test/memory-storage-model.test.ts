import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FakeClock, isStatusError, type KubeObject, MemoryStorage, type StorageEvent, type StorageWatch } from '../src/index.js';

// A model-based test: random sequences of writes, compactions, clock ticks,
// reads, lists and watches at random revisions, run against MemoryStorage and
// against a plain reference model (a snapshot of the whole state per
// revision), with 0 divergences allowed.

const KEYS = ['/pods/a/x', '/pods/a/y', '/pods/b/x', '/svc/a/x', '/nodes/x'] as const;
const PREFIXES = ['/', '/pods/', '/pods/a/', '/pods/a', '/svc/', '/nodes/x'] as const;
const RUNS = 2000;

type Op =
  | { readonly op: 'create'; readonly key: number; readonly value: number }
  | { readonly op: 'update'; readonly key: number; readonly value: number; readonly stale: boolean }
  | { readonly op: 'updateIf'; readonly key: number; readonly value: number; readonly uidMatches: boolean; readonly createMissing: boolean }
  | { readonly op: 'delete'; readonly key: number }
  | { readonly op: 'compact'; readonly back: number }
  | { readonly op: 'tick'; readonly ms: number }
  | { readonly op: 'get'; readonly key: number }
  | { readonly op: 'list'; readonly prefix: number; readonly back: number; readonly limit: number | undefined }
  | { readonly op: 'watch'; readonly prefix: number; readonly back: number };

const key = fc.nat({ max: KEYS.length - 1 });
const value = fc.nat({ max: 3 });
const back = fc.nat({ max: 12 });
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ op: fc.constant('create' as const), key, value }) },
  { weight: 4, arbitrary: fc.record({ op: fc.constant('update' as const), key, value, stale: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('updateIf' as const), key, value, uidMatches: fc.boolean(), createMissing: fc.boolean() }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('delete' as const), key }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('compact' as const), back }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('tick' as const), ms: fc.nat({ max: 40 }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('get' as const), key }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('list' as const), prefix: fc.nat({ max: PREFIXES.length - 1 }), back, limit: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('watch' as const), prefix: fc.nat({ max: PREFIXES.length - 1 }), back }) },
);

interface Config {
  readonly retainRevisions: number;
  readonly retainMs: number;
  readonly bufferSize: number;
  readonly watchPrefix: number;
}
const configArb: fc.Arbitrary<Config> = fc.record({
  retainRevisions: fc.oneof(fc.constant(Infinity), fc.integer({ min: 0, max: 8 })),
  retainMs: fc.oneof(fc.constant(Infinity), fc.constantFrom(0, 30, 100)),
  bufferSize: fc.integer({ min: 1, max: 30 }),
  watchPrefix: fc.nat({ max: PREFIXES.length - 1 }),
});

/** What the model keeps of an object: enough to tell any two versions apart. */
interface Item {
  readonly key: string;
  readonly value: number;
  readonly rv: string;
  readonly uid: string;
}
interface ModelEvent {
  readonly type: 'ADDED' | 'MODIFIED' | 'DELETED';
  readonly key: string;
  readonly revision: number;
  readonly object: Item;
  readonly prevObject?: Item;
}
type Outcome = { readonly ok: unknown } | { readonly error: string };

/** The reference: the full state after every revision, and the list of changes. */
class Model {
  readonly states: Map<string, Item>[] = [new Map()];
  readonly log: ModelEvent[] = [];
  readonly times: number[] = [0];
  compacted = 0;
  now = 0;
  uids = 0;
  constructor(readonly config: Config) {}

  get revision(): number {
    return this.states.length - 1;
  }
  get state(): Map<string, Item> {
    return this.states[this.revision]!;
  }

  write(key: string, type: ModelEvent['type'], value: number | undefined): Item {
    const revision = this.revision + 1;
    const prev = this.state.get(key);
    const next = new Map(this.state);
    const object: Item = { key, value: value ?? prev!.value, rv: String(revision), uid: prev?.uid ?? `uid-${++this.uids}` };
    if (type === 'DELETED') next.delete(key);
    else next.set(key, object);
    this.states.push(next);
    this.times.push(this.now);
    this.log.push({ type, key, revision, object, ...(prev === undefined ? {} : { prevObject: prev }) });
    const byCount = revision - this.config.retainRevisions;
    while (this.compacted < byCount && this.now - this.times[this.compacted + 1]! > this.config.retainMs) this.compacted++;
    return object;
  }
}

function item(key: string, object: KubeObject): Item {
  return { key, value: object['value'] as number, rv: object.metadata!.resourceVersion!, uid: object.metadata!.uid! };
}

function keyOf(object: KubeObject): string {
  const meta = object.metadata!;
  return meta.namespace === undefined ? `/${object['resource'] as string}/${meta.name}` : `/${object['resource'] as string}/${meta.namespace}/${meta.name}`;
}

function normalize(event: StorageEvent): unknown {
  if (event.type === 'BOOKMARK') return event;
  return {
    type: event.type,
    key: event.key,
    revision: event.revision,
    object: item(event.key, event.object),
    ...(event.type === 'ADDED' ? {} : { prevObject: item(event.key, event.prevObject) }),
  };
}

async function outcome(run: () => Promise<unknown>): Promise<Outcome> {
  try {
    return { ok: await run() };
  } catch (error) {
    if (isStatusError(error)) return { error: `${error.reason} ${error.code} ${error.message}` };
    throw error;
  }
}

/** Reads a watch until caught up with `revision`; returns the normalised events and the error it ended with. */
async function drain(watch: StorageWatch, revision: number): Promise<{ events: unknown[]; error?: string }> {
  const events: unknown[] = [];
  watch.requestProgress();
  try {
    for await (const event of watch) {
      if (event.type !== 'BOOKMARK') {
        events.push(normalize(event));
        continue;
      }
      if (event.revision >= revision) break;
      watch.requestProgress();
    }
  } catch (error) {
    if (!isStatusError(error)) throw error;
    return { events, error: `${error.reason} ${error.code} ${error.message}` };
  }
  return { events };
}

function objectFor(keyText: string, value: number): KubeObject {
  const parts = keyText.split('/');
  const metadata = parts.length === 4 ? { name: parts[3]!, namespace: parts[2]! } : { name: parts[2]! };
  return { metadata, resource: parts[1]!, value };
}

async function runSequence(config: Config, ops: readonly Op[]): Promise<void> {
  const clock = new FakeClock();
  let uids = 0;
  const storage = new MemoryStorage({ clock, retainRevisions: config.retainRevisions, retainMs: config.retainMs, uid: () => `uid-${++uids}`, retry: { steps: 1 } });
  const model = new Model(config);
  const longPrefix = PREFIXES[config.watchPrefix]!;
  // A watch that is never read until the end: it overflows once more than bufferSize events matched.
  const slow = storage.watch(longPrefix, { fromRevision: 0, bufferSize: config.bufferSize });

  for (const op of ops) {
    switch (op.op) {
      case 'create': {
        const k = KEYS[op.key]!;
        const actual = await outcome(async () => item(k, await storage.create(k, objectFor(k, op.value))));
        const expected: Outcome = model.state.has(k)
          ? { error: `AlreadyExists 409 ${k.split('/')[1]} "${k.split('/').at(-1)}" already exists` }
          : { ok: model.write(k, 'ADDED', op.value) };
        expect(actual, JSON.stringify(op)).toEqual(expected);
        break;
      }
      case 'update': {
        const k = KEYS[op.key]!;
        const actual = await outcome(async () =>
          item(
            k,
            await storage.guaranteedUpdate(k, (current) => ({
              ...current!,
              value: op.value,
              metadata: { ...current!.metadata, resourceVersion: op.stale ? '1' : current!.metadata!.resourceVersion! },
            })),
          ),
        );
        const current = model.state.get(k);
        let expected: Outcome;
        if (current === undefined) expected = { error: `NotFound 404 ${notFoundMessage(k)}` };
        else if (op.stale && current.rv !== '1') expected = { error: `Conflict 409 ${conflictMessage(k)}` };
        else if (current.value === op.value) expected = { ok: current };
        else expected = { ok: model.write(k, 'MODIFIED', op.value) };
        expect(actual, JSON.stringify(op)).toEqual(expected);
        break;
      }
      case 'updateIf': {
        const k = KEYS[op.key]!;
        const current = model.state.get(k);
        // uid-0 is never generated: a precondition on it always fails.
        const uid = op.uidMatches ? current?.uid : 'uid-0';
        const actual = await outcome(async () =>
          item(
            k,
            await storage.guaranteedUpdate(k, (found) => (found === undefined ? objectFor(k, op.value) : { ...found, value: op.value }), {
              ...(uid === undefined ? {} : { preconditions: { uid } }),
              ignoreNotFound: op.createMissing,
            }),
          ),
        );
        let expected: Outcome;
        if (current === undefined && !op.createMissing) expected = { error: `NotFound 404 ${notFoundMessage(k)}` };
        else if (uid !== undefined && current?.uid !== uid) expected = { error: `Conflict 409 ${conflictMessage(k, `Precondition failed: UID in precondition: ${uid}, UID in object meta: ${current?.uid ?? ''}`)}` };
        else if (current === undefined) expected = { ok: model.write(k, 'ADDED', op.value) };
        else if (current.value === op.value) expected = { ok: current };
        else expected = { ok: model.write(k, 'MODIFIED', op.value) };
        expect(actual, JSON.stringify(op)).toEqual(expected);
        break;
      }
      case 'delete': {
        const k = KEYS[op.key]!;
        const actual = await outcome(async () => item(k, await storage.delete(k)));
        const expected: Outcome = model.state.has(k) ? { ok: model.write(k, 'DELETED', undefined) } : { error: `NotFound 404 ${notFoundMessage(k)}` };
        expect(actual, JSON.stringify(op)).toEqual(expected);
        break;
      }
      case 'compact': {
        const target = Math.max(0, model.revision - op.back);
        await storage.compact(target);
        model.compacted = Math.max(model.compacted, target);
        break;
      }
      case 'tick':
        clock.advance(op.ms);
        model.now += op.ms;
        break;
      case 'get': {
        const k = KEYS[op.key]!;
        const actual = await outcome(async () => item(k, await storage.get(k)));
        const found = model.state.get(k);
        expect(actual, JSON.stringify(op)).toEqual(found === undefined ? { error: `NotFound 404 ${notFoundMessage(k)}` } : { ok: found });
        break;
      }
      case 'list': {
        const prefix = PREFIXES[op.prefix]!;
        const revision = Math.max(0, model.revision - op.back);
        const actual = await outcome(async () => {
          const items: Item[] = [];
          let startKey: string | undefined;
          for (;;) {
            const page = await storage.list(prefix, { revision, ...(op.limit === undefined ? {} : { limit: op.limit }), ...(startKey === undefined ? {} : { startKey }) });
            expect(page.revision).toBe(revision);
            expect(page.items.length).toBeLessThanOrEqual(op.limit ?? Infinity);
            items.push(...page.items.map((o) => item(keyOf(o), o)));
            if (!page.more) return items;
            expect(page.items.length).toBe(op.limit);
            startKey = page.nextKey;
          }
        });
        const expected: Outcome =
          revision < model.compacted
            ? { error: 'Expired 410 The resourceVersion for the provided list is too old.' }
            : { ok: [...model.states[revision]!.values()].filter((i) => i.key.startsWith(prefix)).sort((a, b) => (a.key < b.key ? -1 : 1)) };
        expect(actual, JSON.stringify(op)).toEqual(expected);
        break;
      }
      case 'watch': {
        const prefix = PREFIXES[op.prefix]!;
        const from = Math.max(0, model.revision - op.back);
        const actual = await drain(storage.watch(prefix, { fromRevision: from }), model.revision);
        const expected =
          from < model.compacted
            ? { events: [], error: 'Expired 410 The resourceVersion for the provided watch is too old.' }
            : { events: model.log.filter((e) => e.revision > from && e.key.startsWith(prefix)) };
        expect(actual, JSON.stringify(op)).toEqual(expected);
        break;
      }
    }
    expect(await storage.currentRevision()).toBe(model.revision);
    expect(await storage.compactedRevision()).toBe(model.compacted);
  }

  const matching = model.log.filter((e) => e.key.startsWith(longPrefix));
  const slowResult = await drain(slow, model.revision);
  if (matching.length <= config.bufferSize) {
    expect(slowResult).toEqual({ events: matching });
  } else {
    const delivered = matching.slice(0, config.bufferSize);
    expect(slowResult).toEqual({
      events: delivered,
      error: `Gone 410 watch ended: the consumer fell ${config.bufferSize} events behind; resume from resource version ${delivered.at(-1)!.revision}`,
    });
  }
  expect(storage.watchCount).toBe(0);
}

function notFoundMessage(k: string): string {
  return `${k.split('/')[1]} "${k.split('/').at(-1)}" not found`;
}

function conflictMessage(k: string, why = 'the object has been modified; please apply your changes to the latest version and try again'): string {
  return `Operation cannot be fulfilled on ${k.split('/')[1]} "${k.split('/').at(-1)}": ${why}`;
}

describe('MemoryStorage (model-based)', () => {
  it(`create/update/delete/compact/tick with get, list and watch at random revisions → 0 divergences from the reference model over ${RUNS} sequences`, async () => {
    await fc.assert(
      fc.asyncProperty(configArb, fc.array(opArb, { maxLength: 40 }), async (config, ops) => runSequence(config, ops)),
      { numRuns: RUNS },
    );
  });
});
