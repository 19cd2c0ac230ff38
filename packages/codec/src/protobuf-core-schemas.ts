import { APIMACHINERY_PROTOBUF_PACKAGES } from './protobuf-meta-schemas.js';
import type { ProtobufFieldDefinition, ProtobufPackage } from './protobuf-schema-registry.js';
import { ProtobufSchemaRegistry } from './protobuf-schema-registry.js';

/*
 * Field tables of core/v1 Pod, Node, Namespace and ConfigMap with the
 * sub-messages they use, with Kubernetes' own field numbers and type names
 * (k8s.io/api/core/v1/generated.proto). Fields are declared in ascending
 * number order, the order Go writes them in.
 *
 * Flags follow the Go types (k8s.io/api/core/v1/types.go): `keep` on pointer
 * fields and on fields whose JSON tag has no `omitempty`; `inline` on
 * embedded structs.
 *
 * Not described (an object using them is refused with NotAcceptable, never
 * silently dropped): the deprecated in-tree volume plugins (gcePersistentDisk,
 * awsElasticBlockStore, gitRepo, iscsi, glusterfs, rbd, flexVolume, cinder,
 * cephfs, flocker, fc, azureFile, vsphereVolume, quobyte, azureDisk,
 * photonPersistentDisk, portworxVolume, scaleIO, storageos) and `ephemeral`
 * volumes; Container `ulimits` in its security context; PodSpec `workloadRef`;
 * podCertificate projections; ContainerStatus `allocatedResourcesStatus`;
 * PodStatus `extendedResourceClaimStatus`; NodeSpec `configSource` and
 * NodeStatus `config` (dynamic kubelet config, removed).
 */

const META = '.k8s.io.apimachinery.pkg.apis.meta.v1.';
const QUANTITY = '.k8s.io.apimachinery.pkg.api.resource.Quantity';
const INT_OR_STRING = '.k8s.io.apimachinery.pkg.util.intstr.IntOrString';
const TIME = `${META}Time`;

/** The fields Container and EphemeralContainerCommon share (numbers 1–25). */
const CONTAINER_FIELDS: readonly ProtobufFieldDefinition[] = [
  ['name', 1, 'string', 'keep'],
  ['image', 2, 'string'],
  ['command', 3, '[]string'],
  ['args', 4, '[]string'],
  ['workingDir', 5, 'string'],
  ['ports', 6, '[]ContainerPort'],
  ['env', 7, '[]EnvVar'],
  ['resources', 8, 'ResourceRequirements'],
  ['volumeMounts', 9, '[]VolumeMount'],
  ['livenessProbe', 10, 'Probe'],
  ['readinessProbe', 11, 'Probe'],
  ['lifecycle', 12, 'Lifecycle'],
  ['terminationMessagePath', 13, 'string'],
  ['imagePullPolicy', 14, 'string'],
  ['securityContext', 15, 'SecurityContext'],
  ['stdin', 16, 'bool'],
  ['stdinOnce', 17, 'bool'],
  ['tty', 18, 'bool'],
  ['envFrom', 19, '[]EnvFromSource'],
  ['terminationMessagePolicy', 20, 'string'],
  ['volumeDevices', 21, '[]VolumeDevice'],
  ['startupProbe', 22, 'Probe'],
  ['resizePolicy', 23, '[]ContainerResizePolicy'],
  ['restartPolicy', 24, 'string', 'keep'],
  ['restartPolicyRules', 25, '[]ContainerRestartRule'],
];

