// Throwaway etcd members for tests and scripts: ensures etcd is installed, then
// starts members with @apiserver-kit/storage-etcd/testing (build first: tsc -b).
//
//   import { startEtcd } from '../../scripts/etcd-member.mjs';
//   const etcd = await startEtcd({ members: 3 }); // { endpoints, stop(), stopMember(i), startMember(i) }
import { ensureEtcd } from './ensure-etcd.mjs';

const testing = new URL('../packages/storage-etcd/dist/testing.js', import.meta.url);

/** Ensures etcd is installed, then starts a throwaway member (or 3); see packages/storage-etcd/src/testing.ts. */
export async function startEtcd(options = {}) {
  ensureEtcd();
  const { startEtcd: start } = await import(testing.href);
  return start(options);
}
