/**
 * A {@link ListerWatcher} over any Kubernetes-style HTTP endpoint
 * (`/api/v1/pods`, `/api/v1/namespaces/ns/pods`, `/apis/apps/v1/deployments`):
 * a {@link Reflector} fed by it keeps a {@link WatchCache} in step with a
 * server, which is a controller's view of that server.
 *
 * It lists and watches as client-go's reflector does:
 *
 * ```
 *   list  GET url?limit=500&resourceVersion=R            R = "0" first (any cached state, cheap for the server),
 *         GET url?limit=500&continue=T  …                  then the last revision synced, and "" (a consistent
 *         (a continue page expired: one full list at R)    read) after the server said R is gone (410) or too
 *                                                          large (504) — which also retries the list at once
 *   watch GET url?watch=true&resourceVersion=N&allowWatchBookmarks=true&timeoutSeconds=300…600
 *         200 ─▶ {"type":…,"object":…}{…}…   (objects split across chunks are joined; newlines optional)
 *                or <u32 BE length><WatchEvent>…  with accept: 'protobuf' (length-delimited frames)
 *                ERROR event ─▶ its Status as a StatusError (410 Expired → the Reflector relists)
 *                stream ends / connection reset ─▶ a clean end (the Reflector resumes from the last revision)
 *         non-2xx ─▶ the Status body as a StatusError; 429 (or 5xx) with Retry-After: wait, retry (≤ maxRetries)
 *   watchList GET url?watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true…
 *         ADDED… (the state) ─▶ BOOKMARK annotated k8s.io/initial-events-end ─▶ { initialEventsEnd: true } ─▶ changes
 * ```
 *
 * With `accept: 'protobuf'` it asks for `application/vnd.kubernetes.protobuf`
 * (`;stream=watch` for watches) and accepts JSON too, as client-go does: a
 * server that cannot encode the kind in protobuf answers JSON, and each
 * answer is decoded by its `content-type`.
 */
import type { Agent } from 'node:http';
import { INITIAL_EVENTS_END_ANNOTATION, isStatusError, type KubeObject, ProtobufEncoder, type StatusError } from '@apiserver-kit/codec';
import { checkInteger, type Clock, received, systemClock } from '@apiserver-kit/core';
import { httpGet, type HttpClientConfig, readAll } from './internal/http-request.js';
import { protocolError } from './internal/http-status.js';
import { httpWatchEvents, type RawWatchEvent } from './internal/http-watch.js';
import { acceptFor, decodeBody, type WireFormat } from './internal/http-wire.js';
import type { ListerWatcher, SourceEvent, SourceList, SourceWatch } from './lister-watcher.js';

/** Options of {@link httpListerWatcher}. */
export interface HttpListerWatcherOptions {
  /** The collection's URL, e.g. `http://127.0.0.1:8080/api/v1/pods`; its own query parameters are kept. */
  readonly url: string;
  /** Headers of every request (e.g. `authorization`); `accept` defaults to `application/json`. */
  readonly headers?: Readonly<Record<string, string>> | undefined;
  /** Only objects matching this label selector (Kubernetes syntax, sent as is). */
  readonly labelSelector?: string | undefined;
  /** Only objects matching this field selector (Kubernetes syntax, sent as is). */
  readonly fieldSelector?: string | undefined;
  /** Items per list page (`limit`); 0 for unpaged lists. @default 500 */
  readonly pageSize?: number | undefined;
  /**
   * `timeoutSeconds` of each watch: the server ends it cleanly after that long
   * and the Reflector opens the next one. @default random in [300, 600), as client-go (spreads reconnects)
   */
  readonly timeoutSeconds?: number | undefined;
  /** Ask for BOOKMARK events (progress without changes; fewer relists). @default true */
  readonly allowWatchBookmarks?: boolean | undefined;
  /** The HTTP agent (keep-alive, sockets); @default Node's global agent */
  readonly agent?: Agent | undefined;
  /** Time for Retry-After waits; @default systemClock */
  readonly clock?: Clock | undefined;
  /** Retries of a throttled request (429, or 5xx with Retry-After) before its error is thrown; @default 10 (client-go's) */
  readonly maxRetries?: number | undefined;
  /** The largest watch event accepted, in bytes; a larger one fails the watch (InternalError). @default 64 MiB */
  readonly maxEventBytes?: number | undefined;
  /** Source of randomness in [0, 1) for the default `timeoutSeconds`; @default Math.random */
  readonly random?: (() => number) | undefined;
  /**
   * The format asked for: `protobuf` sends client-go's
   * `application/vnd.kubernetes.protobuf, application/json` (lists) and
   * `…;stream=watch` (watches), decoding with `protobuf` for the kinds its
   * schemas know; a protobuf answer of another kind fails with InternalError
   * 500 saying so (ask for JSON for such resources). @default 'json'
   */
  readonly accept?: WireFormat | undefined;
  /** The codec of protobuf answers (share one between clients: building it costs). @default a new ProtobufEncoder() when `accept` is protobuf */
  readonly protobuf?: ProtobufEncoder | undefined;
}

