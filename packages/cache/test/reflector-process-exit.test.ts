import { describe, expect, it } from 'vitest';
import { runNode } from './helpers.js';

describe('Reflector on the real clock', () => {
  it('a Reflector nobody stops does not keep the process alive (progress timer and backoff sleep are background timers)', { timeout: 45_000 }, async () => {
    const cache = new URL('../dist/index.js', import.meta.url).href;
    const storage = new URL('../../storage/dist/index.js', import.meta.url).href;
    const result = await runNode(`
      import { Reflector, storageListerWatcher, WatchCache } from ${JSON.stringify(cache)};
      import { MemoryStorage } from ${JSON.stringify(storage)};
      const store = new MemoryStorage();
      await store.create('/pods/n/a', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'a', namespace: 'n' } });
      // Watching, with a progress request due every 200 ms.
      const watching = new WatchCache({ resource: 'pods' });
      new Reflector(storageListerWatcher(store, '/pods/'), watching, { progressIntervalMs: 200 }).start();
      await watching.onReady();
      // Backing off after a failed list.
      const failing = new WatchCache({ resource: 'pods' });
      let failed = false;
      const broken = { list: async () => { failed = true; throw new Error('down'); }, watch: () => { throw new Error('unused'); } };
      new Reflector(broken, failing, { backoff: { durationMs: 20_000, jitter: 0 } }).start();
      await new Promise((resolve) => setImmediate(resolve));
      watching.close();
      failing.close();
      console.log('started', watching.size, failed);
    `);
    // Were either timer ref'd, the child would run until killed (30 s).
    expect(result).toMatchObject({ code: 0, stdout: 'started 1 true\n' });
  });
});
