import { describe, expect, it } from 'vitest';
import type { KubeObject } from '@apiserver-kit/codec';
import { toTable } from '../src/table.js';
import { CORE_V1_RESOURCES } from '../src/resources.js';
import type { ResourceInfo } from '../src/resources.js';

const info = (resource: string): ResourceInfo => CORE_V1_RESOURCES.find((candidate) => candidate.resource === resource)!;
const NOW = Date.parse('2025-01-03T12:00:00Z');
const created = '2025-01-01T12:00:00Z';

const node: KubeObject = {
  apiVersion: 'v1',
  kind: 'Node',
  metadata: {
    name: 'node-1',
    resourceVersion: '41',
    creationTimestamp: created,
    labels: { 'node-role.kubernetes.io/worker': '', 'node-role.kubernetes.io/control-plane': '', 'kubernetes.io/role': 'infra' },
  },
  spec: { unschedulable: true },
  status: {
    conditions: [{ type: 'MemoryPressure', status: 'False' }, { type: 'Ready', status: 'True' }],
    addresses: [{ type: 'Hostname', address: 'node-1' }, { type: 'InternalIP', address: '10.0.0.1' }],
    nodeInfo: { kubeletVersion: 'v1.32.0', osImage: 'Debian 12', kernelVersion: '6.1.0', containerRuntimeVersion: 'containerd://1.7' },
  },
};

describe('toTable() — printNode, printNamespace, printConfigMap and the default table convertor', () => {
  it('nodes: NAME STATUS ROLES AGE VERSION + wide INTERNAL-IP EXTERNAL-IP OS-IMAGE KERNEL-VERSION CONTAINER-RUNTIME', () => {
    const table = toTable(info('nodes'), [node], { now: NOW });
    expect(table.columnDefinitions.map((c) => `${c.name}:${c.priority}`)).toEqual([
      'Name:0', 'Status:0', 'Roles:0', 'Age:0', 'Version:0', 'Internal-IP:1', 'External-IP:1', 'OS-Image:1', 'Kernel-Version:1', 'Container-Runtime:1',
    ]);
    expect(table.rows[0]!.cells).toEqual([
      'node-1', 'Ready,SchedulingDisabled', 'control-plane,infra,worker', '2d', 'v1.32.0', '10.0.0.1', '<none>', 'Debian 12', '6.1.0', 'containerd://1.7',
    ]);
  });

  it('a node without a Ready condition is Unknown; without roles <none>; without nodeInfo <unknown>', () => {
    const bare: KubeObject = { kind: 'Node', apiVersion: 'v1', metadata: { name: 'n', creationTimestamp: created } };
    expect(toTable(info('nodes'), [bare], { now: NOW }).rows[0]!.cells).toEqual(['n', 'Unknown', '<none>', '2d', '', '<none>', '<none>', '<unknown>', '<unknown>', '<unknown>']);
  });

  it('namespaces: NAME STATUS AGE', () => {
    const ns: KubeObject = { kind: 'Namespace', apiVersion: 'v1', metadata: { name: 'default', creationTimestamp: created }, status: { phase: 'Active' } };
    const table = toTable(info('namespaces'), [ns], { now: NOW });
    expect(table.columnDefinitions.map((c) => c.name)).toEqual(['Name', 'Status', 'Age']);
    expect(table.rows[0]!.cells).toEqual(['default', 'Active', '2d']);
  });

  it('configmaps: NAME DATA AGE, DATA counting data and binaryData', () => {
    const cm: KubeObject = { kind: 'ConfigMap', apiVersion: 'v1', metadata: { name: 'c', creationTimestamp: created }, data: { a: '1', b: '2' }, binaryData: { z: '' } };
    const table = toTable(info('configmaps'), [cm], { now: NOW });
    expect(table.columnDefinitions.map((c) => c.name)).toEqual(['Name', 'Data', 'Age']);
    expect(table.rows[0]!.cells).toEqual(['c', 3, '2d']);
  });

  it('a kind without a printer: NAME and Created At (type date), as NewDefaultTableConvertor', () => {
    const widgets: ResourceInfo = { ...info('configmaps'), resource: 'widgets', kind: 'Widget', group: 'example.com' };
    const table = toTable(widgets, [{ kind: 'Widget', apiVersion: 'example.com/v1', metadata: { name: 'w', creationTimestamp: '2025-01-01T12:00:00.5Z' } }, { metadata: { name: 'x' } }], { now: NOW });
    expect(table.columnDefinitions.map((c) => [c.name, c.type, c.format])).toEqual([
      ['Name', 'string', 'name'],
      ['Created At', 'date', ''],
    ]);
    expect(table.rows.map((row) => row.cells)).toEqual([
      ['w', '2025-01-01T12:00:00Z'],
      ['x', '0001-01-01T00:00:00Z'],
    ]);
  });

  it('includeObject: Metadata (the default) embeds a PartialObjectMetadata, Object the object, None nothing', () => {
    const nodes = info('nodes');
    expect(toTable(nodes, [node], { now: NOW }).rows[0]!.object).toEqual({ kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: node.metadata });
    expect(toTable(nodes, [node], { now: NOW, includeObject: 'Object' }).rows[0]!.object).toBe(node);
    expect(toTable(nodes, [{ metadata: { name: 'n' } }], { now: NOW, includeObject: 'Object' }).rows[0]!.object).toEqual({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'n' } });
    expect('object' in toTable(nodes, [node], { now: NOW, includeObject: 'None' }).rows[0]!).toBe(false);
  });

  it('wide: false drops the priority-1 columns and their cells; noHeaders empties columnDefinitions (watch events after the first)', () => {
    const narrow = toTable(info('nodes'), [node], { now: NOW, wide: false });
    expect(narrow.columnDefinitions.map((c) => c.name)).toEqual(['Name', 'Status', 'Roles', 'Age', 'Version']);
    expect(narrow.rows[0]!.cells).toEqual(['node-1', 'Ready,SchedulingDisabled', 'control-plane,infra,worker', '2d', 'v1.32.0']);
    const event = toTable(info('nodes'), [node], { now: NOW, noHeaders: true });
    expect(event.columnDefinitions).toEqual([]);
    expect(event.rows[0]!.cells).toHaveLength(10);
  });

  it("metadata: the list's ListMeta, or for one object its resourceVersion", () => {
    expect(toTable(info('nodes'), [node], { now: NOW }).metadata).toEqual({ resourceVersion: '41' });
    expect(toTable(info('nodes'), [node, node], { now: NOW }).metadata).toEqual({});
    expect(toTable(info('nodes'), [], { now: NOW, listMeta: { resourceVersion: '9', continue: 'tok', remainingItemCount: 4 } }).metadata).toEqual({
      resourceVersion: '9',
      continue: 'tok',
      remainingItemCount: 4,
    });
    expect(toTable(info('nodes'), [], { now: NOW, listMeta: { resourceVersion: '9', continue: '' } }).metadata).toEqual({ resourceVersion: '9' });
  });
});
