export { ApiClientBase } from './api-client.js';
export type {
  ApiClient,
  DeleteOptions,
  GetOptions,
  ListerWatcherScope,
  ListOptions,
  ObjectList,
  PatchType,
  ResourceClient,
  WatchEvent,
  WatchOptions,
  WatchStream,
  WriteOptions,
} from './api-client.js';
export { apiVersionOfType, CONFIG_MAPS, NAMESPACES, NODES, PODS, resourceId, resourceType } from './resource-types.js';
export type { ResourceType } from './resource-types.js';
export { WriteLedger } from './write-ledger.js';
export type { WriteLedgerOptions, WriteRecord } from './write-ledger.js';
export { connect } from './http-api.js';
export type { ConnectOptions, HttpApiClient } from './http-api.js';
export { defaultKubeconfigPath, loadKubeconfig } from './kubeconfig.js';
export type { Kubeconfig, KubeconfigTls, LoadKubeconfigOptions } from './kubeconfig.js';
export { DeletedFinalStateUnknown, deletedObject } from './informer-handler.js';
export type { EventHandler, HandlerRegistration } from './informer-handler.js';
export { Informer, MINIMUM_RESYNC_PERIOD_MS } from './informer.js';
export type { AddEventHandlerOptions, InformerOptions } from './informer.js';
export { Lister } from './lister.js';
export type { ListerListOptions } from './lister.js';
export { SharedInformerFactory } from './shared-informer-factory.js';
export type { InformerForOptions, SettleOptions, SharedInformerFactoryOptions } from './shared-informer-factory.js';
export { waitForCacheSync } from './settle.js';
export type { Syncable } from './settle.js';
export { WorkQueue } from './work-queue.js';
export type { WorkQueueOptions, WorkQueueRunOptions, WorkQueueWorker } from './work-queue.js';
export type { WorkQueueMetrics } from './work-queue-metrics.js';
export { defaultControllerRateLimiter } from './rate-limiter.js';
export type { DefaultControllerRateLimiterOptions, RateLimiter } from './rate-limiter.js';
export { BucketRateLimiter } from './rate-limiter-bucket.js';
export type { BucketRateLimiterOptions } from './rate-limiter-bucket.js';
export { ItemExponentialFailureRateLimiter } from './rate-limiter-exponential.js';
export type { ItemExponentialFailureRateLimiterOptions } from './rate-limiter-exponential.js';
export { ItemFastSlowRateLimiter } from './rate-limiter-fast-slow.js';
export type { ItemFastSlowRateLimiterOptions } from './rate-limiter-fast-slow.js';
export { MaxOfRateLimiter } from './rate-limiter-max-of.js';
export { WithMaxWaitRateLimiter } from './rate-limiter-max-wait.js';
// The error family every client call rejects with, re-exported so that a controller can narrow errors without another dependency.
export { isStatusError, StatusError } from '@apiserver-kit/codec';
export type { StatusReason } from '@apiserver-kit/codec';
