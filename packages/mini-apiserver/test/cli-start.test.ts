/**
 * runCli(): `start` serves the seeded cluster, prints how to reach it, and
 * shuts down cleanly on SIGTERM / SIGINT; a bad command line exits 2.
 */
import { spawn } from 'node:child_process';
import { EventEmitter, once } from 'node:events';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { HELP, runCli } from '../src/cli.js';

function sink(): { write(text: string): void; text: string } {
  return {
    text: '',
    write(text: string) {
      this.text += text;
    },
  };
}

async function waitFor(check: () => boolean): Promise<void> {
  // Polls output written by the server start-up (real I/O, not a timeout under test).
  while (!check()) await new Promise((resolve) => setImmediate(resolve));
}

describe('runCli()', () => {
  it('start → serves the synthetic cluster, prints the kubectl command and kubeconfig, SIGTERM → exit 0', async () => {
    const stdout = sink();
    const stderr = sink();
    const signals = new EventEmitter();
    const exit = runCli(['start', '--port', '0', '--namespaces', '3', '--nodes', '4', '--pods', '30', '--churn', '5'], { env: {}, stdout, stderr, signals });
    await waitFor(() => stdout.text.includes('Ctrl-C'));
    const url = /serving (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout.text)![1]!;
    expect(stdout.text).toContain(`kubectl --server ${url} get pods -A`);
    // Counted from the store: 3 seeded namespaces plus kube-node-lease from the bootstrap, as `kubectl get ns` lists them.
    expect(stdout.text).toContain(' — 4 namespaces, 4 nodes, 30 pods, 9 configmaps, 5 pod updates/s (ready in ');
    const kubeconfig = /export KUBECONFIG=(\S+)/.exec(stdout.text)![1]!;
    expect(existsSync(kubeconfig)).toBe(true);
    const version = (await (await fetch(`${url}/version`)).json()) as { minor: string };
    expect(version.minor).toBe('32');
    const pods = (await (await fetch(`${url}/api/v1/pods`)).json()) as { items: unknown[] };
    expect(pods.items).toHaveLength(30);
    signals.emit('SIGTERM');
    expect(await exit).toBe(0);
    expect(stdout.text).toContain('mini-apiserver: SIGTERM, stopped.');
    expect(existsSync(kubeconfig)).toBe(false);
    expect(stderr.text).toBe('');
    await expect(fetch(`${url}/version`)).rejects.toThrow();
    expect(signals.listenerCount('SIGINT') + signals.listenerCount('SIGTERM')).toBe(0);
  });

  it('bad flag → message on stderr, exit 2, nothing started', async () => {
    const stdout = sink();
    const stderr = sink();
    expect(await runCli(['--pods', 'many'], { env: {}, stdout, stderr, signals: new EventEmitter() })).toBe(2);
    expect(stderr.text).toBe(`mini-apiserver: invalid value for --pods: "many" (expected an integer from 0 to 10000000)\nRun 'mini-apiserver --help' for usage.\n`);
    expect(stdout.text).toBe('');
  });

  it('--help → usage on stdout, exit 0', async () => {
    const stdout = sink();
    expect(await runCli(['--help'], { env: {}, stdout, stderr: sink(), signals: new EventEmitter() })).toBe(0);
    expect(stdout.text).toBe(HELP);
  });

  it('a port in use → exit 1 with the listen error and how to choose another port', async () => {
    const signals = new EventEmitter();
    const first = sink();
    const running = runCli(['--port', '0', '--pods', '0', '--nodes', '0'], { env: {}, stdout: first, stderr: sink(), signals });
    await waitFor(() => first.text.includes('Ctrl-C'));
    const port = /127\.0\.0\.1:(\d+)/.exec(first.text)![1]!;
    const stderr = sink();
    expect(await runCli(['--port', port, '--pods', '0', '--nodes', '0'], { env: {}, stdout: sink(), stderr, signals: new EventEmitter() })).toBe(1);
    expect(stderr.text).toMatch(new RegExp(`^mini-apiserver: cannot start on 127\\.0\\.0\\.1:${port}: .*EADDRINUSE`));
    expect(stderr.text).toMatch(/\nChoose another port with --port N or MINI_APISERVER_PORT=N \(--port 0 picks a free one\)\.\n$/);
    signals.emit('SIGINT');
    expect(await running).toBe(0);
  });
});

// The built bin, as `npm start` and the npm bin symlink run it: real signals, real exit code.
const BIN = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

describe.skipIf(!existsSync(BIN))('dist/cli.js (built by tsc -b)', () => {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`a child process serving on port 0 exits 0 on ${signal}`, async () => {
      const child = spawn(process.execPath, [BIN, 'start', '--port', '0', '--pods', '20', '--nodes', '3'], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
      while (!out.includes('Ctrl-C')) await once(child.stdout, 'data');
      const url = /serving (http:\/\/127\.0\.0\.1:\d+)/.exec(out)![1]!;
      expect(((await (await fetch(`${url}/api/v1/nodes`)).json()) as { items: unknown[] }).items).toHaveLength(3);
      child.kill(signal);
      const [code] = await once(child, 'exit');
      expect(code).toBe(0);
      expect(out).toContain(`mini-apiserver: ${signal}, stopped.`);
    });
  }

  it('a bad flag exits 2', async () => {
    const child = spawn(process.execPath, [BIN, '--nodes', 'x'], { stdio: 'ignore' });
    const [code] = await once(child, 'exit');
    expect(code).toBe(2);
  });
});
