/**
 * The conformance suite of the {@link Storage} contract: every implementation
 * runs it (MemoryStorage here, the etcd store in `storage-etcd`), so they all
 * behave alike, error messages included.
 *
 * ```ts
 * import { describeStorageConformance } from '@apiserver-kit/storage/conformance';
 * describeStorageConformance('MyStorage', () => new MyStorage());
 * ```
 *
 * It registers tests with vitest (a peer dependency). It assumes nothing of
 * the store but a fresh, empty key space per test, and no test waits on a
 * clock. Revisions are only assumed to increase: a test compares them with
 * the revisions its own writes returned, never counts on them being
 * consecutive, so the suite holds for a store whose revision counter other
 * writers share (an etcd with other prefixes on it: their writes skip
 * revisions in between). "Nothing was written" is checked by a watch seeing
 * no event, not by an unchanged `currentRevision()`.
 */
import { isStatusError, type KubeObject, LIST_TOO_OLD_MESSAGE, type StatusReason, StatusError, WATCH_TOO_OLD_MESSAGE } from '@apiserver-kit/codec';
import { afterEach, describe, expect, it } from 'vitest';
import type { Storage, StorageEvent, StorageWatch, UpdateFunction } from '../storage.js';

/** Makes a fresh, empty store for one test. */
export type StorageFactory = () => Storage | Promise<Storage>;

/** Options of {@link describeStorageConformance}. */
export interface ConformanceOptions {
  /** Releases a store after its test (closes clients, connections); @default nothing */
  readonly dispose?: (storage: Storage) => void | Promise<void>;
  /** Per-test timeout in milliseconds, for stores behind a network; @default vitest's */
  readonly timeoutMs?: number;
}

const CONFLICT = 'the object has been modified; please apply your changes to the latest version and try again';

/**
 * Registers the conformance tests of the {@link Storage} contract under
 * `describe(name)`, each against a store from `factory`.
 */
