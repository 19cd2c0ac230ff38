/**
 * The Reflector: keeps a {@link WatchCache} in step with a source by listing
 * it, then watching from the list's revision, for as long as it runs.
 *
 * ```
 *          ┌──────────── backoff (800 ms → 30 s, jittered) ◀────────────┐
 *          ▼                                                            │ list failed, or the watch
 *   ┌─────────────┐  replace(items, rv)  ┌──────────────────────────┐   │ failed with Expired (the
 *   │    list     │ ───────────────────▶ │ watch from the last rv   │ ──┘ revision is gone: relist)
 *   └─────────────┘                      │ apply / advance (bookmark)│
 *                                        └──────────────────────────┘
 *                         ended, Gone (overflow) │ ▲ resume at once from the last revision;
 *                         other failure          └─┘ other failures after a backoff
 * ```
 *
 * A watch that ends within {@link VERY_SHORT_WATCH_MS} without delivering
 * anything is a failure (client-go reflector.go `watchHandler`, "very short
 * watch"): backoff, then relist. Reopening at once would spin on a source
 * whose watches end immediately and starve every timer of the process.
 *
 * Its own timers (progress requests, backoff sleeps) are background ones: a
 * Reflector that nobody stops does not keep the process alive.
 *
 * Callbacks: an `onError` that throws is ignored (the Reflector goes on; the
 * throw is lost rather than allowed to break the loop).
 *
 * It also serves the cache as its {@link RevisionSource}: consistent reads
 * ask the source's current revision, and a waiting read asks the watch for a
 * progress bookmark so that the cache reaches that revision even when no
 * change arrives.
 */
import { BACKGROUND_TIMER as BACKGROUND } from '@apiserver-kit/core';
import { isStatusError } from '@apiserver-kit/codec';
import { backoffDelay, type Clock, type PartialRetryOptions, resolveRetryOptions, type RetryOptions, systemClock, type Timer } from '@apiserver-kit/storage';
import { checkDuration, sleep } from '@apiserver-kit/core';
import type { ListerWatcher, SourceWatch } from './lister-watcher.js';
import type { RevisionSource, WatchCache } from './watch-cache.js';

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
}

/**
 * Lists and watches a {@link ListerWatcher} into a {@link WatchCache}; see the
 * module comment for the state machine. Start it with {@link start}; stop it
 * with {@link stop} (which the host must call: it holds timers and a watch).
 *
 * Caveat: it registers itself as the cache's revision source.
 */
export class Reflector implements RevisionSource {
  readonly #source: ListerWatcher;
  readonly #cache: WatchCache;
  readonly #clock: Clock;
  readonly #backoff: RetryOptions;
  readonly #random: () => number;
  readonly #progressIntervalMs: number;
  readonly #onError: ((error: unknown) => void) | undefined;
  #controller: AbortController | undefined;
  #loop: Promise<void> | undefined;
  #watch: SourceWatch | undefined;
  #progressTimer: Timer | undefined;
  #lists = 0;
  #watches = 0;
  #errors = 0;
  #attempt = 0;

  /** @throws TypeError/RangeError naming a bad option. */
  constructor(source: ListerWatcher, cache: WatchCache, options: ReflectorOptions = {}) {
    this.#source = source;
    this.#cache = cache;
    this.#clock = options.clock ?? systemClock;
    this.#backoff = resolveRetryOptions(options.backoff, DEFAULT_REFLECTOR_BACKOFF);
    this.#random = options.random ?? Math.random;
    this.#progressIntervalMs = options.progressIntervalMs ?? 5000;
    checkDuration('progressIntervalMs', this.#progressIntervalMs);
    this.#onError = options.onError;
    cache.setRevisionSource(this);
  }

  /** Whether the loop runs. */
  get isRunning(): boolean {
    return this.#controller !== undefined;
  }

  /** Counters; a fresh object per read. */
  get stats(): ReflectorStats {
    return { lists: this.#lists, watches: this.#watches, errors: this.#errors, backoffAttempt: this.#attempt };
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
      let revision: number;
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
      // Watch, resuming from the last revision, until the revision is gone (relist).
      for (;;) {
        if (signal.aborted) return;
        const outcome = await this.#watchFrom(revision, signal);
        if (outcome.kind === 'aborted') return;
        revision = outcome.revision;
        if (outcome.kind === 'ended') continue;
        if (!(await this.#failed(outcome.error, signal))) return;
        if (outcome.kind === 'relist') break;
      }
    }
  }

  /** Watches from `revision` until the watch ends; what happened and the last revision applied. */
  async #watchFrom(
    revision: number,
    signal: AbortSignal,
  ): Promise<WatchOutcome> {
    let last = revision;
    const startedAt = this.#clock.now();
    let delivered = false;
    const watch = this.#source.watch({ fromRevision: revision, signal });
    this.#watch = watch;
    this.#watches++;
    this.#scheduleProgress();
    try {
      for await (const event of watch) {
        delivered = true;
        if (event.type === 'BOOKMARK') this.#cache.advance(event.revision);
        else if (event.revision > this.#cache.revision) {
          this.#cache.apply({ type: event.type, object: event.object, revision: event.revision, key: event.key });
        }
        if (event.revision > last) last = event.revision;
        // A watch that delivers is healthy: the next failure starts the backoff over.
        this.#attempt = 0;
      }
      if (signal.aborted) return { kind: 'aborted', revision: last };
      if (!delivered && this.#clock.now() - startedAt < VERY_SHORT_WATCH_MS) {
        return { kind: 'relist', revision: last, error: new Error(VERY_SHORT_WATCH_MESSAGE) };
      }
      return { kind: 'ended', revision: last };
    } catch (error) {
      if (signal.aborted) return { kind: 'aborted', revision: last };
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
      watch.close();
    }
  }

  /** Reports `error` and sleeps the backoff; false when stopped meanwhile. */
  async #failed(error: unknown, signal: AbortSignal): Promise<boolean> {
    if (signal.aborted) return false;
    this.#report(error);
    this.#attempt++;
    // A background timer: a Reflector its host forgot to stop must not keep the process alive. Stopping aborts the sleep.
    await sleep(this.#clock, backoffDelay(this.#backoff, this.#attempt, this.#random), signal, BACKGROUND).catch(() => {});
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
