/**
 * The host's `/metrics`: Kubernetes' apiserver metric names where one exists,
 * in Prometheus text format through prom-client, on a registry of its own
 * (two servers in one process must not share series, so never prom-client's
 * global default registry).
 *
 * Two kinds of series:
 *
 * ```
 *   pushed by the host, as requests happen        collected on scrape, from the attached Cachers
 *   ─────────────────────────────────────         ──────────────────────────────────────────────
 *   observeRequest ─▶ apiserver_request_total      cacher.stats   ─▶ watch cache revision, capacity,
 *                     apiserver_request_duration_…                    resizes, objects, history size
 *   inflight       ─▶ apiserver_current_inflight_… cacher.metrics ─▶ registered watchers, events
 *   watchers       ─▶ apiserver_longrunning_…                         received / dispatched, encodes …
 *   flowControlRejected ─▶ apiserver_flowcontrol_rejected_requests_total
 * ```
 *
 * The Cachers already count (`CacherMetrics`, `CacherStats`); the bridge
 * copies their values into prom-client's series when scraped (`collect()`),
 * so nothing is counted twice and the hot paths pay nothing for Prometheus.
 */
import type { Cacher, CacherMetrics } from '@apiserver-kit/cache';
import { received } from '@apiserver-kit/core';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Options of {@link ApiServerMetrics}. */
export interface ApiServerMetricsOptions {
  /**
   * The registry to register the series in (say, one shared with the host's
   * own series). It must not hold them already. @default a fresh `Registry`
   */
  readonly registry?: Registry | undefined;
}

/** The upper bounds of `apiserver_request_duration_seconds`, Kubernetes' (endpoints/metrics `requestLatencies`), in seconds. */
export const REQUEST_DURATION_BUCKETS: readonly number[] = Object.freeze([
  0.005, 0.025, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1.0, 1.25, 1.5, 2, 3, 4, 5, 6, 8, 10, 15, 20, 30, 45, 60,
]);

type CacherReading = (cacher: Cacher) => number;

/**
 * The metrics of one host; see the module comment for the series. Pushed
 * series cost one map update per call; collected ones cost O(cachers) per
 * scrape and nothing between scrapes.
 *
 * Series (labels in braces):
 *
 * | series | type | source |
 * | --- | --- | --- |
 * | `apiserver_request_total{verb,resource,code}` | counter | {@link observeRequest} |
 * | `apiserver_request_duration_seconds{verb,resource}` | histogram, Kubernetes' buckets | {@link observeRequest} |
 * | `apiserver_current_inflight_requests` | gauge | {@link inflight} (one series: no `request_kind` split) |
 * | `apiserver_longrunning_requests{verb="WATCH",resource}` | gauge | {@link watchers} |
 * | `apiserver_flowcontrol_rejected_requests_total{priority_level}` | counter | {@link flowControlRejected} |
 * | `apiserver_registered_watchers{resource}` | gauge | the Cacher's open watchers |
 * | `apiserver_watch_cache_resource_version{resource}` | gauge | the cache's revision |
 * | `apiserver_watch_cache_capacity{resource}` | gauge | the history's capacity |
 * | `apiserver_watch_cache_capacity_increase_total{resource}` / `_decrease_total` | counter | history resizes |
 * | `apiserver_watch_cache_events_received_total{resource}` | counter | changes that entered the cache |
 * | `apiserver_watch_cache_events_dispatched_total{resource}` | counter | changes handed to the watchers |
 * | `apiserver_kit_watch_cache_objects{resource}` | gauge | objects held |
 * | `apiserver_kit_watch_cache_history_events{resource}` | gauge | events held in the history |
 * | `apiserver_kit_watch_events_delivered_total{resource}` | counter | events queued to watchers |
 * | `apiserver_kit_lists_delegated_total{resource}` | counter | lists read from storage |
 * | `apiserver_kit_terminated_watchers_total{reason}` | counter | watches the Cacher ended (`unresponsive`, `timeout`) |
 * | `apiserver_kit_encodes_total{identifier}` | counter | encodes per encoder identifier (through `CacherMetrics.countEncodes`) |
 *
 * The `apiserver_kit_` series have no Kubernetes counterpart (Kubernetes
 * counts terminated watchers by resource, ours by reason, so the name
 * differs too). Cachers that share one `CacherMetrics` are read once for
 * the series not split by resource.
 */
export class ApiServerMetrics {
  /** The registry holding the series (render it yourself, or merge it with others). */
  readonly registry: Registry;
  readonly #requests: Counter<'verb' | 'resource' | 'code'>;
  readonly #durations: Histogram<'verb' | 'resource'>;
  readonly #inflight: Gauge;
  readonly #longRunning: Gauge<'verb' | 'resource'>;
  readonly #rejected: Counter<'priority_level'>;
  readonly #cachers = new Map<string, Cacher>();

