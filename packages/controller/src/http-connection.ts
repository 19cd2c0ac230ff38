/**
 * What every request of one {@link connect}ed client shares: the server's
 * base URL, the headers (bearer token), the agent (keep-alive sockets, TLS
 * material), the clock of Retry-After waits, the wire format of reads, and
 * the open watches `close()` ends. It builds Kubernetes' URLs:
 *
 * ```
 *   core      <server>/api/v1[/namespaces/{ns}]/{resource}[/{name}[/status]]
 *   groups    <server>/apis/{group}/{version}[/namespaces/{ns}]/{resource}[/{name}[/status]]
 * ```
 */
import { acceptFor, decodeBody, type HttpClientConfig, httpRequest, readAll, type WireFormat } from '@apiserver-kit/cache';
import { internalError, type ProtobufEncoder } from '@apiserver-kit/codec';
import { apiVersionOfType, type ResourceType } from './resource-types.js';

/** One request's body and query. */
export interface ConnectionRequest {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  readonly url: URL;
  /** JSON-encoded as `contentType`. */
  readonly body?: unknown;
  /** @default 'application/json' when there is a body */
  readonly contentType?: string | undefined;
  /** Ask for the connection's read format (protobuf when the kind allows it); writes read JSON. */
  readonly read?: ResourceType | undefined;
  readonly signal?: AbortSignal | undefined;
}

/** See the module comment. */
export class HttpConnection {
  readonly base: URL;
  readonly config: HttpClientConfig;
  readonly format: WireFormat;
  readonly protobuf: ProtobufEncoder | undefined;
  /** Closes of the open watches (ended by {@link closeAll}). */
  readonly #open = new Set<() => void>();
  #closed = false;

  constructor(base: URL, config: HttpClientConfig, format: WireFormat, protobuf: ProtobufEncoder | undefined) {
    this.base = base;
    this.config = config;
    this.format = format;
    this.protobuf = protobuf;
  }

  /** The format to read `type` in: protobuf only for kinds the codec's schemas know (others fall back to JSON, as for custom resources). */
  formatFor(type: ResourceType): WireFormat {
    if (this.format === 'json' || this.protobuf === undefined) return 'json';
    return this.protobuf.schemas.lookupKind(apiVersionOfType(type), type.kind) === undefined ? 'json' : 'protobuf';
  }

  /** The collection URL of `type` (in `namespace` when given), with `query`'s defined values. */
  collectionUrl(type: ResourceType, namespace: string | undefined, query: Readonly<Record<string, string | undefined>> = {}): URL {
    return this.#url(collectionPath(type, namespace), query);
  }

  /** The URL of one object (`subresource`: `status`). */
  objectUrl(type: ResourceType, namespace: string | undefined, name: string, subresource?: string, query: Readonly<Record<string, string | undefined>> = {}): URL {
    return this.#url(`${collectionPath(type, namespace)}/${encodeURIComponent(name)}${subresource === undefined ? '' : `/${subresource}`}`, query);
  }

  #basePath(): string {
    return this.base.pathname.replace(/\/+$/, '');
  }

  #url(path: string, query: Readonly<Record<string, string | undefined>>): URL {
    const url = new URL(this.base);
    // A server behind a path prefix (a proxy's /k8s/clusters/x) keeps it.
    url.pathname = `${this.#basePath()}${path}`;
    for (const [name, value] of Object.entries(query)) if (value !== undefined) url.searchParams.set(name, value);
    return url;
  }

  /**
   * Sends one request and decodes the 2xx answer's body.
   * @throws StatusError: the server's Status, ServiceUnavailable 503 when it
   *   cannot be reached, InternalError 500 for an answer that does not decode.
   */
  async request(request: ConnectionRequest): Promise<unknown> {
    const format = request.read === undefined ? 'json' : this.formatFor(request.read);
    const accept = acceptFor(format, false);
    const body = request.body === undefined ? undefined : Buffer.from(JSON.stringify(request.body), 'utf8');
    const headers: Record<string, string> = {
      ...(accept === undefined ? {} : { accept }),
      ...(body === undefined ? {} : { 'content-type': request.contentType ?? 'application/json' }),
    };
    const response = await httpRequest(request.url, this.config, { method: request.method, headers, body, signal: request.signal });
    let bytes: Buffer;
    try {
      bytes = await readAll(response.body);
    } catch (error) {
      if (request.signal?.aborted === true) throw request.signal.reason;
      throw internalError(`the response to ${request.method} ${request.url.pathname} was cut short: ${error instanceof Error ? error.message : String(error)}`, error);
    } finally {
      response.destroy();
    }
    return decodeBody(bytes, response.contentType, this.protobuf, `the response to ${request.method} ${request.url.pathname}`);
  }

  /** Tracks an open watch until it ends; a watch opened after {@link closeAll} is closed at once. */
  track(close: () => void): () => void {
    if (this.#closed) {
      close();
      return () => {};
    }
    this.#open.add(close);
    return () => {
      this.#open.delete(close);
    };
  }

  /** Ends every open watch; later watches end at once. */
  closeAll(): void {
    this.#closed = true;
    for (const close of [...this.#open]) close();
    this.#open.clear();
  }
}

function collectionPath(type: ResourceType, namespace: string | undefined): string {
  const prefix = type.group === '' ? `/api/${type.version}` : `/apis/${type.group}/${type.version}`;
  const scope = namespace === undefined ? '' : `/namespaces/${encodeURIComponent(namespace)}`;
  return `${prefix}${scope}/${type.resource}`;
}
