/**
 * What Kubernetes' registry strategies do to an object before it is
 * written, for the served kinds: `BeforeCreate`/`BeforeUpdate`'s system
 * fields, `podStrategy.PrepareForCreate`'s initial status, and the status
 * subresource's split — the main resource's `PrepareForUpdate` keeps the
 * stored `status` (podStrategy, nodeStrategy, namespaceStrategy, which also
 * keeps `spec.finalizers`), the status
 * strategy's keeps the stored `spec` (podStatusStrategy also the owner
 * references and deletionTimestamp, and backfills `qosClass`).
 */
import type { KubeObject } from '@apiserver-kit/codec';
import { initialPodStatus } from '../pod-status.js';
import { hasStatusSubresource, type ResourceInfo } from '../resources.js';
import type { MutableObject } from './object.js';

function isPods(info: ResourceInfo): boolean {
  return info.group === '' && info.resource === 'pods';
}

function isEmptyStatus(status: unknown): boolean {
  return status === undefined || status === null || (typeof status === 'object' && Object.keys(status).length === 0);
}

/** Copies `field` of `from` into `into`, or removes it from `into` when `from` has none. */
function copyField(into: Record<string, unknown>, from: Readonly<Record<string, unknown>>, field: string): void {
  if (from[field] === undefined) delete into[field];
  else into[field] = structuredClone(from[field]);
}

/**
 * `podStrategy.PrepareForCreate`: a new pod is Pending with its QoS class.
 * Kubernetes replaces any status sent; here one sent is kept, since no
 * kubelet runs to set it later (tests and benchmarks create Running pods).
 * The status subresource (`updateStatus`) is the Kubernetes way to set it after.
 */
export function prepareForCreate(info: ResourceInfo, object: MutableObject): void {
  if (isPods(info) && isEmptyStatus(object['status'])) object['status'] = initialPodStatus(object['spec']);
}

/**
 * What `BeforeUpdate` does: fields the server owns come from the stored
 * object (uid, creationTimestamp), so a client cannot change them.
 */
export function keepSystemFields(object: MutableObject, current: KubeObject): void {
  const stored = (current.metadata ?? {}) as Readonly<Record<string, unknown>>;
  for (const field of ['uid', 'creationTimestamp']) copyField(object.metadata, stored, field);
}

/**
 * The main resource's `PrepareForUpdate` (PUT or PATCH of `/pods/{name}`):
 * for a kind with a status subresource the stored `status` stays
 * (`newPod.Status = oldPod.Status`); a namespace also keeps its stored
 * `spec.finalizers` (namespaceStrategy: only `/finalize`, not served here,
 * changes them); other kinds take the object as sent.
 */
export function prepareForUpdate(info: ResourceInfo, object: MutableObject, current: KubeObject): void {
  if (hasStatusSubresource(info)) copyField(object, current, 'status');
  if (info.group === '' && info.resource === 'namespaces') {
    const storedSpec = isRecord(current['spec']) ? current['spec'] : {};
    const spec = isRecord(object['spec']) ? { ...object['spec'] } : {};
    copyField(spec, storedSpec, 'finalizers');
    if (Object.keys(spec).length > 0 || object['spec'] !== undefined) object['spec'] = spec;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The status strategy's `PrepareForUpdate` (PUT or PATCH of
 * `/pods/{name}/status`): the stored `spec` stays, so only `status` and the
 * metadata Kubernetes lets through (labels, annotations, finalizers) change.
 * For pods (`podStatusStrategy`) the owner references and
 * deletionTimestamp stay too, and an empty `qosClass` takes the stored one.
 */
export function prepareForStatusUpdate(info: ResourceInfo, object: MutableObject, current: KubeObject): void {
  copyField(object, current, 'spec');
  if (!isPods(info)) return;
  const stored = (current.metadata ?? {}) as Readonly<Record<string, unknown>>;
  copyField(object.metadata, stored, 'ownerReferences');
  copyField(object.metadata, stored, 'deletionTimestamp');
  const status = object['status'];
  const storedQos = (current['status'] as Record<string, unknown> | undefined)?.['qosClass'];
  if (storedQos === undefined) return;
  if (typeof status !== 'object' || status === null || Array.isArray(status)) {
    object['status'] = { qosClass: storedQos };
  } else if ((status as Record<string, unknown>)['qosClass'] === undefined || (status as Record<string, unknown>)['qosClass'] === '') {
    (status as Record<string, unknown>)['qosClass'] = storedQos;
  }
}
