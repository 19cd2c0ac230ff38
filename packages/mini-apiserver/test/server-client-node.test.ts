import * as k8s from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import { type ApiServer, startApiServer } from '../src/server.js';

/** A tiny controller: labels every pod with the node it runs on (`example.com/node`). */
function nodeLabeler(kubeconfig: k8s.KubeConfig): k8s.Informer<k8s.V1Pod> & k8s.ObjectCache<k8s.V1Pod> {
  const api = kubeconfig.makeApiClient(k8s.CoreV1Api);
  const informer = k8s.makeInformer(kubeconfig, '/api/v1/pods', () => api.listPodForAllNamespaces());
  const reconcile = (pod: k8s.V1Pod): void => {
    const node = pod.spec?.nodeName;
    if (node === undefined || pod.metadata?.labels?.['example.com/node'] === node) return;
    void api.patchNamespacedPod(
      { name: pod.metadata!.name!, namespace: pod.metadata!.namespace!, body: { metadata: { labels: { 'example.com/node': node } } } },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
  };
  informer.on('add', reconcile);
  informer.on('update', reconcile);
  return informer;
}

describe('startApiServer() — a controller written with @kubernetes/client-node 1.4, tested in-process', () => {
  let server: ApiServer | undefined;
  afterEach(async () => {
    await server?.close();
  });

  it('an informer syncs, sees a new pod, and the controller labels it by node', async () => {
    server = await startApiServer({ seed: { namespaces: 2, nodes: 2, pods: 5, configmaps: 0 } });
    const kubeconfig = new k8s.KubeConfig();
    kubeconfig.loadFromString(server.kubeconfig());
    const informer = nodeLabeler(kubeconfig);
    await informer.start();
    expect(informer.list()).toHaveLength(5);
    const api = kubeconfig.makeApiClient(k8s.CoreV1Api);
    await api.createNamespacedPod({ namespace: 'default', body: { metadata: { name: 'new' }, spec: { nodeName: 'node-0001', containers: [{ name: 'c', image: 'x' }] } } });
    // Wait for the controller's patch to be seen by the informer (events, not time, end the wait).
    await new Promise<void>((resolve) => {
      const check = (pod: k8s.V1Pod): void => {
        if (pod.metadata?.name === 'new' && pod.metadata.labels?.['example.com/node'] === 'node-0001') resolve();
      };
      informer.on('update', check);
      informer.on('add', check);
    });
    const stored = await api.readNamespacedPod({ name: 'new', namespace: 'default' });
    expect(stored.metadata?.labels).toEqual({ 'example.com/node': 'node-0001' });
    await informer.stop();
  });
});
