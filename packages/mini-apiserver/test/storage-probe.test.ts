/** StorageProbe: a `/readyz` check that reports the last background probe of the store. */
import { StatusError } from '@apiserver-kit/codec';
import { FakeClock } from '@apiserver-kit/core';
import { MemoryStorage } from '@apiserver-kit/storage';
import { describe, expect, it } from 'vitest';
import { StorageProbe } from '../src/storage-probe.js';

/** A MemoryStorage whose currentRevision() fails while `down` is set, counting the calls. */
function flakyStorage(): { storage: MemoryStorage; state: { down: boolean; calls: number } } {
  const state = { down: false, calls: 0 };
  const storage = new MemoryStorage();
  const original = storage.currentRevision.bind(storage);
  storage.currentRevision = async () => {
    state.calls++;
    if (state.down) throw new StatusError('ServiceUnavailable', 'etcd is unavailable (http://127.0.0.1:2379): connection refused');
    return original();
  };
  return { storage, state };
}

/** Lets the probe's promise settle (microtasks only: no time passes). */
const settle = async (): Promise<void> => {
  for (let i = 0; i < 5; i++) await Promise.resolve();
};

describe('StorageProbe', () => {
  it('check() is healthy before any probe, then reports the last answer; refresh() never rejects', async () => {
    const { storage, state } = flakyStorage();
    const probe = new StorageProbe(storage, { name: 'etcd' });
    expect(probe.check.name).toBe('etcd');
    expect(probe.check.check()).toBeUndefined();
    state.down = true;
    await expect(probe.refresh()).resolves.toBeUndefined();
    expect(probe.isHealthy).toBe(false);
    expect(probe.check.check()).toBe('etcd is unavailable (http://127.0.0.1:2379): connection refused');
    state.down = false;
    await probe.refresh();
    expect(probe.check.check()).toBeUndefined();
  });

  it('start() probes every intervalMs on the clock until stop()', async () => {
    const clock = new FakeClock();
    const { storage, state } = flakyStorage();
    const probe = new StorageProbe(storage, { clock, intervalMs: 1000 });
    probe.start();
    probe.start();
    clock.advance(999);
    expect(state.calls).toBe(0);
    state.down = true;
    clock.advance(1);
    await settle();
    expect(state.calls).toBe(1);
    expect(probe.isHealthy).toBe(false);
    state.down = false;
    clock.advance(1000);
    await settle();
    expect(state.calls).toBe(2);
    expect(probe.isHealthy).toBe(true);
    probe.stop();
    clock.advance(10_000);
    await settle();
    expect(state.calls).toBe(2);
    expect(clock.nextTimerAt()).toBeUndefined();
  });

  it('bad options → TypeError/RangeError naming the option', () => {
    const storage = new MemoryStorage();
    expect(() => new StorageProbe(storage, { intervalMs: 0 })).toThrow(RangeError);
    expect(() => new StorageProbe(storage, { intervalMs: 0 })).toThrow(/`intervalMs`/);
    expect(() => new StorageProbe(storage, 'x' as never)).toThrow(TypeError);
  });
});
