import { describe, expect, it } from 'vitest';
import { defaultProtobufSchemas, encodeToBuffer, isStatusError, ProtobufEncoder, StatusError, type KubeObject } from '../src/index.js';

const encoder = new ProtobufEncoder();
const encode = (object: KubeObject, with_: ProtobufEncoder = encoder): Buffer => encodeToBuffer((sink) => with_.encode(object, sink));

function caught(fn: () => unknown): StatusError {
  try {
    fn();
  } catch (error) {
    if (error instanceof StatusError) return error;
    throw error;
  }
  throw new Error('expected a StatusError');
}

const smallPod: KubeObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'd' }, spec: { containers: [{ name: 'c', image: 'i' }] } };
const smallPodBytes = encode(smallPod); // 39 bytes: magic 0-3, typeMeta 4-14, raw 15-34, trailer 35-38

/** magic + typeMeta(apiVersion, kind) + raw, as a Go server would write it. */
function envelope(apiVersion: string, kind: string, raw: number[]): Buffer {
  const typeMeta = [0x0a, apiVersion.length, ...Buffer.from(apiVersion), 0x12, kind.length, ...Buffer.from(kind)];
  return Buffer.from([0x6b, 0x38, 0x73, 0x00, 0x0a, typeMeta.length, ...typeMeta, 0x12, raw.length, ...raw, 0x1a, 0x00, 0x22, 0x00]);
}

