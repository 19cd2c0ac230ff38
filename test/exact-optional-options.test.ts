// Options, requests and inits across the packages: an optional property set to
// `undefined` means unset, in the types (a strict caller with
// `exactOptionalPropertyTypes` may pass `T | undefined`) and at run time (the
// same answer as leaving it out).
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { encodedBytes, JsonEncoder, type KubeObject, negotiateEncoder, YamlEncoder } from '../packages/codec/src/index.js';
import { FakeClock, MemoryStorage } from '../packages/storage/src/index.js';
import { Cacher, type ListerWatcher, storageListerWatcher } from '../packages/cache/src/index.js';
import { MultiLevelLimiter, PriorityAndFairness, TokenBucket } from '../packages/flowcontrol/src/index.js';
import { startApiServer } from '../packages/mini-apiserver/src/index.js';
import { createFlowControl } from '../packages/mini-apiserver/src/handlers/flow-control.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function pod(name: string, app: string): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'ns', labels: { app } } };
}

async function seeded(clock: FakeClock): Promise<MemoryStorage> {
  const storage = new MemoryStorage({ clock });
  for (let i = 0; i < 5; i++) await storage.create(`/pods/ns/p${i}`, pod(`p${i}`, i % 2 === 0 ? 'a' : 'b'));
  return storage;
}

describe('the public types — exactOptionalPropertyTypes', () => {
  it('tsc --noEmit -p test/types/tsconfig.json — every optional option takes `T | undefined` (against the built declarations)', () => {
    const tsc = fileURLToPath(new URL('../node_modules/typescript/bin/tsc', import.meta.url));
    let output = '';
    try {
      execFileSync(process.execPath, [tsc, '--noEmit', '-p', 'test/types/tsconfig.json'], { cwd: root, encoding: 'utf8', timeout: 60_000 });
    } catch (error) {
      output = String((error as { stdout?: unknown }).stdout ?? error);
    }
    expect(output).toBe('');
  });
});

