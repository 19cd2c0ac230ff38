/**
 * The machine's kubectl against an in-process server: the commands people
 * type, asserted on what kubectl prints and on what the server stored.
 * (The machine's kubectl may be a dispatcher that GETs /version and runs a
 * bundled kubectl of the server's minor version: 1.32 here.)
 */
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiServer, startApiServer } from '../src/server.js';
import { CORE_V1_RESOURCES, storageKey } from '../src/resources.js';
import { type Kubectl, kubectlFor, loggedRequests, readTable } from './kubectl-run.js';
import { call, pod } from './server-helpers.js';

const pods = CORE_V1_RESOURCES.find((info) => info.resource === 'pods')!;
const namespaces = CORE_V1_RESOURCES.find((info) => info.resource === 'namespaces')!;
/** The namespace the writing tests use, so that the reading ones see a fixed cluster. */
const WRITES = 'kubectl-writes';

let server: ApiServer;
let kubectl: Kubectl;
/**
 * Flags of `create -f` / `apply -f`. kubectl before 1.29 validates against
 * `/openapi/v2` in protobuf only, which this server does not serve (406):
 * those clients need `--validate=false`. From 1.29 on, `/openapi/v3` serves.
 */
let validation: string[] = [];

beforeAll(async () => {
  server = await startApiServer({ seed: { namespaces: 3, nodes: 4, pods: 30, configmaps: 1 } });
  await server.storage.create(storageKey(namespaces, WRITES), { apiVersion: 'v1', kind: 'Namespace', metadata: { name: WRITES } });
  kubectl = await kubectlFor(server.kubeconfig());
  if ((await kubectl.clientMinor()) < 29) validation = ['--validate=false'];
});

afterAll(async () => {
  await server?.close();
  await kubectl?.dispose();
});

/** The pods the server lists at `path` (over HTTP, as JSON), for comparison with kubectl's output. */
async function podsOf(path: string): Promise<Array<{ metadata: { name: string; namespace: string }; spec: { nodeName?: string }; status?: { podIP?: string } }>> {
  const answer = await call(server.url, 'GET', path);
  expect(answer.status).toBe(200);
  return answer.body.items;
}

