/**
 * The storage contract: an MVCC key-value store of Kubernetes objects with a
 * global revision, as etcd provides it to the Kubernetes apiserver. Every
 * implementation (`MemoryStorage` here, the etcd one in `storage-etcd`) passes
 * the conformance suite in `@apiserver-kit/storage/conformance`.
 */
import type { KubeObject, ObjectShape, Stored } from '@apiserver-kit/codec';
import type { PartialRetryOptions } from './retry.js';

/**
 * A change to one key, in revision order. Events are frozen and shared: every
 * watcher, and every later watch catching up from the history, receives the
 * same event object, so assigning to one throws a TypeError (in strict mode).
 * `T` types the objects (see {@link Storage}).
 */
export type StorageEvent<T extends ObjectShape = KubeObject> = AddedEvent<T> | ModifiedEvent<T> | DeletedEvent<T> | BookmarkEvent;

/** A key was created. `object.metadata.resourceVersion` is `String(revision)`. */
export interface AddedEvent<T extends ObjectShape = KubeObject> {
  readonly type: 'ADDED';
  /** The key that changed. */
  readonly key: string;
  /** The stored object (deep-frozen). */
  readonly object: Stored<T>;
  /** The revision of the write. */
  readonly revision: number;
}

/** A key was updated. */
export interface ModifiedEvent<T extends ObjectShape = KubeObject> {
  readonly type: 'MODIFIED';
  readonly key: string;
  /** The new object (deep-frozen). */
  readonly object: Stored<T>;
  /** The object as it was before this write (deep-frozen). */
  readonly prevObject: Stored<T>;
  readonly revision: number;
}

/**
 * A key was deleted. As in Kubernetes, `object` is the last state with its
 * `resourceVersion` set to the deletion revision; `prevObject` is the last
 * state exactly as it was stored.
 */
export interface DeletedEvent<T extends ObjectShape = KubeObject> {
  readonly type: 'DELETED';
  readonly key: string;
  readonly object: Stored<T>;
  readonly prevObject: Stored<T>;
  readonly revision: number;
}

/**
 * Progress: every change up to `revision` under the watched prefix has been
 * delivered. Sent only in answer to {@link StorageWatch.requestProgress}.
 */
export interface BookmarkEvent {
  readonly type: 'BOOKMARK';
  readonly revision: number;
}

/** `metadata.uid` / `metadata.resourceVersion` the current object must carry for a write to proceed. */
export interface Preconditions {
  /** The object's `metadata.uid` must equal this. */
  readonly uid?: string | undefined;
  /** The object's `metadata.resourceVersion` must equal this (decimal string). */
  readonly resourceVersion?: string | undefined;
}

/** Options of {@link Storage.list}. */
export interface ListOptions {
  /** List the state at this revision; @default the current revision. */
  readonly revision?: number | undefined;
  /** At most this many items (a positive integer); @default no limit. */
  readonly limit?: number | undefined;
  /**
   * Start at this key, inclusive (pass the previous page's `nextKey`). Must lie
   * under the prefix.
   */
  readonly startKey?: string | undefined;
}

/** The answer of {@link Storage.list}. */
export interface ListResult<T extends ObjectShape = KubeObject> {
  /** The objects, in ascending key order (deep-frozen, shared: do not modify). */
  readonly items: readonly Stored<T>[];
  /** The revision the items reflect; pass it back with `nextKey` for the next page. */
  readonly revision: number;
  /** Whether more items follow under the prefix at `revision`. */
  readonly more: boolean;
  /** When `more`: the first key not returned, the `startKey` of the next page. */
  readonly nextKey?: string;
  /**
   * The key of each item, in the order of `items`, when the implementation
   * returns them (the memory storage does). A cache must file an object under
   * its storage key: an object stored without `metadata.namespace` under a
   * namespaced key cannot be keyed from its metadata alone.
   */
  readonly keys?: readonly string[];
}

/** Options of {@link Storage.create}. */
export interface CreateOptions {
  /** Aborts before the write; the promise rejects with `signal.reason`. */
  readonly signal?: AbortSignal | undefined;
}

/**
 * Computes the next state of an object from the current one. `current` is
 * `undefined` only when `ignoreNotFound` is set and the key does not exist;
 * returning an object then creates the key. Throwing aborts the update with
 * that error. May be called several times (once per conflict retry); must not
 * modify `current` (it is frozen).
 */
