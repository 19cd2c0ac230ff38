/**
 * The Reflector: keeps a store (a {@link WatchCache}, or anything that is a
 * {@link ReflectorStore}) in step with a source by listing it, then watching
 * from the list's revision, for as long as it runs.
 *
 * ```
 *          ┌──────────── backoff (800 ms → 30 s, jittered) ◀───────────────┐
 *          ▼                                                               │ list failed, or the watch
 *   ┌───────────────────────────┐  replace(items, rv)  ┌────────────────────────────┐ failed with Expired
 *   │ WatchList: initial events │ ───────────────────▶ │ watch from the last rv     │ (the revision is
 *   │ until the end bookmark,   │                      │ apply / advance (bookmark) │  gone: relist)
 *   │ or list                   │                      └────────────────────────────┘
 *   └───────────────────────────┘        ended, Gone (overflow) │ ▲ resume at once from the last revision;
 *     WatchList unsupported (400/422, or  other failure         └─┘ other failures after a backoff
 *     no end bookmark): list from then on
 * ```
 *
 * WatchList (client-go reflector.go `watchList`): when the source has
 * {@link ListerWatcher.watchList} (and {@link ReflectorOptions.useWatchList}
 * is not false), the initial state comes as a stream of ADDED events ended by
 * a bookmark with `initialEventsEnd`; the Reflector gathers them and hands
 * the store one `replace`, as after a list, then goes on applying the same
 * stream. A stream that fails with BadRequest 400 or Invalid 422 (the server
 * does not know the parameters) or ends without the end bookmark means the
 * source cannot do it: the Reflector lists and watches from then on. Any
 * other failure before the end bookmark falls back to a list for that round
 * only ("making progress is better than deadlocking", as client-go).
 *
 * A watch that ends within {@link VERY_SHORT_WATCH_MS} without delivering
 * anything is a failure (client-go reflector.go `watchHandler`, "very short
 * watch"): backoff, then relist. Reopening at once would spin on a source
 * whose watches end immediately and starve every timer of the process.
 *
 * Its own timers (progress requests, backoff sleeps) are background ones by
 * default: a Reflector that nobody stops does not keep the process alive
 * (in a host, its server does). An informer, whose Reflector is the work the
 * process exists for, sets `keepAlive`: then a backoff while the source is
 * unreachable holds the process open until {@link Reflector.stop}.
 *
 * Callbacks: an `onError` that throws is ignored (the Reflector goes on; the
 * throw is lost rather than allowed to break the loop).
 *
 * It also serves the store as its {@link RevisionSource}: consistent reads
 * ask the source's current revision, and a waiting read asks the watch for a
 * progress bookmark so that the cache reaches that revision even when no
 * change arrives.
 */
import { BACKGROUND_TIMER as BACKGROUND } from '@apiserver-kit/core';
import { isStatusError } from '@apiserver-kit/codec';
import { backoffDelay, type Clock, type PartialRetryOptions, resolveRetryOptions, type RetryOptions, systemClock, type Timer } from '@apiserver-kit/storage';
import { checkDuration, sleep } from '@apiserver-kit/core';
import type { KubeObject } from '@apiserver-kit/codec';
import type { ListerWatcher, SourceWatch } from './lister-watcher.js';
import type { CacheEvent, RevisionSource } from './watch-cache.js';

/**
 * What a {@link Reflector} writes into: a {@link WatchCache} is one. An
 * informer implements it to see each change with the state it replaces
 * (before passing it on to its cache) and to compute a relist's difference.
 */
export interface ReflectorStore {
  /** The revision the store reflects (0 before the first replace). */
  readonly revision: number;
  /** The whole state at `revision` (a list, or a WatchList's initial events); `keys`, when the source knows them, the storage key of each object. */
  replace(objects: readonly KubeObject[], revision: number, keys?: readonly string[]): void;
  /** One change, its revision above the store's. */
  apply(event: CacheEvent): void;
  /** Progress without a change (a bookmark). */
  advance(revision: number): void;
  /** Called once by the Reflector's constructor with itself, when present. */
  setRevisionSource?(source: RevisionSource | undefined): void;
}