describe('explicit `undefined` = unset, at run time', () => {
  it('MemoryStorage — options, .list(), .watch(), .guaranteedUpdate(), .delete() with every option `undefined`', async () => {
    const clock = new FakeClock();
    const storage = await seeded(clock);
    const loose = new MemoryStorage({ clock, retainMs: undefined, retainRevisions: undefined, retry: { steps: undefined, jitter: undefined }, watchBufferSize: undefined, random: undefined, uid: undefined });
    await loose.create('/pods/ns/a', pod('a', 'a'), { signal: undefined });
    expect((await loose.list('/pods/')).items).toHaveLength(1);

    const keys = (result: { items: readonly KubeObject[] }): string[] => result.items.map((o) => o.metadata!.name!);
    expect(await storage.list('/pods/', { revision: undefined, limit: undefined, startKey: undefined })).toEqual(await storage.list('/pods/'));
    const page = await storage.list('/pods/', { limit: 2, revision: undefined, startKey: undefined });
    expect(page).toEqual(await storage.list('/pods/', { limit: 2 }));
    expect(keys(page)).toEqual(['p0', 'p1']);

    const watch = storage.watch('/pods/', { fromRevision: undefined, bufferSize: undefined, signal: undefined });
    const updated = await storage.guaranteedUpdate('/pods/ns/p0', (o) => ({ ...o!, spec: { v: 2 } }), {
      preconditions: { uid: undefined, resourceVersion: undefined },
      ignoreNotFound: undefined,
      retry: { steps: undefined, durationMs: undefined, factor: undefined, jitter: undefined, capMs: undefined },
      signal: undefined,
    });
    const first = await watch[Symbol.asyncIterator]().next();
    watch.close();
    expect(first.value).toMatchObject({ type: 'MODIFIED', object: { metadata: { name: 'p0', resourceVersion: updated.metadata!.resourceVersion } } });
    expect((await storage.delete('/pods/ns/p1', { preconditions: { uid: undefined }, signal: undefined })).metadata!.name).toBe('p1');
  });

  it('Cacher.list() / .watch() / .get() — every request field `undefined` answers as the request without it', async () => {
    const clock = new FakeClock();
    const storage = await seeded(clock);
    const cacher = new Cacher({
      resource: 'pods',
      clock,
      source: storageListerWatcher(storage, '/pods/', { pageSize: undefined, watchBufferSize: undefined }),
      reflector: { progressIntervalMs: 0, backoff: undefined, onError: undefined },
      bookmarkIntervalMs: 0,
      storage: undefined,
      queueSizes: { routed: undefined, filtered: undefined, unfiltered: undefined },
      budgetRefillMsPerSecond: undefined,
      budgetCapMs: undefined,
      bookmarkJitter: undefined,
      random: undefined,
      metrics: undefined,
      objectKind: undefined,
      prefix: undefined,
      keyOf: undefined,
      selectableFields: undefined,
      indexes: undefined,
      capacity: undefined,
      consistentReadTimeoutMs: undefined,
      maxSnapshots: undefined,
      snapshotTtlMs: undefined,
      onResize: undefined,
    });
    cacher.start();
    try {
      await cacher.onReady();
      const unset = { labelSelector: undefined, fieldSelector: undefined, namespace: undefined, resourceVersion: undefined, resourceVersionMatch: undefined, signal: undefined } as const;
      const shape = (r: Awaited<ReturnType<Cacher['list']>>) => ({ names: r.items.map((o) => o.getObject().metadata!.name), rv: r.resourceVersion, continue: r.continue, remaining: r.remainingItemCount, from: r.servedFrom });
      const page = shape(await cacher.list({ ...unset, limit: 2, continue: undefined }));
      expect(page).toEqual(shape(await cacher.list({ limit: 2 })));
      expect(page.names).toEqual(['p0', 'p1']);
      expect(shape(await cacher.list({ ...unset, limit: 2, continue: page.continue }))).toEqual(shape(await cacher.list({ limit: 2, continue: page.continue! })));
      expect(shape(await cacher.list({ ...unset, limit: undefined, continue: undefined }))).toEqual(shape(await cacher.list()));

      // sendInitialEvents `undefined` is "not provided": no Invalid for a missing resourceVersionMatch.
      const watcher = await cacher.watch({ ...unset, sendInitialEvents: undefined, allowWatchBookmarks: undefined, timeoutSeconds: undefined });
      expect(watcher.isStopped).toBe(false);
      watcher.close();
      expect((await cacher.get('p0', { namespace: 'ns', resourceVersion: undefined, signal: undefined })).getObject().metadata!.name).toBe('p0');
    } finally {
      await cacher.stop();
    }
  });

  it('new Cacher({ reflector: { clock: undefined } }) — the Reflector waits on the Cacher\'s clock, as with no `clock` (reflector.go backoff)', async () => {
    const clock = new FakeClock();
    const storage = await seeded(clock);
    const inner = storageListerWatcher(storage, '/pods/');
    let lists = 0;
    const failingOnce: ListerWatcher = {
      list: (options) => (++lists === 1 ? Promise.reject(new Error('connection refused')) : inner.list(options)),
      watch: (options) => inner.watch(options),
      currentRevision: () => storage.currentRevision(),
    };
    const cacher = new Cacher({ resource: 'pods', clock, source: failingOnce, reflector: { clock: undefined, progressIntervalMs: 0, onError: () => {} }, bookmarkIntervalMs: 0 });
    cacher.start();
    try {
      for (let i = 0; i < 50 && lists < 1; i++) await tick();
      expect(lists).toBe(1);
      // The backoff (800 ms ± jitter) runs on the fake clock: settling it relists at once.
      await clock.settle(10);
      for (let i = 0; i < 50 && lists < 2; i++) await tick();
      expect(lists).toBe(2);
      await cacher.onReady();
    } finally {
      await cacher.stop();
    }
  });

  it('TokenBucket / MultiLevelLimiter / PriorityAndFairness — options set to `undefined` decide as the defaults', () => {
    const takes = (bucket: TokenBucket): boolean[] => [bucket.tryTake(1, 0), bucket.tryTake(1, 0), bucket.tryTake(1, 0), bucket.tryTake(1, 1000)];
    expect(takes(new TokenBucket({ ratePerSecond: 1, burst: 2, clock: undefined }))).toEqual(takes(new TokenBucket({ ratePerSecond: 1, burst: 2 })));
    expect(takes(new TokenBucket({ ratePerSecond: 1, burst: 2, clock: undefined }))).toEqual([true, true, false, true]);

    const clock = new FakeClock();
    const decisions = (limiter: MultiLevelLimiter): unknown[] => Array.from({ length: 4 }, () => limiter.decide({ verb: 'get', user: 'alice' }));
    const loose = new MultiLevelLimiter({ clock, readOnly: { ratePerSecond: 1, burst: 2 }, mutating: undefined, levels: undefined, exempt: undefined, priorities: undefined, reserve: undefined, retryAfter: undefined });
    expect(decisions(loose)).toEqual(decisions(new MultiLevelLimiter({ clock: new FakeClock(), readOnly: { ratePerSecond: 1, burst: 2 } })));

    const apf = new PriorityAndFairness({ clock, serverConcurrencyLimit: undefined, priorityLevels: undefined, flowSchemas: undefined, workEstimator: undefined, retryAfter: undefined, estimatedServiceMs: undefined });
    const plain = new PriorityAndFairness({ clock });
    for (const attributes of [{ verb: 'get', user: 'system:kube-scheduler', groups: ['system:masters'] }, { verb: 'list', user: 'alice', namespace: undefined }]) {
      expect(apf.classify(attributes)).toEqual(plain.classify(attributes));
    }
  });

  it('createFlowControl({ priorityAndFairness: { flowSchemas: undefined, clock: undefined } }) — the server\'s schemas and clock, as with the options left out', () => {
    const clock = new FakeClock();
    const unset = createFlowControl({ priorityAndFairness: { flowSchemas: undefined, priorityLevels: undefined, workEstimator: undefined, clock: undefined }, limiter: undefined, maxInFlight: undefined }, clock, () => ({ verb: 'get' }), () => undefined);
    const omitted = createFlowControl({ priorityAndFairness: {} }, clock, () => ({ verb: 'get' }), () => undefined);
    const apf = unset?.priorityAndFairness;
    expect(apf?.clock).toBe(clock);
    const scheduler = { verb: 'get', user: 'system:kube-scheduler', groups: ['system:authenticated'] };
    expect(apf?.classify(scheduler)).toEqual(omitted?.priorityAndFairness?.classify(scheduler));
    expect(apf?.classify(scheduler).priorityLevel).toBe('exempt');
  });

  it('JsonEncoder / YamlEncoder / negotiateEncoder() — options `undefined` encode and negotiate as the defaults', () => {
    const object = pod('a', 'a');
    expect(Buffer.from(encodedBytes(new JsonEncoder({ indent: undefined, maxDepth: undefined }), object))).toEqual(Buffer.from(encodedBytes(new JsonEncoder(), object)));
    expect(Buffer.from(encodedBytes(new YamlEncoder({ indent: undefined, maxDepth: undefined }), object))).toEqual(Buffer.from(encodedBytes(new YamlEncoder(), object)));
    const encoders = [new JsonEncoder(), new YamlEncoder()];
    const chosen = negotiateEncoder('application/yaml', encoders, { watch: undefined, conversions: undefined, prettyQuery: undefined, userAgent: undefined });
    const plain = negotiateEncoder('application/yaml', encoders);
    expect([chosen.encoder, chosen.pretty]).toEqual([plain.encoder, plain.pretty]);
  });

  it('startApiServer({ port: undefined, host: undefined, … }) — serves on a free port of 127.0.0.1, as startApiServer()', async () => {
    const server = await startApiServer({ port: undefined, host: undefined, clock: undefined, storage: undefined, seed: undefined, resources: undefined, flowControl: undefined, metrics: undefined, random: undefined, maxRequestBodyBytes: undefined, minRequestTimeoutSeconds: undefined, enableProfiling: undefined, bootstrapNamespaces: undefined });
    try {
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(server.port).toBeGreaterThan(0);
      const response = await fetch(`${server.url}/api/v1/namespaces`);
      expect(response.status).toBe(200);
      const body = (await response.json()) as { items: { metadata: { name: string } }[] };
      expect(body.items.map((ns) => ns.metadata.name)).toContain('kube-system');
    } finally {
      await server.close();
    }
  });
});