/** Polls `read` until `done` holds or `timeoutMs` passes (then fails with the last value). */
async function eventually<T>(read: () => T | Promise<T>, done: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms; last value: ${JSON.stringify(value)?.slice(0, 2000)}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

function stored(name: string): Promise<any> {
  return server.storage.get(storageKey(pods, name, WRITES));
}

// Reads of a cluster nobody writes to meanwhile: independent, so run side by side.
describe.concurrent('kubectl get — the server-side Table and its JSON/YAML', () => {
  it('get pods: the default namespace, with the pod columns NAME READY STATUS RESTARTS AGE', async () => {
    const [result, expected] = await Promise.all([kubectl.run(['get', 'pods']), podsOf('/api/v1/namespaces/default/pods')]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const header = result.stdout.split('\n')[0]!.trim().split(/\s{2,}/);
    expect(header).toEqual(['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE']);
    const rows = readTable(result.stdout);
    expect(rows.map((row) => row['NAME'])).toEqual(expected.map((item) => item.metadata.name));
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(row['READY']).toMatch(/^\d+\/\d+$/);
  });

  it('get pods -A: every namespace, NAMESPACE first', async () => {
    const [result, expected] = await Promise.all([kubectl.run(['get', 'pods', '-A']), podsOf('/api/v1/pods')]);
    expect(result.code).toBe(0);
    const rows = readTable(result.stdout);
    expect(expected).toHaveLength(30);
    expect(rows.map((row) => `${row['NAMESPACE']}/${row['NAME']}`)).toEqual(expected.map((item) => `${item.metadata.namespace}/${item.metadata.name}`));
    expect(new Set(rows.map((row) => row['NAMESPACE'])).size).toBe(3);
  });

  it('get pods -o json: a v1 List of Pods that parses, every object whole', async () => {
    const [result, expected] = await Promise.all([kubectl.run(['get', 'pods', '-A', '-o', 'json']), podsOf('/api/v1/pods')]);
    expect(result.code).toBe(0);
    const list = JSON.parse(result.stdout);
    expect(list).toMatchObject({ apiVersion: 'v1', kind: 'List' });
    expect(list.items).toHaveLength(expected.length);
    for (const item of list.items) expect(item).toMatchObject({ apiVersion: 'v1', kind: 'Pod', spec: { containers: expect.any(Array) } });
    expect(list.items).toEqual(expected.map((item) => ({ apiVersion: 'v1', kind: 'Pod', ...item })));
  });

  it('get pod NAME -o yaml: the object as YAML', async () => {
    const [first] = await podsOf('/api/v1/namespaces/default/pods?limit=1');
    const result = await kubectl.run(['get', 'pod', first!.metadata.name, '-o', 'yaml']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^apiVersion: v1\n/);
    expect(result.stdout).toContain('\nkind: Pod\n');
    expect(result.stdout).toContain(`\n  name: ${first!.metadata.name}\n`);
    expect(result.stdout).toContain('\n  namespace: default\n');
    const list = await kubectl.run(['get', 'pods', '-o', 'yaml']);
    expect(list.stdout).toMatch(/^apiVersion: v1\nitems:\n- apiVersion: v1\n  kind: Pod\n/);
    expect(list.stdout.match(/^- apiVersion: v1$/gm)?.length).toBe((await podsOf('/api/v1/namespaces/default/pods')).length);
  });

  it('get pods -o wide: IP and NODE columns with each pod\'s podIP and nodeName', async () => {
    const [result, expected] = await Promise.all([kubectl.run(['get', 'pods', '-A', '-o', 'wide']), podsOf('/api/v1/pods')]);
    expect(result.code).toBe(0);
    const header = result.stdout.split('\n')[0]!.trim().split(/\s{2,}/);
    expect(header).toEqual(['NAMESPACE', 'NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE', 'IP', 'NODE', 'NOMINATED NODE', 'READINESS GATES']);
    const rows = readTable(result.stdout);
    expect(rows.map((row) => [row['NAME'], row['IP'], row['NODE']])).toEqual(
      expected.map((item) => [item.metadata.name, item.status?.podIP ?? '<none>', item.spec.nodeName ?? '<none>']),
    );
    expect(rows.some((row) => /^\d+\.\d+\.\d+\.\d+$/.test(row['IP']!))).toBe(true);
  });

  it('get pods -l app=web: the label selector', async () => {
    const [result, expected] = await Promise.all([kubectl.run(['get', 'pods', '-A', '-l', 'app=web']), podsOf('/api/v1/pods?labelSelector=app%3Dweb')]);
    expect(result.code).toBe(0);
    expect(expected.length).toBeGreaterThan(0);
    expect(readTable(result.stdout).map((row) => row['NAME'])).toEqual(expected.map((item) => item.metadata.name));
    const none = await kubectl.run(['get', 'pods', '-A', '-l', 'app=nothing']);
    expect(none.code).toBe(0);
    expect(none.stderr.trim()).toBe('No resources found');
  });

  it('get pods --field-selector spec.nodeName=…: the pods of one node', async () => {
    const [result, expected] = await Promise.all([
      kubectl.run(['get', 'pods', '-A', '-o', 'wide', '--field-selector', 'spec.nodeName=node-0001']),
      podsOf('/api/v1/pods?fieldSelector=spec.nodeName%3Dnode-0001'),
    ]);
    expect(result.code).toBe(0);
    expect(expected.length).toBeGreaterThan(0);
    const rows = readTable(result.stdout);
    expect(rows.map((row) => row['NAME'])).toEqual(expected.map((item) => item.metadata.name));
    expect(new Set(rows.map((row) => row['NODE']))).toEqual(new Set(['node-0001']));
  });

  it('get pods -A --chunk-size=7: every pod, fetched in pages that follow continue tokens', async () => {
    const result = await kubectl.run(['get', 'pods', '-A', '--chunk-size=7', '-v=6']);
    expect(result.code).toBe(0);
    expect(readTable(result.stdout)).toHaveLength(30);
    // kubectl logs every request at -v=6: the first page with limit=7, then ceil(30 / 7) − 1 = 4 continues.
    const pages = loggedRequests(result.stderr).filter(({ verb, url }) => verb === 'GET' && url.includes('/api/v1/pods?'));
    expect(pages.map(({ url, status }) => [new URL(url).searchParams.get('limit'), new URL(url).searchParams.has('continue'), status])).toEqual([
      ['7', false, '200 OK'],
      ...Array.from({ length: 4 }, () => ['7', true, '200 OK']),
    ]);
  });

  it('get nodes and namespaces: cluster-scoped Tables', async () => {
    const [nodes, spaces] = await Promise.all([kubectl.run(['get', 'nodes']), kubectl.run(['get', 'namespaces'])]);
    expect(nodes.code).toBe(0);
    expect(readTable(nodes.stdout).map((row) => row['NAME'])).toEqual(['node-0000', 'node-0001', 'node-0002', 'node-0003']);
    expect(readTable(nodes.stdout).every((row) => row['STATUS'] === 'Ready' || row['STATUS']?.startsWith('Ready'))).toBe(true);
    expect(readTable(spaces.stdout).map((row) => row['NAME'])).toContain(WRITES);
  });
});

// Writes, in order: each step reads what the previous one left.
describe('kubectl writes, in the kubectl-writes namespace', () => {
  const manifest = (image: string, labels: Record<string, string>, env: string): string =>
    [
      'apiVersion: v1',
      'kind: Pod',
      'metadata:',
      '  name: applied',
      `  namespace: ${WRITES}`,
      '  labels:',
      ...Object.entries(labels).map(([key, value]) => `    ${key}: ${value}`),
      'spec:',
      '  containers:',
      '  - name: main',
      `    image: ${image}`,
      '    env:',
      '    - name: MODE',
      `      value: ${env}`,
      '    - name: KEEP',
      '      value: "yes"',
      '',
    ].join('\n');

  it('create -f: a Pod manifest, validated by the server (fieldValidation=Strict), stored', async () => {
    const path = await kubectl.file('hello.yaml', `apiVersion: v1\nkind: Pod\nmetadata:\n  name: hello\n  labels:\n    app: hello\nspec:\n  containers:\n  - name: main\n    image: nginx:1.27\n`);
    const result = await kubectl.run(['create', ...validation, '-n', WRITES, '-f', path]);
    expect(result.stderr).toBe('');
    expect(result.stdout.trim()).toBe('pod/hello created');
    const object = await stored('hello');
    expect(object).toMatchObject({ metadata: { name: 'hello', namespace: WRITES, labels: { app: 'hello' } }, spec: { containers: [{ name: 'main', image: 'nginx:1.27' }] } });
    // podStrategy.PrepareForCreate: Pending, with its QoS class.
    expect(object.status).toEqual({ phase: 'Pending', qosClass: 'BestEffort' });
    const again = await kubectl.run(['create', ...validation, '-n', WRITES, '-f', path]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('Error from server (AlreadyExists)');
    expect(again.stderr).toContain('pods "hello" already exists');
  });

  it('create -f: a typo\'d top-level field fails with the server\'s strict decoding error (with --validate=false kubectl sends Ignore: dropped)', async () => {
    const path = await kubectl.file('typo.yaml', `apiVersion: v1\nkind: Pod\nmetadata:\n  name: typo\nspek:\n  containers:\n  - name: main\n    image: nginx\n`);
    const result = await kubectl.run(['create', ...validation, '-n', WRITES, '-f', path]);
    if (validation.length === 0) {
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('Error from server (BadRequest)');
      expect(result.stderr).toContain('Pod in version "v1" cannot be handled as a Pod: strict decoding error: unknown field "spek"');
      await expect(stored('typo')).rejects.toMatchObject({ reason: 'NotFound' });
    } else {
      expect(result.stdout.trim()).toBe('pod/typo created');
      expect((await stored('typo'))['spek']).toBeUndefined();
    }
  });

  it('get pods -w: lists, then prints a line for a pod created meanwhile and for a change', async () => {
    const child = kubectl.spawn(['get', 'pods', '-n', WRITES, '-w']);
    let output = '';
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (chunk: string) => (output += chunk));
    let errors = '';
    child.stderr!.on('data', (chunk: Buffer) => (errors += chunk.toString()));
    try {
      await eventually(() => output, (text) => /^hello\s/m.test(text));
      // Another writer: straight to storage, as a controller of the cluster would.
      await server.storage.create(storageKey(pods, 'watched', WRITES), pod('watched', WRITES, { labels: { app: 'watched' } }));
      await eventually(() => output, (text) => /^watched\s/m.test(text));
      const before = output.split('\n').filter((line) => line.startsWith('hello ')).length;
      await call(server.url, 'PATCH', `/api/v1/namespaces/${WRITES}/pods/hello`, { body: { metadata: { labels: { seen: 'yes' } } }, headers: { 'Content-Type': 'application/merge-patch+json' } });
      await eventually(() => output.split('\n').filter((line) => line.startsWith('hello ')).length, (count) => count > before);
      expect(errors).toBe('');
      expect(readTable(output)[0]).toMatchObject({ NAME: 'hello', READY: '0/1', STATUS: 'Pending' });
    } finally {
      child.kill('SIGTERM');
      if (child.exitCode === null && child.signalCode === null) await once(child, 'exit');
    }
  });

  it('apply -f: creates, then updates labels, image and env with a strategic merge patch', async () => {
    const path = await kubectl.file('applied.yaml', manifest('nginx:1.25', { app: 'applied' }, 'one'));
    const created = await kubectl.run(['apply', ...validation, '-f', path]);
    expect(created.stderr).toBe('');
    expect(created.stdout.trim()).toBe('pod/applied created');
    const first = await stored('applied');
    expect(first.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration']).toContain('"image":"nginx:1.25"');

    await kubectl.file('applied.yaml', manifest('nginx:1.27', { app: 'applied', tier: 'front' }, 'two'));
    const updated = await kubectl.run(['apply', ...validation, '-f', path]);
    expect(updated.stderr).toBe('');
    expect(updated.stdout.trim()).toBe('pod/applied configured');
    const second = await stored('applied');
    expect(second.metadata.uid).toBe(first.metadata.uid);
    expect(Number(second.metadata.resourceVersion)).toBeGreaterThan(Number(first.metadata.resourceVersion));
    expect(second.metadata.labels).toEqual({ app: 'applied', tier: 'front' });
    expect(second.spec.containers).toEqual([
      { name: 'main', image: 'nginx:1.27', env: [{ name: 'MODE', value: 'two' }, { name: 'KEEP', value: 'yes' }] },
    ]);
    expect(second.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration']).toContain('"image":"nginx:1.27"');

    const unchanged = await kubectl.run(['apply', ...validation, '-f', path]);
    expect(unchanged.stdout.trim()).toBe('pod/applied unchanged');
  });

  it('label: adds a label; --overwrite changes it; without it, a clash is refused', async () => {
    const added = await kubectl.run(['label', '-n', WRITES, 'pod', 'hello', 'env=prod']);
    expect(added.stdout.trim()).toBe('pod/hello labeled');
    expect((await stored('hello')).metadata.labels).toMatchObject({ app: 'hello', env: 'prod' });
    const clash = await kubectl.run(['label', '-n', WRITES, 'pod', 'hello', 'env=dev']);
    expect(clash.code).toBe(1);
    expect(clash.stderr).toContain("'env' already has a value (prod)");
    const overwritten = await kubectl.run(['label', '-n', WRITES, 'pod', 'hello', 'env=dev', '--overwrite']);
    expect(overwritten.stdout.trim()).toBe('pod/hello labeled');
    expect((await stored('hello')).metadata.labels).toMatchObject({ app: 'hello', env: 'dev' });
  });

  it('delete: sends the DELETE, waits for the object to be gone, and it is; wait --for=delete watches by name until DELETED', async () => {
    const startedAt = Date.now();
    const result = await kubectl.run(['delete', '-n', WRITES, 'pod', 'hello', '-v=6']);
    // kubectl 1.33 on adds "from <namespace> namespace".
    expect(result.stdout.trim()).toMatch(/^pod "hello" deleted( from kubectl-writes namespace)?$/);
    expect(result.code).toBe(0);
    const path = `${server.url}/api/v1/namespaces/${WRITES}/pods/hello`;
    // The DELETE, then the wait: a GET that finds nothing, so no list and watch are needed.
    expect(loggedRequests(result.stderr).filter(({ url }) => url.startsWith(`${server.url}/api/`))).toEqual([
      { verb: 'DELETE', url: path, status: '200 OK' },
      { verb: 'GET', url: path, status: '404 Not Found' },
    ]);
    expect(Date.now() - startedAt).toBeLessThan(15_000);
    await expect(stored('hello')).rejects.toMatchObject({ reason: 'NotFound' });
    const gone = await kubectl.run(['get', 'pod', '-n', WRITES, 'hello']);
    expect(gone.code).toBe(1);
    expect(gone.stderr.trim()).toBe('Error from server (NotFound): pods "hello" not found');
    // The wait delete uses when the object is still there (finalizers, grace periods: not here), via `wait --for=delete`:
    // a list and a watch with fieldSelector=metadata.name=<name>, until the DELETED event.
    const waiting = kubectl.spawn(['wait', '--for=delete', '-n', WRITES, 'pod/applied', '--timeout=30s', '-v=6']);
    let waitOut = '';
    let waitErr = '';
    waiting.stdout!.on('data', (chunk: Buffer) => (waitOut += chunk.toString()));
    waiting.stderr!.on('data', (chunk: Buffer) => (waitErr += chunk.toString()));
    const exited = once(waiting, 'exit');
    try {
      const isWatch = ({ url }: { url: string }): boolean => new URL(url).searchParams.get('watch') === 'true';
      await eventually(() => loggedRequests(waitErr).filter(isWatch), (watches) => watches.length > 0);
      const [watch] = loggedRequests(waitErr).filter(isWatch);
      expect(watch!.status).toBe('200 OK');
      expect(new URL(watch!.url).searchParams.get('fieldSelector')).toBe('metadata.name=applied');
      expect((await call(server.url, 'DELETE', `/api/v1/namespaces/${WRITES}/pods/applied`)).status).toBe(200);
      const [code] = await exited;
      expect(code).toBe(0);
      expect(waitOut.trim()).toBe('pod/applied condition met');
    } finally {
      if (waiting.exitCode === null && waiting.signalCode === null) {
        waiting.kill('SIGTERM');
        await exited;
      }
    }
    const all = await kubectl.run(['delete', '-n', WRITES, 'pods', '--all']);
    expect(all.code).toBe(0);
    expect(await podsOf(`/api/v1/namespaces/${WRITES}/pods`)).toEqual([]);
  });
});
