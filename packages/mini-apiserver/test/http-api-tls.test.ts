/**
 * `connect()` over TLS with a kubeconfig's CA, client certificate and token,
 * end to end: certificates generated with openssl in a temp dir, an
 * `node:https` front (client certificates required) passing requests through
 * to the reference host, which speaks plain HTTP.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { connect, loadKubeconfig, PODS } from '@apiserver-kit/controller';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiServer, startApiServer } from '../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'http-api-tls-'));
let host: ApiServer;
let front: HttpsServer;
let frontUrl: string;
const sockets = new Set<Socket>();
/** The client certificate CN and authorization header of each request the front passed on. */
const seen: { cn: string | undefined; authorization: string | undefined }[] = [];

function openssl(...args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
}

/** A CA, a server certificate for 127.0.0.1 and a client certificate (CN=tester), all signed by the CA. */
function generateCertificates(): void {
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl('req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '1', '-subj', '/CN=test-ca');
  writeFileSync(join(dir, 'server.ext'), 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
  writeFileSync(join(dir, 'client.ext'), 'extendedKeyUsage=clientAuth\n');
  for (const [name, cn] of [
    ['server', '127.0.0.1'],
    ['client', 'tester'],
  ] as const) {
    openssl('req', ...ec, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${cn}`);
    openssl('x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${name}.crt`, '-days', '1', '-extfile', `${name}.ext`);
  }
}

beforeAll(async () => {
  generateCertificates();
  host = await startApiServer();
  const pem = (name: string): Buffer => readFileSync(join(dir, name));
  front = createHttpsServer({ key: pem('server.key'), cert: pem('server.crt'), ca: pem('ca.crt'), requestCert: true, rejectUnauthorized: true }, (req, res) => {
    const peer = (req.socket as TLSSocket).getPeerCertificate();
    seen.push({ cn: typeof peer.subject?.CN === 'string' ? peer.subject.CN : undefined, authorization: req.headers.authorization });
    const upstream = httpRequest(`${host.url}${req.url ?? '/'}`, { method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    res.on('close', () => upstream.destroy());
    req.pipe(upstream);
  });
  front.on('secureConnection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
  frontUrl = `https://127.0.0.1:${(front.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise<void>((resolve) => front.close(() => resolve()));
  await host.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A kubeconfig file beside the certificates (relative paths, as client-go resolves them). */
function kubeconfig(name: string, cluster: readonly string[], user: readonly string[]): string {
  const path = join(dir, name);
  writeFileSync(
    path,
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      '- name: tls',
      '  cluster:',
      `    server: ${frontUrl}`,
      ...cluster.map((line) => `    ${line}`),
      'users:',
      '- name: tester',
      '  user:',
      ...(user.length === 0 ? ['    {}'] : user.map((line) => `    ${line}`)),
      'contexts:',
      '- name: tls',
      '  context: { cluster: tls, user: tester, namespace: default }',
      'current-context: tls',
      '',
    ].join('\n'),
  );
  return path;
}

describe('connect() over TLS (kubeconfig CA, client certificate, token)', () => {
  it('verbs, a watch and a lister-watcher through a front that requires the client certificate', async () => {
    const api = connect({ kubeconfig: kubeconfig('full', ['certificate-authority: ca.crt'], ['client-certificate: client.crt', 'client-key: client.key', 'token: secret-token']) });
    try {
      const pods = api.pods('default');
      const watch = pods.watch({ resourceVersion: (await pods.list()).metadata.resourceVersion });
      const events = watch[Symbol.asyncIterator]();
      const created = await pods.create({ metadata: { name: 'tls' }, spec: { containers: [{ name: 'c', image: 'nginx' }] } });
      expect((await events.next()).value).toMatchObject({ type: 'ADDED', object: { metadata: { uid: created.metadata.uid } } });
      watch.close();
      expect((await api.listerWatcher(PODS).list({})).items.map((p) => p.metadata?.name)).toEqual(['tls']);
      await pods.delete('tls');
      expect(seen.length).toBeGreaterThanOrEqual(4);
      expect(seen.every((s) => s.cn === 'tester' && s.authorization === 'Bearer secret-token')).toBe(true);
    } finally {
      await api.close();
    }
  });

  it('the same with the material inline (-data fields)', async () => {
    const b64 = (name: string): string => readFileSync(join(dir, name)).toString('base64');
    const api = connect({
      kubeconfig: loadKubeconfig({ path: kubeconfig('data', [`certificate-authority-data: ${b64('ca.crt')}`], [`client-certificate-data: ${b64('client.crt')}`, `client-key-data: ${b64('client.key')}`]) }),
    });
    try {
      expect((await api.namespaces().get('default')).metadata.name).toBe('default');
    } finally {
      await api.close();
    }
  });

  it('without the CA the self-signed server is not trusted → ServiceUnavailable 503; insecure-skip-tls-verify connects', async () => {
    const untrusted = connect({ kubeconfig: kubeconfig('no-ca', [], ['client-certificate: client.crt', 'client-key: client.key']) });
    await expect(untrusted.pods('default').list()).rejects.toMatchObject({ reason: 'ServiceUnavailable', code: 503, message: expect.stringMatching(/certificate/) });
    await untrusted.close();
    const insecure = connect({ kubeconfig: kubeconfig('insecure', ['insecure-skip-tls-verify: true'], ['client-certificate: client.crt', 'client-key: client.key']) });
    expect((await insecure.pods('default').list()).items).toBeDefined();
    await insecure.close();
  });

  it('without a client certificate the front refuses the handshake → ServiceUnavailable 503', async () => {
    const api = connect({ kubeconfig: kubeconfig('no-cert', ['certificate-authority: ca.crt'], ['token: secret-token']) });
    await expect(api.pods('default').list()).rejects.toMatchObject({ reason: 'ServiceUnavailable', code: 503 });
    await api.close();
  });
});
