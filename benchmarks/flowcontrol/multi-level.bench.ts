/**
 * A multi-level decision: 3 levels, 50 rules (user agent, resource, verb),
 * all-or-nothing takes — against a hand-written floor (one exact-match Map
 * lookup and one floor bucket per level) and `limiter` 4.1.0 buckets in a
 * parent chain looked up the same way.
 */
import { MultiLevelLimiter, type RequestAttributes } from '@apiserver-kit/flowcontrol';
import { TokenBucket as LimiterBucket } from 'limiter';
import { assert, checkTable, measureTable, row, target, type RunOptions, type Suite, type SuiteResult, type TableSpec } from '../lib/harness.js';
import { formatDuration } from '../lib/format.js';
import { FloorBucket } from './floor-bucket.js';

const OPS = 512;
const RATE = 1e12;
const USER_AGENTS = Array.from({ length: 20 }, (_, i) => `controller-${i}`);
const RESOURCES = Array.from({ length: 20 }, (_, i) => `resource-${i}`);
const VERBS = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection', 'proxy', 'connect'];

/** Requests that match rules spread over each level's list (first, middle, last, none). */
const REQUESTS: RequestAttributes[] = Array.from({ length: 64 }, (_, i) => ({
  user: `user-${i}`,
  userAgent: i % 8 === 7 ? `kubectl/v1.${i}` : `${USER_AGENTS[(i * 7) % 20]}/v1.31`,
  verb: VERBS[i % 10]!,
  resource: RESOURCES[(i * 3) % 20]!,
}));

function limits(): { readonly limiter: MultiLevelLimiter; readonly rules: number } {
  const open = { ratePerSecond: RATE, burst: RATE };
  const limiter = new MultiLevelLimiter({
    readOnly: open,
    mutating: open,
    levels: [
      { name: 'user-agent', rules: USER_AGENTS.map((ua) => ({ name: ua, match: { userAgent: `${ua}/*` }, limit: open })) },
      { name: 'resource', rules: RESOURCES.map((resource) => ({ name: resource, match: { resource }, limit: open })) },
      { name: 'verb', rules: VERBS.map((verb) => ({ name: verb, match: { verb }, limit: open })) },
    ],
  });
  return { limiter, rules: 50 };
}

function table(): TableSpec {
  const { limiter } = limits();
  const floorLevels = [new Map(USER_AGENTS.map((ua) => [ua, new FloorBucket(RATE, RATE)])), new Map(RESOURCES.map((r) => [r, new FloorBucket(RATE, RATE)])), new Map(VERBS.map((v) => [v, new FloorBucket(RATE, RATE)]))] as const;
  const floorDecide = (request: RequestAttributes, now: number): boolean => {
    const ua = request.userAgent ?? '';
    const a = floorLevels[0].get(ua.slice(0, ua.indexOf('/')));
    const b = floorLevels[1].get(request.resource ?? '');
    const c = floorLevels[2].get(request.verb);
    return (a === undefined || a.tryTake(now)) && (b === undefined || b.tryTake(now)) && (c === undefined || c.tryTake(now));
  };
  const global = new LimiterBucket({ bucketSize: 1e9, tokensPerInterval: 1e9, interval: 'second' });
  global.content = 1e9;
  const chain = (parent: LimiterBucket, names: readonly string[]): Map<string, LimiterBucket> =>
    new Map(
      names.map((name) => {
        const bucket = new LimiterBucket({ bucketSize: 1e9, tokensPerInterval: 1e9, interval: 'second', parentBucket: parent });
        bucket.content = 1e9;
        return [name, bucket];
      }),
    );
  const byAgent = chain(global, USER_AGENTS);
  const byResource = chain(global, RESOURCES);
  const byVerb = chain(global, VERBS);
  const limiterDecide = (request: RequestAttributes): boolean => {
    const ua = request.userAgent ?? '';
    const a = byAgent.get(ua.slice(0, ua.indexOf('/')));
    const b = byResource.get(request.resource ?? '');
    const c = byVerb.get(request.verb);
    return (a?.tryRemoveTokens(1) ?? true) && (b?.tryRemoveTokens(1) ?? true) && (c?.tryRemoveTokens(1) ?? true);
  };
  return {
    title: `decide over 3 levels, 50 rules (${OPS} requests per sample)`,
    tasks: [
      {
        name: 'floor: Map lookup + floor bucket per level',
        role: 'floor',
        ops: OPS,
        fn: (ops) => {
          const now = performance.now();
          let n = 0;
          for (let i = 0; i < ops; i++) if (floorDecide(REQUESTS[i & 63]!, now)) n++;
          assert(n === ops, 'floor denied');
        },
        check: () => {
          for (const request of REQUESTS) assert(floorDecide(request, performance.now()), 'floor must admit every request');
        },
      },
      {
        name: 'MultiLevelLimiter.decide',
        role: 'ours',
        ops: OPS,
        fn: (ops) => {
          let n = 0;
          for (let i = 0; i < ops; i++) if (limiter.decide(REQUESTS[i & 63]!).allowed) n++;
          assert(n === ops, 'ours denied');
        },
        check: () => {
          for (const request of REQUESTS) assert(limiter.decide(request).allowed, 'ours must admit every request');
          // And it really limits, naming the rule: a tight rule in the middle of a level.
          const tight = new MultiLevelLimiter({ levels: [{ name: 'resource', rules: RESOURCES.map((resource, i) => ({ name: resource, match: { resource }, limit: { ratePerSecond: 1e-6, burst: i === 10 ? 1 : 1e9 } })) }] });
          const request = { verb: 'get', resource: 'resource-10' };
          assert(tight.decide(request).allowed, 'first take must pass');
          const second = tight.decide(request);
          assert(!second.allowed && second.rule === 'resource-10' && second.level === 'resource', 'second take must be rejected by resource/resource-10');
        },
      },
      {
        name: 'limiter 4.1.0: Map lookup + parent-chained buckets',
        role: 'peer',
        ops: OPS,
        fn: (ops) => {
          let n = 0;
          for (let i = 0; i < ops; i++) if (limiterDecide(REQUESTS[i & 63]!)) n++;
          assert(n === ops, 'limiter denied');
        },
        check: () => {
          for (const request of REQUESTS) assert(limiterDecide(request), 'limiter must admit every request');
        },
      },
    ],
  };
}

export const multiLevelSuite: Suite = {
  name: 'flowcontrol/multi-level',
  title: 'multi-level limiter: one decision over 3 levels and 50 rules',
  measures:
    'One admitted decision per request over a global level plus 3 levels of rules (20 user-agent prefix globs, 20 resources, 10 verbs), 64 distinct requests in rotation. ' +
    'The floor and limiter find their bucket by exact Map lookup (no globs, no priorities, no rule names), so they bound what matching costs.',

  async check(): Promise<void> {
    checkTable(table());
  },

  async run(options: RunOptions): Promise<SuiteResult> {
    const t = await measureTable(table(), options);
    const ours = row(t, 'ours').medianNs;
    return { tables: [t], targets: [target('multi-level decision, 3 levels and 50 rules: ns/op (reported)', formatDuration(ours), Number.isFinite(ours))] };
  },
};
