/**
 * A controller that labels every pod with the zone of the node it runs on
 * (`topology.kubernetes.io/zone`), and relabels the pods of a node whose zone
 * changes. It is written as client-go controllers are: informers feed a
 * rate-limited work queue of pod keys; workers reconcile one key at a time
 * from the listers and write only when the label differs.
 */
import { escapeFieldValue, fieldIndex, namespaceIndex } from '@apiserver-kit/cache';
import {
  type ApiClient,
  type Informer,
  NODES,
  PODS,
  type SharedInformerFactory,
  WorkQueue,
  waitForCacheSync,
} from '@apiserver-kit/controller';
import type { Node, Pod } from 'kubernetes-types/core/v1.js';

/** The well-known label Kubernetes puts on nodes, and this controller on pods. */
export const ZONE_LABEL = 'topology.kubernetes.io/zone';

/** Options of {@link ZoneLabeler}. */
export interface ZoneLabelerOptions {
  /** Concurrent reconciles; @default 2 */
  readonly workers?: number | undefined;
  /** Told about each failed reconcile (it is retried with backoff). */
  readonly onError?: ((error: unknown, key: string) => void) | undefined;
}

export class ZoneLabeler {
  readonly #api: ApiClient;
  readonly #pods: Informer<Pod>;
  readonly #nodes: Informer<Node>;
  readonly #queue: WorkQueue<string>;
  readonly #workers: number;
  readonly #onError: ((error: unknown, key: string) => void) | undefined;

  constructor(api: ApiClient, factory: SharedInformerFactory, options: ZoneLabelerOptions = {}) {
    this.#api = api;
    this.#workers = options.workers ?? 2;
    this.#onError = options.onError;
    this.#queue = new WorkQueue<string>({ name: 'zone-labeler' });
    // Pods indexed by node: a node's zone change finds its pods without a scan.
    this.#pods = factory.informerFor(PODS, { indexes: [namespaceIndex(), fieldIndex('spec.nodeName')] });
    this.#nodes = factory.informerFor(NODES);
    this.#pods.addEventHandler({
      onAdd: (pod) => this.#enqueue(pod),
      onUpdate: (_old, pod) => this.#enqueue(pod),
    });
    this.#nodes.addEventHandler({
      onAdd: (node) => this.#enqueuePodsOf(node.metadata.name),
      onUpdate: (old, node) => {
        if (old.metadata.labels?.[ZONE_LABEL] !== node.metadata.labels?.[ZONE_LABEL]) this.#enqueuePodsOf(node.metadata.name);
      },
    });
  }

  /** Waits for the caches, then reconciles until `signal` aborts; resolves once the workers have stopped. */
  async run(signal: AbortSignal): Promise<void> {
    await waitForCacheSync(signal, this.#pods, this.#nodes);
    // Stopping shuts the queue down: workers finish the keys in hand, and nothing is retried later.
    signal.addEventListener('abort', () => this.#queue.shutDown(), { once: true });
    await this.#queue.run((key) => this.#reconcile(key), { workers: this.#workers, signal, onError: this.#onError });
  }

  /** Resolves when no pod key is queued, being reconciled or waiting for a retry: what a test settles on. */
  whenIdle(): Promise<void> {
    return this.#queue.whenIdle();
  }

  /** Labels one pod (`namespace/name`) with its node's zone, if it has a node with a zone and the label differs. */
  async #reconcile(key: string): Promise<void> {
    const [namespace = '', name = ''] = key.split('/');
    const pod = this.#pods.lister.get(namespace, name);
    const nodeName = pod?.spec?.nodeName;
    if (pod === undefined || nodeName === undefined) return;
    const zone = this.#nodes.lister.get(nodeName)?.metadata.labels?.[ZONE_LABEL];
    if (zone === undefined || pod.metadata.labels?.[ZONE_LABEL] === zone) return;
    // A merge patch touches only the label: no conflict with writers of other fields.
    await this.#api.pods(namespace).patch(name, 'merge', { metadata: { labels: { [ZONE_LABEL]: zone } } });
  }

  #enqueue(pod: Pod): void {
    const { namespace, name } = pod.metadata ?? {};
    if (namespace !== undefined && name !== undefined) this.#queue.add(`${namespace}/${name}`);
  }

  #enqueuePodsOf(nodeName: string): void {
    // The lister plans this selector onto the spec.nodeName index: O(pods on the node), not a scan.
    for (const pod of this.#pods.lister.list({ fieldSelector: `spec.nodeName=${escapeFieldValue(nodeName)}` })) this.#enqueue(pod);
  }
}
