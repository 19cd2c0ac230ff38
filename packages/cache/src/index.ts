export {
  escapeFieldValue,
  FieldSelector,
  fieldSelectorFromSet,
  parseFieldSelector,
} from './field-selector.js';
export type { FieldRequirement, FieldSet, SupportedFields } from './field-selector.js';
export { LabelRequirement, labelRequirement } from './label-requirement.js';
export type { LabelOperator, LabelSet } from './label-requirement.js';
export { LabelSelector, labelSelectorFromSet, parseLabelSelector } from './label-selector.js';
export {
  DNS1123_SUBDOMAIN_MAX_LENGTH,
  LABEL_VALUE_MAX_LENGTH,
  validateDns1123Subdomain,
  validateLabelKey,
  validateLabelValue,
} from './label-validation.js';
export {
  KUBERNETES_SELECTABLE_FIELDS,
  METADATA_SELECTABLE_FIELDS,
  SelectableFields,
  SelectableFieldsRegistry,
} from './selectable-fields.js';
export type { SelectableFieldsDefinition, SelectableFieldsRegistryOptions } from './selectable-fields.js';
export { SelectionPredicate } from './selection-predicate.js';
export type { ObjectAttributes } from './selection-predicate.js';
export { CacheWatcher, watchEventFor } from './cache-watcher.js';
export type { CacheWatcherInit, OfferResult, WatcherSource } from './cache-watcher.js';
export { Cacher } from './cacher.js';
export type {
  CacherGetRequest,
  CacherListRequest,
  CacherListResult,
  CacherOptions,
  CacherQueueSizes,
  CacherRequestScope,
  CacherStats,
  CacherWatchRequest,
} from './cacher.js';
export { listFromStorage } from './cacher-storage.js';
export type { CacherStorage, StorageListRequest } from './cacher-storage.js';
export { BUILT_IN_RESOURCE_KINDS, resolveObjectKind } from './resource-kinds.js';
export type { ObjectKind } from './resource-kinds.js';
export { CacherDispatcher } from './cacher-dispatcher.js';
export type { CacherDispatcherOptions, WatchTrigger } from './cacher-dispatcher.js';
export { writeWatchError, writeWatchResponse } from './cacher-http.js';
export type { WatchResponseOptions, WatchResponseResult } from './cacher-http.js';
export { CacherMetrics, Histogram, LabeledCounter, LabeledGauge } from './cacher-metrics.js';
export { TimeBudget } from './cacher-time-budget.js';
export type { TimeBudgetOptions } from './cacher-time-budget.js';
export type { WatchFanout } from './watch-fanout.js';
export { CONTINUE_TOKEN_VERSION, decodeContinueToken, encodeContinueToken, encodeContinueTokenFrom } from './continue-token.js';
export type { ContinueToken } from './continue-token.js';
export { customIndex, fieldIndex, Indexer, labelIndex, namespaceIndex } from './indexer.js';
export type { IndexDefinition } from './indexer.js';
export { candidates, INDEX_CANDIDATE_COST, MAX_PINNED_VALUES, planList, SCAN } from './list-planner.js';
export type { ListPlan } from './list-planner.js';
export { OrderedStore, StoreEntry, StoreSnapshot } from './ordered-store.js';
export type { EntryChunks } from './ordered-store.js';
export { checkLimit, checkResourceVersionMatch, parseResourceVersion } from './resource-version.js';
export type { ResourceVersionMatch } from './resource-version.js';
export { validateListOptions } from './list-options.js';
export type { ListOptionsToValidate } from './list-options.js';
export { WatchCache } from './watch-cache.js';
export type {
  CacheEvent,
  CacheInput,
  CacheListOptions,
  CacheListResult,
  CacheWatchOptions,
  CapacityResize,
  RevisionSource,
  WatchCacheOptions,
  WatchCacheStats,
} from './watch-cache.js';
export { DEFAULT_CAPACITY, growCapacity, resolveCapacityOptions, shrinkCapacity } from './watch-cache-capacity.js';
export type { CapacityOptions, ResolvedCapacityOptions } from './watch-cache-capacity.js';
export { EventHistory, HistoryEvent } from './watch-cache-history.js';
export type { ChangeType } from './watch-cache-history.js';
// The error family the cache raises, re-exported so that callers need not depend on codec to catch it.
export { isStatusError, StatusError } from '@apiserver-kit/codec';
export type { StatusReason } from '@apiserver-kit/codec';
export { storageListerWatcher } from './lister-watcher.js';
export { cacherListerWatcher } from './cacher-lister-watcher.js';
export type { CacherListerWatcherScope } from './cacher-lister-watcher.js';
export { httpListerWatcher } from './http-lister-watcher.js';
export type { HttpListerWatcherOptions } from './http-lister-watcher.js';
// The HTTP transport under httpListerWatcher, shared with the controller package's API client (one implementation of
// Retry-After handling, Status errors and watch decoding); its contract is what the TSDoc of each says, nothing more.
export { httpRequest, readAll } from './internal/http-request.js';
export type { HttpClientConfig, HttpRequestInit, OkResponse } from './internal/http-request.js';
export { httpWatchEvents } from './internal/http-watch.js';
export type { HttpWatchOptions, RawWatchEvent } from './internal/http-watch.js';
export { acceptFor, decodeBody, isProtobuf } from './internal/http-wire.js';
export type { WireFormat } from './internal/http-wire.js';
export { statusFromResponse } from './internal/http-status.js';
export type { ListerWatcher, SourceEvent, SourceList, SourceWatch, StorageListerWatcherOptions } from './lister-watcher.js';
export { DEFAULT_REFLECTOR_BACKOFF, Reflector, VERY_SHORT_WATCH_MESSAGE, VERY_SHORT_WATCH_MS } from './reflector.js';
export type { ReflectorOptions, ReflectorStats, ReflectorStore } from './reflector.js';
