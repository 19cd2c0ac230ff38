/**
 * A property test of the fake API against a simple model of pods in one
 * namespace: random sequences of create, update (main resource),
 * updateStatus, patch, patchStatus, delete and get. The model is
 * Kubernetes' split of a pod: labels change through both, the phase only
 * through the status subresource (podStrategy / podStatusStrategy
 * PrepareForUpdate). Also: every successful write, and only those, lands in
 * the ledger, in revision order (a no-op update keeps its revision).
 */
import { isStatusError } from '@apiserver-kit/codec';
import * as fc from 'fast-check';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { describe, expect, it } from 'vitest';
import { createFakeApi } from '../src/index.js';

type Op =
  | { kind: 'create' | 'delete' | 'get'; name: string }
  | { kind: 'update' | 'patch'; name: string; label: string; phase: string }
  | { kind: 'updateStatus' | 'patchStatus'; name: string; label: string; phase: string };

const names = fc.constantFrom('a', 'b', 'c');
const labels = fc.constantFrom('x', 'y', 'z');
const phases = fc.constantFrom('Running', 'Succeeded', 'Failed');
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constantFrom('create' as const, 'delete' as const, 'get' as const), name: names }),
  fc.record({ kind: fc.constantFrom('update' as const, 'patch' as const, 'updateStatus' as const, 'patchStatus' as const), name: names, label: labels, phase: phases }),
);

interface ModelPod {
  label: string | undefined;
  phase: string;
}

function pod(name: string): Pod {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { containers: [{ name: 'main', image: 'nginx' }] } };
}

describe('fake API ≈ model (fast-check)', () => {
  it('labels through any write, the phase only through the status subresource; the ledger has every successful write', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 25 }), async (ops) => {
        const api = await createFakeApi();
        try {
          const pods = api.pods('default');
          const model = new Map<string, ModelPod>();
          const start = api.writes.revision;
          let writes = 0;
          for (const step of ops) {
            const current = model.get(step.name);
            let outcome: string;
            try {
              switch (step.kind) {
                case 'create':
                  await pods.create(pod(step.name));
                  break;
                case 'delete':
                  await pods.delete(step.name);
                  break;
                case 'get': {
                  const got = await pods.get(step.name);
                  expect({ label: got.metadata.labels?.['l'], phase: got.status?.phase }).toEqual(current);
                  break;
                }
                case 'update': {
                  const got = await pods.get(step.name);
                  await pods.update({ ...got, metadata: { ...got.metadata, labels: { l: step.label } }, status: { phase: step.phase } });
                  break;
                }
                case 'updateStatus': {
                  const got = await pods.get(step.name);
                  await pods.updateStatus({ ...got, metadata: { ...got.metadata, labels: { l: step.label } }, status: { phase: step.phase } });
                  break;
                }
                case 'patch':
                  await pods.patch(step.name, 'merge', { metadata: { labels: { l: step.label } }, status: { phase: step.phase } });
                  break;
                case 'patchStatus':
                  await pods.patchStatus(step.name, 'strategic', { metadata: { labels: { l: step.label } }, status: { phase: step.phase } });
                  break;
              }
              outcome = 'ok';
            } catch (error) {
              if (!isStatusError(error)) throw error;
              outcome = error.reason;
            }
            // The model's answer.
            const expected = step.kind === 'create' ? (current === undefined ? 'ok' : 'AlreadyExists') : current === undefined ? 'NotFound' : 'ok';
            expect(outcome, `${step.kind} ${step.name}`).toBe(expected);
            if (outcome !== 'ok') continue;
            if (step.kind === 'create') model.set(step.name, { label: undefined, phase: 'Pending' });
            else if (step.kind === 'delete') model.delete(step.name);
            else if ('label' in step) {
              current!.label = step.label;
              if (step.kind === 'updateStatus' || step.kind === 'patchStatus') current!.phase = step.phase;
            }
            if (step.kind !== 'get') writes++;
          }
          const listed = await pods.list();
          expect(Object.fromEntries(listed.items.map((item) => [item.metadata.name, { label: item.metadata.labels?.['l'], phase: item.status?.phase }]))).toEqual(
            Object.fromEntries([...model].sort(([a], [b]) => a.localeCompare(b))),
          );
          const records = api.writes.since(start);
          expect(records).toHaveLength(writes);
          // Non-decreasing: a write that changes nothing stores nothing (GuaranteedUpdate's no-op), and is recorded at the unchanged revision.
          for (let i = 1; i < records.length; i++) expect(records[i]!.revision).toBeGreaterThanOrEqual(records[i - 1]!.revision);
          // Bootstrap namespaces are not the client's writes; after one write the ledger is at the store's revision.
          if (writes > 0) expect(api.writes.revision).toBe(await api.storage.currentRevision());
        } finally {
          await api.close();
        }
      }),
      { numRuns: 60 },
    );
  });
});
