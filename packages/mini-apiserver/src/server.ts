/**
 * The reference host: one HTTP server composed from the blocks.
 *
 * ```
 *  request ─▶ route (request-info) ─▶ flow control (flowcontrol's http admission; probes exempt)
 *     ├─ resource verbs ─▶ handlers (decode/encode) ─▶ registry (registry/*, shared with createFakeApi)
 *     │     get/list/watch ─▶ Cacher (one per resource, fed by a Reflector over storage)
 *     │     create/update/patch/delete ─▶ Storage ─(watch)─▶ Reflector ─▶ Cacher
 *     └─ version, discovery, OpenAPI, metrics, health, profile (non-resource)
 *  every failure ─▶ a Status in the negotiated format (codec's writeStatusResponse)
 * ```
 *
 * Everything lives in the returned server (no module-level state), so
 * several servers run side by side in one process.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Cacher } from '@apiserver-kit/cache';
import { StatusError, toStatusError, writeStatusResponse } from '@apiserver-kit/codec';
import { type Clock, systemClock } from '@apiserver-kit/core';
import type { RequestAttributes } from '@apiserver-kit/flowcontrol';
import { MemoryStorage, type Storage } from '@apiserver-kit/storage';
import type { HealthCheck } from './health.js';
import { Codecs } from './handlers/codecs.js';
import type { ServerContext } from './handlers/context.js';
import { createFlowControl, type FlowControlOptions, userOf } from './handlers/flow-control.js';
import { serveNonResource } from './handlers/non-resource.js';
import { boolParam } from './handlers/query.js';
import { serveGet, serveList, serveWatch } from './handlers/read.js';
import { methodNotAllowed, parseResourceRequest, pathNotFound, type ResourceRequest } from './handlers/request-info.js';
import { serveCreate, serveDelete, serveDeleteCollection, servePatch, serveUpdate } from './handlers/write.js';
import { kubeconfigFor, type KubeconfigOptions } from './kubeconfig.js';
import { ApiServerMetrics } from './metrics.js';
import { bootstrapNamespaces, createRegistry, startCachers } from './host-state.js';
import { CORE_V1_RESOURCES, type ResourceInfo } from './resources.js';
import { type SeedEntry, syntheticCluster, type SyntheticClusterOptions } from './seed.js';

/** One object to write before serving: its storage key and the object (what `syntheticCluster` yields). */
export type SeedObject = SeedEntry;

/** The options of a synthetic cluster (see `syntheticCluster`). */
export type SeedOptions = SyntheticClusterOptions;

/** Options of {@link startApiServer}. */
export interface ApiServerOptions {
  /** TCP port; 0 picks a free one. @default 0 */
  readonly port?: number | undefined;
  /** Address to listen on. @default '127.0.0.1' */
  readonly host?: string | undefined;
  /** The store of record. @default a new MemoryStorage on `clock` */
  readonly storage?: Storage | undefined;
  /** Objects written to storage before serving: a list of `{ key, object }`, or the options of a synthetic cluster. @default none */
  readonly seed?: Iterable<SeedObject> | SeedOptions | undefined;
  /** Time for caches, watches, flow control and the default storage (a FakeClock in tests). @default systemClock */
  readonly clock?: Clock | undefined;
  /** The resources served. @default CORE_V1_RESOURCES (namespaces, nodes, pods, configmaps) */
  readonly resources?: readonly ResourceInfo[] | undefined;
  /** The largest request body, in bytes (Kubernetes': 3 MiB). @default 3 * 1024 * 1024 */
  readonly maxRequestBodyBytes?: number | undefined;
  /** Flow control gates, or `false` for none. @default API Priority and Fairness with `system:` users exempt (see FlowControlOptions) */
  readonly flowControl?: FlowControlOptions | false | undefined;
  /** Serve `/debug/profile?seconds=N` (a V8 CPU profile). @default false */
  readonly enableProfiling?: boolean | undefined;
  /** Where request, cache and flow-control metrics go. @default a new ApiServerMetrics (its own registry) */
  readonly metrics?: ApiServerMetrics | undefined;
  /** Create the namespaces Kubernetes' bootstrap creates (default, kube-system, kube-public, kube-node-lease) when missing. @default true */
  readonly bootstrapNamespaces?: boolean | undefined;
  /** Watches without `timeoutSeconds` end after a random time in [this, 2·this) seconds (`--min-request-timeout`). @default 1800 */
  readonly minRequestTimeoutSeconds?: number | undefined;
  /** Jitter for watch timeouts and generated names. @default Math.random */
  readonly random?: (() => number) | undefined;
  /**
   * More `/readyz` checks, after the host's own (e.g. a `StorageProbe`'s
   * `check`, as Kubernetes' apiserver reports `[+]etcd`). Synchronous: a check
   * must answer at once. @default none
   */
  readonly readyChecks?: readonly HealthCheck[] | undefined;
}

