/**
 * The e2e suites' pieces: the naive host answers like Kubernetes for what the
 * suites ask (so that timing it is fair), and the oracle check catches a
 * wrong answer. Each e2e suite's check and smoke run are in suites.test.ts,
 * with every registered suite's (alone: `npx vitest run
 * benchmarks/test/suites.test.ts -t e2e/`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkHosts } from '../e2e/check.js';
import { e2ePods, nodeName } from '../e2e/hosts.js';
import { getJson } from '../e2e/load.js';
import { type NaiveHost, type NaivePod, startNaiveHost } from '../e2e/naive-host.js';

const NODES = 10;
const seed = e2ePods(120, NODES);

interface List {
  kind: string;
  metadata: { resourceVersion: string; continue?: string };
  items: NaivePod[];
}

describe('naive host', () => {
  let host: NaiveHost;
  beforeAll(async () => {
    host = await startNaiveHost({ seed: seed as unknown as { key: string; object: NaivePod }[] });
  });
  afterAll(() => host.close());

  it('GET /api/v1/pods — every pod, in namespace/name order, each with a resourceVersion', async () => {
    const { status, body } = await getJson<List>(host.url, '/api/v1/pods');
    expect(status).toBe(200);
    expect(body.kind).toBe('PodList');
    const keys = body.items.map((p) => `${p.metadata.namespace}/${p.metadata.name}`);
    expect(keys).toHaveLength(120);
    expect([...keys].sort()).toEqual(keys);
    expect(body.items.every((p) => typeof p.metadata.resourceVersion === 'string')).toBe(true);
  });

  it('GET /api/v1/pods?fieldSelector=spec.nodeName=… — the pods of that node only', async () => {
    const { body } = await getJson<List>(host.url, `/api/v1/pods?fieldSelector=spec.nodeName%3D${nodeName(3)}`);
    expect(body.items).toHaveLength(12);
    expect(body.items.every((p) => (p['spec'] as { nodeName: string }).nodeName === nodeName(3))).toBe(true);
  });

  it('GET …?limit=…&continue=… — the pages, concatenated, are the whole list', async () => {
    const whole = (await getJson<List>(host.url, '/api/v1/namespaces/team-1/pods')).body.items.map((p) => p.metadata.name);
    const paged: string[] = [];
    let token: string | undefined;
    do {
      const { body } = await getJson<List>(host.url, `/api/v1/namespaces/team-1/pods?limit=2${token === undefined ? '' : `&continue=${token}`}`);
      expect(body.items.length).toBeLessThanOrEqual(2);
      paged.push(...body.items.map((p) => p.metadata.name));
      token = body.metadata.continue;
    } while (token !== undefined);
    expect(paged).toEqual(whole);
  });

  it('GET …?labelSelector=a=b=c — a malformed selector → 400 Status', async () => {
    const { status, body } = await getJson<{ kind: string; reason: string; code: number }>(host.url, '/api/v1/pods?labelSelector=a%3Db%3Dc');
    expect(status).toBe(400);
    expect(body).toMatchObject({ kind: 'Status', reason: 'BadRequest', code: 400 });
  });

  it('GET /api/v1/nodes — not served → 404 Status', async () => {
    const { status, body } = await getJson<{ reason: string }>(host.url, '/api/v1/nodes');
    expect(status).toBe(404);
    expect(body.reason).toBe('NotFound');
  });

  it('watch=true — an update reaches the watcher as a MODIFIED event; one not selected does not', async () => {
    const pod = seed[0]!.object.metadata!;
    const other = seed[1]!.object.metadata!;
    const controller = new AbortController();
    const response = await fetch(`${host.url}/api/v1/pods?watch=true&fieldSelector=metadata.name%3D${pod.name!}`, { signal: controller.signal });
    expect(response.status).toBe(200);
    const reader = response.body!.getReader();
    host.update(other.namespace!, other.name!, (current) => ({ ...current, metadata: { ...current.metadata, labels: { moved: 'no' } } }));
    host.update(pod.namespace!, pod.name!, (current) => ({ ...current, metadata: { ...current.metadata, labels: { moved: 'yes' } } }));
    let text = '';
    while (!text.includes('\n')) text += new TextDecoder().decode((await reader.read()).value);
    const event = JSON.parse(text.slice(0, text.indexOf('\n'))) as { type: string; object: NaivePod };
    expect(event.type).toBe('MODIFIED');
    expect(event.object.metadata.name).toBe(pod.name);
    expect(event.object.metadata.labels).toEqual({ moved: 'yes' });
    controller.abort();
  });
});

describe('checkHosts()', () => {
  it('the naive host agrees with the oracle', async () => {
    const host = await startNaiveHost({ seed: seed as unknown as { key: string; object: NaivePod }[] });
    try {
      await expect(checkHosts({ naive: host.url }, seed, NODES)).resolves.toBeUndefined();
    } finally {
      await host.close();
    }
  });

  it('a host missing a pod fails, naming the query and the first difference', async () => {
    const host = await startNaiveHost({ seed: (seed as unknown as { key: string; object: NaivePod }[]).slice(1) });
    try {
      await expect(checkHosts({ naive: host.url }, seed, NODES)).rejects.toThrow(/^naive: GET \/api\/v1\/pods: 119 pods, expected 120; first difference at/);
    } finally {
      await host.close();
    }
  });
});
