/**
 * etcd's failures as Kubernetes Statuses. The gRPC client reports an etcd
 * error by its message (`etcdserver: mvcc: required revision has been
 * compacted`), a connection failure by its gRPC code or the client's circuit
 * breaker; Kubernetes' etcd3 store (errors.go interpretListError /
 * interpretWatchError) turns the first into Expired and lets the rest through
 * as server errors. Here an unreachable etcd is ServiceUnavailable 503, so a
 * client retries, and every other unexpected failure InternalError 500.
 */
import { internalError, isStatusError, StatusError } from '@apiserver-kit/codec';

/** etcd's message for a revision below its compaction point (mvcc.ErrCompacted). */
const COMPACTED = 'required revision has been compacted';
/** etcd's message for a revision above its current one (mvcc.ErrFutureRev). */
const FUTURE = 'required revision is a future revision';

/** Whether `error` is etcd's ErrCompacted (a range or watch below the compaction point). */
export function isCompacted(error: unknown): boolean {
  return error instanceof Error && error.message.includes(COMPACTED);
}

/** Whether `error` is etcd's ErrFutureRev (a range at a revision not written yet). */
export function isFutureRevision(error: unknown): boolean {
  return error instanceof Error && error.message.includes(FUTURE);
}

/**
 * Whether `error` means etcd could not be reached or did not answer (as
 * opposed to answering with an error): gRPC UNAVAILABLE, DEADLINE_EXCEEDED,
 * CANCELLED, the client's open circuit breaker, a closed client, a leader
 * election in progress.
 */
export function isUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const name = error.constructor.name;
  if (
    name === 'GRPCUnavailableError' ||
    name === 'GRPCDeadlineExceededError' ||
    name === 'GRPCCancelledError' ||
    name === 'BrokenCircuitError' ||
    name === 'ClientClosedError' ||
    name === 'EtcdWatchStreamEnded' ||
    name === 'TaskCancelledError'
  ) {
    return true;
  }
  const code = (error as { code?: unknown }).code;
  if (code === 14 || code === 4 || code === 1) return true;
  return /no leader|leader changed|request timed out|timed out|ECONNREFUSED|No connection established|Connection pool has no hosts|circuit/i.test(error.message);
}

/**
 * The Status for a failure of a call to etcd: StatusErrors pass through;
 * connection failures are ServiceUnavailable 503 naming the endpoints; anything
 * else is InternalError 500 with etcd's message.
 */
export function toStorageError(error: unknown, endpoints: string): StatusError {
  if (isStatusError(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (isUnavailable(error)) {
    return new StatusError('ServiceUnavailable', `etcd is unavailable (${endpoints}): ${message}`, { cause: error, details: { retryAfterSeconds: 1 } });
  }
  return internalError(`etcd: ${message}`, error);
}