/** `k8s.io.api.core.v1`: Pod, Node, Namespace, ConfigMap, their lists and sub-messages. */
export const CORE_V1_PROTOBUF_PACKAGE: ProtobufPackage = {
  package: 'k8s.io.api.core.v1',
  messages: {
    // ── objects and lists ──
    ConfigMap: [
      ['metadata', 1, `${META}ObjectMeta`],
      ['data', 2, 'map[string]string'],
      ['binaryData', 3, 'map[string]bytes'],
      ['immutable', 4, 'bool', 'keep'],
    ],
    ConfigMapList: [
      ['metadata', 1, `${META}ListMeta`],
      ['items', 2, '[]ConfigMap', 'keep'],
    ],
    Namespace: [
      ['metadata', 1, `${META}ObjectMeta`],
      ['spec', 2, 'NamespaceSpec'],
      ['status', 3, 'NamespaceStatus'],
    ],
    NamespaceList: [
      ['metadata', 1, `${META}ListMeta`],
      ['items', 2, '[]Namespace', 'keep'],
    ],
    Node: [
      ['metadata', 1, `${META}ObjectMeta`],
      ['spec', 2, 'NodeSpec'],
      ['status', 3, 'NodeStatus'],
    ],
    NodeList: [
      ['metadata', 1, `${META}ListMeta`],
      ['items', 2, '[]Node', 'keep'],
    ],
    Pod: [
      ['metadata', 1, `${META}ObjectMeta`],
      ['spec', 2, 'PodSpec'],
      ['status', 3, 'PodStatus'],
    ],
    PodList: [
      ['metadata', 1, `${META}ListMeta`],
      ['items', 2, '[]Pod', 'keep'],
    ],

    // ── Namespace ──
    NamespaceCondition: [
      ['type', 1, 'string', 'keep'],
      ['status', 2, 'string', 'keep'],
      ['lastTransitionTime', 4, TIME],
      ['reason', 5, 'string'],
      ['message', 6, 'string'],
    ],
    NamespaceSpec: [['finalizers', 1, '[]string']],
    NamespaceStatus: [
      ['phase', 1, 'string'],
      ['conditions', 2, '[]NamespaceCondition'],
    ],

    // ── Node ──
    AttachedVolume: [
      ['name', 1, 'string', 'keep'],
      ['devicePath', 2, 'string', 'keep'],
    ],
    ContainerImage: [
      ['names', 1, '[]string'],
      ['sizeBytes', 2, 'int64'],
    ],
    DaemonEndpoint: [['Port', 1, 'int32', 'keep']],
    NodeAddress: [
      ['type', 1, 'string', 'keep'],
      ['address', 2, 'string', 'keep'],
    ],
    NodeCondition: [
      ['type', 1, 'string', 'keep'],
      ['status', 2, 'string', 'keep'],
      ['lastHeartbeatTime', 3, TIME],
      ['lastTransitionTime', 4, TIME],
      ['reason', 5, 'string'],
      ['message', 6, 'string'],
    ],
    NodeDaemonEndpoints: [['kubeletEndpoint', 1, 'DaemonEndpoint']],
    NodeFeatures: [
      ['supplementalGroupsPolicy', 1, 'bool', 'keep'],
      ['containerUlimits', 2, 'bool', 'keep'],
    ],
    NodeRuntimeHandler: [
      ['name', 1, 'string', 'keep'],
      ['features', 2, 'NodeRuntimeHandlerFeatures'],
    ],
    NodeRuntimeHandlerFeatures: [
      ['recursiveReadOnlyMounts', 1, 'bool', 'keep'],
      ['userNamespaces', 2, 'bool', 'keep'],
    ],
    NodeSpec: [
      ['podCIDR', 1, 'string'],
      ['externalID', 2, 'string'],
      ['providerID', 3, 'string'],
      ['unschedulable', 4, 'bool'],
      ['taints', 5, '[]Taint'],
      ['podCIDRs', 7, '[]string'],
    ],
    NodeStatus: [
      ['capacity', 1, `map[string]${QUANTITY}`],
      ['allocatable', 2, `map[string]${QUANTITY}`],
      ['phase', 3, 'string'],
      ['conditions', 4, '[]NodeCondition'],
      ['addresses', 5, '[]NodeAddress'],
      ['daemonEndpoints', 6, 'NodeDaemonEndpoints'],
      ['nodeInfo', 7, 'NodeSystemInfo'],
      ['images', 8, '[]ContainerImage'],
      ['volumesInUse', 9, '[]string'],
      ['volumesAttached', 10, '[]AttachedVolume'],
      ['runtimeHandlers', 12, '[]NodeRuntimeHandler'],
      ['features', 13, 'NodeFeatures'],
      ['declaredFeatures', 14, '[]string'],
    ],
    NodeSwapStatus: [['capacity', 1, 'int64', 'keep']],
    NodeSystemInfo: [
      ['machineID', 1, 'string', 'keep'],
      ['systemUUID', 2, 'string', 'keep'],
      ['bootID', 3, 'string', 'keep'],
      ['kernelVersion', 4, 'string', 'keep'],
      ['osImage', 5, 'string', 'keep'],
      ['containerRuntimeVersion', 6, 'string', 'keep'],
      ['kubeletVersion', 7, 'string', 'keep'],
      ['kubeProxyVersion', 8, 'string', 'keep'],
      ['operatingSystem', 9, 'string', 'keep'],
      ['architecture', 10, 'string', 'keep'],
      ['swap', 11, 'NodeSwapStatus'],
    ],
    Taint: [
      ['key', 1, 'string', 'keep'],
      ['value', 2, 'string'],
      ['effect', 3, 'string', 'keep'],
      ['timeAdded', 4, TIME],
    ],

    // ── PodSpec ──
    PodSpec: [
      ['volumes', 1, '[]Volume'],
      ['containers', 2, '[]Container'],
      ['restartPolicy', 3, 'string'],
      ['terminationGracePeriodSeconds', 4, 'int64', 'keep'],
      ['activeDeadlineSeconds', 5, 'int64', 'keep'],
      ['dnsPolicy', 6, 'string'],
      ['nodeSelector', 7, 'map[string]string'],
      ['serviceAccountName', 8, 'string'],
      ['serviceAccount', 9, 'string'],
      ['nodeName', 10, 'string'],
      ['hostNetwork', 11, 'bool'],
      ['hostPID', 12, 'bool'],
      ['hostIPC', 13, 'bool'],
      ['securityContext', 14, 'PodSecurityContext'],
      ['imagePullSecrets', 15, '[]LocalObjectReference'],
      ['hostname', 16, 'string'],
      ['subdomain', 17, 'string'],
      ['affinity', 18, 'Affinity'],
      ['schedulerName', 19, 'string'],
      ['initContainers', 20, '[]Container'],
      ['automountServiceAccountToken', 21, 'bool', 'keep'],
      ['tolerations', 22, '[]Toleration'],
      ['hostAliases', 23, '[]HostAlias'],
      ['priorityClassName', 24, 'string'],
      ['priority', 25, 'int32', 'keep'],
      ['dnsConfig', 26, 'PodDNSConfig'],
      ['shareProcessNamespace', 27, 'bool', 'keep'],
      ['readinessGates', 28, '[]PodReadinessGate'],
      ['runtimeClassName', 29, 'string', 'keep'],
      ['enableServiceLinks', 30, 'bool', 'keep'],
      ['preemptionPolicy', 31, 'string', 'keep'],
      ['overhead', 32, `map[string]${QUANTITY}`],
      ['topologySpreadConstraints', 33, '[]TopologySpreadConstraint'],
      ['ephemeralContainers', 34, '[]EphemeralContainer'],
      ['setHostnameAsFQDN', 35, 'bool', 'keep'],
      ['os', 36, 'PodOS'],
      ['hostUsers', 37, 'bool', 'keep'],
      ['schedulingGates', 38, '[]PodSchedulingGate'],
      ['resourceClaims', 39, '[]PodResourceClaim'],
      ['resources', 40, 'ResourceRequirements'],
      ['hostnameOverride', 41, 'string', 'keep'],
    ],
    Container: CONTAINER_FIELDS,
    EphemeralContainer: [
      ['ephemeralContainerCommon', 1, 'EphemeralContainerCommon', 'inline'],
      ['targetContainerName', 2, 'string'],
    ],
    EphemeralContainerCommon: CONTAINER_FIELDS,
    ContainerPort: [
      ['name', 1, 'string'],
      ['hostPort', 2, 'int32'],
      ['containerPort', 3, 'int32', 'keep'],
      ['protocol', 4, 'string'],
      ['hostIP', 5, 'string'],
    ],
    ContainerResizePolicy: [
      ['resourceName', 1, 'string', 'keep'],
      ['restartPolicy', 2, 'string', 'keep'],
    ],
    ContainerRestartRule: [
      ['action', 1, 'string'],
      ['exitCodes', 2, 'ContainerRestartRuleOnExitCodes'],
    ],
    ContainerRestartRuleOnExitCodes: [
      ['operator', 1, 'string'],
      ['values', 2, '[]int32'],
    ],
    EnvVar: [
      ['name', 1, 'string', 'keep'],
      ['value', 2, 'string'],
      ['valueFrom', 3, 'EnvVarSource'],
    ],
    EnvVarSource: [
      ['fieldRef', 1, 'ObjectFieldSelector'],
      ['resourceFieldRef', 2, 'ResourceFieldSelector'],
      ['configMapKeyRef', 3, 'ConfigMapKeySelector'],
      ['secretKeyRef', 4, 'SecretKeySelector'],
      ['fileKeyRef', 5, 'FileKeySelector'],
    ],
    EnvFromSource: [
      ['prefix', 1, 'string'],
      ['configMapRef', 2, 'ConfigMapEnvSource'],
      ['secretRef', 3, 'SecretEnvSource'],
    ],
    ConfigMapEnvSource: [
      ['localObjectReference', 1, 'LocalObjectReference', 'inline'],
      ['optional', 2, 'bool', 'keep'],
    ],
    SecretEnvSource: [
      ['localObjectReference', 1, 'LocalObjectReference', 'inline'],
      ['optional', 2, 'bool', 'keep'],
    ],
    ConfigMapKeySelector: [
      ['localObjectReference', 1, 'LocalObjectReference', 'inline'],
      ['key', 2, 'string', 'keep'],
      ['optional', 3, 'bool', 'keep'],
    ],
    SecretKeySelector: [
      ['localObjectReference', 1, 'LocalObjectReference', 'inline'],
      ['key', 2, 'string', 'keep'],
      ['optional', 3, 'bool', 'keep'],
    ],
    FileKeySelector: [
      ['volumeName', 1, 'string', 'keep'],
      ['path', 2, 'string', 'keep'],
      ['key', 3, 'string', 'keep'],
      ['optional', 4, 'bool', 'keep'],
    ],
    ObjectFieldSelector: [
      ['apiVersion', 1, 'string'],
      ['fieldPath', 2, 'string', 'keep'],
    ],
    ResourceFieldSelector: [
      ['containerName', 1, 'string'],
      ['resource', 2, 'string', 'keep'],
      ['divisor', 3, QUANTITY],
    ],
    LocalObjectReference: [['name', 1, 'string']],
    ResourceRequirements: [
      ['limits', 1, `map[string]${QUANTITY}`],
      ['requests', 2, `map[string]${QUANTITY}`],
      ['claims', 3, '[]ResourceClaim'],
    ],
    ResourceClaim: [
      ['name', 1, 'string', 'keep'],
      ['request', 2, 'string'],
    ],
    VolumeMount: [
      ['name', 1, 'string', 'keep'],
      ['readOnly', 2, 'bool'],
      ['mountPath', 3, 'string', 'keep'],
      ['subPath', 4, 'string'],
      ['mountPropagation', 5, 'string', 'keep'],
      ['subPathExpr', 6, 'string'],
      ['recursiveReadOnly', 7, 'string', 'keep'],
    ],
    VolumeDevice: [
      ['name', 1, 'string', 'keep'],
      ['devicePath', 2, 'string', 'keep'],
    ],

    // ── probes and lifecycle ──
    Probe: [
      ['handler', 1, 'ProbeHandler', 'inline'],
      ['initialDelaySeconds', 2, 'int32'],
      ['timeoutSeconds', 3, 'int32'],
      ['periodSeconds', 4, 'int32'],
      ['successThreshold', 5, 'int32'],
      ['failureThreshold', 6, 'int32'],
      ['terminationGracePeriodSeconds', 7, 'int64', 'keep'],
    ],
    ProbeHandler: [
      ['exec', 1, 'ExecAction'],
      ['httpGet', 2, 'HTTPGetAction'],
      ['tcpSocket', 3, 'TCPSocketAction'],
      ['grpc', 4, 'GRPCAction'],
    ],
    Lifecycle: [
      ['postStart', 1, 'LifecycleHandler'],
      ['preStop', 2, 'LifecycleHandler'],
      ['stopSignal', 3, 'string', 'keep'],
    ],
    LifecycleHandler: [
      ['exec', 1, 'ExecAction'],
      ['httpGet', 2, 'HTTPGetAction'],
      ['tcpSocket', 3, 'TCPSocketAction'],
      ['sleep', 4, 'SleepAction'],
    ],
    ExecAction: [['command', 1, '[]string']],
    HTTPGetAction: [
      ['path', 1, 'string'],
      ['port', 2, INT_OR_STRING],
      ['host', 3, 'string'],
      ['scheme', 4, 'string'],
      ['httpHeaders', 5, '[]HTTPHeader'],
    ],
    HTTPHeader: [
      ['name', 1, 'string', 'keep'],
      ['value', 2, 'string', 'keep'],
    ],
    TCPSocketAction: [
      ['port', 1, INT_OR_STRING],
      ['host', 2, 'string'],
    ],
    GRPCAction: [
      ['port', 1, 'int32', 'keep'],
      ['service', 2, 'string', 'keep'],
    ],
    SleepAction: [['seconds', 1, 'int64', 'keep']],

    // ── security ──
    Capabilities: [
      ['add', 1, '[]string'],
      ['drop', 2, '[]string'],
    ],
    SELinuxOptions: [
      ['user', 1, 'string'],
      ['role', 2, 'string'],
      ['type', 3, 'string'],
      ['level', 4, 'string'],
    ],
    SeccompProfile: [
      ['type', 1, 'string', 'keep'],
      ['localhostProfile', 2, 'string', 'keep'],
    ],
    AppArmorProfile: [
      ['type', 1, 'string', 'keep'],
      ['localhostProfile', 2, 'string', 'keep'],
    ],
    WindowsSecurityContextOptions: [
      ['gmsaCredentialSpecName', 1, 'string', 'keep'],
      ['gmsaCredentialSpec', 2, 'string', 'keep'],
      ['runAsUserName', 3, 'string', 'keep'],
      ['hostProcess', 4, 'bool', 'keep'],
    ],
    SecurityContext: [
      ['capabilities', 1, 'Capabilities'],
      ['privileged', 2, 'bool', 'keep'],
      ['seLinuxOptions', 3, 'SELinuxOptions'],
      ['runAsUser', 4, 'int64', 'keep'],
      ['runAsNonRoot', 5, 'bool', 'keep'],
      ['readOnlyRootFilesystem', 6, 'bool', 'keep'],
      ['allowPrivilegeEscalation', 7, 'bool', 'keep'],
      ['runAsGroup', 8, 'int64', 'keep'],
      ['procMount', 9, 'string', 'keep'],
      ['windowsOptions', 10, 'WindowsSecurityContextOptions'],
      ['seccompProfile', 11, 'SeccompProfile'],
      ['appArmorProfile', 12, 'AppArmorProfile'],
    ],
    PodSecurityContext: [
      ['seLinuxOptions', 1, 'SELinuxOptions'],
      ['runAsUser', 2, 'int64', 'keep'],
      ['runAsNonRoot', 3, 'bool', 'keep'],
      ['supplementalGroups', 4, '[]int64'],
      ['fsGroup', 5, 'int64', 'keep'],
      ['runAsGroup', 6, 'int64', 'keep'],
      ['sysctls', 7, '[]Sysctl'],
      ['windowsOptions', 8, 'WindowsSecurityContextOptions'],
      ['fsGroupChangePolicy', 9, 'string', 'keep'],
      ['seccompProfile', 10, 'SeccompProfile'],
      ['appArmorProfile', 11, 'AppArmorProfile'],
      ['supplementalGroupsPolicy', 12, 'string', 'keep'],
      ['seLinuxChangePolicy', 13, 'string', 'keep'],
    ],
    Sysctl: [
      ['name', 1, 'string', 'keep'],
      ['value', 2, 'string', 'keep'],
    ],

    // ── scheduling ──
    Affinity: [
      ['nodeAffinity', 1, 'NodeAffinity'],
      ['podAffinity', 2, 'PodAffinity'],
      ['podAntiAffinity', 3, 'PodAntiAffinity'],
    ],
    NodeAffinity: [
      ['requiredDuringSchedulingIgnoredDuringExecution', 1, 'NodeSelector'],
      ['preferredDuringSchedulingIgnoredDuringExecution', 2, '[]PreferredSchedulingTerm'],
    ],
    NodeSelector: [['nodeSelectorTerms', 1, '[]NodeSelectorTerm']],
    NodeSelectorTerm: [
      ['matchExpressions', 1, '[]NodeSelectorRequirement'],
      ['matchFields', 2, '[]NodeSelectorRequirement'],
    ],
    NodeSelectorRequirement: [
      ['key', 1, 'string', 'keep'],
      ['operator', 2, 'string', 'keep'],
      ['values', 3, '[]string'],
    ],
    PreferredSchedulingTerm: [
      ['weight', 1, 'int32', 'keep'],
      ['preference', 2, 'NodeSelectorTerm'],
    ],
    PodAffinity: [
      ['requiredDuringSchedulingIgnoredDuringExecution', 1, '[]PodAffinityTerm'],
      ['preferredDuringSchedulingIgnoredDuringExecution', 2, '[]WeightedPodAffinityTerm'],
    ],
    PodAntiAffinity: [
      ['requiredDuringSchedulingIgnoredDuringExecution', 1, '[]PodAffinityTerm'],
      ['preferredDuringSchedulingIgnoredDuringExecution', 2, '[]WeightedPodAffinityTerm'],
    ],
    PodAffinityTerm: [
      ['labelSelector', 1, `${META}LabelSelector`],
      ['namespaces', 2, '[]string'],
      ['topologyKey', 3, 'string', 'keep'],
      ['namespaceSelector', 4, `${META}LabelSelector`],
      ['matchLabelKeys', 5, '[]string'],
      ['mismatchLabelKeys', 6, '[]string'],
    ],
    WeightedPodAffinityTerm: [
      ['weight', 1, 'int32', 'keep'],
      ['podAffinityTerm', 2, 'PodAffinityTerm'],
    ],
    Toleration: [
      ['key', 1, 'string'],
      ['operator', 2, 'string'],
      ['value', 3, 'string'],
      ['effect', 4, 'string'],
      ['tolerationSeconds', 5, 'int64', 'keep'],
    ],
    TopologySpreadConstraint: [
      ['maxSkew', 1, 'int32', 'keep'],
      ['topologyKey', 2, 'string', 'keep'],
      ['whenUnsatisfiable', 3, 'string', 'keep'],
      ['labelSelector', 4, `${META}LabelSelector`],
      ['minDomains', 5, 'int32', 'keep'],
      ['nodeAffinityPolicy', 6, 'string', 'keep'],
      ['nodeTaintsPolicy', 7, 'string', 'keep'],
      ['matchLabelKeys', 8, '[]string'],
    ],
    HostAlias: [
      ['ip', 1, 'string', 'keep'],
      ['hostnames', 2, '[]string'],
    ],
    PodDNSConfig: [
      ['nameservers', 1, '[]string'],
      ['searches', 2, '[]string'],
      ['options', 3, '[]PodDNSConfigOption'],
    ],
    PodDNSConfigOption: [
      ['name', 1, 'string'],
      ['value', 2, 'string', 'keep'],
    ],
    PodReadinessGate: [['conditionType', 1, 'string', 'keep']],
    PodOS: [['name', 1, 'string', 'keep']],
    PodSchedulingGate: [['name', 1, 'string', 'keep']],
    PodResourceClaim: [
      ['name', 1, 'string', 'keep'],
      ['resourceClaimName', 3, 'string', 'keep'],
      ['resourceClaimTemplateName', 4, 'string', 'keep'],
    ],

    // ── volumes ──
    Volume: [
      ['name', 1, 'string', 'keep'],
      ['volumeSource', 2, 'VolumeSource', 'inline'],
    ],
    VolumeSource: [
      ['hostPath', 1, 'HostPathVolumeSource'],
      ['emptyDir', 2, 'EmptyDirVolumeSource'],
      ['secret', 6, 'SecretVolumeSource'],
      ['nfs', 7, 'NFSVolumeSource'],
      ['persistentVolumeClaim', 10, 'PersistentVolumeClaimVolumeSource'],
      ['downwardAPI', 16, 'DownwardAPIVolumeSource'],
      ['configMap', 19, 'ConfigMapVolumeSource'],
      ['projected', 26, 'ProjectedVolumeSource'],
      ['csi', 28, 'CSIVolumeSource'],
      ['image', 30, 'ImageVolumeSource'],
    ],
    HostPathVolumeSource: [
      ['path', 1, 'string', 'keep'],
      ['type', 2, 'string', 'keep'],
    ],
    EmptyDirVolumeSource: [
      ['medium', 1, 'string'],
      ['sizeLimit', 2, QUANTITY],
    ],
    SecretVolumeSource: [
      ['secretName', 1, 'string'],
      ['items', 2, '[]KeyToPath'],
      ['defaultMode', 3, 'int32', 'keep'],
      ['optional', 4, 'bool', 'keep'],
    ],
    NFSVolumeSource: [
      ['server', 1, 'string', 'keep'],
      ['path', 2, 'string', 'keep'],
      ['readOnly', 3, 'bool'],
    ],
    PersistentVolumeClaimVolumeSource: [
      ['claimName', 1, 'string', 'keep'],
      ['readOnly', 2, 'bool'],
    ],
    DownwardAPIVolumeSource: [
      ['items', 1, '[]DownwardAPIVolumeFile'],
      ['defaultMode', 2, 'int32', 'keep'],
    ],
    DownwardAPIVolumeFile: [
      ['path', 1, 'string', 'keep'],
      ['fieldRef', 2, 'ObjectFieldSelector'],
      ['resourceFieldRef', 3, 'ResourceFieldSelector'],
      ['mode', 4, 'int32', 'keep'],
    ],
    ConfigMapVolumeSource: [
      ['localObjectReference', 1, 'LocalObjectReference', 'inline'],
      ['items', 2, '[]KeyToPath'],
      ['defaultMode', 3, 'int32', 'keep'],
      ['optional', 4, 'bool', 'keep'],
    ],
    KeyToPath: [
      ['key', 1, 'string', 'keep'],
      ['path', 2, 'string', 'keep'],
      ['mode', 3, 'int32', 'keep'],
    ],
    ProjectedVolumeSource: [
      ['sources', 1, '[]VolumeProjection'],
      ['defaultMode', 2, 'int32', 'keep'],
    ],
    VolumeProjection: [
      ['secret', 1, 'SecretProjection'],
      ['downwardAPI', 2, 'DownwardAPIProjection'],
      ['configMap', 3, 'ConfigMapProjection'],
      ['serviceAccountToken', 4, 'ServiceAccountTokenProjection'],
      ['clusterTrustBundle', 5, 'ClusterTrustBundleProjection'],
    ],
    SecretProjection: [
      ['localObjectReference', 1, 'LocalObjectReference', 'inline'],
      ['items', 2, '[]KeyToPath'],
      ['optional', 4, 'bool', 'keep'],
    ],
    ConfigMapProjection: [
      ['localObjectReference', 1, 'LocalObjectReference', 'inline'],
      ['items', 2, '[]KeyToPath'],
      ['optional', 4, 'bool', 'keep'],
    ],
    DownwardAPIProjection: [['items', 1, '[]DownwardAPIVolumeFile']],
    ServiceAccountTokenProjection: [
      ['audience', 1, 'string'],
      ['expirationSeconds', 2, 'int64', 'keep'],
      ['path', 3, 'string', 'keep'],
    ],
    ClusterTrustBundleProjection: [
      ['name', 1, 'string', 'keep'],
      ['signerName', 2, 'string', 'keep'],
      ['labelSelector', 3, `${META}LabelSelector`],
      ['path', 4, 'string', 'keep'],
      ['optional', 5, 'bool', 'keep'],
    ],
    CSIVolumeSource: [
      ['driver', 1, 'string', 'keep'],
      ['readOnly', 2, 'bool', 'keep'],
      ['fsType', 3, 'string', 'keep'],
      ['volumeAttributes', 4, 'map[string]string'],
      ['nodePublishSecretRef', 5, 'LocalObjectReference'],
    ],
    ImageVolumeSource: [
      ['reference', 1, 'string'],
      ['pullPolicy', 2, 'string'],
    ],

    // ── PodStatus ──
    PodStatus: [
      ['phase', 1, 'string'],
      ['conditions', 2, '[]PodCondition'],
      ['message', 3, 'string'],
      ['reason', 4, 'string'],
      ['hostIP', 5, 'string'],
      ['podIP', 6, 'string'],
      ['startTime', 7, TIME],
      ['containerStatuses', 8, '[]ContainerStatus'],
      ['qosClass', 9, 'string'],
      ['initContainerStatuses', 10, '[]ContainerStatus'],
      ['nominatedNodeName', 11, 'string'],
      ['podIPs', 12, '[]PodIP'],
      ['ephemeralContainerStatuses', 13, '[]ContainerStatus'],
      ['resize', 14, 'string'],
      ['resourceClaimStatuses', 15, '[]PodResourceClaimStatus'],
      ['hostIPs', 16, '[]HostIP'],
      ['observedGeneration', 17, 'int64'],
      ['allocatedResources', 19, `map[string]${QUANTITY}`],
      ['resources', 20, 'ResourceRequirements'],
    ],
    PodCondition: [
      ['type', 1, 'string', 'keep'],
      ['status', 2, 'string', 'keep'],
      ['lastProbeTime', 3, TIME],
      ['lastTransitionTime', 4, TIME],
      ['reason', 5, 'string'],
      ['message', 6, 'string'],
      ['observedGeneration', 7, 'int64'],
    ],
    PodIP: [['ip', 1, 'string', 'keep']],
    HostIP: [['ip', 1, 'string', 'keep']],
    PodResourceClaimStatus: [
      ['name', 1, 'string', 'keep'],
      ['resourceClaimName', 2, 'string', 'keep'],
    ],
    ContainerStatus: [
      ['name', 1, 'string', 'keep'],
      ['state', 2, 'ContainerState'],
      ['lastState', 3, 'ContainerState'],
      ['ready', 4, 'bool', 'keep'],
      ['restartCount', 5, 'int32', 'keep'],
      ['image', 6, 'string', 'keep'],
      ['imageID', 7, 'string', 'keep'],
      ['containerID', 8, 'string'],
      ['started', 9, 'bool', 'keep'],
      ['allocatedResources', 10, `map[string]${QUANTITY}`],
      ['resources', 11, 'ResourceRequirements'],
      ['volumeMounts', 12, '[]VolumeMountStatus'],
      ['user', 13, 'ContainerUser'],
      ['stopSignal', 15, 'string', 'keep'],
    ],
    ContainerState: [
      ['waiting', 1, 'ContainerStateWaiting'],
      ['running', 2, 'ContainerStateRunning'],
      ['terminated', 3, 'ContainerStateTerminated'],
    ],
    ContainerStateWaiting: [
      ['reason', 1, 'string'],
      ['message', 2, 'string'],
    ],
    ContainerStateRunning: [['startedAt', 1, TIME]],
    ContainerStateTerminated: [
      ['exitCode', 1, 'int32', 'keep'],
      ['signal', 2, 'int32'],
      ['reason', 3, 'string'],
      ['message', 4, 'string'],
      ['startedAt', 5, TIME],
      ['finishedAt', 6, TIME],
      ['containerID', 7, 'string'],
    ],
    ContainerUser: [['linux', 1, 'LinuxContainerUser']],
    LinuxContainerUser: [
      ['uid', 1, 'int64', 'keep'],
      ['gid', 2, 'int64', 'keep'],
      ['supplementalGroups', 3, '[]int64'],
    ],
    VolumeMountStatus: [
      ['name', 1, 'string', 'keep'],
      ['mountPath', 2, 'string', 'keep'],
      ['readOnly', 3, 'bool'],
      ['recursiveReadOnly', 4, 'string', 'keep'],
    ],
  },
};

/**
 * A new, open registry named `kubernetes` with the apimachinery messages and
 * core/v1 Pod, Node, Namespace, ConfigMap (and their lists), and `Status`
 * registered for `v1` and `meta.k8s.io/v1`. Register more packages and kinds
 * on it before handing it to a `ProtobufEncoder`.
 */
export function defaultProtobufSchemas(): ProtobufSchemaRegistry {
  const registry = new ProtobufSchemaRegistry({ name: 'kubernetes' });
  for (const pkg of APIMACHINERY_PROTOBUF_PACKAGES) registry.definePackage(pkg);
  registry.definePackage(CORE_V1_PROTOBUF_PACKAGE);
  const core = 'k8s.io.api.core.v1.';
  for (const kind of ['Pod', 'PodList', 'Node', 'NodeList', 'Namespace', 'NamespaceList', 'ConfigMap', 'ConfigMapList']) {
    registry.registerKind('v1', kind, `${core}${kind}`);
  }
  registry.registerKind('v1', 'Status', 'k8s.io.apimachinery.pkg.apis.meta.v1.Status');
  registry.registerKind('meta.k8s.io/v1', 'Status', 'k8s.io.apimachinery.pkg.apis.meta.v1.Status');
  return registry;
}
