/**
 * Ours: `connect({ url })` of `@apiserver-kit/controller` (its HTTP client)
 * and a `SharedInformerFactory`'s pod informer, created as a controller that
 * reads pods by `app` and by node would create it, with
 * `indexes: [labelIndex('app'), fieldIndex('spec.nodeName')]` (the namespace
 * index it always has); its `lister.list({ namespace | labelSelector |
 * fieldSelector })` is the lister, planned through those indexes.
 */
import { fieldIndex, labelIndex } from '@apiserver-kit/cache';
import { connect, PODS, SharedInformerFactory } from '@apiserver-kit/controller';
import type { InformerSubject, PodMeta } from './subject.js';
import type { ReadKind } from './sync-protocol.js';

export const OURS_LABEL = "@apiserver-kit/controller (connect → SharedInformerFactory, WatchList, indexes app + spec.nodeName)";
export const OURS_LIST_LABEL = '@apiserver-kit/controller (the same, `watchList: false`: list, then watch)';
export const OURS_UNINDEXED_LABEL = '@apiserver-kit/controller (WatchList, no index but the namespace\'s: selectors scan)';

/** Options of {@link oursSubject}. */
export interface OursOptions {
  /** The factory's `watchList`. */
  readonly watchList: boolean;
  /** Index `app` and `spec.nodeName` (else only the namespace index every informer has). */
  readonly indexed: boolean;
}

/** Our informer of every pod on the host at `url` (plain HTTP, no credentials). */
export function oursSubject(url: string, options: OursOptions): InformerSubject {
  const api = connect({ url });
  const factory = new SharedInformerFactory(api, { watchList: options.watchList });
  const informer = factory.informerFor(PODS, { indexes: options.indexed ? [labelIndex('app'), fieldIndex('spec.nodeName')] : [] });
  const lister = informer.lister;
  return {
    label: !options.indexed ? OURS_UNINDEXED_LABEL : options.watchList ? OURS_LABEL : OURS_LIST_LABEL,
    async start() {
      factory.start();
      await factory.waitForCacheSync();
      // The path asked for, not a fallback: the rows are labelled by it.
      if (informer.reflectorStats.usesWatchList !== options.watchList) {
        throw new Error(`asked for watchList: ${options.watchList}, the Reflector ${informer.reflectorStats.usesWatchList ? 'used' : 'did not use'} WatchList`);
      }
    },
    read(kind: ReadKind, value: string): () => readonly PodMeta[] {
      switch (kind) {
        case 'namespace': {
          const scope = { namespace: value };
          return () => lister.list(scope);
        }
        case 'label': {
          const scope = { labelSelector: `app=${value}` };
          return () => lister.list(scope);
        }
        case 'node': {
          const scope = { fieldSelector: `spec.nodeName=${value}` };
          return () => lister.list(scope);
        }
      }
    },
    all: (): readonly PodMeta[] => lister.list(),
    async stop() {
      await factory.stop();
      await api.close();
    },
  };
}
