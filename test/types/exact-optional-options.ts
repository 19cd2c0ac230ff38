/**
 * Type fixture (never run): under `exactOptionalPropertyTypes`, every options,
 * request and init type of the public API takes `T | undefined` for its
 * optional properties, so a caller can pass a value that may be unset.
 * `tsc --noEmit -p test/types/tsconfig.json` must exit 0.
 */
import type { FieldError, StatusCause, StatusDetails, StatusErrorOptions, StatusListMeta, TimerOptions } from '@apiserver-kit/core';
import { expired, FakeClock, StatusError } from '@apiserver-kit/core';
import type {
  JsonEncoderOptions,
  ListEncoderOptions,
  NegotiateEncoderOptions,
  ProtobufEncoderOptions,
  ProtobufSchemaRegistryOptions,
  ReadRequestBodyOptions,
  YamlEncoderOptions,
} from '@apiserver-kit/codec';
import { JsonEncoder, negotiateEncoder } from '@apiserver-kit/codec';
import type {
  CreateOptions,
  DeleteOptions,
  GuaranteedUpdateOptions,
  ListOptions,
  MemoryStorageOptions,
  PartialRetryOptions,
  Preconditions,
  RetryOnConflictOptions,
  RetryOptions as StorageRetryOptions,
  WatchOptions,
} from '@apiserver-kit/storage';
import { MemoryStorage, retryOnConflict } from '@apiserver-kit/storage';
import type {
  CacheEvent,
  CacheListOptions,
  CacherDispatcherOptions,
  CacheWatcherInit,
  CacherGetRequest,
  CacherListRequest,
  CacherOptions,
  CacherQueueSizes,
  CacherRequestScope,
  CacherWatchRequest,
  CacheWatchOptions,
  CapacityOptions,
  HttpListerWatcherOptions,
  IndexDefinition,
  ListerWatcher,
  ListOptionsToValidate,
  ReflectorOptions,
  SelectableFieldsDefinition,
  SelectableFieldsRegistryOptions,
  SourceEvent,
  SourceList,
  StorageListerWatcherOptions,
  TimeBudgetOptions,
  WatchCacheOptions,
  WatchResponseOptions,
} from '@apiserver-kit/cache';
import { Cacher, WatchCache } from '@apiserver-kit/cache';
import type {
  AdmitOptions,
  AttributeMatch,
  BackoffOptions,
  CongestionRetryAfterOptions,
  FlowSchema,
  HttpAdmissionOptions,
  LimitRule,
  MaxInFlightOptions,
  MultiLevelLimiterOptions,
  PriorityAndFairnessOptions,
  PriorityLevel,
  RequestAttributes,
  RetryOptions as FlowRetryOptions,
  TokenBucketOptions,
  WaitTimeRetryAfterOptions,
  WorkEstimatorOptions,
} from '@apiserver-kit/flowcontrol';
import { MultiLevelLimiter, PriorityAndFairness, TokenBucket, TooManyRequestsError } from '@apiserver-kit/flowcontrol';
import type {
  ApiServerMetricsOptions,
  ApiServerOptions,
  CaptureCpuProfileOptions,
  ChurnOptions,
  FlowControlOptions,
  KubeconfigOptions,
  SeedOptions,
  SyntheticClusterOptions,
  TableOptions,
} from '@apiserver-kit/mini-apiserver';
import { kubeconfigFor, startApiServer } from '@apiserver-kit/mini-apiserver';

/** The optional keys of `T`. */
type OptionalKeys<T> = { [K in keyof T]-?: {} extends Pick<T, K> ? K : never }[keyof T];
/** The optional keys of `T` that refuse an explicit `undefined` (none, for every type below). */
type RefusingUndefined<T> = { [K in OptionalKeys<T>]: { readonly [P in K]: undefined } extends Pick<T, K> ? never : K }[OptionalKeys<T>];
/** Compiles only when `T` is `never`; the error names the offending keys. */
function none<T extends never>(): T | undefined {
  return undefined;
}

// The check itself works (and the flag is on): a plain optional property refuses `undefined`.
const canary: RefusingUndefined<{ readonly x?: string; readonly y?: string | undefined }> = 'x';

