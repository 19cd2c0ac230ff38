import { isCanonicalFrozen } from '@apiserver-kit/codec';
import { describe, expect, it } from 'vitest';
import { makeFrozenPods, makePod, makePods } from '../fixtures/pod.js';

describe('fixtures/pod', () => {
  it('makePod() — 3 to 4 KB of JSON, with the parts the issue names', () => {
    for (const i of [0, 1, 99_999]) {
      const bytes = Buffer.byteLength(JSON.stringify(makePod(i)));
      expect(bytes).toBeGreaterThanOrEqual(3 * 1024);
      expect(bytes).toBeLessThanOrEqual(4 * 1024);
    }
    const pod = makePod(7) as { spec: { containers: { env: unknown[]; resources: unknown; volumeMounts: unknown[] }[]; volumes: unknown[]; tolerations: unknown[] }; status: { conditions: unknown[]; containerStatuses: unknown[] }; metadata: { managedFields: unknown[] } };
    expect(pod.spec.containers).toHaveLength(2);
    for (const container of pod.spec.containers) {
      expect(container.env.length).toBeGreaterThan(0);
      expect(container.resources).toBeDefined();
    }
    expect(pod.spec.containers[0]).toHaveProperty('livenessProbe');
    expect(pod.spec.containers[0]).toHaveProperty('readinessProbe');
    expect(pod.spec.containers[0]!.volumeMounts.length).toBeGreaterThan(0);
    expect(pod.spec.volumes.length).toBeGreaterThan(0);
    expect(pod.spec.tolerations.length).toBeGreaterThan(0);
    expect(pod.metadata.managedFields.length).toBeGreaterThan(0);
    expect(pod.status.conditions.length).toBeGreaterThan(0);
    expect(pod.status.containerStatuses).toHaveLength(2);
  });

  it('makePods() — distinct names, uids, resourceVersions; labels and nodeNames vary', () => {
    const pods = makePods(1_000) as { metadata: { name: string; uid: string; resourceVersion: string; namespace: string; labels: Record<string, string> }; spec: { nodeName: string } }[];
    const distinct = (f: (p: (typeof pods)[number]) => string): number => new Set(pods.map(f)).size;
    expect(distinct((p) => `${p.metadata.namespace}/${p.metadata.name}`)).toBe(1_000);
    expect(distinct((p) => p.metadata.uid)).toBe(1_000);
    expect(distinct((p) => p.metadata.resourceVersion)).toBe(1_000);
    expect(distinct((p) => JSON.stringify(p.metadata.labels))).toBeGreaterThan(10);
    expect(distinct((p) => p.spec.nodeName)).toBeGreaterThan(10);
  });

  it('makePod() — deterministic: the same number gives the same pod', () => {
    expect(makePod(42)).toEqual(makePod(42));
  });

  it('makeFrozenPods() — deep-frozen in canonical order, so JSON.stringify is the deterministic encoding', () => {
    for (const pod of makeFrozenPods(3)) {
      expect(Object.isFrozen(pod)).toBe(true);
      expect(isCanonicalFrozen(pod)).toBe(true);
    }
  });
});
