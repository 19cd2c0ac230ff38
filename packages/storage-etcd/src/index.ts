export { EtcdStorage } from './etcd-storage.js';
export type { EtcdStorageOptions } from './etcd-storage.js';
export { isCompacted, isFutureRevision, isUnavailable, toStorageError } from './etcd-errors.js';
