/** Helpers of the server tests: HTTP calls to an in-process server, and a watch stream read line by line. */
import { request as httpRequest, type IncomingMessage } from 'node:http';

/** One HTTP answer, its body parsed as JSON when it is JSON. */
export interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly body: any;
}

/** Sends a request with fetch; `body` objects are sent as JSON. */
export async function call(base: string, method: string, path: string, options: { body?: unknown; headers?: Record<string, string> } = {}): Promise<Answer> {
  const headers: Record<string, string> = { ...options.headers };
  let body: string | Uint8Array | undefined;
  if (typeof options.body === 'string' || options.body instanceof Uint8Array) body = options.body;
  else if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['Content-Type'] ??= 'application/json';
  }
  const response = await fetch(base + path, { method, headers, ...(body === undefined ? {} : { body }) });
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: response.status, headers: response.headers, text, body: parsed };
}

/** A pod in `namespace`. */
export function pod(name: string, namespace = 'default', extra: { labels?: Record<string, string>; nodeName?: string } = {}): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace, ...(extra.labels === undefined ? {} : { labels: extra.labels }) },
    spec: { ...(extra.nodeName === undefined ? {} : { nodeName: extra.nodeName }), containers: [{ name: 'main', image: 'nginx' }] },
  };
}

/** A watch stream: its HTTP status and headers, and its events as they arrive. */
export interface WatchStream {
  readonly response: IncomingMessage;
  /** The next event (waits for it); `undefined` once the stream ended. */
  next(): Promise<{ type: string; object: any } | undefined>;
  close(): void;
}

/** Opens a watch (GET `path`) and reads its newline-delimited JSON events. */
export function openWatch(base: string, path: string, headers: Record<string, string> = {}): Promise<WatchStream> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(base + path, { headers }, (response) => {
      const lines: string[] = [];
      const waiters: Array<(line: string | undefined) => void> = [];
      let buffer = '';
      let ended = false;
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        buffer += chunk;
        for (let newline = buffer.indexOf('\n'); newline >= 0; newline = buffer.indexOf('\n')) {
          const line = buffer.slice(0, newline);
          buffer = buffer.slice(newline + 1);
          const waiter = waiters.shift();
          if (waiter !== undefined) waiter(line);
          else lines.push(line);
        }
      });
      const end = (): void => {
        ended = true;
        for (const waiter of waiters.splice(0)) waiter(undefined);
      };
      response.on('end', end);
      response.on('close', end);
      resolve({
        response,
        next: async () => {
          const line = lines.shift() ?? (ended ? undefined : await new Promise<string | undefined>((wake) => waiters.push(wake)));
          return line === undefined ? undefined : JSON.parse(line);
        },
        close: () => req.destroy(),
      });
    });
    req.on('error', reject);
    req.end();
  });
}

/** Lets I/O and timers of the real event loop run once (not a wait for time: nothing here depends on how long it takes). */
export function tick(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Polls `read` until `done` holds, on the real event loop (clients and server talk over loopback); fails after `timeoutMs`. */
export async function eventually<T>(read: () => T, done: (value: T) => boolean, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last value: ${JSON.stringify(value)?.slice(0, 500)}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
