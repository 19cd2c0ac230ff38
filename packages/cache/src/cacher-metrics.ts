/**
 * The Cacher's metrics as plain counters and histograms: no dependency on a
 * metrics library. A host reads them (or copies them into prom-client
 * collectors on scrape); updates are O(1) (a histogram: O(buckets)) and
 * allocate nothing after a label's first use.
 */
import type { Encoder, KubeObject } from '@apiserver-kit/codec';
import type { Sink } from '@apiserver-kit/codec';

/** A monotonic counter per label value (one label). */
export class LabeledCounter {
  readonly #values = new Map<string, number>();

  /** Adds `by` (@default 1) under `label`. */
  inc(label: string, by = 1): void {
    this.#values.set(label, (this.#values.get(label) ?? 0) + by);
  }

  /** The count under `label` (0 when never counted). */
  get(label: string): number {
    return this.#values.get(label) ?? 0;
  }

  /** The sum over every label. O(labels). */
  get total(): number {
    let sum = 0;
    for (const value of this.#values.values()) sum += value;
    return sum;
  }

  /** The counts by label, a fresh object per call. */
  toJSON(): Record<string, number> {
    return Object.fromEntries(this.#values);
  }
}

/** A value per label that goes up and down (watchers open by resource). */
export class LabeledGauge {
  readonly #values = new Map<string, number>();

  /** Adds `by` (negative to subtract) under `label`. */
  add(label: string, by: number): void {
    this.#values.set(label, (this.#values.get(label) ?? 0) + by);
  }

  /** The value under `label` (0 when never set). */
  get(label: string): number {
    return this.#values.get(label) ?? 0;
  }

  /** The values by label, a fresh object per call. */
  toJSON(): Record<string, number> {
    return Object.fromEntries(this.#values);
  }
}

/**
 * A histogram over fixed upper bounds (Prometheus' `le`): `counts[i]` counts
 * observations ≤ `bounds[i]` and above the previous bound; the last slot
 * counts those above every bound. Tracks sum, count and max too.
 */
export class Histogram {
  /** The ascending upper bounds. */
  readonly bounds: readonly number[];
  readonly #counts: number[];
  #sum = 0;
  #count = 0;
  #max = 0;

  /** @throws RangeError unless `bounds` is a non-empty ascending list of numbers. */
  constructor(bounds: readonly number[]) {
    if (!Array.isArray(bounds) || bounds.length === 0 || bounds.some((b, i) => typeof b !== 'number' || (i > 0 && b <= bounds[i - 1]!))) {
      throw new RangeError(`Expected \`bounds\` to be a non-empty ascending list of numbers, got \`${JSON.stringify(bounds)}\` (${typeof bounds})`);
    }
    this.bounds = Object.freeze([...bounds]);
    this.#counts = new Array<number>(bounds.length + 1).fill(0);
  }

  /** Records one observation. O(bounds). */
  observe(value: number): void {
    const bounds = this.bounds;
    let i = 0;
    while (i < bounds.length && value > bounds[i]!) i++;
    this.#counts[i]!++;
    this.#sum += value;
    this.#count++;
    if (value > this.#max) this.#max = value;
  }

  /** Per-bucket counts (not cumulative), the overflow bucket last; a copy. */
  get counts(): readonly number[] {
    return [...this.#counts];
  }

  /** The number of observations. */
  get count(): number {
    return this.#count;
  }

  /** The sum of the observations. */
  get sum(): number {
    return this.#sum;
  }

  /** The largest observation (0 before any). */
  get max(): number {
    return this.#max;
  }
}

/**
 * The metrics hooks of one or more {@link Cacher}s (share one instance to
 * aggregate resources). Durations are milliseconds of the Cacher's clock.
 */
export class CacherMetrics {
  /** Open watchers, by resource. */
  readonly watchers: LabeledGauge = new LabeledGauge();
  /** Changes dispatched, by resource. */
  readonly eventsDispatched: LabeledCounter = new LabeledCounter();
  /** Events queued to watchers (deliveries), by resource. */
  readonly eventsDelivered: LabeledCounter = new LabeledCounter();
  /** Watchers the dispatcher looked at (routing's cost: compare with deliveries), by resource. */
  readonly watchersVisited: LabeledCounter = new LabeledCounter();
  /** Watches ended by the Cacher, by reason: `unresponsive` (queue stayed full: shed, a clean end), `timeout`. */
  readonly watchersTerminated: LabeledCounter = new LabeledCounter();
  /** A watcher's queue length after each delivery. */
  readonly queueLength: Histogram = new Histogram([0, 1, 5, 10, 50, 100, 500, 1000]);
  /** From the change entering the cache to the end of its dispatch, in milliseconds. */
  readonly dispatchLatencyMs: Histogram = new Histogram([0, 1, 5, 10, 25, 50, 100, 250, 1000]);
  /** How long each wait on full queues lasted, in milliseconds (bounded by the time budget). */
  readonly dispatchStallMs: Histogram = new Histogram([0, 1, 5, 10, 25, 50, 100]);
  /** Lists read from storage because the cache could not serve them (see `CacherOptions.storage`), by resource. */
  readonly listsDelegated: LabeledCounter = new LabeledCounter();
  /** Encodes performed, by encoder identifier (through {@link CacherMetrics.countEncodes}). */
  readonly encodes: LabeledCounter = new LabeledCounter();

  /**
   * `encoder` with each `encode` counted in {@link encodes} under its
   * identifier. The wrapper keeps the identifier, so cached bytes stay
   * shared with the unwrapped encoder; encodes made through the unwrapped one
   * are not counted. Cost: one map update per encode.
   */
  countEncodes(encoder: Encoder): Encoder {
    const encodes = this.encodes;
    const id = encoder.identifier;
    return {
      identifier: id,
      mediaType: encoder.mediaType,
      listFraming: encoder.listFraming,
      watchFraming: encoder.watchFraming,
      encode(object: KubeObject, sink: Sink): void {
        encodes.inc(id);
        encoder.encode(object, sink);
      },
    };
  }
}
