import { describe, expect, it } from 'vitest';
import {
  CachingObject,
  CachingWatchEvent,
  defaultProtobufSchemas,
  encodeToBuffer,
  errorEvent,
  ListEncoder,
  notFound,
  ProtobufEncoder,
  ProtobufSchemaRegistry,
  SpliceBuffer,
  WatchEventEncoder,
  bookmarkObject,
  type KubeObject,
} from '../src/index.js';
import { realisticConfigMap, realisticNamespace, realisticNode, realisticPod } from './protobuf-fixtures.js';

const encoder = new ProtobufEncoder();
const encode = (object: KubeObject, with_: ProtobufEncoder = encoder): Buffer => encodeToBuffer((sink) => with_.encode(object, sink));
const roundTrip = (object: KubeObject): KubeObject => encoder.decode(encode(object));

const smallPod: KubeObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'd' }, spec: { containers: [{ name: 'c', image: 'i' }] } };

describe('ProtobufEncoder', () => {
  it('.encode() — small Pod → the Kubernetes envelope, byte for byte', () => {
    // prettier-ignore
    const expected = [
      0x6b, 0x38, 0x73, 0x00,             // "k8s\0" magic
      0x0a, 0x09,                         // Unknown.typeMeta (1, LEN) = 9 bytes
      0x0a, 0x02, 0x76, 0x31,             //   TypeMeta.apiVersion (1) = "v1"
      0x12, 0x03, 0x50, 0x6f, 0x64,       //   TypeMeta.kind (2) = "Pod"
      0x12, 0x12,                         // Unknown.raw (2, LEN) = 18 bytes: the Pod message
      0x0a, 0x06,                         //   Pod.metadata (1) = ObjectMeta, 6 bytes
      0x0a, 0x01, 0x70,                   //     ObjectMeta.name (1) = "p"
      0x1a, 0x01, 0x64,                   //     ObjectMeta.namespace (3) = "d"
      0x12, 0x08,                         //   Pod.spec (2) = PodSpec, 8 bytes
      0x12, 0x06,                         //     PodSpec.containers (2) = Container, 6 bytes
      0x0a, 0x01, 0x63,                   //       Container.name (1) = "c"
      0x12, 0x01, 0x69,                   //       Container.image (2) = "i"
      0x1a, 0x00,                         // Unknown.contentEncoding (3) = "" (gogo writes it even when empty)
      0x22, 0x00,                         // Unknown.contentType (4) = ""
    ];
    expect([...encode(smallPod)]).toEqual(expected);
  });

  it('.encode() — special types → Timestamp, Quantity and IntOrString as Go writes them', () => {
    const pod: KubeObject = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { creationTimestamp: '1970-01-01T00:02:00Z' },
      spec: { containers: [{ name: 'c', resources: { limits: { cpu: '1' } }, livenessProbe: { tcpSocket: { port: 80 } } }] },
    };
    const bytes = encode(pod);
    // prettier-ignore
    expect([...bytes.subarray(4 + 2 + 9)]).toEqual([
      0x12, 0x2b,                         // Unknown.raw, 43 bytes
      0x0a, 0x06,                         // Pod.metadata, 6 bytes
      0x42, 0x04,                         //   ObjectMeta.creationTimestamp (8) = Time, 4 bytes
      0x08, 0x78,                         //     seconds (1) = 120
      0x10, 0x00,                         //     nanos (2) = 0 (non-pointer: always written)
      0x12, 0x21,                         // Pod.spec, 33 bytes
      0x12, 0x1f,                         //   PodSpec.containers[0], 31 bytes
      0x0a, 0x01, 0x63,                   //     Container.name = "c"
      0x42, 0x0c,                         //     Container.resources (8), 12 bytes
      0x0a, 0x0a,                         //       ResourceRequirements.limits (1): one map entry, 10 bytes
      0x0a, 0x03, 0x63, 0x70, 0x75,       //         entry key (1) = "cpu"
      0x12, 0x03,                         //         entry value (2) = Quantity, 3 bytes
      0x0a, 0x01, 0x31,                   //           Quantity.string (1) = "1"
      0x52, 0x0c,                         //     Container.livenessProbe (10), 12 bytes
      0x0a, 0x0a,                         //       Probe.handler (1, inline in JSON) = ProbeHandler, 10 bytes
      0x1a, 0x08,                         //         ProbeHandler.tcpSocket (3), 8 bytes
      0x0a, 0x06,                         //           TCPSocketAction.port (1) = IntOrString, 6 bytes
      0x08, 0x00,                         //             type (1) = 0 (int)
      0x10, 0x50,                         //             intVal (2) = 80
      0x1a, 0x00,                         //             strVal (3) = ""
      0x1a, 0x00, 0x22, 0x00,             // contentEncoding, contentType
    ]);
    expect(encoder.decode(bytes)).toEqual(pod);
  });

  it('.identifier — names the media type and the schemas; differs between registries', () => {
    expect(encoder.identifier).toMatch(/^protobuf;schemas=kubernetes@[0-9a-f]{16}$/);
    expect(new ProtobufEncoder().identifier).toBe(encoder.identifier);
    const extended = defaultProtobufSchemas()
      .definePackage({ package: 'example.com.v1', messages: { Widget: [['metadata', 1, '.k8s.io.apimachinery.pkg.apis.meta.v1.ObjectMeta'], ['size', 2, 'int32']] } })
      .registerKind('example.com/v1', 'Widget', 'example.com.v1.Widget');
    expect(new ProtobufEncoder({ schemas: extended }).identifier).not.toBe(encoder.identifier);
    expect(encoder.mediaType).toBe('application/vnd.kubernetes.protobuf');
    expect(encoder.watchFraming.watchMediaType).toBe('application/vnd.kubernetes.protobuf;stream=watch');
  });

  it('.encode() — a host-registered kind → encoded and decoded', () => {
    const schemas = defaultProtobufSchemas()
      .definePackage({ package: 'example.com.v1', messages: { Widget: [['metadata', 1, '.k8s.io.apimachinery.pkg.apis.meta.v1.ObjectMeta'], ['size', 2, 'int32', 'keep'], ['parts', 3, '[]string']] } })
      .registerKind('example.com/v1', 'Widget', 'example.com.v1.Widget');
    const widgets = new ProtobufEncoder({ schemas });
    const widget: KubeObject = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' }, size: 0, parts: ['a', ''] };
    expect(widgets.decode(encode(widget, widgets))).toEqual(widget);
  });

  it.each([
    ['Pod', realisticPod],
    ['Node', realisticNode],
    ['Namespace', realisticNamespace],
    ['ConfigMap', realisticConfigMap],
  ])('.decode(.encode()) — realistic %s → the same object', (_kind, object) => {
    expect(roundTrip(object)).toEqual(object);
  });

  it('.decode(.encode()) — Status of a StatusError → the same Status', () => {
    const status = notFound('pods', 'web-0').toStatus() as unknown as KubeObject;
    expect(roundTrip(status)).toEqual(status);
    const withCauses: KubeObject = {
      apiVersion: 'v1',
      kind: 'Status',
      metadata: { resourceVersion: '7' },
      status: 'Failure',
      message: 'Pod "x" is invalid',
      reason: 'Invalid',
      details: { name: 'x', kind: 'Pod', causes: [{ reason: 'FieldValueRequired', message: 'Required value', field: 'spec.containers' }], retryAfterSeconds: 2 },
      code: 422,
    };
    expect(roundTrip(withCauses)).toEqual(withCauses);
  });

  it('.decode(.encode()) — times: fractions kept on the wire, JSON back at second precision; null is absent', () => {
    const bytes = encode({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'n', creationTimestamp: '2024-05-01T12:00:00.750+02:00', deletionTimestamp: null } } as unknown as KubeObject);
    expect(encoder.decode(bytes)).toEqual({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'n', creationTimestamp: '2024-05-01T10:00:00Z' } });
  });

  it('.decode() — Go-style bytes with zero-valued non-pointer fields → Kubernetes JSON (omitempty zeros dropped, pointers kept)', () => {
    // What client-go sends for a Pod with only a name: every non-pointer field, zero or not.
    // prettier-ignore
    const goPod = Buffer.from([
      0x6b, 0x38, 0x73, 0x00, 0x0a, 0x09, 0x0a, 0x02, 0x76, 0x31, 0x12, 0x03, 0x50, 0x6f, 0x64,
      0x12, 0x22,
      0x0a, 0x11,                                     // metadata
      0x0a, 0x01, 0x78,                               //   name "x"
      0x12, 0x00, 0x1a, 0x00, 0x22, 0x00, 0x2a, 0x00, 0x32, 0x00, // generateName … resourceVersion ""
      0x38, 0x00,                                     //   generation 0
      0x42, 0x00,                                     //   creationTimestamp: zero Time (empty)
      0x12, 0x0b,                                     // spec
      0x58, 0x00,                                     //   hostNetwork false (omitempty → dropped)
      0xa8, 0x01, 0x00,                               //   automountServiceAccountToken false (pointer → kept)
      0xc8, 0x01, 0x00,                               //   priority 0 (pointer → kept)
      0xf0, 0x01, 0x00,                               //   enableServiceLinks false (pointer → kept)
      0x1a, 0x00,                                     // status {}
      0x1a, 0x00, 0x22, 0x00,
    ]);
    expect(encoder.decode(goPod)).toEqual({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'x' },
      spec: { automountServiceAccountToken: false, priority: 0, enableServiceLinks: false },
      status: {},
    });
  });

  it('.decode() — zero values of Go pointer fields (runAsUser 0, automountServiceAccountToken false, terminationGracePeriodSeconds 0) → kept', () => {
    const pod: KubeObject = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'root', namespace: 'd' },
      spec: {
        containers: [{ name: 'c', image: 'i', securityContext: { runAsUser: 0, privileged: false } }],
        terminationGracePeriodSeconds: 0,
        automountServiceAccountToken: false,
        securityContext: { runAsUser: 0, fsGroup: 0 },
      },
    };
    const bytes = encode(pod);
    // The zeros are on the wire (present in JSON → written), as a Go client writes non-nil pointers.
    expect(bytes.includes(Buffer.from([0x20, 0x00]))).toBe(true); // PodSpec.terminationGracePeriodSeconds (4) = 0
    expect(bytes.includes(Buffer.from([0xa8, 0x01, 0x00]))).toBe(true); // PodSpec.automountServiceAccountToken (21) = false
    const decoded = encoder.decode(bytes) as { spec: { containers: { securityContext: Record<string, unknown> }[]; securityContext: Record<string, unknown> } } & KubeObject;
    expect(decoded).toEqual(pod);
    expect(decoded.spec.containers[0]!.securityContext).toEqual({ runAsUser: 0, privileged: false });
    expect(decoded.spec).toMatchObject({ terminationGracePeriodSeconds: 0, automountServiceAccountToken: false, securityContext: { runAsUser: 0, fsGroup: 0 } });
  });

  it('.decode() — unknown field numbers (a newer schema) → skipped', () => {
    const bytes = encode(smallPod);
    // Append field 99 (varint) to the Pod message: fix the raw length.
    const raw = bytes.subarray(17, bytes.length - 4);
    const extra = Buffer.from([0x98, 0x06, 0x01]);
    const patched = Buffer.concat([bytes.subarray(0, 15), Buffer.from([0x12, raw.length + extra.length]), raw, extra, bytes.subarray(bytes.length - 4)]);
    expect(encoder.decode(patched)).toEqual(smallPod);
  });
});