describe('ProtobufEncoder errors', () => {
  it('.encode() — kind not in the registry → NotAcceptable 406 naming the kind', () => {
    const error = caught(() => encode({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } }));
    expect(error.reason).toBe('NotAcceptable');
    expect(error.code).toBe(406);
    expect(error.message).toBe('cannot encode example.com/v1, Kind=Widget as protobuf: the kind is not registered in the protobuf schemas "kubernetes"');
  });

  it('.encode() — no apiVersion or kind → NotAcceptable', () => {
    expect(caught(() => encode({ metadata: { name: 'x' } })).message).toBe('cannot encode as protobuf: the object has no apiVersion and kind (got null, null)');
  });

  it('.encode() — unknown field → NotAcceptable naming its path', () => {
    const pod = { ...smallPod, spec: { containers: [{ name: 'c', fooBar: 1 }] } };
    const error = caught(() => encode(pod));
    expect(error.reason).toBe('NotAcceptable');
    expect(error.message).toBe('cannot encode v1, Kind=Pod as protobuf: unknown field "spec.containers[0].fooBar"');
    expect(caught(() => encode({ ...smallPod, status: { phase: 'Running', hostIPs: [{ ip: 'a', zone: 'z' }] } })).message).toBe(
      'cannot encode v1, Kind=Pod as protobuf: unknown field "status.hostIPs[0].zone"',
    );
    expect(caught(() => encode({ ...smallPod, extra: true })).message).toBe('cannot encode v1, Kind=Pod as protobuf: unknown field "extra"');
  });

  it('.encode() — a volume source the schemas do not describe → NotAcceptable, not dropped', () => {
    const pod = { ...smallPod, spec: { containers: [], volumes: [{ name: 'v', gitRepo: { repository: 'x' } }] } };
    expect(caught(() => encode(pod)).message).toBe('cannot encode v1, Kind=Pod as protobuf: unknown field "spec.volumes[0].gitRepo"');
  });

  it('.encode() — wrong value types → NotAcceptable naming the path and the value', () => {
    const port = { ...smallPod, spec: { containers: [{ name: 'c', ports: [{ containerPort: '80' }] }] } };
    expect(caught(() => encode(port)).message).toBe('cannot encode v1, Kind=Pod as protobuf: expected an int32, got `"80"` (string) at "spec.containers[0].ports[0].containerPort"');
    const time = { ...smallPod, metadata: { name: 'p', creationTimestamp: 'yesterday' } };
    expect(caught(() => encode(time)).message).toBe('cannot encode v1, Kind=Pod as protobuf: expected an RFC 3339 date-time, got `"yesterday"` (string) at "metadata.creationTimestamp"');
    const labels = { ...smallPod, metadata: { name: 'p', labels: { app: 1 } } } as unknown as KubeObject;
    expect(caught(() => encode(labels)).message).toBe('cannot encode v1, Kind=Pod as protobuf: expected a string, got `1` (number) at "metadata.labels[\\"app\\"]"');
    const binary = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, binaryData: { k: 'not base64!' } };
    expect(caught(() => encode(binary)).message).toBe('cannot encode v1, Kind=ConfigMap as protobuf: expected standard base64 with padding, got `"not base64!"` (string) at "binaryData[\\"k\\"]"');
    const big = { ...smallPod, metadata: { name: 'p', generation: 2 ** 53 } };
    expect(caught(() => encode(big)).message).toBe('cannot encode v1, Kind=Pod as protobuf: expected an integer within ±(2^53-1), got `9007199254740992` (number) at "metadata.generation"');
    const surrogate = { ...smallPod, metadata: { name: '\ud800' } };
    expect(caught(() => encode(surrogate)).message).toBe(
      'cannot encode v1, Kind=Pod as protobuf: string contains a lone UTF-16 surrogate, which has no UTF-8 encoding at "metadata.name"',
    );
  });

  it('.encode() — a list item of another kind → NotAcceptable', () => {
    const list = { apiVersion: 'v1', kind: 'PodList', metadata: {}, items: [{ apiVersion: 'v1', kind: 'Node', metadata: { name: 'n' } }] };
    expect(caught(() => encode(list)).message).toBe('cannot encode v1, Kind=PodList as protobuf: `"v1"` (string) does not match the message k8s.io.api.core.v1.Pod at "items[0].apiVersion"');
  });

  it('.decode() — bad magic → BadRequest at offset 0', () => {
    const error = caught(() => encoder.decode(Buffer.from('{"kind":"Pod"}')));
    expect(error.reason).toBe('BadRequest');
    expect(error.code).toBe(400);
    expect(error.message).toBe('invalid protobuf: expected the Kubernetes protobuf prefix 6b 38 73 00 at offset 0');
    expect(caught(() => encoder.decode(new Uint8Array(0))).message).toBe('invalid protobuf: expected the Kubernetes protobuf prefix 6b 38 73 00 at offset 0');
  });

  it('.decode() — truncated envelope → BadRequest naming the offset', () => {
    expect(caught(() => encoder.decode(smallPodBytes.subarray(0, 20))).message).toBe('invalid protobuf: unexpected end of data at offset 20');
    expect(caught(() => encoder.decode(smallPodBytes.subarray(0, 8))).message).toBe('invalid protobuf: unexpected end of data at offset 8 (in typeMeta)');
    expect(caught(() => encoder.decode(smallPodBytes.subarray(0, 4))).message).toBe('invalid protobuf: the envelope has no apiVersion or kind at offset 4');
  });

  it('.decode() — truncated varint → BadRequest naming the offset', () => {
    const bytes = envelope('v1', 'Pod', [0x12, 0x02, 0x58, 0x80]); // spec { hostNetwork: <varint cut short> }
    expect(caught(() => encoder.decode(bytes.subarray(0, bytes.length - 4))).message).toBe('invalid protobuf: unexpected end of data at offset 19 (in spec.hostNetwork)');
  });

  it('.decode() — kind not in the registry → BadRequest naming it', () => {
    const schemas = defaultProtobufSchemas()
      .definePackage({ package: 'example.com.v1', messages: { Widget: [['size', 1, 'int32']] } })
      .registerKind('example.com/v1', 'Widget', 'example.com.v1.Widget');
    const bytes = encode({ apiVersion: 'example.com/v1', kind: 'Widget', size: 3 }, new ProtobufEncoder({ schemas }));
    const error = caught(() => encoder.decode(bytes));
    expect(error.reason).toBe('BadRequest');
    expect(error.message).toBe('invalid protobuf: example.com/v1, Kind=Widget is not registered in the protobuf schemas "kubernetes"');
  });

  it('.decode() — wrong wire type → BadRequest naming the field and offset', () => {
    // Pod.metadata (field 1) sent as a varint.
    expect(caught(() => encoder.decode(envelope('v1', 'Pod', [0x08, 0x01]))).message).toBe('invalid protobuf: wire type 0 for field metadata (1), expected 2 at offset 17 (in metadata)');
    // An unknown field with the invalid wire type 7.
    expect(caught(() => encoder.decode(envelope('v1', 'Pod', [0xff, 0x01]))).message).toBe('invalid protobuf: invalid wire type 7 at offset 17');
  });

  it('.decode() — length beyond the enclosing message → BadRequest', () => {
    // metadata claims 5 bytes, the Pod message holds 3 after its header.
    expect(caught(() => encoder.decode(envelope('v1', 'Pod', [0x0a, 0x05, 0x0a, 0x01, 0x70]))).message).toBe(
      'invalid protobuf: length 5 runs past the end of the enclosing message at 22 at offset 18 (in metadata)',
    );
  });

  it('.decode() — invalid UTF-8 in the envelope or a field → BadRequest', () => {
    expect(caught(() => encoder.decode(envelope('v1', '\u00ff', []).fill(0xff, 12, 13))).message).toBe('invalid protobuf: invalid UTF-8 in a string at offset 12 (in typeMeta)');
    expect(caught(() => encoder.decode(envelope('v1', 'Pod', [0x0a, 0x03, 0x0a, 0x01, 0xc3]))).message).toBe('invalid protobuf: invalid UTF-8 in a string at offset 21 (in metadata.name)');
  });

  it('.decode() — invalid JSON in FieldsV1 → BadRequest', () => {
    // prettier-ignore
    const raw = [
      0x0a, 0x08,                   // Pod.metadata, 8 bytes
      0x8a, 0x01, 0x05,             //   ObjectMeta.managedFields (17), 5 bytes
      0x3a, 0x03,                   //     ManagedFieldsEntry.fieldsV1 (7), 3 bytes
      0x0a, 0x01, 0x7b,             //       FieldsV1.Raw (1) = "{"  (offset 26)
    ];
    const error = caught(() => encoder.decode(envelope('v1', 'Pod', raw)));
    expect(error.reason).toBe('BadRequest');
    expect(error.message).toMatch(/^invalid protobuf: invalid JSON in a k8s\.io\.apimachinery\.pkg\.apis\.meta\.v1\.FieldsV1 \(.*\) at offset 26 \(in metadata\.managedFields\.fieldsV1\)$/);
  });

  it('.decode() — non-empty contentEncoding → BadRequest', () => {
    const bytes = Buffer.concat([smallPodBytes.subarray(0, 35), Buffer.from([0x1a, 0x04, ...Buffer.from('gzip'), 0x22, 0x00])]);
    expect(caught(() => encoder.decode(bytes)).message).toBe('invalid protobuf: unsupported content encoding "gzip" at offset 4');
  });

  it('.decodeWatchEvent() — frame length mismatch → BadRequest', () => {
    expect(caught(() => encoder.decodeWatchEvent(Buffer.from([0, 0, 0, 9, 0x0a, 0x00]))).message).toBe('invalid protobuf: frame length 9 does not match the 2 bytes that follow at offset 0');
  });

  it('.decode() / .decodeWatchEvent() — a body that is not bytes → BadRequest, not TypeError', () => {
    for (const [body, got] of [['k8s\u0000', 'string'], [42, 'number'], [null, 'null'], [{ length: 4 }, 'object'], [[0x6b, 0x38], 'array']] as const) {
      const message = `invalid protobuf: expected the body as bytes (a Uint8Array), got ${got}`;
      expect(caught(() => encoder.decode(body as unknown as Uint8Array)).toStatus()).toMatchObject({ reason: 'BadRequest', code: 400, message });
      expect(caught(() => encoder.decodeWatchEvent(body as unknown as Uint8Array)).message).toBe(message);
    }
  });

  it('.encode() — a value of the wrong type (a BigInt) → NotAcceptable; a failure outside the schema walk → InternalError', () => {
    const bigint = { ...smallPod, metadata: { name: 'p', namespace: 'd', generation: 10n as unknown as number } };
    expect(caught(() => encode(bigint)).message).toBe(
      'cannot encode v1, Kind=Pod as protobuf: expected an integer within ±(2^53-1), got `10` (bigint) at "metadata.generation"',
    );
    // A getter that throws stands for anything unexpected inside the walk: it surfaces as a StatusError, not raw.
    const hostile = { ...smallPod, get spec(): never { throw new TypeError('boom'); } };
    expect(caught(() => encode(hostile as KubeObject)).toStatus()).toMatchObject({
      reason: 'InternalError',
      code: 500,
      message: 'Internal error occurred: cannot encode v1, Kind=Pod "d/p" as protobuf: boom',
    });
  });

  it('constructor — bad option → RangeError naming it', () => {
    expect(() => new ProtobufEncoder({ maxEmbeddingDepth: -1 })).toThrow('Expected `maxEmbeddingDepth` to be a non-negative integer, got `-1` (number)');
    expect(isStatusError(caught(() => encoder.decode(Buffer.from([1]))), 'BadRequest')).toBe(true);
  });
});
