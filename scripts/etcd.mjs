#!/usr/bin/env node
// Runs a throwaway etcd on 127.0.0.1 until Ctrl-C: installs it if missing (as
// root, Debian's etcd-server), starts one member or a 3-member cluster on free
// ports with a temporary data dir, prints the client endpoints, and stops the
// members by PID (removing their data) on SIGINT/SIGTERM.
//
//   node scripts/etcd.mjs               # one member
//   node scripts/etcd.mjs --members 3   # a local 3-member cluster
//
// Then: node packages/mini-apiserver/dist/cli.js start --etcd <endpoint>
// Needs a build (npx tsc -b): it uses @apiserver-kit/storage-etcd/testing.
import { startEtcd } from './etcd-member.mjs';

const args = process.argv.slice(2);
const at = args.indexOf('--members');
const members = at === -1 ? 1 : Number(args[at + 1]);
// --help, or anything but `--members N`: the usage line, not an etcd started anyway.
const unknown = at === -1 ? args : args.filter((_arg, i) => i !== at && i !== at + 1);
if (unknown.length > 0 || (members !== 1 && members !== 3)) {
  console.error('usage: node scripts/etcd.mjs [--members 1|3]');
  process.exit(2);
}
const etcd = await startEtcd({ members });
console.log(etcd.endpoints.join(','));
console.error(`etcd: ${members} member(s) running, PIDs ${etcd.pids.join(', ')}; Ctrl-C stops them`);
const stop = async () => {
  await etcd.stop();
  process.exit(0);
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
