/**
 * An {@link ApiClient} over HTTP to any Kubernetes API server (the reference
 * host, kind, a real cluster), configured from a kubeconfig or a URL:
 *
 * ```
 *   connect({ kubeconfig })  ─▶ loadKubeconfig ─▶ server, namespace, token, TLS ─▶ https.Agent (CA, client cert)
 *        │                                                                          + authorization: Bearer
 *        ├─ resource(type, ns) ─▶ HttpResourceClient: get/list/watch/create/update(Status)/patch(Status)/delete
 *        ├─ listerWatcher(type, scope) ─▶ cache's httpListerWatcher (same agent, headers, format)
 *        └─ writes: WriteLedger of every successful write
 * ```
 *
 * Transport: `node:http`/`node:https` through cache's HTTP client, shared with
 * `httpListerWatcher`: errors are the server's Status as a StatusError,
 * ServiceUnavailable 503 when the server cannot be reached, and a 429 (or
 * 5xx with Retry-After) is retried after the time the server asks (client-go
 * `checkWait`, at most `maxRetries` times). Reads ask for protobuf with
 * `accept: 'protobuf'` for the kinds the codec's schemas know (JSON for the
 * others, e.g. custom resources); writes are JSON.
 */
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { type HttpClientConfig, httpListerWatcher, type ListerWatcher, type WireFormat } from '@apiserver-kit/cache';
import { type ObjectShape, ProtobufEncoder } from '@apiserver-kit/codec';
import { checkInteger, type Clock, received, systemClock } from '@apiserver-kit/core';
import { type ApiClient, ApiClientBase, type ListerWatcherScope, type ResourceClient } from './api-client.js';
import { HttpConnection } from './http-connection.js';
import { HttpResourceClient } from './http-resource-client.js';
import { type Kubeconfig, loadKubeconfig } from './kubeconfig.js';
import type { ResourceType } from './resource-types.js';
import { WriteLedger } from './write-ledger.js';

/** Options of {@link connect}. */
export interface ConnectOptions {
  /**
   * The server's URL (`http://127.0.0.1:8080`); overrides the kubeconfig's
   * server. Given without `kubeconfig`, no kubeconfig is read (no credentials
   * unless `token`).
   */
  readonly url?: string | undefined;
  /** A kubeconfig file path, or one {@link loadKubeconfig} resolved (e.g. from text). @default loadKubeconfig() when no `url` ($KUBECONFIG, ~/.kube/config) */
  readonly kubeconfig?: string | Kubeconfig | undefined;
  /** The context of a kubeconfig path (or of the default kubeconfig, read for it even with `url`); @default its current-context */
  readonly context?: string | undefined;
  /** A bearer token; overrides the kubeconfig's. */
  readonly token?: string | undefined;
  /** The format of reads (get, list, watch, listerWatcher); see the module comment. @default 'json' */
  readonly accept?: WireFormat | undefined;
  /** Time of Retry-After waits; @default systemClock */
  readonly clock?: Clock | undefined;
  /** The agent of every request (then its TLS settings are yours, and `close()` leaves it open); @default a keep-alive agent with the kubeconfig's TLS material */
  readonly agent?: HttpAgent | undefined;
  /** Extra headers of every request (e.g. `user-agent`). */
  readonly headers?: Readonly<Record<string, string>> | undefined;
  /** Retries of a throttled request; @default 10 (client-go's) */
  readonly maxRetries?: number | undefined;
  /** Records kept by {@link ApiClient.writes}; @default 4096 */
  readonly writeLedgerCapacity?: number | undefined;
}

/** A connected client: an {@link ApiClient} plus what it connected to. */
export interface HttpApiClient extends ApiClient {
  /** The server's URL. */
  readonly server: string;
  /** The kubeconfig context's namespace (`default` without one): the namespace a controller defaults to. */
  readonly defaultNamespace: string;
}

/**
 * Connects to a Kubernetes API server; see the module comment. Nothing is
 * sent until the first request (an unreachable server shows then, as
 * ServiceUnavailable 503).
 *
 * @throws TypeError naming a bad option, or what is wrong with the kubeconfig (see {@link loadKubeconfig}).
 */
