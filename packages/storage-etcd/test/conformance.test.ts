import { describeStorageConformance } from '@apiserver-kit/storage/conformance';
import { afterAll, beforeAll } from 'vitest';
import { EtcdStorage } from '../src/index.js';
import { type EtcdProcess, startEtcd } from '../src/testing.js';

// One member for the file; every test a fresh key prefix on it, so each starts from an empty
// key space. Another writer keeps writing under its own prefix meanwhile, as other stores on a
// shared etcd do: the revisions of each test then skip, and the suite must not care.
let etcd: EtcdProcess;
let noise: EtcdStorage | undefined;
let writing: Promise<void> | undefined;
let stopped = false;
let next = 0;

beforeAll(async () => {
  etcd = await startEtcd();
  const writer = new EtcdStorage({ endpoints: [...etcd.endpoints], prefix: '/noise' });
  noise = writer;
  await writer.create('/configmaps/ns/tick', { metadata: { name: 'tick', namespace: 'ns' }, data: { n: '0' } });
  writing = (async () => {
    for (let n = 1; !stopped; n++) {
      await writer.guaranteedUpdate('/configmaps/ns/tick', (o) => ({ ...o!, data: { n: String(n) } }));
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  })();
});

afterAll(async () => {
  stopped = true;
  await writing;
  noise?.close();
  await etcd?.stop();
});

describeStorageConformance('EtcdStorage', () => new EtcdStorage({ endpoints: [...etcd.endpoints], prefix: `/conformance-${next++}` }), {
  dispose: (storage) => (storage as EtcdStorage).close(),
  timeoutMs: 60_000,
});
