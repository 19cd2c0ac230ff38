import { describe, expect, it } from 'vitest';
import { toTable } from '../src/table.js';
import { CORE_V1_RESOURCES } from '../src/resources.js';
import type { KubeObject } from '@apiserver-kit/codec';

const pods = CORE_V1_RESOURCES.find((info) => info.resource === 'pods')!;
const NOW = Date.parse('2025-01-01T12:00:00Z');
const at = (msAgo: number): string => new Date(NOW - msAgo).toISOString().replace(/\.\d{3}Z$/, 'Z');

function pod(spec: Record<string, unknown>, status: Record<string, unknown>, metadata: Record<string, unknown> = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-0', namespace: 'default', creationTimestamp: at(5 * 60_000), ...metadata }, spec, status };
}

const cells = (object: KubeObject): unknown[] => [...toTable(pods, [object], { now: NOW }).rows[0]!.cells];
const running = { running: { startedAt: at(60_000) } };

describe('toTable() for pods — printPod', () => {
  it('has the columns of kubectl get pods, -o wide ones at priority 1', () => {
    const table = toTable(pods, [], { now: NOW });
    expect(table.columnDefinitions.map((c) => [c.name, c.type, c.format, c.priority])).toEqual([
      ['Name', 'string', 'name', 0],
      ['Ready', 'string', '', 0],
      ['Status', 'string', '', 0],
      ['Restarts', 'string', '', 0],
      ['Age', 'string', '', 0],
      ['IP', 'string', '', 1],
      ['Node', 'string', '', 1],
      ['Nominated Node', 'string', '', 1],
      ['Readiness Gates', 'string', '', 1],
    ]);
    expect(table).toMatchObject({ kind: 'Table', apiVersion: 'meta.k8s.io/v1', rows: [] });
  });

  it('a running pod: READY, phase, RESTARTS with the last restart age, AGE, IP and NODE', () => {
    const row = cells(
      pod(
        { nodeName: 'node-1', containers: [{ name: 'a' }, { name: 'b' }], readinessGates: [{ conditionType: 'x/ready' }] },
        {
          phase: 'Running',
          podIPs: [{ ip: '10.0.0.7' }],
          conditions: [{ type: 'x/ready', status: 'True' }],
          containerStatuses: [
            { name: 'a', ready: true, restartCount: 3, state: running, lastState: { terminated: { exitCode: 1, finishedAt: at(5 * 60_000) } } },
            { name: 'b', ready: false, restartCount: 0, state: running },
          ],
        },
      ),
    );
    expect(row).toEqual(['web-0', '1/2', 'Running', '3 (5m ago)', '5m', '10.0.0.7', 'node-1', '<none>', '1/1']);
  });

  it('a pending pod without status: 0/N, Pending, <none> for IP and node', () => {
    expect(cells(pod({ containers: [{ name: 'a' }] }, { phase: 'Pending' }))).toEqual(['web-0', '0/1', 'Pending', '0', '5m', '<none>', '<none>', '<none>', '<none>']);
  });

  it("STATUS is the last container's waiting or terminated reason", () => {
    const waiting = pod({ containers: [{ name: 'a' }] }, { phase: 'Pending', containerStatuses: [{ name: 'a', state: { waiting: { reason: 'ImagePullBackOff' } } }] });
    expect(cells(waiting)[2]).toBe('ImagePullBackOff');
    const completed = pod({ containers: [{ name: 'a' }] }, { phase: 'Succeeded', containerStatuses: [{ name: 'a', state: { terminated: { exitCode: 0, reason: 'Completed' } } }] });
    expect(cells(completed)[2]).toBe('Completed');
    const signal = pod({ containers: [{ name: 'a' }] }, { phase: 'Failed', containerStatuses: [{ name: 'a', state: { terminated: { exitCode: 137, signal: 9 } } }] });
    expect(cells(signal)[2]).toBe('Signal:9');
    const exit = pod({ containers: [{ name: 'a' }] }, { phase: 'Failed', containerStatuses: [{ name: 'a', state: { terminated: { exitCode: 2 } } }] });
    expect(cells(exit)[2]).toBe('ExitCode:2');
  });

  it('Completed with a container still running reads Running when Ready, else NotReady', () => {
    const statuses = [
      { name: 'a', ready: true, state: running },
      { name: 'b', state: { terminated: { exitCode: 0, reason: 'Completed' } } },
    ];
    const spec = { containers: [{ name: 'a' }, { name: 'b' }] };
    expect(cells(pod(spec, { phase: 'Running', containerStatuses: statuses, conditions: [{ type: 'Ready', status: 'True' }] }))[2]).toBe('Running');
    expect(cells(pod(spec, { phase: 'Running', containerStatuses: statuses }))[2]).toBe('NotReady');
  });

  it('init containers: Init:i/n, Init:<reason>, and restartable (sidecar) init containers count as containers', () => {
    const spec = { initContainers: [{ name: 'i1' }, { name: 'i2' }], containers: [{ name: 'a' }] };
    const waiting = pod(spec, {
      phase: 'Pending',
      initContainerStatuses: [
        { name: 'i1', state: { terminated: { exitCode: 0 } } },
        { name: 'i2', state: { running: {} } },
      ],
    });
    expect(cells(waiting)[2]).toBe('Init:1/2');
    const failed = pod(spec, { phase: 'Pending', initContainerStatuses: [{ name: 'i1', state: { terminated: { exitCode: 3 } } }] });
    expect(cells(failed)[2]).toBe('Init:ExitCode:3');
    const crash = pod(spec, { phase: 'Pending', initContainerStatuses: [{ name: 'i1', state: { waiting: { reason: 'CrashLoopBackOff' } } }] });
    expect(cells(crash)[2]).toBe('Init:CrashLoopBackOff');
    const sidecar = pod(
      { initContainers: [{ name: 's', restartPolicy: 'Always' }], containers: [{ name: 'a' }] },
      {
        phase: 'Running',
        conditions: [{ type: 'Initialized', status: 'True' }],
        initContainerStatuses: [{ name: 's', started: true, ready: true, restartCount: 2, state: running }],
        containerStatuses: [{ name: 'a', ready: true, state: running }],
      },
    );
    expect(cells(sidecar).slice(1, 4)).toEqual(['2/2', 'Running', '2']);
  });

  it('Terminating once deletionTimestamp is set; Unknown for a pod of a lost node; SchedulingGated', () => {
    const spec = { containers: [{ name: 'a' }] };
    expect(cells(pod(spec, { phase: 'Running' }, { deletionTimestamp: at(0) }))[2]).toBe('Terminating');
    expect(cells(pod(spec, { phase: 'Succeeded' }, { deletionTimestamp: at(0) }))[2]).toBe('Succeeded');
    expect(cells(pod(spec, { phase: 'Running', reason: 'NodeLost' }, { deletionTimestamp: at(0) }))[2]).toBe('Unknown');
    expect(cells(pod(spec, { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated' }] }))[2]).toBe('SchedulingGated');
  });

  it('a finished pod carries the Completed row condition', () => {
    const row = toTable(pods, [pod({ containers: [] }, { phase: 'Failed' })], { now: NOW }).rows[0]!;
    expect(row.conditions).toEqual([{ type: 'Completed', status: 'True', reason: 'Failed', message: 'The pod failed.' }]);
  });

  it('a pod of garbage fields still prints (Go zero values)', () => {
    const garbage = { metadata: { name: 7, creationTimestamp: 'yesterday' }, spec: { containers: 'x' }, status: { containerStatuses: [null, 1, { state: null }] } } as unknown as KubeObject;
    expect(cells(garbage)).toEqual(['', '0/0', '', '0', '<unknown>', '<none>', '<none>', '<none>', '<none>']);
  });
});