describe('ProtobufEncoder list framing', () => {
  const pods = [0, 1, 2].map((i) => ({ ...realisticPod, metadata: { ...(realisticPod.metadata as object), name: `web-${i}` } }) as KubeObject);
  const header = { apiVersion: 'v1', kind: 'PodList', metadata: { resourceVersion: '184470', continue: 'abc', remainingItemCount: 12 } };

  it('ListEncoder.encode() — Pods → the same bytes as encoding the whole PodList', () => {
    const sink = new SpliceBuffer();
    new ListEncoder(encoder).encode(header, pods, sink);
    const whole = encode({ ...header, items: pods });
    expect(sink.toBuffer().equals(whole)).toBe(true);
    const decoded = encoder.decode(whole);
    expect(decoded['items']).toHaveLength(3);
    expect(decoded.metadata).toEqual(header.metadata);
  });

  it('ListEncoder.encode() — CachingObjects → item bytes spliced out of the cached envelopes, copied nowhere', () => {
    const cached = pods.map((pod) => new CachingObject(pod));
    const sink = new SpliceBuffer();
    new ListEncoder(encoder).encode(header, cached, sink);
    expect(sink.toBuffer().equals(encode({ ...header, items: pods }))).toBe(true);
    expect(sink.copiedBytes).toBe(0);
    const chunks = sink.chunks();
    for (const item of cached) {
      const bytes = item.encoded(encoder);
      const spliced = chunks.find((chunk) => chunk.buffer === bytes.buffer && chunk.byteOffset > bytes.byteOffset && chunk.byteOffset + chunk.byteLength === bytes.byteOffset + bytes.byteLength - 4);
      expect(spliced).toBeDefined();
    }
  });

  it('ListEncoder.encode() — empty list → the whole-list bytes; decodes with items: []', () => {
    const sink = new SpliceBuffer();
    new ListEncoder(encoder).encode({ apiVersion: 'v1', kind: 'ConfigMapList', metadata: {} }, [], sink);
    const whole = encode({ apiVersion: 'v1', kind: 'ConfigMapList', metadata: {}, items: [] });
    expect(sink.toBuffer().equals(whole)).toBe(true);
    expect(encoder.decode(whole)).toEqual({ apiVersion: 'v1', kind: 'ConfigMapList', metadata: {}, items: [] });
  });

  it('ListEncoder.stream() — small flushes → the same bytes', async () => {
    const { Writable } = await import('node:stream');
    const parts: Buffer[] = [];
    const out = new Writable({ write(chunk: Buffer, _enc, done) { parts.push(chunk); done(); } });
    await new ListEncoder(encoder, { flushBytes: 64 }).stream(header, pods, out);
    expect(Buffer.concat(parts).equals(encode({ ...header, items: pods }))).toBe(true);
  });
});

