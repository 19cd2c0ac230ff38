/**
 * The discovery documents a Kubernetes client reads before anything else:
 * `/version`, the legacy `/api` and `/apis` roots, the per-group-version
 * resource lists (`/api/v1`), and aggregated discovery (`apidiscovery.k8s.io/v2`)
 * that answers `/api` and `/apis` with every resource in one round trip.
 *
 * Every document is built from the {@link ResourceInfo} registry, so a
 * resource added there is discovered without touching this file. The
 * builders are pure and cheap (a few objects per resource); a host may build
 * each document once at start-up and serve the same bytes.
 */
import { type ResourceInfo, SUBRESOURCE_VERBS } from './resources.js';

/** `/version`: the `version.Info` of `k8s.io/apimachinery/pkg/version`. */
export interface VersionInfo {
  readonly major: string;
  readonly minor: string;
  readonly gitVersion: string;
  readonly gitCommit: string;
  readonly gitTreeState: string;
  readonly buildDate: string;
  readonly goVersion: string;
  readonly compiler: string;
  readonly platform: string;
}

/** `/api`: `metav1.APIVersions`. */
export interface APIVersions {
  readonly kind: 'APIVersions';
  readonly versions: readonly string[];
  readonly serverAddressByClientCIDRs: readonly { readonly clientCIDR: string; readonly serverAddress: string }[];
}

/** One version of a group, as `/apis` lists it: `metav1.GroupVersionForDiscovery`. */
export interface GroupVersionForDiscovery {
  readonly groupVersion: string;
  readonly version: string;
}

/** One group of `/apis`: `metav1.APIGroup`. */
export interface APIGroup {
  readonly name: string;
  readonly versions: readonly GroupVersionForDiscovery[];
  readonly preferredVersion: GroupVersionForDiscovery;
}

/** `/apis`: `metav1.APIGroupList`. */
export interface APIGroupList {
  readonly kind: 'APIGroupList';
  readonly apiVersion: 'v1';
  readonly groups: readonly APIGroup[];
}

/** One resource of `/api/v1`: `metav1.APIResource`. */
export interface APIResource {
  readonly name: string;
  readonly singularName: string;
  readonly namespaced: boolean;
  readonly kind: string;
  readonly verbs: readonly string[];
  readonly shortNames?: readonly string[];
  readonly categories?: readonly string[];
  /** Absent for a subresource (`pods/status`), as Kubernetes lists them. */
  readonly storageVersionHash?: string;
}

/** `/api/v1`, `/apis/<group>/<version>`: `metav1.APIResourceList`. */
export interface APIResourceList {
  readonly kind: 'APIResourceList';
  readonly apiVersion: 'v1';
  readonly groupVersion: string;
  readonly resources: readonly APIResource[];
}

/** `metav1.GroupVersionKind`, as aggregated discovery's `responseKind` carries it. */
export interface GroupVersionKind {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
}

/** `apidiscovery/v2.APISubresourceDiscovery`: a subresource (`status`) of a resource in aggregated discovery. */
export interface APISubresourceDiscovery {
  readonly subresource: string;
  readonly responseKind: GroupVersionKind;
  readonly verbs: readonly string[];
}

/** `apidiscovery/v2.APIResourceDiscovery`. */
export interface APIResourceDiscovery {
  readonly resource: string;
  readonly responseKind: GroupVersionKind;
  readonly scope: 'Namespaced' | 'Cluster';
  readonly singularResource: string;
  readonly verbs: readonly string[];
  readonly shortNames?: readonly string[];
  readonly categories?: readonly string[];
  /** Omitted when there are none. */
  readonly subresources?: readonly APISubresourceDiscovery[];
}

/** `apidiscovery/v2.APIVersionDiscovery`. */
export interface APIVersionDiscovery {
  readonly version: string;
  readonly resources: readonly APIResourceDiscovery[];
  readonly freshness: 'Current';
}

/** `apidiscovery/v2.APIGroupDiscovery`; the core group's `metadata.name` is absent (`""`). */
export interface APIGroupDiscovery {
  readonly metadata: { readonly name?: string };
  readonly versions: readonly APIVersionDiscovery[];
}

/** `apidiscovery/v2.APIGroupDiscoveryList`, the answer of `/api` or `/apis` in aggregated form. */
export interface APIGroupDiscoveryList {
  readonly kind: 'APIGroupDiscoveryList';
  readonly apiVersion: 'apidiscovery.k8s.io/v2';
  readonly metadata: Readonly<Record<string, never>>;
  readonly items: readonly APIGroupDiscovery[];
}

