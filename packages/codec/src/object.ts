/**
 * The shape of a Kubernetes object as the blocks see it: plain JSON data with
 * `apiVersion`, `kind` and `metadata`. Objects held by stores and caches are
 * deep-frozen (see `deepFreeze`): share them freely, clone before changing.
 */
export interface KubeObject {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly metadata?: ObjectMeta;
  readonly [field: string]: unknown;
}

/** The subset of `ObjectMeta` the blocks read; other fields pass through untouched. */
export interface ObjectMeta {
  readonly name?: string;
  readonly generateName?: string;
  readonly namespace?: string;
  readonly uid?: string;
  readonly resourceVersion?: string;
  readonly generation?: number;
  readonly creationTimestamp?: string;
  readonly deletionTimestamp?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
  readonly [field: string]: unknown;
}

/** `ListMeta`: the metadata of a list response. */
export interface ListMeta {
  readonly resourceVersion?: string;
  readonly continue?: string;
  readonly remainingItemCount?: number;
}

/** The envelope of a list response (`PodList`), without its items. */
export interface ListHeader {
  readonly apiVersion: string;
  /** The list kind, e.g. `PodList`. */
  readonly kind: string;
  readonly metadata: ListMeta;
}