export type UpdateFunction<T extends ObjectShape = KubeObject> = (current: Stored<T> | undefined) => T | Promise<T>;

/** Options of {@link Storage.guaranteedUpdate}. */
export interface GuaranteedUpdateOptions {
  /**
   * Checked against the current object before every attempt (the fresh one
   * after a lost race); a mismatch is a Conflict, not retried.
   */
  readonly preconditions?: Preconditions | undefined;
  /** Call `tryUpdate(undefined)` for a missing key instead of failing with NotFound; @default false */
  readonly ignoreNotFound?: boolean | undefined;
  /**
   * The waits between attempts after a lost race: they grow for the first
   * `steps - 1` retries, then hold. The number of attempts has no bound (as
   * in Kubernetes); end a hopeless update with `signal`. @default the store's retry options.
   */
  readonly retry?: PartialRetryOptions | undefined;
  /** Aborts between attempts and during backoff sleeps; the promise rejects with `signal.reason`. */
  readonly signal?: AbortSignal | undefined;
}

/** Options of {@link Storage.delete}. */
export interface DeleteOptions {
  /** Checked against the current object; a mismatch is a Conflict. */
  readonly preconditions?: Preconditions | undefined;
  /** Aborts before the write; the promise rejects with `signal.reason`. */
  readonly signal?: AbortSignal | undefined;
}

/** Options of {@link Storage.watch}. */
export interface WatchOptions {
  /**
   * Deliver every change with a revision strictly greater than this; @default
   * the current revision (only future changes). A revision below the
   * compaction point fails the watch with Expired 410 `The resourceVersion for
   * the provided watch is too old.`
   */
  readonly fromRevision?: number | undefined;
  /** Ends the iteration cleanly (no error) when aborted. */
  readonly signal?: AbortSignal | undefined;
  /**
   * How many live events may wait for the consumer before the watch ends with
   * Gone 410; @default the store's default (MemoryStorage: 1024).
   */
  readonly bufferSize?: number | undefined;
}

/**
 * An open watch: iterate it once with `for await`. Ending the loop early
 * (`break`, `return`, a thrown error) closes it, as does `close()` or the
 * `signal` of {@link WatchOptions}.
 */
export interface StorageWatch<T extends ObjectShape = KubeObject> extends AsyncIterable<StorageEvent<T>> {
  /**
   * Asks for a BOOKMARK event carrying the store's revision once every
   * earlier change under the prefix has been delivered (etcd's progress
   * request). A cache uses it to learn how far the store has advanced when no
   * event matches its prefix. Several requests before delivery yield one bookmark.
   */
  requestProgress(): void;
  /** Ends the iteration; pending `next()` calls resolve `done`. Idempotent. */
  close(): void;
}

/**
 * The MVCC storage contract.
 *
 * - Keys are `/<resource>/<namespace>/<name>` or `/<resource>/<name>`, printable
 *   ASCII (so that string order is byte order, as in etcd); see `parseKey`.
 * - One revision counter per store, increased by every write: revisions
 *   strictly increase in the order writes take effect, but need not be
 *   consecutive (an etcd shared with other writers skips theirs; MemoryStorage's
 *   happen to be gap-free). Compare revisions, never count on `r + 1`.
 *   Every stored object carries `metadata.resourceVersion` = the revision of
 *   its last write, as a decimal string.
 * - Reads return deep-frozen objects that may be shared with other callers:
 *   clone before modifying.
 * - Writes are serialised: revisions and watch events follow the order in which
 *   the writes took effect, whoever called.
 *
 * Failures are `StatusError`s (NotFound, AlreadyExists, Conflict, Expired,
 * BadRequest, Invalid, Timeout); bad arguments from code (a limit of `0`, a revision of
 * `-1`) are `TypeError`/`RangeError`.
 *
 * `T` is the type of the objects (`Storage<Pod>` with kubernetes-types'
 * `Pod`; @default `KubeObject`, untyped): writes take a `T`, reads return a
 * `Stored<T>` (`metadata.name` and `metadata.resourceVersion` present). The
 * type is the caller's claim: a store checks `metadata`, not the rest.
 */
export interface Storage<T extends ObjectShape = KubeObject> {
  /**
   * The object stored under `key`.
   *
   * @throws StatusError NotFound 404 when the key does not exist; BadRequest 400 for a malformed key.
   */
  get(key: string): Promise<Stored<T>>;

