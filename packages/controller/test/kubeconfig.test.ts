import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { connect, defaultKubeconfigPath, loadKubeconfig } from '../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'kubeconfig-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const CA = '-----BEGIN CERTIFICATE-----\nca\n-----END CERTIFICATE-----\n';
const CERT = '-----BEGIN CERTIFICATE-----\ncert\n-----END CERTIFICATE-----\n';
const KEY = '-----BEGIN PRIVATE KEY-----\nkey\n-----END PRIVATE KEY-----\n';
const b64 = (text: string): string => Buffer.from(text).toString('base64');

let files = 0;
/** Writes `text` as a kubeconfig in its own directory (with `extra` files beside it); returns its path. */
function kubeconfigFile(text: string, extra: Record<string, string> = {}): string {
  const home = join(dir, `k${files++}`);
  mkdirSync(home, { recursive: true });
  for (const [name, content] of Object.entries(extra)) {
    mkdirSync(join(home, name, '..'), { recursive: true });
    writeFileSync(join(home, name), content);
  }
  const path = join(home, 'config');
  writeFileSync(path, text);
  return path;
}

/** A kubeconfig with one cluster, user and context (`dev`), current. */
function config(cluster: string, user: string, context = '    namespace: team-a'): string {
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '- name: c1',
    '  cluster:',
    cluster,
    'users:',
    '- name: u1',
    '  user:',
    user,
    'contexts:',
    '- name: dev',
    '  context:',
    '    cluster: c1',
    '    user: u1',
    context,
    '- name: other',
    '  context:',
    '    cluster: c1',
    'current-context: dev',
    '',
  ].join('\n');
}

