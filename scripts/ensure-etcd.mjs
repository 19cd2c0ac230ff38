#!/usr/bin/env node
// The storage-etcd tests and the scaling-out examples run a real etcd. Install
// Debian's etcd-server (3.4) when the machine has none; say so clearly when
// that is impossible, and let those tests fail with that message.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const has = (command) => spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
const found = () => has('etcd') || existsSync('/usr/bin/etcd');

export function ensureEtcd() {
  if (found()) return true;
  if (!has('apt-get') || process.getuid?.() !== 0) {
    console.error('ensure-etcd: etcd is missing and cannot be installed here (needs root and apt-get: `apt-get install etcd-server`); the etcd tests will fail.');
    return false;
  }
  console.error('ensure-etcd: installing Debian package etcd-server …');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  // The package's service is not started: policy-rc.d or the absence of systemd stops it; the tests start their own members.
  spawnSync('apt-get', ['install', '-y', '-qq', 'etcd-server'], { stdio: 'inherit', env });
  if (found()) return true;
  console.error('ensure-etcd: installation failed; the etcd tests will fail.');
  return false;
}

if (import.meta.url === `file://${process.argv[1]}`) process.exit(ensureEtcd() ? 0 : 1);