/** Backoff of relists and re-watches (client-go's reflector: 800 ms doubling to 30 s, jitter 1.0). */
export const DEFAULT_REFLECTOR_BACKOFF: RetryOptions = Object.freeze({ steps: 1, durationMs: 800, factor: 2, jitter: 1, capMs: 30_000 });

/**
 * A watch that ends sooner than this, in milliseconds, having delivered no
 * event (bookmarks count), failed: client-go's reflector treats it so.
 */
export const VERY_SHORT_WATCH_MS = 1000;

/** The message of the error reported for a very short watch (client-go's wording, without its reflector name). */
export const VERY_SHORT_WATCH_MESSAGE = 'very short watch: Unexpected watch close - watch lasted less than a second and no items received';

type WatchOutcome =
  | { readonly kind: 'aborted'; readonly revision: number }
  /** A WatchList stream failed before its end bookmark: list instead (for good when `unsupported`). */
  | { readonly kind: 'fallback'; readonly revision: number; readonly error: unknown; readonly unsupported: boolean }
  | { readonly kind: 'ended'; readonly revision: number }
  | { readonly kind: 'relist'; readonly revision: number; readonly error: unknown }
  | { readonly kind: 'retry'; readonly revision: number; readonly error: unknown };

/** Options of {@link Reflector}. */
export interface ReflectorOptions {
  /** Time for backoff sleeps and progress requests; @default systemClock */
  readonly clock?: Clock | undefined;
  /** The backoff between failed attempts; @default DEFAULT_REFLECTOR_BACKOFF */
  readonly backoff?: PartialRetryOptions | undefined;
  /** The source of jitter, in [0, 1); @default Math.random */
  readonly random?: (() => number) | undefined;
  /** How often to ask the watch for a progress bookmark, in milliseconds; 0 for only on demand; @default 5000 */
  readonly progressIntervalMs?: number | undefined;
  /**
   * Told about every failure the Reflector recovers from (for logs and
   * metrics), including a very short watch (an `Error` with
   * {@link VERY_SHORT_WATCH_MESSAGE}). What it throws is ignored.
   */
  readonly onError?: ((error: unknown) => void) | undefined;
  /**
   * Backoff sleeps hold the process open (ordinary timers) until {@link Reflector.stop}:
   * a process whose only work is this Reflector (a controller) must not exit
   * while its source is unreachable. @default false (background timers)
   */
  readonly keepAlive?: boolean | undefined;
  /** Use the source's {@link ListerWatcher.watchList} when it has one; @default true */
  readonly useWatchList?: boolean | undefined;
}

/** Counters of a {@link Reflector} (a fresh object per read). */
export interface ReflectorStats {
  /** Successful lists (the first and every relist). */
  readonly lists: number;
  /** Watches opened. */
  readonly watches: number;
  /** Failures recovered from. */
  readonly errors: number;
  /** The consecutive failures now counted by the backoff. */
  readonly backoffAttempt: number;
  /** Whether the next initial state comes from a WatchList stream (false: disabled, absent, or found unsupported). */
  readonly usesWatchList: boolean;
}

/**
 * Lists and watches a {@link ListerWatcher} into a {@link ReflectorStore} (a
 * {@link WatchCache}); see the
 * module comment for the state machine. Start it with {@link start}; stop it
 * with {@link stop} (which the host must call: it holds timers and a watch).
 *
 * Caveat: it registers itself as the store's revision source (when the store takes one).
 */
export class Reflector implements RevisionSource {
  readonly #source: ListerWatcher;
  readonly #cache: ReflectorStore;
  readonly #clock: Clock;
  readonly #backoff: RetryOptions;
  readonly #random: () => number;
  readonly #progressIntervalMs: number;
  readonly #onError: ((error: unknown) => void) | undefined;
  readonly #keepAlive: boolean;
  #controller: AbortController | undefined;
  #loop: Promise<void> | undefined;
  #watch: SourceWatch | undefined;
  #progressTimer: Timer | undefined;
  #lists = 0;
  #watches = 0;
  #errors = 0;
  #attempt = 0;
  #useWatchList: boolean;

