/**
 * Create, as the generic registry's `Store.Create`: the body checked and
 * decoded, NamespaceLifecycle admission, the strategy's `PrepareForCreate`,
 * `BeforeCreate` (system fields, generateName), validation, then the storage
 * create — retried with a new generated name on a clash.
 */
import { isStatusError } from '@apiserver-kit/codec';
import { type ResourceInfo, storageKey } from '../resources.js';
import { admitNamespace } from './admission.js';
import type { RegistryContext, RegistryWriteOptions, RegistryWriteResult } from './context.js';
import { checkBodyFields } from './field-validation.js';
import { GENERATE_NAME_ATTEMPTS, prepareCreate } from './generate-name.js';
import { asResourceObject, ensureNamespaceMatches } from './object.js';
import { prepareForCreate } from './strategy.js';
import { validateObject } from './validation.js';

/**
 * Creates `body` (a decoded object) in `options.namespace`.
 * @throws StatusError BadRequest 400 (not an object, another kind, a namespace
 *   other than the request's, unknown fields under Strict, a resourceVersion set);
 *   NotFound 404 (the namespace does not exist); Invalid 422 (metadata);
 *   AlreadyExists 409 (the name is taken; a generated name after 8 clashes).
 */
export async function createObject(context: RegistryContext, info: ResourceInfo, body: unknown, options: RegistryWriteOptions = {}): Promise<RegistryWriteResult> {
  const object = asResourceObject(info, body);
  const warnings = checkBodyFields(info, object, options.fieldValidation ?? 'Warn');
  ensureNamespaceMatches(info, object, options.namespace);
  await admitNamespace(context, info, options.namespace);
  prepareForCreate(info, object);
  const namespace = info.namespaced ? (object.metadata['namespace'] as string) : undefined;
  for (let attempt = 1; ; attempt++) {
    const generated = prepareCreate(object, context.random);
    validateObject(info, object);
    try {
      const stored = await context.storage.create(storageKey(info, object.metadata['name'] as string, namespace), object, { signal: options.signal });
      return { object: stored, warnings };
    } catch (error) {
      if (!generated || attempt >= GENERATE_NAME_ATTEMPTS || !isStatusError(error, 'AlreadyExists')) throw error;
      delete object.metadata['name'];
    }
  }
}
