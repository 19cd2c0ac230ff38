import { createHash } from 'node:crypto';

/**
 * What the informer-sync suite and its children say to each other: the host
 * child (sync-host.ts) reports where it serves and what it holds; each client
 * child (sync-client.ts) reports one run of one informer.
 */

/**
 * Which informer a client child runs: ours as a controller configures it
 * (WatchList where the server has it: one watch streams the state, then the
 * changes; indexed by `app` and `spec.nodeName`), the same told to list then
 * watch (what client-node does), ours with no index beyond the namespace's
 * (what the indexes cost, and what they buy), or client-node's.
 */
export type ClientKind = 'ours' | 'ours-list' | 'ours-unindexed' | 'client-node';

/** In registration order: ours, its alternatives, the peer. */
export const CLIENT_KINDS: readonly ClientKind[] = ['ours', 'ours-list', 'ours-unindexed', 'client-node'];

/**
 * The lister reads a controller does, each timed on every informer:
 * `namespace`, the pods of one namespace; `label`, the pods with one value of
 * the `app` label across all namespaces; `node`, the pods bound to one node
 * (`spec.nodeName`) across all namespaces.
 */
export type ReadKind = 'namespace' | 'label' | 'node';

export const READ_KINDS: readonly ReadKind[] = ['namespace', 'label', 'node'];

/** What each read is, in the tables' words. */
export const READ_TITLES: Readonly<Record<ReadKind, (value: string) => string>> = {
  namespace: (value) => `list(${value})`,
  label: (value) => `app=${value}`,
  node: (value) => `spec.nodeName=${value}`,
};

/** One read as the host defines it: the namespace, `app` value or node name read, and the pods it must return. */
export interface ReadSpec {
  readonly value: string;
  readonly expected: Digest;
}

/** One read's tinybench result in one run: median per call, ns; margin of error, %; samples; and what it returned. */
export interface ReadResult {
  readonly medianNs: number;
  readonly rmePct: number;
  readonly samples: number;
  readonly returned: Digest;
}

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
  /** The reads the clients' listers are timed on, each with the pods it must return. */
  readonly reads: Readonly<Record<ReadKind, ReadSpec>>;
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
  /** Each lister read, timed. */
  readonly reads: Readonly<Record<ReadKind, ReadResult>>;
  /** What the informer's store holds once synced. */
  readonly pods: Digest;
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
