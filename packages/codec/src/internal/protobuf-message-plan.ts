import protobuf from 'protobufjs';
import type { Field, Type } from 'protobufjs';
import type { ProtobufSchemaRegistry } from '../protobuf-schema-registry.js';

/** Scalar proto types the mapping understands. */
export type ScalarKind = 'string' | 'bytes' | 'bool' | 'int32' | 'int64' | 'double';

/**
 * Message types whose JSON shape is not their proto shape (Kubernetes types
 * with custom JSON marshalling).
 */
export type SpecialKind = 'time' | 'microTime' | 'duration' | 'quantity' | 'intOrString' | 'fieldsV1' | 'rawExtension';

const SPECIAL_TYPES: ReadonlyMap<string, SpecialKind> = new Map([
  ['k8s.io.apimachinery.pkg.apis.meta.v1.Time', 'time'],
  ['k8s.io.apimachinery.pkg.apis.meta.v1.MicroTime', 'microTime'],
  ['k8s.io.apimachinery.pkg.apis.meta.v1.Duration', 'duration'],
  ['k8s.io.apimachinery.pkg.apis.meta.v1.FieldsV1', 'fieldsV1'],
  ['k8s.io.apimachinery.pkg.api.resource.Quantity', 'quantity'],
  ['k8s.io.apimachinery.pkg.util.intstr.IntOrString', 'intOrString'],
  ['k8s.io.apimachinery.pkg.runtime.RawExtension', 'rawExtension'],
]);

/** The value type of a field (of each element for repeated fields, of each value for maps). */
export type ValuePlan = { readonly scalar: ScalarKind; readonly message?: undefined } | { readonly scalar?: undefined; readonly message: MessagePlan };

/** One field, precompiled for the walkers. */
export interface FieldPlan {
  readonly name: string;
  readonly id: number;
  readonly repeated: boolean;
  readonly map: boolean;
  readonly keep: boolean;
  readonly inline: boolean;
  readonly value: ValuePlan;
}

/** One message, with its fields in ascending number order (the order Go writes them). */
export interface MessagePlan {
  readonly fullName: string;
  readonly fields: FieldPlan[];
  readonly byNumber: Map<number, FieldPlan>;
  /** Every JSON key the message accepts, including the keys of its inline fields. */
  readonly jsonKeys: Set<string>;
  readonly special: SpecialKind | undefined;
  /** The kinds served by this message; their objects may carry `apiVersion` and `kind`. */
  readonly kinds: { readonly apiVersion: string; readonly kind: string }[];
}

/** Plans of one sealed registry, built on first use of each type. */
export class MessagePlans {
  readonly registry: ProtobufSchemaRegistry;
  readonly #plans = new Map<Type, MessagePlan>();
  readonly #kindsByMessage = new Map<string, { apiVersion: string; kind: string }[]>();

  constructor(registry: ProtobufSchemaRegistry) {
    this.registry = registry.seal();
    for (const { apiVersion, kind, message } of registry.kinds()) {
      let list = this.#kindsByMessage.get(message);
      if (list === undefined) this.#kindsByMessage.set(message, (list = []));
      list.push({ apiVersion, kind });
    }
  }

  /** The plan of the message registered for `apiVersion` + `kind`, if any. */
  forKind(apiVersion: string, kind: string): MessagePlan | undefined {
    const type = this.registry.lookupKind(apiVersion, kind);
    return type === undefined ? undefined : this.forType(type);
  }

  /** The plan of a message by fully qualified name. */
  forName(fullName: string): MessagePlan | undefined {
    const type = this.registry.root.lookup(fullName);
    return type instanceof protobuf.Type ? this.forType(type) : undefined;
  }

  forType(type: Type): MessagePlan {
    const existing = this.#plans.get(type);
    if (existing !== undefined) return existing;
    const fullName = type.fullName.replace(/^\./, '');
    const plan: MessagePlan = {
      fullName,
      fields: [],
      byNumber: new Map(),
      jsonKeys: new Set(),
      special: SPECIAL_TYPES.get(fullName),
      kinds: this.#kindsByMessage.get(fullName) ?? [],
    };
    // Registered before its fields so self-referencing types terminate.
    this.#plans.set(type, plan);
    const fields = [...type.fieldsArray].sort((a, b) => a.id - b.id);
    for (const field of fields) {
      const fieldPlan = this.#fieldPlan(field);
      plan.fields.push(fieldPlan);
      plan.byNumber.set(fieldPlan.id, fieldPlan);
      if (fieldPlan.inline) {
        if (fieldPlan.value.message === undefined) throw new TypeError(`Expected inline field \`${fullName}.${field.name}\` to be a message`);
        for (const key of fieldPlan.value.message.jsonKeys) plan.jsonKeys.add(key);
      } else {
        plan.jsonKeys.add(fieldPlan.name);
      }
    }
    return plan;
  }

  #fieldPlan(field: Field): FieldPlan {
    const options = field.options ?? {};
    const resolved = field.resolvedType;
    let value: ValuePlan;
    if (resolved instanceof protobuf.Type) value = { message: this.forType(resolved) };
    else if (resolved === null && isScalar(field.type)) value = { scalar: field.type };
    else throw new TypeError(`Unsupported type \`${field.type}\` of field \`${field.fullName}\` (enums are not used by Kubernetes)`);
    return {
      name: field.name,
      id: field.id,
      repeated: field.repeated,
      map: field.map,
      keep: options['keep'] === true,
      inline: options['inline'] === true,
      value,
    };
  }
}

function isScalar(type: string): type is ScalarKind {
  return type === 'string' || type === 'bytes' || type === 'bool' || type === 'int32' || type === 'int64' || type === 'double';
}
