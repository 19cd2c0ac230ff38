/**
 * The OpenAPI documents' structure, as kubectl reads it: cli-runtime's
 * `supportsQueryParamV3` (a PATCH per kind with the GVK and a
 * `fieldValidation` parameter), the apply patcher's `gvkMatchesArray` on
 * schemas, client-go's `openapi.Client.Paths` on the index, and the v2
 * `supportsQueryParam`. The real kubectl runs in openapi-kubectl.test.ts.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { acceptsOpenApiV2Json, openApiV2, openApiV3Document, openApiV3Paths } from '../src/openapi.js';
import { CORE_V1_RESOURCES } from '../src/resources.js';

type Json = Record<string, any>;

const KINDS = ['ConfigMap', 'Namespace', 'Node', 'Pod'];

function patchOperationsOf(paths: Json, kind: string): Json[] {
  return Object.values(paths)
    .map((item: Json) => item['patch'])
    .filter((op: Json | undefined) => op !== undefined && op['x-kubernetes-group-version-kind']?.kind === kind);
}

describe('openApiV3Paths()', () => {
  it('lists api/v1 with a content hash in serverRelativeURL', () => {
    const index = openApiV3Paths(CORE_V1_RESOURCES);
    expect(Object.keys(index.paths)).toEqual(['api/v1']);
    expect(index.paths['api/v1']!.serverRelativeURL).toMatch(/^\/openapi\/v3\/api\/v1\?hash=[0-9A-F]{128}$/);
    // The hash is the SHA-512 of the document's JSON: clients may cache by URL.
    const hash = createHash('sha512').update(JSON.stringify(openApiV3Document(CORE_V1_RESOURCES, 'api/v1'))).digest('hex').toUpperCase();
    expect(index.paths['api/v1']!.serverRelativeURL).toBe(`/openapi/v3/api/v1?hash=${hash}`);
    // Built once per registry, frozen.
    expect(openApiV3Paths(CORE_V1_RESOURCES)).toBe(index);
    expect(Object.isFrozen(index.paths)).toBe(true);
  });
});

describe('openApiV3Document()', () => {
  const doc = openApiV3Document(CORE_V1_RESOURCES, 'api/v1') as Json;

  it('an unserved group version → undefined; leading slash tolerated', () => {
    expect(openApiV3Document(CORE_V1_RESOURCES, 'apis/apps/v1')).toBeUndefined();
    expect(openApiV3Document(CORE_V1_RESOURCES, '/api/v1')).toEqual(doc);
  });

  it('supportsQueryParamV3: every PATCH of every kind lists fieldValidation', () => {
    expect(doc['openapi']).toBe('3.0.0');
    for (const kind of KINDS) {
      const patches = patchOperationsOf(doc['paths'], kind);
      expect(patches.length, kind).toBeGreaterThan(0);
      for (const op of patches) {
        expect(op['x-kubernetes-group-version-kind']).toEqual({ group: '', version: 'v1', kind });
        expect(op['parameters'].map((p: Json) => p['name'])).toContain('fieldValidation');
        // Strategic merge patch left out on purpose (see PATCH_CONSUMES).
        expect(Object.keys(op['requestBody']['content'])).toEqual(['application/json-patch+json', 'application/merge-patch+json']);
      }
    }
  });

  it('pods: collection, item and all-namespaces paths with Kubernetes operation ids', () => {
    const paths = doc['paths'];
    const collection = paths['/api/v1/namespaces/{namespace}/pods'];
    expect(Object.keys(collection).sort()).toEqual(['delete', 'get', 'parameters', 'post']);
    expect(collection.get.operationId).toBe('listCoreV1NamespacedPod');
    expect(collection.get['x-kubernetes-action']).toBe('list');
    expect(collection.get.parameters.map((p: Json) => p['name'])).toEqual(expect.arrayContaining(['watch', 'labelSelector', 'fieldSelector', 'limit', 'continue', 'resourceVersion', 'allowWatchBookmarks', 'sendInitialEvents']));
    expect(collection.post.operationId).toBe('createCoreV1NamespacedPod');
    expect(collection.parameters).toEqual([{ name: 'namespace', in: 'path', description: expect.any(String), required: true, schema: { type: 'string', uniqueItems: true } }]);
    const item = paths['/api/v1/namespaces/{namespace}/pods/{name}'];
    expect(Object.keys(item).sort()).toEqual(['delete', 'get', 'parameters', 'patch', 'put']);
    expect([item.get.operationId, item.put.operationId, item.patch.operationId, item.delete.operationId]).toEqual([
      'readCoreV1NamespacedPod',
      'replaceCoreV1NamespacedPod',
      'patchCoreV1NamespacedPod',
      'deleteCoreV1NamespacedPod',
    ]);
    expect(paths['/api/v1/pods'].get.operationId).toBe('listCoreV1PodForAllNamespaces');
    expect(paths['/api/v1/nodes/{name}'].get.operationId).toBe('readCoreV1Node');
    expect(paths['/api/v1/nodes']).toBeDefined();
    expect(paths['/api/v1/namespaces/{namespace}/nodes']).toBeUndefined();
  });

  it('gvkMatchesArray: kind schemas carry the GVK as a list, and keep unknown fields', () => {
    const schemas = doc['components']['schemas'];
    const pod = schemas['io.k8s.api.core.v1.Pod'];
    expect(pod['x-kubernetes-group-version-kind']).toEqual([{ group: '', version: 'v1', kind: 'Pod' }]);
    expect(pod['type']).toBe('object');
    expect(pod['x-kubernetes-preserve-unknown-fields']).toBe(true);
    expect(schemas['io.k8s.api.core.v1.PodList']['properties']['items']['items']).toEqual({ $ref: '#/components/schemas/io.k8s.api.core.v1.Pod' });
    // Every $ref resolves.
    const refs = JSON.stringify(doc).match(/#\/components\/schemas\/[^"]+/g) ?? [];
    for (const ref of new Set(refs)) expect(schemas[ref.slice('#/components/schemas/'.length)], ref).toBeDefined();
  });
});

describe('openApiV2()', () => {
  const doc = openApiV2(CORE_V1_RESOURCES) as Json;

  it('swagger 2.0: PATCH per kind with fieldValidation (the v2 supportsQueryParam), definitions resolve', () => {
    expect(doc['swagger']).toBe('2.0');
    for (const kind of KINDS) {
      const patches = patchOperationsOf(doc['paths'], kind);
      expect(patches.length, kind).toBeGreaterThan(0);
      for (const op of patches) {
        expect(op['parameters'].map((p: Json) => p['name'])).toEqual(expect.arrayContaining(['body', 'fieldValidation']));
        expect(op['consumes']).not.toContain('application/strategic-merge-patch+json');
      }
    }
    const pod = doc['definitions']['io.k8s.api.core.v1.Pod'];
    // No properties: kube-openapi's proto reads it as a map of anything, which client-side validation accepts.
    expect(pod).toEqual({ description: expect.any(String), type: 'object', 'x-kubernetes-group-version-kind': [{ group: '', version: 'v1', kind: 'Pod' }] });
    const refs = JSON.stringify(doc).match(/#\/definitions\/[^"]+/g) ?? [];
    for (const ref of new Set(refs)) expect(doc['definitions'][ref.slice('#/definitions/'.length)], ref).toBeDefined();
  });

  it("acceptsOpenApiV2Json(): kubectl's protobuf-only Accept → false (answer 406)", () => {
    expect(acceptsOpenApiV2Json('application/com.github.proto-openapi.spec.v2@v1.0+protobuf')).toBe(false);
    expect(acceptsOpenApiV2Json('application/json')).toBe(true);
    expect(acceptsOpenApiV2Json('')).toBe(true);
    expect(acceptsOpenApiV2Json('application/json, */*')).toBe(true);
    expect(acceptsOpenApiV2Json('application/json;q=0')).toBe(false);
  });
});
