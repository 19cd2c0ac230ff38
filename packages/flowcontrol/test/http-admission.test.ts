import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpAdmission, FakeClock, fixedRetryAfter, MaxInFlight, MultiLevelLimiter, PriorityAndFairness, type RequestAttributes } from '../src/index.js';

const attributes = (request: IncomingMessage): RequestAttributes => ({
  verb: request.method === 'GET' ? 'get' : 'create',
  user: String(request.headers['x-user'] ?? 'anonymous'),
  userAgent: String(request.headers['user-agent'] ?? ''),
});

let server: Server | undefined;
afterEach(async () => {
  server?.close();
  server = undefined;
});

async function listen(handler: Parameters<typeof createServer>[1]): Promise<string> {
  server = createServer(handler);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('createHttpAdmission()', () => {
  it('rejected by the limiter → 429 with a Kubernetes Status and a Retry-After header', async () => {
    const clock = new FakeClock();
    const admit = createHttpAdmission({ attributes, limiter: new MultiLevelLimiter({ clock, readOnly: { ratePerSecond: 1, burst: 1 }, retryAfter: fixedRetryAfter(3) }) });
    const url = await listen(async (request, response) => {
      if (await admit(request, response)) response.end('ok');
    });
    expect(await (await fetch(url)).text()).toBe('ok');
    const rejected = await fetch(url);
    expect(rejected.status).toBe(429);
    expect(rejected.headers.get('retry-after')).toBe('3');
    expect(rejected.headers.get('content-type')).toBe('application/json');
    expect(await rejected.json()).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'Too many requests: limit "read-only" of level "global" exceeded, please try again later.',
      reason: 'TooManyRequests',
      details: { retryAfterSeconds: 3 },
      code: 429,
    });
  });

  it('releases the in-flight slot and the APF seats when the response closes', async () => {
    const clock = new FakeClock();
    const inFlight = new MaxInFlight({ readOnly: 1 });
    const apf = new PriorityAndFairness({ clock, serverConcurrencyLimit: 1, priorityLevels: [{ name: 'catch-all', queues: 0 }], flowSchemas: [] });
    const admit = createHttpAdmission({ attributes, maxInFlight: inFlight, priorityAndFairness: apf });
    const url = await listen(async (request, response) => {
      if (await admit(request, response)) response.end('ok');
    });
    for (let i = 0; i < 3; i++) expect(await (await fetch(url)).text()).toBe('ok');
    await new Promise((resolve) => setImmediate(resolve));
    expect(inFlight.readOnlyInFlight).toBe(0);
    expect(apf.stats()[0]).toMatchObject({ name: 'catch-all', seatsInUse: 0, dispatched: 3 });
  });

  it('over max-in-flight → 429 with the Kubernetes message and Retry-After 1', async () => {
    const inFlight = new MaxInFlight({ readOnly: 1 });
    const held = inFlight.tryAcquire({ verb: 'get' });
    const admit = createHttpAdmission({ attributes, maxInFlight: inFlight });
    const url = await listen(async (request, response) => {
      if (await admit(request, response)) response.end('ok');
    });
    const rejected = await fetch(url);
    expect([rejected.status, rejected.headers.get('retry-after')]).toEqual([429, '1']);
    expect(((await rejected.json()) as { message: string }).message).toBe('Too many requests, please try again later.');
    held?.release();
  });

  it('attributes is required → TypeError', () => {
    expect(() => createHttpAdmission({} as never)).toThrow(new TypeError('Expected `attributes` to be a function, got `undefined` (undefined)'));
  });
});
