/**
 * EtcdStorage: the storage contract on a real etcd, as Kubernetes' etcd3
 * store (k8s.io/apiserver/pkg/storage/etcd3/store.go) implements it.
 *
 * ```
 *   storage key /pods/ns/a  ──▶  etcd key <prefix>/pods/ns/a  ──▶  value: codec(object without resourceVersion)
 *   resourceVersion = the key's mod_revision (stamped on read)
 *
 *   create            txn  if mod_revision(k) == 0      then put            (else AlreadyExists)
 *   guaranteedUpdate  txn  if mod_revision(k) == seen   then put  else get  (lost race: backoff, retry on the fresh value)
 *   delete            txn  if mod_revision(k) == seen   then delete(prev)  else get  (preconditions checked on every try)
 *   list              range [prefix, prefix+1) at revision, limit + 1 (the extra key is `nextKey`)
 *   watch             watch from revision + 1 with prev_kv, on its own gRPC stream (etcd-watch.ts)
 * ```
 */
import { randomUUID } from 'node:crypto';
import {
  badRequest,
  type Codec,
  StatusError,
  expired,
  JsonEncoder,
  type KubeObject,
  LIST_TOO_OLD_MESSAGE,
  type ObjectShape,
  type Stored,
  tooLargeResourceVersion,
} from '@apiserver-kit/codec';
import { checkInteger, checkOptions, checkSignal, type Clock, received, sleep, systemClock } from '@apiserver-kit/core';
import {
  backoffDelay,
  checkPrefix,
  type CreateOptions,
  type DeleteOptions,
  type GuaranteedUpdateOptions,
  keyConflict,
  keyExists,
  keyNotFound,
  type ListOptions,
  type ListResult,
  parseKey,
  type PartialRetryOptions,
  resolveRetryOptions,
  type RetryOptions,
  type Storage,
  type StorageWatch,
  type UpdateFunction,
  type WatchOptions,
  checkPreconditionsMet as checkAgainst,
  checkWrittenObject as checkObject,
  checkPreconditions,
} from '@apiserver-kit/storage';
import { circuitBreaker, ConsecutiveBreaker, handleWhen } from 'cockatiel';
import { CompareResult, CompareTarget, Etcd3, type IKeyValue, type IOptions, isRecoverableError } from 'etcd3';
import { isCompacted, isFutureRevision, toStorageError } from './etcd-errors.js';
import { EtcdValues } from './etcd-values.js';
import { EtcdWatch, type WatchSource } from './etcd-watch.js';
import { withMetadata } from './object-metadata.js';

/** Options of {@link EtcdStorage}. */
export interface EtcdStorageOptions {
  /**
   * The etcd client URLs (`http://127.0.0.1:2379`); several for a cluster.
   * Ignored when `client` is given. @default 'http://127.0.0.1:2379'
   */
  readonly endpoints?: string | readonly string[] | undefined;
  /** An etcd3 client to use (shared; `close()` leaves it open); @default a client of its own on `endpoints` */
  readonly client?: Etcd3 | undefined;
  /**
   * Prepended to every storage key: `/registry` stores `/pods/ns/a` at
   * `/registry/pods/ns/a`, as Kubernetes does. Printable ASCII, not ending in
   * `/`; `''` for none. Stores on one etcd with different prefixes do not see
   * each other's keys (but share its revision counter and compaction). @default '/registry'
   */
  readonly prefix?: string | undefined;
  /**
   * Encodes the stored values: JSON by default; a `ProtobufEncoder` stores
   * them as Kubernetes does (`k8s\0` envelope), for the kinds it knows. @default new JsonEncoder()
   */
  readonly codec?: Codec | undefined;
  /** Time for `creationTimestamp`, retry waits and watch reconnects; @default systemClock */
  readonly clock?: Clock | undefined;
  /** The waits of `guaranteedUpdate` after a lost race (as MemoryStorage's); @default DEFAULT_RETRY */
  readonly retry?: PartialRetryOptions | undefined;
  /** The default `bufferSize` of a watch (events waiting before the stream is paused); @default 1024 */
  readonly watchBufferSize?: number | undefined;
  /** The deadline of each call to etcd, in milliseconds (not of watches); @default 10 000 */
  readonly requestTimeoutMs?: number | undefined;
  /** The source of retry jitter, in [0, 1); @default Math.random */
  readonly random?: (() => number) | undefined;
  /** Generates `metadata.uid` on create; @default crypto.randomUUID */
  readonly uid?: (() => string) | undefined;
}

