/**
 * The node printer: Kubernetes' `printNode` (pkg/printers/internalversion).
 */
import type { KubeObject } from '@apiserver-kit/codec';
import { ageOf } from './table-duration.js';
import { AGE_COLUMN, NAME_COLUMN, column, list, nameOf, record, text } from './table-printer.js';
import type { PrintedRow, TablePrinter } from './table-printer.js';

/** Labels that give a node a role: `node-role.kubernetes.io/<role>` (any value), `kubernetes.io/role=<role>`. */
const ROLE_LABEL_PREFIX = 'node-role.kubernetes.io/';
const ROLE_LABEL = 'kubernetes.io/role';

/** Nodes: NAME STATUS ROLES AGE VERSION, and with `-o wide` INTERNAL-IP EXTERNAL-IP OS-IMAGE KERNEL-VERSION CONTAINER-RUNTIME. */
export const NODE_PRINTER: TablePrinter = Object.freeze({
  columns: Object.freeze([
    NAME_COLUMN,
    column('Status', 'string', "The node's Ready condition, and SchedulingDisabled when cordoned."),
    column('Roles', 'string', "The node's roles, from its node-role.kubernetes.io/ labels."),
    AGE_COLUMN,
    column('Version', 'string', "The kubelet's version (status.nodeInfo.kubeletVersion)."),
    column('Internal-IP', 'string', "The node's first InternalIP address.", 1),
    column('External-IP', 'string', "The node's first ExternalIP address.", 1),
    column('OS-Image', 'string', "The node's operating system image (status.nodeInfo.osImage).", 1),
    column('Kernel-Version', 'string', "The node's kernel version (status.nodeInfo.kernelVersion).", 1),
    column('Container-Runtime', 'string', "The node's container runtime and its version (status.nodeInfo.containerRuntimeVersion).", 1),
  ]),
  print: printNode,
});

/** `findNodeRoles`: the roles, sorted and deduplicated. */
export function nodeRoles(labels: Readonly<Record<string, unknown>>): string[] {
  const roles = new Set<string>();
  for (const [key, value] of Object.entries(labels)) {
    if (key.startsWith(ROLE_LABEL_PREFIX)) {
      const role = key.slice(ROLE_LABEL_PREFIX.length);
      if (role !== '') roles.add(role);
    } else if (key === ROLE_LABEL && typeof value === 'string' && value !== '') {
      roles.add(value);
    }
  }
  // Go's sets.String.List() sorts byte-wise; so does the default sort for these ASCII names.
  return [...roles].sort();
}

function firstAddress(addresses: readonly unknown[], type: string): string {
  for (const address of addresses) {
    if (record(address)['type'] === type) return text(record(address)['address']);
  }
  return '<none>';
}

/** `printNode`. */
function printNode(node: KubeObject, now: number): PrintedRow {
  const status = record(node['status']);
  // The last Ready condition wins, as Go's map of conditions by type keeps it.
  let ready: Readonly<Record<string, unknown>> | undefined;
  for (const condition of list(status['conditions'])) if (record(condition)['type'] === 'Ready') ready = record(condition);
  const states: string[] = [];
  if (ready !== undefined) states.push(ready['status'] === 'True' ? 'Ready' : 'NotReady');
  if (states.length === 0) states.push('Unknown');
  if (record(node['spec'])['unschedulable'] === true) states.push('SchedulingDisabled');
  const roles = nodeRoles(record(node.metadata?.labels)).join(',');
  const info = record(status['nodeInfo']);
  const orUnknown = (value: unknown): string => (text(value) === '' ? '<unknown>' : text(value));
  const addresses = list(status['addresses']);
  return {
    cells: [
      nameOf(node),
      states.join(','),
      roles === '' ? '<none>' : roles,
      ageOf(node.metadata?.creationTimestamp, now),
      text(info['kubeletVersion']),
      firstAddress(addresses, 'InternalIP'),
      firstAddress(addresses, 'ExternalIP'),
      orUnknown(info['osImage']),
      orUnknown(info['kernelVersion']),
      orUnknown(info['containerRuntimeVersion']),
    ],
  };
}
