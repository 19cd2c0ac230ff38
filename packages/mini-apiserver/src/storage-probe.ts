/**
 * A readiness check of the store of record, for `/readyz`: Kubernetes'
 * apiserver reports `[+]etcd ok` only while etcd answers. Health checks are
 * synchronous (a probe must answer at once), so the probe asks the store in
 * the background, every `intervalMs`, and the check reports the last answer.
 *
 * ```
 *   every intervalMs: storage.currentRevision() ──ok──▶ healthy
 *                                               └─err─▶ "<reason>" (until the next success)
 * ```
 *
 * Cost: one `currentRevision()` per interval (on etcd, a range of one key, count only).
 */
import { toStatusError } from '@apiserver-kit/codec';
import { BACKGROUND_TIMER, checkInteger, checkOptions, type Clock, systemClock, type Timer } from '@apiserver-kit/core';
import type { Storage } from '@apiserver-kit/storage';
import type { HealthCheck } from './health.js';

/** Options of {@link StorageProbe}. */
export interface StorageProbeOptions {
  /** The check's name in `/readyz?verbose` and `/readyz/<name>`. @default 'storage' */
  readonly name?: string | undefined;
  /** Milliseconds between probes. @default 5000 */
  readonly intervalMs?: number | undefined;
  /** Time for the probe interval. @default systemClock */
  readonly clock?: Clock | undefined;
}

/** Probes a store in the background; {@link StorageProbe.check} is a `/readyz` check (pass it in `readyChecks`). */
export class StorageProbe {
  /** The health check: failing while the last probe failed. */
  readonly check: HealthCheck;
  readonly #storage: Storage;
  readonly #clock: Clock;
  readonly #intervalMs: number;
  #failure: string | undefined;
  #timer: Timer | undefined;
  #running = false;

  /** @throws TypeError/RangeError naming a bad option. */
  constructor(storage: Storage, options: StorageProbeOptions = {}) {
    checkOptions('options', options);
    this.#storage = storage;
    this.#clock = options.clock ?? systemClock;
    this.#intervalMs = options.intervalMs ?? 5_000;
    checkInteger('intervalMs', this.#intervalMs, 1);
    const name = options.name ?? 'storage';
    this.check = { name, check: () => this.#failure };
  }

  /** Whether the last probe succeeded (true before the first). */
  get isHealthy(): boolean {
    return this.#failure === undefined;
  }

  /** Probes now; resolves once the answer (or the failure) is recorded. Never rejects. */
  async refresh(): Promise<void> {
    try {
      await this.#storage.currentRevision();
      this.#failure = undefined;
    } catch (error) {
      this.#failure = toStatusError(error).message;
    }
  }

  /** Probes every `intervalMs` until {@link stop} (background timers: they do not hold the process open). Idempotent. */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#schedule();
  }

  /** Stops probing. Idempotent. */
  stop(): void {
    this.#running = false;
    this.#timer?.cancel();
    this.#timer = undefined;
  }

  #schedule(): void {
    this.#timer = this.#clock.setTimer(
      () => {
        void this.refresh().then(() => {
          if (this.#running) this.#schedule();
        });
      },
      this.#intervalMs,
      BACKGROUND_TIMER,
    );
  }
}
