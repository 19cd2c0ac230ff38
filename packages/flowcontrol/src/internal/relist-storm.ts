// The relist-storm simulation: after an apiserver restart every client re-lists
// at once. A fixed `Retry-After: 1` sends the rejected clients straight back; a
// Retry-After that grows with congestion spreads them out. Everything runs on a
// FakeClock: no real sleeping, deterministic for a given seed.
//
// Model (kept deliberately small):
//   - the server's capacity is one token bucket (`capacityPerSecond`, burst = 1 s
//     of capacity) shared by every request through a MultiLevelLimiter;
//   - answering a 429 is not free (TLS, authentication, decoding, the response):
//     each rejection costs `rejectionCost` of a request's token, taken from the
//     same bucket, into debt if need be — this is what keeps a storm going;
//   - `clients` clients each need one LIST; they start uniformly within
//     `restartSpreadMs` and, when rejected, retry exactly after the Retry-After;
//   - `controlPlane` components (scheduler, controllers…) each send a steady
//     `controlPlaneRatePerSecond`, belong to a priority class with no reserve
//     (everyone else keeps 10 % of the bucket free for them), and are not retried:
//     the next tick is their retry.
//   - policy `dynamic-jitter` is the congestion policy with its `jitter` option:
//     the server spreads the clients by telling them different Retry-Afters,
//     upward only (Retry-After is a floor, and client-go sleeps exactly what it
//     is told, so the spreading has to come from the server).

import { FakeClock } from '@apiserver-kit/core';
import { MultiLevelLimiter } from '../multi-level-limiter.js';
import type { RequestAttributes } from '../request-attributes.js';
import { CongestionRetryAfter, fixedRetryAfter, type RetryAfterPolicy } from '../retry-after.js';
import { TokenBucket } from '../token-bucket.js';

export type StormPolicy = 'fixed' | 'dynamic' | 'dynamic-jitter';

export interface RelistStormOptions {
  readonly policy: StormPolicy;
  /** The congestion policy's `jitter` under `dynamic-jitter`. @default 0.5 */
  readonly jitter?: number;
  readonly clients?: number;
  readonly capacityPerSecond?: number;
  readonly rejectionCost?: number;
  readonly controlPlane?: number;
  readonly controlPlaneRatePerSecond?: number;
  readonly restartSpreadMs?: number;
  readonly maxSeconds?: number;
  readonly seed?: number;
}

export interface RelistStormResult {
  readonly policy: StormPolicy;
  /** The jitter of the policy (0 for `fixed` and `dynamic`). */
  readonly jitter: number;
  readonly clients: number;
  /** Client requests answered 429. */
  readonly rejected: number;
  /** Seconds until the last client's LIST was admitted (`Infinity` if not within maxSeconds). */
  readonly recoverySeconds: number;
  /** Control-plane requests admitted / sent during the recovery. */
  readonly controlPlaneServedRatio: number;
  /** Share of the capacity spent during the recovery: control plane, clients' LISTs, answering 429s. */
  readonly capacityShare: { readonly controlPlane: number; readonly lists: number; readonly rejections: number };
  /** Longest run of whole seconds (after the first) in which no client LIST was admitted. */
  readonly longestSecondsWithoutAdmission: number;
  /** Per second: client LISTs admitted, client requests rejected, control-plane admitted, control-plane rejected. */
  readonly perSecond: {
    readonly admitted: readonly number[];
    readonly rejected: readonly number[];
    readonly controlPlaneAdmitted: readonly number[];
    readonly controlPlaneRejected: readonly number[];
  };
}