const DEFAULT_MAX_EVENT_BYTES = 64 * 1024 * 1024;
/** client-go reflector's `defaultMinWatchTimeout` (5 min); watches last between it and twice it. */
const MIN_WATCH_TIMEOUT_SECONDS = 300;

/**
 * A {@link ListerWatcher} over a Kubernetes-style HTTP endpoint; see the
 * module comment for the requests it makes. Stateful like client-go's
 * reflector: it remembers the last revision synced (from lists and watch
 * events) to choose the `resourceVersion` of the next list, so give each
 * Reflector its own.
 *
 * Every failure of `list` and of a watch's iteration is a {@link StatusError}:
 * the server's Status (a 410 keeps Expired or Gone, so the Reflector relists),
 * the reason of a bare HTTP code, ServiceUnavailable 503 when the server
 * cannot be reached, InternalError 500 for a response that breaks the
 * protocol (bad JSON, a list without items, an event without a revision). An
 * abort rejects with the signal's reason.
 *
 * Caveats: no `requestProgress` (HTTP has no progress request: the cache
 * advances on the server's bookmarks) and no `currentRevision` (consistent
 * reads of the cache serve its own revision; a Cacher fed by it delegates
 * them to its storage when it has one). List items without `kind` /
 * `apiVersion` (Kubernetes omits them in typed lists) get the list's, so
 * that cached objects look like watched ones. Costs: a list holds its whole
 * response body once while parsing; a watch holds at most one event's bytes.
 *
 * @throws TypeError/RangeError naming a bad option (synchronously).
 */
