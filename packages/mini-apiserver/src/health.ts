/**
 * `/healthz`, `/livez` and `/readyz` as Kubernetes' healthz package serves
 * them: `ok` (text/plain) when every check passes; `?verbose` lists each
 * check as `[+]name ok`; a failure answers 500 with the list, the failing
 * check as `[-]name failed: reason withheld`; `?exclude=name` skips a
 * check; `/readyz/{name}` runs one check.
 */
import type { ServerResponse } from 'node:http';

/** One named check: returns `undefined` when healthy, else why not (logged, never sent: Kubernetes withholds reasons). */
export interface HealthCheck {
  readonly name: string;
  readonly check: () => string | undefined;
}

function write(response: ServerResponse, statusCode: number, body: string): void {
  response.writeHead(statusCode, {
    'Content-Type': 'text/plain; charset=utf-8',
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'no-cache, private',
    'Content-Length': Buffer.byteLength(body),
  });
  response.end(body);
}

/**
 * Answers a health endpoint. `endpoint` is `healthz`, `livez` or `readyz`;
 * `checkName` the path segment after it, if any (one check only).
 * @returns false when `checkName` names no check (the caller answers 404).
 */
export function serveHealth(response: ServerResponse, endpoint: string, checkName: string | undefined, checks: readonly HealthCheck[], query: URLSearchParams): boolean {
  if (checkName !== undefined) {
    const one = checks.find((candidate) => candidate.name === checkName);
    if (one === undefined) return false;
    const failure = one.check();
    if (failure === undefined) write(response, 200, 'ok');
    else write(response, 500, `internal server error: ${failure}\n`);
    return true;
  }
  const excluded = new Set(query.getAll('exclude'));
  const lines: string[] = [];
  let failed = false;
  for (const { name, check } of checks) {
    if (excluded.has(name)) {
      lines.push(`[+]${name} excluded: ok`);
      continue;
    }
    const failure = check();
    if (failure === undefined) lines.push(`[+]${name} ok`);
    else {
      failed = true;
      lines.push(`[-]${name} failed: reason withheld`);
    }
  }
  for (const name of excluded) if (!checks.some((check) => check.name === name)) lines.push(`warn: some health checks cannot be excluded: no matches for "${name}"`);
  if (failed) {
    write(response, 500, `${lines.join('\n')}\n${endpoint} check failed\n`);
    return true;
  }
  if (query.has('verbose')) write(response, 200, `${lines.join('\n')}\n${endpoint} check passed\n`);
  else write(response, 200, 'ok');
  return true;
}
