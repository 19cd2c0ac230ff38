/**
 * A synthetic cluster to seed a store with: namespaces, nodes, pods spread
 * over the nodes, and configmaps, shaped like what a real cluster holds
 * (labels, conditions, addresses, node info, container statuses), so that
 * `kubectl get pods -o wide`, selectors by label and by `spec.nodeName`, and
 * Table output have something realistic to show and the benchmarks realistic
 * objects (~2–3 KB of JSON per pod) to encode.
 *
 * Deterministic: the same options (and `seed`) give the same objects, byte
 * for byte, so tests and benchmark runs compare like with like. Objects are
 * generated lazily, one at a time; nothing is held beyond the one yielded.
 */
import type { KubeObject } from '@apiserver-kit/codec';
import { checkInteger, nonNegativeInteger } from '@apiserver-kit/core';
import { CORE_V1_RESOURCES, type ResourceInfo, storageKey } from './resources.js';

/** Options of {@link syntheticCluster}. */
export interface SyntheticClusterOptions {
  /** Namespaces, including `default` and `kube-system` (at least those two are always made). @default 10 */
  readonly namespaces?: number | undefined;
  /** Nodes. @default 100 */
  readonly nodes?: number | undefined;
  /** Pods, spread round-robin over the namespaces and, when running, over the nodes. @default 3000 */
  readonly pods?: number | undefined;
  /** ConfigMaps per namespace. @default 3 */
  readonly configmaps?: number | undefined;
  /** The seed of the generator: same seed, same cluster. @default 1 */
  readonly seed?: number | undefined;
  /**
   * The creation time of every object (ISO 8601; the storage sets its own
   * `creationTimestamp` on create, so this only fixes the times inside
   * statuses). @default '2026-01-01T00:00:00Z'
   */
  readonly startTime?: string | undefined;
}

/** One object to create, under its storage key. */
export interface SeedEntry {
  readonly key: string;
  readonly object: KubeObject;
}

function resource(name: string): ResourceInfo {
  const info = CORE_V1_RESOURCES.find((r) => r.resource === name);
  if (info === undefined) throw new Error(`resource ${name} missing from CORE_V1_RESOURCES`);
  return info;
}

function checkCount(name: string, value: number | undefined, fallback: number): number {
  return value === undefined ? fallback : nonNegativeInteger(name, value);
}

/**
 * mulberry32: a tiny, fast, well-distributed 32-bit PRNG. Not for
 * cryptography; enough to make a reproducible cluster.
 */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const APPS: readonly { readonly app: string; readonly tier: string; readonly image: string; readonly port: number }[] = [
  { app: 'web', tier: 'frontend', image: 'registry.k8s.io/nginx-slim:0.27', port: 80 },
  { app: 'api', tier: 'backend', image: 'ghcr.io/example/api:1.14.2', port: 8080 },
  { app: 'worker', tier: 'backend', image: 'ghcr.io/example/worker:1.14.2', port: 9090 },
  { app: 'cache', tier: 'cache', image: 'docker.io/library/redis:7.2', port: 6379 },
  { app: 'db', tier: 'database', image: 'docker.io/library/postgres:16.3', port: 5432 },
  { app: 'metrics', tier: 'monitoring', image: 'quay.io/prometheus/node-exporter:v1.8.1', port: 9100 },
];

const NAMESPACE_NAMES: readonly string[] = ['default', 'kube-system', 'kube-public', 'monitoring', 'payments', 'checkout', 'search', 'ingest', 'platform', 'staging'];

function namespaceName(index: number): string {
  return NAMESPACE_NAMES[index] ?? `team-${String(index).padStart(3, '0')}`;
}

function nodeName(index: number): string {
  return `node-${String(index).padStart(4, '0')}`;
}

/** Kubernetes' alphabet for generated name suffixes (no vowels, no look-alikes). */
const ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** Random characters of {@link ALPHABET}, like a ReplicaSet's template hash. */
function suffix(random: () => number, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += ALPHABET[Math.floor(random() * ALPHABET.length)];
  return out;
}

