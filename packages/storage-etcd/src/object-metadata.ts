/** Metadata stamping of the objects EtcdStorage stores and reads back. */
import type { KubeObject, ObjectMeta } from '@apiserver-kit/codec';

/**
 * A shallow copy of `object` with `metadata` fields replaced; `undefined`
 * values leave a field out.
 */
export function withMetadata(object: KubeObject, meta: ObjectMeta | undefined, fields: Partial<Record<'resourceVersion' | 'uid' | 'creationTimestamp', string | undefined>>): KubeObject {
  const metadata: Record<string, unknown> = { ...meta };
  for (const [field, value] of Object.entries(fields)) {
    if (value === undefined) delete metadata[field];
    else metadata[field] = value;
  }
  return { ...object, metadata };
}
