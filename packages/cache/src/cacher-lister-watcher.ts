/**
 * A {@link ListerWatcher} over a {@link Cacher} in the same process: what an
 * informer of an in-process API (the fake API, a host's own controllers)
 * reads, with the scope a client would send (namespace, label and field
 * selectors), served by the cacher's watch cache as an HTTP list/watch would
 * be — without encoding anything.
 */
import { type CachingWatchEvent, INITIAL_EVENTS_END_ANNOTATION, type KubeObject } from '@apiserver-kit/codec';
import { received } from '@apiserver-kit/core';
import type { CacheWatcher } from './cache-watcher.js';
import type { Cacher, CacherRequestScope } from './cacher.js';
import type { ListerWatcher, SourceEvent, SourceList, SourceWatch } from './lister-watcher.js';

/** Which objects a {@link cacherListerWatcher} follows. */
export interface CacherListerWatcherScope {
  /** One namespace; @default all */
  readonly namespace?: string | undefined;
  /** Kubernetes label selector syntax; @default everything */
  readonly labelSelector?: string | undefined;
  /** Kubernetes field selector syntax (fields of the resource); @default everything */
  readonly fieldSelector?: string | undefined;
}

/**
 * A {@link ListerWatcher} over `cacher` limited to `scope`:
 *
 * - `list`: a consistent list (resourceVersion unset: the cacher waits for
 *   its storage's current revision);
 * - `watch`: the changes after a revision, with bookmarks (Expired 410 when
 *   the revision is older than the cache's history);
 * - `watchList`: `sendInitialEvents` (the state as ADDED events, the end
 *   bookmark, then the changes);
 * - `requestProgress` on a watch: asks the cacher's source for progress and
 *   the watcher for a bookmark, so that a waiting reader need not wait for the
 *   bookmark timer.
 *
 * Costs: what the cacher's list and watch cost; events carry the cache's own
 * frozen objects (no copies).
 *
 * Caveats: the watch is the cacher's: a consumer that stops reading is shed
 * (its stream ends cleanly; a Reflector resumes from its last revision).
 * Malformed selectors fail the list or the watch's iteration with BadRequest 400.
 *
 * @throws TypeError for a `cacher` without list and watch, or a bad `scope`.
 */
export function cacherListerWatcher(cacher: Cacher, scope: CacherListerWatcherScope = {}): ListerWatcher {
  if (typeof cacher !== 'object' || cacher === null || typeof cacher.list !== 'function' || typeof cacher.watch !== 'function') {
    throw new TypeError(`Expected \`cacher\` to be a Cacher, got ${received(cacher)}`);
  }
  if (typeof scope !== 'object' || scope === null) throw new TypeError(`Expected \`scope\` to be an object, got ${received(scope)}`);
  for (const field of ['namespace', 'labelSelector', 'fieldSelector'] as const) {
    const value: unknown = scope[field];
    if (value !== undefined && typeof value !== 'string') throw new TypeError(`Expected \`scope.${field}\` to be a string, got ${received(value)}`);
  }
  const selection: CacherRequestScope = {
    namespace: scope.namespace === '' ? undefined : scope.namespace,
    labelSelector: scope.labelSelector,
    fieldSelector: scope.fieldSelector,
  };
  return {
    async list({ signal }): Promise<SourceList> {
      const result = await cacher.list({ ...selection, signal });
      const items: KubeObject[] = new Array<KubeObject>(result.items.length);
      for (let i = 0; i < items.length; i++) items[i] = result.items[i]!.getObject();
      return { items, revision: Number(result.resourceVersion) };
    },
    watch({ fromRevision, signal }): SourceWatch {
      if (fromRevision <= 0) {
        // Revision 0 is the empty state before any write, so "the changes after 0" are the current objects, then the changes.
        // The cacher's resourceVersion "0" means something else (initial events in key order, not revision order): ask for
        // the state with its end bookmark, and hand it over in revision order, as a source must.
        return new CacherSourceWatch(
          cacher,
          (inner) => cacher.watch({ ...selection, resourceVersion: '0', sendInitialEvents: true, resourceVersionMatch: 'NotOlderThan', allowWatchBookmarks: true, signal: inner }),
          signal,
          true,
        );
      }
      return new CacherSourceWatch(cacher, (inner) => cacher.watch({ ...selection, resourceVersion: String(fromRevision), allowWatchBookmarks: true, signal: inner }), signal);
    },
    watchList({ signal }): SourceWatch {
      return new CacherSourceWatch(
        cacher,
        (inner) => cacher.watch({ ...selection, sendInitialEvents: true, resourceVersionMatch: 'NotOlderThan', allowWatchBookmarks: true, signal: inner }),
        signal,
      );
    },
    currentRevision: (): Promise<number> => (cacher.reflector === undefined ? Promise.resolve(cacher.cache.revision) : cacher.reflector.currentRevision()),
  };
}