  /**
   * The objects whose keys start with `prefix`, in ascending key order, at
   * `revision` (default: the current one). Pass a trailing `/` to list a
   * directory: `/pods/default` also matches `/pods/default-2/x`, as in etcd.
   *
   * @throws StatusError Expired 410 `The resourceVersion for the provided list
   *   is too old.` for a revision below the compaction point;
   *   Timeout 504 for a revision above the current one; BadRequest 400 for a
   *   malformed prefix or a `startKey` outside it.
   * @throws TypeError/RangeError for a `limit` that is not a positive integer or a
   *   `revision` that is not a non-negative integer.
   */
  list(prefix: string, options?: ListOptions): Promise<ListResult<T>>;

  /**
   * Stores a new object under `key` and returns it as stored, with
   * `resourceVersion`, and `uid` and `creationTimestamp` filled in when absent.
   *
   * `metadata` must have the shape of Kubernetes' `ObjectMeta`: `null` fields
   * are left out (as decoding a body into it does), fields of the wrong type
   * are refused (see `validateObjectMeta`).
   *
   * @throws StatusError AlreadyExists 409 when the key exists; BadRequest 400 when
   *   the key is malformed, the object's name or namespace disagrees with the key,
   *   or the object already carries a `resourceVersion`; Invalid 422 naming each
   *   metadata field of the wrong type (`metadata.labels`, `metadata.labels[app]`).
   * @throws TypeError when `object` is not an object with a non-empty `metadata.name`.
   */
  create(key: string, object: T, options?: CreateOptions): Promise<Stored<T>>;

  /**
   * Read-modify-write with optimistic concurrency: reads the current object,
   * calls `tryUpdate`, and writes the result only if the key did not change
   * meanwhile; otherwise re-reads and calls `tryUpdate` again on the fresh
   * object, after a backoff wait with jitter, for as long as it takes (etcd3
   * store.go GuaranteedUpdate): an unconditional update never fails on
   * contention. Only the caller's own conditions end it with Conflict: the
   * preconditions, checked against the fresh object on every attempt, and the
   * `resourceVersion` of the returned object. An update whose canonical JSON
   * encoding equals the stored one's (`{ a: undefined }` encodes as `{}`)
   * writes nothing and returns the stored object (no new revision, no event).
   *
   * `uid` and `creationTimestamp` of the current object are kept. If the object
   * returned by `tryUpdate` carries a `resourceVersion`, it must equal the
   * version `tryUpdate` was given (the client's read was not stale); an empty
   * one means an unconditional update. The returned object's metadata is
   * checked as on `create`.
   *
   * @throws StatusError Conflict 409 for a stale `resourceVersion` or failed
   *   preconditions; NotFound 404 for a missing key (unless `ignoreNotFound`),
   *   also when it is deleted during the retries; Invalid 422 for metadata of
   *   the wrong shape; whatever `tryUpdate` throws; `signal.reason` when aborted.
   */
  guaranteedUpdate(key: string, tryUpdate: UpdateFunction<T>, options?: GuaranteedUpdateOptions): Promise<Stored<T>>;

  /**
   * Deletes `key` and returns the object as it was last stored.
   *
   * @throws StatusError NotFound 404 when the key does not exist; Conflict 409 when a precondition fails.
   */
  delete(key: string, options?: DeleteOptions): Promise<Stored<T>>;

  /**
   * Every change under `prefix` after `fromRevision`, in revision order, and
   * nothing else. Returns at once; failures surface from the iteration.
   *
   * @throws TypeError/RangeError (synchronously) for bad options.
   * The iteration throws StatusError Expired 410 `The resourceVersion for the
   * provided watch is too old.` when `fromRevision` is (or becomes, by
   * compaction, before the consumer caught up) older than the retained history, and Gone 410 when the consumer fell `bufferSize` events
   * behind (the message names the last delivered revision to resume from).
   */
  watch(prefix: string, options?: WatchOptions): StorageWatch<T>;

  /** The revision of the last write (0 for an empty, never-written store). */
  currentRevision(): Promise<number>;

  /** The compaction point: lists at revisions below it and watches from below it fail with Expired. */
  compactedRevision(): Promise<number>;

  /**
   * Discards history before `revision`: the state at `revision` and every later
   * change stay readable. Compacting to or below the current compaction point is a no-op.
   *
   * @throws RangeError when `revision` is above the current revision.
   * @throws TypeError when `revision` is not a non-negative integer.
   */
  compact(revision: number): Promise<void>;
}
