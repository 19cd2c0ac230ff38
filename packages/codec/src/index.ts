export { CachingObject, encodedBytes, encodeTo } from './caching-object.js';
export type { Encodable } from './caching-object.js';
export { deepFreeze, isCanonicalFrozen, MAX_OBJECT_DEPTH } from './deep-freeze.js';
export type { Codec, Decoder, Encoder, ListFraming, WatchEventType, WatchFraming } from './encoder.js';
export { JsonEncoder } from './json-encoder.js';
export type { JsonEncoderOptions } from './json-encoder.js';
export { ListEncoder } from './list-encoder.js';
export type { ListEncoderOptions } from './list-encoder.js';
export { negotiateDecoder, negotiateEncoder, parseAccept, parseMediaType } from './negotiation.js';
export type { MediaRange, NegotiatedEncoder, NegotiateEncoderOptions } from './negotiation.js';
export type { KubeObject, ListHeader, ListMeta, ObjectMeta, ObjectMetaShape, ObjectShape, Stored } from './object.js';
export { CORE_V1_PROTOBUF_PACKAGE, defaultProtobufSchemas } from './protobuf-core-schemas.js';
export { ProtobufEncoder } from './protobuf-encoder.js';
export type { ProtobufEncoderOptions } from './protobuf-encoder.js';
export {
  APIMACHINERY_PROTOBUF_PACKAGES,
  INTSTR_PROTOBUF_PACKAGE,
  META_V1_PROTOBUF_PACKAGE,
  RESOURCE_PROTOBUF_PACKAGE,
  RUNTIME_PROTOBUF_PACKAGE,
} from './protobuf-meta-schemas.js';
export { ProtobufSchemaRegistry } from './protobuf-schema-registry.js';
export type {
  ProtobufFieldDefinition,
  ProtobufFieldFlag,
  ProtobufKind,
  ProtobufPackage,
  ProtobufSchemaRegistryOptions,
} from './protobuf-schema-registry.js';
export { readRequestBody } from './request-body.js';
export type { ReadRequestBodyOptions } from './request-body.js';
export { encodeToBuffer, SpliceBuffer } from './splice-buffer.js';
export { toStatusError, writeStatusResponse } from './status-response.js';
export type { Sink } from './splice-buffer.js';
// The StatusError family lives in @apiserver-kit/core (flowcontrol's 429 is one too); codec re-exports it whole, so its users need not depend on core.
export {
  alreadyExists,
  badRequest,
  conflict,
  CONFLICT_MESSAGE,
  CONTINUE_EXPIRED_MESSAGE,
  expired,
  fieldErrorBody,
  INCONSISTENT_CONTINUE_MESSAGE,
  internalError,
  invalid,
  isStatusError,
  LIST_TOO_OLD_MESSAGE,
  notAcceptable,
  notFound,
  requestEntityTooLarge,
  STATUS_REASONS,
  StatusError,
  timeout,
  tooLargeResourceVersion,
  tooManyRequests,
  tooOldResourceVersion,
  unsupportedMediaType,
  WATCH_TOO_OLD_MESSAGE,
} from '@apiserver-kit/core';
export type { FieldError, FieldErrorType, Status, StatusCause, StatusDetails, StatusErrorOptions, StatusListMeta, StatusReason } from '@apiserver-kit/core';
export { bookmarkObject, CachingWatchEvent, errorEvent, INITIAL_EVENTS_END_ANNOTATION, WatchEventEncoder } from './watch-event.js';
export { drainTo, writeChunks } from './write-chunks.js';
export { YAML_EXPANSION_FACTOR, YAML_EXPANSION_SLACK_BYTES, YamlEncoder } from './yaml-encoder.js';
export type { YamlEncoderOptions } from './yaml-encoder.js';
