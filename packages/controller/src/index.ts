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
