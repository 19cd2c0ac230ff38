import { describe, expect, it } from 'vitest';
import { isStatusError } from '@apiserver-kit/codec';
import {
  escapeFieldValue,
  FieldSelector,
  fieldSelectorFromSet,
  parseFieldSelector,
  SelectableFieldsRegistry,
} from '../src/index.js';

function errorOf(run: () => unknown): { message: string; reason: string; code: number } {
  try {
    run();
  } catch (error) {
    if (!isStatusError(error)) throw error;
    return { message: error.message, reason: error.reason, code: error.code };
  }
  throw new Error('expected a StatusError');
}

const registry = new SelectableFieldsRegistry();
const pods = registry.get('pods');

describe('parseFieldSelector() — valid selectors', () => {
  const cases: [string, string, [string, string, string][]][] = [
    ['', '', []],
    [',,', '', []],
    ['=', '', []], // empty field and empty value: dropped, as Kubernetes' Transform does
    ['a=b', 'a=b', [['a', '=', 'b']]],
    ['a==b', 'a=b', [['a', '=', 'b']]],
    ['a!=b', 'a!=b', [['a', '!=', 'b']]],
    ['a=', 'a=', [['a', '=', '']]],
    ['a!=', 'a!=', [['a', '!=', '']]],
    ['=b', '=b', [['', '=', 'b']]],
    ['b=2,a=1', 'a=1,b=2', [['a', '=', '1'], ['b', '=', '2']]],
    [',a=1,,', 'a=1', [['a', '=', '1']]],
    // terms sorted as raw text: 'a==2' < 'a=b' because '=' < 'b'
    ['a=b,a==2', 'a=2,a=b', [['a', '=', '2'], ['a', '=', 'b']]],
    ['a!b=c', 'a!b=c', [['a!b', '=', 'c']]],
    ['a =b ', 'a =b ', [['a ', '=', 'b ']]],
    ['a=x\\,y', 'a=x\\,y', [['a', '=', 'x,y']]],
    ['a=\\=\\\\', 'a=\\=\\\\', [['a', '=', '=\\']]],
    ['a\\,b=c', 'a\\,b=c', [['a\\,b', '=', 'c']]],
    ['a=é😀', 'a=é😀', [['a', '=', 'é😀']]],
  ];
  for (const [text, canonical, terms] of cases) {
    it(`${JSON.stringify(text)} → ${JSON.stringify(canonical)}`, () => {
      const selector = parseFieldSelector(text);
      expect(selector.toString()).toBe(canonical);
      expect(selector.requirements.map((t) => [t.field, t.operator, t.value])).toEqual(terms);
      expect(selector.isEmpty).toBe(terms.length === 0);
    });
  }

  it('the empty selector is FieldSelector.everything', () => {
    expect(parseFieldSelector('')).toBe(FieldSelector.everything);
  });

  it('escapeFieldValue() — \\ , = are escaped', () => {
    expect(escapeFieldValue('a\\b,c=d')).toBe('a\\\\b\\,c\\=d');
    expect(escapeFieldValue('plain')).toBe('plain');
  });

  it('fieldSelectorFromSet() — one = term per field, sorted', () => {
    expect(fieldSelectorFromSet({ 'spec.nodeName': 'n1', 'metadata.name': 'a,b' }).toString()).toBe(
      'metadata.name=a\\,b,spec.nodeName=n1',
    );
    expect(fieldSelectorFromSet({})).toBe(FieldSelector.everything);
  });
});

