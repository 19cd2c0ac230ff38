#!/usr/bin/env node
// Some tests check our YAML with kubectl's own parser (`kubectl annotate --local`,
// no server needed). Install a kubectl from Debian's archive when the machine has
// none; say so clearly when that is impossible, and let those tests fail.
import { spawnSync } from 'node:child_process';

const has = (command) => spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;

export function ensureKubectl() {
  if (has('kubectl')) return true;
  if (!has('apt-get') || process.getuid?.() !== 0) {
    console.error('ensure-kubectl: kubectl is missing and cannot be installed here (needs root and apt-get); the kubectl tests will fail.');
    return false;
  }
  console.error('ensure-kubectl: installing Debian package kubernetes-client …');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  spawnSync('apt-get', ['install', '-y', '-qq', 'kubernetes-client'], { stdio: 'inherit', env });
  if (has('kubectl')) return true;
  console.error('ensure-kubectl: installation failed; the kubectl tests will fail.');
  return false;
}

if (import.meta.url === `file://${process.argv[1]}`) process.exit(ensureKubectl() ? 0 : 1);
