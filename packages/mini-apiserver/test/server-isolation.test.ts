import { FakeClock } from '@apiserver-kit/core';
import { describe, expect, it } from 'vitest';
import { startApiServer } from '../src/server.js';
import { call, pod, tick } from './server-helpers.js';

describe('startApiServer() — several servers, health and shutdown', () => {
  it('two servers in one process keep their own objects, caches and metrics', async () => {
    const [a, b] = await Promise.all([startApiServer({ flowControl: false }), startApiServer({ flowControl: false })]);
    try {
      expect(a.url).not.toBe(b.url);
      await call(a.url, 'POST', '/api/v1/namespaces/default/pods', { body: pod('only-in-a') });
      const inA = await call(a.url, 'GET', '/api/v1/pods');
      const inB = await call(b.url, 'GET', '/api/v1/pods');
      expect(inA.body.items.map((item: any) => item.metadata.name)).toEqual(['only-in-a']);
      expect(inB.body.items).toEqual([]);
      expect((await call(b.url, 'GET', '/api/v1/namespaces/default/pods/only-in-a')).status).toBe(404);
      await a.close();
      expect((await call(b.url, 'GET', '/api/v1/namespaces/default/pods')).status).toBe(200);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('/healthz, /livez, /readyz (verbose) and a seeded synthetic cluster', async () => {
    const server = await startApiServer({ flowControl: false, seed: { namespaces: 3, nodes: 2, pods: 10, configmaps: 1 } });
    try {
      expect((await call(server.url, 'GET', '/healthz')).text).toBe('ok');
      expect((await call(server.url, 'GET', '/livez')).text).toBe('ok');
      const ready = await call(server.url, 'GET', '/readyz?verbose');
      expect(ready.status).toBe(200);
      expect(ready.text).toBe('[+]ping ok\n[+]informer-sync ok\n[+]shutdown ok\nreadyz check passed\n');
      expect((await call(server.url, 'GET', '/readyz/informer-sync')).text).toBe('ok');
      expect((await call(server.url, 'GET', '/api/v1/pods')).body.items).toHaveLength(10);
      expect((await call(server.url, 'GET', '/version')).body.major).toBe('1');
      expect((await call(server.url, 'GET', '/api/v1')).body.kind).toBe('APIResourceList');
      const metrics = await call(server.url, 'GET', '/metrics');
      expect(metrics.status).toBe(200);
    } finally {
      await server.close();
    }
  });

  it('close() is idempotent and ends open watches', async () => {
    const server = await startApiServer({ flowControl: false });
    const response = await fetch(`${server.url}/api/v1/pods?watch=true`);
    expect(response.status).toBe(200);
    const reading = response.text();
    await Promise.all([server.close(), server.close()]);
    await expect(reading).resolves.toBeTypeOf('string');
  });
});

describe('startApiServer() — /debug/profile', () => {
  it('with enableProfiling, a CPU profile of `seconds` on the server clock; without it, 404', async () => {
    const clock = new FakeClock();
    const server = await startApiServer({ clock, flowControl: false, enableProfiling: true });
    const plain = await startApiServer({ flowControl: false });
    try {
      expect((await call(plain.url, 'GET', '/debug/profile?seconds=1')).status).toBe(404);
      const pending = call(server.url, 'GET', '/debug/profile?seconds=2');
      let settled = false;
      void pending.then(() => (settled = true));
      for (let i = 0; i < 100 && !settled; i++) {
        await tick();
        if (i > 5) clock.advance(100);
      }
      const answer = await pending;
      expect(answer.status).toBe(200);
      expect(answer.headers.get('content-disposition')).toBe('attachment; filename="profile.cpuprofile"');
      expect(answer.body).toHaveProperty('nodes');
      expect((await call(server.url, 'GET', '/debug/profile?seconds=0')).status).toBe(400);
    } finally {
      await server.close();
      await plain.close();
    }
  });
});
