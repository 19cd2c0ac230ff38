import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RuleIndex } from '../src/internal/rule-index.js';
import { type AttributeMatch, compileMatch, type RequestAttributes } from '../src/index.js';

// A small alphabet so that values, exact patterns and prefixes collide often.
const VALUES = ['', 'a', 'ab', 'abc', 'abd', 'b', 'ba', 'kubelet/v1', 'kube'] as const;
const value = fc.constantFrom(...VALUES);
const pattern = fc.oneof(value, value.map((v) => `${v}*`), fc.constantFrom('*', '*b', 'a*c', '*a*', 'a**'));
const patterns = fc.oneof(pattern, fc.array(pattern, { maxLength: 5 }));
const STRING_FIELDS = ['user', 'userAgent', 'verb', 'resource', 'subresource', 'namespace', 'groups'] as const;

// Few fields per match (most of them one), or random requests would almost never match.
const attributeMatch: fc.Arbitrary<AttributeMatch> = fc
  .uniqueArray(fc.constantFrom(...STRING_FIELDS, 'isLongRunning' as const), { maxLength: 3 })
  .chain((fields) => fc.tuple(...fields.map((field) => (field === 'isLongRunning' ? fc.boolean() : patterns))).map((given) => Object.fromEntries(fields.map((field, i) => [field, given[i]]))))
  .map((match) => match as AttributeMatch);
const rule = fc.oneof(attributeMatch, fc.array(attributeMatch, { maxLength: 3 }));

const request: fc.Arbitrary<RequestAttributes> = fc
  .record(
    {
      user: value,
      userAgent: value,
      verb: value,
      resource: value,
      subresource: value,
      namespace: value,
      groups: fc.array(value, { maxLength: 3 }),
      isLongRunning: fc.boolean(),
    },
    { requiredKeys: ['verb'] },
  )
  .map((attributes) => attributes as RequestAttributes);

/** The reference: try every rule in order. */
function firstMatch(rules: readonly (AttributeMatch | readonly AttributeMatch[])[], attributes: RequestAttributes): number | undefined {
  const index = rules.findIndex((match) => compileMatch(match)(attributes));
  return index < 0 ? undefined : index;
}

describe('RuleIndex', () => {
  it('.find() — equals a first-match scan over random rules and requests', () => {
    const matched = new Set<number>(); // which rule positions ever won: the generators must reach deep rules
    fc.assert(
      fc.property(fc.array(rule, { maxLength: 30 }), fc.array(request, { minLength: 1, maxLength: 20 }), (rules, requests) => {
        const index = new RuleIndex(rules.map((match, order) => ({ match, value: order })));
        for (const attributes of requests) {
          const expected = firstMatch(rules, attributes);
          if (expected !== undefined) matched.add(expected);
          expect(index.find(attributes)).toBe(expected);
        }
      }),
      { numRuns: 500 },
    );
    expect(matched.size).toBeGreaterThan(4);
  });

  it('.find() — the lowest-ordered rule wins across exact, prefix and unindexed candidates', () => {
    const index = new RuleIndex([
      { match: { userAgent: 'kube*', verb: 'get' }, value: 'kube-get' },
      { match: { groups: 'system:nodes' }, value: 'nodes' },
      { match: { userAgent: 'kubelet/*' }, value: 'kubelets' },
      { match: [{ resource: 'pods' }, { userAgent: 'kubectl' }], value: 'pods-or-kubectl' },
      { match: {}, value: 'everyone' },
    ]);
    expect(index.find({ verb: 'get', userAgent: 'kubelet/v1.31' })).toBe('kube-get');
    expect(index.find({ verb: 'list', userAgent: 'kubelet/v1.31', groups: ['system:nodes'] })).toBe('nodes');
    expect(index.find({ verb: 'list', userAgent: 'kubelet/v1.31' })).toBe('kubelets');
    expect(index.find({ verb: 'list', userAgent: 'kubectl' })).toBe('pods-or-kubectl');
    expect(index.find({ verb: 'list', resource: 'pods' })).toBe('pods-or-kubectl');
    expect(index.find({ verb: 'list' })).toBe('everyone');
    expect(new RuleIndex([]).find({ verb: 'get' })).toBeUndefined();
  });

  it('constructor — a pattern that is not a string → TypeError', () => {
    expect(() => new RuleIndex([{ match: { verb: 3 as unknown as string }, value: 0 }])).toThrow(new TypeError('Expected `pattern` to be a string, got `3` (number)'));
  });
});
