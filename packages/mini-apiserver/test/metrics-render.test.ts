import { Cacher, CacherMetrics, storageListerWatcher } from '@apiserver-kit/cache';
import { JsonEncoder, type KubeObject, SpliceBuffer } from '@apiserver-kit/codec';
import { MemoryStorage } from '@apiserver-kit/storage';
import { register, Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiServerMetrics, REQUEST_DURATION_BUCKETS } from '../src/metrics.js';

interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/**
 * A strict reader of the Prometheus text format (0.0.4): every line is a
 * `# HELP`, a `# TYPE` or a sample `name{label="value",…} number`; every
 * sample belongs to a family announced by `# TYPE`. Throws on anything else.
 */
function parsePrometheus(text: string): { types: Map<string, string>; samples: Sample[] } {
  const types = new Map<string, string>();
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const help = /^# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) .*$/.exec(line);
    if (help !== null) continue;
    const type = /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)$/.exec(line);
    if (type !== null) {
      types.set(type[1]!, type[2]!);
      continue;
    }
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{((?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\.)*",?)*)\})? (-?[0-9.e+]+|NaN|\+Inf|-Inf)$/.exec(line);
    if (sample === null) throw new Error(`not Prometheus text: ${JSON.stringify(line)}`);
    const name = sample[1]!;
    const family = [...types.keys()].find((f) => name === f || name === `${f}_bucket` || name === `${f}_sum` || name === `${f}_count`);
    if (family === undefined) throw new Error(`sample without a # TYPE: ${name}`);
    const labels: Record<string, string> = {};
    for (const match of (sample[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[match[1]!] = match[2]!;
    samples.push({ name, labels, value: Number(sample[3]) });
  }
  return { types, samples };
}

function value(samples: readonly Sample[], name: string, labels: Record<string, string> = {}): number | undefined {
  return samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
}

function pod(name: string): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'ns' }, spec: {} };
}

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
});

async function podsCacher(storage: MemoryStorage, metrics?: CacherMetrics): Promise<Cacher> {
  const cacher = new Cacher({ resource: 'pods', source: storageListerWatcher(storage, '/pods/'), storage, bookmarkIntervalMs: 0, ...(metrics === undefined ? {} : { metrics }) });
  cacher.start();
  stops.push(() => cacher.stop());
  await cacher.onReady();
  return cacher;
}

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setImmediate(resolve));
}

