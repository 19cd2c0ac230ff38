/**
 * A churn generator: a steady stream of pod status updates against a
 * storage, as kubelets post them in a real cluster, so that watchers, the
 * watch cache's history and the benchmarks see live traffic.
 *
 * Timeline of one tick (every `tickMs`):
 *
 * ```
 *   credit += ratePerSecond × elapsed            (elapsed read from the clock)
 *   n = min(⌊credit⌋, maxPerTick)   credit -= n  (excess credit is dropped, not owed)
 *   if the previous tick's updates are still running → skip (counted), else
 *   n × guaranteedUpdate(random pod) in parallel; NotFound → another pod
 * ```
 *
 * Work per tick is bounded (`maxPerTick`), and a slow store slows the churn
 * instead of piling up updates.
 */
import type { KubeObject } from '@apiserver-kit/codec';
import { type Clock, isStatusError, monotonicClock, positiveNumber, type Timer } from '@apiserver-kit/core';
import type { Storage } from '@apiserver-kit/storage';
import { CORE_V1_RESOURCES, type ResourceInfo, storageKey, storagePrefix } from './resources.js';

/** Options of {@link startChurn}. */
export interface ChurnOptions {
  /** Pod updates per second (a positive number). */
  readonly ratePerSecond: number;
  /** The clock of ticks and elapsed time. @default monotonicClock */
  readonly clock?: Clock | undefined;
  /** Uniform numbers in [0, 1) choosing pods and changes. @default Math.random */
  readonly random?: (() => number) | undefined;
  /** The registry to find `pods` in. @default CORE_V1_RESOURCES */
  readonly resources?: readonly ResourceInfo[] | undefined;
  /** Milliseconds between ticks. @default 100 */
  readonly tickMs?: number | undefined;
  /** How often the list of pod keys is re-read from storage, in milliseconds. @default 10 000 */
  readonly refreshMs?: number | undefined;
}

/** What a churn generator has done so far (live counters). */
export interface ChurnStats {
  /** Updates written. */
  readonly updates: number;
  /** Updates whose pod had gone (another pod was picked). */
  readonly notFound: number;
  /** Updates that failed otherwise (logged nowhere: counted here). */
  readonly errors: number;
  /** Ticks skipped because the previous tick's updates were still running. */
  readonly skippedTicks: number;
  /** Updates not made because the credit exceeded `maxPerTick` (a late timer, a slow store). */
  readonly dropped: number;
}

/** A running churn generator. */
export interface Churn {
  /** Stops ticking and aborts updates in flight. Idempotent. */
  stop(): void;
  /** Live counters. */
  readonly stats: ChurnStats;
  /** Resolves when the updates of the current tick have settled (for tests). */
  idle(): Promise<void>;
}

const CHURN_ANNOTATION = 'apiserver-kit.dev/churn';

/** A pod with one status change: the Ready condition flipped, a restart, or a new annotation value. */
export function churnPod(pod: KubeObject, random: () => number, serial: number): KubeObject {
  const status = (pod['status'] ?? {}) as Record<string, unknown>;
  const metadata = pod.metadata ?? {};
  const choice = Math.floor(random() * 3);
  const containers = Array.isArray(status['containerStatuses']) ? (status['containerStatuses'] as Record<string, unknown>[]) : [];
  if (choice === 0 && Array.isArray(status['conditions'])) {
    const conditions = status['conditions'] as Record<string, unknown>[];
    const ready = conditions.find((c) => c['type'] === 'Ready');
    const next = ready?.['status'] === 'True' ? 'False' : 'True';
    return {
      ...pod,
      status: {
        ...status,
        conditions: conditions.map((c) => (c['type'] === 'Ready' || c['type'] === 'ContainersReady' ? { ...c, status: next } : c)),
        containerStatuses: containers.map((c) => ({ ...c, ready: next === 'True' })),
      },
    };
  }
  if (choice === 1 && containers.length > 0) {
    return {
      ...pod,
      status: { ...status, containerStatuses: containers.map((c, i) => (i === 0 ? { ...c, restartCount: Number(c['restartCount'] ?? 0) + 1 } : c)) },
    };
  }
  return { ...pod, metadata: { ...metadata, annotations: { ...metadata.annotations, [CHURN_ANNOTATION]: String(serial) } } };
}

