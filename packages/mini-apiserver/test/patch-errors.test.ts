import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { isStatusError } from '@apiserver-kit/core';
import { applyPatch, PATCH_CONTENT_TYPES } from '../src/patch.js';
import { CORE_V1_RESOURCES } from '../src/resources.js';

const info = (resource: string) => CORE_V1_RESOURCES.find((candidate) => candidate.resource === resource)!;
const pods = info('pods');
const nodes = info('nodes');
const encode = (value: unknown): Uint8Array => new TextEncoder().encode(typeof value === 'string' ? value : JSON.stringify(value));

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
  metadata: { name: 'web-0', namespace: 'default', resourceVersion: '3', finalizers: ['f/1'], labels: { app: 'web' } },
  spec: { containers: [{ name: 'app', image: 'nginx', env: [{ name: 'A', value: '1' }], ports: [{ containerPort: 80 }] }], volumes: [{ name: 'v', emptyDir: {} }] },
  status: { conditions: [{ type: 'Ready', status: 'True' }] },
});

function failure(run: () => unknown): { reason: string; code: number; message: string } {
  try {
    run();
  } catch (error) {
    if (isStatusError(error)) return error;
    throw error;
  }
  throw new Error('expected a StatusError');
}

describe('applyPatch() — media types and the checks of the patch handler (handlers/patch.go)', () => {
  it('lists the patch types Kubernetes accepts, JSON patch first', () => {
    expect(PATCH_CONTENT_TYPES).toEqual(['application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json']);
  });

  it('server-side apply → UnsupportedMediaType 415 that says it is not supported yet', () => {
    const error = failure(() => applyPatch(pods, pod, encode('metadata: {}'), 'application/apply-patch+yaml'));
    expect(error.reason).toBe('UnsupportedMediaType');
    expect(error.code).toBe(415);
    expect(error.message).toBe(
      'server-side apply (application/apply-patch+yaml) is not supported by this server yet: use client-side apply (kubectl apply without --server-side) or one of the patch types: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json',
    );
  });

  it('an unknown Content-Type → UnsupportedMediaType 415 listing the accepted ones', () => {
    const error = failure(() => applyPatch(pods, pod, encode({}), 'application/json'));
    expect(error.code).toBe(415);
    expect(error.message).toBe(
      'the body of the request was in an unknown format ("application/json") - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json',
    );
  });

  it('a patch that renames the object → BadRequest (checkName)', () => {
    const error = failure(() => applyPatch(pods, pod, encode({ metadata: { name: 'other' } }), 'application/merge-patch+json'));
    expect(error).toMatchObject({ reason: 'BadRequest', code: 400, message: 'the name of the object (other) does not match the name on the URL (web-0)' });
  });

  it('a patch that moves the object to another namespace → BadRequest (EnsureObjectNamespaceMatchesRequestNamespace)', () => {
    const error = failure(() => applyPatch(pods, pod, encode({ metadata: { namespace: 'kube-system' } }), 'application/merge-patch+json'));
    expect(error).toMatchObject({ reason: 'BadRequest', message: 'the namespace of the provided object does not match the namespace sent on the request' });
  });

  it('a patch that clears the namespace gets the request namespace back; a cluster-scoped object loses a namespace', () => {
    expect(applyPatch(pods, pod, encode({ metadata: { namespace: null } }), 'application/merge-patch+json').metadata?.namespace).toBe('default');
    const node = deepFreeze({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' } });
    expect(applyPatch(nodes, node, encode({ metadata: { namespace: 'x' } }), 'application/merge-patch+json').metadata).toEqual({ name: 'n1' });
  });

  it('a result that is not an object of the kind → Invalid 422 on field patch', () => {
    expect(failure(() => applyPatch(pods, pod, encode({ kind: 'Node' }), 'application/merge-patch+json'))).toMatchObject({ reason: 'Invalid', code: 422 });
    expect(failure(() => applyPatch(pods, pod, encode({ metadata: { labels: { a: 1 } } }), 'application/merge-patch+json'))).toMatchObject({
      reason: 'Invalid',
    });
    expect(failure(() => applyPatch(pods, pod, encode({ metadata: 'x' }), 'application/merge-patch+json'))).toMatchObject({ reason: 'Invalid' });
  });

  it('a null label value reads as the empty string, as Go decodes it into map[string]string', () => {
    const ops = [{ op: 'add', path: '/metadata/labels/empty', value: null }];
    expect(applyPatch(pods, pod, encode(ops), 'application/json-patch+json').metadata?.labels).toEqual({ app: 'web', empty: '' });
  });

  it('a body nested deeper than the stores accept → BadRequest before any recursion', () => {
    const deep = `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`;
    for (const type of PATCH_CONTENT_TYPES) {
      expect(failure(() => applyPatch(pods, pod, encode(deep), type))).toMatchObject({ reason: 'BadRequest' });
    }
  });

  it('fuzz: any body under any patch type yields a patched Pod or a StatusError, never an internal error', () => {
    const keys = fc.constantFrom(
      'metadata', 'spec', 'status', 'containers', 'env', 'ports', 'name', 'value', 'image', 'labels', 'finalizers', 'conditions', 'type', 'volumes',
      'containerPort', '$patch', '$retainKeys', '$setElementOrder/containers', '$setElementOrder/env', '$deleteFromPrimitiveList/finalizers',
      '$setElementOrder', '__proto__', 'op', 'path', 'from',
    );
    const leaf = fc.oneof(fc.constantFrom('delete', 'replace', 'merge', 'web-0', 'app', 'A', '/metadata/labels', '/spec/containers/0', '/spec/containers/-', 'add', 'remove', 'move', 'copy', 'test'), fc.integer({ min: -3, max: 3 }), fc.boolean(), fc.constant(null));
    const { value } = fc.letrec((tie) => ({
      value: fc.oneof({ depthSize: 'small', maxDepth: 5 }, leaf, fc.array(tie('value'), { maxLength: 4 }), fc.dictionary(keys, tie('value'), { maxKeys: 4 })),
    }));
    const bodies = fc.oneof(
      value.map((v) => encode(v)),
      fc.array(fc.record({ op: leaf, path: leaf, from: leaf, value }, { requiredKeys: [] }), { maxLength: 5 }).map((ops) => encode(ops)),
      fc.uint8Array({ maxLength: 40 }),
      fc.string({ maxLength: 40 }).map((s) => encode(s)),
    );
    fc.assert(
      fc.property(bodies, fc.constantFrom(...PATCH_CONTENT_TYPES), (body, type) => {
        try {
          const patched = applyPatch(pods, pod, body, type);
          expect(patched.kind).toBe('Pod');
          expect(patched.metadata?.name).toBe('web-0');
          JSON.stringify(patched);
        } catch (error) {
          expect(isStatusError(error)).toBe(true);
          expect((error as { reason: string }).reason).not.toBe('InternalError');
        }
      }),
      { numRuns: 3000 },
    );
  });
});
