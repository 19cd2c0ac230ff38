/**
 * The client side of the e2e suites, in the suite process: LISTs over
 * loopback HTTP/1.1, each client on its own keep-alive socket (one `Agent`
 * of one socket per client, as separate informers or kubelets would be).
 * Bodies are counted, not parsed (the hosts' answers are checked before
 * anything is timed); a 429 is retried after its `Retry-After`, as client-go
 * does, a reset kept-alive socket on a new one, both counted, the latency
 * running from the first attempt.
 */
import { Agent, request } from 'node:http';

/** Retries of one request after 429 before it counts as failed. */
const MAX_RETRIES = 20;
/** Longest for one request (every retry included). */
const REQUEST_TIMEOUT_MS = 120_000;

/** One answered request. */
export interface Answer {
  readonly status: number;
  readonly bytes: number;
  /** The body, when asked for. */
  readonly body?: Buffer;
  /** `Retry-After`, seconds, on a 429. */
  readonly retryAfter?: number;
}

/** A client: one keep-alive socket. */
export function clientAgent(): Agent {
  return new Agent({ keepAlive: true, maxSockets: 1 });
}

/** One GET on `agent`; the body counted (and kept when `keep`). */
export function get(agent: Agent, url: string, path: string, keep = false): Promise<Answer> {
  const { hostname, port } = new URL(url);
  return new Promise<Answer>((resolve, reject) => {
    const req = request({ host: hostname, port, path, agent, headers: { Accept: 'application/json' } }, (res) => {
      let bytes = 0;
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        if (keep) chunks.push(chunk);
      });
      res.on('end', () => {
        const retryAfter = res.headers['retry-after'];
        resolve({
          status: res.statusCode ?? 0,
          bytes,
          ...(keep ? { body: Buffer.concat(chunks) } : {}),
          ...(retryAfter === undefined ? {} : { retryAfter: Number(retryAfter) }),
        });
      });
      res.on('error', reject);
    });
    req.setTimeout(REQUEST_TIMEOUT_MS, () => req.destroy(new Error(`GET ${path}: no answer within ${REQUEST_TIMEOUT_MS} ms`)));
    req.on('error', reject);
    req.end();
  });
}

/** How a request went: its body's bytes, and what it took to get it. */
export interface Outcome {
  readonly bytes: number;
  /** 429 answers waited out (their `Retry-After`) and retried. */
  readonly throttled: number;
  /** Kept-alive sockets the server closed under the request (ECONNRESET, EPIPE), retried on a new one. */
  readonly resets: number;
}

/**
 * A GET retried after each 429 (waiting its `Retry-After`, as client-go
 * does) and after a reset of a reused socket (as HTTP clients do for
 * idempotent requests); throws on any other non-200 status, or after
 * {@link MAX_RETRIES} retries.
 */
export async function getRetrying(agent: Agent, url: string, path: string): Promise<Outcome> {
  let throttled = 0;
  let resets = 0;
  for (;;) {
    if (throttled + resets > MAX_RETRIES) throw new Error(`GET ${path}: no answer after ${MAX_RETRIES} retries (${throttled} × 429, ${resets} resets)`);
    let answer: Answer;
    try {
      answer = await get(agent, url, path);
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (code !== 'ECONNRESET' && code !== 'EPIPE') throw error;
      resets++;
      continue;
    }
    if (answer.status === 200) return { bytes: answer.bytes, throttled, resets };
    if (answer.status !== 429) throw new Error(`GET ${path}: status ${answer.status}`);
    throttled++;
    const waitS = answer.retryAfter !== undefined && answer.retryAfter > 0 ? answer.retryAfter : 1;
    await new Promise((resolve) => setTimeout(resolve, waitS * 1000));
  }
}

/** GET as JSON (a fresh connection). */
export async function getJson<T>(url: string, path: string): Promise<{ status: number; body: T }> {
  const agent = new Agent({ keepAlive: false });
  try {
    const answer = await get(agent, url, path, true);
    return { status: answer.status, body: JSON.parse(answer.body!.toString('utf8')) as T };
  } finally {
    agent.destroy();
  }
}

