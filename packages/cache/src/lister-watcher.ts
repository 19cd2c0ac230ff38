/**
 * The source a Reflector lists and watches, kept small so that a Kubernetes
 * HTTP list/watch client can implement it as easily as a {@link Storage}:
 * `list` is a full, consistent list (the implementation pages internally),
 * `watch` streams the changes after a revision.
 */
import type { KubeObject, ObjectShape } from '@apiserver-kit/codec';
import type { Storage } from '@apiserver-kit/storage';
import { checkInteger } from '@apiserver-kit/core';

/** A change or a progress report from a source, in revision order. */
export type SourceEvent =
  | {
      readonly type: 'ADDED' | 'MODIFIED' | 'DELETED';
      /** The object (for DELETED, the last state with the deletion revision). */
      readonly object: KubeObject;
      /** The revision of the change. */
      readonly revision: number;
      /**
       * The storage key, when the source knows it (the cache computes it
       * otherwise, from the object's metadata). Give it whenever known: the
       * cache files the object under it, and only it is sure to match storage's
       * (an object stored without `metadata.namespace` under a namespaced key).
       */
      readonly key?: string | undefined;
    }
  | {
      readonly type: 'BOOKMARK';
      /** Every change up to this revision has been delivered. */
      readonly revision: number;
      /**
       * Set on the bookmark that ends the initial events of a
       * {@link ListerWatcher.watchList} stream (Kubernetes' `k8s.io/initial-events-end`
       * annotation): the ADDED events before it are the whole state at `revision`.
       */
      readonly initialEventsEnd?: boolean | undefined;
    };

/** The answer of {@link ListerWatcher.list}: the whole collection at one revision. */
export interface SourceList {
  readonly items: readonly KubeObject[];
  readonly revision: number;
  /** The storage key of each item, in the order of `items`, when the source knows them (see {@link SourceEvent}'s `key`). */
  readonly keys?: readonly string[] | undefined;
}

/** An open watch of a source: iterate once; failures (Expired, Gone, network) surface from the iteration. */
export interface SourceWatch extends AsyncIterable<SourceEvent> {
  /** Asks for a BOOKMARK once every earlier change has been delivered (optional: HTTP sources may lack it). */
  requestProgress?(): void;
  /** Ends the watch. Idempotent. */
  close(): void;
}

/** What a {@link Reflector} reads from. */
export interface ListerWatcher {
  /** A full list at one consistent revision. */
  list(options: { readonly signal?: AbortSignal | undefined }): Promise<SourceList>;
  /** The changes after `fromRevision`. */
  watch(options: { readonly fromRevision: number; readonly signal?: AbortSignal | undefined }): SourceWatch;
  /** The source's current revision, for consistent reads; without it the cache serves its own revision. */
  currentRevision?(): Promise<number>;
  /**
   * A WatchList stream (client-go's `sendInitialEvents=true` with
   * resourceVersion `""`, resourceVersionMatch `NotOlderThan` and bookmarks):
   * ADDED events of the current state, then a BOOKMARK with
   * `initialEventsEnd: true` at the state's revision, then the changes after
   * it, as {@link watch}. Optional: a {@link Reflector} lists and watches a
   * source without it. A source (or server) that cannot serve it fails the
   * iteration with a StatusError BadRequest 400 / Invalid 422, or ends the
   * stream without the end bookmark; the Reflector then falls back to
   * list + watch for good.
   */
  watchList?(options: { readonly signal?: AbortSignal | undefined }): SourceWatch;
}

/** Options of {@link storageListerWatcher}. */
export interface StorageListerWatcherOptions {
  /** Items per storage list call while relisting (pages at one revision); @default 10_000 */
  readonly pageSize?: number | undefined;
  /** The storage watch's buffer; @default the storage's */
  readonly watchBufferSize?: number | undefined;
}

/**
 * A {@link ListerWatcher} over a `Storage` and a key prefix (e.g. `/pods/`).
 * The list pages through the storage at the first page's revision, so it is
 * consistent; the watch passes storage events through as they are (same shape).
 *
 * @throws TypeError/RangeError for a bad `pageSize`.
 */
export function storageListerWatcher<T extends ObjectShape = KubeObject>(typedStorage: Storage<T>, prefix: string, options: StorageListerWatcherOptions = {}): ListerWatcher {
  // A source hands plain objects to the cache whatever their type: one view of the storage as untyped, here.
  const storage = typedStorage as unknown as Storage;
  const pageSize = options.pageSize ?? 10_000;
  checkInteger('pageSize', pageSize, 1);
  return {
    async list({ signal }): Promise<SourceList> {
      const items: KubeObject[] = [];
      // Storage's keys, while every page has them (an implementation without them leaves keying to the cache).
      let keys: string[] | undefined = [];
      let page = await storage.list(prefix, { limit: pageSize });
      const revision = page.revision;
      for (;;) {
        for (const item of page.items) items.push(item);
        if (keys !== undefined && page.keys !== undefined && page.keys.length === page.items.length) for (const key of page.keys) keys.push(key);
        else keys = undefined;
        if (!page.more || page.nextKey === undefined) break;
        signal?.throwIfAborted();
        page = await storage.list(prefix, { limit: pageSize, revision, startKey: page.nextKey });
      }
      return keys === undefined ? { items, revision } : { items, revision, keys };
    },
    watch({ fromRevision, signal }): SourceWatch {
      return storage.watch(prefix, { fromRevision, signal, bufferSize: options.watchBufferSize });
    },
    currentRevision: (): Promise<number> => storage.currentRevision(),
  };
}