export function connect(options: ConnectOptions = {}): HttpApiClient {
  if (typeof options !== 'object' || options === null) throw new TypeError(`Expected \`options\` to be an object, got ${received(options)}`);
  for (const name of ['url', 'context', 'token'] as const) {
    if (options[name] !== undefined && typeof options[name] !== 'string') throw new TypeError(`Expected \`${name}\` to be a string, got ${received(options[name])}`);
  }
  const format = options.accept ?? 'json';
  if (format !== 'json' && format !== 'protobuf') throw new TypeError(`Expected \`accept\` to be 'json' or 'protobuf', got ${received(options.accept)}`);
  const maxRetries = options.maxRetries ?? 10;
  checkInteger('maxRetries', maxRetries, 0);
  if (options.agent !== undefined && !(options.agent instanceof HttpAgent)) throw new TypeError(`Expected \`agent\` to be an http(s).Agent, got ${received(options.agent)}`);

  let kubeconfig: Kubeconfig | undefined;
  if (typeof options.kubeconfig === 'string') kubeconfig = loadKubeconfig({ path: options.kubeconfig, context: options.context });
  else if (options.kubeconfig !== undefined) {
    if (typeof options.kubeconfig !== 'object' || options.kubeconfig === null || typeof options.kubeconfig.server !== 'string') {
      throw new TypeError(`Expected \`kubeconfig\` to be a path or the result of loadKubeconfig(), got ${received(options.kubeconfig)}`);
    }
    kubeconfig = options.kubeconfig;
  } else if (options.url === undefined || options.context !== undefined) kubeconfig = loadKubeconfig({ context: options.context });

  const server = options.url ?? kubeconfig!.server;
  let base: URL;
  try {
    base = new URL(server);
  } catch {
    throw new TypeError(`Expected \`url\` to be an absolute http(s) URL, got ${received(server)}`);
  }
  if (base.protocol !== 'http:' && base.protocol !== 'https:') throw new TypeError(`Expected \`url\` to be an absolute http(s) URL, got ${received(server)}`);
  base.search = '';
  base.hash = '';

  const token = options.token ?? kubeconfig?.token;
  const headers: Record<string, string> = {
    'user-agent': 'apiserver-kit-controller',
    ...options.headers,
    ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
  };
  const ownAgent = options.agent === undefined;
  const agent = options.agent ?? agentFor(base, kubeconfig);
  const protobuf = format === 'protobuf' ? new ProtobufEncoder() : undefined;
  const config: HttpClientConfig = { headers, agent, clock: options.clock ?? systemClock, maxRetries, protobuf };
  const connection = new HttpConnection(base, config, format, protobuf);
  return new HttpApi(connection, {
    server: base.href.replace(/\/$/, ''),
    defaultNamespace: kubeconfig?.namespace ?? 'default',
    writes: new WriteLedger({ capacity: options.writeLedgerCapacity }),
    ownAgent,
  });
}

/** A keep-alive agent; for https, with the kubeconfig's CA, client certificate and verification setting. */
function agentFor(base: URL, kubeconfig: Kubeconfig | undefined): HttpAgent {
  if (base.protocol === 'http:') return new HttpAgent({ keepAlive: true });
  const tls = kubeconfig?.tls;
  return new HttpsAgent({
    keepAlive: true,
    ...(tls?.ca === undefined ? {} : { ca: tls.ca }),
    ...(tls?.cert === undefined ? {} : { cert: tls.cert }),
    ...(tls?.key === undefined ? {} : { key: tls.key }),
    ...(tls?.serverName === undefined ? {} : { servername: tls.serverName }),
    rejectUnauthorized: tls?.insecureSkipTlsVerify !== true,
  });
}

class HttpApi extends ApiClientBase implements HttpApiClient {
  readonly writes: WriteLedger;
  readonly server: string;
  readonly defaultNamespace: string;
  readonly #connection: HttpConnection;
  readonly #ownAgent: boolean;

  constructor(connection: HttpConnection, init: { server: string; defaultNamespace: string; writes: WriteLedger; ownAgent: boolean }) {
    super();
    this.#connection = connection;
    this.server = init.server;
    this.defaultNamespace = init.defaultNamespace;
    this.writes = init.writes;
    this.#ownAgent = init.ownAgent;
  }

  /** @throws TypeError for a bad type, or a namespace given for a cluster-scoped resource. */
  resource<T extends ObjectShape>(type: ResourceType<T>, namespace?: string): ResourceClient<T> {
    checkType(type);
    if (namespace !== undefined && (typeof namespace !== 'string' || namespace === '')) throw new TypeError(`Expected \`namespace\` to be a non-empty string, got ${received(namespace)}`);
    if (namespace !== undefined && !type.namespaced) throw new TypeError(`Expected \`namespace\` to be undefined for the cluster-scoped ${type.resource}, got ${received(namespace)}`);
    return new HttpResourceClient(this.#connection, this.writes, type, namespace);
  }

  /**
   * cache's `httpListerWatcher` over the collection, with this client's
   * headers, agent, clock and read format (one per informer: it is stateful).
   * @throws TypeError for a bad type or scope.
   */
  listerWatcher(type: ResourceType, scope: ListerWatcherScope = {}): ListerWatcher {
    checkType(type);
    if (typeof scope !== 'object' || scope === null) throw new TypeError(`Expected \`scope\` to be an object, got ${received(scope)}`);
    if (scope.namespace !== undefined && !type.namespaced) throw new TypeError(`Expected \`scope.namespace\` to be undefined for the cluster-scoped ${type.resource}, got ${received(scope.namespace)}`);
    const connection = this.#connection;
    const config = connection.config;
    const format = connection.formatFor(type);
    return httpListerWatcher({
      url: connection.collectionUrl(type, scope.namespace).href,
      headers: config.headers,
      agent: config.agent,
      clock: config.clock,
      maxRetries: config.maxRetries,
      labelSelector: scope.labelSelector,
      fieldSelector: scope.fieldSelector,
      accept: format,
      protobuf: format === 'protobuf' ? connection.protobuf : undefined,
    });
  }

  /**
   * Ends this client's open watches (their iterations end cleanly) and frees
   * its sockets (an agent passed in stays open). ListerWatchers handed out
   * are ended by stopping their informers.
   */
  async close(): Promise<void> {
    this.#connection.closeAll();
    if (this.#ownAgent) this.#connection.config.agent?.destroy();
  }
}

function checkType(type: unknown): asserts type is ResourceType {
  const t = type as Partial<ResourceType> | null;
  if (typeof t !== 'object' || t === null || typeof t.group !== 'string' || typeof t.version !== 'string' || typeof t.resource !== 'string' || typeof t.kind !== 'string' || typeof t.namespaced !== 'boolean') {
    throw new TypeError(`Expected \`type\` to be a ResourceType ({ group, version, resource, kind, namespaced }), got ${received(type)}`);
  }
}
