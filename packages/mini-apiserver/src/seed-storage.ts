/**
 * Seeding a shared store once: several host replicas start on one etcd, and
 * only the first to find it empty writes the synthetic cluster. Two that
 * start together may both find it empty; each then skips what the other
 * already wrote (AlreadyExists), so the result is one copy of the seed.
 */
import { isStatusError } from '@apiserver-kit/codec';
import { checkInteger } from '@apiserver-kit/core';
import type { Storage } from '@apiserver-kit/storage';
import { type ResourceInfo, storagePrefix } from './resources.js';
import type { SeedEntry } from './seed.js';

/** Options of {@link seedIfEmpty}. */
export interface SeedIfEmptyOptions {
  /** Creates in flight at once (a networked store pays a round trip per create). @default 32 */
  readonly concurrency?: number | undefined;
}

/** What {@link seedIfEmpty} did. */
export interface SeedResult {
  /** Whether the store already held objects of a served resource (nothing was written). */
  readonly skipped: boolean;
  /** Objects created (those another writer created first are not counted). */
  readonly written: number;
}

/** Whether `storage` holds no object under any of `resources`' prefixes: one range of one key per resource. */
export async function isStoreEmpty(storage: Storage, resources: readonly ResourceInfo[]): Promise<boolean> {
  for (const info of resources) {
    if ((await storage.list(storagePrefix(info), { limit: 1 })).items.length > 0) return false;
  }
  return true;
}

/**
 * Creates the entries of `seed` when `storage` holds nothing of `resources`,
 * `concurrency` creates at a time; an entry that exists already (a replica
 * seeding at the same moment) is skipped.
 *
 * @throws StatusError from storage other than AlreadyExists (ServiceUnavailable 503
 *   when etcd is unreachable); creates in flight then still finish, the rest are not started.
 * @throws RangeError for a bad `concurrency`.
 */
export async function seedIfEmpty(storage: Storage, seed: Iterable<SeedEntry>, resources: readonly ResourceInfo[], options: SeedIfEmptyOptions = {}): Promise<SeedResult> {
  const concurrency = options.concurrency ?? 32;
  checkInteger('concurrency', concurrency, 1);
  if (!(await isStoreEmpty(storage, resources))) return { skipped: true, written: 0 };
  const entries = seed[Symbol.iterator]();
  let written = 0;
  let failure: { error: unknown } | undefined;
  // A small pool over one iterator: the generator stays lazy, and one failure stops new creates.
  const worker = async (): Promise<void> => {
    while (failure === undefined) {
      const next = entries.next();
      if (next.done === true) return;
      try {
        await storage.create(next.value.key, next.value.object);
        written++;
      } catch (error) {
        if (!isStatusError(error, 'AlreadyExists')) failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  if (failure !== undefined) throw failure.error;
  return { skipped: false, written };
}