describe('ApiServerMetrics.render() — Prometheus text (endpoints/metrics, storage/cacher/metrics names)', () => {
  it('request, inflight, watch and flow-control series after some calls', async () => {
    const metrics = new ApiServerMetrics();
    metrics.observeRequest('LIST', 'pods', 200, 0.012);
    metrics.observeRequest('LIST', 'pods', 200, 0.3);
    metrics.observeRequest('GET', 'pods', 404, 0.001);
    metrics.observeRequest('GET', '', 200, -0.5);
    metrics.inflight(1);
    metrics.inflight(1);
    metrics.inflight(-1);
    metrics.watchers('pods', 1);
    metrics.watchers('pods', 1);
    metrics.watchers('pods', -1);
    metrics.flowControlRejected('workload-low');
    metrics.flowControlRejected('workload-low');
    const { contentType, body } = await metrics.render();
    expect(contentType).toBe('text/plain; version=0.0.4; charset=utf-8');
    const { types, samples } = parsePrometheus(body);
    expect(types.get('apiserver_request_total')).toBe('counter');
    expect(types.get('apiserver_request_duration_seconds')).toBe('histogram');
    expect(value(samples, 'apiserver_request_total', { verb: 'LIST', resource: 'pods', code: '200' })).toBe(2);
    expect(value(samples, 'apiserver_request_total', { verb: 'GET', resource: 'pods', code: '404' })).toBe(1);
    expect(value(samples, 'apiserver_request_duration_seconds_count', { verb: 'LIST', resource: 'pods' })).toBe(2);
    expect(value(samples, 'apiserver_request_duration_seconds_bucket', { verb: 'LIST', resource: 'pods', le: '0.025' })).toBe(1);
    expect(value(samples, 'apiserver_request_duration_seconds_bucket', { verb: 'LIST', resource: 'pods', le: '0.4' })).toBe(2);
    // A negative reading (a wall clock stepping back) counts as 0 s.
    expect(value(samples, 'apiserver_request_duration_seconds_bucket', { verb: 'GET', resource: '', le: '0.005' })).toBe(1);
    // Kubernetes' buckets, then +Inf.
    const les = samples.filter((s) => s.name === 'apiserver_request_duration_seconds_bucket' && s.labels['verb'] === 'LIST').map((s) => s.labels['le']);
    expect(les).toEqual([...REQUEST_DURATION_BUCKETS.map(String), '+Inf']);
    expect(value(samples, 'apiserver_current_inflight_requests')).toBe(1);
    expect(value(samples, 'apiserver_longrunning_requests', { verb: 'WATCH', resource: 'pods' })).toBe(1);
    expect(value(samples, 'apiserver_flowcontrol_rejected_requests_total', { priority_level: 'workload-low' })).toBe(2);
  });

  it('watch cache series are read from a real Cacher over MemoryStorage on scrape, never double-counted', async () => {
    const storage = new MemoryStorage();
    const metrics = new ApiServerMetrics();
    const cacher = await podsCacher(storage);
    metrics.attachCacher('pods', cacher);
    const json = cacher.metrics.countEncodes(new JsonEncoder());
    const watcher = await cacher.watch({ resourceVersion: '0' });
    for (const name of ['a', 'b', 'c']) await storage.create(`/pods/ns/${name}`, pod(name));
    await until(() => cacher.cache.revision === 3);
    const listed = await cacher.list({ resourceVersion: '0' });
    for (const item of listed.items) item.encoded(json);
    // Encoded once per version per identifier: a second pass costs no encode.
    for (const item of listed.items) item.encoded(json);

    const first = parsePrometheus((await metrics.render()).body).samples;
    const pods = { resource: 'pods' };
    expect(value(first, 'apiserver_registered_watchers', pods)).toBe(1);
    expect(value(first, 'apiserver_watch_cache_resource_version', pods)).toBe(3);
    expect(value(first, 'apiserver_watch_cache_capacity', pods)).toBe(cacher.stats.capacity);
    expect(value(first, 'apiserver_watch_cache_capacity_increase_total', pods)).toBe(0);
    expect(value(first, 'apiserver_watch_cache_capacity_decrease_total', pods)).toBe(0);
    expect(value(first, 'apiserver_watch_cache_events_received_total', pods)).toBe(3);
    expect(value(first, 'apiserver_watch_cache_events_dispatched_total', pods)).toBe(3);
    expect(value(first, 'apiserver_kit_watch_cache_objects', pods)).toBe(3);
    expect(value(first, 'apiserver_kit_watch_cache_history_events', pods)).toBe(3);
    expect(value(first, 'apiserver_kit_watch_events_delivered_total', pods)).toBe(3);
    expect(value(first, 'apiserver_kit_encodes_total', { identifier: json.identifier })).toBe(3);

    // A second scrape reports the totals again (set from the Cacher, not added to).
    watcher.close();
    await storage.create('/pods/ns/d', pod('d'));
    await until(() => cacher.cache.revision === 4);
    const second = parsePrometheus((await metrics.render()).body).samples;
    expect(value(second, 'apiserver_registered_watchers', pods)).toBe(0);
    expect(value(second, 'apiserver_watch_cache_events_received_total', pods)).toBe(4);
    expect(value(second, 'apiserver_kit_encodes_total', { identifier: json.identifier })).toBe(3);
    expect(value(second, 'apiserver_kit_watch_cache_objects', pods)).toBe(4);
  });

  it('cachers sharing one CacherMetrics are read once for series not split by resource', async () => {
    const shared = new CacherMetrics();
    const metrics = new ApiServerMetrics();
    const a = await podsCacher(new MemoryStorage(), shared);
    const b = await podsCacher(new MemoryStorage(), shared);
    metrics.attachCacher('pods', a);
    metrics.attachCacher('pods-again', b);
    const json = shared.countEncodes(new JsonEncoder());
    json.encode(pod('x'), new SpliceBuffer());
    const samples = parsePrometheus((await metrics.render()).body).samples;
    expect(value(samples, 'apiserver_kit_encodes_total', { identifier: json.identifier })).toBe(1);
  });
});

describe('ApiServerMetrics — one registry per instance', () => {
  it('two instances in one process do not collide, and the global default registry stays empty', async () => {
    const one = new ApiServerMetrics();
    const two = new ApiServerMetrics();
    one.observeRequest('GET', 'pods', 200, 0.01);
    expect(value(parsePrometheus((await two.render()).body).samples, 'apiserver_request_total')).toBeUndefined();
    expect(value(parsePrometheus((await one.render()).body).samples, 'apiserver_request_total')).toBe(1);
    expect(register.getSingleMetric('apiserver_request_total')).toBeUndefined();
  });

  it('a given registry is used, and refused when it already holds the series', () => {
    const registry = new Registry();
    const metrics = new ApiServerMetrics({ registry });
    expect(metrics.registry).toBe(registry);
    expect(() => new ApiServerMetrics({ registry })).toThrow(
      new TypeError('Expected `registry` to hold no apiserver series yet, got one with `apiserver_request_total` (give each ApiServerMetrics its own registry)'),
    );
  });

  it('rejects bad arguments by name', () => {
    const metrics = new ApiServerMetrics();
    expect(() => metrics.observeRequest('GET', 'pods', 42, 0)).toThrow(RangeError);
    expect(() => metrics.observeRequest('GET', 'pods', 200, Number.NaN)).toThrow(TypeError);
    expect(() => metrics.inflight(0.5)).toThrow(new TypeError('Expected `delta` to be an integer, got `0.5` (number)'));
    expect(() => metrics.attachCacher('pods', {} as never)).toThrow(TypeError);
  });
});
