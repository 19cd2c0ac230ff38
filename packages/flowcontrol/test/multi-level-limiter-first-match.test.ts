import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type AttributeMatch, compileMatch, FakeClock, fixedRetryAfter, MultiLevelLimiter, type RequestAttributes, TokenBucket } from '../src/index.js';

const value = fc.constantFrom('', 'a', 'ab', 'abc', 'b', 'kubelet/v1', 'kube');
const pattern = fc.oneof(value, value.map((v) => `${v}*`), fc.constantFrom('*', '*b', 'a*c'));
const patterns = fc.oneof(pattern, fc.array(pattern, { maxLength: 4 }));
const attributeMatch = fc
  .record({ userAgent: patterns, resource: patterns, verb: patterns, groups: patterns }, { requiredKeys: [] })
  .map((match) => match as AttributeMatch);
const request = fc
  .record({ userAgent: value, resource: value, verb: value, groups: fc.array(value, { maxLength: 2 }) }, { requiredKeys: ['verb'] })
  .map((attributes) => attributes as RequestAttributes);

describe('MultiLevelLimiter first match', () => {
  it('.decide() — every bucket empty: rejected by the first level with a match, by its first matching rule (naive scan)', () => {
    fc.assert(
      fc.property(fc.array(fc.array(attributeMatch, { maxLength: 12 }), { maxLength: 4 }), fc.array(request, { minLength: 1, maxLength: 10 }), (levels, requests) => {
        const clock = new FakeClock();
        const empty = (): TokenBucket => {
          const bucket = new TokenBucket({ ratePerSecond: 1, burst: 1, clock });
          bucket.consume(1);
          return bucket;
        };
        const limiter = new MultiLevelLimiter({
          clock,
          retryAfter: fixedRetryAfter(1),
          levels: levels.map((rules, l) => ({ name: `level-${l}`, rules: rules.map((match, r) => ({ name: `rule-${r}`, match, limit: empty() })) })),
        });
        for (const attributes of requests) {
          let expected: { level: string; rule: string } | undefined;
          for (const [l, rules] of levels.entries()) {
            const r = rules.findIndex((match) => compileMatch(match)(attributes));
            if (r >= 0) {
              expected = { level: `level-${l}`, rule: `rule-${r}` };
              break;
            }
          }
          const decision = limiter.decide(attributes);
          if (expected === undefined) expect(decision).toEqual({ allowed: true, exempt: false });
          else expect(decision).toMatchObject({ allowed: false, ...expected });
        }
      }),
    );
  });
});
