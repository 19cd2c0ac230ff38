/**
 * The client a controller talks to: typed resource clients (get, list,
 * watch, create, update, patch, delete, the status subresource) and the
 * ListerWatchers its informers read. Two implementations keep one contract:
 * {@link connect} over HTTP to any Kubernetes API server, and the reference
 * host's in-process fake (`createFakeApi` in `@apiserver-kit/mini-apiserver`),
 * so that one controller test runs unchanged against both.
 *
 * Every failure is a `StatusError` with Kubernetes' reason and code (NotFound
 * 404, AlreadyExists 409, Conflict 409, Invalid 422, …), from the server's
 * Status where there is one.
 */
import type { ListerWatcher } from '@apiserver-kit/cache';
import type { ObjectShape, Stored } from '@apiserver-kit/codec';
import type { ConfigMap, Namespace, Node, Pod } from 'kubernetes-types/core/v1.js';
import { CONFIG_MAPS, NAMESPACES, NODES, PODS, type ResourceType } from './resource-types.js';
import type { WriteLedger } from './write-ledger.js';

/** The patch formats: JSON merge patch (RFC 7386), JSON patch (RFC 6902), Kubernetes' strategic merge patch. */
export type PatchType = 'merge' | 'json' | 'strategic';

/** Options of {@link ResourceClient.get}. */
export interface GetOptions {
  /** `"0"`: any cached state; unset: the latest (a consistent read). */
  readonly resourceVersion?: string | undefined;
  readonly signal?: AbortSignal | undefined;
}

/** Options of {@link ResourceClient.list}, as Kubernetes' list parameters. */
export interface ListOptions {
  readonly labelSelector?: string | undefined;
  readonly fieldSelector?: string | undefined;
  readonly limit?: number | undefined;
  readonly continue?: string | undefined;
  readonly resourceVersion?: string | undefined;
  readonly resourceVersionMatch?: 'Exact' | 'NotOlderThan' | undefined;
  readonly signal?: AbortSignal | undefined;
}

/** A list response. */
export interface ObjectList<T extends ObjectShape> {
  readonly items: readonly Stored<T>[];
  readonly metadata: { readonly resourceVersion: string; readonly continue?: string | undefined; readonly remainingItemCount?: number | undefined };
}

/** Options of {@link ResourceClient.watch}, as Kubernetes' watch parameters. */
export interface WatchOptions {
  readonly resourceVersion?: string | undefined;
  readonly resourceVersionMatch?: 'NotOlderThan' | undefined;
  readonly labelSelector?: string | undefined;
  readonly fieldSelector?: string | undefined;
  readonly allowWatchBookmarks?: boolean | undefined;
  readonly sendInitialEvents?: boolean | undefined;
  readonly timeoutSeconds?: number | undefined;
  /** Ends the watch. */
  readonly signal?: AbortSignal | undefined;
}

/** One event of a watch. */
export type WatchEvent<T extends ObjectShape> =
  | { readonly type: 'ADDED' | 'MODIFIED' | 'DELETED'; readonly object: Stored<T> }
  | {
      readonly type: 'BOOKMARK';
      /** Only `metadata.resourceVersion` (and the initial-events-end annotation) mean anything. */
      readonly object: { readonly metadata: { readonly resourceVersion: string; readonly annotations?: { readonly [key: string]: string } | undefined } };
    };

/** An open watch: iterate once; an ERROR event or a broken stream rejects the iteration with a `StatusError`. */
export interface WatchStream<T extends ObjectShape> extends AsyncIterable<WatchEvent<T>> {
  /** Ends the watch (idempotent). */
  close(): void;
}

/** Options of the writes. */
export interface WriteOptions {
  /** Validate and answer without storing. */
  readonly dryRun?: boolean | undefined;
  /** @default the server's (Warn) */
  readonly fieldValidation?: 'Strict' | 'Warn' | 'Ignore' | undefined;
  readonly signal?: AbortSignal | undefined;
}

/** Options of {@link ResourceClient.delete}. */
export interface DeleteOptions {
  /** The object's uid and/or resourceVersion must still be these (Conflict 409 otherwise). */
  readonly preconditions?: { readonly uid?: string | undefined; readonly resourceVersion?: string | undefined } | undefined;
  readonly dryRun?: boolean | undefined;
  readonly signal?: AbortSignal | undefined;
}

/** The verbs on one resource, in one namespace (or all namespaces / a cluster-scoped resource when `namespace` is undefined). */
export interface ResourceClient<T extends ObjectShape> {
  readonly type: ResourceType<T>;
  readonly namespace: string | undefined;
  get(name: string, options?: GetOptions): Promise<Stored<T>>;
  list(options?: ListOptions): Promise<ObjectList<T>>;
  watch(options?: WatchOptions): WatchStream<T>;
  /** `metadata.generateName` without a name: the server picks one. Needs a namespace for a namespaced resource. */
  create(object: T, options?: WriteOptions): Promise<Stored<T>>;
  /** A replace; with `metadata.resourceVersion` set it is a compare-and-swap (Conflict 409 on a stale one). */
  update(object: T, options?: WriteOptions): Promise<Stored<T>>;
  /** Writes the status subresource: only `status` changes. */
  updateStatus(object: T, options?: WriteOptions): Promise<Stored<T>>;
  patch(name: string, type: PatchType, patch: unknown, options?: WriteOptions): Promise<Stored<T>>;
  patchStatus(name: string, type: PatchType, patch: unknown, options?: WriteOptions): Promise<Stored<T>>;
  delete(name: string, options?: DeleteOptions): Promise<void>;
}

/** Which objects a ListerWatcher follows. */
export interface ListerWatcherScope {
  /** One namespace; @default all */
  readonly namespace?: string | undefined;
  readonly labelSelector?: string | undefined;
  readonly fieldSelector?: string | undefined;
}

/** A client of one API server; see the module comment. */
export interface ApiClient {
  /** The verbs on `type` in `namespace` (undefined: all namespaces, or a cluster-scoped resource). */
  resource<T extends ObjectShape>(type: ResourceType<T>, namespace?: string): ResourceClient<T>;
  pods(namespace?: string): ResourceClient<Pod>;
  nodes(): ResourceClient<Node>;
  namespaces(): ResourceClient<Namespace>;
  configMaps(namespace?: string): ResourceClient<ConfigMap>;
  /** The source an informer of `type` lists and watches. */
  listerWatcher(type: ResourceType, scope?: ListerWatcherScope): ListerWatcher;
  /** Every write made through this client, for tests' settle points (see {@link WriteLedger}). */
  readonly writes: WriteLedger;
  /** Releases connections (HTTP) or stops the in-process server (fake). */
  close(): Promise<void>;
}

/** The shorthand methods of {@link ApiClient} over its `resource`: implementations extend this. */
export abstract class ApiClientBase implements ApiClient {
  abstract resource<T extends ObjectShape>(type: ResourceType<T>, namespace?: string): ResourceClient<T>;
  abstract listerWatcher(type: ResourceType, scope?: ListerWatcherScope): ListerWatcher;
  abstract readonly writes: WriteLedger;
  abstract close(): Promise<void>;

  pods(namespace?: string): ResourceClient<Pod> {
    return this.resource(PODS, namespace);
  }

  nodes(): ResourceClient<Node> {
    return this.resource(NODES);
  }

  namespaces(): ResourceClient<Namespace> {
    return this.resource(NAMESPACES);
  }

  configMaps(namespace?: string): ResourceClient<ConfigMap> {
    return this.resource(CONFIG_MAPS, namespace);
  }
}
