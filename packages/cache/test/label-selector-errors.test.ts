import { describe, expect, it } from 'vitest';
import { isStatusError } from '@apiserver-kit/codec';
import { labelRequirement, labelSelectorFromSet, parseLabelSelector, validateLabelKey, validateLabelValue } from '../src/index.js';
import type { LabelOperator } from '../src/index.js';

const KEY_NAME_REGEX =
  "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const VALUE_REGEX =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
const SUBDOMAIN_REGEX =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const PARSE = 'unable to parse requirement: ';

function errorOf(run: () => unknown): { message: string; reason: string; code: number } {
  try {
    run();
  } catch (error) {
    if (!isStatusError(error)) throw error;
    return { message: error.message, reason: error.reason, code: error.code };
  }
  throw new Error('expected a StatusError');
}

describe('parseLabelSelector() — Kubernetes error messages, BadRequest 400', () => {
  const a64 = 'a'.repeat(64);
  const cases: [string, string][] = [
    // the parser's own messages
    [',', "found ',', expected: !, identifier, or 'end of string'"],
    ['=a', "found '=', expected: !, identifier, or 'end of string'"],
    ['!=a', "found '!=', expected: !, identifier, or 'end of string'"],
    [')', "found ')', expected: !, identifier, or 'end of string'"],
    ['x,', "found '', expected: identifier after ','"],
    ['x,,y', "found ',', expected: identifier after ','"],
    ['x,=', "found '=', expected: identifier after ','"],
    ['x==a==b', "found '==', expected: ',' or 'end of string'"],
    ['!x=a', "found '=', expected: ',' or 'end of string'"],
    ['x=a b', "found 'b', expected: ',' or 'end of string'"],
    ['x in (a))', "found ')', expected: ',' or 'end of string'"],
    // inside a requirement
    ['!', `${PARSE}found '', expected: identifier`],
    ['!,', `${PARSE}found ',', expected: identifier`],
    ['!!x', `${PARSE}found '!', expected: identifier`],
    ['x y', `${PARSE}found 'y', expected: in, notin, =, ==, !=, gt, lt`],
    ['x (a)', `${PARSE}found '(', expected: in, notin, =, ==, !=, gt, lt`],
    ['x ! y', `${PARSE}found '!', expected: in, notin, =, ==, !=, gt, lt`],
    ['a\0b', `${PARSE}found 'b', expected: in, notin, =, ==, !=, gt, lt`],
    ['x=(', `${PARSE}found '(', expected: identifier`],
    ['x===b', `${PARSE}found '=', expected: identifier`],
    ['x in a', `${PARSE}found 'a' expected: '('`],
    ['x in', `${PARSE}found '' expected: '('`],
    ['x in (', `${PARSE}found '', expected: ',', ')' or identifier`],
    ['x in ((', `${PARSE}found '(', expected: ',', ')' or identifier`],
    ['x in (a', `${PARSE}found '', expected: ',' or ')'`],
    ['x in (a b)', `${PARSE}found 'b', expected: ',' or ')'`],
    ['x in (a,=)', `${PARSE}found '=', expected: ',', or identifier`],
    ['x notin (a,', `${PARSE}found '', expected: ',', or identifier`],
    // Kubernetes' quirk: after ",," the list wants a value, so these fail
    ['x in (a,,)', `${PARSE}found ')', expected: ',', or identifier`],
    ['x in (,,)', `${PARSE}found ')', expected: ',', or identifier`],
    // key validation: a nil field path, which Go prints as <nil>
    [
      'x/y/z',
      `${PARSE}<nil>: Invalid value: "x/y/z": a valid label key ${KEY_NAME_REGEX} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
    ],
    ['/x', `${PARSE}<nil>: Invalid value: "/x": prefix part must be non-empty`],
    ['Example.com/x', `${PARSE}<nil>: Invalid value: "Example.com/x": prefix part ${SUBDOMAIN_REGEX}`],
    ['a/', `${PARSE}<nil>: Invalid value: "a/": name part must be non-empty; name part ${KEY_NAME_REGEX}`],
    ['-x', `${PARSE}<nil>: Invalid value: "-x": name part ${KEY_NAME_REGEX}`],
    [`${a64}=1`, `${PARSE}<nil>: Invalid value: "${a64}": name part must be no more than 63 bytes`],
    [`x${'.x'.repeat(127)}/k`, `${PARSE}<nil>: Invalid value: "x${'.x'.repeat(127)}/k": prefix part must be no more than 253 bytes`],
    ['"x"', `${PARSE}<nil>: Invalid value: "\\"x\\"": name part ${KEY_NAME_REGEX}`],
    ['é', `${PARSE}<nil>: Invalid value: "é": name part ${KEY_NAME_REGEX}`],
    // value validation: path values[i][key], values sorted
    ['x=a||y=b', `${PARSE}values[0][x]: Invalid value: "a||y": ${VALUE_REGEX}`],
    [`x=${a64}`, `${PARSE}values[0][x]: Invalid value: "${a64}": must be no more than 63 bytes`],
    [`x=${'é'.repeat(32)}`, `${PARSE}values[0][x]: Invalid value: "${'é'.repeat(32)}": must be no more than 63 bytes; ${VALUE_REGEX}`],
    ['x in (a,b_)', `${PARSE}values[1][x]: Invalid value: "b_": ${VALUE_REGEX}`],
    ['x in (b_,a)', `${PARSE}values[1][x]: Invalid value: "b_": ${VALUE_REGEX}`],
    ['x=a\u00a0b', `${PARSE}values[0][x]: Invalid value: "a\\u00a0b": ${VALUE_REGEX}`],
    ['x=a\u0001', `${PARSE}values[0][x]: Invalid value: "a\\x01": ${VALUE_REGEX}`],
    ['x=\u000b', `${PARSE}values[0][x]: Invalid value: "\\v": ${VALUE_REGEX}`],
    // gt / lt
    ['x<a', `${PARSE}values[0]: Invalid value: "a": for 'Gt', 'Lt' operators, the value must be an integer`],
    ['x>', `${PARSE}values[0]: Invalid value: "": for 'Gt', 'Lt' operators, the value must be an integer`],
    ['x>9223372036854775808', `${PARSE}values[0]: Invalid value: "9223372036854775808": for 'Gt', 'Lt' operators, the value must be an integer`],
    ['x>-1', `${PARSE}values[0][x]: Invalid value: "-1": ${VALUE_REGEX}`],
    [
      'x>a.',
      `${PARSE}[values[0]: Invalid value: "a.": for 'Gt', 'Lt' operators, the value must be an integer, values[0][x]: Invalid value: "a.": ${VALUE_REGEX}]`,
    ],
    // the first failing requirement wins, in input order
    ['b=c_,a=-', `${PARSE}values[0][b]: Invalid value: "c_": ${VALUE_REGEX}`],
  ];
  for (const [text, message] of cases) {
    it(`${JSON.stringify(text)}`, () => {
      expect(errorOf(() => parseLabelSelector(text))).toEqual({ message, reason: 'BadRequest', code: 400 });
    });
  }
});

describe('labelRequirement() — NewRequirement messages', () => {
  const cases: [string, string, string[], string][] = [
    ['x', 'gt', ['1', '2'], `values: Invalid value: ["1","2"]: for 'Gt', 'Lt' operators, exactly one value is required`],
    ['x', 'lt', [], `values: Invalid value: []: for 'Gt', 'Lt' operators, exactly one value is required`],
    ['x', 'in', [], "values: Invalid value: []: for 'in', 'notin' operators, values set can't be empty"],
    ['x', '=', ['a', 'b'], 'values: Invalid value: ["a","b"]: exact-match compatibility requires one single value'],
    ['x', 'exists', ['a'], 'values: Invalid value: ["a"]: values set must be empty for exists and does not exist'],
    ['x', '!', ['<a>'], `[values: Invalid value: ["\\u003ca\\u003e"]: values set must be empty for exists and does not exist, values[0][x]: Invalid value: "<a>": ${VALUE_REGEX}]`],
    ['-', '=', ['a'], `key: Invalid value: "-": name part ${KEY_NAME_REGEX}`],
    [
      'x',
      'like',
      [],
      'operator: Unsupported value: "like": supported values: "in", "notin", "=", "==", "!=", "gt", "lt", "exists", "!"',
    ],
  ];
  for (const [key, operator, values, message] of cases) {
    it(`${key} ${operator} ${JSON.stringify(values)}`, () => {
      expect(errorOf(() => labelRequirement(key, operator as LabelOperator, values))).toEqual({
        message,
        reason: 'BadRequest',
        code: 400,
      });
    });
  }

  it('labelSelectorFromSet() — an invalid value is a BadRequest', () => {
    expect(errorOf(() => labelSelectorFromSet({ x: 'a b' })).message).toBe(`values[0][x]: Invalid value: "a b": ${VALUE_REGEX}`);
  });
});

describe('validateLabelKey() / validateLabelValue()', () => {
  it('accept the limits', () => {
    expect(validateLabelKey(`${'a'.repeat(63)}`)).toEqual([]);
    expect(validateLabelKey(`${'a'.repeat(253)}/${'b'.repeat(63)}`)).toEqual([]);
    expect(validateLabelValue('')).toEqual([]);
    expect(validateLabelValue('a'.repeat(63))).toEqual([]);
  });

  it('report every message, in Kubernetes order', () => {
    expect(validateLabelKey('/')).toEqual(['prefix part must be non-empty', 'name part must be non-empty', `name part ${KEY_NAME_REGEX}`]);
    expect(validateLabelKey(`${'A'.repeat(254)}/`)).toEqual([
      'prefix part must be no more than 253 bytes',
      `prefix part ${SUBDOMAIN_REGEX}`,
      'name part must be non-empty',
      `name part ${KEY_NAME_REGEX}`,
    ]);
    expect(validateLabelValue(`${'a'.repeat(63)}-`)).toEqual(['must be no more than 63 bytes', VALUE_REGEX]);
  });
});