  /** @throws TypeError/RangeError naming a bad option. */
  constructor(source: ListerWatcher, cache: ReflectorStore, options: ReflectorOptions = {}) {
    this.#source = source;
    this.#cache = cache;
    this.#clock = options.clock ?? systemClock;
    this.#backoff = resolveRetryOptions(options.backoff, DEFAULT_REFLECTOR_BACKOFF);
    this.#random = options.random ?? Math.random;
    this.#progressIntervalMs = options.progressIntervalMs ?? 5000;
    checkDuration('progressIntervalMs', this.#progressIntervalMs);
    this.#onError = options.onError;
    this.#keepAlive = options.keepAlive ?? false;
    this.#useWatchList = options.useWatchList !== false && typeof source.watchList === 'function';
    cache.setRevisionSource?.(this);
  }

  /** Whether the loop runs. */
  get isRunning(): boolean {
    return this.#controller !== undefined;
  }

  /** Counters; a fresh object per read. */
  get stats(): ReflectorStats {
    return { lists: this.#lists, watches: this.#watches, errors: this.#errors, backoffAttempt: this.#attempt, usesWatchList: this.#useWatchList };
  }

  /** Starts listing and watching (idempotent). Failures are retried, never thrown. */
  start(): void {
    if (this.#controller !== undefined) return;
    const controller = new AbortController();
    this.#controller = controller;
    this.#loop = this.#run(controller.signal);
  }

  /** Stops the loop, closes the watch and cancels timers; resolves when the loop has ended. */
  async stop(): Promise<void> {
    const controller = this.#controller;
    if (controller === undefined) return;
    this.#controller = undefined;
    controller.abort();
    this.#watch?.close();
    this.#progressTimer?.cancel();
    await this.#loop;
  }

  /** {@inheritDoc RevisionSource.currentRevision} Falls back to the cache's revision for a source without it. */
  currentRevision(): Promise<number> {
    return this.#source.currentRevision === undefined ? Promise.resolve(this.#cache.revision) : this.#source.currentRevision();
  }

  /** {@inheritDoc RevisionSource.requestProgress} */
  requestProgress(): void {
    this.#watch?.requestProgress?.();
  }

  async #run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      let revision = 0;
      // The first outcome of a WatchList stream past its initial events, handled as a watch's.
      let pending: WatchOutcome | undefined;
      if (this.#useWatchList) {
        const outcome = await this.#watchFrom(0, signal, true);
        if (outcome.kind === 'aborted') return;
        if (outcome.kind === 'fallback') {
          this.#report(outcome.error);
          if (outcome.unsupported) this.#useWatchList = false;
        } else pending = outcome;
      }
      if (pending === undefined) {
        try {
          const listed = await this.#source.list({ signal });
          if (signal.aborted) return;
          this.#cache.replace(listed.items, listed.revision, listed.keys);
          revision = listed.revision;
          this.#lists++;
        } catch (error) {
          if (!(await this.#failed(error, signal))) return;
          continue;
        }
      }
      // Watch, resuming from the last revision, until the revision is gone (relist).
      for (;;) {
        let outcome: WatchOutcome;
        if (pending !== undefined) {
          outcome = pending;
          pending = undefined;
        } else {
          if (signal.aborted) return;
          outcome = await this.#watchFrom(revision, signal, false);
        }
        if (outcome.kind === 'aborted') return;
        revision = outcome.revision;
        if (outcome.kind === 'ended') continue;
        if (outcome.kind === 'fallback') break;
        if (!(await this.#failed(outcome.error, signal))) return;
        if (outcome.kind === 'relist') break;
      }
    }
  }

  /**
   * Watches from `revision` until the watch ends; what happened and the last
   * revision applied. With `initial`, opens a WatchList stream instead and
   * gathers its initial events into one `replace` first.
   */
  async #watchFrom(revision: number, signal: AbortSignal, initial: boolean): Promise<WatchOutcome> {
    let last = revision;
    const startedAt = this.#clock.now();
    let delivered = false;
    // While gathering a WatchList's initial events: the objects and, while every event has one, their keys.
    let items: KubeObject[] | undefined = initial ? [] : undefined;
    let keys: string[] | undefined = [];
    let watch: SourceWatch;
    try {
      watch = initial ? this.#source.watchList!({ signal }) : this.#source.watch({ fromRevision: revision, signal });
    } catch (error) {
      if (signal.aborted) return { kind: 'aborted', revision: last };
      return initial ? { kind: 'fallback', revision: last, error, unsupported: isUnsupported(error) } : { kind: 'retry', revision: last, error };
    }
    this.#watch = watch;
    this.#watches++;
    this.#scheduleProgress();
    try {
      for await (const event of watch) {
        if (items !== undefined) {
          // The initial events: the whole state, handed over at the end bookmark.
          if (event.type === 'BOOKMARK') {
            if (event.initialEventsEnd !== true) continue;
            this.#cache.replace(items, event.revision, keys !== undefined && keys.length === items.length ? keys : undefined);
            this.#lists++;
            last = event.revision;
            items = undefined;
          } else if (event.type !== 'DELETED') {
            items.push(event.object);
            if (keys !== undefined && event.key !== undefined) keys.push(event.key);
            else keys = undefined;
          }
        } else if (event.type === 'BOOKMARK') this.#cache.advance(event.revision);
        else if (event.revision > this.#cache.revision) {
          try {
            this.#cache.apply({ type: event.type, object: event.object, revision: event.revision, key: event.key });
          } catch (error) {
            // One event the store refuses (an index function that throws on it) is reported and skipped, as client-go's
            // watchHandler does: re-watching from the same revision would refuse it again, forever.
            this.#report(error);
          }
        }
        if (event.revision > last) last = event.revision;
        delivered = true;
        // A watch that delivers is healthy: the next failure starts the backoff over.
        if (items === undefined) this.#attempt = 0;
      }
      if (signal.aborted) return { kind: 'aborted', revision: last };
      if (items !== undefined) {
        return { kind: 'fallback', revision: last, error: new Error('the WatchList stream ended without the initial-events-end bookmark: the source does not support it'), unsupported: true };
      }
      if (!delivered && this.#clock.now() - startedAt < VERY_SHORT_WATCH_MS) {
        return { kind: 'relist', revision: last, error: new Error(VERY_SHORT_WATCH_MESSAGE) };
      }
      return { kind: 'ended', revision: last };
    } catch (error) {
      if (signal.aborted) return { kind: 'aborted', revision: last };
      if (items !== undefined) return { kind: 'fallback', revision: last, error, unsupported: isUnsupported(error) };
      // Gone with a resume point (a storage watch overflow) is not a lost revision: resume at once.
      if (isStatusError(error, 'Gone') && error.details?.causes?.some((cause) => cause.field === 'resourceVersion') === true) {
        this.#report(error);
        return { kind: 'ended', revision: last };
      }
      return isStatusError(error, 'Expired') || isStatusError(error, 'Gone') ? { kind: 'relist', revision: last, error } : { kind: 'retry', revision: last, error };
    } finally {
      this.#progressTimer?.cancel();
      this.#progressTimer = undefined;
      if (this.#watch === watch) this.#watch = undefined;
      try {
        watch.close();
      } catch (error) {
        // A source's close that throws must not reject the loop nobody awaits.
        this.#report(error);
      }
    }
  }

  /** Reports `error` and sleeps the backoff; false when stopped meanwhile. */
  async #failed(error: unknown, signal: AbortSignal): Promise<boolean> {
    if (signal.aborted) return false;
    this.#report(error);
    this.#attempt++;
    // By default a background timer: a Reflector its host forgot to stop must not keep the process alive. Stopping aborts the sleep.
    await sleep(this.#clock, backoffDelay(this.#backoff, this.#attempt, this.#random), signal, this.#keepAlive ? undefined : BACKGROUND).catch(() => {});
    return !signal.aborted;
  }

  #report(error: unknown): void {
    this.#errors++;
    try {
      this.#onError?.(error);
    } catch {
      // A host's logging callback must not stop the loop that keeps the cache in step.
    }
  }

  #scheduleProgress(): void {
    if (this.#progressIntervalMs <= 0) return;
    this.#progressTimer = this.#clock.setTimer(
      () => {
        this.requestProgress();
        this.#scheduleProgress();
      },
      this.#progressIntervalMs,
      BACKGROUND,
    );
  }
}

/** Whether a WatchList failure says the source cannot serve one (the server rejected the parameters). */
function isUnsupported(error: unknown): boolean {
  return isStatusError(error, 'BadRequest') || isStatusError(error, 'Invalid') || isStatusError(error, 'MethodNotAllowed') || isStatusError(error, 'NotAcceptable');
}
