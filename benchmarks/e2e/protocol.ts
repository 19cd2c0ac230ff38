/**
 * What the suite process and a host child tell each other (IPC):
 *
 * ```
 *   suite ──fork──▶ host child (host-child.js <ours|naive> <pods> <nodes>)   one host, seeded, on 127.0.0.1:0
 *   suite ◀──ready{url, port, seedMs, rss}── host child
 *   suite ──request{id, op}──▶ host child ──reply{id, value | error}──▶ suite
 *          op: cpu | gc | maxrss | watch{connections, rate, seconds} | stop
 *   watch: the host child forks cache/watch-http-client.js (N watch connections),
 *          updates pods at the rate, and replies with the client's report and its own CPU
 * ```
 *
 * The suite process is the LIST client (lists, relist storm): the host's CPU
 * and memory are the child's alone.
 */
import type { ClientReport } from '../cache/watch-http-protocol.js';

/** CPU time, microseconds (as `process.cpuUsage()`). */
export interface CpuTime {
  readonly user: number;
  readonly system: number;
}

/** The load of a watch phase. */
export interface WatchLoad {
  readonly connections: number;
  /** Pod updates per second. */
  readonly rate: number;
  /** Seconds of updates. */
  readonly seconds: number;
}

/** Suite → host child. */
export type HostRequest =
  | { readonly id: number; readonly op: 'cpu' }
  | { readonly id: number; readonly op: 'gc' }
  | { readonly id: number; readonly op: 'maxrss' }
  | { readonly id: number; readonly op: 'stop' }
  | { readonly id: number; readonly op: 'watch'; readonly load: WatchLoad };

/** Host child → suite. */
export type HostMessage =
  | { readonly type: 'ready'; readonly url: string; readonly port: number; readonly seedMs: number; readonly rss: number }
  | { readonly type: 'reply'; readonly id: number; readonly value: unknown }
  | { readonly type: 'reply'; readonly id: number; readonly error: string };

/** What a watch phase reports. */
export interface WatchPhaseResult {
  readonly load: WatchLoad;
  /** Updates applied. */
  readonly updates: number;
  /** First update → last update, ms. */
  readonly updateSpanMs: number;
  /** First update → every event delivered (the client's report), ms: the window the CPU is counted over. */
  readonly phaseMs: number;
  /** The host process' CPU over the phase (user + system), ms. */
  readonly cpuMs: number;
  /** RSS with every watch open, before the first update, bytes. */
  readonly connectedRss: number;
  readonly client: ClientReport;
}