// core
none<RefusingUndefined<TimerOptions>>();
none<RefusingUndefined<StatusErrorOptions>>();
none<RefusingUndefined<StatusDetails>>();
none<RefusingUndefined<StatusCause>>();
none<RefusingUndefined<StatusListMeta>>();
none<RefusingUndefined<FieldError>>();
// codec
none<RefusingUndefined<JsonEncoderOptions>>();
none<RefusingUndefined<YamlEncoderOptions>>();
none<RefusingUndefined<ProtobufEncoderOptions>>();
none<RefusingUndefined<ProtobufSchemaRegistryOptions>>();
none<RefusingUndefined<ListEncoderOptions>>();
none<RefusingUndefined<NegotiateEncoderOptions>>();
none<RefusingUndefined<ReadRequestBodyOptions>>();
// storage
none<RefusingUndefined<MemoryStorageOptions>>();
none<RefusingUndefined<ListOptions>>();
none<RefusingUndefined<WatchOptions>>();
none<RefusingUndefined<CreateOptions>>();
none<RefusingUndefined<GuaranteedUpdateOptions>>();
none<RefusingUndefined<DeleteOptions>>();
none<RefusingUndefined<Preconditions>>();
none<RefusingUndefined<RetryOnConflictOptions>>();
none<RefusingUndefined<PartialRetryOptions>>();
// RetryOptions is the resolved form (every field set); callers give PartialRetryOptions.
none<RefusingUndefined<StorageRetryOptions>>();
// cache
none<RefusingUndefined<CacherOptions>>();
none<RefusingUndefined<CacherQueueSizes>>();
none<RefusingUndefined<CacherRequestScope>>();
none<RefusingUndefined<CacherListRequest>>();
none<RefusingUndefined<CacherWatchRequest>>();
none<RefusingUndefined<CacherGetRequest>>();
none<RefusingUndefined<CacherDispatcherOptions>>();
none<RefusingUndefined<CacheWatcherInit>>();
none<RefusingUndefined<WatchCacheOptions>>();
none<RefusingUndefined<CacheListOptions>>();
none<RefusingUndefined<CacheWatchOptions>>();
none<RefusingUndefined<CacheEvent>>();
none<RefusingUndefined<CapacityOptions>>();
none<RefusingUndefined<TimeBudgetOptions>>();
none<RefusingUndefined<WatchResponseOptions>>();
none<RefusingUndefined<IndexDefinition>>();
none<RefusingUndefined<ListOptionsToValidate>>();
none<RefusingUndefined<SelectableFieldsDefinition>>();
none<RefusingUndefined<SelectableFieldsRegistryOptions>>();
none<RefusingUndefined<HttpListerWatcherOptions>>();
none<RefusingUndefined<StorageListerWatcherOptions>>();
none<RefusingUndefined<ReflectorOptions>>();
none<RefusingUndefined<Parameters<ListerWatcher['list']>[0]>>();
none<RefusingUndefined<Parameters<ListerWatcher['watch']>[0]>>();
none<RefusingUndefined<Extract<SourceEvent, { readonly type: 'ADDED' }>>>();
none<RefusingUndefined<SourceList>>();
// flowcontrol
none<RefusingUndefined<TokenBucketOptions>>();
none<RefusingUndefined<MultiLevelLimiterOptions>>();
none<RefusingUndefined<LimitRule>>();
none<RefusingUndefined<MaxInFlightOptions>>();
none<RefusingUndefined<PriorityAndFairnessOptions>>();
none<RefusingUndefined<PriorityLevel>>();
none<RefusingUndefined<FlowSchema>>();
none<RefusingUndefined<AdmitOptions>>();
none<RefusingUndefined<AttributeMatch>>();
none<RefusingUndefined<RequestAttributes>>();
none<RefusingUndefined<HttpAdmissionOptions>>();
none<RefusingUndefined<CongestionRetryAfterOptions>>();
none<RefusingUndefined<WaitTimeRetryAfterOptions>>();
none<RefusingUndefined<WorkEstimatorOptions>>();
none<RefusingUndefined<BackoffOptions>>();
none<RefusingUndefined<FlowRetryOptions>>();
none<RefusingUndefined<NonNullable<ConstructorParameters<typeof TooManyRequestsError>[2]>>>();
// mini-apiserver
none<RefusingUndefined<ApiServerOptions>>();
none<RefusingUndefined<FlowControlOptions>>();
none<RefusingUndefined<SeedOptions>>();
none<RefusingUndefined<SyntheticClusterOptions>>();
none<RefusingUndefined<ChurnOptions>>();
none<RefusingUndefined<TableOptions>>();
none<RefusingUndefined<ApiServerMetricsOptions>>();
none<RefusingUndefined<CaptureCpuProfileOptions>>();
none<RefusingUndefined<KubeconfigOptions>>();

// The calls of the report that started this: values that may be unset, passed straight through.
declare const labelSelector: string | undefined;
declare const limit: number | undefined;
declare const token: string | undefined;
declare const port: number | undefined;
declare const signal: AbortSignal | undefined;
declare const clock: FakeClock | undefined;
declare const indent: number | undefined;

export async function usage(cacher: Cacher, cache: WatchCache): Promise<void> {
  await cacher.list({ labelSelector, limit, continue: token, signal });
  await cacher.watch({ labelSelector, resourceVersion: token, allowWatchBookmarks: undefined, timeoutSeconds: limit });
  await cacher.get('a', { namespace: token, resourceVersion: token, signal });
  await cache.list({ limit, continue: token, signal });
  const storage = new MemoryStorage({ clock, watchBufferSize: limit, retry: { steps: limit, jitter: undefined } });
  await storage.list('/pods/', { limit, startKey: token });
  storage.watch('/pods/', { fromRevision: limit, signal });
  await storage.guaranteedUpdate('/pods/ns/a', (o) => o!, { retry: { capMs: limit }, ignoreNotFound: undefined, signal });
  await storage.delete('/pods/ns/a', { preconditions: { uid: token, resourceVersion: token }, signal });
  await retryOnConflict(() => 1, { clock, signal });
  new TokenBucket({ ratePerSecond: 1, burst: 1, clock });
  new MultiLevelLimiter({ clock, readOnly: undefined, levels: undefined });
  new PriorityAndFairness({ clock, serverConcurrencyLimit: limit, priorityLevels: [{ name: 'a', queues: limit, handSize: undefined }] });
  new JsonEncoder({ indent });
  negotiateEncoder(undefined, [new JsonEncoder()], { watch: undefined, conversions: undefined });
  new StatusError('NotFound', 'gone', { code: limit, details: { name: token, kind: token } });
  expired('expired', { continue: token });
  kubeconfigFor('http://127.0.0.1:1', { namespace: token, token });
  await startApiServer({ port, host: token, clock, flowControl: { priorityAndFairness: { clock, flowSchemas: undefined } } });
}

export { canary };
