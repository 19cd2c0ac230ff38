/**
 * The informer: client-go's `sharedIndexInformer` on this library's blocks.
 * A {@link Reflector} lists (or WatchLists) and watches a
 * {@link ListerWatcher} into a {@link WatchCache} — sorted, indexed, read by
 * the {@link Lister} with the server's selectors and planner — and every
 * change becomes a notification for each handler registration, each with its
 * own unbounded queue and loop.
 *
 * ```
 *   source ─▶ Reflector ─▶ InformerStore ─▶ WatchCache ◀── lister.get / list / byIndex
 *   (list/watch,  │ resume after a     │ diff / old state
 *    watchList)   │ closed watch,      ▼
 *                 │ relist on 410    distribute ─▶ HandlerQueue ─▶ handler A (its own loop)
 *                 │ with backoff                 ─▶ HandlerQueue ─▶ handler B
 *   resync timer (min period) ──────────────────▶ update(o, o) to registrations due
 * ```
 *
 * States: new ─start()─▶ running ─(first list)─▶ synced ─stop()─▶ stopped.
 * An informer is not restarted once stopped (as client-go's).
 */
import {
  type IndexDefinition,
  type ListerWatcher,
  namespaceIndex,
  parseFieldSelector,
  parseLabelSelector,
  Reflector,
  type ReflectorOptions,
  type SelectableFields,
  SelectableFieldsRegistry,
  SelectionPredicate,
  WatchCache,
} from '@apiserver-kit/cache';
import type { KubeObject, ObjectShape, Stored } from '@apiserver-kit/codec';
import { BACKGROUND_TIMER, checkDuration, type Clock, received, StatusError, systemClock, type Timer } from '@apiserver-kit/core';
import { HandlerQueue, type Notification } from './handler-queue.js';
import type { EventHandler, HandlerRegistration } from './informer-handler.js';
import { asStored, InformerStore } from './informer-store.js';
import { Lister } from './lister.js';
import { apiVersionOfType, resourceId, type ResourceType } from './resource-types.js';
import { type DeliveryView, waitForDelivered } from './settle.js';
import type { WriteLedger } from './write-ledger.js';

/** client-go's `minimumResyncPeriod`: shorter periods are raised to it. */
export const MINIMUM_RESYNC_PERIOD_MS = 1000;

/** Options of {@link Informer}. */
export interface InformerOptions<T extends ObjectShape> {
  /** The resource: names the cache's keys, selectable fields and the settle rule's records. */
  readonly type: ResourceType<T>;
  /** The namespace the source is scoped to (for the settle rule); @default all */
  readonly namespace?: string | undefined;
  /** The label selector the source applies (for the settle rule); @default everything */
  readonly labelSelector?: string | undefined;
  /** The field selector the source applies (for the settle rule); @default everything */
  readonly fieldSelector?: string | undefined;
  /** Indexes of the cache, besides the namespace index the lister plans with; @default none */
  readonly indexes?: readonly IndexDefinition[] | undefined;
  /** The resync period of registrations that give none, in milliseconds; 0 for none; at least {@link MINIMUM_RESYNC_PERIOD_MS} otherwise; @default 0 */
  readonly resyncPeriodMs?: number | undefined;
  /** Time for resyncs and the Reflector's backoff; @default systemClock */
  readonly clock?: Clock | undefined;
  /** Told about every failure recovered from: the Reflector's (list, watch, 410) and the handlers' throws. What it throws is ignored. @default a line on stderr (console.error) */
  readonly onError?: ((error: unknown) => void) | undefined;
  /** Use the source's WatchList when it has one; @default true */
  readonly watchList?: boolean | undefined;
  /** The Reflector's backoff, jitter source and progress period. */
  readonly reflector?: Pick<ReflectorOptions, 'backoff' | 'random' | 'progressIntervalMs'> | undefined;
  /** The resource's selectable fields; @default Kubernetes' for the resource (metadata fields for others) */
  readonly selectableFields?: SelectableFields | undefined;
}

/** Options of {@link Informer.addEventHandler}. */
export interface AddEventHandlerOptions {
  /** This registration's resync period, in milliseconds (0: none); @default the informer's */
  readonly resyncPeriodMs?: number | undefined;
}

/**
 * See the module comment.
 *
 * Costs: a change costs the cache's apply (O(log n + indexes)) plus one push
 * per registration; a relist O(n log n) plus its difference. Each
 * registration's backlog is unbounded (a handler slower than the change rate
 * grows it without limit: watch {@link Informer.pendingNotifications}).
 *
 * Caveats: hold objects read-only (they are frozen and shared). Call
 * {@link stop}: until then the Reflector holds a watch.
 */
