/**
 * The status Kubernetes gives a pod on create (`podStrategy.PrepareForCreate`):
 * phase Pending and the pod's QoS class (`qos.GetPodQOS`), so that
 * `kubectl get pods` prints `Pending` for a pod just created from a manifest
 * rather than an empty STATUS.
 */

/** The quantity suffixes Kubernetes accepts, as multipliers. */
const SUFFIXES: Readonly<Record<string, number>> = {
  '': 1,
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

/** A resource quantity (`100m`, `1.5Gi`, `1e3`) as a number; NaN when it does not parse (then it counts as set and unequal to anything). */
function quantityValue(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value !== 'string') return Number.NaN;
  const match = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:([eE][+-]?\d+)|(n|u|m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei))?$/.exec(value.trim());
  if (match === null) return Number.NaN;
  const base = Number(match[1]);
  if (match[2] !== undefined) return base * 10 ** Number(match[2].slice(1));
  return base * (SUFFIXES[match[3] ?? ''] ?? Number.NaN);
}

function recordOf(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** The compute resources that decide the QoS class (`isSupportedQoSComputeResource`). */
const QOS_RESOURCES: readonly string[] = ['cpu', 'memory'];

/**
 * A pod's QoS class from its containers' and init containers' resources:
 * BestEffort without any cpu/memory request or limit; Guaranteed when every
 * container limits both and each request equals its limit (an unset request
 * defaults to the limit, as Kubernetes' defaulting does before); else Burstable.
 */
export function podQosClass(spec: unknown): 'BestEffort' | 'Burstable' | 'Guaranteed' {
  const specRecord = recordOf(spec);
  const containers = [specRecord['initContainers'], specRecord['containers']].flatMap((list) => (Array.isArray(list) ? list : []));
  const requests = new Map<string, number>();
  const limits = new Map<string, number>();
  let guaranteed = true;
  for (const container of containers) {
    const resources = recordOf(recordOf(container)['resources']);
    const limitsOf = recordOf(resources['limits']);
    const requestsOf = recordOf(resources['requests']);
    const found = new Set<string>();
    for (const name of QOS_RESOURCES) {
      const limit = quantityValue(limitsOf[name]);
      const request = name in requestsOf ? quantityValue(requestsOf[name]) : limit;
      if (name in requestsOf || name in limitsOf) {
        if (request !== 0) requests.set(name, (requests.get(name) ?? 0) + request);
        if (limit !== 0 && name in limitsOf) {
          found.add(name);
          limits.set(name, (limits.get(name) ?? 0) + limit);
        }
      }
    }
    if (found.size < QOS_RESOURCES.length) guaranteed = false;
  }
  if (requests.size === 0 && limits.size === 0) return 'BestEffort';
  if (guaranteed && requests.size === limits.size && [...requests].every(([name, request]) => limits.get(name) === request)) return 'Guaranteed';
  return 'Burstable';
}

/** The status of a pod being created: `{ phase: 'Pending', qosClass }`. */
export function initialPodStatus(spec: unknown): { phase: 'Pending'; qosClass: string } {
  return { phase: 'Pending', qosClass: podQosClass(spec) };
}
