/**
 * Selectable fields per resource: which field labels a field selector may use
 * on a resource, and the function that computes their values for one object
 * version. A store computes the field set once when a version arrives and
 * keeps it beside the object; every LIST, watch filter and index then reads
 * that frozen record, instead of building a fresh map per object per request.
 */
import type { KubeObject } from '@apiserver-kit/codec';
import type { SupportedFields } from './field-selector.js';
import { goQuote } from './internal/go-format.js';

/** How one resource's selectable fields are declared. */
export interface SelectableFieldsDefinition {
  /** Every field name {@link SelectableFieldsDefinition.compute} sets, e.g. `spec.nodeName`. */
  readonly fields: readonly string[];
  /** Old names accepted in selectors and rewritten to a field, e.g. `spec.host` → `spec.nodeName`. */
  readonly aliases?: Readonly<Record<string, string>> | undefined;
  /**
   * Computes the field values of one object version. Called once per version;
   * return an object literal with the same keys in the same order every time
   * (objects of one shape share a hidden class, so matching stays monomorphic).
   * The result is frozen by {@link SelectableFields.compute}.
   */
  readonly compute: (object: KubeObject) => Record<string, string>;
  /**
   * The message for an unsupported field label.
   * @default `field label not supported: <label>`
   */
  readonly unsupportedFieldMessage?: ((label: string) => string) | undefined;
}

/** One resource's selectable fields; also the check {@link parseFieldSelector} runs. */
export class SelectableFields implements SupportedFields {
  /** The resource, e.g. `pods`. */
  readonly resource: string;
  /** The field names, frozen. */
  readonly fields: readonly string[];
  readonly #names: ReadonlyMap<string, string>;
  readonly #compute: (object: KubeObject) => Record<string, string>;
  readonly #message: (label: string) => string;

  constructor(resource: string, definition: SelectableFieldsDefinition) {
    this.resource = resource;
    this.fields = Object.freeze([...definition.fields]);
    const names = new Map<string, string>(this.fields.map((f) => [f, f]));
    for (const [alias, field] of Object.entries(definition.aliases ?? {})) {
      if (!names.has(field)) {
        throw new TypeError(`Expected alias \`${alias}\` to name one of the fields of \`${resource}\`, got \`${field}\` (string)`);
      }
      names.set(alias, field);
    }
    this.#names = names;
    this.#compute = definition.compute;
    this.#message = definition.unsupportedFieldMessage ?? ((label) => `field label not supported: ${label}`);
  }

  /** The field `label` selects (itself or an alias's target), or `undefined` when unsupported. */
  resolveField(label: string): string | undefined {
    return this.#names.get(label);
  }

  /** The BadRequest message for an unsupported `label`. */
  unsupportedFieldMessage(label: string): string {
    return this.#message(label);
  }

