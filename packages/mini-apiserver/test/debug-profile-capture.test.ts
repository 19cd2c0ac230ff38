import { FakeClock, isStatusError } from '@apiserver-kit/core';
import { describe, expect, it } from 'vitest';
import { captureCpuProfile, MAX_PROFILE_SECONDS } from '../src/debug-profile.js';

interface CpuProfile {
  readonly nodes: readonly { readonly id: number; readonly callFrame: { readonly functionName: string } }[];
  readonly startTime: number;
  readonly endTime: number;
  readonly samples?: readonly number[];
  readonly timeDeltas?: readonly number[];
}

/** Lets the inspector's replies arrive until the capture has armed its timer on `clock`. */
async function untilArmed(clock: FakeClock): Promise<void> {
  while (clock.pendingTimers === 0) await new Promise((resolve) => setImmediate(resolve));
}

function busyWork(): number {
  let sum = 0;
  for (let i = 0; i < 200_000; i++) sum += Math.sqrt(i);
  return sum;
}

describe('captureCpuProfile() — a .cpuprofile like net/http/pprof Profile', () => {
  it('runs for `seconds` of the clock and returns a profile with nodes, startTime and endTime', async () => {
    const clock = new FakeClock();
    const capture = captureCpuProfile(2, { clock });
    await untilArmed(clock);
    expect(clock.nextTimerAt()).toBe(2000);
    busyWork();
    clock.advance(1999);
    expect(clock.pendingTimers).toBe(1);
    clock.advance(1);
    const profile = JSON.parse(await capture) as CpuProfile;
    expect(profile.nodes.length).toBeGreaterThan(0);
    expect(profile.nodes[0]?.callFrame.functionName).toBe('(root)');
    expect(profile.endTime).toBeGreaterThanOrEqual(profile.startTime);
    expect(Array.isArray(profile.samples)).toBe(true);
  });

  it('a second capture while one runs → Conflict 409 with retryAfterSeconds; free again afterwards', async () => {
    const clock = new FakeClock();
    const first = captureCpuProfile(10, { clock });
    await untilArmed(clock);
    clock.advance(3000);
    const second = await captureCpuProfile(1, { clock }).catch((error: unknown) => error);
    expect(isStatusError(second, 'Conflict') && [second.code, second.message, second.retryAfterSeconds]).toEqual([
      409,
      'a CPU profile is already being captured in this process; try again when it ends',
      7,
    ]);
    clock.advance(7000);
    await first;
    const third = captureCpuProfile(1, { clock });
    await untilArmed(clock);
    clock.advance(1000);
    expect(JSON.parse(await third)).toHaveProperty('nodes');
  });

  it('an abort stops early and still returns the profile so far; an abort before the call rejects with its reason', async () => {
    const clock = new FakeClock();
    const controller = new AbortController();
    const capture = captureCpuProfile(MAX_PROFILE_SECONDS, { clock, signal: controller.signal });
    await untilArmed(clock);
    controller.abort();
    expect(clock.pendingTimers).toBe(0);
    expect(JSON.parse(await capture)).toHaveProperty('endTime');
    const reason = new Error('client gone');
    await expect(captureCpuProfile(1, { clock, signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    // An AbortSignal alone is shorthand for { signal }.
    const shorthand = new AbortController();
    const quick = captureCpuProfile(5, shorthand.signal);
    await new Promise((resolve) => setImmediate(resolve));
    shorthand.abort();
    expect(JSON.parse(await quick)).toHaveProperty('nodes');
  });

  it.each([0, 301, 1.5, Number.NaN, '5'])('seconds %s → BadRequest 400', async (seconds) => {
    const error = await captureCpuProfile(seconds as number).catch((e: unknown) => e);
    expect(isStatusError(error, 'BadRequest') && [error.code, error.message]).toEqual([400, expect.stringMatching(/^invalid seconds .*: must be an integer from 1 to 300$/)]);
  });
});
