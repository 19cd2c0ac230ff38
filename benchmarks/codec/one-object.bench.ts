/**
 * one object: encoding one ~3.9 KB pod to bytes with each encoder and with
 * the stringifiers a user would otherwise call. Output bytes per format.
 */
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { deepFreeze, encodeToBuffer, JsonEncoder, ProtobufEncoder, YamlEncoder, type Codec } from '@apiserver-kit/codec';
import stableStringify from 'fast-json-stable-stringify';
import { makePod } from '../fixtures/pod.js';
import { formatBytes, formatRatio } from '../lib/format.js';
import { assert, assertSameBytes, checkTable, measureTable, type Role, type RunOptions, type Suite, type SuiteResult, type TableSpec, type TaskSpec, ratioTarget } from '../lib/harness.js';
import { packageVersion, REPO_ROOT } from '../lib/environment.js';
import { withoutNulls } from '../lib/values.js';

/** Encodes per sample: the operations take microseconds, a few per sample keep the timer's cost out. */
const OPS = 8;

/** A task that encodes the pod with `encode`, checks the bytes with `verify`, and reports their size. */
function encodeTask(name: string, role: Role, encode: () => Uint8Array, verify: (output: Uint8Array) => void): TaskSpec {
  let output: Uint8Array = new Uint8Array(0);
  let size = 0;
  return {
    name,
    role,
    ops: OPS,
    fn: (ops) => {
      for (let i = 0; i < ops; i++) output = encode();
    },
    check: () => {
      output = encode();
      size = output.byteLength;
      verify(output);
    },
    extra: () => ({ bytes: formatBytes(size) }),
  };
}

function table(): TableSpec {
  const plain = makePod(0);
  const frozen = deepFreeze(makePod(0));
  const expected = Buffer.from(stableStringify(plain));
  const json = new JsonEncoder();
  const yaml = new YamlEncoder();
  const protobuf = new ProtobufEncoder();
  const roundTrips = (codec: Codec, output: Uint8Array, what: string, expectedObject: unknown = plain): void => {
    assert(isDeepStrictEqual(codec.decode(output), expectedObject), `${what} does not decode back to the pod`);
  };

  return {
    title: 'encode one pod to bytes',
    columns: ['bytes'],
    tasks: [
      encodeTask(
        'JSON.stringify (keys as given: not deterministic)',
        'floor',
        () => Buffer.from(JSON.stringify(plain)),
        (output) => assert(isDeepStrictEqual(JSON.parse(Buffer.from(output).toString('utf8')), plain), 'JSON.stringify output does not parse back to the pod'),
      ),
      encodeTask(
        'JsonEncoder, frozen object (native fast path)',
        'ours',
        () => encodeToBuffer((sink) => json.encode(frozen, sink)),
        (output) => {
          assertSameBytes(output, expected, 'JsonEncoder (frozen)');
          roundTrips(json, output, 'JsonEncoder (frozen)');
        },
      ),
      encodeTask(
        'JsonEncoder, plain object (sorting path)',
        'alt',
        () => encodeToBuffer((sink) => json.encode(plain, sink)),
        (output) => assertSameBytes(output, expected, 'JsonEncoder (plain)'),
      ),
      encodeTask(
        'YamlEncoder, frozen object',
        'alt',
        () => encodeToBuffer((sink) => yaml.encode(frozen, sink)),
        (output) => roundTrips(yaml, output, 'YamlEncoder'),
      ),
      encodeTask(
        `ProtobufEncoder (protobufjs ${packageVersion('protobufjs', join(REPO_ROOT, 'packages', 'codec'))}), frozen object`,
        'alt',
        () => encodeToBuffer((sink) => protobuf.encode(frozen, sink)),
        (output) => {
          assert(Buffer.from(output.subarray(0, 4)).equals(Buffer.from('k8s\0', 'latin1')), 'no k8s\\0 envelope');
          // Protobuf has no null: a zero lastProbeTime comes back absent, as in Kubernetes.
          roundTrips(protobuf, output, 'ProtobufEncoder', withoutNulls(plain));
        },
      ),
      encodeTask(
        `fast-json-stable-stringify ${packageVersion('fast-json-stable-stringify')}`,
        'peer',
        () => Buffer.from(stableStringify(plain)),
        (output) => assertSameBytes(output, expected, 'fast-json-stable-stringify'),
      ),
    ],
  };
}

export const oneObjectSuite: Suite = {
  name: 'codec/one-object',
  title: 'encode one object',
  measures:
    'One ~3.9 KB pod encoded to bytes (`Buffer`), 8 encodes per sample: native `JSON.stringify` (the floor: fastest, but key order as given), ' +
    'our deterministic `JsonEncoder` on a `deepFreeze`d pod (sorted at freeze time, so native stringify is exact) and on a plain one (sorting stringifier), ' +
    '`YamlEncoder`, `ProtobufEncoder` (Kubernetes wire envelope), and fast-json-stable-stringify, the deterministic stringifier a user would pick. Every deterministic JSON output is checked byte for byte; YAML and protobuf round-trip.',

  async check(): Promise<void> {
    checkTable(table());
  },

  async run(options: RunOptions): Promise<SuiteResult> {
    const measured = await measureTable(table(), options);
    const stable = measured.rows.find((r) => r.name.startsWith('fast-json-stable-stringify'))!;
    return {
      tables: [measured],
      targets: [
        // The issue sets no target for this suite; this checks the claim the JsonEncoder doc makes ("several times faster").
        ratioTarget('claim of the JsonEncoder doc: on a frozen pod, faster than fast-json-stable-stringify', stable.ratio, { atLeast: 1 }, formatRatio),
      ],
    };
  },
};
