/**
 * What the processes of the loopback HTTP watch benchmark tell each other:
 *
 * ```
 *   suite ──execFile──▶ server child (watch-http-server.js <mode>)   prints one ServerResult line
 *                          │ fork (IPC)
 *                          ▼
 *                       client child (watch-http-client.js)          N watch connections to 127.0.0.1
 *
 *   server ──start{port, path, connections, updates}──▶ client
 *   server ◀──────────────connected────────────────── client   every response's headers seen: watches open
 *   server: updates at the rate, each stamped with its write time
 *   server ◀──────────────report{ClientReport}──────── client   every connection got every update
 *   server ──────────────────report────────────────▶ client   (or: the grace period ran out; report what you have)
 * ```
 *
 * Delivery latency is measured across the two processes on one clock:
 * `process.hrtime.bigint()`, which libuv reads from `CLOCK_MONOTONIC` on
 * Linux (`mach_absolute_time` on macOS) — one system-wide clock, the same in
 * every process of the machine and never stepped by NTP, so a receive time in
 * the client minus a write time in the server is a true interval.
 */

/** `ours`: Cacher + writeWatchResponse; `naive`: one storage watch, every connection `JSON.stringify`s every event itself. */
export type WatchHttpMode = 'ours' | 'naive';

export const WATCH_HTTP_MODES: readonly WatchHttpMode[] = ['ours', 'naive'];

/** Annotation carrying the update's sequence number, 1…updates: each client checks it receives 1, 2, 3, … with no gap. */
export const SEQ_ANNOTATION = 'bench.apiserver-kit.io/seq';
/** Annotation carrying the write time, `process.hrtime.bigint()` in nanoseconds, taken in the server just before the write. */
export const WRITTEN_AT_ANNOTATION = 'bench.apiserver-kit.io/written-at-ns';

/** The load of one run. */
export interface WatchHttpLoad {
  readonly connections: number;
  /** Updates per second. */
  readonly rate: number;
  /** Seconds of updates. */
  readonly seconds: number;
}

/** Server → client: connect. */
export interface StartMessage {
  readonly type: 'start';
  readonly port: number;
  readonly path: string;
  readonly connections: number;
  /** Updates each connection must receive. */
  readonly updates: number;
}

/** Client → server. */
export type ClientMessage = { readonly type: 'connected' } | { readonly type: 'report'; readonly report: ClientReport };

/** What the client measured. */
export interface ClientReport {
  readonly connections: number;
  /** Updates each connection was to receive. */
  readonly updates: number;
  /** Events received in order, all connections together. */
  readonly delivered: number;
  /** Connections that received every update, in order, and nothing else. */
  readonly complete: number;
  /** The first few faults (gap, reordering, a malformed line, a connection lost). */
  readonly errors: readonly string[];
  /** Events parsed in full with `JSON.parse` and checked field by field (the others are scanned for their annotations). */
  readonly parsedFully: number;
  /** Delivery latency, milliseconds, over every delivered event. */
  readonly latencyMs: { readonly min: number; readonly p50: number; readonly p99: number; readonly max: number };
  /** The client process' CPU (user + system) while the updates were delivered, milliseconds. */
  readonly cpuMs: number;
}

/** CPU spent in one window of the update phase. */
export interface CpuWindow {
  readonly cpuMs: number;
  readonly updates: number;
}

/** What the server child prints, one JSON line. */
export interface ServerResult {
  readonly mode: WatchHttpMode;
  readonly load: WatchHttpLoad;
  /** Updates applied. */
  readonly updates: number;
  /** First update → last update, milliseconds (the achieved rate is updates ÷ this). */
  readonly updateSpanMs: number;
  /** First update → the client's report, milliseconds: the window CPU is charged over. */
  readonly phaseMs: number;
  /** Server CPU over the phase, user and system, milliseconds. */
  readonly cpuUserMs: number;
  readonly cpuSystemMs: number;
  /** Server CPU per window of the update phase (full windows only). */
  readonly windows: readonly CpuWindow[];
  /** RSS after setup (pods stored, cache ready, listening), before any connection, bytes. */
  readonly baselineRss: number;
  /** Highest RSS from the baseline to the end of the phase, bytes (connections included). */
  readonly peakRss: number;
  readonly client: ClientReport;
}