describe('parseFieldSelector() — Kubernetes error messages, BadRequest 400', () => {
  const cases: [string, string][] = [
    ['a', "invalid selector: 'a'; can't understand 'a'"],
    ['a=b,c', "invalid selector: 'a=b,c'; can't understand 'c'"],
    ['z,a', "invalid selector: 'z,a'; can't understand 'a'"], // the first in sorted order
    ['a!b', "invalid selector: 'a!b'; can't understand 'a!b'"],
    ['a<1', "invalid selector: 'a<1'; can't understand 'a<1'"],
    ['a in (b)', "invalid selector: 'a in (b)'; can't understand 'a in (b)'"],
    ['a=b=c', 'invalid field selector: unescaped character in value: 61'],
    ['a=b\\x', 'invalid field selector: invalid escape sequence: \\x'],
    ['a=b\\😀', 'invalid field selector: invalid escape sequence: \\😀'],
    ['a=b\\', 'invalid field selector: invalid escape sequence: \\'],
    ['a=b\\,c=d', 'invalid field selector: unescaped character in value: 61'],
  ];
  for (const [text, message] of cases) {
    it(JSON.stringify(text), () => {
      expect(errorOf(() => parseFieldSelector(text))).toEqual({ message, reason: 'BadRequest', code: 400 });
    });
  }

  it('field label not supported: <name> — per resource', () => {
    expect(errorOf(() => parseFieldSelector('spec.foo=x', pods))).toEqual({
      message: 'field label not supported: spec.foo',
      reason: 'BadRequest',
      code: 400,
    });
    expect(errorOf(() => parseFieldSelector('=x', pods)).message).toBe('field label not supported: ');
    expect(errorOf(() => parseFieldSelector('spec.zz=1,spec.aa=1', pods)).message).toBe('field label not supported: spec.aa');
    expect(errorOf(() => parseFieldSelector('metadata.namespace=', registry.get('nodes'))).message).toBe(
      'field label not supported: metadata.namespace',
    );
    expect(errorOf(() => parseFieldSelector('status.phase=Running', ['metadata.name'])).message).toBe(
      'field label not supported: status.phase',
    );
  });

  it('resources without a definition: Kubernetes\' default message', () => {
    expect(errorOf(() => parseFieldSelector('spec.replicas=1', registry.get('deployments.apps'))).message).toBe(
      '"spec.replicas" is not a known field selector: only "metadata.name", "metadata.namespace"',
    );
  });

  it('syntax errors come before unsupported labels', () => {
    expect(errorOf(() => parseFieldSelector('spec.foo=1,zzz', pods)).message).toBe(
      "invalid selector: 'spec.foo=1,zzz'; can't understand 'zzz'",
    );
  });

  it('aliases resolve to their field: spec.host → spec.nodeName', () => {
    const selector = parseFieldSelector('spec.host=n1', pods);
    expect(selector.toString()).toBe('spec.nodeName=n1');
    expect(selector.requiresExactMatch('spec.nodeName')).toBe('n1');
  });
});

describe('FieldSelector.matches()', () => {
  const fields = Object.freeze({ 'metadata.name': 'web-0', 'spec.nodeName': 'n1', 'status.phase': '' });
  const cases: [string, boolean][] = [
    ['', true],
    ['spec.nodeName=n1', true],
    ['spec.nodeName==n1', true],
    ['spec.nodeName=n2', false],
    ['spec.nodeName!=n2', true],
    ['spec.nodeName!=n1', false],
    ['status.phase=', true],
    ['missing=', true], // a missing field reads as ""
    ['missing!=', false],
    ['missing=x', false],
    ['constructor=', true], // not an inherited member
    ['metadata.name=web-0,spec.nodeName=n1', true],
    ['metadata.name=web-0,spec.nodeName=n2', false],
  ];
  for (const [text, expected] of cases) {
    it(`${JSON.stringify(text)} → ${expected}`, () => {
      expect(parseFieldSelector(text).matches(fields)).toBe(expected);
    });
  }

  it('undefined fields read as ""', () => {
    expect(parseFieldSelector('a=').matches(undefined)).toBe(true);
    expect(parseFieldSelector('a=x').matches(undefined)).toBe(false);
  });

  it('the empty selector never reads the fields', () => {
    const untouchable = new Proxy(
      {},
      {
        get() {
          throw new Error('read');
        },
      },
    );
    expect(FieldSelector.everything.matches(untouchable)).toBe(true);
  });

  it('.requiresExactMatch() / .pinnedValues() — only = terms pin a field', () => {
    const selector = parseFieldSelector('spec.nodeName=n1,status.phase!=Failed');
    expect(selector.requiresExactMatch('spec.nodeName')).toBe('n1');
    expect(selector.pinnedValues('spec.nodeName')).toEqual(['n1']);
    expect(selector.requiresExactMatch('status.phase')).toBeUndefined();
    expect(selector.pinnedValues('status.phase')).toBeUndefined();
  });
});