/**
 * The 5-character suffix of pod number `index`: a bijection of the index
 * (an affine map with a multiplier prime to 27⁵) written in {@link ALPHABET}, so names
 * look random yet never collide below 27⁵ (14 M) pods.
 */
function podSuffix(index: number): string {
  const space = 27 ** 5;
  let value = (index * 7_368_791 + 1_234_567) % space;
  let out = '';
  for (let i = 0; i < 5; i++) {
    out += ALPHABET[value % 27];
    value = Math.floor(value / 27);
  }
  return out;
}

/** The ReplicaSet hash of an app in a namespace: stable across the pods of that ReplicaSet. */
function templateHash(seed: number, namespace: string, app: string): string {
  let h = seed >>> 0;
  for (const ch of `${namespace}/${app}`) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
  return suffix(mulberry32(h), 9);
}

function addSeconds(iso: string, seconds: number): string {
  return new Date(Date.parse(iso) + seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function namespaceObject(name: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name, labels: { 'kubernetes.io/metadata.name': name } },
    spec: { finalizers: ['kubernetes'] },
    status: { phase: 'Active' },
  };
}

function nodeObject(index: number, nodes: number, startTime: string, random: () => number): KubeObject {
  const name = nodeName(index);
  // The first few nodes (at most 3, about 3 %) run the control plane.
  const controlPlane = index < Math.min(3, Math.max(1, Math.floor(nodes / 30)));
  const zone = `zone-${'abc'[index % 3]}`;
  const cpu = [4, 8, 16, 32][Math.floor(random() * 4)]!;
  const memoryGi = cpu * 4;
  const labels: Record<string, string> = {
    'beta.kubernetes.io/arch': 'amd64',
    'beta.kubernetes.io/os': 'linux',
    'kubernetes.io/arch': 'amd64',
    'kubernetes.io/hostname': name,
    'kubernetes.io/os': 'linux',
    'node.kubernetes.io/instance-type': `n2-standard-${cpu}`,
    'topology.kubernetes.io/region': 'region-1',
    'topology.kubernetes.io/zone': zone,
  };
  if (controlPlane) labels['node-role.kubernetes.io/control-plane'] = '';
  const heartbeat = addSeconds(startTime, 3600);
  const condition = (type: string, status: string, reason: string, message: string): Record<string, string> => ({
    type,
    status,
    lastHeartbeatTime: heartbeat,
    lastTransitionTime: startTime,
    reason,
    message,
  });
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels, annotations: { 'node.alpha.kubernetes.io/ttl': '0', 'volumes.kubernetes.io/controller-managed-attach-detach': 'true' } },
    spec: {
      podCIDR: `10.${64 + (index >> 8)}.${index & 255}.0/24`,
      podCIDRs: [`10.${64 + (index >> 8)}.${index & 255}.0/24`],
      providerID: `synthetic://region-1/${zone}/${name}`,
      ...(controlPlane ? { taints: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }] } : {}),
    },
    status: {
      capacity: { cpu: String(cpu), 'ephemeral-storage': '102350Mi', memory: `${memoryGi}Gi`, pods: '110' },
      allocatable: { cpu: `${cpu * 1000 - 100}m`, 'ephemeral-storage': '94323Mi', memory: `${memoryGi * 1024 - 512}Mi`, pods: '110' },
      conditions: [
        condition('MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
        condition('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
        condition('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
        condition('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'),
      ],
      addresses: [
        { type: 'InternalIP', address: nodeIP(index) },
        { type: 'Hostname', address: name },
      ],
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      nodeInfo: {
        machineID: suffix(random, 32),
        systemUUID: suffix(random, 32),
        bootID: suffix(random, 32),
        kernelVersion: '6.1.0-21-cloud-amd64',
        osImage: 'Debian GNU/Linux 12 (bookworm)',
        containerRuntimeVersion: 'containerd://1.7.18',
        kubeletVersion: 'v1.32.0',
        kubeProxyVersion: 'v1.32.0',
        operatingSystem: 'linux',
        architecture: 'amd64',
      },
    },
  };
}

function nodeIP(index: number): string {
  const host = index + 1;
  return `10.0.${host >> 8}.${host & 255}`;
}

function podObject(index: number, namespace: string, appIndex: number, nodeCount: number, startTime: string, seed: number, random: () => number): KubeObject {
  const spec = APPS[appIndex % APPS.length]!;
  const hash = templateHash(seed, namespace, spec.app);
  const name = `${spec.app}-${hash}-${podSuffix(index)}`;
  const roll = random();
  // About 95 % running, 4 % pending (unscheduled half the time), 1 % crash-looping.
  const phase = roll < 0.95 || nodeCount === 0 ? 'Running' : roll < 0.99 ? 'Pending' : 'Running';
  const crashLooping = roll >= 0.99;
  const scheduled = nodeCount > 0 && (phase === 'Running' || random() < 0.5);
  const nodeIndex = nodeCount > 0 ? Math.floor(random() * nodeCount) : 0;
  const node = nodeName(nodeIndex);
  const ready = phase === 'Running' && !crashLooping;
  const started = addSeconds(startTime, Math.floor(random() * 86_400));
  const restartCount = crashLooping ? 5 + Math.floor(random() * 50) : random() < 0.1 ? 1 + Math.floor(random() * 3) : 0;
  const condition = (type: string, status: boolean): Record<string, unknown> => ({ type, status: status ? 'True' : 'False', lastProbeTime: null, lastTransitionTime: started });
  const containerStatus = {
    name: spec.app,
    image: spec.image,
    imageID: `${spec.image.split(':')[0]}@sha256:${suffix(random, 16)}`,
    containerID: `containerd://${suffix(random, 24)}`,
    ready,
    started: phase === 'Running',
    restartCount,
    state: crashLooping
      ? { waiting: { reason: 'CrashLoopBackOff', message: `back-off 5m0s restarting failed container=${spec.app}` } }
      : phase === 'Running'
        ? { running: { startedAt: started } }
        : { waiting: { reason: 'ContainerCreating' } },
  };
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace,
      generateName: `${spec.app}-${hash}-`,
      labels: { app: spec.app, tier: spec.tier, 'pod-template-hash': hash },
      annotations: { 'kubectl.kubernetes.io/default-container': spec.app },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: `${spec.app}-${hash}`, uid: `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`, controller: true, blockOwnerDeletion: true }],
    },
    spec: {
      containers: [
        {
          name: spec.app,
          image: spec.image,
          ports: [{ name: 'http', containerPort: spec.port, protocol: 'TCP' }],
          env: [
            { name: 'APP', value: spec.app },
            { name: 'LOG_LEVEL', value: 'info' },
            { name: 'POD_NAME', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } },
          ],
          resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } },
          readinessProbe: { httpGet: { path: '/healthz', port: spec.port, scheme: 'HTTP' }, periodSeconds: 10, timeoutSeconds: 1, successThreshold: 1, failureThreshold: 3 },
          terminationMessagePath: '/dev/termination-log',
          terminationMessagePolicy: 'File',
          imagePullPolicy: 'IfNotPresent',
        },
      ],
      restartPolicy: 'Always',
      terminationGracePeriodSeconds: 30,
      dnsPolicy: 'ClusterFirst',
      serviceAccountName: 'default',
      schedulerName: 'default-scheduler',
      enableServiceLinks: true,
      priority: 0,
      ...(scheduled ? { nodeName: node } : {}),
      tolerations: [
        { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
        { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
      ],
    },
    status: {
      phase,
      conditions: scheduled
        ? [condition('PodReadyToStartContainers', phase === 'Running'), condition('Initialized', true), condition('Ready', ready), condition('ContainersReady', ready), condition('PodScheduled', true)]
        : [{ type: 'PodScheduled', status: 'False', lastProbeTime: null, lastTransitionTime: started, reason: 'Unschedulable', message: `0/${nodeCount} nodes are available: ${nodeCount} Insufficient cpu.` }],
      ...(scheduled ? { hostIP: nodeIP(nodeIndex), hostIPs: [{ ip: nodeIP(nodeIndex) }] } : {}),
      ...(phase === 'Running' ? { podIP: podIP(nodeIndex, index), podIPs: [{ ip: podIP(nodeIndex, index) }] } : {}),
      ...(scheduled ? { startTime: started, containerStatuses: [containerStatus] } : {}),
      qosClass: 'Burstable',
    },
  };
}

