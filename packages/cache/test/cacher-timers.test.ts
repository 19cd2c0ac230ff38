import { execFile } from 'node:child_process';
import { type Clock, FakeClock, type Timer, type TimerOptions } from '@apiserver-kit/storage';
import { describe, expect, it } from 'vitest';
import { Cacher } from '../src/index.js';
import { pod } from './helpers.js';

const MAX_DELAY = 2 ** 31 - 1;

/** A FakeClock that records each timer's delay and options. */
class RecordingClock implements Clock {
  readonly inner = new FakeClock();
  readonly delays: number[] = [];
  readonly options: (TimerOptions | undefined)[] = [];
  now(): number {
    return this.inner.now();
  }
  setTimer(callback: () => void, delayMs: number, options?: TimerOptions): Timer {
    this.delays.push(delayMs);
    this.options.push(options);
    return this.inner.setTimer(callback, delayMs, options);
  }
}

describe('Cacher — timers', () => {
  // Kubernetes reads timeoutSeconds as an int64 of seconds; Node's setTimeout runs a delay above 2^31 − 1 ms after 1 ms.
  it('.watch({ timeoutSeconds: 2 147 484 }) — not ended at once: no timer gets a delay above 2^31 − 1 ms; it ends at its deadline', async () => {
    const clock = new RecordingClock();
    const cacher = new Cacher({ resource: 'pods', clock, bookmarkIntervalMs: 60_000 });
    cacher.cache.replace([pod({ ns: 'ns', name: 'a', rv: 1 })], 1);
    const timeoutSeconds = 2_147_484;
    const watcher = await cacher.watch({ resourceVersion: '1', timeoutSeconds, allowWatchBookmarks: true });
    const huge = await cacher.watch({ resourceVersion: '1', timeoutSeconds: Number.MAX_SAFE_INTEGER });
    clock.inner.advance(1);
    expect(watcher.isStopped).toBe(false);
    clock.inner.advance(MAX_DELAY);
    expect(watcher.isStopped).toBe(false);
    clock.inner.advance(timeoutSeconds * 1000 - MAX_DELAY - 2);
    expect(watcher.isStopped).toBe(false);
    clock.inner.advance(1);
    expect(watcher.isStopped).toBe(true);
    expect(huge.isStopped).toBe(false);
    expect(clock.delays.reduce((a, b) => Math.max(a, b), 0)).toBe(MAX_DELAY);
    expect(cacher.metrics.watchersTerminated.get('timeout')).toBe(1);
    await cacher.stop();
  });

  it('.watch({ timeoutSeconds }) — negative, fractional or non-finite → BadRequest 400 before the stream', async () => {
    const cacher = new Cacher({ resource: 'pods', clock: new FakeClock() });
    cacher.cache.replace([], 1);
    for (const value of [-1, 1.5, Infinity, Number.NaN]) {
      await expect(cacher.watch({ timeoutSeconds: value })).rejects.toMatchObject({ reason: 'BadRequest', code: 400 });
    }
    await cacher.stop();
  });

  it('per-watcher deadline and bookmark timers and the dispatcher wait are background timers', async () => {
    const clock = new RecordingClock();
    const cacher = new Cacher({ resource: 'pods', clock, queueSizes: { unfiltered: 1 }, bookmarkIntervalMs: 1000 });
    cacher.cache.replace([], 1);
    const first = clock.options.length;
    await cacher.watch({ resourceVersion: '1', timeoutSeconds: 60, allowWatchBookmarks: true });
    for (let rv = 2; rv <= 3; rv++) cacher.cache.apply({ type: 'ADDED', object: pod({ ns: 'ns', name: `p${rv}`, rv }), revision: rv });
    expect(cacher.stats.isDispatcherWaiting).toBe(true);
    const set = clock.options.slice(first);
    expect(set.length).toBe(3);
    expect(set.every((o) => o?.background === true)).toBe(true);
    await cacher.stop();
  });

  it('a process that forgot stop() and its watchers exits (child process, real clock)', { timeout: 45_000 }, async () => {
    const dist = new URL('../dist/index.js', import.meta.url).href;
    const script = `
      import { Cacher } from ${JSON.stringify(dist)};
      const cacher = new Cacher({ resource: 'pods', bookmarkIntervalMs: 1000 });
      cacher.cache.replace([{ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'a', namespace: 'n', resourceVersion: '1' } }], 1);
      const watcher = await cacher.watch({ resourceVersion: '1', timeoutSeconds: 3600, allowWatchBookmarks: true });
      console.log('watching', watcher.isStopped);
    `;
    const result = await new Promise<{ code: number | null; stdout: string }>((resolve) => {
      const child = execFile(process.execPath, ['--input-type=module', '-e', script], { timeout: 30_000 }, (error, stdout) => {
        resolve({ code: error === null ? 0 : (child.exitCode ?? null), stdout });
      });
    });
    // Were the deadline or the bookmark timer ref'd, the child would run until killed (30 s).
    expect(result).toEqual({ code: 0, stdout: 'watching false\n' });
  });
});
