/**
 * What an informer hands its handlers: the three notifications (client-go's
 * `ResourceEventHandler`), the tombstone of an object whose deletion the
 * informer did not see, and the handle of one registration.
 */
import type { ObjectShape, Stored } from '@apiserver-kit/codec';

/**
 * The last state an informer knew of an object that was deleted while it was
 * not watching (it learned of the deletion from a relist): client-go's
 * `cache.DeletedFinalStateUnknown`. `object` may be older than the deleted
 * state.
 */
export class DeletedFinalStateUnknown<T extends ObjectShape> {
  /** The informer's key of the object (`/pods/ns/name`). */
  readonly key: string;
  /** The last state the informer held. */
  readonly object: Stored<T>;

  constructor(key: string, object: Stored<T>) {
    this.key = key;
    this.object = object;
    Object.freeze(this);
  }
}

/**
 * The callbacks of one registration (all optional). Each registration has
 * its own queue: a handler is called once at a time, in order, and an async
 * one is awaited before the next notification; a slow one delays only
 * itself. What a handler throws (or its promise rejects with) goes to the
 * informer's `onError`; the next notification follows.
 *
 * Objects are the informer's own frozen versions: clone before changing.
 */
export interface EventHandler<T extends ObjectShape> {
  /** A new object; `isInInitialList` for those of the first list (or, for a registration added later, the state it joined with). */
  onAdd?(object: Stored<T>, isInInitialList: boolean): void | Promise<void>;
  /** A changed object; also a resync, where `oldObject === newObject`. */
  onUpdate?(oldObject: Stored<T>, newObject: Stored<T>): void | Promise<void>;
  /** A deleted object: its last state, or a tombstone when the deletion was learned from a relist. */
  onDelete?(object: Stored<T> | DeletedFinalStateUnknown<T>): void | Promise<void>;
}

/** The handle of one {@link EventHandler} registration. */
export interface HandlerRegistration {
  /** Whether this handler has processed the informer's initial list (or the state it joined with). */
  hasSynced(): boolean;
  /** Resolves once {@link hasSynced} (never rejects; never resolves for a removed registration that had not synced). */
  onSynced(): Promise<void>;
  /** Stops delivery: pending notifications are dropped, the handler is not called again. Idempotent. */
  remove(): void;
}

/** The object of a delete notification, whichever form it has. */
export function deletedObject<T extends ObjectShape>(object: Stored<T> | DeletedFinalStateUnknown<T>): Stored<T> {
  return object instanceof DeletedFinalStateUnknown ? object.object : object;
}
