import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { isStatusError } from '@apiserver-kit/codec';
import { escapeFieldValue, LabelSelector, parseFieldSelector, parseLabelSelector, SelectableFieldsRegistry } from '../src/index.js';
import type { LabelOperator } from '../src/index.js';

// ---- a reference model, written from the Kubernetes semantics, sharing no code with src/ ----

interface Req {
  key: string;
  op: LabelOperator;
  values: string[];
}

const KEYS = ['a', 'b', 'app', 'tier', 'example.com/tier', 'x.y-z_w', 'K8s'];
const VALUES = ['', 'a', 'b', 'web', 'in', 'notin', 'A.b_c', '1', '10', '007'];
const INTEGERS = ['0', '1', '5', '10', '42', '007', '9223372036854775807'];
const LABEL_VALUES = ['', 'a', 'b', 'web', '1', '5', '10', '-3', '+4', '42', 'x1', '9223372036854775807', '99999999999999999999'];

function uniqueSorted(values: readonly string[]): string[] {
  return [...new Set(values)].sort();
}

function canonical(reqs: readonly Req[]): string {
  const sorted = reqs.map((r, i) => ({ r, i })).sort((x, y) => (x.r.key < y.r.key ? -1 : x.r.key > y.r.key ? 1 : x.i - y.i));
  return sorted
    .map(({ r }) => {
      const vs = uniqueSorted(r.values).join(',');
      switch (r.op) {
        case 'exists':
          return r.key;
        case '!':
          return `!${r.key}`;
        case 'in':
        case 'notin':
          return `${r.key} ${r.op} (${vs})`;
        case 'gt':
          return `${r.key}>${vs}`;
        case 'lt':
          return `${r.key}<${vs}`;
        default:
          return `${r.key}${r.op}${vs}`;
      }
    })
    .join(',');
}

function int64(text: string): bigint | undefined {
  if (!/^[+-]?[0-9]+$/.test(text)) return undefined;
  const v = BigInt(text);
  return v > 9223372036854775807n || v < -9223372036854775808n ? undefined : v;
}

function referenceMatch(reqs: readonly Req[], labels: ReadonlyMap<string, string>): boolean {
  return reqs.every((r) => {
    const has = labels.has(r.key);
    const v = labels.get(r.key);
    switch (r.op) {
      case 'in':
      case '=':
      case '==':
        return has && r.values.includes(v as string);
      case 'notin':
      case '!=':
        return !has || !r.values.includes(v as string);
      case 'exists':
        return has;
      case '!':
        return !has;
      case 'gt':
      case 'lt': {
        const n = has ? int64(v as string) : undefined;
        const bound = int64(r.values[0] as string) as bigint;
        if (n === undefined) return false;
        return r.op === 'gt' ? n > bound : n < bound;
      }
    }
  });
}

// ---- generators ----

const ws = fc.constantFrom('', '', ' ', '  ', '\t', '\n', ' \r\n ');
const ws1 = fc.constantFrom(' ', '\t', '\n', '  ');

const requirement: fc.Arbitrary<Req> = fc
  .record({
    key: fc.constantFrom(...KEYS),
    op: fc.constantFrom<LabelOperator>('in', 'notin', '=', '==', '!=', 'exists', '!', 'gt', 'lt'),
    set: fc.array(fc.constantFrom(...VALUES), { minLength: 1, maxLength: 4 }),
    one: fc.constantFrom(...VALUES),
    integer: fc.constantFrom(...INTEGERS),
  })
  .map(({ key, op, set, one, integer }) => ({
    key,
    op,
    values: op === 'in' || op === 'notin' ? set : op === 'gt' || op === 'lt' ? [integer] : op === 'exists' || op === '!' ? [] : [one],
  }));

function render(r: Req, pad: () => string, pad1: () => string): string {
  switch (r.op) {
    case 'exists':
      return r.key;
    case '!':
      return `!${pad()}${r.key}`;
    case 'in':
    case 'notin':
    {
      // Kubernetes' list grammar is irregular around empty values ("(a,,)" is
      // an error, "(,,a)" is not), so the empty value is written only where
      // it always parses: a leading or a trailing comma, or "()".
      const words = r.values.filter((v) => v !== '');
      const list = words.map((v) => `${v}${pad()}`).join(`,${pad()}`);
      const body = !r.values.includes('') ? list : words.length === 0 ? (pad1() === ' ' ? '' : ',') : pad1() === ' ' ? `,${list}` : `${list},`;
      return `${r.key}${pad1()}${r.op}${pad()}(${pad()}${body})`;
    }
    case 'gt':
      return `${r.key}${pad()}>${pad()}${r.values[0]}`;
    case 'lt':
      return `${r.key}${pad()}<${pad()}${r.values[0]}`;
    default:
      return `${r.key}${pad()}${r.op}${pad()}${r.values[0]}`;
  }
}

const selectorCase = fc
  .record({
    reqs: fc.array(requirement, { maxLength: 6 }),
    pads: fc.array(ws, { minLength: 64, maxLength: 64 }),
    pads1: fc.array(ws1, { minLength: 16, maxLength: 16 }),
  })
  .map(({ reqs, pads, pads1 }) => {
    let i = 0;
    let j = 0;
    const pad = (): string => pads[i++ % pads.length] as string;
    const pad1 = (): string => pads1[j++ % pads1.length] as string;
    const text = `${pad()}${reqs.map((r) => render(r, pad, pad1)).join(`${pad()},${pad()}`)}${pad()}`;
    return { reqs, text };
  });

