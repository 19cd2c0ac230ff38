/**
 * The discovery and OpenAPI documents against the real kubectl: a tiny HTTP
 * server serves them from the builders, echoes creates and answers patches,
 * and kubectl `create -f` / `apply -f` must accept them with their default
 * validation (`--validate=strict`), which needs cli-runtime's
 * `queryParamVerifierV3.HasSupport` (or the v2 verifier) to find a PATCH
 * operation with `fieldValidation` for the kind.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AGGREGATED_DISCOVERY_CONTENT_TYPE,
  aggregatedDiscovery,
  apiGroupList,
  apiResourceList,
  apiVersions,
  versionInfo,
  wantsAggregatedDiscovery,
} from '../src/discovery.js';
import { acceptsOpenApiV2Json, openApiV2, openApiV3Document, openApiV3Paths } from '../src/openapi.js';
import { CORE_V1_RESOURCES } from '../src/resources.js';
import { startApiServer } from '../src/server.js';

interface Recorded {
  readonly method: string;
  readonly url: string;
  readonly accept: string;
  readonly contentType: string;
  readonly body: string;
}

interface Mode {
  readonly aggregated: boolean;
  readonly v3: boolean;
  readonly v2: boolean;
}

const KUBECTL = 'kubectl';

function hasKubectl(): Promise<boolean> {
  return new Promise((resolve) => execFile(KUBECTL, ['version', '--client', '-o', 'json'], (error) => resolve(error === null)));
}

function send(res: ServerResponse, code: number, body: unknown, contentType = 'application/json'): void {
  res.writeHead(code, { 'Content-Type': contentType });
  res.end(JSON.stringify(body));
}

function notFound(res: ServerResponse, name: string): void {
  send(res, 404, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: `pods "${name}" not found`, reason: 'NotFound', details: { name, kind: 'pods' }, code: 404 });
}

/** A fake API server: the documents under test, and just enough of pods to create and patch one. */
function startFake(mode: Mode, log: Recorded[]): Promise<Server> {
  const pods = new Map<string, Record<string, unknown>>();
  let rv = 1;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const url = new URL(req.url ?? '/', 'http://x');
      log.push({ method: req.method ?? '', url: req.url ?? '', accept: req.headers.accept ?? '', contentType: req.headers['content-type'] ?? '', body });
      const path = url.pathname;
      const aggregated = mode.aggregated && wantsAggregatedDiscovery(req.headers.accept ?? '');
      if (path === '/version') return send(res, 200, versionInfo());
      if (path === '/api') return aggregated ? send(res, 200, aggregatedDiscovery(CORE_V1_RESOURCES, 'api'), AGGREGATED_DISCOVERY_CONTENT_TYPE) : send(res, 200, apiVersions(req.headers.host ?? ''));
      if (path === '/apis') return aggregated ? send(res, 200, aggregatedDiscovery(CORE_V1_RESOURCES, 'apis'), AGGREGATED_DISCOVERY_CONTENT_TYPE) : send(res, 200, apiGroupList(CORE_V1_RESOURCES));
      if (path === '/api/v1') return send(res, 200, apiResourceList(CORE_V1_RESOURCES, '', 'v1'));
      if (path === '/openapi/v3' && mode.v3) return send(res, 200, openApiV3Paths(CORE_V1_RESOURCES));
      if (path.startsWith('/openapi/v3/') && mode.v3) {
        const doc = openApiV3Document(CORE_V1_RESOURCES, path.slice('/openapi/v3/'.length));
        return doc === undefined ? notFound(res, path) : send(res, 200, doc);
      }
      if (path === '/openapi/v2' && mode.v2) {
        // kubectl reads v2 only as gnostic protobuf: refuse it, as the host does.
        if (!acceptsOpenApiV2Json(req.headers.accept ?? '')) {
          return send(res, 406, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'only application/json is served', reason: 'NotAcceptable', code: 406 });
        }
        return send(res, 200, openApiV2(CORE_V1_RESOURCES));
      }
      const item = /^\/api\/v1\/namespaces\/([^/]+)\/pods(?:\/([^/]+))?$/.exec(path);
      if (item !== null) {
        const [, namespace, name] = item;
        if (req.method === 'POST') {
          const object = JSON.parse(body) as { metadata: Record<string, unknown> };
          const stored = { ...object, metadata: { ...object.metadata, namespace, uid: `uid-${rv}`, resourceVersion: String(++rv), creationTimestamp: '2026-01-01T00:00:00Z' } };
          pods.set(String(object.metadata['name']), stored);
          return send(res, 201, stored);
        }
        const current = name === undefined ? undefined : pods.get(name);
        if (current === undefined) return notFound(res, name ?? '');
        if (req.method === 'GET') return send(res, 200, current);
        if (req.method === 'PATCH') {
          const metadata = current['metadata'] as Record<string, unknown>;
          const updated = { ...current, metadata: { ...metadata, resourceVersion: String(++rv) } };
          pods.set(name!, updated);
          return send(res, 200, updated);
        }
      }
      notFound(res, path);
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

