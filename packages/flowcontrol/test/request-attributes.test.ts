import { describe, expect, it } from 'vitest';
import { compileMatch, isReadOnlyVerb } from '../src/index.js';

describe('compileMatch()', () => {
  it('exact, prefix and inner globs; arrays are OR; fields are AND', () => {
    const match = compileMatch({ userAgent: ['kubelet/*', '*-controller/v1*'], verb: 'list' });
    expect(match({ verb: 'list', userAgent: 'kubelet/v1.31.0 (linux/amd64)' })).toBe(true);
    expect(match({ verb: 'list', userAgent: 'node-controller/v1.31' })).toBe(true);
    expect(match({ verb: 'get', userAgent: 'kubelet/v1.31.0' })).toBe(false);
    expect(match({ verb: 'list' })).toBe(false);
    expect(match({ verb: 'list', userAgent: 'kubectl/v1.31' })).toBe(false);
  });

  it('groups match when any group matches; regexp characters in patterns are literal', () => {
    const match = compileMatch({ groups: 'system:masters', resource: 'pods.v1' });
    expect(match({ verb: 'get', groups: ['a', 'system:masters'], resource: 'pods.v1' })).toBe(true);
    expect(match({ verb: 'get', groups: ['a'], resource: 'pods.v1' })).toBe(false);
    expect(match({ verb: 'get', groups: ['system:masters'], resource: 'podsXv1' })).toBe(false);
  });

  it('an empty match, or a list with an empty match, matches everything; isLongRunning compares booleans', () => {
    expect(compileMatch({})({ verb: 'get' })).toBe(true);
    expect(compileMatch([{ user: 'x' }, {}])({ verb: 'get' })).toBe(true);
    expect(compileMatch({ isLongRunning: false })({ verb: 'get' })).toBe(true);
    expect(compileMatch({ isLongRunning: true })({ verb: 'watch', isLongRunning: true })).toBe(true);
  });

  it('a non-string pattern → TypeError', () => {
    expect(() => compileMatch({ user: 5 as unknown as string })).toThrow(new TypeError('Expected `pattern` to be a string, got `5` (number)'));
  });
});

describe('isReadOnlyVerb()', () => {
  it('get, list, watch are read-only; writes are not', () => {
    expect(['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'].map(isReadOnlyVerb)).toEqual([true, true, true, false, false, false, false]);
  });
});
