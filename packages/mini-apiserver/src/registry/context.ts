/** What the registry's verbs share: the store of record, the served resources and their Cachers. */
import type { Cacher } from '@apiserver-kit/cache';
import type { KubeObject } from '@apiserver-kit/codec';
import type { Storage } from '@apiserver-kit/storage';
import type { ResourceInfo } from '../resources.js';
import type { FieldValidationDirective } from './field-validation.js';

/** The state the registry's verbs work on (a server's, or a fake API's). */
export interface RegistryContext {
  readonly storage: Storage;
  readonly resources: readonly ResourceInfo[];
  /** The Cacher of each served resource: every read goes through it. */
  readonly cachers: ReadonlyMap<ResourceInfo, Cacher>;
  /** Randomness of generated names. */
  readonly random: () => number;
}

/** The options every write takes. */
export interface RegistryWriteOptions {
  /** The request's namespace (the URL's); undefined for cluster-scoped kinds. */
  readonly namespace?: string | undefined;
  /** How unknown fields are treated (Kubernetes' `fieldValidation`). @default 'Warn' */
  readonly fieldValidation?: FieldValidationDirective | undefined;
  /** Aborts the storage write (the client went away). */
  readonly signal?: AbortSignal | undefined;
}

/** A write's answer: the stored object and the warnings a `Warn` directive collected. */
export interface RegistryWriteResult {
  readonly object: KubeObject;
  readonly warnings: readonly string[];
}

/** The Cacher of `info`. @throws Error when the context has none (a wiring bug, not a client error). */
export function cacherOf(context: RegistryContext, info: ResourceInfo): Cacher {
  const cacher = context.cachers.get(info);
  if (cacher === undefined) throw new Error(`no cacher for ${info.resource}`);
  return cacher;
}