/**
 * The Kubernetes minor version the host reports. kubectl on many machines
 * (Google Cloud SDK's) is a dispatcher that reads `/version` and runs the
 * bundled kubectl of the server's minor version (1.27–1.33 on this project's
 * CI machine); 1.32 is the middle of that range and the version every real
 * client test runs against.
 */
const KUBERNETES_MINOR = '32';

/** Go's names for the CPU architectures Node reports differently. */
const GO_ARCH: Readonly<Record<string, string>> = { x64: 'amd64', ia32: '386', arm64: 'arm64', arm: 'arm', ppc64: 'ppc64le', s390x: 's390x' };

/**
 * The body of `GET /version`: the Kubernetes version the host speaks (1.32),
 * marked as this kit's build in `gitVersion` (`v1.32.0-apiserver-kit`), and
 * the Node.js runtime where Kubernetes reports Go's (`goVersion`).
 */
export function versionInfo(): VersionInfo {
  return {
    major: '1',
    minor: KUBERNETES_MINOR,
    gitVersion: `v1.${KUBERNETES_MINOR}.0-apiserver-kit`,
    gitCommit: '',
    gitTreeState: 'clean',
    buildDate: '1970-01-01T00:00:00Z',
    goVersion: `node${process.versions.node}`,
    compiler: 'tsc',
    platform: `${process.platform}/${GO_ARCH[process.arch] ?? process.arch}`,
  };
}

/**
 * The body of `GET /api` in legacy (unaggregated) discovery: the core group's
 * one version, `v1`, and the address clients reach the server at.
 *
 * @param serverAddress `host:port` clients should use (the request's `Host`).
 */
export function apiVersions(serverAddress: string): APIVersions {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

/** The named groups of `resources` and their versions, in first-seen order (the core group excluded). */
function namedGroups(resources: readonly ResourceInfo[]): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const info of resources) {
    if (info.group === '') continue;
    const versions = groups.get(info.group) ?? [];
    if (!versions.includes(info.version)) versions.push(info.version);
    groups.set(info.group, versions);
  }
  return groups;
}

/**
 * The body of `GET /apis` in legacy discovery: every named group of
 * `resources` with its versions, the first one preferred. A host that serves
 * only the core group answers with an empty `groups` list, as clients expect
 * (client-go's `downloadAPIs` fails on a 404 here, unlike on `/api`).
 */
export function apiGroupList(resources: readonly ResourceInfo[]): APIGroupList {
  const groups: APIGroup[] = [];
  for (const [name, versions] of namedGroups(resources)) {
    const list = versions.map((version) => ({ groupVersion: `${name}/${version}`, version }));
    groups.push({ name, versions: list, preferredVersion: list[0]! });
  }
  return { kind: 'APIGroupList', apiVersion: 'v1', groups };
}

/**
 * A stable digest of a resource's storage identity, in the shape of
 * Kubernetes' `storageVersionHash` (8 bytes, base64). Kubernetes hashes the
 * group, version and kind objects are stored as; clients (the storage version
 * migrator) only compare it for equality, so FNV-1a over the same triple
 * gives them what they need.
 */