describe('loadKubeconfig (client-go clientcmd: DirectClientConfig.ClientConfig, ResolvePaths)', () => {
  it('token, CA file relative to the kubeconfig directory, the context namespace', () => {
    const path = kubeconfigFile(config('    server: https://127.0.0.1:6443\n    certificate-authority: pki/ca.crt', '    token: abc'), { 'pki/ca.crt': CA });
    const loaded = loadKubeconfig({ path });
    expect(loaded).toMatchObject({ source: path, context: 'dev', server: 'https://127.0.0.1:6443', namespace: 'team-a', token: 'abc' });
    expect(loaded.tls.ca?.toString()).toBe(CA);
    expect(loaded.tls).toMatchObject({ cert: undefined, key: undefined, insecureSkipTlsVerify: false, serverName: undefined });
  });

  it('client certificate and key files (relative and absolute); -data fields win over files (CertData over CertFile)', () => {
    const absoluteKey = join(dir, 'absolute.key');
    writeFileSync(absoluteKey, KEY);
    const files = kubeconfigFile(config('    server: https://h:1', `    client-certificate: certs/me.crt\n    client-key: ${absoluteKey}`), { 'certs/me.crt': CERT });
    expect(loadKubeconfig({ path: files }).tls).toMatchObject({ cert: Buffer.from(CERT), key: Buffer.from(KEY) });

    const data = kubeconfigFile(
      config(
        `    server: https://h:1\n    certificate-authority-data: ${b64(CA)}\n    certificate-authority: missing.crt\n    tls-server-name: api.internal`,
        `    client-certificate-data: ${b64(CERT)}\n    client-key-data: ${b64(KEY)}\n    client-certificate: missing.crt`,
      ),
    );
    const loaded = loadKubeconfig({ path: data });
    expect(loaded.tls).toEqual({ ca: Buffer.from(CA), cert: Buffer.from(CERT), key: Buffer.from(KEY), insecureSkipTlsVerify: false, serverName: 'api.internal' });
    expect(loaded.token).toBeUndefined();
  });

  it('tokenFile wins over token (rest.Config BearerTokenFile), trimmed; insecure-skip-tls-verify', () => {
    const path = kubeconfigFile(config('    server: https://h:1\n    insecure-skip-tls-verify: true', '    token: stale\n    tokenFile: token.txt'), { 'token.txt': 'fresh\n' });
    const loaded = loadKubeconfig({ path });
    expect(loaded.token).toBe('fresh');
    expect(loaded.tls.insecureSkipTlsVerify).toBe(true);
  });

  it('`context` picks another context; without a namespace it is "default", without a user anonymous', () => {
    const path = kubeconfigFile(config('    server: http://127.0.0.1:8080', '    token: abc'));
    expect(loadKubeconfig({ path, context: 'other' })).toMatchObject({ context: 'other', namespace: 'default', token: undefined, server: 'http://127.0.0.1:8080' });
  });

  it('text instead of a file', () => {
    expect(loadKubeconfig({ text: config('    server: http://127.0.0.1:1', '    {}') })).toMatchObject({ source: '<text>', server: 'http://127.0.0.1:1', token: undefined });
  });

  it('the default file: the first entry of $KUBECONFIG (a list), else $HOME/.kube/config', () => {
    const first = kubeconfigFile(config('    server: http://first:1', '    {}'));
    const second = kubeconfigFile(config('    server: http://second:1', '    {}'));
    expect(loadKubeconfig({ env: { KUBECONFIG: `${first}:${second}` } }).server).toBe('http://first:1');
    expect(loadKubeconfig({ env: { KUBECONFIG: `:${second}` } }).server).toBe('http://second:1');
    const home = join(dir, 'home');
    mkdirSync(join(home, '.kube'), { recursive: true });
    writeFileSync(join(home, '.kube', 'config'), config('    server: http://home:1', '    {}'));
    expect(defaultKubeconfigPath({ HOME: home })).toBe(join(home, '.kube', 'config'));
    expect(loadKubeconfig({ env: { HOME: home, KUBECONFIG: '' } }).server).toBe('http://home:1');
  });

  it('connect() takes a loaded kubeconfig or a path: server, default namespace, bearer token', async () => {
    const path = kubeconfigFile(config('    server: http://127.0.0.1:9/prefix/', '    token: abc'));
    const api = connect({ kubeconfig: path });
    expect(api.server).toBe('http://127.0.0.1:9/prefix');
    expect(api.defaultNamespace).toBe('team-a');
    await api.close();
    const other = connect({ kubeconfig: loadKubeconfig({ path, context: 'other' }), url: 'http://127.0.0.1:10' });
    expect(other.server).toBe('http://127.0.0.1:10');
    expect(other.defaultNamespace).toBe('default');
    await other.close();
  });

  describe('errors: TypeError naming the field and the file', () => {
    const cases: [string, () => unknown, RegExp][] = [
      ['a missing file', () => loadKubeconfig({ path: join(dir, 'nope') }), /Expected `path` to be a readable kubeconfig file, got `".*nope"` \(string\): ENOENT/],
      ['invalid YAML', () => loadKubeconfig({ text: 'a: [' }), /Expected the kubeconfig <text> to be valid YAML/],
      ['not a mapping', () => loadKubeconfig({ text: '- 1' }), /to be a YAML mapping/],
      ['no current-context', () => loadKubeconfig({ text: 'clusters: []' }), /Expected `context` \(in the kubeconfig <text>\) to be the name of a context \(the kubeconfig has no current-context/],
      ['an unknown context', () => loadKubeconfig({ text: config('    server: http://h:1', '    {}'), context: 'prod' }), /Expected `context` .* to be the name of an entry of `contexts` \(one of "dev", "other"\), got `"prod"`/],
      [
        'a missing cluster',
        () => loadKubeconfig({ text: config('    server: http://h:1', '    {}').replace('cluster: c1', 'cluster: c2') }),
        /Expected `contexts\["dev"\]\.context\.cluster` .* to be the name of an entry of `clusters` \(one of "c1"\), got `"c2"`/,
      ],
      [
        'a missing user',
        () => loadKubeconfig({ text: config('    server: http://h:1', '    {}').replace('user: u1', 'user: u9') }),
        /Expected `contexts\["dev"\]\.context\.user` .* to be the name of an entry of `users` \(one of "u1"\), got `"u9"`/,
      ],
      ['a cluster without a server', () => loadKubeconfig({ text: config('    insecure-skip-tls-verify: true', '    {}') }), /Expected `clusters\["c1"\]\.cluster\.server` .* to be an http\(s\) URL, got `undefined`/],
      ['a server that is not http(s)', () => loadKubeconfig({ text: config('    server: unix:///sock', '    {}') }), /to be an http\(s\) URL, got `"unix:\/\/\/sock"`/],
      ['exec credentials', () => loadKubeconfig({ text: config('    server: http://h:1', '    exec:\n      command: aws') }), /`users\["u1"\]\.user\.exec` .* to be unset \(exec credential plugins are not supported/],
      ['an auth-provider', () => loadKubeconfig({ text: config('    server: http://h:1', '    auth-provider:\n      name: gcp') }), /user\.auth-provider` .* to be unset \(auth-provider credential plugins are not supported/],
      ['username/password', () => loadKubeconfig({ text: config('    server: http://h:1', '    password: hunter2') }), /user\.password` .*basic authentication .* got `"<redacted>"`/],
      ['a proxy-url', () => loadKubeconfig({ text: config('    server: http://h:1\n    proxy-url: http://proxy:3128', '    {}') }), /cluster\.proxy-url` .* to be unset \(proxies are not supported\)/],
      ['a certificate without its key', () => loadKubeconfig({ text: config('    server: http://h:1', `    client-certificate-data: ${b64(CERT)}`) }), /user\.client-key` .* to be set \(client-certificate and client-key go together\)/],
      ['bad base64', () => loadKubeconfig({ text: config('    server: http://h:1\n    certificate-authority-data: "%%%"', '    {}') }), /certificate-authority-data` .* to be base64 data/],
      ['bad base64 in a key (not echoed)', () => loadKubeconfig({ text: config('    server: http://h:1', `    client-certificate-data: ${b64(CERT)}\n    client-key-data: "secret%%"`) }), /client-key-data` .* to be base64 data, got `"<redacted>"`/],
      ['an unreadable certificate file', () => loadKubeconfig({ text: config('    server: https://h:1\n    certificate-authority: /no/such/ca.crt', '    {}') }), /certificate-authority` .* to be a readable file \(ENOENT/],
      [
        'a CA with insecure-skip-tls-verify (client-go transport.TLSConfigFor)',
        () => loadKubeconfig({ text: config(`    server: https://h:1\n    insecure-skip-tls-verify: true\n    certificate-authority-data: ${b64(CA)}`, '    {}') }),
        /insecure-skip-tls-verify` .* to be false when a certificate authority is given/,
      ],
      ['a token that is not a string', () => loadKubeconfig({ text: config('    server: http://h:1', '    token: 12') }), /user\.token` .* to be a string, got `"<redacted number>"`/],
      ['both path and text', () => loadKubeconfig({ path: 'a', text: 'b' }), /Expected only one of `path` and `text`/],
      ['a bad option type', () => loadKubeconfig({ context: 1 as unknown as string }), /Expected `context` to be a string, got `1` \(number\)/],
      ['connect() with a bad kubeconfig', () => connect({ kubeconfig: 7 as unknown as string }), /Expected `kubeconfig` to be a path or the result of loadKubeconfig\(\)/],
      ['connect() with a bad url', () => connect({ url: 'ftp://h' }), /Expected `url` to be an absolute http\(s\) URL, got `"ftp:\/\/h"`/],
      ['connect() with a bad accept', () => connect({ url: 'http://h', accept: 'xml' as 'json' }), /Expected `accept` to be 'json' or 'protobuf'/],
    ];
    it.each(cases)('%s', (_name, load, message) => {
      expect(load).toThrow(TypeError);
      expect(load).toThrow(message);
    });
  });
});
