export { apiVersionOf, CORE_V1_RESOURCES, storageKey, storagePrefix } from './resources.js';
export type { ResourceInfo, ResourceVerb } from './resources.js';
export {
  AGGREGATED_DISCOVERY_CONTENT_TYPE,
  aggregatedDiscovery,
  apiGroupList,
  apiResourceList,
  apiVersions,
  versionInfo,
  wantsAggregatedDiscovery,
} from './discovery.js';
export type {
  APIGroup,
  APIGroupDiscovery,
  APIGroupDiscoveryList,
  APIGroupList,
  APIResource,
  APIResourceDiscovery,
  APISubresourceDiscovery,
  APIResourceList,
  APIVersionDiscovery,
  APIVersions,
  GroupVersionForDiscovery,
  GroupVersionKind,
  VersionInfo,
} from './discovery.js';
export { acceptsOpenApiV2Json, openApiV2, openApiV3Document, openApiV3Paths } from './openapi.js';
export type { OpenApiV3Paths } from './openapi.js';
export { mulberry32, syntheticCluster } from './seed.js';
export type { SeedEntry, SyntheticClusterOptions } from './seed.js';
export { churnPod, startChurn } from './churn.js';
export type { Churn, ChurnOptions, ChurnStats } from './churn.js';
export { applyPatch, MAX_PATCHED_OBJECT_BYTES, PATCH_CONTENT_TYPES } from './patch.js';
export { MAX_JSON_PATCH_COPY_BYTES, MAX_JSON_PATCH_OPERATIONS } from './patch-json-patch.js';
export { humanDuration } from './table-duration.js';
export { toTable } from './table.js';
export type { IncludeObjectPolicy, Table, TableColumnDefinition, TableMeta, TableOptions, TableRow, TableRowCondition } from './table.js';
export { ApiServerMetrics, REQUEST_DURATION_BUCKETS } from './metrics.js';
export type { ApiServerMetricsOptions } from './metrics.js';
export { captureCpuProfile, MAX_PROFILE_SECONDS, MIN_PROFILE_SECONDS } from './debug-profile.js';
export type { CaptureCpuProfileOptions } from './debug-profile.js';
export { DEFAULT_MAX_REQUEST_BODY_BYTES, startApiServer } from './server.js';
export type { ApiServer, ApiServerOptions, SeedObject, SeedOptions } from './server.js';
export type { FlowControlOptions, RequestUser } from './handlers/flow-control.js';
export { kubeconfigFor } from './kubeconfig.js';
export type { KubeconfigOptions } from './kubeconfig.js';
export { serveHealth } from './health.js';
export type { HealthCheck } from './health.js';
export { StorageProbe } from './storage-probe.js';
export type { StorageProbeOptions } from './storage-probe.js';
export { isStoreEmpty, seedIfEmpty } from './seed-storage.js';
export type { SeedIfEmptyOptions, SeedResult } from './seed-storage.js';
export { createFakeApi, FakeApi } from './fake-api.js';
export type { FakeApiOptions } from './fake-api.js';
export { hasStatusSubresource, SUBRESOURCE_VERBS } from './resources.js';
export type { ResourceSubresource } from './resources.js';
