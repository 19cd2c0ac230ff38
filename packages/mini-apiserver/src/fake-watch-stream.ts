/**
 * A watch of the fake API: the Cacher's watcher as the controller's
 * `WatchStream` — opened on the first read (the Cacher's watch is
 * asynchronous while `ResourceClient.watch` is not), its events the cache's
 * own frozen objects.
 */
import type { CacheWatcher } from '@apiserver-kit/cache';
import type { ObjectShape } from '@apiserver-kit/codec';
import type { WatchEvent, WatchStream } from '@apiserver-kit/controller';

/** See the module comment. Iterate once; a failure to open or a failing watcher rejects the iteration with its `StatusError`. */
export class FakeWatchStream<T extends ObjectShape> implements WatchStream<T> {
  readonly #open: (signal: AbortSignal) => Promise<CacheWatcher>;
  readonly #controller = new AbortController();
  /** The caller's signal: its listener goes with the watch, so that one signal shared by many watches does not accumulate them. */
  readonly #outer: AbortSignal | undefined;
  readonly #onOuterAbort = (): void => this.close();
  #watcher: CacheWatcher | undefined;
  #closed = false;
  #iterated = false;

  constructor(open: (signal: AbortSignal) => Promise<CacheWatcher>, signal: AbortSignal | undefined) {
    this.#open = open;
    this.#outer = signal;
    if (signal?.aborted === true) this.close();
    else signal?.addEventListener('abort', this.#onOuterAbort, { once: true });
  }

  /** Ends the watch: the iteration finishes (idempotent). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#outer?.removeEventListener('abort', this.#onOuterAbort);
    this.#controller.abort();
    this.#watcher?.close();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<WatchEvent<T>> {
    if (this.#iterated) throw new TypeError('Expected the watch to be iterated once, got a second iteration');
    this.#iterated = true;
    if (this.#closed) return;
    let watcher: CacheWatcher;
    try {
      watcher = await this.#open(this.#controller.signal);
    } catch (error) {
      // Closed while opening: the watch ends cleanly, as a closed one does.
      if (this.#closed) return;
      this.close();
      throw error;
    }
    this.#watcher = watcher;
    if (this.#closed) {
      watcher.close();
      return;
    }
    try {
      for await (const event of watcher) {
        // Shared, frozen objects: the same the cache holds and an HTTP watch would encode.
        yield { type: event.type, object: event.object.getObject() } as unknown as WatchEvent<T>;
      }
    } finally {
      // Ended, failed or abandoned: release the watcher and the caller's signal.
      this.close();
      watcher.close();
    }
  }
}