  /**
   * The frozen field set of one object version. Call once per version and keep
   * the result; it allocates one small object.
   */
  compute(object: KubeObject): Readonly<Record<string, string>> {
    return Object.freeze(this.#compute(object));
  }
}

function at(object: unknown, first: string, second?: string): unknown {
  if (typeof object !== 'object' || object === null) return undefined;
  const value = (object as Record<string, unknown>)[first];
  return second === undefined ? value : at(value, second);
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

// Go's strconv.FormatBool of a bool field that defaults to false.
function bool(value: unknown): string {
  return value === true ? 'true' : 'false';
}

function name(object: KubeObject): string {
  return text(object.metadata?.name);
}

function namespace(object: KubeObject): string {
  return text(object.metadata?.namespace);
}

function podIP(object: KubeObject): string {
  // Kubernetes reads the internal PodIPs[0]; on the wire (v1) that is
  // status.podIPs[0].ip, filled from status.podIP when podIPs is absent.
  const ips = at(object, 'status', 'podIPs');
  if (Array.isArray(ips) && ips.length > 0) return text(at(ips[0], 'ip'));
  return text(at(object, 'status', 'podIP'));
}

/**
 * The default for resources without a definition: `metadata.name` and
 * `metadata.namespace` (`""` for cluster-scoped objects), with Kubernetes'
 * message for other labels: `"spec.foo" is not a known field selector: only
 * "metadata.name", "metadata.namespace"`.
 */
export const METADATA_SELECTABLE_FIELDS: SelectableFieldsDefinition = Object.freeze({
  fields: Object.freeze(['metadata.name', 'metadata.namespace']),
  compute: (o: KubeObject): Record<string, string> => ({ 'metadata.name': name(o), 'metadata.namespace': namespace(o) }),
  unsupportedFieldMessage: (label: string): string =>
    `${goQuote(label)} is not a known field selector: only "metadata.name", "metadata.namespace"`,
});

/**
 * The core/v1 resources whose field selectors Kubernetes extends, with its
 * fields, value formatting (booleans as `true`/`false`, integers in decimal,
 * missing values as `""`) and supported labels (k8s.io/kubernetes
 * `pkg/apis/core/v1/conversion.go` and `pkg/registry/core/<resource>/strategy.go`).
 * Cluster-scoped nodes and namespaces do not support `metadata.namespace`,
 * exactly as in Kubernetes.
 */
export const KUBERNETES_SELECTABLE_FIELDS: Readonly<Record<string, SelectableFieldsDefinition>> = Object.freeze({
  pods: {
    fields: [
      'metadata.name',
      'metadata.namespace',
      'spec.nodeName',
      'spec.restartPolicy',
      'spec.schedulerName',
      'spec.serviceAccountName',
      'spec.hostNetwork',
      'status.phase',
      'status.podIP',
      'status.nominatedNodeName',
    ],
    aliases: { 'spec.host': 'spec.nodeName' },
    compute: (o: KubeObject): Record<string, string> => ({
      'metadata.name': name(o),
      'metadata.namespace': namespace(o),
      'spec.nodeName': text(at(o, 'spec', 'nodeName')),
      'spec.restartPolicy': text(at(o, 'spec', 'restartPolicy')),
      'spec.schedulerName': text(at(o, 'spec', 'schedulerName')),
      'spec.serviceAccountName': text(at(o, 'spec', 'serviceAccountName')),
      'spec.hostNetwork': bool(at(o, 'spec', 'hostNetwork')),
      'status.phase': text(at(o, 'status', 'phase')),
      'status.podIP': podIP(o),
      'status.nominatedNodeName': text(at(o, 'status', 'nominatedNodeName')),
    }),
  },
  nodes: {
    fields: ['metadata.name', 'spec.unschedulable'],
    compute: (o: KubeObject): Record<string, string> => ({
      'metadata.name': name(o),
      'spec.unschedulable': bool(at(o, 'spec', 'unschedulable')),
    }),
  },
  namespaces: {
    fields: ['metadata.name', 'status.phase'],
    compute: (o: KubeObject): Record<string, string> => ({
      'metadata.name': name(o),
      'status.phase': text(at(o, 'status', 'phase')),
    }),
  },
  replicationcontrollers: {
    fields: ['metadata.name', 'metadata.namespace', 'status.replicas'],
    compute: (o: KubeObject): Record<string, string> => {
      const replicas = at(o, 'status', 'replicas');
      return {
        'metadata.name': name(o),
        'metadata.namespace': namespace(o),
        'status.replicas': typeof replicas === 'number' && Number.isInteger(replicas) ? String(replicas) : '0',
      };
    },
  },
  secrets: {
    fields: ['metadata.name', 'metadata.namespace', 'type'],
    compute: (o: KubeObject): Record<string, string> => ({
      'metadata.name': name(o),
      'metadata.namespace': namespace(o),
      type: text(o['type']),
    }),
  },
  services: {
    fields: ['metadata.name', 'metadata.namespace', 'spec.clusterIP', 'spec.type'],
    compute: (o: KubeObject): Record<string, string> => ({
      'metadata.name': name(o),
      'metadata.namespace': namespace(o),
      'spec.clusterIP': text(at(o, 'spec', 'clusterIP')),
      'spec.type': text(at(o, 'spec', 'type')),
    }),
  },
  events: {
    fields: [
      'metadata.name',
      'metadata.namespace',
      'involvedObject.kind',
      'involvedObject.namespace',
      'involvedObject.name',
      'involvedObject.uid',
      'involvedObject.apiVersion',
      'involvedObject.resourceVersion',
      'involvedObject.fieldPath',
      'reason',
      'reportingComponent',
      'source',
      'type',
    ],
    compute: (o: KubeObject): Record<string, string> => {
      const reportingComponent = text(o['reportingComponent']);
      const source = text(at(o, 'source', 'component'));
      return {
        'metadata.name': name(o),
        'metadata.namespace': namespace(o),
        'involvedObject.kind': text(at(o, 'involvedObject', 'kind')),
        'involvedObject.namespace': text(at(o, 'involvedObject', 'namespace')),
        'involvedObject.name': text(at(o, 'involvedObject', 'name')),
        'involvedObject.uid': text(at(o, 'involvedObject', 'uid')),
        'involvedObject.apiVersion': text(at(o, 'involvedObject', 'apiVersion')),
        'involvedObject.resourceVersion': text(at(o, 'involvedObject', 'resourceVersion')),
        'involvedObject.fieldPath': text(at(o, 'involvedObject', 'fieldPath')),
        reason: text(o['reason']),
        reportingComponent,
        source: source === '' ? reportingComponent : source,
        type: text(o['type']),
      };
    },
  },
});

/** Options of {@link SelectableFieldsRegistry}. */
export interface SelectableFieldsRegistryOptions {
  /**
   * Register Kubernetes' core/v1 definitions ({@link KUBERNETES_SELECTABLE_FIELDS}).
   * @default true
   */
  readonly kubernetesDefaults?: boolean | undefined;
}

/**
 * Selectable fields by resource. Resources without a definition get
 * {@link METADATA_SELECTABLE_FIELDS}. Look a resource up once (when a cache
 * or request handler is built), not per object.
 */
export class SelectableFieldsRegistry {
  readonly #byResource = new Map<string, SelectableFields>();
  readonly #defaults = new Map<string, SelectableFields>();

  constructor(options: SelectableFieldsRegistryOptions = {}) {
    if (options.kubernetesDefaults ?? true) {
      for (const [resource, definition] of Object.entries(KUBERNETES_SELECTABLE_FIELDS)) this.register(resource, definition);
    }
  }

  /**
   * Defines (or replaces) the selectable fields of `resource` — the name the
   * host keys it by, e.g. `pods` or `widgets.example.com`.
   * @throws TypeError if an alias names a field not in `definition.fields`.
   */
  register(resource: string, definition: SelectableFieldsDefinition): SelectableFields {
    const fields = new SelectableFields(resource, definition);
    this.#byResource.set(resource, fields);
    this.#defaults.delete(resource);
    return fields;
  }

  /** Whether `resource` has its own definition. */
  has(resource: string): boolean {
    return this.#byResource.has(resource);
  }

  /** The selectable fields of `resource`: its definition, or the metadata-only default (created once). */
  get(resource: string): SelectableFields {
    let fields = this.#byResource.get(resource) ?? this.#defaults.get(resource);
    if (fields === undefined) {
      fields = new SelectableFields(resource, METADATA_SELECTABLE_FIELDS);
      this.#defaults.set(resource, fields);
    }
    return fields;
  }
}
