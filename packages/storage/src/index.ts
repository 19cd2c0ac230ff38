// The clock lives in @apiserver-kit/core (shared with cache and flowcontrol); re-exported so that storage's users need not depend on core.
export { FakeClock, monotonicClock, sleep, systemClock } from '@apiserver-kit/core';
export type { Clock, Timer, TimerOptions } from '@apiserver-kit/core';
export { MemoryStorage } from './memory-storage.js';
export type { MemoryStorageOptions } from './memory-storage.js';
export { validateObjectMeta } from './object-meta.js';
// The write checks of a Storage implementation (the conformance suite pins their messages), for other implementations to share.
export { checkAgainst as checkPreconditionsMet, checkObject as checkWrittenObject, checkPreconditions } from './write-checks.js';
export type { NamedMeta } from './write-checks.js';
export { backoffDelay, DEFAULT_RETRY, resolveRetryOptions, retryOnConflict } from './retry.js';
export type { PartialRetryOptions, RetryOnConflictOptions, RetryOptions } from './retry.js';
export type {
  AddedEvent,
  BookmarkEvent,
  CreateOptions,
  DeletedEvent,
  DeleteOptions,
  GuaranteedUpdateOptions,
  ListOptions,
  ListResult,
  ModifiedEvent,
  Preconditions,
  Storage,
  StorageEvent,
  StorageWatch,
  UpdateFunction,
  WatchOptions,
} from './storage.js';
export { keyConflict, keyExists, keyNotFound, objectInvalid, preconditionFailed, resumeRevision, WATCH_OVERFLOW_CAUSE, watchOverflow } from './storage-errors.js';
export { checkPrefix, formatKey, parseKey } from './storage-key.js';
export type { StorageKey } from './storage-key.js';
// The error family the storage raises, re-exported so that callers need not depend on codec to catch it.
export { CONFLICT_MESSAGE, isStatusError, StatusError } from '@apiserver-kit/codec';
export type { KubeObject, StatusReason } from '@apiserver-kit/codec';