function podIP(nodeIndex: number, podIndex: number): string {
  return `10.${64 + (nodeIndex >> 8)}.${nodeIndex & 255}.${2 + (podIndex % 250)}`;
}

function configMapObject(namespace: string, index: number, random: () => number): KubeObject {
  const kinds = ['app-config', 'feature-flags', 'logging', 'routes', 'limits'];
  const name = index < kinds.length ? kinds[index]! : `config-${index}`;
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, namespace, labels: { app: APPS[index % APPS.length]!.app, 'app.kubernetes.io/managed-by': 'apiserver-kit-seed' } },
    data: {
      'replicas': String(1 + Math.floor(random() * 5)),
      'log-level': ['debug', 'info', 'warn'][Math.floor(random() * 3)]!,
      'settings.yaml': `timeoutSeconds: ${5 + Math.floor(random() * 55)}\nretries: ${Math.floor(random() * 5)}\nregion: region-1\n`,
    },
  };
}

/**
 * The objects of a synthetic cluster, each with its storage key (see
 * `storageKey`), in an order a store can create them in: namespaces, nodes,
 * configmaps, then pods. Pods are spread round-robin over the namespaces;
 * running pods get a random node, a `podIP` in the node's pod CIDR, and
 * ready containers; a few are `Pending` (some unscheduled) or crash-looping.
 * Objects carry no `resourceVersion`, `uid` or `creationTimestamp`: the
 * storage sets them on create.
 *
 * @throws TypeError / RangeError when a count is not a non-negative integer, `seed` not an integer, `startTime` not a time.
 */
