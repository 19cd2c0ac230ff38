/**
 * Client child of the cache/watch-http suite, forked by the server child:
 * opens N watch connections to 127.0.0.1 (real HTTP, one socket each), reads
 * each newline-delimited JSON watch stream, and records per event the
 * delivery latency — receive time minus the write time the server put in the
 * pod's annotation, both from `process.hrtime.bigint()` (see
 * watch-http-protocol.ts for why that clock is shared).
 *
 * Each line is checked cheaply, so that the client keeps up with 100 000
 * events/s: it must start with `{"type":"MODIFIED","object":`, end with `}`, and
 * carry the sequence annotation with the next number expected on that
 * connection (1, 2, 3, …: every update, in order, no gap, no duplicate). The
 * first event of each connection, and one in 100 after it, is also parsed in
 * full with `JSON.parse` and checked field by field. Reports over IPC when
 * every connection has every update, or when the server asks (its grace
 * period ran out).
 */
import { Agent, request } from 'node:http';
import type { IncomingMessage } from 'node:http';
import type { ClientMessage, ClientReport, StartMessage } from './watch-http-protocol.js';
import { SEQ_ANNOTATION, WRITTEN_AT_ANNOTATION } from './watch-http-protocol.js';

const PREFIX = Buffer.from('{"type":"MODIFIED","object":');
const SEQ_MARKER = Buffer.from(`"${SEQ_ANNOTATION}":"`);
const AT_MARKER = Buffer.from(`"${WRITTEN_AT_ANNOTATION}":"`);
const NEWLINE = 10;
const QUOTE = 34;
const CLOSE_BRACE = 125;
/** Connections being opened at once. */
const OPENING = 64;
/** One event in this many per connection is parsed in full (and the first). */
const FULL_PARSE_EVERY = 100;
const MAX_ERRORS = 10;

interface Connection {
  readonly index: number;
  /** The sequence number expected next. */
  next: number;
  /** The start of a line whose end has not arrived yet. */
  pending: Buffer | undefined;
  response: IncomingMessage | undefined;
  failed: boolean;
}

/** The decimal digits at `from` up to a closing quote, or -1 when not a well-formed number. */
function digitsAt(line: Buffer, from: number): number {
  let value = 0;
  let i = from;
  for (; i < line.length; i++) {
    const c = line[i]!;
    if (c === QUOTE) break;
    if (c < 48 || c > 57) return -1;
    value = value * 10 + (c - 48);
  }
  return i === from || i === line.length ? -1 : value;
}