/** The one cast of this store: etcd holds untyped objects, `T` is the caller's claim (see MemoryStorage's `typed`). */
function typed<T extends ObjectShape>(value: Stored<KubeObject>): Stored<T>;
function typed<T extends ObjectShape>(value: ListResult): ListResult<T>;
function typed<T extends ObjectShape>(value: StorageWatch): StorageWatch<T>;
function typed(value: unknown): unknown {
  return value;
}

/** A key's live value as read: the decoded object and its mod revision (0: absent). */
interface Current {
  readonly modRevision: string;
  readonly kv: IKeyValue | undefined;
  readonly object: Stored<KubeObject> | undefined;
}

const ABSENT: Current = Object.freeze({ modRevision: '0', kv: undefined, object: undefined });

/**
 * The {@link Storage} contract on etcd (3.4 or later), over the `etcd3` client.
 *
 * Differences from MemoryStorage, all within the contract:
 * - Revisions are etcd's, shared by every writer of the etcd: they increase
 *   with every write but skip the revisions of other writers (other prefixes,
 *   other stores). `currentRevision()` is etcd's (a fresh etcd is at 1).
 * - `guaranteedUpdate` over a network conflicts even for synchronous
 *   `tryUpdate`s; it retries on the fresh value with the store's backoff.
 * - A watch never ends with Gone: it pauses its stream instead (backpressure).
 * - etcd unreachable: calls fail with ServiceUnavailable 503; watches wait and
 *   resume from their last revision once etcd is back.
 *
 * Costs: one round trip per call; `guaranteedUpdate` one read and one
 * transaction per attempt; `compactedRevision()` O(log revision) ranges.
 *
 * Caveat: `compact` compacts the whole etcd, every prefix.
 */
export class EtcdStorage<T extends ObjectShape = KubeObject> implements Storage<T> {
  /** The client; shared when it was passed in. */
  readonly client: Etcd3;
  /** The key prefix. */
  readonly prefix: string;
  readonly #ownsClient: boolean;
  readonly #endpoints: string;
  readonly #values: EtcdValues;
  readonly #clock: Clock;
  readonly #retry: RetryOptions;
  readonly #watchBufferSize: number;
  readonly #random: () => number;
  readonly #uid: () => string;
  readonly #watches = new Set<EtcdWatch>();
  readonly #source: WatchSource;
  /** The highest compaction point seen (by this store's compact() or a watch): the floor of the search. */
  #knownCompacted = 0;
  #closed = false;

