/**
 * One handler registration's queue and loop: client-go's `processorListener`
 * with its unbounded ring buffer. The informer pushes notifications
 * synchronously, as it applies changes; the loop hands them to the handler
 * one at a time, awaiting an async handler, so a slow handler never stalls
 * the watch or another registration — its backlog grows instead.
 *
 * ```
 *   informer ──push(n)──▶ [ buffer (unbounded) ] ──▶ loop: handler(n) ─▶ await ─▶ processed(n)
 *                                                         └─ throw / reject ─▶ onError, next
 * ```
 */
import type { ObjectShape, Stored } from '@apiserver-kit/codec';
import type { DeletedFinalStateUnknown, EventHandler, HandlerRegistration } from './informer-handler.js';

/**
 * What the settle rule reads of a notification: the informer's key, the
 * revision of the state it reports, and `after` — every change it reports is
 * above that revision, so a handler that has not yet handled it has processed
 * the changes up to `after` at most. A watch event reports one change
 * (`after` = revision − 1); a relist's difference may stand for any change
 * since the store's previous revision (`after` = that revision); a late
 * registration's initial state for any change at all (`after` = 0); a resync
 * for none (`after` = revision). Pushed in non-decreasing `after` order.
 */
interface NotificationBase {
  readonly key: string;
  readonly revision: number;
  readonly after: number;
}

/** One notification (see {@link NotificationBase}). */
export type Notification<T extends ObjectShape> =
  | (NotificationBase & { readonly kind: 'add'; readonly object: Stored<T>; readonly initial: boolean })
  | (NotificationBase & { readonly kind: 'update'; readonly old: Stored<T>; readonly object: Stored<T> })
  | (NotificationBase & { readonly kind: 'delete'; readonly object: Stored<T> | DeletedFinalStateUnknown<T> });

/** What the queue tells its informer. */
export interface HandlerQueueHooks<T extends ObjectShape> {
  /** A handler failure (a throw or a rejection). */
  readonly onError: (error: unknown) => void;
  /** After each notification left the queue (processed, or dropped by `remove`). */
  readonly onProcessed: (notification: Notification<T>) => void;
  /** After `remove()`. */
  readonly onRemoved: (queue: HandlerQueue<T>) => void;
}

/** Sync handlers run this many notifications in a row before the loop lets I/O and timers in. */
const SYNC_BATCH = 256;

/** See the module comment. Also the {@link HandlerRegistration} handed to the caller. */
export class HandlerQueue<T extends ObjectShape> implements HandlerRegistration {
  /** The resync period of this registration, in milliseconds (0: none). */
  readonly resyncPeriodMs: number;
  /** When the next resync is due (clock time), for a registration with a period. */
  nextResyncAt = 0;
  readonly #handler: EventHandler<T>;
  readonly #hooks: HandlerQueueHooks<T>;
  #buffer: (Notification<T> | undefined)[] = [];
  #head = 0;
  /** The notification being handled, until it is done. */
  #current: Notification<T> | undefined;
  #wake: (() => void) | undefined;
  #removed = false;
  #pushed = 0;
  #processed = 0;
  /** Synced once `#processed` reaches this (set when the state to sync with was pushed). */
  #syncTarget: number | undefined;
  #synced = false;
  readonly #syncedPromise: Promise<void>;
  #resolveSynced!: () => void;

  constructor(handler: EventHandler<T>, resyncPeriodMs: number, hooks: HandlerQueueHooks<T>) {
    this.#handler = handler;
    this.resyncPeriodMs = resyncPeriodMs;
    this.#hooks = hooks;
    this.#syncedPromise = new Promise<void>((resolve) => {
      this.#resolveSynced = resolve;
    });
    void this.#run();
  }

  /** Notifications waiting or being handled. */
  get length(): number {
    return this.#buffer.length - this.#head + (this.#current === undefined ? 0 : 1);
  }

  /** Whether `remove()` was called. */
  get isRemoved(): boolean {
    return this.#removed;
  }

  /**
   * The revision this registration has processed every change up to, while
   * it has notifications pending (the oldest one's `after`: they are pushed
   * in non-decreasing `after` order); undefined when idle.
   */
  get processedThrough(): number | undefined {
    return this.#current?.after ?? this.#buffer[this.#head]?.after;
  }

  /** Queues one notification (O(1), amortised). */
  push(notification: Notification<T>): void {
    if (this.#removed) return;
    this.#buffer.push(notification);
    this.#pushed++;
    const wake = this.#wake;
    if (wake !== undefined) {
      this.#wake = undefined;
      wake();
    }
  }

  /** Marks the notifications pushed so far as the state this registration syncs with. */
  markSyncPoint(): void {
    if (this.#syncTarget !== undefined) return;
    this.#syncTarget = this.#pushed;
    this.#checkSynced();
  }

  hasSynced(): boolean {
    return this.#synced;
  }

  onSynced(): Promise<void> {
    return this.#syncedPromise;
  }

  remove(): void {
    if (this.#removed) return;
    this.#removed = true;
    // Dropped notifications count as gone for those waiting on deliveries.
    const dropped = this.#buffer.slice(this.#head);
    this.#buffer = [];
    this.#head = 0;
    for (const notification of dropped) if (notification !== undefined) this.#hooks.onProcessed(notification);
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
    this.#hooks.onRemoved(this);
  }

  async #run(): Promise<void> {
    let inARow = 0;
    for (;;) {
      if (this.#removed) return;
      const notification = this.#take();
      if (notification === undefined) {
        inARow = 0;
        await new Promise<void>((resolve) => {
          this.#wake = resolve;
        });
        continue;
      }
      this.#current = notification;
      let pending: unknown;
      try {
        pending = this.#deliver(notification);
      } catch (error) {
        this.#report(error);
      }
      if (isThenable(pending)) {
        inARow = 0;
        try {
          await pending;
        } catch (error) {
          this.#report(error);
        }
      } else if (++inARow >= SYNC_BATCH) {
        // A long run of sync handling (a big initial list) must not hold the event loop: let I/O and timers in.
        inARow = 0;
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
      this.#current = undefined;
      // The current notification is not in the buffer `remove()` drops: it is counted here, removed or not.
      this.#processed++;
      this.#hooks.onProcessed(notification);
      this.#checkSynced();
    }
  }

  #take(): Notification<T> | undefined {
    if (this.#head >= this.#buffer.length) return undefined;
    const notification = this.#buffer[this.#head];
    this.#buffer[this.#head++] = undefined;
    // Compact once the consumed prefix dominates: amortised O(1), and the buffer gives its memory back.
    if (this.#head >= 1024 && this.#head * 2 >= this.#buffer.length) {
      this.#buffer = this.#buffer.slice(this.#head);
      this.#head = 0;
    }
    return notification;
  }

  #deliver(notification: Notification<T>): unknown {
    const handler = this.#handler;
    switch (notification.kind) {
      case 'add':
        return handler.onAdd?.(notification.object, notification.initial);
      case 'update':
        return handler.onUpdate?.(notification.old, notification.object);
      case 'delete':
        return handler.onDelete?.(notification.object);
    }
  }

  #report(error: unknown): void {
    try {
      this.#hooks.onError(error);
    } catch {
      // A throwing error callback must not stop delivery.
    }
  }

  #checkSynced(): void {
    if (this.#synced || this.#syncTarget === undefined || this.#processed < this.#syncTarget) return;
    this.#synced = true;
    this.#resolveSynced();
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}
