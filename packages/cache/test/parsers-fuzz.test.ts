import fc from 'fast-check';
import { describe, it } from 'vitest';
import {
  decodeContinueToken,
  encodeContinueToken,
  parseFieldSelector,
  parseLabelSelector,
  parseResourceVersion,
  SelectableFieldsRegistry,
  validateListOptions,
} from '../src/index.js';
// One bound for every parser fuzz of the kit: the codec's decoders and negotiation use it too.
import { expectBounded } from '../../codec/test/bounded.js';

/**
 * Acceptance fuzz of every public parser of the cache: whatever the input,
 * the parser answers or throws a StatusError BadRequest 400 (never a
 * TypeError/RangeError), and its time and heap grow at most linearly with the
 * input (codec's `expectBounded`, shared by every parser fuzz). The time bound
 * is generous — a fixed 100 ms plus 20 µs per byte, per input — so that a
 * loaded machine cannot fail it, while a quadratic parser on the long inputs
 * (up to 20 000 characters) would; the heap bound is 64 MiB plus 256 bytes
 * per byte of input.
 */
function parsesOrRefuses(parse: (text: string) => unknown): (text: string) => void {
  return (text) => expectBounded(Buffer.byteLength(text), () => parse(text), ['BadRequest'], { microsecondsPerByte: 20 });
}

const pieces = [
  ...'abz09.-_/ ',
  '=', '==', '!=', '!', '(', ')', ',', '<', '>', 'in', 'notin', '\\', '\\,', '"', '\0', 'é', '😀', '\ud800', '\t',
  'spec.nodeName', 'metadata.name', 'app', 'x in (a,b)',
];
/** Short inputs from the grammar's pieces, and long ones (a piece repeated, or many pieces). */
const text = fc.oneof(
  { weight: 4, arbitrary: fc.string({ unit: fc.constantFrom(...pieces), maxLength: 60 }) },
  { weight: 1, arbitrary: fc.tuple(fc.string({ unit: fc.constantFrom(...pieces), maxLength: 8 }), fc.integer({ min: 100, max: 2_000 })).map(([s, n]) => s.repeat(n).slice(0, 20_000)) },
  { weight: 1, arbitrary: fc.string({ maxLength: 200 }) },
);

const tokenJson = fc.oneof(
  fc.json({ maxDepth: 2 }),
  fc.record({
    v: fc.oneof(fc.constant('meta.k8s.io/v1'), fc.string({ maxLength: 4 })),
    rv: fc.oneof(fc.integer(), fc.double(), fc.constantFrom('1e3', '-1', '0', '1.0', '9007199254740993', 'null', '"5"', '[1]')),
    start: fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('a/b', '../x', '/a', 'a//b', '.', 'x\\u0000')),
    rc: fc.oneof(fc.integer(), fc.constantFrom('2e1', '-3', 'true')),
  }).map(({ v, rv, start, rc }) => `{"v":${JSON.stringify(v)},"rv":${String(rv)},"start":${JSON.stringify(start)},"rc":${String(rc)}}`),
);
const token = fc.oneof(
  tokenJson.map((json) => Buffer.from(json, 'utf8').toString('base64url')),
  fc.string({ maxLength: 80 }),
  fc.string({ unit: fc.constantFrom(...'ABCxyz019-_=+/'), maxLength: 40 }),
  fc.integer({ min: 1, max: 4_000 }).map((n) => encodeContinueToken(`/pods/${'a/'.repeat(n)}b`, '/pods/', 5, n)),
);

describe('parsers under fuzz — StatusError or an answer, in time and heap linear in the input', () => {
  it('parseLabelSelector', () => {
    fc.assert(fc.property(text, parsesOrRefuses(parseLabelSelector)), { numRuns: 3000 });
  });

  it('parseFieldSelector, with and without a resource’s fields', () => {
    const pods = new SelectableFieldsRegistry().get('pods');
    fc.assert(fc.property(text, fc.boolean(), (input, checked) => parsesOrRefuses((t) => parseFieldSelector(t, checked ? pods : undefined))(input)), { numRuns: 3000 });
  });

  it('decodeContinueToken (continue.go DecodeContinue)', () => {
    fc.assert(fc.property(token, fc.constantFrom('/pods/', '/pods/ns/'), (input, prefix) => parsesOrRefuses((t) => decodeContinueToken(t, prefix))(input)), { numRuns: 3000 });
  });

  it('parseResourceVersion (strconv.ParseUint)', () => {
    const rv = fc.oneof(text, fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }).map(String), fc.constantFrom('1e3', '+5', '05', '0x10', '1.5', ' 1', '１'));
    fc.assert(fc.property(rv, parsesOrRefuses(parseResourceVersion)), { numRuns: 3000 });
  });

  it('validateListOptions (ValidateListOptions): only Invalid 422', () => {
    const options = fc.record(
      {
        watch: fc.boolean(),
        resourceVersion: fc.oneof(fc.constantFrom('', '0', '5'), fc.string({ maxLength: 4 })),
        resourceVersionMatch: fc.oneof(fc.constantFrom('', 'Exact', 'NotOlderThan'), fc.string({ maxLength: 4 })),
        continue: fc.string({ maxLength: 4 }),
        sendInitialEvents: fc.boolean(),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(options, (o) => expectBounded(Buffer.byteLength(JSON.stringify(o)), () => validateListOptions(o), ['Invalid'], { microsecondsPerByte: 20 })),
      { numRuns: 2000 },
    );
  });
});