export function* syntheticCluster(options: SyntheticClusterOptions = {}): Generator<SeedEntry, void, undefined> {
  const namespaceCount = Math.max(2, checkCount('namespaces', options.namespaces, 10));
  const nodeCount = checkCount('nodes', options.nodes, 100);
  const podCount = checkCount('pods', options.pods, 3000);
  const configMapCount = checkCount('configmaps', options.configmaps, 3);
  const seed = options.seed ?? 1;
  checkInteger('seed', seed, Number.MIN_SAFE_INTEGER);
  const startTime = options.startTime ?? '2026-01-01T00:00:00Z';
  if (Number.isNaN(Date.parse(startTime))) throw new RangeError(`Expected \`startTime\` to be an ISO 8601 time, got \`${JSON.stringify(startTime)}\` (string)`);
  const random = mulberry32(seed);
  const namespaces = resource('namespaces');
  const nodes = resource('nodes');
  const pods = resource('pods');
  const configmaps = resource('configmaps');
  for (let i = 0; i < namespaceCount; i++) {
    const name = namespaceName(i);
    yield { key: storageKey(namespaces, name), object: namespaceObject(name) };
  }
  for (let i = 0; i < nodeCount; i++) {
    yield { key: storageKey(nodes, nodeName(i)), object: nodeObject(i, nodeCount, startTime, random) };
  }
  for (let n = 0; n < namespaceCount; n++) {
    const namespace = namespaceName(n);
    for (let i = 0; i < configMapCount; i++) {
      const object = configMapObject(namespace, i, random);
      yield { key: storageKey(configmaps, object.metadata!.name!, namespace), object };
    }
  }
  for (let i = 0; i < podCount; i++) {
    const namespace = namespaceName(i % namespaceCount);
    // Every namespace gets every app: the app advances once per round over the namespaces.
    const object = podObject(i, namespace, Math.floor(i / namespaceCount), nodeCount, startTime, seed, random);
    yield { key: storageKey(pods, object.metadata!.name!, namespace), object };
  }
}
