/**
 * `/debug/profile?seconds=N`: a V8 CPU profile of the whole process, the
 * Node.js counterpart of Go's `net/http/pprof` `Profile` handler that
 * large-cluster operators use on kube-apiserver. The answer is a
 * `.cpuprofile` document (JSON with `nodes`, `startTime`, `endTime`,
 * `samples`, `timeDeltas`), which Chrome DevTools (Performance panel) and
 * VS Code open as is.
 *
 * ```
 *   captureCpuProfile(N) ─ busy? → Conflict 409
 *        │ inspector Session: Profiler.enable, Profiler.start
 *        ▼
 *   wait N s on the clock ──── or the signal aborts (client gone, server closing): stop early
 *        │ Profiler.stop → profile; Profiler.disable; disconnect
 *        ▼
 *   JSON text
 * ```
 */
import { Session } from 'node:inspector/promises';
import { badRequest, type Clock, received, StatusError, systemClock, type Timer } from '@apiserver-kit/core';

/** The shortest profile, in seconds. */
export const MIN_PROFILE_SECONDS = 1;
/** The longest profile, in seconds (5 minutes: long enough for a slow relist storm, short enough not to be forgotten). */
export const MAX_PROFILE_SECONDS = 300;

/** Options of {@link captureCpuProfile}. */
export interface CaptureCpuProfileOptions {
  /** Stops the profile early (the profile so far is returned); already aborted: rejects with its reason, nothing captured. */
  readonly signal?: AbortSignal | undefined;
  /** Time for the profile's length; @default systemClock */
  readonly clock?: Clock | undefined;
}

/**
 * The V8 profiler is one per process, and profiling costs the whole process
 * CPU: one capture at a time, across every server the process hosts. Holds
 * when the running capture is due to end (clock time, ms).
 */
let running: { readonly clock: Clock; readonly endsAt: number } | undefined;

/**
 * Captures a V8 CPU profile of the process for `seconds` and returns it as
 * `.cpuprofile` JSON. The profile covers every thread of JavaScript the main
 * isolate runs (not worker threads). Costs: sampling overhead (V8's default
 * interval, about 1 ms) for the duration, and the profile's size in memory
 * when it ends (tens of kilobytes to a few megabytes).
 *
 * One at a time per process: a second call while one runs is refused with
 * Conflict 409 (not 429: it is not a matter of rate — the one profiler is in
 * use — and a client that retries 429s automatically should not queue
 * behind it), with `retryAfterSeconds` until the running one ends.
 *
 * A host serving this must not cut it short with a request timeout, and
 * should pass the request's abort signal: an aborted capture stops at once
 * and resolves with what it sampled.
 *
 * `options` may be an AbortSignal alone, shorthand for `{ signal }`.
 *
 * @throws StatusError BadRequest 400 unless `seconds` is an integer in
 *   1..300; Conflict 409 while another capture runs; InternalError 500 when
 *   the inspector fails (e.g. unavailable in this runtime). Rejects with the
 *   signal's reason when it was aborted before the call.
 */
export async function captureCpuProfile(seconds: number, options: CaptureCpuProfileOptions | AbortSignal = {}): Promise<string> {
  if (typeof seconds !== 'number' || !Number.isInteger(seconds) || seconds < MIN_PROFILE_SECONDS || seconds > MAX_PROFILE_SECONDS) {
    throw badRequest(`invalid seconds ${received(seconds)}: must be an integer from ${MIN_PROFILE_SECONDS} to ${MAX_PROFILE_SECONDS}`);
  }
  if (typeof options !== 'object' || options === null) throw new TypeError(`Expected \`options\` to be an object or an AbortSignal, got ${received(options)}`);
  // An AbortSignal alone is shorthand for `{ signal }`.
  const { clock = systemClock, signal } = options instanceof AbortSignal ? { signal: options } : options;
  signal?.throwIfAborted();
  if (running !== undefined) {
    const left = Math.max(1, Math.ceil((running.endsAt - running.clock.now()) / 1000));
    throw new StatusError('Conflict', 'a CPU profile is already being captured in this process; try again when it ends', { details: { retryAfterSeconds: left } });
  }
  const mine = { clock, endsAt: clock.now() + seconds * 1000 };
  running = mine;
  const session = new Session();
  try {
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.start');
    await waitFor(clock, seconds * 1000, signal);
    const { profile } = await session.post('Profiler.stop');
    return JSON.stringify(profile);
  } catch (error) {
    throw new StatusError('InternalError', `Internal error occurred: the CPU profile failed: ${error instanceof Error ? error.message : String(error)}`, {
      details: { causes: [{ message: error instanceof Error ? error.message : String(error) }] },
      cause: error,
    });
  } finally {
    try {
      await session.post('Profiler.disable');
    } catch {
      // Already disabled or disconnected: nothing left to release.
    }
    session.disconnect();
    if (running === mine) running = undefined;
  }
}

/** Resolves after `delayMs` on `clock`, or as soon as `signal` aborts (never rejects: an abort only shortens the profile). */
function waitFor(clock: Clock, delayMs: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise<void>((resolve) => {
    if (signal?.aborted === true) {
      resolve();
      return;
    }
    let timer: Timer | undefined;
    const done = (): void => {
      timer?.cancel();
      signal?.removeEventListener('abort', done);
      resolve();
    };
    timer = clock.setTimer(done, delayMs);
    signal?.addEventListener('abort', done, { once: true });
  });
}
