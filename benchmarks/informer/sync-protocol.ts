import { createHash } from 'node:crypto';

/**
 * What the informer-sync suite and its children say to each other: the host
 * child (sync-host.ts) reports where it serves and what it holds; each client
 * child (sync-client.ts) reports one run of one informer.
 */

/**
 * Which informer a client child runs: ours as it comes (WatchList where the
 * server has it: one watch streams the state, then the changes), ours told
 * to list then watch (what client-node does), or client-node's.
 */
export type ClientKind = 'ours' | 'ours-list' | 'client-node';

/** In registration order: ours, its alternative, the peer. */
export const CLIENT_KINDS: readonly ClientKind[] = ['ours', 'ours-list', 'client-node'];

/** A digest of a set of objects: how many, and the SHA-256 of their sorted `namespace/name@resourceVersion` lines. */
export interface Digest {
  readonly count: number;
  readonly sha256: string;
}

/** The host child, once it serves. */
export interface HostReady {
  readonly type: 'ready';
  readonly url: string;
  /** Time to seed the store and start serving, ms. */
  readonly seedMs: number;
  /** Every pod the host holds. */
  readonly pods: Digest;
  /** The namespace the clients' listers are timed on, and its pods. */
  readonly namespace: string;
  readonly namespacePods: Digest;
}

/** One run of one informer, from a fresh client child. */
export interface ClientReport {
  readonly type: 'report';
  readonly kind: ClientKind;
  /** From `start()` to synced (the initial list in the informer's store), ms. */
  readonly syncMs: number;
  /** Heap in use after `gc()`, the client built but not started, bytes. */
  readonly heapBefore: number;
  /** Heap in use after `gc()` once synced, bytes. */
  readonly heapAfter: number;
  /** RSS once synced (after `gc()`), bytes. */
  readonly rssAfter: number;
  /** The lister's `list(namespace)`: tinybench median per call, ns; its margin of error, %; samples. */
  readonly listerMedianNs: number;
  readonly listerRmePct: number;
  readonly listerSamples: number;
  /** What the informer's store holds once synced. */
  readonly pods: Digest;
  /** What `list(namespace)` returned. */
  readonly namespacePods: Digest;
}

/** A client child that failed. */
export interface ClientFailure {
  readonly type: 'error';
  readonly error: string;
}

export type ClientMessage = ClientReport | ClientFailure;

/** A pod's line in a {@link Digest}. */
export function digestLine(namespace: string | undefined, name: string | undefined, resourceVersion: string | undefined): string {
  return `${namespace ?? ''}/${name ?? ''}@${resourceVersion ?? ''}`;
}

/** The {@link Digest} of `lines` (sorted here: an informer's order is its own). */
export function digestOf(lines: string[]): Digest {
  lines.sort();
  const hash = createHash('sha256');
  for (const line of lines) hash.update(line).update('\n');
  return { count: lines.length, sha256: hash.digest('hex') };
}
