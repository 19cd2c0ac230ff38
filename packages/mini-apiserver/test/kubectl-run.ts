/**
 * Helpers of the kubectl tests: the machine's kubectl run against a test
 * server with its own kubeconfig, cache directory and HOME (nothing under
 * ~/.kube is read or written), and kubectl's printed tables read by column.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** What one kubectl run printed. */
export interface KubectlResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** A kubectl bound to one server: a temporary directory holds its kubeconfig, cache and HOME. */
export interface Kubectl {
  readonly dir: string;
  /** Runs `kubectl args…` (killed after `timeoutMs`); resolves whatever its exit code. */
  run(args: readonly string[], timeoutMs?: number): Promise<KubectlResult>;
  /** Starts a long-running kubectl (`get -w`); the caller kills it. */
  spawn(args: readonly string[]): ChildProcess;
  /** The client's minor version (`kubectl version --client`); a dispatcher reports the version it runs for this server's. */
  clientMinor(): Promise<number>;
  /** Writes a file in the temporary directory; resolves its path. */
  file(name: string, text: string): Promise<string>;
  /** Removes the temporary directory. */
  dispose(): Promise<void>;
}

/** A kubectl for the server whose kubeconfig YAML is `kubeconfig`. */
export async function kubectlFor(kubeconfig: string): Promise<Kubectl> {
  const dir = await mkdtemp(join(tmpdir(), 'mini-apiserver-kubectl-'));
  const config = join(dir, 'kubeconfig');
  await writeFile(config, kubeconfig);
  const env = { ...process.env, KUBECONFIG: config, HOME: dir, KUBECTL_KUBERC: 'false' };
  const global = ['--cache-dir', join(dir, 'cache')];
  const run = (args: readonly string[], timeoutMs = 20_000): Promise<KubectlResult> =>
    new Promise((resolve) => {
      execFile('kubectl', [...global, ...args], { env, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
        resolve({ code, stdout, stderr: error !== null && error.killed ? `${stderr}\n(killed after ${timeoutMs} ms)` : stderr });
      });
    });
  return {
    dir,
    run,
    clientMinor: async () => {
      const result = await run(['version', '--client', '-o', 'json']);
      const minor = Number.parseInt(String(JSON.parse(result.stdout).clientVersion?.minor ?? ''), 10);
      if (!Number.isInteger(minor)) throw new Error(`kubectl version --client printed no minor version: ${result.stdout}${result.stderr}`);
      return minor;
    },
    spawn: (args) => spawn('kubectl', [...global, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] }),
    file: async (name, text) => {
      const path = join(dir, name);
      await writeFile(path, text);
      return path;
    },
    dispose: () => rm(dir, { recursive: true, force: true }),
  };
}

/**
 * The rows of a table kubectl printed (tabwriter-aligned columns under an
 * upper-case header): each row as `{ COLUMN: value }`, cut at the header's
 * column starts, so values with spaces (`3 (2m ago)`) stay whole.
 */
export function readTable(text: string): Array<Record<string, string>> {
  const lines = text.split('\n').filter((line) => line.trim() !== '');
  const header = lines[0];
  if (header === undefined) return [];
  const starts: Array<{ name: string; at: number }> = [];
  for (const match of header.matchAll(/\S+(?: \S+)*/g)) starts.push({ name: match[0], at: match.index });
  return lines.slice(1).map((line) => {
    const row: Record<string, string> = {};
    starts.forEach(({ name, at }, index) => {
      const end = starts[index + 1]?.at ?? line.length;
      row[name] = line.slice(at, end).trim();
    });
    return row;
  });
}

/** One request kubectl logged at `-v=6`. */
export interface LoggedRequest {
  readonly verb: string;
  readonly url: string;
  readonly status: string;
}

/**
 * The requests kubectl logged at `-v=6`, in both of its formats:
 * `GET http://… 200 OK in 2 milliseconds` (up to 1.32) and
 * `"Response" verb="GET" url="http://…" status="200 OK"` (1.33 on).
 */
export function loggedRequests(stderr: string): LoggedRequest[] {
  const requests: LoggedRequest[] = [];
  for (const line of stderr.split('\n')) {
    const structured = /"Response" verb="([A-Z]+)" url="([^"]+)" status="([^"]+)"/.exec(line);
    const plain = /\] ([A-Z]+) (https?:\/\/\S+) (\d{3}(?: [A-Za-z ]+?)?) in \d+ milliseconds/.exec(line);
    const match = structured ?? plain;
    if (match !== null) requests.push({ verb: match[1]!, url: match[2]!, status: match[3]! });
  }
  return requests;
}