function kubectl(dir: string, port: number, args: string[], cacheDir: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(
    kubeconfig,
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters: [{name: t, cluster: {server: "http://127.0.0.1:' + port + '"}}]',
      'users: [{name: t, user: {}}]',
      'contexts: [{name: t, context: {cluster: t, user: t, namespace: default}}]',
      'current-context: t',
      '',
    ].join('\n'),
  );
  return new Promise((resolve) => {
    execFile(
      KUBECTL,
      ['--kubeconfig', kubeconfig, '--cache-dir', cacheDir, ...args],
      { env: { ...process.env, HOME: dir, KUBECONFIG: kubeconfig }, timeout: 30_000 },
      (error, stdout, stderr) => resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : 1, stdout, stderr }),
    );
  });
}

const POD = (image: string): string =>
  ['apiVersion: v1', 'kind: Pod', 'metadata:', '  name: web', '  labels: {app: web}', 'spec:', '  containers:', '  - name: web', `    image: ${image}`, '    env: [{name: MODE, value: a}]', ''].join('\n');

const available = await hasKubectl();

describe.skipIf(!available)('kubectl against the discovery and OpenAPI documents', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'openapi-kubectl-'));
    writeFileSync(join(dir, 'pod-1.yaml'), POD('nginx:1.27'));
    writeFileSync(join(dir, 'pod-2.yaml'), POD('nginx:1.28'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function run(mode: Mode, name: string, steps: (port: number, cacheDir: string) => Promise<void>, log: Recorded[]): Promise<void> {
    const server = await startFake(mode, log);
    try {
      await steps((server.address() as AddressInfo).port, join(dir, `cache-${name}`));
    } finally {
      server.close();
    }
  }

  it('create -f with aggregated discovery and /openapi/v3 — kubectl sends fieldValidation=Strict, skips /api/v1', async () => {
    const log: Recorded[] = [];
    await run({ aggregated: true, v3: true, v2: false }, 'create-aggregated', async (port, cache) => {
      const result = await kubectl(dir, port, ['create', '-f', join(dir, 'pod-1.yaml')], cache);
      expect(result.stderr).toBe('');
      expect(result.stdout.trim()).toBe('pod/web created');
    }, log);
    const post = log.find((r) => r.method === 'POST');
    expect(post?.url).toContain('fieldValidation=Strict');
    expect(log.some((r) => r.url.split('?')[0] === '/api/v1')).toBe(false); // aggregated discovery saved the round trip
    expect(log.some((r) => r.url.startsWith('/openapi/v3/api/v1?hash='))).toBe(true);
  });

  it('create -f with legacy discovery — kubectl reads /api/v1 and still validates on the server', async () => {
    const log: Recorded[] = [];
    await run({ aggregated: false, v3: true, v2: false }, 'create-legacy', async (port, cache) => {
      const result = await kubectl(dir, port, ['create', '-f', join(dir, 'pod-1.yaml')], cache);
      expect(result.stderr).toBe('');
      expect(result.stdout.trim()).toBe('pod/web created');
    }, log);
    expect(log.some((r) => r.url.split('?')[0] === '/api/v1')).toBe(true);
    expect(log.find((r) => r.method === 'POST')?.url).toContain('fieldValidation=Strict');
  });

  it('create -f with /openapi/v2 refusing protobuf — kubectl still validates on the server through v3', async () => {
    const log: Recorded[] = [];
    await run({ aggregated: true, v3: true, v2: true }, 'create-v2', async (port, cache) => {
      const result = await kubectl(dir, port, ['create', '-f', join(dir, 'pod-1.yaml')], cache);
      expect(result.stderr).toBe('');
      expect(result.stdout.trim()).toBe('pod/web created');
    }, log);
    expect(log.find((r) => r.method === 'POST')?.url).toContain('fieldValidation=Strict');
  });

  it('apply -f creates, then patches with a strategic merge patch built without warnings', async () => {
    const log: Recorded[] = [];
    await run({ aggregated: true, v3: true, v2: true }, 'apply', async (port, cache) => {
      const first = await kubectl(dir, port, ['apply', '-f', join(dir, 'pod-1.yaml')], cache);
      expect(first.stderr).toBe('');
      expect(first.stdout.trim()).toBe('pod/web created');
      const second = await kubectl(dir, port, ['apply', '-f', join(dir, 'pod-2.yaml')], cache);
      expect(second.stderr).toBe('');
      expect(second.stdout.trim()).toBe('pod/web configured');
    }, log);
    // kubectl asked for /openapi/v2 as protobuf only, got 406 and fell back silently to its built-in types.
    expect(log.find((r) => r.url.startsWith('/openapi/v2'))?.accept).toBe('application/com.github.proto-openapi.spec.v2@v1.0+protobuf');
    const patch = log.find((r) => r.method === 'PATCH');
    expect(patch?.url).toContain('fieldValidation=Strict');
    expect(patch?.contentType).toBe('application/strategic-merge-patch+json');
    // Built from kubectl's compiled-in Pod type: containers merged by name.
    expect(JSON.parse(patch?.body ?? '{}').spec).toEqual({ '$setElementOrder/containers': [{ name: 'web' }], containers: [{ image: 'nginx:1.28', name: 'web' }] });
  });

  it('create -f fails when neither OpenAPI document is served (the reason they exist)', async () => {
    const log: Recorded[] = [];
    await run({ aggregated: true, v3: false, v2: false }, 'none', async (port, cache) => {
      const result = await kubectl(dir, port, ['create', '-f', join(dir, 'pod-1.yaml')], cache);
      expect(result.code).not.toBe(0);
    }, log);
    expect(log.some((r) => r.method === 'POST')).toBe(false);
  });

  it('against startApiServer: create -f, apply -f twice (image and env updated), no warnings', async () => {
    const server = await startApiServer({ seed: { namespaces: 2, nodes: 2, pods: 4, configmaps: 0 } });
    try {
      const kubeconfig = join(dir, 'real-kubeconfig');
      writeFileSync(kubeconfig, server.kubeconfig());
      const run = (args: string[]) =>
        new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
          execFile(KUBECTL, ['--kubeconfig', kubeconfig, '--cache-dir', join(dir, 'cache-real'), ...args], { env: { ...process.env, HOME: dir }, timeout: 30_000 }, (error, stdout, stderr) =>
            resolve({ code: error === null ? 0 : 1, stdout, stderr }),
          ),
        );
      const pod2 = join(dir, 'pod-2b.yaml');
      writeFileSync(pod2, POD('nginx:1.28').replace('value: a', 'value: b'));
      expect(await run(['create', '-f', join(dir, 'pod-1.yaml')])).toEqual({ code: 0, stdout: 'pod/web created\n', stderr: '' });
      expect(await run(['delete', 'pod', 'web', '--wait=false'])).toMatchObject({ code: 0, stderr: '' });
      expect(await run(['apply', '-f', join(dir, 'pod-1.yaml')])).toEqual({ code: 0, stdout: 'pod/web created\n', stderr: '' });
      expect(await run(['apply', '-f', pod2])).toEqual({ code: 0, stdout: 'pod/web configured\n', stderr: '' });
      const pod = JSON.parse((await run(['get', 'pod', 'web', '-o', 'json'])).stdout) as { spec: { containers: { image: string; env: unknown[] }[] } };
      expect(pod.spec.containers[0]).toMatchObject({ image: 'nginx:1.28', env: [{ name: 'MODE', value: 'b' }] });
    } finally {
      await server.close();
    }
  });
});
