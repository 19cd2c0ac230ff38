import { describe, expect, it } from 'vitest';
import { runNode } from './helpers.js';

describe('WatchCache on the real clock', () => {
  it('a ready cache that nobody closes does not keep the process alive (its housekeeping timers are background ones)', { timeout: 45_000 }, async () => {
    const dist = new URL('../dist/index.js', import.meta.url).href;
    const result = await runNode(`
      import { WatchCache } from ${JSON.stringify(dist)};
      const cache = new WatchCache({ resource: 'pods', bookmarkIntervalMs: 1000 });
      cache.replace([{ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'a', namespace: 'n', resourceVersion: '1' } }], 1);
      const page = await cache.list({ limit: 1 });
      console.log('listed', page.items.length, cache.isReady);
    `);
    // Were the capacity check or the bookmark tick ref'd timers, the child would run until killed (30 s).
    expect(result).toMatchObject({ code: 0, stdout: 'listed 1 true\n' });
  });
});