describe('ProtobufEncoder watch framing', () => {
  it('WatchEventEncoder.encode() — ADDED Pod → <u32 BE length> WatchEvent{type, RawExtension{enveloped object}}', () => {
    const event = new CachingWatchEvent('ADDED', smallPod);
    const sink = new SpliceBuffer();
    const watch = new WatchEventEncoder(encoder);
    expect(watch.mediaType).toBe('application/vnd.kubernetes.protobuf;stream=watch');
    watch.encode(event, sink);
    const frame = sink.toBuffer();
    const object = encode(smallPod); // 39 bytes
    // prettier-ignore
    const expected = Buffer.concat([
      Buffer.from([0x00, 0x00, 0x00, 0x32]),          // frame length 50
      Buffer.from([0x0a, 0x05]), Buffer.from('ADDED'), // WatchEvent.type (1)
      Buffer.from([0x12, 0x29]),                      // WatchEvent.object (2) = RawExtension, 41 bytes
      Buffer.from([0x0a, 0x27]),                      //   RawExtension.raw (1), 39 bytes: the enveloped Pod
      object,
    ]);
    expect(frame.equals(expected)).toBe(true);
    expect(encoder.decodeWatchEvent(frame)).toEqual({ type: 'ADDED', object: smallPod });
  });

  it('CachingWatchEvent.framed() — MODIFIED, BOOKMARK and ERROR events → decode back to type + object', () => {
    const cases = [
      new CachingWatchEvent('MODIFIED', new CachingObject(realisticPod)),
      new CachingWatchEvent('BOOKMARK', bookmarkObject('v1', 'Pod', '184480', true)),
      errorEvent(notFound('pods', 'gone')),
    ];
    for (const event of cases) {
      const decoded = encoder.decodeWatchEvent(event.framed(encoder));
      expect(decoded.type).toBe(event.type);
      expect(decoded.object).toEqual(event.object.getObject());
      // The object bytes inside the frame are the cached encoding.
      expect(Buffer.from(event.framed(encoder)).includes(Buffer.from(event.object.encoded(encoder)))).toBe(true);
    }
  });
});

describe('ProtobufSchemaRegistry', () => {
  it('.seal() — unresolvable type → TypeError naming it', () => {
    const registry = new ProtobufSchemaRegistry({ name: 'broken' }).definePackage({ package: 'x.v1', messages: { A: [['b', 1, 'Missing']] } });
    expect(() => registry.seal()).toThrow(TypeError);
    expect(() => registry.seal()).toThrow(/Missing/);
    expect(registry.isSealed).toBe(false);
  });

  it('.definePackage() — after sealing → TypeError', () => {
    const registry = defaultProtobufSchemas().seal();
    expect(() => registry.registerKind('v1', 'Secret', 'k8s.io.api.core.v1.Secret')).toThrow(
      'Expected the protobuf schema registry "kubernetes" to be open, got a sealed registry (encoders seal it)',
    );
  });

  it('.definePackage() — fields out of number order → TypeError', () => {
    expect(() => new ProtobufSchemaRegistry({ name: 'x' }).definePackage({ package: 'x.v1', messages: { A: [['a', 2, 'string'], ['b', 1, 'string']] } })).toThrow(
      'Expected the fields of `x.v1.A` in ascending number order, got 1 after 2',
    );
  });
});
