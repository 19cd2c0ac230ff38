/**
 * The pod printer: Kubernetes' `printPod` (pkg/printers/internalversion),
 * whose READY, STATUS and RESTARTS are what `kubectl get pods` shows.
 */
import type { KubeObject } from '@apiserver-kit/codec';
import { ageOf, humanDuration, timestampMillis } from './table-duration.js';
import { AGE_COLUMN, NAME_COLUMN, column, integer, list, nameOf, record, text } from './table-printer.js';
import type { PrintedRow, TablePrinter, TableRowCondition } from './table-printer.js';

const SUCCEEDED: readonly TableRowCondition[] = Object.freeze([
  Object.freeze({ type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' }),
]);
const FAILED: readonly TableRowCondition[] = Object.freeze([
  Object.freeze({ type: 'Completed', status: 'True', reason: 'Failed', message: 'The pod failed.' }),
]);

/** The reason the node lifecycle controller gives pods of an unreachable node (`node.NodeUnreachablePodReason`). */
const NODE_LOST = 'NodeLost';

/** Pods: NAME READY STATUS RESTARTS AGE, and with `-o wide` IP NODE NOMINATED NODE READINESS GATES. */
export const POD_PRINTER: TablePrinter = Object.freeze({
  columns: Object.freeze([
    NAME_COLUMN,
    column('Ready', 'string', 'Ready containers out of all containers of the pod.'),
    column('Status', 'string', "The pod's aggregate status, from its phase and its containers' states."),
    column('Restarts', 'string', 'Container restarts, and how long ago the last one was.'),
    AGE_COLUMN,
    column('IP', 'string', "The pod's first IP address (status.podIPs).", 1),
    column('Node', 'string', 'The node the pod is bound to (spec.nodeName).', 1),
    column('Nominated Node', 'string', 'The node the scheduler nominated for the pod after preemption (status.nominatedNodeName).', 1),
    column('Readiness Gates', 'string', "The pod's readiness gates whose condition is True, out of all of them.", 1),
  ]),
  print: printPod,
});

interface Restarts {
  count: number;
  /** Milliseconds of the latest `lastState.terminated.finishedAt`; 0 for none. */
  last: number;
}

function addRestarts(into: Restarts, status: Readonly<Record<string, unknown>>): void {
  into.count += integer(status['restartCount']);
  const finished = timestampMillis(record(record(status['lastState'])['terminated'])['finishedAt']) ?? 0;
  if (finished > into.last) into.last = finished;
}

function isRestartableInit(container: Readonly<Record<string, unknown>> | undefined): boolean {
  return container !== undefined && container['restartPolicy'] === 'Always';
}

function conditionIsTrue(conditions: readonly unknown[], type: string): boolean {
  return conditions.some((condition) => record(condition)['type'] === type && record(condition)['status'] === 'True');
}

/** `printPod`. */
function printPod(pod: KubeObject, now: number): PrintedRow {
  const spec = record(pod['spec']);
  const status = record(pod['status']);
  const conditions = list(status['conditions']);
  const phase = text(status['phase']);
  let reason = text(status['reason']) !== '' ? text(status['reason']) : phase;
  for (const condition of conditions) {
    const c = record(condition);
    if (c['type'] === 'PodScheduled' && c['reason'] === 'SchedulingGated') reason = 'SchedulingGated';
  }

  const initContainers = list(spec['initContainers']).map(record);
  const initByName = new Map<string, Readonly<Record<string, unknown>>>();
  for (const container of initContainers) initByName.set(text(container['name']), container);
  const totalContainers = list(spec['containers']).length + initContainers.filter(isRestartableInit).length;
  let readyContainers = 0;
  let restarts: Restarts = { count: 0, last: 0 };
  const sidecarRestarts: Restarts = { count: 0, last: 0 };

  let initializing = false;
  const initStatuses = list(status['initContainerStatuses']).map(record);
  for (let i = 0; i < initStatuses.length; i++) {
    const container = initStatuses[i]!;
    const state = record(container['state']);
    const terminated = state['terminated'] === undefined || state['terminated'] === null ? undefined : record(state['terminated']);
    const waiting = state['waiting'] === undefined || state['waiting'] === null ? undefined : record(state['waiting']);
    addRestarts(restarts, container);
    const restartable = isRestartableInit(initByName.get(text(container['name'])));
    if (restartable) addRestarts(sidecarRestarts, container);
    if (terminated !== undefined && integer(terminated['exitCode']) === 0) continue;
    if (restartable && container['started'] === true) {
      if (container['ready'] === true) readyContainers++;
      continue;
    }
    if (terminated !== undefined) {
      // Initialization failed.
      const why = text(terminated['reason']);
      if (why !== '') reason = `Init:${why}`;
      else if (integer(terminated['signal']) !== 0) reason = `Init:Signal:${integer(terminated['signal'])}`;
      else reason = `Init:ExitCode:${integer(terminated['exitCode'])}`;
    } else if (waiting !== undefined && text(waiting['reason']) !== '' && text(waiting['reason']) !== 'PodInitializing') {
      reason = `Init:${text(waiting['reason'])}`;
    } else {
      reason = `Init:${i}/${initContainers.length}`;
    }
    initializing = true;
    break;
  }

  if (!initializing || conditionIsTrue(conditions, 'Initialized')) {
    // Only sidecars' restarts count once the pod is initialized.
    restarts = { ...sidecarRestarts };
    let hasRunning = false;
    const statuses = list(status['containerStatuses']).map(record);
    for (let i = statuses.length - 1; i >= 0; i--) {
      const container = statuses[i]!;
      addRestarts(restarts, container);
      const state = record(container['state']);
      const waiting = state['waiting'] === undefined || state['waiting'] === null ? undefined : record(state['waiting']);
      const terminated = state['terminated'] === undefined || state['terminated'] === null ? undefined : record(state['terminated']);
      if (waiting !== undefined && text(waiting['reason']) !== '') {
        reason = text(waiting['reason']);
      } else if (terminated !== undefined && text(terminated['reason']) !== '') {
        reason = text(terminated['reason']);
      } else if (terminated !== undefined) {
        reason = integer(terminated['signal']) !== 0 ? `Signal:${integer(terminated['signal'])}` : `ExitCode:${integer(terminated['exitCode'])}`;
      } else if (container['ready'] === true && state['running'] !== undefined && state['running'] !== null) {
        hasRunning = true;
        readyContainers++;
      }
    }
    // A pod whose containers all report Completed but one still runs is Running (or NotReady).
    if (reason === 'Completed' && hasRunning) reason = conditionIsTrue(conditions, 'Ready') ? 'Running' : 'NotReady';
  }

  const deleting = typeof pod.metadata?.deletionTimestamp === 'string' && pod.metadata.deletionTimestamp !== '';
  if (deleting && text(status['reason']) === NODE_LOST) reason = 'Unknown';
  else if (deleting && phase !== 'Succeeded' && phase !== 'Failed') reason = 'Terminating';

  let restartsCell = String(restarts.count);
  if (restarts.count !== 0 && restarts.last !== 0) restartsCell = `${restarts.count} (${humanDuration(now - restarts.last)} ago)`;

  const podIPs = list(status['podIPs']);
  const ip = podIPs.length > 0 ? text(record(podIPs[0])['ip']) : '';
  const readinessGates = list(spec['readinessGates']);
  let gates = '<none>';
  if (readinessGates.length > 0) {
    let satisfied = 0;
    for (const gate of readinessGates) {
      const type = record(gate)['conditionType'];
      const condition = conditions.find((c) => record(c)['type'] === type);
      if (condition !== undefined && record(condition)['status'] === 'True') satisfied++;
    }
    gates = `${satisfied}/${readinessGates.length}`;
  }
  const row: PrintedRow = {
    cells: [
      nameOf(pod),
      `${readyContainers}/${totalContainers}`,
      reason,
      restartsCell,
      ageOf(pod.metadata?.creationTimestamp, now),
      ip === '' ? '<none>' : ip,
      text(spec['nodeName']) === '' ? '<none>' : text(spec['nodeName']),
      text(status['nominatedNodeName']) === '' ? '<none>' : text(status['nominatedNodeName']),
      gates,
    ],
    ...(phase === 'Succeeded' ? { conditions: SUCCEEDED } : phase === 'Failed' ? { conditions: FAILED } : {}),
  };
  return row;
}
