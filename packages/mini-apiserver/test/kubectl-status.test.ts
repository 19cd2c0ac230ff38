/**
 * kubectl and the status subresource: `--subresource=status` (kubectl ≥ 1.24)
 * reads and patches only the status; a patch of the pod itself leaves the
 * status alone (podStrategy.PrepareForUpdate); discovery does not confuse
 * `kubectl api-resources` (subresources are not listed as resources).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiServer, startApiServer } from '../src/index.js';
import { type Kubectl, kubectlFor } from './kubectl-run.js';
import { call, pod } from './server-helpers.js';

let server: ApiServer;
let kubectl: Kubectl;
beforeAll(async () => {
  server = await startApiServer({ flowControl: false });
  kubectl = await kubectlFor(server.kubeconfig());
});
afterAll(async () => {
  await server?.close();
  await kubectl?.dispose();
});

describe('kubectl --subresource=status', () => {
  it('patch --subresource=status sets the phase that get prints; a patch of the pod cannot', async () => {
    expect((await call(server.url, 'POST', '/api/v1/namespaces/default/pods', { body: pod('k-1') })).status).toBe(201);
    const patched = await kubectl.run(['patch', 'pod', 'k-1', '--subresource=status', '--type=merge', '-p', '{"status":{"phase":"Running","podIP":"10.9.9.9"}}']);
    expect(patched.stderr).toBe('');
    expect(patched.code).toBe(0);
    const got = await kubectl.run(['get', 'pod', 'k-1', '--subresource=status', '-o', 'json']);
    expect(got.code).toBe(0);
    expect(JSON.parse(got.stdout).status).toEqual({ phase: 'Running', podIP: '10.9.9.9', qosClass: 'BestEffort' });
    const main = await kubectl.run(['patch', 'pod', 'k-1', '--type=merge', '-p', '{"metadata":{"labels":{"a":"b"}},"status":{"phase":"Failed"}}']);
    expect(main.code).toBe(0);
    const table = await kubectl.run(['get', 'pod', 'k-1', '--no-headers']);
    expect(table.stdout).toMatch(/^k-1\s+\S+\s+Running\s/);
  });

  it('api-resources lists pods, nodes and namespaces once each', async () => {
    const resources = await kubectl.run(['api-resources', '--no-headers', '-o', 'name']);
    expect(resources.code).toBe(0);
    expect(resources.stdout.trim().split('\n').sort()).toEqual(['configmaps', 'namespaces', 'nodes', 'pods']);
  });
});
