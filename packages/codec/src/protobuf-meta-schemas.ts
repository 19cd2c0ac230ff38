import type { ProtobufPackage } from './protobuf-schema-registry.js';

/*
 * Field tables of the apimachinery messages, with Kubernetes' own field
 * numbers and type names (from k8s.io/apimachinery: pkg/apis/meta/v1,
 * pkg/runtime, pkg/api/resource and pkg/util/intstr generated.proto).
 * Flags follow the Go types: `keep` on pointers and on fields without
 * `omitempty`.
 */

/** `k8s.io.apimachinery.pkg.apis.meta.v1`: ObjectMeta, ListMeta, Status, WatchEvent, Time, … */
export const META_V1_PROTOBUF_PACKAGE: ProtobufPackage = {
  package: 'k8s.io.apimachinery.pkg.apis.meta.v1',
  messages: {
    Duration: [['duration', 1, 'int64']],
    FieldsV1: [['Raw', 1, 'bytes']],
    LabelSelector: [
      ['matchLabels', 1, 'map[string]string'],
      ['matchExpressions', 2, '[]LabelSelectorRequirement'],
    ],
    LabelSelectorRequirement: [
      ['key', 1, 'string', 'keep'],
      ['operator', 2, 'string', 'keep'],
      ['values', 3, '[]string'],
    ],
    ListMeta: [
      ['selfLink', 1, 'string'],
      ['resourceVersion', 2, 'string'],
      ['continue', 3, 'string'],
      ['remainingItemCount', 4, 'int64', 'keep'],
    ],
    ManagedFieldsEntry: [
      ['manager', 1, 'string'],
      ['operation', 2, 'string'],
      ['apiVersion', 3, 'string'],
      ['time', 4, 'Time'],
      ['fieldsType', 6, 'string'],
      ['fieldsV1', 7, 'FieldsV1'],
      ['subresource', 8, 'string'],
    ],
    MicroTime: [
      ['seconds', 1, 'int64'],
      ['nanos', 2, 'int32'],
    ],
    ObjectMeta: [
      ['name', 1, 'string'],
      ['generateName', 2, 'string'],
      ['namespace', 3, 'string'],
      ['selfLink', 4, 'string'],
      ['uid', 5, 'string'],
      ['resourceVersion', 6, 'string'],
      ['generation', 7, 'int64'],
      ['creationTimestamp', 8, 'Time'],
      ['deletionTimestamp', 9, 'Time'],
      ['deletionGracePeriodSeconds', 10, 'int64', 'keep'],
      ['labels', 11, 'map[string]string'],
      ['annotations', 12, 'map[string]string'],
      ['ownerReferences', 13, '[]OwnerReference'],
      ['finalizers', 14, '[]string'],
      ['managedFields', 17, '[]ManagedFieldsEntry'],
    ],
    OwnerReference: [
      ['kind', 1, 'string', 'keep'],
      ['name', 3, 'string', 'keep'],
      ['uid', 4, 'string', 'keep'],
      ['apiVersion', 5, 'string', 'keep'],
      ['controller', 6, 'bool', 'keep'],
      ['blockOwnerDeletion', 7, 'bool', 'keep'],
    ],
    Status: [
      ['metadata', 1, 'ListMeta'],
      ['status', 2, 'string'],
      ['message', 3, 'string'],
      ['reason', 4, 'string'],
      ['details', 5, 'StatusDetails'],
      ['code', 6, 'int32'],
    ],
    StatusCause: [
      ['reason', 1, 'string'],
      ['message', 2, 'string'],
      ['field', 3, 'string'],
    ],
    StatusDetails: [
      ['name', 1, 'string'],
      ['group', 2, 'string'],
      ['kind', 3, 'string'],
      ['causes', 4, '[]StatusCause'],
      ['retryAfterSeconds', 5, 'int32'],
      ['uid', 6, 'string'],
    ],
    Time: [
      ['seconds', 1, 'int64'],
      ['nanos', 2, 'int32'],
    ],
    Timestamp: [
      ['seconds', 1, 'int64'],
      ['nanos', 2, 'int32'],
    ],
    // meta/v1 TypeMeta numbers kind 1, apiVersion 2 (runtime.TypeMeta has them the other way round).
    TypeMeta: [
      ['kind', 1, 'string'],
      ['apiVersion', 2, 'string'],
    ],
    WatchEvent: [
      ['type', 1, 'string', 'keep'],
      ['object', 2, '.k8s.io.apimachinery.pkg.runtime.RawExtension'],
    ],
  },
};

/** `k8s.io.apimachinery.pkg.runtime`: the envelope (Unknown, TypeMeta) and RawExtension. */
export const RUNTIME_PROTOBUF_PACKAGE: ProtobufPackage = {
  package: 'k8s.io.apimachinery.pkg.runtime',
  messages: {
    RawExtension: [['raw', 1, 'bytes']],
    TypeMeta: [
      ['apiVersion', 1, 'string'],
      ['kind', 2, 'string'],
    ],
    Unknown: [
      ['typeMeta', 1, 'TypeMeta'],
      ['raw', 2, 'bytes'],
      ['contentEncoding', 3, 'string'],
      ['contentType', 4, 'string'],
    ],
  },
};

/** `k8s.io.apimachinery.pkg.api.resource`: Quantity. */
export const RESOURCE_PROTOBUF_PACKAGE: ProtobufPackage = {
  package: 'k8s.io.apimachinery.pkg.api.resource',
  messages: {
    Quantity: [['string', 1, 'string']],
  },
};

/** `k8s.io.apimachinery.pkg.util.intstr`: IntOrString. */
export const INTSTR_PROTOBUF_PACKAGE: ProtobufPackage = {
  package: 'k8s.io.apimachinery.pkg.util.intstr',
  messages: {
    IntOrString: [
      ['type', 1, 'int64'],
      ['intVal', 2, 'int32'],
      ['strVal', 3, 'string'],
    ],
  },
};

/** Every apimachinery package above, in dependency order. */
export const APIMACHINERY_PROTOBUF_PACKAGES: readonly ProtobufPackage[] = [
  RUNTIME_PROTOBUF_PACKAGE,
  RESOURCE_PROTOBUF_PACKAGE,
  INTSTR_PROTOBUF_PACKAGE,
  META_V1_PROTOBUF_PACKAGE,
];
