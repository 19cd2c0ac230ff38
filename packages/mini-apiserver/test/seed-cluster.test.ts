/** syntheticCluster(): counts, keys, shapes and determinism of the seed data. */
import { describe, expect, it } from 'vitest';
import { MemoryStorage } from '@apiserver-kit/storage';
import { syntheticCluster } from '../src/seed.js';
import { CORE_V1_RESOURCES, storageKey } from '../src/resources.js';

type Json = Record<string, any>;

const byKind = (entries: { object: Json }[], kind: string): Json[] => entries.map((e) => e.object).filter((o) => o['kind'] === kind);

describe('syntheticCluster()', () => {
  const entries = [...syntheticCluster()] as { key: string; object: Json }[];

  it('defaults: 10 namespaces, 100 nodes, 3 000 pods, 3 configmaps per namespace, unique keys', () => {
    expect(byKind(entries, 'Namespace')).toHaveLength(10);
    expect(byKind(entries, 'Node')).toHaveLength(100);
    expect(byKind(entries, 'Pod')).toHaveLength(3000);
    expect(byKind(entries, 'ConfigMap')).toHaveLength(30);
    expect(new Set(entries.map((e) => e.key)).size).toBe(entries.length);
  });

  it('keys are storageKey() of each object; namespaces include default and kube-system', () => {
    for (const { key, object } of entries) {
      const info = CORE_V1_RESOURCES.find((r) => r.kind === object['kind'])!;
      expect(key).toBe(storageKey(info, object['metadata'].name, object['metadata'].namespace));
    }
    expect(byKind(entries, 'Namespace').map((n) => n['metadata'].name)).toEqual(expect.arrayContaining(['default', 'kube-system']));
  });

  it('pods: app/tier labels, containers with image/ports/env, phase, conditions, IPs, node spread', () => {
    const pods = byKind(entries, 'Pod');
    const nodes = new Set(byKind(entries, 'Node').map((n) => n['metadata'].name));
    const running = pods.filter((p) => p['status'].phase === 'Running');
    expect(running.length / pods.length).toBeGreaterThan(0.9);
    expect(pods.some((p) => p['status'].phase === 'Pending')).toBe(true);
    for (const pod of running) {
      expect(Object.keys(pod['metadata'].labels)).toEqual(expect.arrayContaining(['app', 'tier']));
      expect(nodes.has(pod['spec'].nodeName)).toBe(true);
      expect(pod['status'].podIP).toMatch(/^10\.\d+\.\d+\.\d+$/);
      expect(pod['status'].hostIP).toMatch(/^10\.0\.\d+\.\d+$/);
      expect(pod['status'].containerStatuses[0]).toMatchObject({ name: pod['spec'].containers[0].name, restartCount: expect.any(Number), ready: expect.any(Boolean) });
      expect(pod['status'].conditions.map((c: Json) => c['type'])).toContain('Ready');
      const container = pod['spec'].containers[0];
      expect(container.image).toMatch(/:/);
      expect(container.ports[0].containerPort).toBeGreaterThan(0);
      expect(container.env.length).toBeGreaterThan(0);
    }
    // Spread: most nodes host a pod; every namespace has several apps.
    expect(new Set(running.map((p) => p['spec'].nodeName)).size).toBeGreaterThan(90);
    const appsInDefault = new Set(pods.filter((p) => p['metadata'].namespace === 'default').map((p) => p['metadata'].labels.app));
    expect(appsInDefault.size).toBeGreaterThan(3);
  });

  it('nodes: hostname label, a few control-plane roles, Ready, InternalIP, nodeInfo, capacity', () => {
    const nodes = byKind(entries, 'Node');
    for (const node of nodes) {
      expect(node['metadata'].labels['kubernetes.io/hostname']).toBe(node['metadata'].name);
      expect(node['status'].conditions.find((c: Json) => c['type'] === 'Ready').status).toBe('True');
      expect(node['status'].addresses[0].type).toBe('InternalIP');
      expect(node['status'].nodeInfo).toMatchObject({ kubeletVersion: 'v1.32.0', osImage: expect.any(String), kernelVersion: expect.any(String), containerRuntimeVersion: expect.any(String) });
      expect(node['status'].capacity).toMatchObject({ cpu: expect.any(String), memory: expect.any(String), pods: '110' });
    }
    const roles = nodes.filter((n) => 'node-role.kubernetes.io/control-plane' in n['metadata'].labels);
    expect(roles.length).toBeGreaterThan(0);
    expect(roles.length).toBeLessThanOrEqual(3);
  });

  it('deterministic: same seed, same objects; another seed, other objects', () => {
    const small = { namespaces: 3, nodes: 5, pods: 40, configmaps: 2 };
    expect(JSON.stringify([...syntheticCluster({ ...small, seed: 7 })])).toBe(JSON.stringify([...syntheticCluster({ ...small, seed: 7 })]));
    expect(JSON.stringify([...syntheticCluster({ ...small, seed: 8 })])).not.toBe(JSON.stringify([...syntheticCluster({ ...small, seed: 7 })]));
  });

  it('scales: 0 nodes leaves pods unscheduled but valid; fewer than 2 namespaces still makes default and kube-system', () => {
    const tiny = [...syntheticCluster({ namespaces: 0, nodes: 0, pods: 5, configmaps: 0 })] as { object: Json }[];
    expect(byKind(tiny, 'Namespace').map((n) => n['metadata'].name)).toEqual(['default', 'kube-system']);
    expect(byKind(tiny, 'Pod').every((p) => p['spec'].nodeName === undefined)).toBe(true);
  });

  it('bad counts → the argument template', () => {
    expect(() => [...syntheticCluster({ pods: -1 })]).toThrow(new RangeError('Expected `pods` to be a non-negative integer, got `-1` (number)'));
    expect(() => [...syntheticCluster({ nodes: 1.5 })]).toThrow(TypeError);
  });

  it('every object is accepted by MemoryStorage.create()', async () => {
    const storage = new MemoryStorage();
    for (const { key, object } of syntheticCluster({ namespaces: 4, nodes: 10, pods: 200, configmaps: 2 })) await storage.create(key, object);
    expect((await storage.list('/pods/')).items).toHaveLength(200);
    expect((await storage.list('/pods/default/')).items).toHaveLength(50);
  });
});
