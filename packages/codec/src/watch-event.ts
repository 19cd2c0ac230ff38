import { CachingObject, type Encodable } from './caching-object.js';
import { deepFreeze } from './deep-freeze.js';
import type { Encoder, WatchEventType, WatchFraming } from './encoder.js';
import type { KubeObject, ObjectShape } from './object.js';
import type { Sink } from './splice-buffer.js';
import type { StatusError } from '@apiserver-kit/core';

/**
 * One watch event whose framed bytes are made once per encoder identifier and
 * shared by every watcher: N watchers of one format cost one encode of the
 * object (through its CachingObject, so bytes made for a LIST are reused) and
 * one framing.
 *
 * Frozen: one watcher cannot change the `type` or `object` every other
 * watcher (and every later catch-up) receives; assigning throws in strict
 * mode. The framed bytes are a private cache, which freezing leaves working.
 *
 * `T` types the object of ADDED, MODIFIED and DELETED events; a BOOKMARK
 * carries a bookmark object (kind, apiVersion, resourceVersion, no name) and
 * an ERROR a Status whatever `T` is, as a Kubernetes watch event's object:
 * read `type` first.
 */
export class CachingWatchEvent<T extends ObjectShape = KubeObject> {
  readonly type: WatchEventType;
  readonly object: CachingObject<T>;
  readonly #framed = new Map<string, Uint8Array>();

  constructor(type: WatchEventType, object: Encodable<T>) {
    this.type = type;
    this.object = CachingObject.from(object);
    Object.freeze(this);
  }

  /**
   * The event framed for the wire in `encoder`'s format. Shared: never change it.
   * @throws TypeError if the encoder has no watch framing; whatever encoding the object throws.
   */
  framed(encoder: Encoder): Uint8Array {
    const id = encoder.identifier;
    let bytes = this.#framed.get(id);
    if (bytes === undefined) {
      bytes = watchFramingOf(encoder).frameWatchEvent(this.type, this.object.encoded(encoder));
      this.#framed.set(id, bytes);
    }
    return bytes;
  }
}

/** Writes watch events to sinks in one format, splicing the shared framed bytes. */
export class WatchEventEncoder {
  readonly encoder: Encoder;
  /** The `Content-Type` of the watch stream, e.g. `application/vnd.kubernetes.protobuf;stream=watch`. */
  readonly mediaType: string;

  /** @throws TypeError if `encoder` has no watch framing (YAML has none in Kubernetes). */
  constructor(encoder: Encoder) {
    this.encoder = encoder;
    this.mediaType = watchFramingOf(encoder).watchMediaType;
  }

  /** Splices `event`'s framed bytes into `sink` (framing them first if no one has). */
  encode(event: CachingWatchEvent, sink: Sink): void {
    sink.splice(event.framed(this.encoder));
  }
}

/** The annotation Kubernetes puts on the bookmark that ends a watch's initial events. */
export const INITIAL_EVENTS_END_ANNOTATION = 'k8s.io/initial-events-end';

/**
 * The object of a BOOKMARK event: only kind, apiVersion and resourceVersion,
 * plus the initial-events-end annotation when it closes a watch-list's initial
 * events. Deep-frozen, as every object a watch event carries.
 */
export function bookmarkObject(apiVersion: string, kind: string, resourceVersion: string, initialEventsEnd = false): KubeObject {
  return deepFreeze({
    apiVersion,
    kind,
    metadata: {
      resourceVersion,
      ...(initialEventsEnd ? { annotations: { [INITIAL_EVENTS_END_ANNOTATION]: 'true' } } : {}),
    },
  });
}

/** An ERROR event carrying `error`'s Status, as Kubernetes sends before closing a watch. */
export function errorEvent(error: StatusError): CachingWatchEvent {
  return new CachingWatchEvent('ERROR', error.toStatus() as unknown as KubeObject);
}

function watchFramingOf(encoder: Encoder): WatchFraming {
  const framing = encoder.watchFraming;
  if (framing === undefined) {
    throw new TypeError(`Expected \`encoder\` to support watch streams, got \`${encoder.identifier}\` (no watch framing)`);
  }
  return framing;
}
