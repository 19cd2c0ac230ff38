/**
 * A {@link WatchStream} over one HTTP watch request: the events as the
 * server sends them (JSON or protobuf frames), an ERROR event or an
 * undecodable stream rejecting the iteration with its StatusError, and a
 * clean end when the server ends the watch, the connection drops, or
 * `close()` / the signal / the client's `close()` ends it.
 */
import { httpWatchEvents } from '@apiserver-kit/cache';
import type { ObjectShape, Stored } from '@apiserver-kit/codec';
import type { WatchEvent, WatchStream } from './api-client.js';
import type { HttpConnection } from './http-connection.js';
import type { ResourceType } from './resource-types.js';

/** The largest watch event accepted (client-go has no limit; a bound keeps a broken stream from exhausting memory). */
const MAX_EVENT_BYTES = 64 * 1024 * 1024;

/** See the module comment. */
export class HttpWatchStream<T extends ObjectShape> implements WatchStream<T> {
  readonly #connection: HttpConnection;
  readonly #type: ResourceType<T>;
  readonly #url: URL;
  readonly #controller = new AbortController();
  readonly #outer: AbortSignal | undefined;
  readonly #onOuterAbort = (): void => this.close();
  readonly #untrack: () => void;
  #iterated = false;

  constructor(connection: HttpConnection, type: ResourceType<T>, url: URL, signal: AbortSignal | undefined) {
    this.#connection = connection;
    this.#type = type;
    this.#url = url;
    this.#outer = signal;
    if (signal?.aborted === true) this.#controller.abort();
    else signal?.addEventListener('abort', this.#onOuterAbort, { once: true });
    this.#untrack = connection.track(() => this.close());
  }

  close(): void {
    this.#outer?.removeEventListener('abort', this.#onOuterAbort);
    this.#untrack();
    this.#controller.abort();
  }

  /** @throws TypeError when iterated a second time (one request, one iteration). */
  async *[Symbol.asyncIterator](): AsyncIterator<WatchEvent<T>> {
    if (this.#iterated) throw new TypeError('Expected the watch stream to be iterated once, got a second iteration');
    this.#iterated = true;
    const events = httpWatchEvents(this.#url, this.#connection.config, {
      format: this.#connection.formatFor(this.#type),
      protobuf: this.#connection.protobuf,
      maxEventBytes: MAX_EVENT_BYTES,
      signal: this.#controller.signal,
    });
    try {
      for await (const raw of events) {
        if (raw.type === 'BOOKMARK') {
          const { resourceVersion, annotations } = raw.object.metadata;
          yield {
            type: 'BOOKMARK',
            object: {
              metadata: {
                resourceVersion: typeof resourceVersion === 'string' ? resourceVersion : '',
                ...(typeof annotations === 'object' && annotations !== null ? { annotations: annotations as Record<string, string> } : {}),
              },
            },
          };
        } else {
          yield { type: raw.type, object: raw.object as unknown as Stored<T> };
        }
      }
    } finally {
      this.close();
    }
  }
}
