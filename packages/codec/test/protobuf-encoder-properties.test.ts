import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeToBuffer, isStatusError, ListEncoder, ProtobufEncoder, SpliceBuffer, type KubeObject } from '../src/index.js';
import { realisticConfigMap, realisticNode, realisticPod } from './protobuf-fixtures.js';

const encoder = new ProtobufEncoder();
const encode = (object: KubeObject): Buffer => encodeToBuffer((sink) => encoder.encode(object, sink));

// Values valid for the schema, in the canonical form decode produces: omitempty scalars are never their zero value.
const name = fc.stringMatching(/^[a-z0-9]([-a-z0-9]{0,20}[a-z0-9])?$/);
const labelKey = fc.stringMatching(/^([a-z0-9.]{1,10}\/)?[A-Za-z0-9][-_.A-Za-z0-9]{0,15}$/);
const text = fc.string({ unit: 'grapheme', maxLength: 24 });
const nonEmptyText = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 24 });
const anyKey = fc.string({ unit: 'grapheme', maxLength: 12 }); // map keys: any string, even "" or "__proto__"
const time = fc.integer({ min: -62_135_596_800, max: 253_402_300_799 }).map((s) => new Date(s * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/^\+?0*(\d{4})/, '$1'));
const quantity = fc.constantFrom('1', '100m', '1.5', '128Mi', '2Gi', '0', '1e3', '500k');
const positive = fc.integer({ min: 1, max: 2 ** 31 - 1 });

const objectMeta = fc.record(
  {
    name,
    namespace: name,
    uid: fc.uuid(),
    resourceVersion: fc.nat().map((n) => String(n + 1)),
    generation: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
    creationTimestamp: time,
    labels: fc.dictionary(labelKey, text, { minKeys: 1, maxKeys: 5 }),
    annotations: fc.dictionary(anyKey, text, { minKeys: 1, maxKeys: 5 }),
    finalizers: fc.array(text, { minLength: 1, maxLength: 3 }),
    deletionGracePeriodSeconds: fc.nat(),
  },
  { requiredKeys: ['name'] },
);

const configMap = fc.record(
  {
    apiVersion: fc.constant('v1'),
    kind: fc.constant('ConfigMap'),
    metadata: objectMeta,
    data: fc.dictionary(anyKey, text, { minKeys: 1, maxKeys: 6 }),
    binaryData: fc.dictionary(anyKey, fc.uint8Array({ maxLength: 32 }).map((b) => Buffer.from(b).toString('base64')), { minKeys: 1, maxKeys: 3 }),
    immutable: fc.boolean(),
  },
  { requiredKeys: ['apiVersion', 'kind', 'metadata'] },
) as fc.Arbitrary<KubeObject>;

const container = fc.record(
  {
    name,
    image: nonEmptyText,
    command: fc.array(text, { minLength: 1, maxLength: 3 }),
    ports: fc.array(fc.record({ name: name, containerPort: fc.integer({ min: 1, max: 65535 }), protocol: fc.constantFrom('TCP', 'UDP', 'SCTP') }, { requiredKeys: ['containerPort'] }), { minLength: 1, maxLength: 3 }),
    env: fc.array(fc.record({ name: fc.string({ minLength: 1, maxLength: 10 }), value: nonEmptyText }, { requiredKeys: ['name'] }), { minLength: 1, maxLength: 3 }),
    resources: fc.record({ limits: fc.dictionary(fc.constantFrom('cpu', 'memory', 'nvidia.com/gpu'), quantity, { minKeys: 1 }), requests: fc.dictionary(fc.constantFrom('cpu', 'memory'), quantity, { minKeys: 1 }) }, { requiredKeys: [] }),
    livenessProbe: fc.record(
      {
        httpGet: fc.record({ path: nonEmptyText, port: fc.oneof(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), fc.string({ minLength: 1, maxLength: 15 })) }, { requiredKeys: ['port'] }),
        periodSeconds: positive,
        terminationGracePeriodSeconds: fc.integer({ min: -100, max: Number.MAX_SAFE_INTEGER }),
      },
      { requiredKeys: [] },
    ),
    stdin: fc.constant(true),
  },
  { requiredKeys: ['name'] },
);