/** A small deterministic PRNG (mulberry32). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function simulateRelistStorm(options: RelistStormOptions): RelistStormResult {
  const clients = options.clients ?? 5000;
  const capacity = options.capacityPerSecond ?? 200;
  const rejectionCost = options.rejectionCost ?? 0.03;
  const components = options.controlPlane ?? 20;
  const componentRate = options.controlPlaneRatePerSecond ?? 1;
  const spread = options.restartSpreadMs ?? 1000;
  const maxSeconds = options.maxSeconds ?? 600;
  const random = prng(options.seed ?? 1);

  const clock = new FakeClock(0);
  const server = new TokenBucket({ ratePerSecond: capacity, burst: capacity, clock });
  // Its own random stream, so the clients start at the same instants under every policy.
  const jitterRandom = prng((options.seed ?? 1) + 1);
  const jitter = options.policy === 'dynamic-jitter' ? (options.jitter ?? 0.5) : 0;
  const policy: RetryAfterPolicy =
    options.policy === 'fixed'
      ? fixedRetryAfter(1)
      : options.policy === 'dynamic'
        ? new CongestionRetryAfter({ clock })
        : new CongestionRetryAfter({ clock, jitter, random: jitterRandom });
  const limiter = new MultiLevelLimiter({
    clock,
    readOnly: server,
    mutating: server,
    priorities: [{ name: 'control-plane', match: { groups: 'system:control-plane' }, reserve: 0 }],
    reserve: 0.1,
    retryAfter: policy,
  });

  const admitted: number[] = [];
  const rejected: number[] = [];
  const cpAdmitted: number[] = [];
  const cpRejected: number[] = [];
  const bump = (series: number[], now: number): void => {
    const second = Math.floor(now / 1000);
    while (series.length <= second) series.push(0);
    series[second]! += 1;
  };

  let remaining = clients;
  let totalRejected = 0;
  let lastServedAt = Number.POSITIVE_INFINITY;
  let cpSent = 0;
  let cpServed = 0;
  let cpRejectedDuring = 0;
  let listsServed = 0;
  let rejectionsDuring = 0;

  const list: RequestAttributes = { user: 'system:node', groups: ['system:nodes'], userAgent: 'kubelet/v1.31', verb: 'list', resource: 'pods' };
  const update: RequestAttributes = { user: 'system:kube-controller-manager', groups: ['system:control-plane'], verb: 'update', resource: 'leases' };

  const sendList = (): void => {
    const now = clock.now();
    const decision = limiter.decide(list, now);
    if (decision.allowed) {
      bump(admitted, now);
      listsServed++;
      if (--remaining === 0) lastServedAt = now;
      return;
    }
    server.consume(rejectionCost, now);
    bump(rejected, now);
    totalRejected++;
    rejectionsDuring++;
    clock.setTimer(sendList, decision.retryAfterSeconds * 1000);
  };
  for (let i = 0; i < clients; i++) clock.setTimer(sendList, random() * spread);

  const period = 1000 / componentRate;
  const tick = (): void => {
    const now = clock.now();
    if (remaining === 0) return;
    cpSent++;
    const decision = limiter.decide(update, now);
    if (decision.allowed) {
      cpServed++;
      bump(cpAdmitted, now);
    } else {
      server.consume(rejectionCost, now);
      cpRejectedDuring++;
      bump(cpRejected, now);
    }
    clock.setTimer(tick, period);
  };
  for (let i = 0; i < components; i++) clock.setTimer(tick, random() * period);

  for (let second = 0; second < maxSeconds && remaining > 0; second++) clock.advance(1000);

  const seconds = Math.max(admitted.length, rejected.length, cpAdmitted.length, cpRejected.length);
  for (const series of [admitted, rejected, cpAdmitted, cpRejected]) while (series.length < seconds) series.push(0);
  let longest = 0;
  let run = 0;
  for (let s = 1; s < seconds; s++) {
    run = admitted[s] === 0 ? run + 1 : 0;
    longest = Math.max(longest, run);
  }
  const spent = cpServed + listsServed + (rejectionsDuring + cpRejectedDuring) * rejectionCost;
  return {
    policy: options.policy,
    jitter,
    clients,
    rejected: totalRejected,
    recoverySeconds: remaining === 0 ? lastServedAt / 1000 : Number.POSITIVE_INFINITY,
    controlPlaneServedRatio: cpSent === 0 ? 1 : cpServed / cpSent,
    capacityShare: {
      controlPlane: cpServed / spent,
      lists: listsServed / spent,
      rejections: ((rejectionsDuring + cpRejectedDuring) * rejectionCost) / spent,
    },
    longestSecondsWithoutAdmission: longest,
    perSecond: { admitted, rejected, controlPlaneAdmitted: cpAdmitted, controlPlaneRejected: cpRejected },
  };
}
