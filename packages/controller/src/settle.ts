/**
 * Settle points for controller tests, without polling or timers: an informer
 * has delivered "everything written so far" once every handler has processed
 * every recorded write (see {@link WriteLedger}) the informer will ever see.
 *
 * The rule, for an informer: a ledger record r still has to be waited for
 * while r.revision is above the revision all its handlers have processed, and
 *
 * - r.resource is the informer's, r.namespace in its scope, and
 * - r.object (a create, update or patch) matches its selectors, or its store
 *   holds r's key (the server will send a DELETED when the object leaves the
 *   selection) — or, for a delete, its store holds r's key with r.uid.
 *
 * A delete's revision may be an upper bound (a Status answer says none): it
 * is met as soon as the object is gone from the store and every handler has
 * been told. The rule is re-evaluated after each delivered notification and
 * each new record.
 */
import type { ObjectShape } from '@apiserver-kit/codec';
import type { WriteLedger, WriteRecord } from './write-ledger.js';

/** What the settle rule reads of an informer (the Informer implements it). */
export interface DeliveryView {
  /** {@link resourceId} of the informer's resource. */
  readonly resourceId: string;
  /** The namespace of its scope; undefined: all. */
  readonly scopeNamespace: string | undefined;
  /** Whether `object` matches its selectors. */
  matchesScope(object: ObjectShape): boolean;
  /** The revision every handler has processed every notification up to (0 before the first list). */
  deliveredRevision(): number;
  /** The revision its store reflects. */
  storeRevision(): number;
  /** Whether its store holds the object (with `uid`, when given), or a handler still has a notification about it. */
  holds(namespace: string | undefined, name: string, uid: string | undefined): boolean;
  /** Calls `listener` after every delivered notification and store progress; returns the unsubscribe function. */
  onProgress(listener: () => void): () => void;
  /** Asks the source for a progress bookmark (to reach a revision without a change in scope). */
  requestProgress(): void;
}

/** Whether `record` still holds a settle back, for `view` at delivered revision `delivered`. */
export function isAwaited(view: DeliveryView, record: WriteRecord, delivered: number): boolean {
  if (record.revision <= delivered) return false;
  if (record.resource !== view.resourceId) return false;
  const namespace = view.scopeNamespace;
  if (namespace !== undefined && (record.namespace ?? '') !== namespace) return false;
  if (record.object !== undefined) return view.matchesScope(record.object) || view.holds(record.namespace, record.name, undefined);
  return view.holds(record.namespace, record.name, record.uid);
}

/**
 * Resolves once `view` has delivered every write of `ledger` it will see (the
 * module comment's rule), including those recorded while waiting.
 *
 * Caveat: records the ledger dropped (beyond its capacity) are unknown; the
 * informer then waits until its store reaches the newest dropped revision,
 * asking its source for progress (a source without progress reports leaves
 * that to its own bookmarks).
 *
 * @throws the signal's reason when `signal` aborts (or has aborted) while
 *   something is still to be delivered.
 */
export function waitForDelivered(view: DeliveryView, ledger: WriteLedger, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let candidates: WriteRecord[] = [...ledger.since(view.deliveredRevision())];
    const dropped = ledger.droppedRevision;
    let progressAskedAt = -1;
    let done = false;
    const finish = (error?: unknown): void => {
      if (done) return;
      done = true;
      unsubscribeLedger();
      unsubscribeProgress();
      signal?.removeEventListener('abort', onAbort);
      if (error === undefined) resolve();
      else reject(error as Error);
    };
    const check = (): void => {
      if (done) return;
      const delivered = view.deliveredRevision();
      if (candidates.length > 0 && candidates[0]!.revision <= delivered) candidates = candidates.filter((record) => record.revision > delivered);
      for (const record of candidates) if (isAwaited(view, record, delivered)) return;
      if (dropped > delivered) {
        // Unknown records: reach their revision, asking for progress once per store revision.
        const store = view.storeRevision();
        if (store !== progressAskedAt) {
          progressAskedAt = store;
          view.requestProgress();
        }
        return;
      }
      finish();
    };
    const onAbort = (): void => finish(signal?.reason ?? new Error('aborted'));
    const unsubscribeLedger = ledger.onRecord((record) => {
      candidates.push(record);
      check();
    });
    const unsubscribeProgress = view.onProgress(check);
    // Nothing left to wait for resolves even under an aborted signal (a stopped informer that delivered everything).
    check();
    if (done) return;
    if (signal?.aborted === true) onAbort();
    else signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** An informer (or anything) with a sync state. */
export interface Syncable {
  hasSynced(): boolean;
  onSynced(): Promise<void>;
}

/**
 * Resolves once every one of `informers` has synced (client-go's
 * `WaitForCacheSync`, without its polling).
 *
 * @throws the signal's reason when `signal` aborts first.
 */
export function waitForCacheSync(signal: AbortSignal | undefined, ...informers: Syncable[]): Promise<void> {
  if (signal?.aborted === true) return Promise.reject(signal.reason as Error);
  const pending = informers.filter((informer) => !informer.hasSynced());
  if (pending.length === 0) return Promise.resolve();
  const all = Promise.all(pending.map((informer) => informer.onSynced())).then(() => undefined);
  if (signal === undefined) return all;
  return new Promise<void>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    void all.then(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    });
  });
}
