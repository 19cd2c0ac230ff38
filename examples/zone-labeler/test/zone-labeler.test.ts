// The same controller test, unchanged, on the in-process fake API and against the reference host over HTTP.
import { type ApiClient, connect, SharedInformerFactory } from '@apiserver-kit/controller';
import { createFakeApi, startApiServer } from '@apiserver-kit/mini-apiserver';
import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import { afterEach, describe, expect, it } from 'vitest';
import { ZONE_LABEL, ZoneLabeler } from '../src/zone-labeler.js';

interface Backend {
  readonly api: ApiClient;
  close(): Promise<void>;
}

const backends: readonly (readonly [string, () => Promise<Backend>])[] = [
  [
    'the fake API',
    async () => {
      const api = await createFakeApi();
      return { api, close: () => api.close() };
    },
  ],
  [
    'the reference host over HTTP',
    async () => {
      const server = await startApiServer({ port: 0 });
      const api = connect({ url: server.url });
      return {
        api,
        close: async () => {
          await api.close();
          await server.close();
        },
      };
    },
  ],
];

function node(name: string, zone?: string): Node {
  return { apiVersion: 'v1', kind: 'Node', metadata: { name, ...(zone === undefined ? {} : { labels: { [ZONE_LABEL]: zone } }) } };
}

function pod(name: string, nodeName?: string): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default' },
    spec: { containers: [{ name: 'app', image: 'nginx' }], ...(nodeName === undefined ? {} : { nodeName }) },
  };
}

describe.each(backends)('ZoneLabeler on %s', (_name, start) => {
  let running: { backend: Backend; factory: SharedInformerFactory; controller: ZoneLabeler; stop: AbortController; done: Promise<void> } | undefined;

  afterEach(async () => {
    if (running === undefined) return;
    running.stop.abort();
    await running.done;
    await running.factory.stop();
    await running.backend.close();
    running = undefined;
  });

  async function startController(): Promise<{ api: ApiClient; settle: () => Promise<void> }> {
    const backend = await start();
    const factory = new SharedInformerFactory(backend.api);
    const errors: unknown[] = [];
    const controller = new ZoneLabeler(backend.api, factory, { onError: (error) => errors.push(error) });
    factory.start();
    const stop = new AbortController();
    const done = controller.run(stop.signal);
    running = { backend, factory, controller, stop, done };
    await factory.waitForCacheSync();
    return {
      api: backend.api,
      settle: async () => {
        await factory.settle({ idle: [controller] });
        expect(errors).toEqual([]);
      },
    };
  }

  const zoneOf = async (api: ApiClient, name: string): Promise<string | undefined> => (await api.pods('default').get(name)).metadata.labels?.[ZONE_LABEL];

  it('labels a pod with the zone of its node, and only once', async () => {
    const { api, settle } = await startController();
    await api.nodes().create(node('n1', 'zone-a'));
    const created = await api.pods('default').create(pod('web', 'n1'));
    await settle();
    const labeled = await api.pods('default').get('web');
    expect(labeled.metadata.labels?.[ZONE_LABEL]).toBe('zone-a');
    // One write by the controller: the patch. Its own update event reconciles to "nothing to do".
    expect(Number(labeled.metadata.resourceVersion)).toBeGreaterThan(Number(created.metadata.resourceVersion));
    await settle();
    expect((await api.pods('default').get('web')).metadata.resourceVersion).toBe(labeled.metadata.resourceVersion);
  });

  it('leaves unscheduled pods and pods on zoneless nodes alone until they get a zone', async () => {
    const { api, settle } = await startController();
    await api.nodes().create(node('bare'));
    await api.pods('default').create(pod('pending'));
    await api.pods('default').create(pod('on-bare', 'bare'));
    await settle();
    expect(await zoneOf(api, 'pending')).toBeUndefined();
    expect(await zoneOf(api, 'on-bare')).toBeUndefined();

    await api.nodes().patch('bare', 'merge', { metadata: { labels: { [ZONE_LABEL]: 'zone-b' } } });
    await api.pods('default').patch('pending', 'merge', { spec: { nodeName: 'bare' } });
    await settle();
    expect(await zoneOf(api, 'on-bare')).toBe('zone-b');
    expect(await zoneOf(api, 'pending')).toBe('zone-b');
  });

  it('relabels the pods of a node whose zone changes, and not the pods of other nodes', async () => {
    const { api, settle } = await startController();
    await api.nodes().create(node('n1', 'zone-a'));
    await api.nodes().create(node('n2', 'zone-a'));
    for (let i = 0; i < 20; i++) await api.pods('default').create(pod(`p${i}`, i % 2 === 0 ? 'n1' : 'n2'));
    await settle();
    await api.nodes().patch('n1', 'merge', { metadata: { labels: { [ZONE_LABEL]: 'zone-c' } } });
    await settle();
    const pods = (await api.pods('default').list()).items;
    expect(pods).toHaveLength(20);
    for (const labeled of pods) expect(labeled.metadata.labels?.[ZONE_LABEL]).toBe(labeled.spec?.nodeName === 'n1' ? 'zone-c' : 'zone-a');
  });

  it("the root README's snippet: objects without apiVersion and kind, typed reads", async () => {
    const { api, settle } = await startController();
    await api.nodes().create({ metadata: { name: 'n1', labels: { 'topology.kubernetes.io/zone': 'zone-a' } } });
    await api.pods('default').create({ metadata: { name: 'web' }, spec: { nodeName: 'n1', containers: [{ name: 'app', image: 'nginx' }] } });
    await settle();
    expect((await api.pods('default').get('web')).metadata.labels?.['topology.kubernetes.io/zone']).toBe('zone-a');
  });
});
