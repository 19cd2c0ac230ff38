/**
 * The `apiVersion` and `kind` of the built-in Kubernetes resources a cache is
 * most often put in front of, by resource name. Kubernetes' cacher builds its
 * BOOKMARK objects from the resource's new-object function (cacher.go
 * `newFunc`), so a bookmark always names the resource's own kind — also on an
 * empty resource, where no object has been seen to learn it from. client-go's
 * WatchList informer drops a bookmark of another kind and never syncs.
 */
import { received } from '@apiserver-kit/core';

/** The type of the objects of a resource, as their `apiVersion` and `kind` fields carry it. */
export interface ObjectKind {
  readonly apiVersion: string;
  readonly kind: string;
}

const core = (kind: string): ObjectKind => Object.freeze({ apiVersion: 'v1', kind });
const group = (apiVersion: string, kind: string): ObjectKind => Object.freeze({ apiVersion, kind });

/**
 * Built-in resources (plural, lower case, as in the URL) and their kinds:
 * core/v1, apps/v1, batch/v1, coordination.k8s.io/v1, discovery.k8s.io/v1,
 * networking.k8s.io/v1, policy/v1, rbac.authorization.k8s.io/v1,
 * storage.k8s.io/v1, scheduling.k8s.io/v1, apiextensions.k8s.io/v1.
 */
export const BUILT_IN_RESOURCE_KINDS: ReadonlyMap<string, ObjectKind> = new Map<string, ObjectKind>([
  ['pods', core('Pod')],
  ['nodes', core('Node')],
  ['namespaces', core('Namespace')],
  ['configmaps', core('ConfigMap')],
  ['secrets', core('Secret')],
  ['services', core('Service')],
  ['endpoints', core('Endpoints')],
  ['events', core('Event')],
  ['serviceaccounts', core('ServiceAccount')],
  ['persistentvolumes', core('PersistentVolume')],
  ['persistentvolumeclaims', core('PersistentVolumeClaim')],
  ['replicationcontrollers', core('ReplicationController')],
  ['limitranges', core('LimitRange')],
  ['resourcequotas', core('ResourceQuota')],
  ['podtemplates', core('PodTemplate')],
  ['deployments', group('apps/v1', 'Deployment')],
  ['replicasets', group('apps/v1', 'ReplicaSet')],
  ['statefulsets', group('apps/v1', 'StatefulSet')],
  ['daemonsets', group('apps/v1', 'DaemonSet')],
  ['controllerrevisions', group('apps/v1', 'ControllerRevision')],
  ['jobs', group('batch/v1', 'Job')],
  ['cronjobs', group('batch/v1', 'CronJob')],
  ['leases', group('coordination.k8s.io/v1', 'Lease')],
  ['endpointslices', group('discovery.k8s.io/v1', 'EndpointSlice')],
  ['ingresses', group('networking.k8s.io/v1', 'Ingress')],
  ['networkpolicies', group('networking.k8s.io/v1', 'NetworkPolicy')],
  ['poddisruptionbudgets', group('policy/v1', 'PodDisruptionBudget')],
  ['roles', group('rbac.authorization.k8s.io/v1', 'Role')],
  ['rolebindings', group('rbac.authorization.k8s.io/v1', 'RoleBinding')],
  ['clusterroles', group('rbac.authorization.k8s.io/v1', 'ClusterRole')],
  ['clusterrolebindings', group('rbac.authorization.k8s.io/v1', 'ClusterRoleBinding')],
  ['storageclasses', group('storage.k8s.io/v1', 'StorageClass')],
  ['priorityclasses', group('scheduling.k8s.io/v1', 'PriorityClass')],
  ['customresourcedefinitions', group('apiextensions.k8s.io/v1', 'CustomResourceDefinition')],
]);

/**
 * The kind of `resource`'s objects: `given` when set (checked), else the
 * built-in table's entry.
 *
 * @throws TypeError when `given` is not `{ apiVersion, kind }` of non-empty
 *   strings, or when it is unset and `resource` is not in
 *   {@link BUILT_IN_RESOURCE_KINDS} (a bookmark must never go out as another kind).
 */
export function resolveObjectKind(resource: string, given: ObjectKind | undefined): ObjectKind {
  if (given !== undefined) {
    if (typeof given !== 'object' || given === null || !isName(given.apiVersion) || !isName(given.kind)) {
      throw new TypeError(`Expected \`objectKind\` to be { apiVersion, kind } of non-empty strings, got ${received(given)}`);
    }
    return { apiVersion: given.apiVersion, kind: given.kind };
  }
  const known = BUILT_IN_RESOURCE_KINDS.get(resource);
  if (known === undefined) {
    throw new TypeError(
      `Expected \`objectKind\` for resource ${JSON.stringify(resource)} (not a built-in resource): bookmarks must carry the resource's own apiVersion and kind, got ${received(given)}`,
    );
  }
  return known;
}

function isName(value: unknown): value is string {
  return typeof value === 'string' && value !== '';
}
