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

/**
 * The `metadata` every typed object has. Its fields are the ones the blocks
 * read; an interface without an index signature, so that generated types
 * (kubernetes-types' `ObjectMeta`) satisfy it.
 */
export interface ObjectMetaShape {
  readonly name?: string | undefined;
  readonly generateName?: string | undefined;
  readonly namespace?: string | undefined;
  readonly uid?: string | undefined;
  readonly resourceVersion?: string | undefined;
  readonly generation?: number | undefined;
  readonly creationTimestamp?: string | undefined;
  readonly deletionTimestamp?: string | undefined;
  readonly labels?: { readonly [key: string]: string } | undefined;
  readonly annotations?: { readonly [key: string]: string } | undefined;
}

/**
 * The constraint of the blocks' type parameters: any object with Kubernetes'
 * envelope. `KubeObject` and kubernetes-types' interfaces (`Pod`, `Node`)
 * satisfy it (an index signature here would shut the interfaces out).
 */
export interface ObjectShape {
  readonly apiVersion?: string | undefined;
  readonly kind?: string | undefined;
  readonly metadata?: ObjectMetaShape | undefined;
}

/**
 * An object as a store returns it: `metadata` present, with its name and
 * resourceVersion. Stores and caches return frozen objects: clone before
 * changing.
 */
export type Stored<T extends ObjectShape> = T & {
  readonly metadata: NonNullable<T['metadata']> & { readonly name: string; readonly resourceVersion: string };
};