export function httpListerWatcher(options: HttpListerWatcherOptions): ListerWatcher {
  if (typeof options !== 'object' || options === null) throw new TypeError(`Expected \`options\` to be an object, got ${received(options)}`);
  let base: URL;
  try {
    base = new URL(options.url);
  } catch {
    throw new TypeError(`Expected \`url\` to be an absolute http(s) URL, got ${received(options.url)}`);
  }
  if (base.protocol !== 'http:' && base.protocol !== 'https:') throw new TypeError(`Expected \`url\` to be an absolute http(s) URL, got ${received(options.url)}`);
  const pageSize = options.pageSize ?? 500;
  checkInteger('pageSize', pageSize, 0);
  if (options.timeoutSeconds !== undefined) checkInteger('timeoutSeconds', options.timeoutSeconds, 1);
  const maxRetries = options.maxRetries ?? 10;
  checkInteger('maxRetries', maxRetries, 0);
  const maxEventBytes = options.maxEventBytes ?? DEFAULT_MAX_EVENT_BYTES;
  checkInteger('maxEventBytes', maxEventBytes, 1);
  for (const name of ['labelSelector', 'fieldSelector'] as const) {
    if (options[name] !== undefined && typeof options[name] !== 'string') throw new TypeError(`Expected \`${name}\` to be a string, got ${received(options[name])}`);
  }
  const random = options.random ?? Math.random;
  const format = options.accept ?? 'json';
  if (format !== 'json' && format !== 'protobuf') throw new TypeError(`Expected \`accept\` to be 'json' or 'protobuf', got ${received(options.accept)}`);
  if (options.protobuf !== undefined && !(options.protobuf instanceof ProtobufEncoder)) throw new TypeError(`Expected \`protobuf\` to be a ProtobufEncoder, got ${received(options.protobuf)}`);
  const protobuf = format === 'protobuf' ? (options.protobuf ?? new ProtobufEncoder()) : undefined;
  const listAccept = acceptFor(format, false);
  const listHeaders = listAccept === undefined ? undefined : { accept: listAccept };
  const allowBookmarks = options.allowWatchBookmarks ?? true;
  const config: HttpClientConfig = {
    headers: { ...options.headers },
    agent: options.agent,
    clock: options.clock ?? systemClock,
    maxRetries,
    protobuf,
  };

  // client-go reflector's lastSyncResourceVersion / isLastSyncResourceVersionUnavailable.
  let lastSync = '';
  let lastSyncUnavailable = false;

  const urlWith = (params: Readonly<Record<string, string | undefined>>): URL => {
    const url = new URL(base);
    if (options.labelSelector !== undefined && options.labelSelector !== '') url.searchParams.set('labelSelector', options.labelSelector);
    if (options.fieldSelector !== undefined && options.fieldSelector !== '') url.searchParams.set('fieldSelector', options.fieldSelector);
    for (const [name, value] of Object.entries(params)) if (value !== undefined) url.searchParams.set(name, value);
    return url;
  };

  /** One page; `rv` undefined on continue pages (Kubernetes forbids resourceVersion with continue). */
  const page = async (params: Readonly<Record<string, string | undefined>>, signal: AbortSignal | undefined): Promise<Page> => {
    const response = await httpGet(urlWith(params), config, signal, listHeaders);
    let bytes: Buffer;
    try {
      bytes = await readAll(response.body);
    } catch (error) {
      if (signal?.aborted === true) throw signal.reason;
      throw protocolError(`the list response was cut short: ${error instanceof Error ? error.message : String(error)}`, error);
    } finally {
      response.destroy();
    }
    return parsePage(decodeBody(bytes, response.contentType, protobuf, 'the list response'));
  };

  /** A full list at `rv` (client-go's pager: pages, and one unpaged list when a continue token expires). */
  const listAt = async (rv: string, signal: AbortSignal | undefined): Promise<SourceList> => {
    const limit = pageSize > 0 ? String(pageSize) : undefined;
    const rvParam = rv === '' ? undefined : rv;
    const first = await page({ limit, resourceVersion: rvParam }, signal);
    const items: KubeObject[] = [...first.items];
    let token = first.continue;
    while (token !== '') {
      signal?.throwIfAborted();
      let next: Page;
      try {
        next = await page({ limit, continue: token }, signal);
      } catch (error) {
        if (!isStatusError(error, 'Expired')) throw error;
        // The first page's revision was compacted while paging: one unpaged list at the same resourceVersion (pager.go FullListIfExpired).
        const full = await page({ resourceVersion: rvParam }, signal);
        return { items: full.items, revision: full.revision };
      }
      for (const item of next.items) items.push(item);
      token = next.continue;
    }
    return { items, revision: first.revision };
  };

  const watchOf = (params: Readonly<Record<string, string>>, signal: AbortSignal | undefined, initialEvents: boolean): SourceWatch => {
    const timeoutSeconds = options.timeoutSeconds ?? Math.floor(MIN_WATCH_TIMEOUT_SECONDS * (1 + random()));
    const url = urlWith({ watch: 'true', ...params, timeoutSeconds: String(timeoutSeconds) });
    return new HttpWatch(url, config, { format, protobuf, maxEventBytes }, signal, initialEvents, (revision) => {
      lastSync = String(revision);
    });
  };

  return {
    async list({ signal }): Promise<SourceList> {
      const rv = lastSyncUnavailable ? '' : lastSync === '' ? '0' : lastSync;
      let listed: SourceList;
      try {
        listed = await listAt(rv, signal);
      } catch (error) {
        if (!isExpired(error) && !isTooLargeResourceVersion(error)) throw error;
        // The revision is gone (or beyond the server): list the latest state at once, as client-go's reflector does.
        lastSyncUnavailable = true;
        listed = await listAt('', signal);
      }
      lastSync = String(listed.revision);
      lastSyncUnavailable = false;
      return listed;
    },
    watch({ fromRevision, signal }): SourceWatch {
      return watchOf({ resourceVersion: String(fromRevision), ...(allowBookmarks ? { allowWatchBookmarks: 'true' } : {}) }, signal, false);
    },
    watchList({ signal }): SourceWatch {
      // client-go's reflector watchList: resourceVersion "" (the latest state), NotOlderThan, bookmarks required for the end marker.
      return watchOf({ sendInitialEvents: 'true', resourceVersionMatch: 'NotOlderThan', allowWatchBookmarks: 'true' }, signal, true);
    },
  };
}

interface Page {
  readonly items: readonly KubeObject[];
  readonly revision: number;
  readonly continue: string;
}

/** An open HTTP watch: iterate once; `close()` ends it (the iteration then ends cleanly). */
class HttpWatch implements SourceWatch {
  readonly #url: URL;
  readonly #config: HttpClientConfig;
  readonly #wire: { readonly format: WireFormat; readonly protobuf: ProtobufEncoder | undefined; readonly maxEventBytes: number };
  readonly #controller = new AbortController();
  readonly #onRevision: (revision: number) => void;
  readonly #outer: AbortSignal | undefined;
  readonly #onOuterAbort = (): void => this.close();
  /** Still in a WatchList's initial events, whose revisions are the objects' (in no order): not a sync point until the end bookmark. */
  #initialEvents: boolean;