/** A running server. */
export interface ApiServer {
  /** `http://host:port`, no trailing slash. */
  readonly url: string;
  readonly port: number;
  /** The store of record (write to it directly to simulate other writers). */
  readonly storage: Storage;
  /** The Cacher of each served resource. */
  readonly cachers: ReadonlyMap<ResourceInfo, Cacher>;
  readonly metrics: ApiServerMetrics;
  /** A kubeconfig (YAML text) pointing at {@link url}: plain HTTP, no credentials. */
  kubeconfig(options?: KubeconfigOptions): string;
  /** Stops serving: ends watches, closes connections, stops the caches. Idempotent. */
  close(): Promise<void>;
}

/** Kubernetes' `--max-request-bytes` default for the apiserver's bodies. */
export const DEFAULT_MAX_REQUEST_BODY_BYTES: number = 3 * 1024 * 1024;

function isSeedList(seed: Iterable<SeedObject> | SeedOptions): seed is Iterable<SeedObject> {
  return typeof (seed as Partial<Iterable<SeedObject>>)[Symbol.iterator] === 'function';
}

async function writeSeed(storage: Storage, seed: Iterable<SeedObject>): Promise<void> {
  for (const { key, object } of seed) await storage.create(key, object);
}

/** The attributes flow control reads, from the parsed request. */
function attributesOf(request: IncomingMessage, resource: ResourceRequest | undefined, longRunning: boolean): RequestAttributes {
  const { user, groups } = userOf(request);
  return {
    user,
    groups,
    verb: resource?.verb ?? (request.method ?? 'GET').toLowerCase(),
    isLongRunning: longRunning,
    ...(request.headers['user-agent'] === undefined ? {} : { userAgent: request.headers['user-agent'] }),
    ...(resource === undefined ? {} : { resource: resource.info.resource }),
    ...(resource?.namespace === undefined ? {} : { namespace: resource.namespace }),
  };
}

/** Kubernetes' metric verbs (`CanonicalVerb`): LIST and WATCH apart from GET, the HTTP method for writes. */
const METRIC_VERBS: Readonly<Record<ResourceRequest['verb'], string>> = Object.freeze({
  get: 'GET',
  list: 'LIST',
  watch: 'WATCH',
  create: 'POST',
  update: 'PUT',
  patch: 'PATCH',
  delete: 'DELETE',
  deletecollection: 'DELETECOLLECTION',
});

/** Health probes skip flow control, as Kubernetes' `probes` FlowSchema sends them to the exempt level. */
const PROBES: ReadonlySet<string> = new Set(['healthz', 'livez', 'readyz']);

/**
 * Starts a Kubernetes-compatible API server over `storage` and resolves once
 * it listens and every cache has synced (ready: `/readyz` is ok).
 *
 * @throws what seeding throws (e.g. AlreadyExists for a key given twice);
 *   the listen error (EADDRINUSE) — in both cases nothing is left running.
 */
