/** parseArgs(): flags, environment, defaults and errors of `mini-apiserver`. */
import { describe, expect, it } from 'vitest';
import { parseArgs } from '../src/cli.js';

const DEFAULTS = { command: 'start', port: 8080, host: '127.0.0.1', namespaces: 10, nodes: 100, pods: 3000, configmaps: 3, churn: 0, seed: 1, profiling: false };

describe('parseArgs()', () => {
  it('no arguments, or `start` → the defaults (127.0.0.1:8080, 10 namespaces, 100 nodes, 3 000 pods)', () => {
    expect(parseArgs([])).toEqual(DEFAULTS);
    expect(parseArgs(['start'])).toEqual(DEFAULTS);
  });

  it('flags as `--flag value` and `--flag=value`', () => {
    expect(parseArgs(['start', '--port', '9000', '--host=0.0.0.0', '--pods=30000', '--nodes', '1000', '--namespaces', '50', '--configmaps', '0', '--churn', '100', '--seed', '7', '--profiling'])).toEqual({
      command: 'start',
      port: 9000,
      host: '0.0.0.0',
      pods: 30000,
      nodes: 1000,
      namespaces: 50,
      configmaps: 0,
      churn: 100,
      seed: 7,
      profiling: true,
    });
    expect(parseArgs(['--churn=2.5'])).toMatchObject({ churn: 2.5 });
    expect(parseArgs(['--port', '0'])).toMatchObject({ port: 0 });
  });

  it('MINI_APISERVER_PORT / MINI_APISERVER_HOST, overridden by flags', () => {
    const env = { MINI_APISERVER_PORT: '9443', MINI_APISERVER_HOST: '::1' };
    expect(parseArgs([], env)).toMatchObject({ port: 9443, host: '::1' });
    expect(parseArgs(['--port=1234'], env)).toMatchObject({ port: 1234, host: '::1' });
    expect(parseArgs([], { MINI_APISERVER_PORT: 'http' })).toEqual({ error: 'invalid value for MINI_APISERVER_PORT: "http" (expected an integer from 0 to 65535)' });
  });

  it('--help, -h and `help` → the help command', () => {
    expect(parseArgs(['--help'])).toMatchObject({ command: 'help' });
    expect(parseArgs(['start', '-h'])).toMatchObject({ command: 'help' });
    expect(parseArgs(['help'])).toMatchObject({ command: 'help' });
  });

  it('a bare `--` is ignored wherever it appears (pnpm 10 passes `pnpm start -- --help` through as `start -- --help`)', () => {
    expect(parseArgs(['start', '--', '--help'])).toMatchObject({ command: 'help' });
    expect(parseArgs(['--', 'start', '--port', '9000'])).toEqual({ ...DEFAULTS, port: 9000 });
    expect(parseArgs(['start', '--port', '--', '9000'])).toEqual({ ...DEFAULTS, port: 9000 });
    expect(parseArgs(['--', '--'])).toEqual(DEFAULTS);
    expect(parseArgs(['start', '--', 'extra'])).toEqual({ error: 'unexpected argument: "extra"' });
  });

  it('bad command lines → { error } with a message naming the problem', () => {
    expect(parseArgs(['stop'])).toEqual({ error: 'unknown command: "stop"' });
    expect(parseArgs(['--prot', '80'])).toEqual({ error: 'unknown flag: --prot' });
    expect(parseArgs(['--port'])).toEqual({ error: '--port needs a value' });
    expect(parseArgs(['--port', '--pods', '3'])).toEqual({ error: '--port needs a value' });
    expect(parseArgs(['--port', '70000'])).toEqual({ error: 'invalid value for --port: "70000" (expected an integer from 0 to 65535)' });
    expect(parseArgs(['--pods', '-1'])).toEqual({ error: 'invalid value for --pods: "-1" (expected an integer from 0 to 10000000)' });
    expect(parseArgs(['--nodes', '1e3'])).toEqual({ error: 'invalid value for --nodes: "1e3" (expected an integer from 0 to 10000000)' });
    expect(parseArgs(['--churn', 'fast'])).toEqual({ error: 'invalid value for --churn: "fast" (expected a number of updates per second from 0 to 1000000)' });
    expect(parseArgs(['--profiling=yes'])).toEqual({ error: '--profiling takes no value' });
    expect(parseArgs(['start', 'extra'])).toEqual({ error: 'unexpected argument: "extra"' });
    expect(parseArgs(['--host='])).toEqual({ error: '--host needs a value' });
  });

  it('--etcd URL[,URL…] and --etcd-prefix (default /registry, as Kubernetes) → etcd storage; absent → memory, no etcd fields', () => {
    expect(parseArgs(['start', '--etcd', 'http://127.0.0.1:2379'])).toEqual({ ...DEFAULTS, etcd: ['http://127.0.0.1:2379'], etcdPrefix: '/registry' });
    expect(parseArgs(['--etcd=http://127.0.0.1:1, http://127.0.0.1:2', '--etcd-prefix', '/apiserver-kit'])).toEqual({
      ...DEFAULTS,
      etcd: ['http://127.0.0.1:1', 'http://127.0.0.1:2'],
      etcdPrefix: '/apiserver-kit',
    });
    expect(parseArgs(['--etcd', 'http://127.0.0.1:2379', '--etcd-prefix='])).toMatchObject({ etcdPrefix: '' });
    expect(parseArgs([])).not.toHaveProperty('etcd');
  });

  it('bad --etcd / --etcd-prefix → { error }', () => {
    expect(parseArgs(['--etcd', '127.0.0.1:2379'])).toEqual({ error: 'invalid value for --etcd: "127.0.0.1:2379" (expected client URLs like http://127.0.0.1:2379, comma-separated)' });
    expect(parseArgs(['--etcd', 'http://127.0.0.1:2379,'])).toEqual({ error: 'invalid value for --etcd: "" (expected client URLs like http://127.0.0.1:2379, comma-separated)' });
    expect(parseArgs(['--etcd'])).toEqual({ error: '--etcd needs a value' });
    expect(parseArgs(['--etcd-prefix', '/registry'])).toEqual({ error: '--etcd-prefix needs --etcd' });
    for (const prefix of ['registry', '/registry/', '/reg istry']) {
      expect(parseArgs(['--etcd', 'http://127.0.0.1:2379', `--etcd-prefix=${prefix}`])).toEqual({
        error: `invalid value for --etcd-prefix: ${JSON.stringify(prefix)} (expected "" or a path like /registry: printable, starting with / and not ending with /)`,
      });
    }
  });
});
