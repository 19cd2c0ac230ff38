import type { KubeObject } from '../src/index.js';

/** A realistic scheduled, running Pod: every special type and most sub-messages. */
export const realisticPod: KubeObject = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name: 'web-0',
    generateName: 'web-',
    namespace: 'shop',
    uid: '6f0c9e9a-4d2b-4c59-9a43-2b8d0f6b1a10',
    resourceVersion: '184467',
    generation: 3,
    creationTimestamp: '2024-05-01T10:00:00Z',
    labels: { app: 'web', 'apps.kubernetes.io/pod-index': '0', 'controller-revision-hash': 'web-7d9f8' },
    annotations: { 'kubectl.kubernetes.io/restartedAt': '2024-05-01T09:59:00Z', note: 'ünïcödé ✓ 🚀' },
    ownerReferences: [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'web', uid: '0b1c2d3e', controller: true, blockOwnerDeletion: true }],
    finalizers: ['example.com/drain'],
    managedFields: [
      {
        manager: 'kube-controller-manager',
        operation: 'Update',
        apiVersion: 'v1',
        time: '2024-05-01T10:00:00Z',
        fieldsType: 'FieldsV1',
        fieldsV1: { 'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } }, 'f:spec': { 'f:containers': { 'k:{"name":"web"}': { '.': {} } } } },
      },
      { manager: 'kubelet', operation: 'Update', apiVersion: 'v1', time: '2024-05-01T10:00:05Z', fieldsType: 'FieldsV1', fieldsV1: {}, subresource: 'status' },
    ],
  },
  spec: {
    volumes: [
      { name: 'config', configMap: { name: 'web-config', items: [{ key: 'nginx.conf', path: 'nginx.conf', mode: 0o644 }], defaultMode: 420 } },
      { name: 'cache', emptyDir: { medium: 'Memory', sizeLimit: '1Gi' } },
      { name: 'data', persistentVolumeClaim: { claimName: 'data-web-0' } },
      { name: 'logs', hostPath: { path: '/var/log/web', type: '' } },
      { name: 'tls', secret: { secretName: 'web-tls', defaultMode: 256, optional: false } },
      { name: 'podinfo', downwardAPI: { items: [{ path: 'labels', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.labels' } }] } },
      { name: 'secrets-store', csi: { driver: 'secrets-store.csi.k8s.io', readOnly: true, volumeAttributes: { secretProviderClass: 'vault' } } },
      {
        name: 'kube-api-access-abcde',
        projected: {
          sources: [
            { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
            { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
            { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
          ],
          defaultMode: 420,
        },
      },
    ],
    initContainers: [{ name: 'init', image: 'busybox:1.36', command: ['sh', '-c', 'echo ready'], restartPolicy: 'Always' }],
    containers: [
      {
        name: 'web',
        image: 'nginx:1.27',
        command: ['nginx'],
        args: ['-g', 'daemon off;'],
        workingDir: '/srv',
        ports: [
          { name: 'http', containerPort: 8080, protocol: 'TCP' },
          { name: 'metrics', containerPort: 9090, hostPort: 9090, protocol: 'TCP', hostIP: '0.0.0.0' },
        ],
        envFrom: [{ prefix: 'CFG_', configMapRef: { name: 'web-config', optional: true } }, { secretRef: { name: 'web-env' } }],
        env: [
          { name: 'MODE', value: 'production' },
          { name: 'POD_NAME', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } },
          { name: 'CPU_LIMIT', valueFrom: { resourceFieldRef: { containerName: 'web', resource: 'limits.cpu', divisor: '1m' } } },
          { name: 'LEVEL', valueFrom: { configMapKeyRef: { name: 'web-config', key: 'level', optional: true } } },
          { name: 'PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } },
        ],
        resources: { limits: { cpu: '500m', memory: '256Mi', 'ephemeral-storage': '2Gi' }, requests: { cpu: '100m', memory: '128Mi' } },
        volumeMounts: [
          { name: 'config', mountPath: '/etc/nginx/conf.d', readOnly: true },
          { name: 'data', mountPath: '/srv/data', subPath: 'web' },
        ],
        livenessProbe: { httpGet: { path: '/healthz', port: 8080, scheme: 'HTTP', httpHeaders: [{ name: 'X-Probe', value: 'live' }] }, initialDelaySeconds: 10, timeoutSeconds: 1, periodSeconds: 5, successThreshold: 1, failureThreshold: 3 },
        readinessProbe: { tcpSocket: { port: 'http' }, periodSeconds: 10, failureThreshold: 3 },
        startupProbe: { exec: { command: ['cat', '/tmp/ready'] }, failureThreshold: 30, terminationGracePeriodSeconds: 0 },
        lifecycle: { postStart: { httpGet: { path: '/warm', port: 'http' } }, preStop: { sleep: { seconds: 5 } } },
        terminationMessagePath: '/dev/termination-log',
        terminationMessagePolicy: 'File',
        imagePullPolicy: 'IfNotPresent',
        securityContext: {
          capabilities: { drop: ['ALL'] },
          runAsUser: 1000,
          runAsNonRoot: true,
          readOnlyRootFilesystem: true,
          allowPrivilegeEscalation: false,
          seccompProfile: { type: 'RuntimeDefault' },
        },
      },
    ],
    restartPolicy: 'Always',
    terminationGracePeriodSeconds: 30,
    dnsPolicy: 'ClusterFirst',
    nodeSelector: { 'kubernetes.io/os': 'linux' },
    serviceAccountName: 'web',
    serviceAccount: 'web',
    automountServiceAccountToken: false,
    nodeName: 'node-7',
    securityContext: { fsGroup: 2000, supplementalGroups: [3000, 4000], sysctls: [{ name: 'net.core.somaxconn', value: '1024' }] },
    imagePullSecrets: [{ name: 'registry' }],
    hostname: 'web-0',
    subdomain: 'web',
    affinity: {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [{ matchExpressions: [{ key: 'topology.kubernetes.io/zone', operator: 'In', values: ['eu-1a', 'eu-1b'] }] }],
        },
      },
      podAntiAffinity: {
        preferredDuringSchedulingIgnoredDuringExecution: [
          { weight: 100, podAffinityTerm: { labelSelector: { matchLabels: { app: 'web' } }, topologyKey: 'kubernetes.io/hostname' } },
        ],
      },
    },
    schedulerName: 'default-scheduler',
    tolerations: [
      { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
      { key: 'dedicated', operator: 'Equal', value: 'web', effect: 'NoSchedule' },
    ],
    hostAliases: [{ ip: '10.0.0.1', hostnames: ['db.local'] }],
    priorityClassName: 'high',
    priority: 0,
    dnsConfig: { options: [{ name: 'ndots', value: '2' }] },
    readinessGates: [{ conditionType: 'example.com/ready' }],
    enableServiceLinks: false,
    preemptionPolicy: 'PreemptLowerPriority',
    overhead: { cpu: '10m' },
    topologySpreadConstraints: [
      { maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchExpressions: [{ key: 'app', operator: 'Exists' }] } },
    ],
    os: { name: 'linux' },
  },
  status: {
    phase: 'Running',
    conditions: [
      { type: 'PodScheduled', status: 'True', lastTransitionTime: '2024-05-01T10:00:00Z' },
      { type: 'Ready', status: 'False', reason: 'ContainersNotReady', message: 'containers with unready status: [web]', lastTransitionTime: '2024-05-01T10:00:04Z' },
    ],
    hostIP: '10.0.0.7',
    hostIPs: [{ ip: '10.0.0.7' }],
    podIP: '10.244.3.17',
    podIPs: [{ ip: '10.244.3.17' }, { ip: 'fd00:10:244::17' }],
    startTime: '2024-05-01T10:00:01Z',
    initContainerStatuses: [
      {
        name: 'init',
        state: { terminated: { exitCode: 0, reason: 'Completed', startedAt: '2024-05-01T10:00:02Z', finishedAt: '2024-05-01T10:00:02Z', containerID: 'containerd://1111' } },
        lastState: {},
        ready: false,
        restartCount: 0,
        image: 'docker.io/library/busybox:1.36',
        imageID: 'docker.io/library/busybox@sha256:abcd',
        containerID: 'containerd://1111',
        started: false,
      },
    ],
    containerStatuses: [
      {
        name: 'web',
        state: { running: { startedAt: '2024-05-01T10:00:03Z' } },
        lastState: { terminated: { exitCode: 137, signal: 9, reason: 'OOMKilled', startedAt: '2024-05-01T09:00:00Z', finishedAt: '2024-05-01T09:59:59Z', containerID: 'containerd://0000' } },
        ready: true,
        restartCount: 1,
        image: 'docker.io/library/nginx:1.27',
        imageID: 'docker.io/library/nginx@sha256:ef01',
        containerID: 'containerd://2222',
        started: true,
        allocatedResources: { cpu: '100m', memory: '128Mi' },
        volumeMounts: [{ name: 'config', mountPath: '/etc/nginx/conf.d', readOnly: true, recursiveReadOnly: 'Disabled' }],
      },
    ],
    qosClass: 'Burstable',
  },
};

/** A realistic Node with capacity, conditions, addresses, taints and system info. */
export const realisticNode: KubeObject = {
  apiVersion: 'v1',
  kind: 'Node',
  metadata: {
    name: 'node-7',
    uid: '9a8b7c6d',
    resourceVersion: '184000',
    creationTimestamp: '2023-12-24T08:30:00Z',
    labels: { 'kubernetes.io/hostname': 'node-7', 'kubernetes.io/os': 'linux', 'topology.kubernetes.io/zone': 'eu-1a' },
    annotations: { 'node.alpha.kubernetes.io/ttl': '0' },
  },
  spec: {
    podCIDR: '10.244.3.0/24',
    podCIDRs: ['10.244.3.0/24', 'fd00:10:244:3::/64'],
    providerID: 'aws:///eu-1a/i-0123',
    taints: [{ key: 'dedicated', value: 'web', effect: 'NoSchedule', timeAdded: '2024-01-02T03:04:05Z' }],
  },
  status: {
    capacity: { cpu: '8', memory: '32839060Ki', pods: '110', 'ephemeral-storage': '101445540Ki', 'hugepages-2Mi': '0' },
    allocatable: { cpu: '7910m', memory: '32224660Ki', pods: '110' },
    conditions: [
      { type: 'MemoryPressure', status: 'False', lastHeartbeatTime: '2024-05-01T10:01:00Z', lastTransitionTime: '2024-01-01T00:00:00Z', reason: 'KubeletHasSufficientMemory', message: 'kubelet has sufficient memory available' },
      { type: 'Ready', status: 'True', lastHeartbeatTime: '2024-05-01T10:01:00Z', lastTransitionTime: '2024-01-01T00:00:10Z', reason: 'KubeletReady', message: 'kubelet is posting ready status' },
    ],
    addresses: [
      { type: 'InternalIP', address: '10.0.0.7' },
      { type: 'Hostname', address: 'node-7' },
    ],
    daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
    nodeInfo: {
      machineID: 'ec2abc',
      systemUUID: 'ec2abc-uuid',
      bootID: 'boot-1',
      kernelVersion: '6.1.0',
      osImage: 'Debian GNU/Linux 12 (bookworm)',
      containerRuntimeVersion: 'containerd://1.7.13',
      kubeletVersion: 'v1.31.0',
      kubeProxyVersion: '',
      operatingSystem: 'linux',
      architecture: 'amd64',
      swap: { capacity: 0 },
    },
    images: [{ names: ['docker.io/library/nginx@sha256:ef01', 'docker.io/library/nginx:1.27'], sizeBytes: 72_000_000_123 }],
    volumesInUse: ['kubernetes.io/csi/ebs.csi.aws.com^vol-1'],
    volumesAttached: [{ name: 'kubernetes.io/csi/ebs.csi.aws.com^vol-1', devicePath: '' }],
    runtimeHandlers: [{ name: 'runc', features: { recursiveReadOnlyMounts: true, userNamespaces: false } }],
    features: { supplementalGroupsPolicy: true },
  },
};

export const realisticNamespace: KubeObject = {
  apiVersion: 'v1',
  kind: 'Namespace',
  metadata: { name: 'shop', uid: 'ns-1', resourceVersion: '12', creationTimestamp: '2023-12-24T08:31:00Z', labels: { 'kubernetes.io/metadata.name': 'shop' } },
  spec: { finalizers: ['kubernetes'] },
  status: {
    phase: 'Terminating',
    conditions: [{ type: 'NamespaceDeletionContentFailure', status: 'False', lastTransitionTime: '2024-05-01T10:02:00Z', reason: 'ContentDeleted', message: 'All content successfully deleted' }],
  },
};

export const realisticConfigMap: KubeObject = {
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'web-config', namespace: 'shop', resourceVersion: '99', creationTimestamp: '2024-04-30T12:00:00Z', deletionTimestamp: '2024-05-02T00:00:00Z', deletionGracePeriodSeconds: 0 },
  data: { 'nginx.conf': 'server {\n  listen 8080;\n}\n', level: 'info', empty: '' },
  binaryData: { 'logo.png': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0xff]).toString('base64'), none: '' },
  immutable: true,
};
