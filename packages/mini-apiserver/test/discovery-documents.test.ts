/**
 * The discovery documents, checked against the shapes client-go decodes
 * (`metav1.APIResourceList`, `apidiscovery/v2.APIGroupDiscoveryList` through
 * `SplitGroupsAndResources`) and @kubernetes/client-node's models.
 */
import { V1APIResource, V1APIResourceList, V1APIVersions, VersionInfo } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import {
  AGGREGATED_DISCOVERY_CONTENT_TYPE,
  aggregatedDiscovery,
  apiGroupList,
  apiResourceList,
  apiVersions,
  versionInfo,
  wantsAggregatedDiscovery,
} from '../src/discovery.js';
import { CORE_V1_RESOURCES, type ResourceInfo } from '../src/resources.js';

const KUBECTL_ACCEPT =
  'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json';

const DEPLOYMENTS: ResourceInfo = {
  group: 'apps',
  version: 'v1',
  resource: 'deployments',
  singular: 'deployment',
  kind: 'Deployment',
  listKind: 'DeploymentList',
  namespaced: true,
  shortNames: ['deploy'],
  categories: ['all'],
  verbs: ['get', 'list'],
};

/** The JSON field names of a client-node model. */
function fieldsOf(model: { getAttributeTypeMap(): { baseName: string }[] }): string[] {
  return [...model.getAttributeTypeMap().map((a) => a.baseName), 'apiVersion', 'kind'];
}

describe('versionInfo()', () => {
  it('reports Kubernetes 1.32 so that the kubectl dispatcher picks its bundled 1.32', () => {
    const info = versionInfo();
    expect(info).toMatchObject({ major: '1', minor: '32', gitVersion: 'v1.32.0-apiserver-kit', gitTreeState: 'clean' });
    expect(info.platform).toMatch(/^[a-z0-9]+\/[a-z0-9]+$/);
    // Every field of client-node's VersionInfo model, required or not, and nothing else.
    expect(Object.keys(info).every((key) => fieldsOf(VersionInfo).includes(key))).toBe(true);
    for (const field of ['buildDate', 'compiler', 'gitCommit', 'gitTreeState', 'gitVersion', 'goVersion', 'major', 'minor', 'platform']) {
      expect(typeof (info as unknown as Record<string, unknown>)[field], field).toBe('string');
    }
  });
});

describe('apiVersions() / apiGroupList()', () => {
  it('/api lists v1 with the server address', () => {
    expect(Object.keys(apiVersions('x')).every((key) => fieldsOf(V1APIVersions).includes(key))).toBe(true);
    expect(apiVersions('127.0.0.1:8080')).toEqual({
      kind: 'APIVersions',
      versions: ['v1'],
      serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1:8080' }],
    });
  });

  it('/apis is an empty group list for a core-only host', () => {
    expect(apiGroupList(CORE_V1_RESOURCES)).toEqual({ kind: 'APIGroupList', apiVersion: 'v1', groups: [] });
  });

  it('/apis lists a named group with its preferred version', () => {
    expect(apiGroupList([...CORE_V1_RESOURCES, DEPLOYMENTS]).groups).toEqual([
      { name: 'apps', versions: [{ groupVersion: 'apps/v1', version: 'v1' }], preferredVersion: { groupVersion: 'apps/v1', version: 'v1' } },
    ]);
  });
});

