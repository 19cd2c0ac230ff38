/**
 * The fake API under the controller's informers: SharedInformerFactory over
 * `listerWatcher` (cacherListerWatcher), its lister filled by the initial
 * list, then every write of `api.writes` delivered by `settle()` — no
 * polling, no sleeping.
 */
import { PODS, SharedInformerFactory } from '@apiserver-kit/controller';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { afterEach, describe, expect, it } from 'vitest';
import { createFakeApi, type FakeApi } from '../src/index.js';

let api: FakeApi | undefined;
let factory: SharedInformerFactory | undefined;
afterEach(async () => {
  await factory?.stop();
  await api?.close();
  factory = undefined;
  api = undefined;
});

function pod(name: string, namespace: string, labels: Record<string, string> = {}): Pod {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace, labels }, spec: { containers: [{ name: 'main', image: 'nginx' }] } };
}

describe('SharedInformerFactory over the fake API', () => {
  it('syncs the seeded objects, then settles after writes: lister and handlers see each one', async () => {
    api = await createFakeApi({ objects: [pod('a', 'x', { app: 'web' }), pod('b', 'y')] });
    factory = new SharedInformerFactory(api);
    const informer = factory.informerFor(PODS);
    const seen: string[] = [];
    informer.addEventHandler({
      onAdd: (object) => void seen.push(`add ${object.metadata.name}`),
      onUpdate: (_, object) => void seen.push(`update ${object.metadata.name} ${object.status?.phase ?? ''}`),
      onDelete: (object) => void seen.push(`delete ${'key' in object ? object.key : object.metadata.name}`),
    });
    factory.start();
    await factory.waitForCacheSync();
    expect(informer.lister.list().map((p) => p.metadata.name)).toEqual(['a', 'b']);

    await api.pods('x').create(pod('c', 'x'));
    await api.pods('x').patchStatus('a', 'merge', { status: { phase: 'Running' } });
    await api.pods('y').delete('b');
    await factory.settle();
    expect(seen).toEqual(['add a', 'add b', 'add c', 'update a Running', 'delete b']);
    expect(informer.lister.get('x', 'a')?.status?.phase).toBe('Running');
    expect(informer.lister.list().map((p) => p.metadata.name)).toEqual(['a', 'c']);
  });
});
