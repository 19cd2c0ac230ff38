/**
 * One informer under test, behind the interface the client child drives:
 * ours (`@apiserver-kit/controller`) or `@kubernetes/client-node`'s.
 */
import type { ReadKind } from './sync-protocol.js';

/** The fields of a pod the suite reads. */
export interface PodMeta {
  readonly metadata?:
    | {
        readonly namespace?: string | undefined;
        readonly name?: string | undefined;
        readonly resourceVersion?: string | undefined;
        readonly labels?: { readonly [key: string]: string } | undefined;
      }
    | undefined;
  readonly spec?: { readonly nodeName?: string | undefined } | undefined;
}

/** An informer of every pod, built (connection configured) but not started. */
export interface InformerSubject {
  /** Label in the tables, with the version for a peer. */
  readonly label: string;
  /** Starts list + watch; resolves once synced (the initial list is in the store). */
  start(): Promise<void>;
  /**
   * The lister read `kind` of `value` (a namespace, an `app` label value, a
   * node name), as the library's users write it: a function the timed loop
   * calls, so that building the read (a selector string) is not timed.
   */
  read(kind: ReadKind, value: string): () => readonly PodMeta[];
  /** Every pod in the informer's cache. */
  all(): readonly PodMeta[];
  stop(): Promise<void>;
}