/** What a load reports. */
export interface LoadResult {
  /** Latency of each request, ms (first attempt to last byte). */
  readonly latenciesMs: readonly number[];
  /** Bytes received, every request together. */
  readonly bytes: number;
  /** Wall time of the whole load, ms. */
  readonly elapsedMs: number;
  /** 429 answers waited out and retried, every request together. */
  readonly throttled: number;
  /** Kept-alive sockets closed under a request and retried, every request together. */
  readonly resets: number;
}

/** Options of {@link closedLoop}. */
export interface ClosedLoopOptions {
  readonly clients: number;
  /** Clients start no new request after this long, ms. */
  readonly durationMs: number;
  /** …but each makes at least this many. */
  readonly minPerClient: number;
  /** Each answer must have at least this many bytes (a truncated or empty list fails the run). */
  readonly minBytes: number;
}

/**
 * `clients` clients, each sending `path` again as soon as its previous answer
 * has arrived, until `durationMs` has passed and each has made
 * `minPerClient` requests. Throughput = requests ÷ wall time.
 */
export async function closedLoop(url: string, path: string, options: ClosedLoopOptions): Promise<LoadResult> {
  const agents = Array.from({ length: options.clients }, clientAgent);
  const latenciesMs: number[] = [];
  let bytes = 0;
  let throttled = 0;
  let resets = 0;
  const t0 = performance.now();
  const deadline = t0 + options.durationMs;
  try {
    await Promise.all(
      agents.map(async (agent) => {
        for (let n = 0; n < options.minPerClient || performance.now() < deadline; n++) {
          const start = performance.now();
          const answer = await getRetrying(agent, url, path);
          latenciesMs.push(performance.now() - start);
          if (answer.bytes < options.minBytes) throw new Error(`GET ${path}: ${answer.bytes} bytes, expected at least ${options.minBytes}`);
          bytes += answer.bytes;
          throttled += answer.throttled;
          resets += answer.resets;
        }
      }),
    );
  } finally {
    for (const agent of agents) agent.destroy();
  }
  return { latenciesMs, bytes, elapsedMs: performance.now() - t0, throttled, resets };
}

/** Options of {@link storm}. */
export interface StormOptions {
  /** The path client `i` warms its socket with (a cheap GET), before the storm. */
  readonly warmPath: (i: number) => string;
  /** The path client `i` lists in the storm. */
  readonly path: (i: number) => string;
  readonly clients: number;
  /** Clients warming their sockets at once (the listen backlog is 511: more would cost SYN retries, not server time). */
  readonly warmConcurrency: number;
}

/** A storm's clients, each with an open socket, ready to fire. */
export interface StormClients {
  readonly fire: () => Promise<LoadResult>;
  readonly close: () => void;
}

/**
 * Prepares a relist storm: `clients` clients, each with its own socket
 * opened and warmed by one cheap GET; `fire()` then sends every client's
 * list in the same tick and resolves when the last answer has arrived.
 */
export async function prepareStorm(url: string, options: StormOptions): Promise<StormClients> {
  const agents = Array.from({ length: options.clients }, clientAgent);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(options.warmConcurrency, options.clients) }, async () => {
      for (let i = next++; i < options.clients; i = next++) await getRetrying(agents[i]!, url, options.warmPath(i));
    }),
  );
  return {
    fire: async () => {
      const latenciesMs = new Array<number>(options.clients);
      let bytes = 0;
      let throttled = 0;
      let resets = 0;
      const t0 = performance.now();
      await Promise.all(
        agents.map(async (agent, i) => {
          const answer = await getRetrying(agent, url, options.path(i));
          latenciesMs[i] = performance.now() - t0;
          bytes += answer.bytes;
          throttled += answer.throttled;
          resets += answer.resets;
        }),
      );
      return { latenciesMs, bytes, elapsedMs: performance.now() - t0, throttled, resets };
    },
    close: () => {
      for (const agent of agents) agent.destroy();
    },
  };
}

/** The `q` quantile (nearest rank) of `values`. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}
