import { describe, expect, it } from 'vitest';
import { badArgument, checkDuration, checkInteger, checkOptions, checkSignal, fraction, nonNegativeInteger, nonNegativeNumber, positiveInteger, positiveNumber, received } from '../src/index.js';

describe('received()', () => {
  it('quotes the value and names its type, as the template does', () => {
    expect([-1, 'x', null, undefined, 10n, () => 1, { a: 1 }, Number.NaN, Symbol('s')].map(received)).toEqual([
      '`-1` (number)',
      '`"x"` (string)',
      '`null` (null)',
      '`undefined` (undefined)',
      '`10n` (bigint)',
      '`function` (function)',
      '`{"a":1}` (object)',
      '`NaN` (number)',
      '`Symbol(s)` (symbol)',
    ]);
  });

  it('cuts long objects to 60 characters and survives cycles', () => {
    expect(received({ long: 'x'.repeat(100) })).toBe(`\`{"long":"${'x'.repeat(48)}...\` (object)`);
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    expect(received(cyclic)).toBe('`[object Object]` (object)');
  });
});

describe('badArgument()', () => {
  it('throws the template as a TypeError, or as the class given', () => {
    expect(() => badArgument('burst', 'a positive finite number', 'x')).toThrow(new TypeError('Expected `burst` to be a positive finite number, got `"x"` (string)'));
    expect(() => badArgument('burst', 'a positive finite number', -1, RangeError)).toThrow(RangeError);
  });
});

describe('checks', () => {
  it('checkInteger() — wrong type → TypeError, too small → RangeError; the constraint follows min', () => {
    expect(() => checkInteger('capacity', -1, 1)).toThrow(new RangeError('Expected `capacity` to be a positive integer, got `-1` (number)'));
    expect(() => checkInteger('capacity', 1.5, 0)).toThrow(new TypeError('Expected `capacity` to be a non-negative integer, got `1.5` (number)'));
    expect(() => checkInteger('pageSize', 1, 2)).toThrow(new RangeError('Expected `pageSize` to be an integer ≥ 2, got `1` (number)'));
    expect(() => checkInteger('capacity', 2 ** 53, 0)).toThrow(TypeError);
    expect(() => checkInteger('capacity', 3, 1)).not.toThrow();
  });

  it('checkDuration(), checkOptions(), checkSignal()', () => {
    expect(() => checkDuration('timeoutMs', -1)).toThrow(new RangeError('Expected `timeoutMs` to be a non-negative number of milliseconds, got `-1` (number)'));
    expect(() => checkDuration('timeoutMs', Infinity)).toThrow(TypeError);
    expect(() => checkOptions('options', null)).toThrow(new TypeError('Expected `options` to be an object, got `null` (null)'));
    expect(() => checkOptions('options', undefined)).not.toThrow();
    expect(() => checkSignal('signal', {})).toThrow(new TypeError('Expected `signal` to be an AbortSignal, got `{}` (object)'));
    expect(() => checkSignal('signal', AbortSignal.abort())).not.toThrow();
  });

  it('positiveNumber(), nonNegativeNumber(), positiveInteger(), nonNegativeInteger(), fraction() — return the value or throw the template', () => {
    expect([positiveNumber('a', 0.5), nonNegativeNumber('b', 0), positiveInteger('c', 3), nonNegativeInteger('d', 0), fraction('e', 1)]).toEqual([0.5, 0, 3, 0, 1]);
    expect(() => positiveNumber('ratePerSecond', '5')).toThrow(new TypeError('Expected `ratePerSecond` to be a positive finite number, got `"5"` (string)'));
    expect(() => positiveNumber('ratePerSecond', 0)).toThrow(new RangeError('Expected `ratePerSecond` to be a positive finite number, got `0` (number)'));
    expect(() => nonNegativeNumber('queueTimeoutMs', -1)).toThrow(new RangeError('Expected `queueTimeoutMs` to be a non-negative finite number, got `-1` (number)'));
    expect(() => positiveInteger('maxAttempts', 0)).toThrow(new RangeError('Expected `maxAttempts` to be a positive integer, got `0` (number)'));
    expect(() => nonNegativeInteger('limit', 1.5)).toThrow(new TypeError('Expected `limit` to be a non-negative integer, got `1.5` (number)'));
    expect(() => fraction('jitter', 2)).toThrow(new RangeError('Expected `jitter` to be a number between 0 and 1, got `2` (number)'));
    expect(() => fraction('jitter', Number.NaN)).toThrow(TypeError);
  });
});
