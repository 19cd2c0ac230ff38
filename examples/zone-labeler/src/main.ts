#!/usr/bin/env node
/**
 * Runs the zone labeler against a Kubernetes API server: the current context
 * of $KUBECONFIG (or ~/.kube/config), or `--server URL` (e.g. the reference
 * host, `pnpm start`). Stops on SIGINT / SIGTERM.
 */
import { connect, loadKubeconfig, SharedInformerFactory } from '@apiserver-kit/controller';
import { parseArgs } from 'node:util';
import { ZoneLabeler } from './zone-labeler.js';

const USAGE = `usage: zone-labeler [--server URL] [--context NAME]
  --server URL     the API server (e.g. http://127.0.0.1:8080, the reference host); default: the kubeconfig's
  --context NAME   the kubeconfig context; default: its current-context ($KUBECONFIG or ~/.kube/config)`;

let values: { server?: string | undefined; context?: string | undefined; help?: boolean | undefined };
try {
  ({ values } = parseArgs({ options: { server: { type: 'string' }, context: { type: 'string' }, help: { type: 'boolean', short: 'h' } } }));
} catch (error) {
  console.error(`zone-labeler: ${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
  process.exit(2);
}
if (values.help === true) {
  console.log(USAGE);
  process.exit(0);
}
const api = values.server === undefined ? connect({ kubeconfig: loadKubeconfig({ context: values.context }) }) : connect({ url: values.server });
const factory = new SharedInformerFactory(api);
const controller = new ZoneLabeler(api, factory, { onError: (error, key) => console.error(`reconcile ${key}: ${String(error)}`) });
const stop = new AbortController();
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => stop.abort());
factory.start();
console.log('zone-labeler: waiting for the caches to sync…');
const done = controller.run(stop.signal);
await factory.waitForCacheSync(stop.signal);
console.log('zone-labeler: synced; labelling pods (Ctrl-C to stop)');
await done;
await factory.stop();
await api.close();