/**
 * Starts updating random pods of `storage` at `ratePerSecond`, through
 * `guaranteedUpdate` (each update re-reads the pod, so it never conflicts
 * with other writers). A pod deleted meanwhile is skipped for another one;
 * no failure escapes: every outcome is counted in `stats`.
 *
 * Its timers are background timers (`unref`): the churn is load on behalf of
 * a server, never a reason for the process to stay alive. In the CLI the
 * listening server keeps the process (and so the churn) running; in a test a
 * forgotten `stop()` cannot hang the runner.
 *
 * @throws TypeError / RangeError when `ratePerSecond`, `tickMs` or `refreshMs` is not a positive finite number.
 */
export function startChurn(storage: Storage, options: ChurnOptions): Churn {
  const rate = positiveNumber('ratePerSecond', options.ratePerSecond);
  const tickMs = positiveNumber('tickMs', options.tickMs ?? 100);
  const refreshMs = positiveNumber('refreshMs', options.refreshMs ?? 10_000);
  const clock = options.clock ?? monotonicClock;
  const random = options.random ?? Math.random;
  const pods = (options.resources ?? CORE_V1_RESOURCES).find((r) => r.resource === 'pods');
  if (pods === undefined) throw new RangeError('Expected `resources` to include `pods`, got none');
  // Twice a tick's share, so a timer that fires late catches up within one tick.
  const maxPerTick = Math.max(1, Math.ceil((rate * tickMs) / 1000) * 2);
  const stats = { updates: 0, notFound: 0, errors: 0, skippedTicks: 0, dropped: 0 };
  const abort = new AbortController();
  let keys: string[] = [];
  let refreshedAt = -Infinity;
  let last = clock.now();
  let credit = 0;
  let serial = 0;
  let timer: Timer | undefined;
  let inFlight: Promise<void> = Promise.resolve();
  let running = false;

  async function refresh(): Promise<void> {
    refreshedAt = clock.now();
    const result = await storage.list(storagePrefix(pods!));
    keys = result.keys !== undefined
      ? [...result.keys]
      : result.items.map((item) => storageKey(pods!, item.metadata?.name ?? '', item.metadata?.namespace));
  }

  async function updateOne(): Promise<void> {
    // A few tries: each NotFound drops the key and picks another.
    for (let attempt = 0; attempt < 3 && keys.length > 0; attempt++) {
      const index = Math.floor(random() * keys.length);
      const key = keys[index]!;
      try {
        const n = ++serial;
        await storage.guaranteedUpdate(key, (current) => churnPod(current!, random, n), { signal: abort.signal });
        stats.updates++;
        return;
      } catch (error) {
        if (abort.signal.aborted) return;
        if (isStatusError(error, 'NotFound')) {
          stats.notFound++;
          keys[index] = keys[keys.length - 1]!;
          keys.pop();
          continue;
        }
        stats.errors++;
        return;
      }
    }
  }

  async function tick(count: number): Promise<void> {
    try {
      if (keys.length === 0 || clock.now() - refreshedAt >= refreshMs) await refresh();
      const work: Promise<void>[] = [];
      for (let i = 0; i < count; i++) work.push(updateOne());
      await Promise.all(work);
    } catch {
      // The list failed (a store closing, say): count it and try again next tick.
      stats.errors++;
    }
  }

  function schedule(): void {
    if (abort.signal.aborted) return;
    timer = clock.setTimer(onTimer, tickMs, { background: true });
  }

  function onTimer(): void {
    const now = clock.now();
    credit += (rate * Math.max(0, now - last)) / 1000;
    last = now;
    let count = Math.floor(credit);
    if (count > maxPerTick) {
      stats.dropped += count - maxPerTick;
      count = maxPerTick;
      credit = 0;
    } else {
      credit -= count;
    }
    if (running) {
      stats.skippedTicks++;
      stats.dropped += count;
    } else if (count > 0) {
      running = true;
      inFlight = tick(count).finally(() => {
        running = false;
      });
    }
    schedule();
  }

  schedule();
  return {
    stop(): void {
      if (abort.signal.aborted) return;
      abort.abort();
      timer?.cancel();
    },
    stats,
    idle: () => inFlight,
  };
}