describe('apiResourceList()', () => {
  it('/api/v1 describes every core resource as metav1.APIResource', () => {
    const list = apiResourceList(CORE_V1_RESOURCES, '', 'v1');
    expect(list).toMatchObject({ kind: 'APIResourceList', apiVersion: 'v1', groupVersion: 'v1' });
    // Each status subresource follows its resource, as Kubernetes lists them.
    expect(list.resources.map((r) => r.name)).toEqual(['configmaps', 'namespaces', 'namespaces/status', 'nodes', 'nodes/status', 'pods', 'pods/status']);
    expect(list.resources.find((r) => r.name === 'pods/status')).toEqual({ name: 'pods/status', singularName: '', namespaced: true, kind: 'Pod', verbs: ['get', 'patch', 'update'] });
    const pods = list.resources.find((r) => r.name === 'pods')!;
    expect(pods).toMatchObject({ singularName: 'pod', namespaced: true, kind: 'Pod', shortNames: ['po'], categories: ['all'] });
    expect(pods.verbs).toEqual(['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch']);
    expect(pods.storageVersionHash).toMatch(/^[A-Za-z0-9+/]{11}=$/);
    // Omitted, not empty, as Go's omitempty: configmaps have no categories.
    expect('categories' in list.resources.find((r) => r.name === 'configmaps')!).toBe(false);
    // Field names as client-node's generated models spell them.
    expect(Object.keys(list).every((key) => fieldsOf(V1APIResourceList).includes(key))).toBe(true);
    for (const resource of list.resources) expect(Object.keys(resource).every((key) => fieldsOf(V1APIResource).includes(key))).toBe(true);
  });

  it('an unserved group version is an empty list', () => {
    expect(apiResourceList(CORE_V1_RESOURCES, 'apps', 'v1')).toMatchObject({ groupVersion: 'apps/v1', resources: [] });
  });
});

describe('aggregatedDiscovery()', () => {
  it("'api' holds the core group, unnamed, with responseKind and scope per resource", () => {
    const list = aggregatedDiscovery(CORE_V1_RESOURCES, 'api');
    expect(list).toMatchObject({ kind: 'APIGroupDiscoveryList', apiVersion: 'apidiscovery.k8s.io/v2', metadata: {} });
    expect(list.items).toHaveLength(1);
    const group = list.items[0]!;
    expect(group.metadata).toEqual({});
    expect(group.versions.map((v) => [v.version, v.freshness])).toEqual([['v1', 'Current']]);
    const nodes = group.versions[0]!.resources.find((r) => r.resource === 'nodes')!;
    expect(nodes).toEqual({
      resource: 'nodes',
      responseKind: { group: '', version: 'v1', kind: 'Node' },
      scope: 'Cluster',
      singularResource: 'node',
      verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
      shortNames: ['no'],
      subresources: [{ subresource: 'status', responseKind: { group: '', version: 'v1', kind: 'Node' }, verbs: ['get', 'patch', 'update'] }],
    });
    expect('subresources' in group.versions[0]!.resources.find((r) => r.resource === 'configmaps')!).toBe(false);
    expect(group.versions[0]!.resources.find((r) => r.resource === 'pods')!.scope).toBe('Namespaced');
  });

  it("'apis' has no items for a core-only host, and one per named group otherwise", () => {
    expect(aggregatedDiscovery(CORE_V1_RESOURCES, 'apis').items).toEqual([]);
    const apps = aggregatedDiscovery([...CORE_V1_RESOURCES, DEPLOYMENTS], 'apis').items;
    expect(apps.map((g) => g.metadata.name)).toEqual(['apps']);
    expect(apps[0]!.versions[0]!.resources[0]!.responseKind).toEqual({ group: 'apps', version: 'v1', kind: 'Deployment' });
  });
});

describe('wantsAggregatedDiscovery()', () => {
  it("kubectl's Accept (v2 first) → true, and the content type is client-go's ContentTypeIsGVK match", () => {
    expect(wantsAggregatedDiscovery(KUBECTL_ACCEPT)).toBe(true);
    expect(AGGREGATED_DISCOVERY_CONTENT_TYPE).toBe('application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList');
  });

  it('parameters in any order, with spaces → true', () => {
    expect(wantsAggregatedDiscovery('application/json; as=APIGroupDiscoveryList; v=v2; g=apidiscovery.k8s.io')).toBe(true);
  });

  it('plain JSON, JSON first, v2beta1 only, q=0, or other types → false', () => {
    expect(wantsAggregatedDiscovery('application/json')).toBe(false);
    expect(wantsAggregatedDiscovery('')).toBe(false);
    expect(wantsAggregatedDiscovery('*/*')).toBe(false);
    expect(wantsAggregatedDiscovery(`application/json,${KUBECTL_ACCEPT}`)).toBe(false);
    expect(wantsAggregatedDiscovery('application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json')).toBe(false);
    expect(wantsAggregatedDiscovery('application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList;q=0,application/json')).toBe(false);
    expect(wantsAggregatedDiscovery('application/yaml;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList')).toBe(false);
  });
});
