/**
 * Ours: `connect({ url })` of `@apiserver-kit/controller` (its HTTP client)
 * and a `SharedInformerFactory`'s pod informer; its `lister.list({ namespace })`
 * is the lister.
 */
import { connect, PODS, SharedInformerFactory } from '@apiserver-kit/controller';
import type { InformerSubject, PodMeta } from './subject.js';

export const OURS_LABEL = '@apiserver-kit/controller (connect → SharedInformerFactory, WatchList)';
export const OURS_LIST_LABEL = '@apiserver-kit/controller (the same, `watchList: false`: list, then watch)';

/** Our informer of every pod on the host at `url` (plain HTTP, no credentials); `watchList` as the factory's option. */
export function oursSubject(url: string, watchList: boolean): InformerSubject {
  const api = connect({ url });
  const factory = new SharedInformerFactory(api, { watchList });
  const informer = factory.informerFor(PODS);
  return {
    label: watchList ? OURS_LABEL : OURS_LIST_LABEL,
    async start() {
      factory.start();
      await factory.waitForCacheSync();
      // The path asked for, not a fallback: the rows are labelled by it.
      if (informer.reflectorStats.usesWatchList !== watchList) throw new Error(`asked for watchList: ${watchList}, the Reflector ${informer.reflectorStats.usesWatchList ? 'used' : 'did not use'} WatchList`);
    },
    list: (namespace: string): readonly PodMeta[] => informer.lister.list({ namespace }),
    all: (): readonly PodMeta[] => informer.lister.list(),
    async stop() {
      await factory.stop();
      await api.close();
    },
  };
}
