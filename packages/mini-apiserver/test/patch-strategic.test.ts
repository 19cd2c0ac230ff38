import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { applyPatch } from '../src/patch.js';
import { CORE_V1_RESOURCES } from '../src/resources.js';
import type { ResourceInfo } from '../src/resources.js';
import type { KubeObject } from '@apiserver-kit/codec';
import { documentFields, patchFields } from './patch-arbitraries.js';

const SMP = 'application/strategic-merge-patch+json';
const MERGE = 'application/merge-patch+json';
const info = (resource: string): ResourceInfo => CORE_V1_RESOURCES.find((candidate) => candidate.resource === resource)!;
const pods = info('pods');
const nodes = info('nodes');
const body = (value: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(value));

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

const pod = deepFreeze({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name: 'web-0',
    namespace: 'default',
    resourceVersion: '12',
    labels: { app: 'web', version: 'v1' },
    finalizers: ['a.example/x', 'b.example/y'],
    ownerReferences: [{ uid: 'u1', kind: 'ReplicaSet', name: 'rs', controller: true }],
  },
  spec: {
    nodeName: 'node-1',
    containers: [
      { name: 'side', image: 'envoy:1' },
      {
        name: 'app',
        image: 'nginx:1',
        env: [
          { name: 'A', value: '1' },
          { name: 'B', value: '2' },
        ],
        ports: [{ containerPort: 80, protocol: 'TCP' }],
      },
    ],
    volumes: [{ name: 'data', emptyDir: {} }],
    tolerations: [{ key: 'k1', operator: 'Exists' }],
  },
  status: {
    phase: 'Running',
    conditions: [
      { type: 'Ready', status: 'False' },
      { type: 'PodScheduled', status: 'True' },
    ],
  },
});

const apply = (patch: unknown, target: ResourceInfo = pods, current: KubeObject = pod): Record<string, any> =>
  applyPatch(target, current, body(patch), SMP) as Record<string, any>;

