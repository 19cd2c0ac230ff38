/**
 * One watch on an EtcdStorage: an etcd watch on its own gRPC stream, from a
 * revision, with previous values, turned into storage events.
 *
 * ```
 *   start ─ check fromRevision (range at it: compacted → Expired) ─ open stream ─ create_request(start = last + 1, prev_kv)
 *     │                                                                  ▲
 *     │   events → queue (consumer pulls) ; last = their revision          │ stream broken (etcd restarted, network):
 *     │   progress notification → BOOKMARK if one was requested             └─ wait (100 ms … 3 s), resume from last + 1
 *     └── canceled by etcd (compacted, or any other reason) → Expired 410: the consumer relists
 * ```
 *
 * Kubernetes' etcd3 watcher.go (watchChan.startWatching) does the same: a
 * watch that etcd cancels is an error event, and compaction is Expired
 * (errors.go interpretWatchError). A broken connection is not a cancellation:
 * the Go client resumes the watch from the last revision it saw, and so does
 * this one, so the consumer misses nothing and sees nothing twice.
 *
 * Backpressure instead of overflow: when `bufferSize` events wait for the
 * consumer, the stream is paused (gRPC flow control then holds etcd back,
 * which keeps the rest for later), and resumed once half are consumed. This
 * watch never ends with Gone.
 */
import { expired, type KubeObject, type StatusError, type Stored, WATCH_TOO_OLD_MESSAGE } from '@apiserver-kit/codec';
import { BACKGROUND_TIMER, type Clock, ITERATOR_DONE as DONE, PullIterator, sleep } from '@apiserver-kit/core';
import type { StorageEvent, StorageWatch } from '@apiserver-kit/storage';
import type { IDuplexStream, IEvent, IWatchRequest, IWatchResponse } from 'etcd3';
import { isCompacted, isFutureRevision, toStorageError } from './etcd-errors.js';
import type { EtcdValues } from './etcd-values.js';

/** What a watch needs from its store. */
export interface WatchSource {
  readonly values: EtcdValues;
  readonly clock: Clock;
  /** The endpoints, for error messages. */
  readonly endpoints: string;
  /** Opens a gRPC watch stream. */
  openStream(): Promise<IDuplexStream<IWatchRequest, IWatchResponse>>;
  /** A range at `revision` (limit 1, count only); rejects with etcd's error (compacted, future revision, unavailable). */
  probe(revision: number): Promise<void>;
  /** The current revision (a quorum read). */
  currentRevision(): Promise<number>;
  /** Learns a compaction point reported by etcd. */
  compactedTo(revision: number): void;
  /** The store no longer tracks the watch. */
  detach(watch: EtcdWatch): void;
}

/**
 * The watch stream: etcd3 types it as a plain duplex, and it is a gRPC
 * ClientDuplexStream (a Node Duplex), whose `pause`/`resume` apply backpressure.
 */
type WatchStream = IDuplexStream<IWatchRequest, IWatchResponse> & { pause?(): unknown; resume?(): unknown };

const RECONNECT_MIN_MS = 100;
const RECONNECT_MAX_MS = 3_000;

/** A watch on an EtcdStorage; see the module comment. Single consumer. */
export class EtcdWatch extends PullIterator<StorageEvent> implements StorageWatch {
  readonly #source: WatchSource;
  readonly #prefix: string;
  readonly #bufferSize: number;
  readonly #signal: AbortSignal | undefined;
  readonly #onAbort = (): void => this.close();
  /** Stops the reconnect sleeps on close. */
  readonly #closing = new AbortController();
  /** The revision of the last change queued: the watch resumes after it. */
  #last = 0;
  #queue: StorageEvent[] = [];
  #head = 0;
  #failure: StatusError | undefined;
  #stream: WatchStream | undefined;
  #paused = false;
  /** etcd's id of the watch on the current stream ('' until created). */
  #watchId = '';
  #progressRequested = false;
  #done = false;