export async function startApiServer(options: ApiServerOptions = {}): Promise<ApiServer> {
  const clock = options.clock ?? systemClock;
  const storage = options.storage ?? new MemoryStorage({ clock });
  const resources = options.resources ?? CORE_V1_RESOURCES;
  const random = options.random ?? Math.random;
  const metrics = options.metrics ?? new ApiServerMetrics();
  if (options.seed !== undefined) await writeSeed(storage, isSeedList(options.seed) ? options.seed : syntheticCluster(options.seed));
  if (options.bootstrapNamespaces !== false) await bootstrapNamespaces(storage, resources);

  const cachers = startCachers(storage, resources, clock, (info, cacher) => metrics.attachCacher(info.resource, cacher));
  const context: ServerContext = {
    storage,
    clock,
    resources,
    cachers,
    codecs: new Codecs(),
    registry: createRegistry(storage, resources, cachers, random),
    maxRequestBodyBytes: options.maxRequestBodyBytes ?? DEFAULT_MAX_REQUEST_BODY_BYTES,
    minRequestTimeoutSeconds: options.minRequestTimeoutSeconds ?? 1800,
    random,
  };
  let closing = false;
  const liveChecks: HealthCheck[] = [{ name: 'ping', check: () => undefined }];
  const readyChecks: HealthCheck[] = [
    ...liveChecks,
    { name: 'informer-sync', check: () => ([...cachers.values()].every((cacher) => cacher.cache.isReady) ? undefined : 'caches not synced') },
    { name: 'shutdown', check: () => (closing ? 'server is shutting down' : undefined) },
    ...(options.readyChecks ?? []),
  ];
  const routes = { context, metrics, liveChecks, readyChecks, enableProfiling: options.enableProfiling === true };

  const attributes = new WeakMap<IncomingMessage, RequestAttributes>();
  // The work estimator asks per LIST/WATCH: look the cacher up by resource name once, and count without listing (O(1)).
  const cachersByResource = new Map<string, Cacher>();
  for (const [info, cacher] of cachers) if (!cachersByResource.has(info.resource)) cachersByResource.set(info.resource, cacher);
  const flow = createFlowControl(
    options.flowControl,
    clock,
    (request) => attributes.get(request) ?? attributesOf(request, undefined, false),
    (resource, namespace) => {
      const cacher = cachersByResource.get(resource);
      if (cacher === undefined || !cacher.cache.isReady) return undefined;
      return namespace === undefined ? cacher.cache.size : cacher.cache.indexer.count('namespace', namespace);
    },
  );

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const startedAt = clock.now();
    let query = new URLSearchParams();
    let verb = request.method ?? 'GET';
    let resourceName = '';
    let inflight = false;
    const gone = new AbortController();
    const onClose = (): void => {
      if (!response.writableFinished) gone.abort(new Error('the client went away'));
    };
    response.once('close', onClose);
    try {
      const url = new URL(request.url ?? '/', 'http://localhost');
      query = url.searchParams;
      let segments: string[];
      try {
        segments = url.pathname.split('/').filter((segment) => segment !== '').map((segment) => decodeURIComponent(segment));
      } catch {
        throw pathNotFound();
      }
      const resource = parseResourceRequest(request.method ?? 'GET', segments, resources, boolParam(query, 'watch') === true);
      if (resource !== undefined) {
        verb = METRIC_VERBS[resource.verb];
        resourceName = resource.info.resource;
      }
      const longRunning = resource?.verb === 'watch' || segments.join('/') === 'debug/profile';
      const requestAttributes = attributesOf(request, resource, longRunning);
      attributes.set(request, requestAttributes);
      let admitted: { release(): void } | undefined;
      if (flow !== undefined && !(resource === undefined && PROBES.has(segments[0] ?? ''))) {
        admitted = await flow.admit(request, response);
        if (admitted === undefined) {
          if (response.statusCode === 429) metrics.flowControlRejected(flow.priorityAndFairness?.classify(requestAttributes).priorityLevel ?? 'limiter');
          return;
        }
      }
      metrics.inflight(1);
      inflight = true;
      if (closing) throw new StatusError('ServiceUnavailable', 'apiserver is shutting down');
      if (resource === undefined) {
        if (request.method !== 'GET' && request.method !== 'HEAD') {
          if (resourceKnownPath(segments)) throw methodNotAllowed();
        }
        await serveNonResource(routes, request, response, segments, query, gone.signal);
        return;
      }
      const call = { context, request, response, resource, query, signal: gone.signal };
      switch (resource.verb) {
        case 'get':
          return await serveGet(call);
        case 'list':
          return await serveList(call);
        case 'watch':
          // A watch holds its seats only while it starts (Kubernetes releases them once the initial events are sent).
          return await serveWatch(call, () => admitted?.release(), (delta) => metrics.watchers(resource.info.resource, delta));
        case 'create':
          return await serveCreate(call);
        case 'update':
          return await serveUpdate(call);
        case 'patch':
          return await servePatch(call);
        case 'delete':
          return await serveDelete(call);
        case 'deletecollection':
          return await serveDeleteCollection(call);
      }
    } catch (error) {
      if (response.headersSent) {
        response.destroy();
        return;
      }
      const status = toStatusError(error);
      // A body left unread (refused before or while reading) makes the connection unusable: close it after the answer.
      const declared = request.headers['content-length'];
      const hasBody = request.headers['transfer-encoding'] !== undefined || (declared !== undefined && declared !== '0');
      const headers = hasBody && !request.complete ? { Connection: 'close' } : undefined;
      writeStatusResponse(response, status, context.codecs.errorEncoder(request, query), headers);
    } finally {
      response.off('close', onClose);
      try {
        if (inflight) metrics.inflight(-1);
        metrics.observeRequest(verb, resourceName, response.statusCode, (clock.now() - startedAt) / 1000);
      } catch {
        // Metrics must never fail a request (a clock stepping back is clamped there; anything else is a bug in a label).
      }
    }
  };

  const server: Server = createServer((request, response) => {
    void handle(request, response);
  });
  // Watches and profiles are long; Node's own request timeout must not cut them.
  server.requestTimeout = 0;
  server.headersTimeout = 60_000;
  try {
    await Promise.all([...cachers.values()].map((cacher) => cacher.onReady()));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    await Promise.all([...cachers.values()].map((cacher) => cacher.stop()));
    throw error;
  }
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;
  let closed: Promise<void> | undefined;
  return {
    url,
    port: address.port,
    storage,
    cachers,
    metrics,
    kubeconfig: (kubeconfigOptions?: KubeconfigOptions) => kubeconfigFor(url, kubeconfigOptions),
    close: () => {
      closed ??= (async () => {
        closing = true;
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        // Stopping the caches ends every watch stream cleanly; then idle keep-alive connections go.
        await Promise.all([...cachers.values()].map((cacher) => cacher.stop()));
        server.closeIdleConnections();
        server.closeAllConnections();
        await stopped;
      })();
      return closed;
    },
  };
}

/** Whether a non-resource path exists for GET (another method on it is a 405, not a 404). */
function resourceKnownPath(segments: readonly string[]): boolean {
  const first = segments[0];
  return first === 'version' || first === 'api' || first === 'apis' || first === 'openapi' || first === 'metrics' || first === 'healthz' || first === 'livez' || first === 'readyz';
}