describe('applyPatch() — application/strategic-merge-patch+json (strategicpatch.StrategicMergeMapPatch)', () => {
  it('applies the three-way patch `kubectl apply -f` sends to change labels, image and env', () => {
    // The shape CreateThreeWayMergePatch produces: $setElementOrder lists, deletions as $patch: delete items.
    const patched = apply({
      metadata: { annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"kind":"Pod"}\n' }, labels: { version: 'v2', tier: 'front' } },
      spec: {
        '$setElementOrder/containers': [{ name: 'app' }],
        containers: [
          {
            '$setElementOrder/env': [{ name: 'A' }, { name: 'C' }],
            env: [{ name: 'C', value: '3' }, { $patch: 'delete', name: 'B' }],
            image: 'nginx:2',
            name: 'app',
          },
        ],
      },
    });
    expect(patched['metadata'].labels).toEqual({ app: 'web', version: 'v2', tier: 'front' });
    expect(patched['metadata'].annotations).toEqual({ 'kubectl.kubernetes.io/last-applied-configuration': '{"kind":"Pod"}\n' });
    // The server-only sidecar keeps its place from the live list.
    expect(patched['spec'].containers).toEqual([
      { name: 'side', image: 'envoy:1' },
      {
        name: 'app',
        image: 'nginx:2',
        env: [
          { name: 'A', value: '1' },
          { name: 'C', value: '3' },
        ],
        ports: [{ containerPort: 80, protocol: 'TCP' }],
      },
    ]);
    expect(pod.spec.containers[1]!.image).toBe('nginx:1');
  });

  it('$setElementOrder reorders a merged list: the directive first, then the patch order, then the live order', () => {
    const patched = apply({ spec: { '$setElementOrder/containers': [{ name: 'app' }, { name: 'side' }] } });
    expect(patched['spec'].containers.map((c: { name: string }) => c.name)).toEqual(['app', 'side']);
  });

  it('a new item goes before the live items it cannot be ordered against (mergeSortedSlice); a list without a strategy is replaced', () => {
    const patched = apply({
      spec: { containers: [{ name: 'new', image: 'busybox' }], tolerations: [{ key: 'k2', operator: 'Exists' }] },
      status: { conditions: [{ type: 'Ready', status: 'True' }] },
    });
    expect(patched['spec'].containers.map((c: { name: string }) => c.name)).toEqual(['new', 'side', 'app']);
    expect(patched['spec'].tolerations).toEqual([{ key: 'k2', operator: 'Exists' }]);
    expect(patched['status'].conditions).toEqual([
      { type: 'Ready', status: 'True' },
      { type: 'PodScheduled', status: 'True' },
    ]);
  });

  it('merges ports by containerPort and ownerReferences by uid', () => {
    const patched = apply({
      metadata: { ownerReferences: [{ uid: 'u2', kind: 'Job', name: 'j' }] },
      spec: { containers: [{ name: 'app', ports: [{ containerPort: 443 }, { containerPort: 80, name: 'http' }] }] },
    });
    expect(patched['metadata'].ownerReferences.map((o: { uid: string }) => o.uid)).toEqual(['u2', 'u1']);
    expect(patched['spec'].containers[1].ports).toEqual([
      { containerPort: 443 },
      { containerPort: 80, protocol: 'TCP', name: 'http' },
    ]);
  });

  it('finalizers are a set: added without duplicates, removed with $deleteFromPrimitiveList', () => {
    expect(apply({ metadata: { finalizers: ['b.example/y', 'c.example/z'] } })['metadata'].finalizers).toEqual(['a.example/x', 'b.example/y', 'c.example/z']);
    expect(apply({ metadata: { '$deleteFromPrimitiveList/finalizers': ['a.example/x'] } })['metadata'].finalizers).toEqual(['b.example/y']);
  });

  it('null deletes a key; $patch: replace replaces a map; $patch: delete empties it', () => {
    const patched = apply({ metadata: { labels: { version: null } }, spec: { containers: [{ name: 'side', $patch: 'delete' }] } });
    expect(patched['metadata'].labels).toEqual({ app: 'web' });
    expect(patched['spec'].containers.map((c: { name: string }) => c.name)).toEqual(['app']);
    expect(apply({ metadata: { labels: { $patch: 'replace', only: 'this' } } })['metadata'].labels).toEqual({ only: 'this' });
    expect(apply({ status: { $patch: 'delete' } })['status']).toEqual({});
  });

  it('$patch: replace as a list item makes the rest of the patch the whole list', () => {
    const patched = apply({ spec: { containers: [{ $patch: 'replace' }, { name: 'only', image: 'x' }] } });
    expect(patched['spec'].containers).toEqual([{ name: 'only', image: 'x' }]);
  });

  it('$retainKeys clears the keys it does not list (volumes are merge,retainKeys)', () => {
    const patched = apply({ spec: { volumes: [{ name: 'data', $retainKeys: ['name', 'hostPath'], hostPath: { path: '/x' } }] } });
    expect(patched['spec'].volumes).toEqual([{ name: 'data', hostPath: { path: '/x' } }]);
  });

  it('merges node status addresses and conditions by type; taints are replaced', () => {
    const node = deepFreeze({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: 'node-1' },
      spec: { taints: [{ key: 'a', effect: 'NoSchedule' }], podCIDRs: ['10.0.0.0/24'] },
      status: {
        addresses: [
          { type: 'InternalIP', address: '10.0.0.1' },
          { type: 'Hostname', address: 'node-1' },
        ],
        conditions: [{ type: 'Ready', status: 'True' }],
      },
    });
    const patched = apply(
      {
        spec: { taints: [{ key: 'b', effect: 'NoExecute' }] },
        status: { addresses: [{ type: 'InternalIP', address: '10.0.0.2' }], conditions: [{ type: 'MemoryPressure', status: 'False' }] },
      },
      nodes,
      node,
    );
    expect(patched['spec'].taints).toEqual([{ key: 'b', effect: 'NoExecute' }]);
    expect(patched['status'].addresses).toEqual([
      { type: 'InternalIP', address: '10.0.0.2' },
      { type: 'Hostname', address: 'node-1' },
    ]);
    expect(patched['status'].conditions.map((c: { type: string }) => c.type)).toEqual(['MemoryPressure', 'Ready']);
  });

  it('leaves no directive keys or nulls in the stored result, even inside a subtree it added', () => {
    const patched = apply({ spec: { securityContext: { runAsUser: 1, fsGroup: null, $patch: 'replace' }, affinity: { '$retainKeys': ['x'] } } });
    expect(patched['spec'].securityContext).toEqual({ runAsUser: 1 });
    expect(patched['spec'].affinity).toEqual({});
  });

  it.each([
    ['a list item without its merge key', { spec: { containers: [{ image: 'x' }] } }, 'BadRequest', 'map: map[image:x] does not contain declared merge key: name'],
    ['$patch: merge in a list', { spec: { containers: [{ name: 'app', $patch: 'merge' }] } }, 'BadRequest', 'merging lists cannot yet be specified in the patch'],
    ['an unknown $patch on a map', { metadata: { $patch: 'frob' } }, 'BadRequest', 'unknown patch type: frob in map: map[$patch:frob]'],
    ['a malformed $setElementOrder key', { spec: { '$setElementOrderX/containers': [] } }, 'BadRequest', 'invalid patch format of setElementOrder list'],
    ['a malformed $deleteFromPrimitiveList key', { metadata: { '$deleteFromPrimitiveList': ['x'] } }, 'BadRequest', 'invalid patch format of primitive list'],
    ['$retainKeys that omit a patched key', { spec: { $retainKeys: ['nodeName'], hostname: 'h' } }, 'BadRequest', 'invalid patch format of retainKeys'],
    ['a patch list out of $setElementOrder', { spec: { '$setElementOrder/containers': [{ name: 'side' }], containers: [{ name: 'app' }] } }, 'BadRequest', undefined],
    ['mixed item types in a merged list', { metadata: { finalizers: [['x']] } }, 'BadRequest', undefined],
    ['a body that is not an object', ['x'], 'BadRequest', 'json: cannot unmarshal array into Go value of type map[string]interface {}'],
  ])('%s → %s', (_, patch, reason, message) => {
    try {
      apply(patch);
      expect.unreachable();
    } catch (error: any) {
      expect(error.reason).toBe(reason);
      if (message !== undefined) expect(error.message).toBe(message);
    }
  });

  it('a list of lists → Invalid 422 (ErrNoListOfLists)', () => {
    const odd = deepFreeze({ ...pod, metadata: { ...pod.metadata, finalizers: [['y']] } });
    expect(() => apply({ metadata: { finalizers: [['x']] } }, pods, odd)).toThrowError(
      expect.objectContaining({ reason: 'Invalid', code: 422, details: { causes: [{ message: 'lists of lists are not supported' }] } }),
    );
  });

  it('property: on fields without a merge strategy, a strategic merge patch equals a merge patch', () => {
    const configmaps = info('configmaps');
    fc.assert(
      fc.property(documentFields, patchFields, (doc, patch) => {
        const current = deepFreeze({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm', namespace: 'ns' }, ...doc });
        const bytes = body(patch);
        expect(applyPatch(configmaps, current, bytes, SMP)).toEqual(applyPatch(configmaps, current, bytes, MERGE));
      }),
      { numRuns: 300 },
    );
  });
});