  /** @throws TypeError for an `options.registry` that is not a prom-client Registry, or that already holds these series. */
  constructor(options: ApiServerMetricsOptions = {}) {
    if (typeof options !== 'object' || options === null) throw new TypeError(`Expected \`options\` to be an object, got ${received(options)}`);
    const registry = options.registry ?? new Registry();
    if (!(registry instanceof Registry)) throw new TypeError(`Expected \`registry\` to be a prom-client Registry, got ${received(registry)}`);
    if (registry.getSingleMetric('apiserver_request_total') !== undefined) {
      throw new TypeError('Expected `registry` to hold no apiserver series yet, got one with `apiserver_request_total` (give each ApiServerMetrics its own registry)');
    }
    this.registry = registry;
    const registers = [registry];
    this.#requests = new Counter({
      name: 'apiserver_request_total',
      help: 'Counter of apiserver requests broken out for each verb, resource, and HTTP response code.',
      labelNames: ['verb', 'resource', 'code'] as const,
      registers,
    });
    this.#durations = new Histogram({
      name: 'apiserver_request_duration_seconds',
      help: 'Response latency distribution in seconds for each verb and resource.',
      labelNames: ['verb', 'resource'] as const,
      buckets: [...REQUEST_DURATION_BUCKETS],
      registers,
    });
    this.#inflight = new Gauge({
      name: 'apiserver_current_inflight_requests',
      help: 'Number of requests being served now.',
      registers,
    });
    this.#longRunning = new Gauge({
      name: 'apiserver_longrunning_requests',
      help: 'Gauge of all active long-running apiserver requests broken out by verb and resource.',
      labelNames: ['verb', 'resource'] as const,
      registers,
    });
    this.#rejected = new Counter({
      name: 'apiserver_flowcontrol_rejected_requests_total',
      help: 'Number of requests rejected by API Priority and Fairness subsystem.',
      labelNames: ['priority_level'] as const,
      registers,
    });
    this.#bridgeByResource('gauge', 'apiserver_registered_watchers', 'Number of currently registered watchers for a given resource.', (c) => c.metrics.watchers.get(c.resource));
    this.#bridgeByResource('gauge', 'apiserver_watch_cache_resource_version', 'Current resource version of watch cache broken by resource type.', (c) => c.cache.revision);
    this.#bridgeByResource('gauge', 'apiserver_watch_cache_capacity', 'Total capacity of watch cache broken by resource type.', (c) => c.stats.capacity);
    this.#bridgeByResource('counter', 'apiserver_watch_cache_capacity_increase_total', 'Total number of watch cache capacity increase events broken by resource type.', (c) => c.stats.grows);
    this.#bridgeByResource('counter', 'apiserver_watch_cache_capacity_decrease_total', 'Total number of watch cache capacity decrease events broken by resource type.', (c) => c.stats.shrinks);
    this.#bridgeByResource('counter', 'apiserver_watch_cache_events_received_total', 'Counter of events received in watch cache broken by resource type.', eventsReceived);
    this.#bridgeByResource('counter', 'apiserver_watch_cache_events_dispatched_total', 'Counter of events dispatched in watch cache broken by resource type.', (c) => c.metrics.eventsDispatched.get(c.resource));
    this.#bridgeByResource('gauge', 'apiserver_kit_watch_cache_objects', 'Objects held by the watch cache, by resource.', (c) => c.cache.size);
    this.#bridgeByResource('gauge', 'apiserver_kit_watch_cache_history_events', 'Events held in the watch cache history, by resource.', (c) => c.stats.events);
    this.#bridgeByResource('counter', 'apiserver_kit_watch_events_delivered_total', 'Events queued to watchers (one per watcher per event), by resource.', (c) => c.metrics.eventsDelivered.get(c.resource));
    this.#bridgeByResource('counter', 'apiserver_kit_lists_delegated_total', 'Lists read from storage because the watch cache could not serve them, by resource.', (c) => c.metrics.listsDelegated.get(c.resource));
    this.#bridgeByLabel('apiserver_kit_terminated_watchers_total', 'Watches ended by the cacher, by reason (unresponsive: shed for falling behind; timeout: timeoutSeconds).', 'reason', (m) => m.watchersTerminated.toJSON());
    this.#bridgeByLabel('apiserver_kit_encodes_total', 'Objects encoded, by encoder identifier (each version is encoded once per identifier).', 'identifier', (m) => m.encodes.toJSON());
  }

  /**
   * Counts a finished request and its latency. `verb` as Kubernetes writes
   * it (`GET`, `LIST`, `WATCH`, `POST`, `PUT`, `PATCH`, `DELETE`), `resource`
   * the plural (`""` for non-resource paths), `code` the HTTP status,
   * `seconds` the time to serve it (negative readings of a stepping wall
   * clock count as 0).
   *
   * @throws TypeError/RangeError for a non-string label, a code outside 100..599, or a non-finite `seconds`.
   */
  observeRequest(verb: string, resource: string, code: number, seconds: number): void {
    checkLabel('verb', verb);
    checkLabel('resource', resource);
    if (typeof code !== 'number' || !Number.isInteger(code) || code < 100 || code > 599) {
      throw new RangeError(`Expected \`code\` to be an HTTP status code (100..599), got ${received(code)}`);
    }
    if (typeof seconds !== 'number' || !Number.isFinite(seconds)) throw new TypeError(`Expected \`seconds\` to be a finite number, got ${received(seconds)}`);
    this.#requests.inc({ verb, resource, code: String(code) });
    this.#durations.observe({ verb, resource }, Math.max(0, seconds));
  }

  /** Adds `delta` (+1 when a request starts, −1 when it ends) to the requests in flight. @throws TypeError unless `delta` is an integer. */
  inflight(delta: number): void {
    checkDelta(delta);
    this.#inflight.inc(delta);
  }

  /** Adds `delta` to the open watch requests of `resource` (`apiserver_longrunning_requests{verb="WATCH"}`). @throws TypeError for a bad argument. */
  watchers(resource: string, delta: number): void {
    checkLabel('resource', resource);
    checkDelta(delta);
    this.#longRunning.inc({ verb: 'WATCH', resource }, delta);
  }

  /** Counts a request that flow control rejected (429) at priority level `level`. @throws TypeError for a non-string `level`. */
  flowControlRejected(level: string): void {
    checkLabel('level', level);
    this.#rejected.inc({ priority_level: level });
  }

  /**
   * Reads `cacher` on every scrape, under the label `resource` (a later call
   * for the same resource replaces the earlier Cacher). Holds a reference to
   * it for the life of this object.
   *
   * @throws TypeError for a non-string `resource` or a value that is not a Cacher.
   */
  attachCacher(resource: string, cacher: Cacher): void {
    checkLabel('resource', resource);
    if (typeof cacher !== 'object' || cacher === null || typeof (cacher as Partial<Cacher>).stats !== 'object' || (cacher as Partial<Cacher>).metrics === undefined) {
      throw new TypeError(`Expected \`cacher\` to be a Cacher, got ${received(cacher)}`);
    }
    this.#cachers.set(resource, cacher);
  }

  /** The Prometheus text exposition of every series, and its content type (`text/plain; version=0.0.4; charset=utf-8`). */
  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  /** A series with one `resource` label, one value per attached Cacher, read on scrape. */
  #bridgeByResource(type: 'gauge' | 'counter', name: string, help: string, read: CacherReading): void {
    const cachers = this.#cachers;
    const registers = [this.registry];
    if (type === 'gauge') {
      new Gauge({
        name,
        help,
        labelNames: ['resource'] as const,
        registers,
        collect(this: Gauge<'resource'>): void {
          this.reset();
          for (const [resource, cacher] of cachers) this.set({ resource }, read(cacher));
        },
      });
      return;
    }
    new Counter({
      name,
      help,
      labelNames: ['resource'] as const,
      registers,
      collect(this: Counter<'resource'>): void {
        // The Cacher holds the running total: the series is set to it, not incremented by it.
        this.reset();
        for (const [resource, cacher] of cachers) this.inc({ resource }, read(cacher));
      },
    });
  }

  /** A counter split by a label of the CacherMetrics' own, summed over the distinct CacherMetrics of the attached Cachers. */
  #bridgeByLabel(name: string, help: string, label: string, read: (metrics: CacherMetrics) => Record<string, number>): void {
    const cachers = this.#cachers;
    new Counter({
      name,
      help,
      labelNames: [label],
      registers: [this.registry],
      collect(this: Counter): void {
        this.reset();
        // Cachers that share one CacherMetrics must be read once, or their counts would double.
        const seen = new Set<CacherMetrics>();
        for (const cacher of cachers.values()) {
          if (seen.has(cacher.metrics)) continue;
          seen.add(cacher.metrics);
          for (const [value, count] of Object.entries(read(cacher.metrics))) this.inc({ [label]: value }, count);
        }
      },
    });
  }
}

/**
 * Changes that entered the cache: those dispatched, plus those waiting
 * behind a dispatch that waits on full watcher queues (the one being waited
 * on included). Kubernetes counts on arrival; the Cacher counts on dispatch.
 */
function eventsReceived(cacher: Cacher): number {
  const stats = cacher.stats;
  return cacher.metrics.eventsDispatched.get(cacher.resource) + stats.backlog + (stats.isDispatcherWaiting ? 1 : 0);
}

function checkLabel(name: string, value: unknown): asserts value is string {
  if (typeof value !== 'string') throw new TypeError(`Expected \`${name}\` to be a string, got ${received(value)}`);
}

function checkDelta(delta: unknown): asserts delta is number {
  if (typeof delta !== 'number' || !Number.isSafeInteger(delta)) throw new TypeError(`Expected \`delta\` to be an integer, got ${received(delta)}`);
}