function storageVersionHash(info: ResourceInfo): string {
  let hash = 0xcbf29ce484222325n;
  for (const byte of new TextEncoder().encode(`${info.group}/${info.version}/${info.kind}`)) {
    hash ^= BigInt(byte);
    hash = (hash * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setBigUint64(0, hash);
  return Buffer.from(bytes).toString('base64');
}

/**
 * The body of `GET /api/v1` (or `/apis/<group>/<version>`): the resources of
 * one group version. An unknown group version gives an empty list: a host
 * routes only the group versions it serves here and answers 404 for others.
 */
export function apiResourceList(resources: readonly ResourceInfo[], group: string, version: string): APIResourceList {
  const list: APIResource[] = [];
  for (const info of resources) {
    if (info.group !== group || info.version !== version) continue;
    list.push({
      name: info.resource,
      singularName: info.singular,
      namespaced: info.namespaced,
      kind: info.kind,
      verbs: [...info.verbs],
      // Omitted when empty, as Go's `omitempty` does.
      ...(info.shortNames.length > 0 ? { shortNames: [...info.shortNames] } : {}),
      ...(info.categories.length > 0 ? { categories: [...info.categories] } : {}),
      storageVersionHash: storageVersionHash(info),
    });
    // Each subresource follows its resource (`pods`, `pods/status`), as Kubernetes lists them: no singular name, no hash.
    for (const subresource of info.subresources ?? []) {
      list.push({ name: `${info.resource}/${subresource}`, singularName: '', namespaced: info.namespaced, kind: info.kind, verbs: [...SUBRESOURCE_VERBS] });
    }
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: group === '' ? version : `${group}/${version}`, resources: list };
}

function resourceDiscovery(info: ResourceInfo): APIResourceDiscovery {
  return {
    resource: info.resource,
    responseKind: { group: info.group, version: info.version, kind: info.kind },
    scope: info.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: info.singular,
    verbs: [...info.verbs],
    ...(info.shortNames.length > 0 ? { shortNames: [...info.shortNames] } : {}),
    ...(info.categories.length > 0 ? { categories: [...info.categories] } : {}),
    ...((info.subresources ?? []).length > 0
      ? {
          subresources: (info.subresources ?? []).map((subresource) => ({
            subresource,
            responseKind: { group: info.group, version: info.version, kind: info.kind },
            verbs: [...SUBRESOURCE_VERBS],
          })),
        }
      : {}),
  };
}

function groupDiscovery(resources: readonly ResourceInfo[], group: string, versions: readonly string[]): APIGroupDiscovery {
  return {
    metadata: group === '' ? {} : { name: group },
    versions: versions.map((version) => ({
      version,
      resources: resources.filter((info) => info.group === group && info.version === version).map(resourceDiscovery),
      freshness: 'Current',
    })),
  };
}

/**
 * The body of `GET /api` or `GET /apis` in aggregated discovery
 * (`apidiscovery.k8s.io/v2`), served with {@link AGGREGATED_DISCOVERY_CONTENT_TYPE}
 * to a client that asks for it (see {@link wantsAggregatedDiscovery}). `'api'`
 * holds the core group (one item, no name), `'apis'` every named group (no
 * items when there are none). Every resource carries its `responseKind`:
 * client-go's `convertAPIResource` drops a resource without one.
 *
 * Serve both roots in the same form: client-go keeps the resources only when
 * both `/api` and `/apis` answered aggregated (`GroupsAndMaybeResources`).
 */
export function aggregatedDiscovery(resources: readonly ResourceInfo[], which: 'api' | 'apis'): APIGroupDiscoveryList {
  const items: APIGroupDiscovery[] = [];
  if (which === 'api') {
    const versions = [...new Set(resources.filter((info) => info.group === '').map((info) => info.version))];
    if (versions.length > 0) items.push(groupDiscovery(resources, '', versions));
  } else {
    for (const [group, versions] of namedGroups(resources)) items.push(groupDiscovery(resources, group, versions));
  }
  return { kind: 'APIGroupDiscoveryList', apiVersion: 'apidiscovery.k8s.io/v2', metadata: {}, items };
}

/**
 * The `Content-Type` of an aggregated discovery answer. client-go decides by
 * this header alone (`ContentTypeIsGVK`) whether `/api` and `/apis` came back
 * aggregated; a plain `application/json` means legacy discovery.
 */
export const AGGREGATED_DISCOVERY_CONTENT_TYPE = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';

/**
 * Whether an `Accept` header asks for aggregated discovery v2: a JSON media
 * range with parameters `g=apidiscovery.k8s.io`, `v=v2`,
 * `as=APIGroupDiscoveryList`, in any order, as kubectl sends it
 * (`application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,
 * application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,
 * application/json`). Ranges count in the order given, as Kubernetes'
 * negotiation takes them (kubectl lists them by preference and sends no `q`):
 * a plain JSON or wildcard range before the v2 one means legacy discovery is
 * preferred; a `q=0` range is skipped. Only v2 is served: a client asking for
 * v2beta1 alone gets legacy discovery, which it takes through its
 * `application/json` fallback.
 */
export function wantsAggregatedDiscovery(accept: string): boolean {
  for (const range of accept.split(',')) {
    const [type, ...parameters] = range.split(';');
    const mediaType = type?.trim().toLowerCase() ?? '';
    const params = new Map<string, string>();
    for (const parameter of parameters) {
      const eq = parameter.indexOf('=');
      if (eq < 0) continue;
      params.set(parameter.slice(0, eq).trim().toLowerCase(), parameter.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1'));
    }
    if (params.get('q') !== undefined && Number(params.get('q')) === 0) continue;
    const wildcard = mediaType === '*/*' || mediaType === 'application/*';
    if (mediaType !== 'application/json' && !wildcard) continue;
    const asKind = params.get('as');
    // A range without `as` is the plain representation: legacy discovery.
    if (asKind === undefined) return false;
    if (!wildcard && params.get('g') === 'apidiscovery.k8s.io' && params.get('v') === 'v2' && asKind === 'APIGroupDiscoveryList') return true;
  }
  return false;
}
