/** seedIfEmpty(): a shared store is seeded once, by the first replica to find it empty. */
import { isStatusError, StatusError } from '@apiserver-kit/codec';
import { MemoryStorage } from '@apiserver-kit/storage';
import { describe, expect, it } from 'vitest';
import { CORE_V1_RESOURCES } from '../src/resources.js';
import { syntheticCluster } from '../src/seed.js';
import { isStoreEmpty, seedIfEmpty } from '../src/seed-storage.js';

const SMALL = { namespaces: 2, nodes: 3, pods: 10, configmaps: 1 };
const count = (): number => [...syntheticCluster(SMALL)].length;

describe('seedIfEmpty()', () => {
  it('empty store → writes every entry; a second call finds it seeded and writes nothing', async () => {
    const storage = new MemoryStorage();
    expect(await isStoreEmpty(storage, CORE_V1_RESOURCES)).toBe(true);
    expect(await seedIfEmpty(storage, syntheticCluster(SMALL), CORE_V1_RESOURCES)).toEqual({ skipped: false, written: count() });
    expect(await isStoreEmpty(storage, CORE_V1_RESOURCES)).toBe(false);
    const revision = await storage.currentRevision();
    expect(await seedIfEmpty(storage, syntheticCluster(SMALL), CORE_V1_RESOURCES)).toEqual({ skipped: true, written: 0 });
    expect(await storage.currentRevision()).toBe(revision);
  });

  it('two replicas seeding at once → one copy: each skips what the other wrote (AlreadyExists)', async () => {
    const storage = new MemoryStorage();
    const [first, second] = await Promise.all([
      seedIfEmpty(storage, syntheticCluster(SMALL), CORE_V1_RESOURCES, { concurrency: 3 }),
      seedIfEmpty(storage, syntheticCluster(SMALL), CORE_V1_RESOURCES, { concurrency: 3 }),
    ]);
    expect(first!.skipped || second!.skipped || first!.written + second!.written === count()).toBe(true);
    expect((await storage.list('/pods/')).items).toHaveLength(10);
  });

  it('a create failing otherwise → that error, after the creates in flight', async () => {
    const storage = new MemoryStorage();
    let creates = 0;
    const create = storage.create.bind(storage);
    storage.create = async (key, object, options) => {
      if (++creates === 4) throw new StatusError('ServiceUnavailable', 'etcd is unavailable');
      return create(key, object, options);
    };
    const error = await seedIfEmpty(storage, syntheticCluster(SMALL), CORE_V1_RESOURCES, { concurrency: 2 }).catch((e: unknown) => e);
    expect(isStatusError(error, 'ServiceUnavailable')).toBe(true);
    expect(creates).toBeLessThanOrEqual(5);
  });

  it('bad concurrency → RangeError', async () => {
    await expect(seedIfEmpty(new MemoryStorage(), [], CORE_V1_RESOURCES, { concurrency: 0 })).rejects.toThrow(RangeError);
  });
});
