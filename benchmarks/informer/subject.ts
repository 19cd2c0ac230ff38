/**
 * One informer under test, behind the interface the client child drives:
 * ours (`@apiserver-kit/controller`) or `@kubernetes/client-node`'s.
 */

/** The fields of a pod the suite reads. */
export interface PodMeta {
  readonly metadata?: { readonly namespace?: string | undefined; readonly name?: string | undefined; readonly resourceVersion?: string | undefined } | undefined;
}

/** An informer of every pod, built (connection configured) but not started. */
export interface InformerSubject {
  /** Label in the tables, with the version for a peer. */
  readonly label: string;
  /** Starts list + watch; resolves once synced (the initial list is in the store). */
  start(): Promise<void>;
  /** The pods of `namespace` from the informer's cache, as the library's lister returns them. */
  list(namespace: string): readonly PodMeta[];
  /** Every pod in the informer's cache. */
  all(): readonly PodMeta[];
  stop(): Promise<void>;
}
