/**
 * Keys and values as they sit in etcd: `<prefix><storage key>` (Kubernetes'
 * `/registry/pods/default/web-0`), and the object encoded by a codec without
 * its `resourceVersion`, which is the key's mod revision and is stamped on
 * read (Kubernetes' APIObjectVersioner does the same: etcd3 store.go clears
 * it before writing, sets it from `kv.ModRevision` after reading).
 */
import { type Codec, deepFreeze, encodeToBuffer, internalError, type KubeObject, type Stored } from '@apiserver-kit/codec';
import type { IKeyValue } from 'etcd3';
import { withMetadata } from './object-metadata.js';

/** Encodes and decodes the keys and values of one EtcdStorage. */
export class EtcdValues {
  readonly #codec: Codec;
  readonly #prefix: string;

  constructor(codec: Codec, prefix: string) {
    this.#codec = codec;
    this.#prefix = prefix;
  }

  /** The etcd key of a storage key (or prefix). */
  key(storageKey: string): Buffer {
    return Buffer.from(this.#prefix + storageKey, 'latin1');
  }

  /** The end of the etcd range of every key starting with `storagePrefix` (etcd's prefix range end: last byte + 1). */
  rangeEnd(storagePrefix: string): Buffer {
    // Storage keys are printable ASCII (≤ 0x7e), so bumping the last byte never carries.
    const key = this.key(storagePrefix);
    const end = Buffer.from(key);
    end[end.length - 1]! += 1;
    return end;
  }

  /** The storage key of an etcd key. */
  storageKey(etcdKey: Buffer): string {
    return etcdKey.toString('latin1').slice(this.#prefix.length);
  }

  /** The bytes stored for `object`: the codec's encoding, without `resourceVersion`. */
  encode(object: KubeObject): Buffer {
    const stripped = object.metadata?.resourceVersion === undefined ? object : withMetadata(object, object.metadata, { resourceVersion: undefined });
    return encodeToBuffer((sink) => this.#codec.encode(stripped, sink));
  }

  /**
   * The object stored in `kv`, deep-frozen, with `resourceVersion` set to
   * `revision` (by default the key's mod revision).
   *
   * @throws StatusError InternalError 500 for bytes the codec cannot decode (another writer's data, another codec).
   */
  decode(kv: IKeyValue, revision: string = kv.mod_revision): Stored<KubeObject> {
    let object: KubeObject;
    try {
      object = this.#codec.decode(kv.value);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw internalError(`unable to decode the object stored under ${JSON.stringify(this.storageKey(kv.key))} with ${this.#codec.mediaType}: ${reason}`, error);
    }
    return deepFreeze(withMetadata(object, object.metadata, { resourceVersion: revision })) as Stored<KubeObject>;
  }
}