function run(start: StartMessage): void {
  const { connections: count, updates } = start;
  const latencies = new Float64Array(count * updates);
  let delivered = 0;
  let complete = 0;
  let settled = 0;
  let parsedFully = 0;
  let reported = false;
  let cpu0: NodeJS.CpuUsage | undefined;
  const errors: string[] = [];
  const agent = new Agent({ keepAlive: false, maxSockets: Number.POSITIVE_INFINITY });
  const connections: Connection[] = [];

  const fail = (conn: Connection, message: string): void => {
    if (errors.length < MAX_ERRORS) errors.push(`connection ${conn.index}: ${message}`);
    if (!conn.failed) {
      conn.failed = true;
      conn.response?.destroy();
    }
  };

  const line = (conn: Connection, bytes: Buffer, nowNs: number): void => {
    if (bytes.length < PREFIX.length || bytes.compare(PREFIX, 0, PREFIX.length, 0, PREFIX.length) !== 0 || bytes[bytes.length - 1] !== CLOSE_BRACE) {
      fail(conn, `event ${conn.next}: not a MODIFIED event: ${bytes.subarray(0, 60).toString()}…`);
      return;
    }
    const seqAt = bytes.indexOf(SEQ_MARKER, PREFIX.length);
    const seq = seqAt < 0 ? -1 : digitsAt(bytes, seqAt + SEQ_MARKER.length);
    if (seq !== conn.next) {
      fail(conn, seq < 0 ? `event ${conn.next}: no sequence annotation` : `expected update ${conn.next}, got ${seq}`);
      return;
    }
    const atAt = bytes.indexOf(AT_MARKER, PREFIX.length);
    const writtenAt = atAt < 0 ? -1 : digitsAt(bytes, atAt + AT_MARKER.length);
    if (writtenAt < 0) {
      fail(conn, `update ${seq}: no write-time annotation`);
      return;
    }
    const latencyMs = (nowNs - writtenAt) / 1e6;
    if (latencyMs < 0) {
      fail(conn, `update ${seq}: received before it was written (${latencyMs} ms): the clocks are not shared`);
      return;
    }
    if (seq === 1 || (seq + conn.index) % FULL_PARSE_EVERY === 0) {
      const event = JSON.parse(bytes.toString('utf8')) as { type?: unknown; object?: { kind?: unknown; metadata?: { resourceVersion?: unknown; annotations?: Record<string, unknown> } } };
      const annotations = event.object?.metadata?.annotations;
      if (
        event.type !== 'MODIFIED' ||
        event.object?.kind !== 'Pod' ||
        typeof event.object.metadata?.resourceVersion !== 'string' ||
        annotations?.[SEQ_ANNOTATION] !== String(seq) ||
        annotations[WRITTEN_AT_ANNOTATION] !== String(writtenAt)
      ) {
        fail(conn, `update ${seq}: the parsed event does not match its scan`);
        return;
      }
      parsedFully++;
    }
    latencies[delivered++] = latencyMs;
    conn.next++;
    if (conn.next > updates) {
      complete++;
      if (complete === count) report();
    }
  };

  const data = (conn: Connection, chunk: Buffer): void => {
    if (conn.failed) return;
    const nowNs = Number(process.hrtime.bigint());
    const bytes = conn.pending === undefined ? chunk : Buffer.concat([conn.pending, chunk]);
    conn.pending = undefined;
    let from = 0;
    for (let nl = bytes.indexOf(NEWLINE, from); nl >= 0 && !conn.failed; nl = bytes.indexOf(NEWLINE, from)) {
      if (conn.next > updates) {
        fail(conn, 'an event after the last update');
        return;
      }
      line(conn, bytes.subarray(from, nl), nowNs);
      from = nl + 1;
    }
    if (from < bytes.length) conn.pending = Buffer.from(bytes.subarray(from));
  };

  const opened = (): void => {
    settled++;
    if (settled === count) {
      cpu0 = process.cpuUsage();
      const message: ClientMessage = { type: 'connected' };
      process.send!(message);
    }
  };

  let nextIndex = 0;
  const openNext = (): void => {
    if (nextIndex >= count) return;
    const conn: Connection = { index: nextIndex++, next: 1, pending: undefined, response: undefined, failed: false };
    connections.push(conn);
    const req = request({ host: '127.0.0.1', port: start.port, path: start.path, agent }, (res) => {
      conn.response = res;
      if (res.statusCode !== 200) fail(conn, `status ${String(res.statusCode)}`);
      res.on('data', (chunk: Buffer) => data(conn, chunk));
      res.on('error', () => undefined);
      res.on('close', () => {
        if (!reported && conn.next <= updates) fail(conn, `the stream ended after ${conn.next - 1} of ${updates} updates`);
      });
      opened();
      openNext();
    });
    req.on('error', (error) => {
      fail(conn, error.message);
      if (conn.response === undefined) {
        opened();
        openNext();
      }
    });
    req.end();
  };
  for (let i = 0; i < Math.min(OPENING, count); i++) openNext();

  function report(): void {
    if (reported) return;
    reported = true;
    const cpu = process.cpuUsage(cpu0);
    const sorted = latencies.subarray(0, delivered).sort();
    const at = (q: number): number => (delivered === 0 ? Number.NaN : sorted[Math.min(delivered - 1, Math.ceil(q * delivered) - 1)]!);
    const result: ClientReport = {
      connections: count,
      updates,
      delivered,
      complete,
      errors,
      parsedFully,
      latencyMs: { min: delivered === 0 ? Number.NaN : sorted[0]!, p50: at(0.5), p99: at(0.99), max: delivered === 0 ? Number.NaN : sorted[delivered - 1]! },
      cpuMs: cpu0 === undefined ? Number.NaN : (cpu.user + cpu.system) / 1000,
    };
    const message: ClientMessage = { type: 'report', report: result };
    process.send!(message, () => {
      for (const conn of connections) conn.response?.destroy();
      agent.destroy();
      process.disconnect();
    });
  }

  process.on('message', (message: { type?: unknown }) => {
    if (message.type === 'report') report();
  });
}

if (process.send === undefined) throw new Error('watch-http-client runs as a forked child of watch-http-server');
process.once('message', (message: StartMessage) => run(message));
// The server going away ends the client: nothing else keeps it.
process.on('disconnect', () => process.exit(0));
