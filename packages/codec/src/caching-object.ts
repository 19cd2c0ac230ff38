import { deepFreeze } from './deep-freeze.js';
import type { Encoder } from './encoder.js';
import type { KubeObject, ObjectShape, Stored } from './object.js';
import { SpliceBuffer, type Sink } from './splice-buffer.js';
import { internalError } from '@apiserver-kit/core';

const ENCODING: unique symbol = Symbol('encoding');

class EncodeFailure {
  constructor(readonly error: unknown) {}
}

type CacheEntry = Uint8Array | EncodeFailure | typeof ENCODING;

/**
 * One deep-frozen object version with its serializations, each made at most
 * once per encoder identifier and then shared by every LIST, initial watch
 * event and live watch event that sends it.
 *
 * `getObject()` returns the stored object itself, not a copy: it is
 * deep-frozen, so no caller can change it, and sharing it is what keeps the
 * cached bytes true to the object.
 *
 * `T` types the object (`CachingObject<Pod>` with kubernetes-types' `Pod`):
 * {@link getObject} returns it as {@link Stored}, `metadata` with its name and
 * resourceVersion present, as a store or cache holds it. Nothing checks that
 * at run time: the objects come decoded from JSON, as in client-go's typed
 * informers. The exceptions are the objects of BOOKMARK and ERROR watch
 * events (a bookmark without a name, a Status): read the event's `type` first.
 *
 * Memory: holds one byte array per identifier used, for as long as the
 * version is referenced (see {@link encodedByteLength}).
 */
export class CachingObject<T extends ObjectShape = KubeObject> {
  readonly #object: KubeObject;
  readonly #cache = new Map<string, CacheEntry>();

  /** Wraps `object`, deep-freezing it first (see `deepFreeze`; free if it is already frozen by the library). */
  constructor(object: T) {
    // The one cast of the class, in and out (`getObject`): encoders take the
    // untyped `KubeObject`, which typed interfaces (kubernetes-types' `Pod`,
    // whose `ObjectMeta` has no index signature) are not assignable to.
    this.#object = deepFreeze(object) as unknown as KubeObject;
    // Shared by every reader: no one may replace a method or add a field (the caches are private, so they keep working).
    Object.freeze(this);
  }

  /** `item` if it is a CachingObject, else a new one wrapping it. */
  static from<T extends ObjectShape>(item: T | CachingObject<T>): CachingObject<T> {
    return item instanceof CachingObject ? item : new CachingObject(item);
  }

  /** The frozen object, typed as stored (see the class doc). Never copied: do not try to change it (it throws in strict mode). */
  getObject(): Stored<T> {
    return this.#object as unknown as Stored<T>;
  }

  /**
   * The object's bytes in `encoder`'s format, encoding on the first call for
   * the encoder's identifier only. The bytes are shared: never change them.
   *
   * @throws the error the encoder raised, the same one to every caller for
   *   this identifier (an encode failure is remembered, not retried);
   *   StatusError InternalError when called re-entrantly from inside the
   *   encoding of this very object and identifier.
   */
  encoded(encoder: Encoder): Uint8Array {
    const id = encoder.identifier;
    const entry = this.#cache.get(id);
    if (entry instanceof Uint8Array) return entry;
    if (entry instanceof EncodeFailure) throw entry.error;
    if (entry === ENCODING) {
      throw internalError(`re-entrant encode of ${describe(this.#object)} with encoder ${JSON.stringify(id)}`);
    }
    this.#cache.set(id, ENCODING);
    try {
      const sink = new SpliceBuffer();
      encoder.encode(this.#object, sink);
      const bytes = sink.toBuffer();
      this.#cache.set(id, bytes);
      return bytes;
    } catch (error) {
      this.#cache.set(id, new EncodeFailure(error));
      throw error;
    }
  }

  /** Writes the object to `sink` in `encoder`'s format: the cached bytes, spliced. See {@link encoded}. */
  cacheEncode(encoder: Encoder, sink: Sink): void {
    sink.splice(this.encoded(encoder));
  }

  /** Whether bytes for `identifier` are cached. */
  isEncoded(identifier: string): boolean {
    return this.#cache.get(identifier) instanceof Uint8Array;
  }

  /** Size of the cached bytes for `identifier`, or `undefined` if not encoded (yet, or it failed). */
  encodedByteLength(identifier: string): number | undefined {
    const entry = this.#cache.get(identifier);
    return entry instanceof Uint8Array ? entry.byteLength : undefined;
  }

  /** Sum of the sizes of all cached encodings: what this version costs beyond the object. */
  get cachedByteLength(): number {
    let total = 0;
    for (const entry of this.#cache.values()) if (entry instanceof Uint8Array) total += entry.byteLength;
    return total;
  }
}

/** Something an encoder can write: a plain object or a {@link CachingObject}. */
export type Encodable<T extends ObjectShape = KubeObject> = T | CachingObject<T>;

/**
 * The bytes of `item` in `encoder`'s format: cached ones for a CachingObject,
 * freshly encoded (and not kept) for a plain object.
 */
export function encodedBytes(encoder: Encoder, item: Encodable): Uint8Array {
  if (item instanceof CachingObject) return item.encoded(encoder);
  const sink = new SpliceBuffer();
  encoder.encode(item, sink);
  return sink.toBuffer();
}

/** Writes `item` to `sink`, splicing cached bytes when it is a CachingObject. */
export function encodeTo(encoder: Encoder, item: Encodable, sink: Sink): void {
  if (item instanceof CachingObject) item.cacheEncode(encoder, sink);
  else encoder.encode(item, sink);
}

function describe(object: KubeObject): string {
  const meta = object.metadata;
  const name = meta?.namespace === undefined ? meta?.name : `${meta.namespace}/${meta.name ?? ''}`;
  return `${object.kind ?? 'object'} ${JSON.stringify(name ?? '')}`;
}