export function describeStorageConformance(name: string, factory: StorageFactory, options: ConformanceOptions = {}): void {
  const opened: Storage[] = [];
  const fresh = async (): Promise<Storage> => {
    const storage = await factory();
    opened.push(storage);
    return storage;
  };
  const test = (title: string, body: (storage: Storage) => Promise<void>): void => {
    it(title, async () => body(await fresh()), options.timeoutMs);
  };

  describe(name, () => {
    afterEach(async () => {
      for (const storage of opened.splice(0)) await options.dispose?.(storage);
    });

    describe('create and get', () => {
      test('.create() — new key → stored with resourceVersion, uid and creationTimestamp, deep-frozen', async (storage) => {
        const r0 = await storage.currentRevision();
        const stored = await storage.create('/pods/default/web-0', pod('web-0', { spec: { containers: [{ name: 'c' }] } }));
        expect(rv(stored)).toBeGreaterThan(r0);
        expect(await storage.currentRevision()).toBeGreaterThanOrEqual(rv(stored));
        expect(stored.metadata?.uid).toMatch(/^\S+$/);
        expect(stored.metadata?.creationTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
        expect(stored.metadata?.name).toBe('web-0');
        expect(stored['spec']).toEqual({ containers: [{ name: 'c' }] });
        expect(isDeepFrozen(stored)).toBe(true);
        const read = await storage.get('/pods/default/web-0');
        expect(read).toEqual(stored);
        expect(isDeepFrozen(read)).toBe(true);
      });

      test('.create() — uid and creationTimestamp supplied → kept', async (storage) => {
        const stored = await storage.create('/pods/default/a', pod('a', { metadata: { name: 'a', namespace: 'default', uid: 'u-1', creationTimestamp: '2020-01-02T03:04:05Z' } }));
        expect(stored.metadata?.uid).toBe('u-1');
        expect(stored.metadata?.creationTimestamp).toBe('2020-01-02T03:04:05Z');
      });

      test('.create() — existing key → AlreadyExists 409', async (storage) => {
        const created = await storage.create('/pods/default/web-0', pod('web-0'));
        await expectStatus(storage.create('/pods/default/web-0', pod('web-0')), 'AlreadyExists', 409, 'pods "web-0" already exists');
        await expectNoWritesSince(storage, rv(created));
      });

      test('.create() — resourceVersion set → BadRequest 400', async (storage) => {
        await expectStatus(
          storage.create('/pods/default/a', pod('a', { metadata: { name: 'a', resourceVersion: '5' } })),
          'BadRequest',
          400,
          'resourceVersion should not be set on objects to be created',
        );
      });

      test('.create() — name or namespace disagreeing with the key → BadRequest 400', async (storage) => {
        await expectStatus(storage.create('/pods/default/a', pod('b')), 'BadRequest', 400, 'the name of the object (b) does not match the key "/pods/default/a"');
        await expectStatus(
          storage.create('/pods/default/a', { metadata: { name: 'a', namespace: 'other' } }),
          'BadRequest',
          400,
          'the namespace of the object (other) does not match the key "/pods/default/a"',
        );
        await expectStatus(storage.create('/nodes/a', { metadata: { name: 'a', namespace: 'x' } }), 'BadRequest', 400, 'the namespace of the object (x) does not match the key "/nodes/a"');
        expect((await storage.list('/')).items).toEqual([]);
      });

      test('.create() — no metadata.name / not an object → TypeError', async (storage) => {
        await expect(storage.create('/pods/default/a', { metadata: {} })).rejects.toThrow(
          new TypeError('Expected `object.metadata.name` to be a non-empty string, got `undefined` (undefined)'),
        );
        await expect(storage.create('/pods/default/a', null as unknown as KubeObject)).rejects.toThrow(new TypeError('Expected `object` to be an object, got `null` (null)'));
      });

      // Kubernetes decodes a body into the Go ObjectMeta before storing it: `labels: null`
      // becomes a nil map (absent once encoded), any other wrong shape never reaches etcd.
      test('.create()/.guaranteedUpdate() — null labels, annotations, finalizers → accepted and left out, as decoding into ObjectMeta makes them nil', async (storage) => {
        const meta = { name: 'a', namespace: 'ns', labels: null, annotations: null, finalizers: null, uid: null };
        const created = await storage.create('/pods/ns/a', pod('a', { metadata: meta }));
        expect(Object.keys(created.metadata!).sort()).toEqual(['creationTimestamp', 'name', 'namespace', 'resourceVersion', 'uid']);
        expect(created.metadata?.uid).toMatch(/^\S+$/);
        const updated = await storage.guaranteedUpdate('/pods/ns/a', (o) => ({ ...o!, metadata: { ...o!.metadata, labels: null, annotations: { a: 'b' } } as never }));
        expect(Object.hasOwn(updated.metadata!, 'labels')).toBe(false);
        expect(updated.metadata?.annotations).toEqual({ a: 'b' });
        expect(await storage.get('/pods/ns/a')).toEqual(updated);
      });

      // apimachinery NewInvalid as the registry raises it (ValidateObjectMeta, and the type
      // errors decoding into ObjectMeta gives): one field path per offending field.
      test('.create()/.guaranteedUpdate() — metadata of the wrong shape → Invalid 422 naming each field, nothing written', async (storage) => {
        const r0 = await storage.currentRevision();
        const cases: [Record<string, unknown>, string][] = [
          [{ labels: 'x' }, 'metadata.labels: Invalid value: "string": must be of type object'],
          [{ labels: [] }, 'metadata.labels: Invalid value: "array": must be of type object'],
          [{ labels: { a: 1 } }, 'metadata.labels[a]: Invalid value: "integer": must be of type string'],
          [{ labels: { a: null } }, 'metadata.labels[a]: Invalid value: "null": must be of type string'],
          [{ annotations: { a: 'ok', b: true } }, 'metadata.annotations[b]: Invalid value: "boolean": must be of type string'],
          [{ namespace: 7 }, 'metadata.namespace: Invalid value: "integer": must be of type string'],
          [{ resourceVersion: 5 }, 'metadata.resourceVersion: Invalid value: "integer": must be of type string'],
          [{ generation: 1.5 }, 'metadata.generation: Invalid value: "number": must be of type integer'],
          [{ finalizers: 'x' }, 'metadata.finalizers: Invalid value: "string": must be of type array'],
          [{ finalizers: ['ok', 3] }, 'metadata.finalizers[1]: Invalid value: "integer": must be of type string'],
          [{ ownerReferences: ['x'] }, 'metadata.ownerReferences[0]: Invalid value: "string": must be of type object'],
          [
            { labels: 'x', annotations: [] },
            '[metadata.labels: Invalid value: "string": must be of type object, metadata.annotations: Invalid value: "array": must be of type object]',
          ],
        ];
        for (const [fields, message] of cases) {
          await expectStatus(storage.create('/pods/ns/a', pod('a', { metadata: { name: 'a', ...fields } })), 'Invalid', 422, `Pod "a" is invalid: ${message}`);
        }
        await expectStatus(
          storage.create('/pods/ns/a', pod('a', { metadata: { name: 5 } })),
          'Invalid',
          422,
          'Pod "a" is invalid: metadata.name: Invalid value: "integer": must be of type string',
        );
        await expectStatus(storage.create('/pods/ns/a', pod('a', { metadata: 'x' })), 'Invalid', 422, 'Pod "a" is invalid: metadata: Invalid value: "string": must be of type object');
        // The kind is the object's, grouped by its apiVersion; without one, the key's resource.
        await expectStatus(
          storage.create('/deployments.apps/ns/web', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', labels: 'x' } as never }),
          'Invalid',
          422,
          'Deployment.apps "web" is invalid: metadata.labels: Invalid value: "string": must be of type object',
        );
        await expectStatus(
          storage.create('/deployments.apps/ns/web', { metadata: { name: 'web', labels: 'x' } as never }),
          'Invalid',
          422,
          'deployments.apps "web" is invalid: metadata.labels: Invalid value: "string": must be of type object',
        );
        const error = await storage.create('/pods/ns/a', pod('a', { metadata: { name: 'a', labels: { a: 1 } } })).catch((e: unknown) => e);
        expect(isStatusError(error) && error.details).toEqual({
          name: 'a',
          kind: 'Pod',
          causes: [{ reason: 'FieldValueInvalid', message: 'Invalid value: "integer": must be of type string', field: 'metadata.labels[a]' }],
        });
        await expectNoWritesSince(storage, r0);
        const created = await storage.create('/pods/ns/a', pod('a'));
        await expectStatus(
          storage.guaranteedUpdate('/pods/ns/a', (o) => ({ ...o!, metadata: { ...o!.metadata, labels: 'x' } as never })),
          'Invalid',
          422,
          'Pod "a" is invalid: metadata.labels: Invalid value: "string": must be of type object',
        );
        expect(await storage.get('/pods/ns/a')).toEqual(created);
        await expectNoWritesSince(storage, rv(created));
      });

      test('.get() — missing key → NotFound 404', async (storage) => {
        await expectStatus(storage.get('/pods/default/nope'), 'NotFound', 404, 'pods "nope" not found');
        await expectStatus(storage.get('/deployments.apps/default/web'), 'NotFound', 404, 'deployments.apps "web" not found');
        await expectStatus(storage.get('/nodes/n1'), 'NotFound', 404, 'nodes "n1" not found');
      });

      test('.get() — malformed keys → BadRequest 400 naming the offending part', async (storage) => {
        const cases: [string, string][] = [
          ['pods/default/a', 'invalid key "pods/default/a": must start with "/"'],
          ['/pods', 'invalid key "/pods": expected /<resource>/<namespace>/<name> or /<resource>/<name>, got 1 segments'],
          ['/a/b/c/d', 'invalid key "/a/b/c/d": expected /<resource>/<namespace>/<name> or /<resource>/<name>, got 4 segments'],
          ['/pods//a', 'invalid key "/pods//a": empty segment at index 6'],
          ['/pods/default/', 'invalid key "/pods/default/": empty segment at index 14'],
          ['/pods/default/wé', 'invalid key "/pods/default/wé": character "é" at index 15 is not printable ASCII'],
          ['/pods/default/a b', 'invalid key "/pods/default/a b": character " " at index 15 is not printable ASCII'],
        ];
        for (const [key, message] of cases) await expectStatus(storage.get(key), 'BadRequest', 400, message);
      });

      // Distinct and increasing, not consecutive: another writer of a shared etcd takes revisions in between.
      test('.create() — 50 concurrent callers → 50 distinct revisions after the start, events in revision order', async (storage) => {
        const r0 = await storage.currentRevision();
        const watch = storage.watch('/pods/', { fromRevision: r0 });
        const stored = await Promise.all(Array.from({ length: 50 }, (_, i) => storage.create(`/pods/ns/p${i}`, pod(`p${i}`, { metadata: { name: `p${i}`, namespace: 'ns' } }))));
        const revisions = stored.map(rv).sort((a, b) => a - b);
        expect(new Set(revisions).size).toBe(50);
        expect(revisions[0]).toBeGreaterThan(r0);
        const events = await drain(watch, revisions.at(-1)!);
        expect(events.map((e) => e.revision)).toEqual(revisions);
        for (const event of events) expect(event.type === 'BOOKMARK' ? undefined : event.object.metadata?.resourceVersion).toBe(String(event.revision));
      });
    });

    describe('list', () => {
      test('.list() — items in ascending key order, under the prefix only', async (storage) => {
        for (const key of ['/pods/default/b', '/pods/default-2/a', '/pods/default/a', '/pods/kube-system/z', '/services/default/a', '/nodes/n2', '/nodes/n1', '/pods/default/B']) {
          const { namespace, name } = split(key);
          await storage.create(key, { metadata: { name, ...(namespace === undefined ? {} : { namespace }) } });
        }
        const names = async (prefix: string): Promise<string[]> => (await storage.list(prefix)).items.map((o) => `${o.metadata?.namespace ?? ''}/${o.metadata?.name}`);
        expect(await names('/pods/default/')).toEqual(['default/B', 'default/a', 'default/b']);
        // Byte order: "-" (0x2d) sorts before "/" (0x2f), and "B" before "a".
        expect(await names('/pods/default')).toEqual(['default-2/a', 'default/B', 'default/a', 'default/b']);
        expect(await names('/pods/')).toEqual(['default-2/a', 'default/B', 'default/a', 'default/b', 'kube-system/z']);
        expect(await names('/nodes/')).toEqual(['/n1', '/n2']);
        expect(await names('/nothing/')).toEqual([]);
        const last = Math.max(...(await storage.list('/')).items.map(rv));
        const all = await storage.list('/');
        expect(all.items).toHaveLength(8);
        expect(all.more).toBe(false);
        expect(all.revision).toBeGreaterThanOrEqual(last);
        expect(all.revision).toBeLessThanOrEqual(await storage.currentRevision());
        expect(all.nextKey).toBeUndefined();
      });

      test('.list() — limit and startKey page through one revision, whatever is written between pages', async (storage) => {
        for (let i = 0; i < 7; i++) await storage.create(`/pods/ns/p${i}`, pod(`p${i}`, { metadata: { name: `p${i}`, namespace: 'ns' } }));
        const first = await storage.list('/pods/ns/', { limit: 3 });
        expect(first.items.map((o) => o.metadata?.name)).toEqual(['p0', 'p1', 'p2']);
        expect(first.more).toBe(true);
        expect(first.nextKey).toBe('/pods/ns/p3');
        await storage.delete('/pods/ns/p4');
        await storage.create('/pods/ns/p35', pod('p35', { metadata: { name: 'p35', namespace: 'ns' } }));
        await storage.guaranteedUpdate('/pods/ns/p5', (o) => ({ ...o!, spec: { changed: true } }));
        const second = await storage.list('/pods/ns/', { limit: 3, revision: first.revision, startKey: first.nextKey! });
        expect(second.items.map((o) => o.metadata?.name)).toEqual(['p3', 'p4', 'p5']);
        expect(second.items[2]?.['spec']).toBeUndefined();
        expect(second.nextKey).toBe('/pods/ns/p6');
        const third = await storage.list('/pods/ns/', { limit: 3, revision: first.revision, startKey: second.nextKey! });
        expect(third.items.map((o) => o.metadata?.name)).toEqual(['p6']);
        expect(third.more).toBe(false);
        const now = await storage.list('/pods/ns/');
        expect(now.items.map((o) => o.metadata?.name)).toEqual(['p0', 'p1', 'p2', 'p3', 'p35', 'p5', 'p6']);
      });

      test('.list() — past revision → the state then', async (storage) => {
        const a = await storage.create('/pods/ns/a', pod('a', { metadata: { name: 'a', namespace: 'ns' } }));
        const a2 = await storage.guaranteedUpdate('/pods/ns/a', (o) => ({ ...o!, spec: { v: 2 } }));
        const b = await storage.create('/pods/ns/b', pod('b', { metadata: { name: 'b', namespace: 'ns' } }));
        await storage.delete('/pods/ns/a');
        expect((await storage.list('/pods/', { revision: rv(a) })).items).toEqual([a]);
        expect((await storage.list('/pods/', { revision: rv(a2) - 1 })).items).toEqual([a]);
        expect((await storage.list('/pods/', { revision: rv(a2) })).items).toEqual([a2]);
        expect((await storage.list('/pods/', { revision: rv(b) })).items.map((o) => o.metadata?.name)).toEqual(['a', 'b']);
        expect((await storage.list('/pods/')).items.map((o) => o.metadata?.name)).toEqual(['b']);
      });

      // etcd3 errors.go interpretListError: a compacted revision is Expired with Kubernetes' own message.
      test('.list() — revision below the compaction point → Expired 410 `The resourceVersion for the provided list is too old.`; above the current one → Timeout 504', async (storage) => {
        const r1 = rv(await storage.create('/pods/ns/a', pod('a')));
        const r2 = rv(await storage.create('/pods/ns/b', pod('b')));
        await storage.compact(r2);
        await expectStatus(storage.list('/pods/', { revision: r1 }), 'Expired', 410, LIST_TOO_OLD_MESSAGE);
        expect((await storage.list('/pods/', { revision: r2 })).items).toHaveLength(2);
        // Far enough ahead that no other writer of a shared store reaches it meanwhile.
        const future = r2 + 1_000_000;
        const error = await storage.list('/pods/', { revision: future }).catch((e: unknown) => e);
        expect(isStatusError(error) && error.reason === 'Timeout' && error.code === 504).toBe(true);
        const current = Number(/^Timeout: Too large resource version: (\d+), current: (\d+)$/.exec((error as Error).message)?.[2]);
        expect((error as Error).message).toBe(`Timeout: Too large resource version: ${future}, current: ${current}`);
        expect(current).toBeGreaterThanOrEqual(r2);
      });

      test('.list() — bad limit, revision or startKey → TypeError / RangeError / BadRequest', async (storage) => {
        await expect(storage.list('/pods/', { limit: 0 })).rejects.toThrow(new RangeError('Expected `limit` to be a positive integer, got `0` (number)'));
        await expect(storage.list('/pods/', { limit: 1.5 })).rejects.toThrow(new TypeError('Expected `limit` to be a positive integer, got `1.5` (number)'));
        await expect(storage.list('/pods/', { limit: '5' as unknown as number })).rejects.toThrow(new TypeError('Expected `limit` to be a positive integer, got `"5"` (string)'));
        await expect(storage.list('/pods/', { revision: -1 })).rejects.toThrow(new RangeError('Expected `revision` to be a non-negative integer, got `-1` (number)'));
        await expect(storage.list('/pods/', { revision: Number.NaN })).rejects.toThrow(new TypeError('Expected `revision` to be a non-negative integer, got `NaN` (number)'));
        await expectStatus(storage.list('/pods/', { startKey: '/nodes/a' }), 'BadRequest', 400, 'invalid start key "/nodes/a": not under the prefix "/pods/"');
        await expectStatus(storage.list('pods/'), 'BadRequest', 400, 'invalid prefix "pods/": must start with "/"');
      });
    });

    describe('guaranteedUpdate', () => {
      test('.guaranteedUpdate() — applies, bumps the revision, keeps uid and creationTimestamp', async (storage) => {
        const created = await storage.create('/pods/ns/a', pod('a'));
        const r0 = rv(created);
        const watch = storage.watch('/pods/', { fromRevision: r0 });
        const updated = await storage.guaranteedUpdate('/pods/ns/a', (o) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: o!.metadata!.name!, labels: { x: 'y' } }, spec: { v: 2 } }));
        expect(rv(updated)).toBeGreaterThan(r0);
        expect(updated.metadata).toEqual({
          name: 'a',
          labels: { x: 'y' },
          resourceVersion: String(rv(updated)),
          uid: created.metadata?.uid,
          creationTimestamp: created.metadata?.creationTimestamp,
        });
        expect(isDeepFrozen(updated)).toBe(true);
        expect(await storage.get('/pods/ns/a')).toEqual(updated);
        const events = await drain(watch, rv(updated));
        expect(events).toEqual([{ type: 'MODIFIED', key: '/pods/ns/a', object: updated, prevObject: created, revision: rv(updated) }]);
      });

      test('.guaranteedUpdate() — a change of nothing → no write, the current object', async (storage) => {
        const created = await storage.create('/pods/ns/a', pod('a', { spec: { v: 1 } }));
        const same = await storage.guaranteedUpdate('/pods/ns/a', (o) => ({ ...o!, spec: { v: 1 } }));
        expect(same).toEqual(created);
        await expectNoWritesSince(storage, rv(created));
      });

      // etcd3 store.go GuaranteedUpdate: the encoded object equal to the stored bytes is no write.
      test('.guaranteedUpdate() — same encoded bytes (a field set to undefined) → no write, no event, the stored object', async (storage) => {
        const created = await storage.create('/pods/ns/a', pod('a', { spec: { v: 1 } }));
        const r = rv(created);
        const same = await storage.guaranteedUpdate('/pods/ns/a', (o) => ({ ...o!, extra: undefined, spec: { v: 1, gone: undefined }, metadata: { ...o!.metadata, labels: undefined } as never }));
        expect(same).toEqual(created);
        expect(same.metadata?.resourceVersion).toBe(String(r));
        await expectNoWritesSince(storage, r);
        // Key order is no change either: the encoding is canonical.
        const reordered = await storage.guaranteedUpdate('/pods/ns/a', (o) => ({ spec: { v: 1 }, metadata: o!.metadata!, kind: 'Pod', apiVersion: 'v1' }));
        expect(reordered.metadata?.resourceVersion).toBe(String(r));
        await expectNoWritesSince(storage, r);
      });

      test('.guaranteedUpdate() — stale resourceVersion from the caller → Conflict 409, nothing written', async (storage) => {
        const created = await storage.create('/pods/ns/web-0', pod('web-0'));
        const r = rv(await storage.guaranteedUpdate('/pods/ns/web-0', (o) => ({ ...o!, spec: { v: 2 } })));
        await expectStatus(
          storage.guaranteedUpdate('/pods/ns/web-0', () => ({ ...created, spec: { v: 3 } })),
          'Conflict',
          409,
          `Operation cannot be fulfilled on pods "web-0": ${CONFLICT}`,
        );
        await expectNoWritesSince(storage, r);
        // An empty resourceVersion is an unconditional update.
        const forced = await storage.guaranteedUpdate('/pods/ns/web-0', () => ({ ...created, metadata: { ...created.metadata, resourceVersion: '' }, spec: { v: 4 } }));
        expect(forced['spec']).toEqual({ v: 4 });
      });

      test('.guaranteedUpdate() — uid or resourceVersion precondition not met → Conflict 409', async (storage) => {
        const created = await storage.create('/pods/ns/a', pod('a'));
        const rv = created.metadata!.resourceVersion!;
        const uid = created.metadata!.uid!;
        const bump: UpdateFunction = (o) => ({ ...o!, spec: { bumped: true } });
        await expectStatus(
          storage.guaranteedUpdate('/pods/ns/a', bump, { preconditions: { uid: 'other' } }),
          'Conflict',
          409,
          `Operation cannot be fulfilled on pods "a": Precondition failed: UID in precondition: other, UID in object meta: ${uid}`,
        );
        await expectStatus(
          storage.guaranteedUpdate('/pods/ns/a', bump, { preconditions: { resourceVersion: '999999' } }),
          'Conflict',
          409,
          `Operation cannot be fulfilled on pods "a": Precondition failed: ResourceVersion in precondition: 999999, ResourceVersion in object meta: ${rv}`,
        );
        const ok = await storage.guaranteedUpdate('/pods/ns/a', bump, { preconditions: { uid, resourceVersion: rv } });
        expect(ok['spec']).toEqual({ bumped: true });
      });

      test('.guaranteedUpdate() — missing key → NotFound 404; ignoreNotFound → tryUpdate(undefined) creates', async (storage) => {
        await expectStatus(storage.guaranteedUpdate('/pods/ns/a', (o) => o!), 'NotFound', 404, 'pods "a" not found');
        const seen: (KubeObject | undefined)[] = [];
        const created = await storage.guaranteedUpdate(
          '/pods/ns/a',
          (o) => {
            seen.push(o);
            return pod('a', { spec: { v: 1 } });
          },
          { ignoreNotFound: true },
        );
        expect(seen).toEqual([undefined]);
        expect(created.metadata?.uid).toMatch(/^\S+$/);
        expect(await storage.get('/pods/ns/a')).toEqual(created);
      });

      test('.guaranteedUpdate() — tryUpdate throws → that error, nothing written', async (storage) => {
        const r = rv(await storage.create('/pods/ns/a', pod('a')));
        const failure = new Error('no');
        await expect(storage.guaranteedUpdate('/pods/ns/a', () => Promise.reject(failure))).rejects.toBe(failure);
        await expectNoWritesSince(storage, r);
      });

      test('.guaranteedUpdate() — key written while tryUpdate runs → re-read and retried, applied once', async (storage) => {
        await storage.create('/pods/ns/a', pod('a', { spec: { n: 0 } }));
        const seen: unknown[] = [];
        const result = await storage.guaranteedUpdate(
          '/pods/ns/a',
          async (o) => {
            seen.push(o!['spec']);
            if (seen.length === 1) await storage.guaranteedUpdate('/pods/ns/a', (p) => ({ ...p!, spec: { n: 10 } }));
            return { ...o!, spec: { n: (o!['spec'] as { n: number }).n + 1 } };
          },
          { retry: { durationMs: 0, jitter: 0 } },
        );
        expect(seen).toEqual([{ n: 0 }, { n: 10 }]);
        expect(result['spec']).toEqual({ n: 11 });
      });

      // etcd3 store.go GuaranteedUpdate: a lost transaction is retried on the fresh state
      // without bound; only the caller's own conditions (preconditions, a stale
      // resourceVersion) end an update with Conflict.
      test('.guaranteedUpdate() — key written on every attempt → retried without bound (`steps` is no limit) until the signal aborts', async (storage) => {
        await storage.create('/pods/ns/a', pod('a', { spec: { n: 0 } }));
        const controller = new AbortController();
        const reason = new Error('enough');
        let calls = 0;
        const error = await storage
          .guaranteedUpdate(
            '/pods/ns/a',
            async (o) => {
              calls++;
              await storage.guaranteedUpdate('/pods/ns/a', (p) => ({ ...p!, spec: { n: calls } }));
              if (calls === 12) controller.abort(reason);
              return { ...o!, spec: { lost: true } };
            },
            { retry: { steps: 3, durationMs: 0, jitter: 0 }, signal: controller.signal },
          )
          .catch((e: unknown) => e);
        expect(error).toBe(reason);
        expect(calls).toBe(12);
        expect((await storage.get('/pods/ns/a'))['spec']).toEqual({ n: 12 });
      });

      test('.guaranteedUpdate() — 30 concurrent unconditional increments, even with retry steps 1 → all applied (counter = 30)', async (storage) => {
        const r0 = rv(await storage.create('/counters/ns/c', { metadata: { name: 'c', namespace: 'ns' }, count: 0 }));
        const increment: UpdateFunction = async (o) => {
          await new Promise<void>((resolve) => setImmediate(resolve));
          return { ...o!, count: (o!['count'] as number) + 1 };
        };
        const results = await Promise.allSettled(
          Array.from({ length: 30 }, () => storage.guaranteedUpdate('/counters/ns/c', increment, { retry: { steps: 1, durationMs: 1, jitter: 1 } })),
        );
        expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
        const final = await storage.get('/counters/ns/c');
        expect(final['count']).toBe(30);
        // One write per increment: 30 events, the last one the final state.
        const events = await drain(storage.watch('/', { fromRevision: r0 }), rv(final));
        expect(events).toHaveLength(30);
      });

      test('.guaranteedUpdate() — 30 concurrent updates with a resourceVersion precondition → one applied, the 29 stale ones Conflict 409', async (storage) => {
        const created = await storage.create('/counters/ns/c', { metadata: { name: 'c', namespace: 'ns' }, count: 0 });
        const rv = created.metadata!.resourceVersion!;
        const increment: UpdateFunction = async (o) => {
          await new Promise<void>((resolve) => setImmediate(resolve));
          return { ...o!, count: (o!['count'] as number) + 1 };
        };
        const results = await Promise.allSettled(
          Array.from({ length: 30 }, () =>
            storage.guaranteedUpdate('/counters/ns/c', increment, { preconditions: { resourceVersion: rv }, retry: { durationMs: 1, jitter: 1 } }),
          ),
        );
        const applied = results.filter((r) => r.status === 'fulfilled');
        expect(applied).toHaveLength(1);
        const now = (await storage.get('/counters/ns/c')).metadata!.resourceVersion!;
        const message = `Operation cannot be fulfilled on counters "c": Precondition failed: ResourceVersion in precondition: ${rv}, ResourceVersion in object meta: ${now}`;
        for (const result of results) {
          if (result.status === 'rejected') expectStatusError(result.reason, 'Conflict', 409, message);
        }
        expect((await storage.get('/counters/ns/c'))['count']).toBe(1);
      });

      test('.guaranteedUpdate() — 30 concurrent results carrying the resourceVersion they were read at → one applied, 29 Conflict 409', async (storage) => {
        const base = await storage.create('/counters/ns/c', { metadata: { name: 'c', namespace: 'ns' }, count: 0 });
        // A client's PUT: its body is fixed, so a retry on the fresh state still carries the old version.
        const put: UpdateFunction = async () => {
          await new Promise<void>((resolve) => setImmediate(resolve));
          return { ...base, count: 1 };
        };
        const results = await Promise.allSettled(Array.from({ length: 30 }, () => storage.guaranteedUpdate('/counters/ns/c', put, { retry: { durationMs: 1, jitter: 1 } })));
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        for (const result of results) {
          if (result.status === 'rejected') expectStatusError(result.reason, 'Conflict', 409, `Operation cannot be fulfilled on counters "c": ${CONFLICT}`);
        }
      });

      test('.guaranteedUpdate() — uid precondition: the key written meanwhile → retried and applied; deleted and recreated meanwhile → Conflict 409', async (storage) => {
        const created = await storage.create('/pods/ns/a', pod('a', { spec: { n: 0 } }));
        const uid = created.metadata!.uid!;
        let calls = 0;
        const applied = await storage.guaranteedUpdate(
          '/pods/ns/a',
          async (o) => {
            if (++calls === 1) await storage.guaranteedUpdate('/pods/ns/a', (p) => ({ ...p!, spec: { n: 10 } }));
            return { ...o!, spec: { n: (o!['spec'] as { n: number }).n + 1 } };
          },
          { preconditions: { uid }, retry: { durationMs: 0, jitter: 0 } },
        );
        expect(calls).toBe(2);
        expect(applied['spec']).toEqual({ n: 11 });
        let recreated: KubeObject | undefined;
        await expectStatus(
          storage.guaranteedUpdate(
            '/pods/ns/a',
            async (o) => {
              if (recreated === undefined) {
                await storage.delete('/pods/ns/a');
                recreated = await storage.create('/pods/ns/a', pod('a', { metadata: { name: 'a', uid: 'other' } }));
              }
              return { ...o!, spec: { lost: true } };
            },
            { preconditions: { uid }, retry: { durationMs: 0, jitter: 0 } },
          ),
          'Conflict',
          409,
          `Operation cannot be fulfilled on pods "a": Precondition failed: UID in precondition: ${uid}, UID in object meta: other`,
        );
        expect(await storage.get('/pods/ns/a')).toEqual(recreated);
      });

      test('.guaranteedUpdate() — 100 concurrent callers on one key → each applied exactly once (counter = 100)', async (storage) => {
        const r0 = rv(await storage.create('/counters/ns/c', { metadata: { name: 'c', namespace: 'ns' }, count: 0 }));
        const increment: UpdateFunction = async (o) => {
          // Yield to the other callers so that they really race.
          await new Promise<void>((resolve) => setImmediate(resolve));
          return { ...o!, count: (o!['count'] as number) + 1 };
        };
        const results = await Promise.all(
          Array.from({ length: 100 }, () => storage.guaranteedUpdate('/counters/ns/c', increment, { retry: { steps: 1000, durationMs: 1, factor: 1, jitter: 1 } })),
        );
        const final = await storage.get('/counters/ns/c');
        expect(final['count']).toBe(100);
        expect(await drain(storage.watch('/', { fromRevision: r0 }), rv(final))).toHaveLength(100);
        expect(results.map((o) => o['count']).sort((a, b) => (a as number) - (b as number))).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
      });

      test('.guaranteedUpdate() — 100 concurrent synchronous callers with the default retry → counter = 100', async (storage) => {
        await storage.create('/counters/ns/c', { metadata: { name: 'c', namespace: 'ns' }, count: 0 });
        await Promise.all(Array.from({ length: 100 }, () => storage.guaranteedUpdate('/counters/ns/c', (o) => ({ ...o!, count: (o!['count'] as number) + 1 }))));
        expect((await storage.get('/counters/ns/c'))['count']).toBe(100);
      });
    });

    describe('delete', () => {
      test('.delete() — existing key → the object with the deletion revision; gone afterwards', async (storage) => {
        const created = await storage.create('/pods/ns/a', pod('a'));
        const r0 = rv(created);
        const watch = storage.watch('/pods/', { fromRevision: r0 });
        const deleted = await storage.delete('/pods/ns/a');
        const r1 = rv(deleted);
        expect(r1).toBeGreaterThan(r0);
        expect(deleted).toEqual({ ...created, metadata: { ...created.metadata, resourceVersion: String(r1) } });
        expect(await storage.currentRevision()).toBeGreaterThanOrEqual(r1);
        await expectStatus(storage.get('/pods/ns/a'), 'NotFound', 404, 'pods "a" not found');
        expect(await drain(watch, r1)).toEqual([{ type: 'DELETED', key: '/pods/ns/a', object: deleted, prevObject: created, revision: r1 }]);
      });

      test('.delete() — missing key → NotFound 404; precondition not met → Conflict 409, key kept', async (storage) => {
        await expectStatus(storage.delete('/pods/ns/a'), 'NotFound', 404, 'pods "a" not found');
        const created = await storage.create('/pods/ns/a', pod('a'));
        await expectStatus(
          storage.delete('/pods/ns/a', { preconditions: { uid: 'x' } }),
          'Conflict',
          409,
          `Operation cannot be fulfilled on pods "a": Precondition failed: UID in precondition: x, UID in object meta: ${created.metadata?.uid}`,
        );
        await expectStatus(
          storage.delete('/pods/ns/a', { preconditions: { resourceVersion: '0' } }),
          'Conflict',
          409,
          `Operation cannot be fulfilled on pods "a": Precondition failed: ResourceVersion in precondition: 0, ResourceVersion in object meta: ${created.metadata?.resourceVersion}`,
        );
        expect(await storage.get('/pods/ns/a')).toEqual(created);
        await storage.delete('/pods/ns/a', { preconditions: { uid: created.metadata!.uid!, resourceVersion: created.metadata!.resourceVersion! } });
      });
    });

    describe('watch', () => {
      test('.watch() — from a revision → exactly the later changes under the prefix, in order, then a bookmark', async (storage) => {
        const r0 = rv(await storage.create('/pods/ns/before', pod('before')));
        const a = await storage.create('/pods/ns/a', pod('a'));
        await storage.create('/services/ns/s', { metadata: { name: 's', namespace: 'ns' } });
        const a2 = await storage.guaranteedUpdate('/pods/ns/a', (o) => ({ ...o!, spec: { v: 2 } }));
        const gone = await storage.delete('/pods/ns/a');
        const events = await drain(storage.watch('/pods/', { fromRevision: r0 }), rv(gone));
        expect(events).toEqual([
          { type: 'ADDED', key: '/pods/ns/a', object: a, revision: rv(a) },
          { type: 'MODIFIED', key: '/pods/ns/a', object: a2, prevObject: a, revision: rv(a2) },
          { type: 'DELETED', key: '/pods/ns/a', object: gone, prevObject: a2, revision: rv(gone) },
        ]);
      });

      // The cacher hands one event to every watcher (cacher.go dispatchEvent): a consumer
      // must not be able to change what the others, or a later catch-up watch, receive.
      test('.watch() — events are frozen: one consumer changing an event fails (TypeError) and changes nothing for other or later watches', async (storage) => {
        const r0 = await storage.currentRevision();
        const first = storage.watch('/pods/', { fromRevision: r0 });
        const second = storage.watch('/pods/', { fromRevision: r0 });
        const created = await storage.create('/pods/ns/a', pod('a'));
        const event = (await first[Symbol.asyncIterator]().next()).value as StorageEvent;
        expect(Object.isFrozen(event)).toBe(true);
        expect(() => {
          (event as { type: string }).type = 'DELETED';
        }).toThrow(TypeError);
        expect(() => {
          (event as { revision: number }).revision = 0;
        }).toThrow(TypeError);
        first.requestProgress();
        const bookmark = (await first[Symbol.asyncIterator]().next()).value as StorageEvent;
        expect(bookmark.type).toBe('BOOKMARK');
        expect(Object.isFrozen(bookmark)).toBe(true);
        first.close();
        const original = { type: 'ADDED', key: '/pods/ns/a', object: created, revision: rv(created) };
        expect(await drain(second, rv(created))).toEqual([original]);
        expect(await drain(storage.watch('/pods/', { fromRevision: r0 }), rv(created))).toEqual([original]);
      });

      test('.watch() — no fromRevision → only future changes', async (storage) => {
        await storage.create('/pods/ns/old', pod('old'));
        const watch = storage.watch('/pods/');
        const r0 = await storage.currentRevision();
        const fresh = await storage.create('/pods/ns/new', pod('new'));
        expect(rv(fresh)).toBeGreaterThan(r0);
        expect(await drain(watch, rv(fresh))).toEqual([{ type: 'ADDED', key: '/pods/ns/new', object: fresh, revision: rv(fresh) }]);
      });

      test('.watch() — live events arrive while the consumer waits', async (storage) => {
        const r0 = await storage.currentRevision();
        const watch = storage.watch('/pods/', { fromRevision: r0 });
        const iterator = watch[Symbol.asyncIterator]();
        const pending = iterator.next();
        const created = await storage.create('/pods/ns/a', pod('a'));
        expect(await pending).toEqual({ done: false, value: { type: 'ADDED', key: '/pods/ns/a', object: created, revision: rv(created) } });
        watch.close();
        expect(await iterator.next()).toEqual({ done: true, value: undefined });
      });

      // etcd3 errors.go interpretWatchError: a compacted revision is Expired with Kubernetes' own message.
      test('.watch() — fromRevision below the compaction point → Expired 410 `The resourceVersion for the provided watch is too old.`', async (storage) => {
        const r1 = rv(await storage.create('/pods/ns/a', pod('a')));
        const r2 = rv(await storage.create('/pods/ns/b', pod('b')));
        const r3 = rv(await storage.create('/pods/ns/c', pod('c')));
        await storage.compact(r2);
        const error = await drain(storage.watch('/pods/', { fromRevision: r1 }), r3).then(
          () => undefined,
          (e: unknown) => e,
        );
        expectStatusError(error, 'Expired', 410, WATCH_TOO_OLD_MESSAGE);
        // Just below the compaction point is too old as well: the change after it may be gone.
        const below = await drain(storage.watch('/pods/', { fromRevision: r2 - 1 }), r3).catch((e: unknown) => e);
        expectStatusError(below, 'Expired', 410, WATCH_TOO_OLD_MESSAGE);
        const events = await drain(storage.watch('/pods/', { fromRevision: r2 }), r3);
        expect(events.map((e) => e.revision)).toEqual([r3]);
      });

      test('.watch() — abort signal → the iteration ends cleanly', async (storage) => {
        const controller = new AbortController();
        const r0 = await storage.currentRevision();
        const watch = storage.watch('/pods/', { fromRevision: r0, signal: controller.signal });
        const seen: StorageEvent[] = [];
        const consumed = (async () => {
          for await (const event of watch) {
            seen.push(event);
            if (seen.length === 1) controller.abort();
          }
        })();
        const a = await storage.create('/pods/ns/a', pod('a'));
        await consumed;
        await storage.create('/pods/ns/b', pod('b'));
        expect(seen.map((e) => e.revision)).toEqual([rv(a)]);
        const aborted = storage.watch('/pods/', { fromRevision: r0, signal: AbortSignal.abort() });
        expect(await aborted[Symbol.asyncIterator]().next()).toEqual({ done: true, value: undefined });
      });

      test('.watch() — break out of for-await → closed; the store keeps working', async (storage) => {
        const r0 = await storage.currentRevision();
        const a = await storage.create('/pods/ns/a', pod('a'));
        await storage.create('/pods/ns/b', pod('b'));
        const watch = storage.watch('/pods/', { fromRevision: r0 });
        for await (const event of watch) {
          expect(event.revision).toBe(rv(a));
          break;
        }
        expect(await watch[Symbol.asyncIterator]().next()).toEqual({ done: true, value: undefined });
        const c = await storage.create('/pods/ns/c', pod('c'));
        expect(await storage.currentRevision()).toBeGreaterThanOrEqual(rv(c));
      });

      test('.watch() — fromRevision in the future → only changes after it', async (storage) => {
        const r0 = await storage.currentRevision();
        const from = r0 + 2;
        const watch = storage.watch('/pods/', { fromRevision: from });
        const revisions: number[] = [];
        for (const name of ['a', 'b', 'c', 'd']) revisions.push(rv(await storage.create(`/pods/ns/${name}`, pod(name))));
        expect((await drain(watch, revisions.at(-1)!)).map((e) => e.revision)).toEqual(revisions.filter((r) => r > from));
      });

      test('.watch() — requestProgress with no matching change → a bookmark at the current revision', async (storage) => {
        const watch = storage.watch('/pods/');
        const s = await storage.create('/services/ns/s', { metadata: { name: 's', namespace: 'ns' } });
        watch.requestProgress();
        const iterator = watch[Symbol.asyncIterator]();
        const { value } = await iterator.next();
        // The store's revision when it answered: at least that of the last write, at most the current one.
        expect(value?.type).toBe('BOOKMARK');
        expect(value?.revision).toBeGreaterThanOrEqual(rv(s));
        expect(value?.revision).toBeLessThanOrEqual(await storage.currentRevision());
        watch.close();
      });

      test('.watch() — bad options → TypeError / RangeError, synchronously', async (storage) => {
        expect(() => storage.watch('/pods/', { fromRevision: -1 })).toThrow(new RangeError('Expected `fromRevision` to be a non-negative integer, got `-1` (number)'));
        expect(() => storage.watch('/pods/', { fromRevision: 1.5 })).toThrow(new TypeError('Expected `fromRevision` to be a non-negative integer, got `1.5` (number)'));
        expect(() => storage.watch('/pods/', { bufferSize: 0 })).toThrow(new RangeError('Expected `bufferSize` to be a positive integer, got `0` (number)'));
        expect(() => storage.watch('pods')).toThrow(new StatusError('BadRequest', 'invalid prefix "pods": must start with "/"'));
      });
    });

    describe('history', () => {
      test('.watch()/.list() — from every retained revision → exactly the suffix of the log / the state replayed from it', async (storage) => {
        const r0 = await storage.currentRevision();
        const log = storage.watch('/', { fromRevision: r0 });
        const keys = ['/pods/a/x', '/pods/a/y', '/pods/b/x', '/services/a/x', '/nodes/n'];
        let step = 0;
        for (let round = 0; round < 6; round++) {
          for (const key of keys) {
            step++;
            const { namespace, name } = split(key);
            const exists = await storage.get(key).then(
              () => true,
              () => false,
            );
            if (!exists) await storage.create(key, { metadata: { name, ...(namespace === undefined ? {} : { namespace }) }, step });
            else if ((step + round) % 3 === 0) await storage.delete(key);
            else await storage.guaranteedUpdate(key, (o) => ({ ...o!, step }));
          }
        }
        const head = await storage.currentRevision();
        const events = await drain(log, head);
        // One event per write, in increasing revisions (not necessarily consecutive).
        expect(events).toHaveLength(step);
        const revisions = events.map((e) => e.revision);
        expect(revisions).toEqual([...revisions].sort((x, y) => x - y));
        expect(new Set(revisions).size).toBe(step);
        const compactTo = revisions[6]!;
        await storage.compact(compactTo);
        expect(await storage.compactedRevision()).toBe(compactTo);
        // Every revision a write of this test made, and one between two of them when there is a gap.
        const probes = [...new Set(revisions.filter((r) => r >= compactTo).flatMap((r) => [r, r + 1 < head ? r + 1 : r]))];
        for (const prefix of ['/', '/pods/', '/pods/a/']) {
          for (const r of probes) {
            const expected = events.filter((e) => e.revision > r && e.type !== 'BOOKMARK' && e.key.startsWith(prefix));
            expect(await drain(storage.watch(prefix, { fromRevision: r }), head)).toEqual(expected);
            const state = new Map<string, KubeObject>();
            for (const e of events) {
              if (e.revision > r || e.type === 'BOOKMARK' || !e.key.startsWith(prefix)) continue;
              if (e.type === 'DELETED') state.delete(e.key);
              else state.set(e.key, e.object);
            }
            const sorted = [...state.entries()].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)).map(([, o]) => o);
            const listed = await storage.list(prefix, { revision: r });
            expect(listed.items).toEqual(sorted);
            expect(listed.revision).toBe(r);
          }
        }
      });

      test('.compact() — revision in the future → RangeError; at or below the compaction point → no-op', async (storage) => {
        const a = await storage.create('/pods/ns/a', pod('a'));
        const r = rv(await storage.create('/pods/ns/b', pod('b')));
        // Far enough ahead that no other writer of a shared store reaches it meanwhile.
        const future = r + 1_000_000;
        const error = await storage.compact(future).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(RangeError);
        expect((error as Error).message).toMatch(new RegExp(`^Expected \`revision\` to be at most the current revision \\d+, got \`${future}\` \\(number\\)$`));
        await expect(storage.compact(-1)).rejects.toThrow(new RangeError('Expected `revision` to be a non-negative integer, got `-1` (number)'));
        await storage.compact(r);
        await storage.compact(r - 1);
        expect(await storage.compactedRevision()).toBe(r);
        expect((await storage.list('/pods/')).items).toHaveLength(2);
        await expectStatus(storage.list('/pods/', { revision: r - 1 }), 'Expired', 410, LIST_TOO_OLD_MESSAGE);
        await expectStatus(storage.list('/pods/', { revision: rv(a) }), 'Expired', 410, LIST_TOO_OLD_MESSAGE);
      });

      test('.compact() — a deleted key → gone from lists at and after the compaction point', async (storage) => {
        await storage.create('/pods/ns/a', pod('a'));
        const deleted = rv(await storage.delete('/pods/ns/a'));
        const b = await storage.create('/pods/ns/b', pod('b'));
        await storage.compact(deleted);
        expect((await storage.list('/pods/', { revision: deleted })).items).toEqual([]);
        expect((await storage.list('/pods/')).items).toEqual([b]);
        await expectStatus(storage.get('/pods/ns/a'), 'NotFound', 404, 'pods "a" not found');
        const again = await storage.create('/pods/ns/a', pod('a'));
        expect((await storage.list('/pods/')).items).toEqual([again, b]);
      });
    });
  });
}

