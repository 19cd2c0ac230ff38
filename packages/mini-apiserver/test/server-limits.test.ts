import { request as httpRequest } from 'node:http';
import { FakeClock } from '@apiserver-kit/core';
import { MultiLevelLimiter } from '@apiserver-kit/flowcontrol';
import { afterEach, describe, expect, it } from 'vitest';
import { createFlowControl, userOf } from '../src/handlers/flow-control.js';
import { type ApiServer, startApiServer } from '../src/server.js';
import { call, pod } from './server-helpers.js';

/** POSTs `chunks` without a Content-Length (chunked), stopping once the server has answered. */
function postChunked(url: string, chunks: number, chunkBytes: number): Promise<{ status: number; connection: string | undefined; body: any }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: 'POST', headers: { 'Content-Type': 'application/json' } }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, connection: response.headers.connection, body: JSON.parse(text) }));
    });
    req.on('error', reject);
    let sent = 0;
    const chunk = Buffer.alloc(chunkBytes, ' ');
    const next = (): void => {
      if (req.destroyed) return;
      if (sent++ >= chunks) {
        req.end();
        return;
      }
      req.write(chunk, (error) => (error === undefined || error === null ? setImmediate(next) : undefined));
    };
    next();
  });
}

describe('startApiServer() — request body limit', () => {
  let server: ApiServer;
  afterEach(async () => {
    await server.close();
  });

  it('Content-Length over maxRequestBodyBytes → RequestEntityTooLarge 413 before the body is read', async () => {
    server = await startApiServer({ flowControl: false, maxRequestBodyBytes: 1024 });
    const answer = await call(server.url, 'POST', '/api/v1/namespaces/default/configmaps', { body: { metadata: { name: 'big' }, data: { blob: 'x'.repeat(2048) } } });
    expect(answer.status).toBe(413);
    expect(answer.body).toMatchObject({ kind: 'Status', reason: 'RequestEntityTooLarge', code: 413 });
    expect(answer.body.message).toMatch(/^Request entity too large: limit is 1024 bytes, got \d+$/);
  });

  it('the 3 MiB default: a chunked body without a length is cut off once it passes the limit → 413, Connection: close', async () => {
    server = await startApiServer({ flowControl: false });
    const answer = await postChunked(`${server.url}/api/v1/namespaces/default/configmaps`, 64, 64 * 1024);
    expect(answer.status).toBe(413);
    expect(answer.connection).toBe('close');
    expect(answer.body.message).toMatch(/^Request entity too large: limit is 3145728 bytes, got \d+$/);
  });
});

describe('startApiServer() — flow control', () => {
  let server: ApiServer;
  afterEach(async () => {
    await server.close();
  });

  it('a limiter rejection → TooManyRequests 429 with a Retry-After header; `system:` users the limiter exempts are admitted', async () => {
    const clock = new FakeClock();
    const limiter = new MultiLevelLimiter({ clock, readOnly: { ratePerSecond: 1, burst: 2 }, exempt: { user: ['system:admin', 'system:kube-*'] } });
    server = await startApiServer({ clock, flowControl: { limiter, priorityAndFairness: false } });
    const statuses: number[] = [];
    let rejected: Awaited<ReturnType<typeof call>> | undefined;
    for (let i = 0; i < 4; i++) {
      const answer = await call(server.url, 'GET', '/api/v1/namespaces');
      statuses.push(answer.status);
      if (answer.status === 429) rejected = answer;
    }
    expect(statuses).toEqual([200, 200, 429, 429]);
    expect(rejected?.body).toMatchObject({ kind: 'Status', reason: 'TooManyRequests', code: 429 });
    expect(Number(rejected?.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(rejected?.body.details.retryAfterSeconds).toBe(Number(rejected?.headers.get('retry-after')));
    const admin = await call(server.url, 'GET', '/api/v1/namespaces', { headers: { 'Impersonate-User': 'system:admin' } });
    expect(admin.status).toBe(200);
    const token = await call(server.url, 'GET', '/api/v1/namespaces', { headers: { Authorization: 'Bearer system:kube-scheduler' } });
    expect(token.status).toBe(200);
    // Health probes never wait behind flow control.
    expect((await call(server.url, 'GET', '/readyz')).status).toBe(200);
  });

  it('the default: API Priority and Fairness admits ordinary traffic', async () => {
    server = await startApiServer();
    const created = await call(server.url, 'POST', '/api/v1/namespaces/default/pods', { body: pod('a') });
    expect(created.status).toBe(201);
    expect((await call(server.url, 'GET', '/api/v1/pods')).body.items).toHaveLength(1);
  });
});

describe('createFlowControl() — the default priority levels', () => {
  it('system: users are exempt, anonymous and bearer users are not; Impersonate-User wins over the token', () => {
    const flow = createFlowControl(undefined, new FakeClock(), () => ({ verb: 'get' }), () => undefined);
    const apf = flow?.priorityAndFairness;
    expect(apf?.classify({ verb: 'get', user: 'system:kube-scheduler', groups: ['system:authenticated'] }).priorityLevel).toBe('exempt');
    expect(apf?.classify({ verb: 'get', user: 'system:anonymous', groups: ['system:unauthenticated'] }).priorityLevel).toBe('global-default');
    expect(apf?.classify({ verb: 'get', user: 'alice', groups: ['system:authenticated'] }).priorityLevel).toBe('global-default');
    const headers = (h: Record<string, string>) => ({ headers: h }) as never;
    expect(userOf(headers({}))).toEqual({ user: 'system:anonymous', groups: ['system:unauthenticated'] });
    expect(userOf(headers({ authorization: 'Bearer alice' }))).toEqual({ user: 'alice', groups: ['system:authenticated'] });
    expect(userOf(headers({ authorization: 'Bearer alice', 'impersonate-user': 'system:admin', 'impersonate-group': 'system:masters' }))).toEqual({ user: 'system:admin', groups: ['system:masters', 'system:authenticated'] });
  });
});
