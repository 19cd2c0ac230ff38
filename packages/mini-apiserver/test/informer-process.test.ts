/**
 * An informer is the work a controller process exists for: while its server
 * is unreachable, the process stays alive and retries with the Reflector's
 * backoff (client-go's reflector `ListAndWatch` loop, wrapped in
 * `wait.BackoffUntil`), then syncs once the server is up — it does not exit
 * with an unsettled await because nothing but a background timer was left.
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterEach, expect, it } from 'vitest';
import { type ApiServer, startApiServer } from '../src/server.js';

let server: ApiServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** A port nothing listens on (taken from the kernel, then released). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

it('a process whose only work is an informer stays alive while the server is down, then syncs and exits by itself once stopped', async () => {
  const port = await freePort();
  const child = spawn(process.execPath, [fileURLToPath(new URL('./fixtures/informer-until-synced.mjs', import.meta.url)), `http://127.0.0.1:${port}`], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const lines: string[] = [];
  const waiters: Array<() => void> = [];
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk;
    lines.push(...chunk.split('\n').filter((line) => line !== ''));
    for (const wake of waiters.splice(0)) wake();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const nextLine = (predicate: (line: string) => boolean): Promise<void> =>
    new Promise((resolve) => {
      const check = (): void => {
        if (lines.some(predicate)) resolve();
        else waiters.push(check);
      };
      check();
    });

  // Nothing listens yet: the informer's lists fail (503, connection refused) and it backs off — twice, alive between.
  const died = exited.then((code) => {
    throw new Error(`the controller exited (${code}) while its server was down: ${output}`);
  });
  await Promise.race([nextLine(() => lines.filter((line) => line.startsWith('error ServiceUnavailable 503')).length >= 2), died]);

  server = await startApiServer({ port, seed: { namespaces: 2, nodes: 2, pods: 30, configmaps: 0 } });
  expect(await exited).toBe(0);
  expect(lines.at(-1)).toBe('synced 30');
});