  constructor(
    url: URL,
    config: HttpClientConfig,
    wire: { readonly format: WireFormat; readonly protobuf: ProtobufEncoder | undefined; readonly maxEventBytes: number },
    signal: AbortSignal | undefined,
    initialEvents: boolean,
    onRevision: (revision: number) => void,
  ) {
    this.#initialEvents = initialEvents;
    this.#url = url;
    this.#config = config;
    this.#wire = wire;
    this.#onRevision = onRevision;
    this.#outer = signal;
    if (signal?.aborted === true) this.#controller.abort();
    else signal?.addEventListener('abort', this.#onOuterAbort, { once: true });
  }

  close(): void {
    this.#outer?.removeEventListener('abort', this.#onOuterAbort);
    this.#controller.abort();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<SourceEvent> {
    try {
      for await (const raw of httpWatchEvents(this.#url, this.#config, { ...this.#wire, signal: this.#controller.signal })) {
        const event = toSourceEvent(raw);
        if (this.#initialEvents && event.type === 'BOOKMARK' && event.initialEventsEnd === true) this.#initialEvents = false;
        if (!this.#initialEvents) this.#onRevision(event.revision);
        yield event;
      }
    } finally {
      this.close();
    }
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A resourceVersion as a revision (a positive decimal integer). @throws InternalError 500 otherwise. */
function revisionOf(value: unknown, what: string, allowZero = false): number {
  // A list of a store nothing was ever written to may be at revision 0; an event never is.
  if (typeof value === 'string' && (/^[1-9][0-9]{0,15}$/.test(value) || (allowZero && value === '0'))) {
    const revision = Number(value);
    if (Number.isSafeInteger(revision)) return revision;
  }
  throw protocolError(`${what} has no valid resourceVersion: ${JSON.stringify(value) ?? 'undefined'}`);
}

function parsePage(body: unknown): Page {
  if (!isRecord(body)) throw protocolError('the list response is not an object');
  const metadata = isRecord(body['metadata']) ? body['metadata'] : {};
  const revision = revisionOf(metadata['resourceVersion'], 'the list', true);
  const rawItems = body['items'] === null ? [] : body['items'];
  if (!Array.isArray(rawItems)) throw protocolError('the list response has no items');
  // Typed lists omit each item's kind and apiVersion (`PodList` → `Pod`): restore them so cached objects look like watched ones.
  const listKind = typeof body['kind'] === 'string' ? body['kind'] : '';
  const kind = listKind.endsWith('List') && listKind.length > 4 ? listKind.slice(0, -4) : undefined;
  const apiVersion = typeof body['apiVersion'] === 'string' ? body['apiVersion'] : undefined;
  const items: KubeObject[] = [];
  for (const item of rawItems) {
    if (!isRecord(item) || !isRecord(item['metadata'])) throw protocolError('a list item is not an object with metadata');
    items.push(
      item['kind'] === undefined && kind !== undefined && apiVersion !== undefined ? ({ apiVersion, kind, ...item } as KubeObject) : (item as KubeObject),
    );
  }
  const token = metadata['continue'];
  return { items, revision, continue: typeof token === 'string' ? token : '' };
}

/** One checked watch event as a SourceEvent. @throws InternalError 500 for an event without a valid revision. */
function toSourceEvent(raw: RawWatchEvent): SourceEvent {
  const metadata = raw.object.metadata;
  if (raw.type === 'BOOKMARK') {
    const revision = revisionOf(metadata['resourceVersion'], 'a BOOKMARK event');
    const annotations = metadata['annotations'];
    // The end of a watchList's initial events (apiserver's k8s.io/initial-events-end annotation on the bookmark).
    const end = isRecord(annotations) && annotations[INITIAL_EVENTS_END_ANNOTATION] === 'true';
    return end ? { type: 'BOOKMARK', revision, initialEventsEnd: true } : { type: 'BOOKMARK', revision };
  }
  return { type: raw.type, object: raw.object as unknown as KubeObject, revision: revisionOf(metadata['resourceVersion'], `a ${raw.type} event`) };
}

function isExpired(error: unknown): error is StatusError {
  return isStatusError(error, 'Expired') || isStatusError(error, 'Gone');
}

/** apimachinery `IsTooLargeResourceVersion`: a Timeout with the ResourceVersionTooLarge cause. */
function isTooLargeResourceVersion(error: unknown): boolean {
  return isStatusError(error, 'Timeout') && error.details?.causes?.some((cause) => cause.reason === 'ResourceVersionTooLarge') === true;
}