const labelMap = fc
  .array(fc.tuple(fc.constantFrom(...KEYS, 'other'), fc.constantFrom(...LABEL_VALUES)), { maxLength: 6 })
  .map((entries) => new Map(entries));

// ---- properties ----

describe('label selectors against the reference model', () => {
  it('parse(render(requirements)).toString() is the canonical form; matches() equals the reference', () => {
    fc.assert(
      fc.property(selectorCase, fc.array(labelMap, { minLength: 1, maxLength: 8 }), ({ reqs, text }, maps) => {
        const selector = parseLabelSelector(text);
        expect(selector.toString()).toBe(canonical(reqs));
        expect(selector.isEmpty).toBe(reqs.length === 0);
        for (const labels of maps) {
          expect(selector.matches(Object.fromEntries(labels))).toBe(referenceMatch(reqs, labels));
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('toString() round-trips: parse(s.toString()) renders the same and matches the same', () => {
    fc.assert(
      fc.property(selectorCase, labelMap, ({ text }, labels) => {
        const selector = parseLabelSelector(text);
        const again = parseLabelSelector(selector.toString());
        expect(again.toString()).toBe(selector.toString());
        const record = Object.fromEntries(labels);
        expect(again.matches(record)).toBe(selector.matches(record));
      }),
      { numRuns: 1000 },
    );
  });

  it('pinnedValues() never excludes a matching object', () => {
    fc.assert(
      fc.property(selectorCase, labelMap, fc.constantFrom(...KEYS), ({ text }, labels, key) => {
        const selector = parseLabelSelector(text);
        const pinned = selector.pinnedValues(key);
        const record = Object.fromEntries(labels);
        if (pinned !== undefined && selector.matches(record)) expect(pinned).toContain(labels.get(key));
      }),
      { numRuns: 1000 },
    );
  });
});

const LABEL_ALPHABET = [
  ...'abxyzAZ019.-_/',
  '=', '==', '!=', '!', '(', ')', ',', '<', '>', ' ', '\t', '\n', '\r',
  'in', 'notin', ' in ', ' notin ',
  '|', '"', "'", '\\', '\0', '&', '*', 'é', '😀', '\u00a0', '\ud800',
];

describe('fuzzed selector strings', () => {
  it('parseLabelSelector() returns a selector or raises BadRequest 400, nothing else', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...LABEL_ALPHABET), maxLength: 40 }), (text) => {
        let selector: LabelSelector;
        try {
          selector = parseLabelSelector(text);
        } catch (error) {
          expect(isStatusError(error, 'BadRequest')).toBe(true);
          expect((error as { code: number }).code).toBe(400);
          return;
        }
        expect(parseLabelSelector(selector.toString()).toString()).toBe(selector.toString());
      }),
      { numRuns: 5000 },
    );
  });

  it('parseFieldSelector() returns a selector or raises BadRequest 400, nothing else', () => {
    const pods = new SelectableFieldsRegistry().get('pods');
    const alphabet = [...'ab.xyz019 ', '=', '==', '!=', '!', ',', '\\', '\\,', '\\=', '\\\\', 'spec.nodeName', 'metadata.name', 'spec.host', '(', ')', 'é', '😀', '\0'];
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...alphabet), maxLength: 40 }), fc.boolean(), (text, checked) => {
        try {
          const selector = parseFieldSelector(text, checked ? pods : undefined);
          const again = parseFieldSelector(selector.toString(), checked ? pods : undefined);
          expect(parseFieldSelector(again.toString()).toString()).toBe(again.toString());
        } catch (error) {
          expect(isStatusError(error, 'BadRequest')).toBe(true);
          expect((error as { code: number }).code).toBe(400);
        }
      }),
      { numRuns: 5000 },
    );
  });
});

describe('field selectors against the reference model', () => {
  const FIELDS = ['metadata.name', 'spec.nodeName', 'a', 'x.y'];
  const valueChars = fc.constantFrom(...'ab1 .-', '\\', ',', '=', '!', 'é', '😀');
  const term = fc.record({
    field: fc.constantFrom(...FIELDS),
    op: fc.constantFrom('=', '==', '!='),
    value: fc.string({ unit: valueChars, maxLength: 6 }),
  });
  const utf8Order = (a: string, b: string): number => Buffer.compare(Buffer.from(a), Buffer.from(b));

  it('parse(render(terms)) has the terms in sorted raw order, unescaped; matches() equals the reference', () => {
    fc.assert(
      fc.property(
        fc.array(term, { maxLength: 5 }),
        fc.dictionary(fc.constantFrom(...FIELDS), fc.string({ unit: valueChars, maxLength: 3 })),
        (terms, fields) => {
          const raw = terms.map((t) => ({ ...t, text: `${t.field}${t.op}${escapeFieldValue(t.value)}` }));
          const selector = parseFieldSelector(raw.map((t) => t.text).join(','));
          const expected = [...raw].sort((x, y) => utf8Order(x.text, y.text));
          expect(selector.requirements.map((r) => [r.field, r.operator, r.value])).toEqual(
            expected.map((t) => [t.field, t.op === '!=' ? '!=' : '=', t.value]),
          );
          const reference = terms.every((t) => ((fields[t.field] ?? '') === t.value) === (t.op !== '!='));
          expect(selector.matches(fields)).toBe(reference);
          const once = parseFieldSelector(selector.toString());
          expect(parseFieldSelector(once.toString()).toString()).toBe(once.toString());
          expect(once.matches(fields)).toBe(reference);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