/** The revision of a stored object (its `resourceVersion`). */
function rv(object: KubeObject): number {
  return Number(object.metadata?.resourceVersion);
}

/** Asserts that no key of the store changed after `revision` (a watch from it sees nothing up to now). */
async function expectNoWritesSince(storage: Storage, revision: number): Promise<void> {
  expect(await drain(storage.watch('/', { fromRevision: revision }), await storage.currentRevision())).toEqual([]);
}

/** A Pod named `name`; `extra` adds top-level fields, its `metadata` replaces the default one. */
function pod(name: string, extra: Record<string, unknown> = {}): KubeObject {
  const { metadata = { name }, ...rest } = extra;
  return { apiVersion: 'v1', kind: 'Pod', metadata: metadata as NonNullable<KubeObject['metadata']>, ...rest };
}

function split(key: string): { namespace: string | undefined; name: string } {
  const parts = key.split('/');
  return parts.length === 4 ? { namespace: parts[2]!, name: parts[3]! } : { namespace: undefined, name: parts[2]! };
}

/** Reads a watch until a bookmark at or after `revision`, then closes it; returns the change events. */
async function drain(watch: StorageWatch, revision: number): Promise<StorageEvent[]> {
  const events: StorageEvent[] = [];
  watch.requestProgress();
  for await (const event of watch) {
    if (event.type !== 'BOOKMARK') {
      events.push(event);
      continue;
    }
    if (event.revision >= revision) break;
    watch.requestProgress();
  }
  return events;
}

async function expectStatus(promise: Promise<unknown>, reason: StatusReason, code: number, message: string): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expectStatusError(error, reason, code, message);
}

function expectStatusError(error: unknown, reason: StatusReason, code: number, message: string): void {
  expect(isStatusError(error) ? { reason: error.reason, code: error.code, message: error.message } : error).toEqual({ reason, code, message });
}

function isDeepFrozen(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return true;
  if (!Object.isFrozen(value)) return false;
  return Object.values(value).every(isDeepFrozen);
}
