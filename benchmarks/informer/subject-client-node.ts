/**
 * `@kubernetes/client-node`'s informer as its README shows it: `makeInformer`
 * (a `ListWatch`) over `CoreV1Api.listPodForAllNamespaces()`, the watch on
 * `/api/v1/pods`; its `ObjectCache.list(namespace)` is the lister. Its cache
 * has no selectors and no indexes: a read by label or by node is what its
 * users write, `list().filter(…)` over every pod.
 */
import { CoreV1Api, KubeConfig, makeInformer, type V1Pod } from '@kubernetes/client-node';
import type { InformerSubject, PodMeta } from './subject.js';
import type { ReadKind } from './sync-protocol.js';

export const CLIENT_NODE_LABEL = '@kubernetes/client-node 1.4.0 (makeInformer → ListWatch)';

/** A client-node informer of every pod on the host at `url` (plain HTTP, no credentials). */
export function clientNodeSubject(url: string): InformerSubject {
  const config = new KubeConfig();
  config.loadFromOptions({
    clusters: [{ name: 'bench', server: url, skipTLSVerify: true }],
    users: [{ name: 'bench' }],
    contexts: [{ name: 'bench', cluster: 'bench', user: 'bench' }],
    currentContext: 'bench',
  });
  const api = config.makeApiClient(CoreV1Api);
  const informer = makeInformer<V1Pod>(config, '/api/v1/pods', () => api.listPodForAllNamespaces());
  let failure: unknown;
  informer.on('error', (error) => {
    failure ??= error ?? new Error('client-node informer: error');
  });
  return {
    label: CLIENT_NODE_LABEL,
    // ListWatch.start() awaits the list (its items in the cache) and the watch's response headers.
    async start() {
      await informer.start();
      if (failure !== undefined) throw failure instanceof Error ? failure : new Error(String(failure));
    },
    read(kind: ReadKind, value: string): () => readonly PodMeta[] {
      switch (kind) {
        case 'namespace':
          return () => informer.list(value);
        case 'label':
          return () => informer.list().filter((pod) => pod.metadata?.labels?.['app'] === value);
        case 'node':
          return () => informer.list().filter((pod) => pod.spec?.nodeName === value);
      }
    },
    all: (): readonly PodMeta[] => informer.list(),
    stop: () => informer.stop(),
  };
}