const pod = fc.record(
  {
    apiVersion: fc.constant('v1'),
    kind: fc.constant('Pod'),
    metadata: objectMeta,
    spec: fc.record(
      {
        containers: fc.array(container, { minLength: 1, maxLength: 3 }),
        nodeName: name,
        nodeSelector: fc.dictionary(labelKey, text, { minKeys: 1, maxKeys: 3 }),
        automountServiceAccountToken: fc.boolean(),
        priority: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
        tolerations: fc.array(fc.record({ key: nonEmptyText, operator: fc.constantFrom('Exists', 'Equal'), tolerationSeconds: fc.integer() }, { requiredKeys: [] }), { minLength: 1, maxLength: 2 }),
      },
      { requiredKeys: ['containers'] },
    ),
    status: fc.record(
      { phase: fc.constantFrom('Pending', 'Running'), podIPs: fc.array(fc.record({ ip: fc.ipV4() }), { minLength: 1, maxLength: 2 }), startTime: time },
      { requiredKeys: [] },
    ),
  },
  { requiredKeys: ['apiVersion', 'kind', 'metadata'] },
) as fc.Arbitrary<KubeObject>;

/** Either an object or a BadRequest: nothing else may come out of decode. */
function decodesOrBadRequest(bytes: Uint8Array): void {
  try {
    const object = encoder.decode(bytes);
    expect(typeof object).toBe('object');
  } catch (error) {
    if (!isStatusError(error, 'BadRequest')) throw error;
  }
}

const samples = [encode(realisticPod), encode(realisticNode), encode(realisticConfigMap)];

describe('ProtobufEncoder properties', () => {
  it('.decode(.encode()) — random ConfigMaps → the same object', () => {
    fc.assert(fc.property(configMap, (object) => void expect(encoder.decode(encode(object))).toEqual(object)), { numRuns: 500 });
  });

  it('.decode(.encode()) — random Pods → the same object', () => {
    fc.assert(fc.property(pod, (object) => void expect(encoder.decode(encode(object))).toEqual(object)), { numRuns: 500 });
  });

  it('.encode() — equal objects with keys in another order → identical bytes', () => {
    const reverse = (value: unknown): unknown =>
      Array.isArray(value) ? value.map(reverse) : typeof value === 'object' && value !== null ? Object.fromEntries(Object.entries(value).reverse().map(([k, v]) => [k, reverse(v)])) : value;
    fc.assert(fc.property(pod, (object) => void expect(encode(reverse(object) as KubeObject).equals(encode(object))).toBe(true)), { numRuns: 200 });
  });

  it('ListEncoder.encode() — random ConfigMap lists → the bytes of the whole list', () => {
    fc.assert(
      fc.property(fc.array(configMap, { maxLength: 8 }), fc.nat().map(String), (items, resourceVersion) => {
        const header = { apiVersion: 'v1', kind: 'ConfigMapList', metadata: { resourceVersion } };
        const sink = new SpliceBuffer();
        new ListEncoder(encoder).encode(header, items, sink);
        expect(sink.toBuffer().equals(encode({ ...header, items }))).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('.decode() — random bytes → an object or BadRequest, nothing else', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 256 }), (bytes) => decodesOrBadRequest(bytes)), { numRuns: 2000 });
    const magic = Uint8Array.of(0x6b, 0x38, 0x73, 0x00);
    fc.assert(fc.property(fc.uint8Array({ maxLength: 256 }), (bytes) => decodesOrBadRequest(Buffer.concat([magic, bytes]))), { numRuns: 2000 });
  });

  it('.decode() — every truncation of valid encodings → an object or BadRequest', () => {
    for (const bytes of samples) {
      for (let length = 0; length < bytes.length; length++) decodesOrBadRequest(bytes.subarray(0, length));
    }
  });

  it('.decode() — random mutations of valid encodings → an object or BadRequest', () => {
    const mutation = fc.record({
      sample: fc.constantFrom(...samples),
      edits: fc.array(fc.record({ at: fc.nat(), value: fc.integer({ min: 0, max: 255 }), insert: fc.boolean() }), { minLength: 1, maxLength: 4 }),
    });
    fc.assert(
      fc.property(mutation, ({ sample, edits }) => {
        let bytes = Buffer.from(sample);
        for (const { at, value, insert } of edits) {
          const index = at % bytes.length;
          if (insert) bytes = Buffer.concat([bytes.subarray(0, index), Buffer.from([value]), bytes.subarray(index)]);
          else bytes[index] = value;
        }
        decodesOrBadRequest(bytes);
      }),
      { numRuns: 3000 },
    );
  });

  it('.decodeWatchEvent() — random frames → an event or BadRequest', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 128 }), (payload) => {
        const frame = Buffer.concat([Buffer.from([0, 0, 0, payload.length]), payload]);
        try {
          encoder.decodeWatchEvent(frame);
        } catch (error) {
          if (!isStatusError(error, 'BadRequest')) throw error;
        }
      }),
      { numRuns: 1000 },
    );
  });
});