/** A cacher watch as a {@link SourceWatch}: opened on the first read (the cacher's watch is asynchronous). */
class CacherSourceWatch implements SourceWatch {
  readonly #cacher: Cacher;
  readonly #open: (signal: AbortSignal) => Promise<CacheWatcher>;
  readonly #controller = new AbortController();
  #watcher: CacheWatcher | undefined;
  /** Replays the initial events in revision order, ended by a plain bookmark (a watch from revision 0). */
  readonly #asChanges: boolean;
  /** The caller's signal: a Reflector passes one to every watch it opens, so the listener goes when the watch does. */
  readonly #outer: AbortSignal | undefined;
  readonly #onOuterAbort = (): void => this.close();
  #closed = false;
  #iterated = false;

  constructor(cacher: Cacher, open: (signal: AbortSignal) => Promise<CacheWatcher>, signal: AbortSignal | undefined, asChanges = false) {
    this.#cacher = cacher;
    this.#open = open;
    this.#asChanges = asChanges;
    this.#outer = signal;
    if (signal?.aborted === true) this.close();
    else signal?.addEventListener('abort', this.#onOuterAbort, { once: true });
  }

  requestProgress(): void {
    // The cacher's cache first learns its storage's revision; the watcher then bookmarks what the cache has.
    this.#cacher.reflector?.requestProgress();
    this.#watcher?.requestBookmark();
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#outer?.removeEventListener('abort', this.#onOuterAbort);
    this.#controller.abort();
    this.#watcher?.close();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<SourceEvent> {
    if (this.#iterated) throw new TypeError('Expected the watch to be iterated once, got a second iteration');
    this.#iterated = true;
    if (this.#closed) return;
    let watcher: CacheWatcher;
    try {
      watcher = await this.#open(this.#controller.signal);
    } catch (error) {
      this.close();
      throw error;
    }
    this.#watcher = watcher;
    if (this.#closed) {
      watcher.close();
      return;
    }
    try {
      let initial: SourceEvent[] | undefined = this.#asChanges ? [] : undefined;
      for await (const event of watcher) {
        const converted = toSourceEvent(event);
        if (converted === undefined) continue;
        if (initial === undefined) {
          yield converted;
        } else if (converted.type !== 'BOOKMARK') {
          initial.push(converted);
        } else if (converted.initialEventsEnd === true) {
          // One object per revision (MVCC): sorting by revision gives a strictly increasing stream.
          initial.sort((a, b) => a.revision - b.revision);
          for (const change of initial) yield change;
          initial = undefined;
          yield { type: 'BOOKMARK', revision: converted.revision };
        }
      }
    } finally {
      // The iteration is over (ended, failed or abandoned): release the watcher and the caller's signal.
      this.close();
      watcher.close();
    }
  }
}

function toSourceEvent(event: CachingWatchEvent): SourceEvent | undefined {
  const object = event.object.getObject() as KubeObject;
  const revision = Number(object.metadata?.resourceVersion);
  if (!Number.isSafeInteger(revision)) return undefined;
  switch (event.type) {
    case 'BOOKMARK':
      return object.metadata?.annotations?.[INITIAL_EVENTS_END_ANNOTATION] === 'true' ? { type: 'BOOKMARK', revision, initialEventsEnd: true } : { type: 'BOOKMARK', revision };
    case 'ADDED':
    case 'MODIFIED':
    case 'DELETED':
      return { type: event.type, object, revision };
    default:
      return undefined;
  }
}
