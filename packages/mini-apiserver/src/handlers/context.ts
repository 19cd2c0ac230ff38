/** What the handlers of one server share: built once by `startApiServer`, never module-level. */
import type { Cacher } from '@apiserver-kit/cache';
import type { Clock } from '@apiserver-kit/core';
import type { Storage } from '@apiserver-kit/storage';
import type { Registry } from '../registry/registry.js';
import type { ResourceInfo } from '../resources.js';
import type { Codecs } from './codecs.js';

/** The shared state of one server's handlers. */
export interface ServerContext {
  readonly storage: Storage;
  readonly clock: Clock;
  readonly resources: readonly ResourceInfo[];
  /** The Cacher of each served resource: every read goes through it. */
  readonly cachers: ReadonlyMap<ResourceInfo, Cacher>;
  readonly codecs: Codecs;
  /** Every verb's logic (the handlers only parse, decode, call it and encode). */
  readonly registry: Registry;
  /** The largest request body accepted, in bytes. */
  readonly maxRequestBodyBytes: number;
  /** Watches without `timeoutSeconds` end after a random time in [min, 2·min) seconds (Kubernetes' `--min-request-timeout`, 1800). */
  readonly minRequestTimeoutSeconds: number;
  /** Jitter source (watch timeouts, generated names). */
  readonly random: () => number;
}