  /** @throws TypeError/RangeError naming a bad option; StatusError BadRequest for a bad prefix. */
  constructor(options: EtcdStorageOptions = {}) {
    checkOptions('options', options);
    const prefix = options.prefix ?? '/registry';
    if (typeof prefix !== 'string') throw new TypeError(`Expected \`prefix\` to be a string, got ${received(prefix)}`);
    if (prefix !== '') {
      checkPrefix(prefix);
      if (prefix.endsWith('/')) throw badRequest(`invalid prefix ${JSON.stringify(prefix)}: must not end with "/" (storage keys start with one)`);
    }
    this.prefix = prefix;
    const timeoutMs = options.requestTimeoutMs ?? 10_000;
    checkInteger('requestTimeoutMs', timeoutMs, 1);
    const endpoints = options.endpoints ?? 'http://127.0.0.1:2379';
    const hosts = typeof endpoints === 'string' ? [endpoints] : [...endpoints];
    if (options.client === undefined && (hosts.length === 0 || hosts.some((h) => typeof h !== 'string' || h === ''))) {
      throw new TypeError(`Expected \`endpoints\` to be a URL or a non-empty list of URLs, got ${received(endpoints)}`);
    }
    this.#endpoints = options.client === undefined ? hosts.join(',') : 'etcd';
    const clientOptions: IOptions = {
      hosts,
      // gRPC's default 4 MiB receive limit fails a LIST of ~1 000 pods (and etcd3 then opens its breaker); etcd's Go
      // client, Kubernetes', has no practical limit — a page's size is bounded by `limit`, not by the transport.
      grpcOptions: { 'grpc.max_receive_message_length': -1 },
      // A deadline for every unary call, none for watch streams (they live as long as the watch).
      defaultCallOptions: (context) => (context.isStream ? {} : { deadline: Date.now() + timeoutMs }),
      // etcd3's default: a host that failed 3 times in a row is skipped for 5 s (the other members
      // serve). 1 s here, so that a restarted etcd serves again within a second.
      faultHandling: {
        host: () => circuitBreaker(handleWhen(isRecoverableError), { halfOpenAfter: 1_000, breaker: new ConsecutiveBreaker(3) }),
      },
    };
    this.client = options.client ?? new Etcd3(clientOptions);
    this.#ownsClient = options.client === undefined;
    this.#values = new EtcdValues(options.codec ?? new JsonEncoder(), prefix);
    this.#clock = options.clock ?? systemClock;
    this.#retry = resolveRetryOptions(options.retry);
    const bufferSize = options.watchBufferSize ?? 1024;
    checkInteger('watchBufferSize', bufferSize, 1);
    this.#watchBufferSize = bufferSize;
    this.#random = options.random ?? Math.random;
    this.#uid = options.uid ?? randomUUID;
    this.#source = {
      values: this.#values,
      clock: this.#clock,
      endpoints: this.#endpoints,
      openStream: () => this.client.watchClient.watch(),
      probe: async (revision) => {
        await this.client.kv.range({ key: this.#values.key('/'), range_end: this.#values.rangeEnd('/'), revision, limit: 1, count_only: true });
      },
      currentRevision: () => this.#currentRevision(),
      compactedTo: (revision) => {
        this.#knownCompacted = Math.max(this.#knownCompacted, revision);
      },
      detach: (watch) => this.#watches.delete(watch),
    };
  }

  /** How many watches are open. */
  get watchCount(): number {
    return this.#watches.size;
  }

  /** {@inheritDoc Storage.get} */
  async get(key: string): Promise<Stored<T>> {
    parseKey(key);
    const { object } = await this.#read(key);
    if (object === undefined) throw keyNotFound(key);
    return typed<T>(object);
  }

  /** {@inheritDoc Storage.list} One range call; a `limit` reads one key more to name `nextKey`. */
  async list(prefix: string, options: ListOptions = {}): Promise<ListResult<T>> {
    checkPrefix(prefix);
    checkOptions('options', options);
    const { revision, limit, startKey } = options;
    if (revision !== undefined) checkInteger('revision', revision, 0);
    if (limit !== undefined) checkInteger('limit', limit, 1);
    if (startKey !== undefined) {
      if (typeof startKey !== 'string') throw new TypeError(`Expected \`startKey\` to be a string, got ${received(startKey)}`);
      if (!startKey.startsWith(prefix)) throw badRequest(`invalid start key ${JSON.stringify(startKey)}: not under the prefix ${JSON.stringify(prefix)}`);
      checkPrefix(startKey);
    }
    const response = await this.#call(() =>
      this.client.kv.range({
        key: this.#values.key(startKey ?? prefix),
        range_end: this.#values.rangeEnd(prefix),
        // Revision 0 is etcd's "current"; a list at revision 0 (before any write) is the same empty state.
        ...(revision === undefined || revision === 0 ? {} : { revision }),
        ...(limit === undefined ? {} : { limit: limit + 1 }),
      }),
    ).catch(async (error: unknown) => {
      // etcd3 errors.go interpretListError: ErrCompacted is Expired with Kubernetes' own message.
      if (isCompacted(error)) throw expired(LIST_TOO_OLD_MESSAGE);
      if (isFutureRevision(error)) throw tooLargeResourceVersion(revision!, await this.currentRevision());
      throw error;
    });
    const kvs = limit !== undefined && response.kvs.length > limit ? response.kvs.slice(0, limit) : response.kvs;
    const items = kvs.map((kv) => this.#values.decode(kv));
    const keys = kvs.map((kv) => this.#values.storageKey(kv.key));
    const at = revision === undefined || revision === 0 ? Number(response.header.revision) : revision;
    const next = limit !== undefined && response.kvs.length > limit ? response.kvs[limit] : undefined;
    return typed<T>(next === undefined ? { items, revision: at, more: false, keys } : { items, revision: at, more: true, nextKey: this.#values.storageKey(next.key), keys });
  }

  /** {@inheritDoc Storage.create} A transaction on `mod_revision == 0`. */
  async create(key: string, object: T, options: CreateOptions = {}): Promise<Stored<T>> {
    const parsed = parseKey(key);
    checkOptions('options', options);
    checkSignal('signal', options.signal);
    const { object: accepted, meta } = checkObject(key, parsed, object, 'object');
    if (meta.resourceVersion !== undefined && meta.resourceVersion !== '') throw badRequest('resourceVersion should not be set on objects to be created');
    options.signal?.throwIfAborted();
    const stamped = withMetadata(accepted, meta, { uid: meta.uid ?? this.#uid(), creationTimestamp: meta.creationTimestamp ?? this.#timestamp() });
    const bytes = this.#values.encode(stamped);
    const result = await this.#put(key, '0', bytes);
    if (typeof result !== 'number') throw keyExists(key);
    return typed<T>(this.#stored(bytes, result));
  }

  /** {@inheritDoc Storage.guaranteedUpdate} A compare-and-swap on the key's mod revision per attempt. */
  async guaranteedUpdate(key: string, tryUpdate: UpdateFunction<T>, options: GuaranteedUpdateOptions = {}): Promise<Stored<T>> {
    const parsed = parseKey(key);
    if (typeof tryUpdate !== 'function') throw new TypeError(`Expected \`tryUpdate\` to be a function, got ${received(tryUpdate)}`);
    checkOptions('options', options);
    checkSignal('signal', options.signal);
    checkPreconditions(options.preconditions);
    const retry = resolveRetryOptions(options.retry, this.#retry);
    const { signal } = options;
    const growth = Math.max(1, retry.steps - 1);
    signal?.throwIfAborted();
    let current = await this.#read(key);
    for (let attempt = 1; ; attempt++) {
      signal?.throwIfAborted();
      if (current.object === undefined && options.ignoreNotFound !== true) throw keyNotFound(key);
      // etcd3 store.go GuaranteedUpdate: preconditions against the fresh state on every
      // attempt; a failure is the caller's own condition, never retried.
      checkAgainst(key, options.preconditions, current.object);
      const next = await tryUpdate(current.object === undefined ? undefined : typed<T>(current.object));
      const { object: accepted, meta } = checkObject(key, parsed, next, 'the result of tryUpdate');
      const requested = meta.resourceVersion;
      if (requested !== undefined && requested !== '' && requested !== current.object?.metadata.resourceVersion) throw keyConflict(key);
      signal?.throwIfAborted();
      let candidate: KubeObject;
      if (current.object === undefined) {
        candidate = withMetadata(accepted, meta, { uid: meta.uid ?? this.#uid(), creationTimestamp: meta.creationTimestamp ?? this.#timestamp() });
      } else {
        const currentMeta = current.object.metadata;
        candidate = withMetadata(accepted, meta, { uid: currentMeta.uid, creationTimestamp: currentMeta.creationTimestamp });
      }
      const bytes = this.#values.encode(candidate);
      // etcd3 store.go: an encoding equal to the stored bytes is no write (no revision, no event).
      if (current.kv !== undefined && bytes.equals(current.kv.value)) return typed<T>(current.object!);
      const result = await this.#put(key, current.modRevision, bytes);
      if (typeof result === 'number') return typed<T>(this.#stored(bytes, result));
      // Lost the race: the transaction's else branch read the fresh value. Pause (the
      // store's backoff, growing then holding), then try again on it, without bound.
      current = result;
      await sleep(this.#clock, backoffDelay(retry, Math.min(attempt, growth), this.#random), signal);
    }
  }

  /** {@inheritDoc Storage.delete} A transaction on the mod revision the preconditions were checked against. */
  async delete(key: string, options: DeleteOptions = {}): Promise<Stored<T>> {
    parseKey(key);
    checkOptions('options', options);
    checkSignal('signal', options.signal);
    checkPreconditions(options.preconditions);
    options.signal?.throwIfAborted();
    let current = await this.#read(key);
    // etcd3 store.go conditionalDelete: check the preconditions against what is stored,
    // delete only if it is still that; else check again against the fresh value.
    for (;;) {
      if (current.object === undefined) throw keyNotFound(key);
      checkAgainst(key, options.preconditions, current.object);
      const etcdKey = this.#values.key(key);
      const response = await this.#call(() =>
        this.client.kv.txn({
          compare: [{ key: etcdKey, target: CompareTarget.Mod, result: CompareResult.Equal, mod_revision: current.modRevision }],
          success: [{ request_delete_range: { key: etcdKey, prev_kv: true } }],
          failure: [{ request_range: { key: etcdKey } }],
        }),
      );
      if (response.succeeded) {
        const prev = response.responses[0]?.response_delete_range.prev_kvs[0];
        // As Kubernetes: the last state, stamped with the deletion's revision.
        return typed<T>(this.#values.decode(prev ?? current.kv!, response.header.revision));
      }
      current = this.#current(response.responses[0]?.response_range.kvs[0]);
    }
  }

  /**
   * {@inheritDoc Storage.watch} Each watch is an etcd watch on its own gRPC
   * stream; bookmarks come from etcd's periodic progress notifications (see
   * the README's caveats).
   *
   * @throws StatusError ServiceUnavailable 503 after `close()`.
   */
  watch(prefix: string, options: WatchOptions = {}): StorageWatch<T> {
    checkPrefix(prefix);
    checkOptions('options', options);
    const { fromRevision } = options;
    if (fromRevision !== undefined) checkInteger('fromRevision', fromRevision, 0);
    const bufferSize = options.bufferSize ?? this.#watchBufferSize;
    checkInteger('bufferSize', bufferSize, 1);
    checkSignal('signal', options.signal);
    if (this.#closed) throw new StatusError('ServiceUnavailable', 'etcd storage is closed');
    const watch = new EtcdWatch(this.#source, prefix, fromRevision, bufferSize, options.signal);
    this.#watches.add(watch);
    return typed<T>(watch);
  }

  /** {@inheritDoc Storage.currentRevision} etcd's revision, from a quorum read (a range of one key). */
  async currentRevision(): Promise<number> {
    return this.#currentRevision();
  }

  /**
   * {@inheritDoc Storage.compactedRevision} etcd does not tell its compaction
   * point; a binary search for the oldest revision a range can read finds it
   * (O(log revision) ranges), from the highest point this store saw.
   */
  async compactedRevision(): Promise<number> {
    const head = await this.#currentRevision();
    let low = Math.max(1, this.#knownCompacted);
    let high = head;
    if (!(await this.#readable(low))) {
      // Someone compacted past what this store knew: search above it.
      while (low < high) {
        const middle = Math.floor((low + high) / 2);
        if (await this.#readable(middle)) high = middle;
        else low = middle + 1;
      }
    }
    this.#knownCompacted = Math.max(this.#knownCompacted, low);
    // Revision 1 readable: nothing was ever compacted away (etcd starts at 1).
    return low <= 1 ? 0 : low;
  }

  /** {@inheritDoc Storage.compact} etcd's compaction, physical (returns once applied); it compacts every prefix of the etcd. */
  async compact(revision: number): Promise<void> {
    checkInteger('revision', revision, 0);
    const head = await this.#currentRevision();
    if (revision > head) throw new RangeError(`Expected \`revision\` to be at most the current revision ${head}, got ${received(revision)}`);
    if (revision <= this.#knownCompacted || revision === 0) return;
    await this.#call(() => this.client.kv.compact({ revision, physical: true })).catch((error: unknown) => {
      // Compacting to or below the compaction point is a no-op.
      if (!isCompacted(error)) throw error;
    });
    this.#knownCompacted = Math.max(this.#knownCompacted, revision);
  }

  /** Closes every watch and, unless it was passed in, the client. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const watch of [...this.#watches]) watch.close();
    if (this.#ownsClient) this.client.close();
  }

  async #currentRevision(): Promise<number> {
    const response = await this.#call(() => this.client.kv.range({ key: this.#values.key('/'), range_end: this.#values.rangeEnd('/'), limit: 1, count_only: true }));
    return Number(response.header.revision);
  }

  async #readable(revision: number): Promise<boolean> {
    try {
      await this.#call(() => this.#source.probe(revision));
      return true;
    } catch (error) {
      if (isCompacted(error)) return false;
      throw error;
    }
  }

  /** The live value of `key`. */
  async #read(key: string): Promise<Current> {
    const response = await this.#call(() => this.client.kv.range({ key: this.#values.key(key) }));
    return this.#current(response.kvs[0]);
  }

  #current(kv: IKeyValue | undefined): Current {
    return kv === undefined ? ABSENT : { modRevision: kv.mod_revision, kv, object: this.#values.decode(kv) };
  }

  /**
   * Writes the encoded object under `key` if its mod revision is still `modRevision`
   * ('0': absent): the new revision, or the fresh value when it was not.
   */
  async #put(key: string, modRevision: string, bytes: Buffer): Promise<number | Current> {
    const etcdKey = this.#values.key(key);
    const response = await this.#call(() =>
      this.client.kv.txn({
        compare: [{ key: etcdKey, target: CompareTarget.Mod, result: CompareResult.Equal, mod_revision: modRevision }],
        success: [{ request_put: { key: etcdKey, value: bytes } }],
        failure: [{ request_range: { key: etcdKey } }],
      }),
    );
    if (response.succeeded) return Number(response.header.revision);
    return this.#current(response.responses[0]?.response_range.kvs[0]);
  }

  /** The object written as `bytes` at `revision`, deep-frozen, as a read will return it. */
  #stored(bytes: Buffer, revision: number): Stored<KubeObject> {
    // Decoded from the bytes written, so that a write returns exactly what a read will
    // (the codec drops what it cannot store: `undefined` fields, key order).
    return this.#values.decode({ key: Buffer.alloc(0), value: bytes, mod_revision: String(revision), create_revision: '0', version: '0', lease: '0' });
  }

  /** Runs a call to etcd: etcd errors as Statuses, except those callers interpret (compacted, future revision). */
  async #call<R>(call: () => Promise<R>): Promise<R> {
    if (this.#closed) throw new StatusError('ServiceUnavailable', 'etcd storage is closed');
    try {
      return await call();
    } catch (error) {
      if (isCompacted(error) || isFutureRevision(error)) throw error;
      throw toStorageError(error, this.#endpoints);
    }
  }

  #timestamp(): string {
    // RFC 3339 with second precision, as Kubernetes writes creationTimestamp.
    return new Date(this.#clock.now()).toISOString().replace(/\.\d{3}Z$/, 'Z');
  }
}
