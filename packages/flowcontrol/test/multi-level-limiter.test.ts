import { describe, expect, it } from 'vitest';
import { FakeClock, fixedRetryAfter, MultiLevelLimiter, TokenBucket } from '../src/index.js';

const kubelet = { user: 'system:node:n1', groups: ['system:nodes'], userAgent: 'kubelet/v1.31', verb: 'list', resource: 'pods' } as const;

describe('MultiLevelLimiter', () => {
  it('.decide() — global read-only and mutating buckets are separate', () => {
    const limiter = new MultiLevelLimiter({ clock: new FakeClock(), readOnly: { ratePerSecond: 1, burst: 1 }, mutating: { ratePerSecond: 1, burst: 2 } });
    expect(limiter.decide({ verb: 'get' }).allowed).toBe(true);
    expect(limiter.decide({ verb: 'list' })).toMatchObject({ allowed: false, level: 'global', rule: 'read-only' });
    expect(limiter.decide({ verb: 'create' }).allowed).toBe(true);
    expect(limiter.decide({ verb: 'delete' }).allowed).toBe(true);
    expect(limiter.decide({ verb: 'update' })).toMatchObject({ allowed: false, level: 'global', rule: 'mutating' });
  });

  it('.decide() — first matching rule wins within a level; a rejection names level and rule and takes nothing elsewhere', () => {
    const clock = new FakeClock();
    const global = new TokenBucket({ ratePerSecond: 1, burst: 100, clock });
    const limiter = new MultiLevelLimiter({
      clock,
      readOnly: global,
      retryAfter: fixedRetryAfter(3),
      levels: [
        { name: 'user-agent', rules: [{ name: 'kubelets', match: { userAgent: 'kubelet/*' }, limit: { ratePerSecond: 1, burst: 10 } }, { name: 'everyone', match: {}, limit: { ratePerSecond: 1, burst: 1 } }] },
        { name: 'resource', rules: [{ name: 'pods', match: { resource: 'pods' }, limit: { ratePerSecond: 1, burst: 2 } }] },
      ],
    });
    expect(limiter.decide(kubelet).allowed).toBe(true);
    expect(limiter.decide(kubelet).allowed).toBe(true);
    const rejected = limiter.decide(kubelet);
    expect(rejected).toEqual({
      allowed: false,
      level: 'resource',
      rule: 'pods',
      retryAfterSeconds: 3,
      message: 'Too many requests: limit "pods" of level "resource" exceeded, please try again later.',
    });
    // Levels 1–2 kept their tokens: 2 taken each, not 3.
    expect(global.available).toBe(98);
    expect(limiter.buckets().get('user-agent/kubelets')?.available).toBe(8);
    // A request matching no rule of a level passes that level.
    expect(limiter.decide({ verb: 'get', userAgent: 'kubectl', resource: 'nodes' }).allowed).toBe(true);
  });

  it('.decide() — exempt requests take nothing and are always allowed', () => {
    const clock = new FakeClock();
    const limiter = new MultiLevelLimiter({ clock, readOnly: { ratePerSecond: 1, burst: 1 }, exempt: { groups: 'system:masters' } });
    limiter.decide({ verb: 'get' });
    expect(limiter.decide({ verb: 'get', groups: ['system:masters'] })).toEqual({ allowed: true, exempt: true });
    expect(limiter.decide({ verb: 'get' }).allowed).toBe(false);
  });

  it('.decide() — priority classes: the control plane may use the reserve others must leave', () => {
    const clock = new FakeClock();
    const limiter = new MultiLevelLimiter({
      clock,
      readOnly: { ratePerSecond: 1, burst: 10 },
      priorities: [{ name: 'control-plane', match: { user: 'system:kube-*' }, reserve: 0 }],
      reserve: 0.2,
    });
    const allowed = (user: string): boolean => limiter.decide({ verb: 'get', user }).allowed;
    expect(Array.from({ length: 9 }, () => allowed('alice')).filter(Boolean).length).toBe(8);
    expect(allowed('system:kube-scheduler')).toBe(true);
    expect(allowed('system:kube-controller-manager')).toBe(true);
    expect(allowed('system:kube-scheduler')).toBe(false);
  });

  it('.decide(attrs, now) — uses the time passed in; rules that share a limit object get separate buckets', () => {
    const clock = new FakeClock();
    const limit = { ratePerSecond: 1, burst: 1 };
    const limiter = new MultiLevelLimiter({ clock, levels: [{ name: 'verb', rules: [{ name: 'get', match: { verb: 'get' }, limit }, { name: 'list', match: { verb: 'list' }, limit }] }] });
    expect(limiter.decide({ verb: 'get' }, 0).allowed).toBe(true);
    expect(limiter.decide({ verb: 'list' }, 0).allowed).toBe(true);
    expect(limiter.decide({ verb: 'get' }, 500).allowed).toBe(false);
    expect(limiter.decide({ verb: 'get' }, 1000).allowed).toBe(true);
  });

  it('options — a reserve outside [0, 1] → RangeError', () => {
    expect(() => new MultiLevelLimiter({ reserve: 1.5 })).toThrow(new RangeError('Expected `reserve` to be a number between 0 and 1, got `1.5` (number)'));
  });
});
