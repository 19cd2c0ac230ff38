/**
 * Shared informers over one {@link ApiClient} (client-go's
 * `SharedInformerFactory`): one informer — one list + watch — per resource
 * and scope, however many controllers register handlers on it; and the settle
 * point of controller tests.
 */
import type { IndexDefinition } from '@apiserver-kit/cache';
import type { ObjectShape } from '@apiserver-kit/codec';
import { type Clock, received, systemClock } from '@apiserver-kit/core';
import type { ApiClient } from './api-client.js';
import { Informer } from './informer.js';
import { resourceId, type ResourceType } from './resource-types.js';
import { waitForCacheSync } from './settle.js';

/** Options of {@link SharedInformerFactory}. */
export interface SharedInformerFactoryOptions {
  /** The default resync period of the informers' registrations, in milliseconds; 0 for none; @default 0 */
  readonly resyncPeriodMs?: number | undefined;
  /** Time for the informers; @default systemClock */
  readonly clock?: Clock | undefined;
  /** Scope every informer to this namespace (cluster-scoped resources ignore it); @default all */
  readonly namespace?: string | undefined;
  /** Told about every failure the informers recover from (an informer's `onError`); @default a line on stderr per failure, as an informer's */
  readonly onError?: ((error: unknown) => void) | undefined;
  /** Use WatchList where the source supports it; @default true */
  readonly watchList?: boolean | undefined;
}

/** Options of {@link SharedInformerFactory.informerFor}: what makes an informer distinct, and its indexes. */
export interface InformerForOptions {
  /** Indexes of its cache (kept from the call that created it; later calls may name only those). */
  readonly indexes?: readonly IndexDefinition[] | undefined;
  readonly labelSelector?: string | undefined;
  readonly fieldSelector?: string | undefined;
  /** @default the factory's namespace */
  readonly namespace?: string | undefined;
}

/** Options of {@link SharedInformerFactory.settle}. */
export interface SettleOptions {
  readonly signal?: AbortSignal | undefined;
  /** Work queues (anything with `whenIdle()`) that must be idle too: the controllers fed by the informers. */
  readonly idle?: readonly { whenIdle(): Promise<void> }[] | undefined;
}

/**
 * See the module comment.
 *
 * Caveat: as client-go's, {@link start} starts the informers created so far;
 * call it again after creating more.
 */
export class SharedInformerFactory {
  readonly #api: ApiClient;
  readonly #clock: Clock;
  readonly #resyncPeriodMs: number;
  readonly #namespace: string | undefined;
  readonly #onError: ((error: unknown) => void) | undefined;
  readonly #watchList: boolean | undefined;
  readonly #informers = new Map<string, Informer<ObjectShape>>();
  #stopped = false;

  /** @throws TypeError for an `api` that is not an ApiClient or a bad option. */
  constructor(api: ApiClient, options: SharedInformerFactoryOptions = {}) {
    if (typeof api !== 'object' || api === null || typeof api.listerWatcher !== 'function') throw new TypeError(`Expected \`api\` to be an ApiClient, got ${received(api)}`);
    this.#api = api;
    this.#clock = options.clock ?? systemClock;
    this.#resyncPeriodMs = options.resyncPeriodMs ?? 0;
    this.#namespace = options.namespace === '' ? undefined : options.namespace;
    this.#onError = options.onError;
    this.#watchList = options.watchList;
  }

  /** The informers created so far. */
  get informers(): readonly Informer<ObjectShape>[] {
    return [...this.#informers.values()];
  }

  /**
   * The informer of `type` in the scope of `options` (one per resource,
   * namespace and selectors), created on first use.
   *
   * @throws RangeError when an existing informer lacks one of `options.indexes`
   *   (indexes are fixed when it is created); what {@link Informer}'s constructor throws.
   */
  informerFor<T extends ObjectShape>(type: ResourceType<T>, options: InformerForOptions = {}): Informer<T> {
    const namespace = type.namespaced ? (options.namespace === undefined ? this.#namespace : options.namespace === '' ? undefined : options.namespace) : undefined;
    const key = JSON.stringify([resourceId(type), namespace ?? '', options.labelSelector ?? '', options.fieldSelector ?? '']);
    const existing = this.#informers.get(key) as Informer<T> | undefined;
    if (existing !== undefined) {
      const names = new Set(existing.lister.indexNames);
      const missing = (options.indexes ?? []).find((index) => !names.has(index.name));
      if (missing !== undefined) throw new RangeError(`Expected \`indexes\` to be among the informer's (${[...names].join(', ')}), got ${JSON.stringify(missing.name)}: indexes are fixed when the informer is created`);
      return existing;
    }
    const scope = { namespace, labelSelector: options.labelSelector, fieldSelector: options.fieldSelector };
    const informer = new Informer<T>(this.#api.listerWatcher(type, scope), {
      type,
      ...scope,
      indexes: options.indexes,
      resyncPeriodMs: this.#resyncPeriodMs,
      clock: this.#clock,
      onError: this.#onError,
      watchList: this.#watchList,
    });
    this.#informers.set(key, informer as unknown as Informer<ObjectShape>);
    return informer;
  }

  /** Starts every informer created so far (idempotent; no-op once stopped). */
  start(): void {
    if (this.#stopped) return;
    for (const informer of this.#informers.values()) informer.start();
  }

  /** Stops every informer. */
  async stop(): Promise<void> {
    this.#stopped = true;
    await Promise.all([...this.#informers.values()].map((informer) => informer.stop()));
  }

  /**
   * Resolves once every started informer has synced.
   *
   * @throws the signal's reason when `signal` aborts first.
   */
  waitForCacheSync(signal?: AbortSignal): Promise<void> {
    return waitForCacheSync(signal, ...[...this.#informers.values()].filter((informer) => informer.isRunning));
  }

  /**
   * The settle point of a controller test: resolves once every running
   * informer has synced and delivered every write recorded in `api.writes`
   * (see {@link Informer.waitForDelivered}), then every queue of `idle` is
   * idle — repeated until a round saw no new write (a controller's reaction
   * writes, which the informers deliver, which may queue work…). Event-driven:
   * no polling, no timers.
   *
   * Caveat: a controller that writes on every round (never converges), or an
   * informer that cannot sync (its source keeps failing), keeps it waiting:
   * pass a `signal`.
   *
   * @throws the signal's reason when `signal` aborts first.
   */
  async settle(options: SettleOptions = {}): Promise<void> {
    const { signal } = options;
    const idle = options.idle ?? [];
    const ledger = this.#api.writes;
    for (;;) {
      signal?.throwIfAborted();
      let written = false;
      const unsubscribe = ledger.onRecord(() => {
        written = true;
      });
      try {
        const running = [...this.#informers.values()].filter((informer) => informer.isRunning);
        await waitForCacheSync(signal, ...running);
        await Promise.all(running.map((informer) => informer.waitForDelivered(ledger, signal)));
        for (const queue of idle) await abortable(queue.whenIdle(), signal);
      } finally {
        unsubscribe();
      }
      if (!written) return;
    }
  }
}

/** `promise`, or the signal's reason when it aborts first. */
function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return promise;
  signal.throwIfAborted();
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error as Error);
      },
    );
  });
}