  constructor(source: WatchSource, prefix: string, fromRevision: number | undefined, bufferSize: number, signal: AbortSignal | undefined) {
    super();
    this.#source = source;
    this.#prefix = prefix;
    this.#bufferSize = bufferSize;
    this.#signal = signal;
    if (signal?.aborted === true) {
      this.#done = true;
      return;
    }
    signal?.addEventListener('abort', this.#onAbort, { once: true });
    void this.#start(fromRevision);
  }

  /** {@inheritDoc StorageWatch.requestProgress} */
  requestProgress(): void {
    if (this.#done || this.#failure !== undefined) return;
    // Answered by etcd's next progress notification of this watch (see #progress).
    this.#progressRequested = true;
  }

  /** {@inheritDoc StorageWatch.close} */
  override close(): void {
    if (this.#done) return;
    this.#finish();
    this.endWaiters();
  }

  protected override take(): IteratorResult<StorageEvent> | undefined {
    if (this.#done) return DONE;
    if (this.#head < this.#queue.length) {
      const event = this.#queue[this.#head]!;
      this.#queue[this.#head++] = undefined as unknown as StorageEvent;
      if (this.#head * 2 >= this.#queue.length) {
        this.#queue = this.#queue.slice(this.#head);
        this.#head = 0;
      }
      if (this.#paused && this.#queue.length - this.#head <= this.#bufferSize / 2) {
        this.#paused = false;
        this.#stream?.resume?.();
      }
      return { done: false, value: event };
    }
    if (this.#failure !== undefined) {
      const failure = this.#failure;
      this.#finish();
      throw failure;
    }
    return undefined;
  }

  /** Where the watch starts: after `fromRevision`, or after the current revision. */
  async #start(fromRevision: number | undefined): Promise<void> {
    for (let attempt = 0; !this.#done; attempt++) {
      try {
        if (fromRevision === undefined) {
          this.#last = await this.#source.currentRevision();
        } else {
          // etcd keeps the change *at* its compaction point C and watches from C, but the
          // contract (a list at r < C fails) makes a watch from r < C fail too: a range at
          // fromRevision tells, in one round trip, exactly as a list would.
          await this.#source.probe(fromRevision).catch((error: unknown) => {
            if (!isFutureRevision(error)) throw error;
          });
          this.#last = fromRevision;
        }
        break;
      } catch (error) {
        if (isCompacted(error)) {
          this.#fail(expired(WATCH_TOO_OLD_MESSAGE));
          return;
        }
        // etcd unreachable: the watch waits for it, as it does for a broken stream.
        if (!(await this.#backoff(attempt))) return;
      }
    }
    await this.#connect();
  }

  /** Opens a stream and creates the etcd watch after `#last`; on failure, tries again after a pause. */
  async #connect(): Promise<void> {
    for (let attempt = 0; !this.#done && this.#failure === undefined; attempt++) {
      let stream: WatchStream;
      try {
        stream = await this.#source.openStream();
      } catch {
        if (!(await this.#backoff(attempt))) return;
        continue;
      }
      if (this.#done) {
        stream.on('error', () => undefined);
        stream.cancel();
        return;
      }
      this.#attach(stream);
      return;
    }
  }

  #attach(stream: WatchStream): void {
    this.#stream = stream;
    this.#watchId = '';
    this.#paused = false;
    const values = this.#source.values;
    stream.on('data', (response: IWatchResponse) => {
      if (this.#stream === stream) this.#receive(response);
    });
    // Every error is handled here (never an unhandled 'error' event): a stream that
    // breaks while the watch is open is reopened from the last revision.
    stream.on('error', () => this.#broken(stream));
    stream.on('end', () => this.#broken(stream));
    stream.write({
      create_request: {
        key: values.key(this.#prefix),
        range_end: values.rangeEnd(this.#prefix),
        start_revision: this.#last + 1,
        prev_kv: true,
        progress_notify: true,
      },
    });
  }

  #receive(response: IWatchResponse): void {
    if (this.#done || this.#failure !== undefined) return;
    if (response.canceled) {
      // Compaction (compact_revision set) or anything else etcd cancels a watch for
      // (etcd3 1.1.2 would report both as a bare "Watcher canceled"): the changes
      // after #last may be gone, so the consumer must relist: Expired.
      const compacted = Number(response.compact_revision);
      if (compacted > 0) this.#source.compactedTo(compacted);
      this.#fail(expired(WATCH_TOO_OLD_MESSAGE));
      return;
    }
    if (response.created) {
      this.#watchId = response.watch_id;
      return;
    }
    if (response.events.length === 0) {
      this.#progress(response);
      return;
    }
    for (const event of response.events) {
      const revision = Number(event.kv.mod_revision);
      // After a resume etcd starts at #last + 1; older events cannot come, but a
      // duplicate would be a bug the consumer must never see.
      if (revision <= this.#last) continue;
      let converted: StorageEvent;
      try {
        converted = this.#convert(event, revision);
      } catch (error) {
        this.#fail(toStorageError(error, this.#source.endpoints));
        return;
      }
      this.#last = revision;
      this.#push(converted);
    }
    if (!this.#paused && this.#queue.length - this.#head >= this.#bufferSize) {
      this.#paused = true;
      this.#stream?.pause?.();
    }
  }

  /**
   * A response without events: progress. Only etcd's periodic notification
   * (our own watch_id, every `--experimental-watch-progress-notify-interval`)
   * answers a request: etcd sends it through the watch's own event queue, and
   * only once the watch has caught up, so every change up to its revision has
   * been received. etcd 3.4's answer to a WatchProgressRequest (watch_id -1)
   * carries the current revision ahead of events still queued or still to be
   * caught up (seen here: a bookmark overtaking the event of a write that
   * preceded it), so this watch never asks for one.
   */
  #progress(response: IWatchResponse): void {
    if (response.watch_id !== this.#watchId || !this.#progressRequested) return;
    this.#progressRequested = false;
    this.#push(Object.freeze({ type: 'BOOKMARK', revision: Number(response.header.revision) }));
  }

  #convert(event: IEvent, revision: number): StorageEvent {
    const values = this.#source.values;
    const key = values.storageKey(event.kv.key);
    const prev: Stored<KubeObject> | undefined = event.prev_kv === null || event.prev_kv === undefined ? undefined : values.decode(event.prev_kv);
    if (event.type === 'Delete') {
      // As Kubernetes does: the last state, with the deletion's revision as its resourceVersion.
      // Without a previous value (compacted away before etcd read it) only the key is known.
      const last = event.prev_kv === null || event.prev_kv === undefined ? undefined : values.decode(event.prev_kv, String(revision));
      const object = last ?? minimalObject(key, revision);
      return Object.freeze({ type: 'DELETED', key, object, prevObject: prev ?? object, revision });
    }
    const object = values.decode(event.kv);
    // etcd marks a creation by create_revision == mod_revision (mvccpb.Event.IsCreate).
    if (event.kv.create_revision === event.kv.mod_revision || prev === undefined) return Object.freeze({ type: 'ADDED', key, object, revision });
    return Object.freeze({ type: 'MODIFIED', key, object, prevObject: prev, revision });
  }

  #push(event: StorageEvent): void {
    if (this.#head === this.#queue.length && this.handOff({ done: false, value: event })) return;
    this.#queue.push(event);
  }

  /** The stream ended or failed: reopen it from the last revision, unless the watch is over. */
  #broken(stream: WatchStream): void {
    if (this.#stream !== stream) return;
    this.#stream = undefined;
    this.#watchId = '';
    if (this.#done || this.#failure !== undefined) return;
    void (async () => {
      if (await this.#backoff(0)) await this.#connect();
    })();
  }

  /** Waits before attempt `attempt + 1`; `false` when the watch closed meanwhile. */
  async #backoff(attempt: number): Promise<boolean> {
    const delay = Math.min(RECONNECT_MIN_MS * 2 ** attempt, RECONNECT_MAX_MS);
    try {
      await sleep(this.#source.clock, delay, this.#closing.signal, BACKGROUND_TIMER);
    } catch {
      return false;
    }
    return !this.#done;
  }

  #fail(error: StatusError): void {
    if (this.#failure !== undefined || this.#done) return;
    this.#failure = error;
    this.#release();
    this.wake();
  }

  #finish(): void {
    this.#done = true;
    this.#queue = [];
    this.#head = 0;
    this.#signal?.removeEventListener('abort', this.#onAbort);
    this.#release();
  }

  /** Cancels the stream and any pending reconnect. */
  #release(): void {
    this.#closing.abort();
    const stream = this.#stream;
    this.#stream = undefined;
    if (stream !== undefined) {
      stream.on('error', () => undefined);
      stream.cancel();
    }
    this.#source.detach(this);
  }
}

/** The object of a deletion whose previous value etcd could not return: its name and namespace, from the key. */
function minimalObject(key: string, revision: number): Stored<KubeObject> {
  const parts = key.split('/');
  const name = parts.at(-1) ?? '';
  const metadata = parts.length === 4 ? { name, namespace: parts[2]!, resourceVersion: String(revision) } : { name, resourceVersion: String(revision) };
  return Object.freeze({ metadata: Object.freeze(metadata) });
}