export class Informer<T extends ObjectShape> {
  /** The resource. */
  readonly type: ResourceType<T>;
  /** Reads the cache. */
  readonly lister: Lister<T>;
  readonly #cache: WatchCache;
  readonly #store: InformerStore<T>;
  readonly #reflector: Reflector;
  readonly #clock: Clock;
  readonly #onError: ((error: unknown) => void) | undefined;
  readonly #stopped = new AbortController();
  readonly #defaultResyncMs: number;
  readonly #queues = new Set<HandlerQueue<T>>();
  /** Notifications not yet processed, per key, over all registrations (the settle rule's "a handler still has it"). */
  readonly #pendingByKey = new Map<string, number>();
  readonly #progressListeners = new Set<() => void>();
  readonly #namespace: string | undefined;
  readonly #predicate: SelectionPredicate;
  readonly #fields: SelectableFields;
  readonly #resourceId: string;
  readonly #view: DeliveryView;
  #state: 'new' | 'running' | 'stopped' = 'new';
  #resyncTimer: Timer | undefined;
  #resyncTimerPeriod = 0;
  readonly #synced: Promise<void>;
  #resolveSynced!: () => void;

  /** @throws TypeError/RangeError naming a bad option; StatusError BadRequest 400 for a selector that does not parse. */
  constructor(source: ListerWatcher, options: InformerOptions<T>) {
    if (typeof source !== 'object' || source === null || typeof source.list !== 'function' || typeof source.watch !== 'function') {
      throw new TypeError(`Expected \`source\` to be a ListerWatcher, got ${received(source)}`);
    }
    if (typeof options !== 'object' || options === null) throw new TypeError(`Expected \`options\` to be an object, got ${received(options)}`);
    const type = options.type;
    if (typeof type !== 'object' || type === null || typeof type.resource !== 'string' || type.resource === '') {
      throw new TypeError(`Expected \`type\` to be a ResourceType, got ${received(type)}`);
    }
    this.type = type;
    this.#resourceId = resourceId(type);
    this.#clock = options.clock ?? systemClock;
    // No callback: logged, as client-go's utilruntime.HandleError does — a controller whose server is gone must not fail silently.
    this.#onError = options.onError ?? ((error: unknown) => console.error(`informer ${this.#resourceId}: ${error instanceof Error ? error.message : String(error)}`));
    this.#defaultResyncMs = resyncPeriod('resyncPeriodMs', options.resyncPeriodMs ?? 0);
    const namespace = options.namespace;
    if (namespace !== undefined && typeof namespace !== 'string') throw new TypeError(`Expected \`namespace\` to be a string, got ${received(namespace)}`);
    this.#namespace = namespace === '' ? undefined : namespace;
    this.#fields = options.selectableFields ?? new SelectableFieldsRegistry().get(type.resource);
    const label = parseLabelSelector(options.labelSelector ?? '');
    const field = parseFieldSelector(options.fieldSelector ?? '', this.#fields);
    this.#predicate = label.isEmpty && field.isEmpty ? SelectionPredicate.everything : new SelectionPredicate(label, field);
    const extra = options.indexes ?? [];
    const indexes = extra.some((index) => index.name === 'namespace') ? [...extra] : [namespaceIndex(), ...extra];
    this.#cache = new WatchCache({
      resource: type.resource,
      prefix: `/${this.#resourceId}/`,
      selectableFields: this.#fields,
      indexes,
      clock: this.#clock,
      objectKind: { apiVersion: apiVersionOfType(type), kind: type.kind },
      // The cache serves only the lister: no watchers, so no history, bookmarks or snapshots worth keeping.
      bookmarkIntervalMs: 0,
      capacity: { lowerBound: 1, upperBound: 1, initial: 1, checkIntervalMs: 3_600_000 },
      maxSnapshots: 0,
    });
    this.lister = new Lister<T>(this.#cache, this.#fields, indexes);
    this.#synced = new Promise<void>((resolve) => {
      this.#resolveSynced = resolve;
    });
    this.#store = new InformerStore<T>(this.#cache, {
      distribute: (notification) => this.#distribute(notification),
      onReplaced: (first) => {
        if (!first) return;
        for (const queue of this.#queues) queue.markSyncPoint();
        this.#resolveSynced();
      },
      onProgress: () => this.#progress(),
    });
    this.#reflector = new Reflector(source, this.#store, {
      ...options.reflector,
      clock: this.#clock,
      useWatchList: options.watchList,
      onError: (error) => this.#report(error),
      // A running informer is the work a controller process exists for: its backoff while the server is away holds the process open until stop().
      keepAlive: true,
    });
    this.#view = this.#makeView();
  }

  /** Whether the initial list is in the cache (client-go's `HasSynced`). */
  hasSynced(): boolean {
    return this.#store.hasSynced;
  }

  /** Resolves once {@link hasSynced}. */
  onSynced(): Promise<void> {
    return this.#synced;
  }

  /** Whether it runs (started, not stopped). */
  get isRunning(): boolean {
    return this.#state === 'running';
  }

  /** The revision the cache reflects. */
  get revision(): number {
    return this.#cache.revision;
  }

  /** The Reflector's counters (lists, watches, errors, whether it uses WatchList). */
  get reflectorStats(): Reflector['stats'] {
    return this.#reflector.stats;
  }

  /** Notifications queued and not yet processed, over all registrations. */
  get pendingNotifications(): number {
    let total = 0;
    for (const queue of this.#queues) total += queue.length;
    return total;
  }

  /**
   * Registers `handler`. Added before the initial list, it gets that list
   * as adds with `isInInitialList`; added later, the current state the same
   * way, then the changes. Its resync period (or the informer's) lowers the
   * informer's resync check period if shorter.
   *
   * On a stopped informer the registration is inert (never called, never synced), as client-go refuses it.
   *
   * @throws TypeError for a handler that is not an object; RangeError for a bad period.
   */
  addEventHandler(handler: EventHandler<T>, options: AddEventHandlerOptions = {}): HandlerRegistration {
    if (typeof handler !== 'object' || handler === null) throw new TypeError(`Expected \`handler\` to be an object with onAdd/onUpdate/onDelete, got ${received(handler)}`);
    const period = options.resyncPeriodMs === undefined ? this.#defaultResyncMs : resyncPeriod('resyncPeriodMs', options.resyncPeriodMs);
    const queue: HandlerQueue<T> = new HandlerQueue<T>(handler, period, {
      onError: (error) => this.#report(error),
      onProcessed: (notification) => this.#processed(notification),
      onRemoved: (removed) => {
        this.#queues.delete(removed);
        this.#scheduleResync();
        this.#progress();
      },
    });
    if (this.#state === 'stopped') {
      queue.remove();
      return queue;
    }
    queue.nextResyncAt = this.#clock.now() + period;
    this.#queues.add(queue);
    if (this.#store.hasSynced) {
      // Joins with the current state, as adds of its "initial list" (client-go's AddEventHandler).
      const revision = this.#cache.revision;
      for (const item of this.#cache.tryList({ resourceVersion: '0' })?.items ?? []) {
        const raw = item.getObject();
        this.#push(queue, { kind: 'add', key: this.#cache.keyOf(raw), revision, after: 0, object: asStored<T>(raw), initial: true });
      }
      queue.markSyncPoint();
    }
    this.#scheduleResync();
    return queue;
  }

  /** Starts listing and watching (idempotent; no-op once stopped). */
  start(): void {
    if (this.#state !== 'new') return;
    this.#state = 'running';
    this.#reflector.start();
    this.#scheduleResync();
  }

  /** Stops the Reflector and the resync timer; pending notifications are dropped. The lister stays readable. */
  async stop(): Promise<void> {
    if (this.#state === 'stopped') return;
    this.#state = 'stopped';
    // Waiters for delivery would wait forever: nothing will be delivered any more.
    this.#stopped.abort(new StatusError('ServiceUnavailable', `the ${this.#resourceId} informer was stopped`));
    this.#resyncTimer?.cancel();
    this.#resyncTimer = undefined;
    for (const queue of [...this.#queues]) queue.remove();
    await this.#reflector.stop();
  }

  /**
   * Resolves when every handler has processed every write in `ledger` this
   * informer will see (see settle.ts for the rule), including writes recorded
   * while waiting. Event-driven: no polling, no timers.
   *
   * @throws the signal's reason when `signal` aborts first; StatusError
   *   ServiceUnavailable 503 when the informer is (or gets) stopped while
   *   something is still to be delivered.
   */
  async waitForDelivered(ledger: WriteLedger, signal?: AbortSignal): Promise<void> {
    // One signal for both ends of a wait: the caller's, and this informer's stop.
    const either = new AbortController();
    const forward = (from: AbortSignal) => (): void => either.abort(from.reason);
    const onStop = forward(this.#stopped.signal);
    const onAbort = signal === undefined ? undefined : forward(signal);
    if (this.#stopped.signal.aborted) onStop();
    else this.#stopped.signal.addEventListener('abort', onStop, { once: true });
    if (signal !== undefined && onAbort !== undefined) {
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
    }
    try {
      await waitForDelivered(this.#view, ledger, either.signal);
    } finally {
      this.#stopped.signal.removeEventListener('abort', onStop);
      if (signal !== undefined && onAbort !== undefined) signal.removeEventListener('abort', onAbort);
    }
  }

  /** What the settle rule reads. */
  #makeView(): DeliveryView {
    return {
      resourceId: this.#resourceId,
      scopeNamespace: this.#namespace,
      matchesScope: (object) => this.#predicate.isEverything || this.#predicate.matches({ labels: object.metadata?.labels, fields: this.#fields.compute(object as KubeObject) }),
      deliveredRevision: () => this.#deliveredRevision(),
      storeRevision: () => this.#cache.revision,
      holds: (namespace, name, uid) => {
        const key = namespace === undefined || namespace === '' ? `${this.#cache.prefix}${name}` : `${this.#cache.prefix}${namespace}/${name}`;
        if (this.#pendingByKey.has(key)) return true;
        const object = this.#cache.get(key)?.getObject();
        return object !== undefined && (uid === undefined || object.metadata?.uid === uid);
      },
      onProgress: (listener) => {
        this.#progressListeners.add(listener);
        return () => {
          this.#progressListeners.delete(listener);
        };
      },
      requestProgress: () => this.#reflector.requestProgress(),
    };
  }

  // ── internals ────────────────────────────────────────────────────────────

  #distribute(notification: Notification<T>): void {
    for (const queue of this.#queues) this.#push(queue, notification);
  }

  #push(queue: HandlerQueue<T>, notification: Notification<T>): void {
    this.#pendingByKey.set(notification.key, (this.#pendingByKey.get(notification.key) ?? 0) + 1);
    queue.push(notification);
  }

  #processed(notification: Notification<T>): void {
    const left = (this.#pendingByKey.get(notification.key) ?? 1) - 1;
    if (left <= 0) this.#pendingByKey.delete(notification.key);
    else this.#pendingByKey.set(notification.key, left);
    this.#progress();
  }

  #progress(): void {
    for (const listener of [...this.#progressListeners]) {
      try {
        listener();
      } catch {
        // A waiter's bug must not stop delivery.
      }
    }
  }

  #report(error: unknown): void {
    try {
      this.#onError?.(error);
    } catch {
      // Documented: ignored.
    }
  }

  /** The revision every registration has processed every notification up to. */
  #deliveredRevision(): number {
    if (!this.#store.hasSynced) return 0;
    let delivered = this.#cache.revision;
    for (const queue of this.#queues) {
      const through = queue.processedThrough;
      if (through !== undefined && through < delivered) delivered = through;
    }
    return delivered;
  }

  /** (Re)arms the resync check at the shortest period of the registrations (none without one). */
  #scheduleResync(): void {
    let period = 0;
    for (const queue of this.#queues) if (queue.resyncPeriodMs > 0 && (period === 0 || queue.resyncPeriodMs < period)) period = queue.resyncPeriodMs;
    if (this.#state !== 'running' || period === 0) {
      this.#resyncTimer?.cancel();
      this.#resyncTimer = undefined;
      this.#resyncTimerPeriod = 0;
      return;
    }
    if (this.#resyncTimer !== undefined && this.#resyncTimerPeriod === period) return;
    this.#resyncTimer?.cancel();
    this.#resyncTimerPeriod = period;
    // Background: an informer nobody stopped must not keep the process alive for its resyncs.
    this.#resyncTimer = this.#clock.setTimer(() => this.#resync(), period, BACKGROUND_TIMER);
  }

  /** Sends every object as update(o, o) to the registrations whose period is due (client-go's `shouldResync` + Resync). */
  #resync(): void {
    this.#resyncTimer = undefined;
    this.#resyncTimerPeriod = 0;
    if (this.#state !== 'running') return;
    const now = this.#clock.now();
    const due = [...this.#queues].filter((queue) => queue.resyncPeriodMs > 0 && queue.nextResyncAt <= now);
    if (due.length > 0 && this.#store.hasSynced) {
      const revision = this.#cache.revision;
      const items = this.#cache.tryList({ resourceVersion: '0' })?.items ?? [];
      for (const queue of due) {
        queue.nextResyncAt = now + queue.resyncPeriodMs;
        for (const item of items) {
          const raw = item.getObject();
          const object = asStored<T>(raw);
          this.#push(queue, { kind: 'update', key: this.#cache.keyOf(raw), revision, after: revision, old: object, object });
        }
      }
    }
    this.#scheduleResync();
  }
}

function resyncPeriod(name: string, value: number): number {
  checkDuration(name, value);
  return value > 0 && value < MINIMUM_RESYNC_PERIOD_MS ? MINIMUM_RESYNC_PERIOD_MS : value;
}
