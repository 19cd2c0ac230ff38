/**
 * The Cacher's path back to its storage, for what the cache cannot serve
 * (Kubernetes' storage/cacher/delegator.go `CacheDelegator`): an Exact list
 * at a revision the cache no longer holds, a continue token older than the
 * cache's history, a consistent read the cache cannot answer in time, a GET
 * without resourceVersion. A list read here has the cache's result shape —
 * items in key order as `CachingObject`s, the revision, a continue token in
 * the cache's format, `remainingItemCount` for an empty selector — and the
 * selectors applied, so a client cannot tell where it was served from.
 *
 * ```
 *   storage.list(prefix, { revision, startKey, limit: chunk }) ──▶ filter by predicate ──▶ page of `limit`
 *        ▲ more keys, page not full: next chunk (twice as large, ≤ 10 000)   │ keys follow: token(last key, revision)
 *        └────────────────────────────────────────────────────────────────────┘ rv's list compacted: 410 + token rv −1
 * ```
 */
import {
  CachingObject,
  expired,
  INCONSISTENT_CONTINUE_MESSAGE,
  isStatusError,
  type KubeObject,
  type ObjectShape,
  tooLargeResourceVersion,
} from '@apiserver-kit/codec';
import type { Storage } from '@apiserver-kit/storage';
import { encodeContinueToken, encodeContinueTokenFrom } from './continue-token.js';
import { SCAN } from './list-planner.js';
import type { SelectableFields } from './selectable-fields.js';
import type { SelectionPredicate } from './selection-predicate.js';
import type { CacheListResult } from './watch-cache.js';

/** What the Cacher reads from its storage: a `Storage<T>` of @apiserver-kit/storage fits (`T`: the object type). */
export type CacherStorage<T extends ObjectShape = KubeObject> = Pick<Storage<T>, 'get' | 'list'>;

/** The largest chunk read from storage at once while filtering (etcd3 store.go's `maxLimit`). */
const MAX_CHUNK = 10_000;

/** A list to read from storage, parsed and validated. */
export interface StorageListRequest {
  /** The key prefix of the list (the resource's, or a namespace's under it), ending with `/`. */
  readonly prefix: string;
  readonly predicate: SelectionPredicate;
  /** At most this many items; 0: all. */
  readonly limit: number;
  /** The revision to read; `undefined`: the current one. */
  readonly revision: number | undefined;
  /** Where to start (a continue token's key), inclusive. */
  readonly startKey: string | undefined;
  /** Whether the list continues a token: its revision's compaction then answers with an rv −1 token. */
  readonly isContinue: boolean;
  /** The request's NotOlderThan minimum: a current revision below it is Timeout 504. */
  readonly minimumRevision: number | undefined;
}

/**
 * Reads one list page from `storage` with the cache's result shape. Keys are
 * storage's (`ListResult.keys`) where it returns them, else `keyOf(object)`. Costs:
 * the storage reads of the matching keys and of those skipped by the
 * selector (in chunks, as etcd3's store.go does); with an empty selector and
 * more keys, one more read counts the rest for `remainingItemCount` (etcd
 * counts in the same request; a `Storage` cannot).
 *
 * @throws StatusError Expired 410 for a compacted revision — for a continued
 *   list with `metadata.continue` set to a token of rv −1 and message
 *   {@link INCONSISTENT_CONTINUE_MESSAGE}; Timeout 504 when the storage is
 *   behind `minimumRevision`; what the storage throws.
 */
export async function listFromStorage(
  storage: CacherStorage,
  keyOf: (object: KubeObject) => string,
  fields: SelectableFields,
  request: StorageListRequest,
): Promise<CacheListResult> {
  const { prefix, predicate, limit } = request;
  const everything = predicate.isEverything;
  const items: CachingObject[] = [];
  let revision = request.revision;
  // Our tokens start at "<last key>\0"; storage keys are printable ASCII, so that is "after <last key>":
  // read from the last key and drop it.
  let startKey = request.startKey;
  let skip: string | undefined;
  if (startKey !== undefined && startKey.endsWith('\u0000')) {
    skip = startKey.slice(0, -1);
    startKey = skip;
  }
  let chunk = limit > 0 ? limit : undefined;
  let lastKey: string | undefined;
  let more = false;
  try {
    outer: for (;;) {
      const page = await storage.list(prefix, { revision, limit: chunk, startKey });
      // Every later chunk reads the revision of the first, so the page is one consistent state.
      revision = page.revision;
      // Storage's own keys where it gives them: the cache files objects under those.
      const keys = page.keys !== undefined && page.keys.length === page.items.length ? page.keys : undefined;
      for (let i = 0; i < page.items.length; i++) {
        const object = page.items[i]!;
        const key = keys === undefined ? keyOf(object) : keys[i]!;
        if (skip !== undefined) {
          skip = undefined;
          if (key === startKey) continue;
        }
        if (limit > 0 && items.length === limit) {
          more = true;
          break outer;
        }
        if (!everything && !predicate.matches({ labels: object.metadata?.labels, fields: fields.compute(object) })) continue;
        items.push(CachingObject.from(object));
        lastKey = key;
      }
      if (!page.more || page.nextKey === undefined) break;
      if (limit > 0 && items.length === limit) {
        more = true;
        break;
      }
      startKey = page.nextKey;
      if (chunk !== undefined) chunk = Math.min(chunk * 2, MAX_CHUNK);
    }
  } catch (error) {
    if (request.isContinue && request.startKey !== undefined && isStatusError(error, 'Expired')) {
      throw expired(INCONSISTENT_CONTINUE_MESSAGE, { continue: encodeContinueTokenFrom(request.startKey, prefix, -1) });
    }
    throw error;
  }
  if (request.minimumRevision !== undefined && revision < request.minimumRevision) throw tooLargeResourceVersion(request.minimumRevision, revision);
  const resourceVersion = String(revision);
  if (!more || lastKey === undefined) return { items, resourceVersion, plan: SCAN };
  let remaining = 0;
  if (everything) {
    const rest = await storage.list(prefix, { revision, startKey: lastKey });
    const first = rest.items.length === 0 ? undefined : (rest.keys?.[0] ?? keyOf(rest.items[0]!));
    remaining = first === lastKey ? rest.items.length - 1 : rest.items.length;
  }
  const token = encodeContinueToken(lastKey, prefix, revision, remaining);
  return remaining > 0
    ? { items, resourceVersion, continue: token, remainingItemCount: remaining, plan: SCAN }
    : { items, resourceVersion, continue: token, plan: SCAN };
}
