import { createHash } from 'node:crypto';
import protobuf from 'protobufjs';
import type { Namespace, Root, Type } from 'protobufjs';

/**
 * A field flag of a {@link ProtobufFieldDefinition}:
 *
 * - `keep`: a zero value read from the wire is kept in the decoded object.
 *   Set it on Go pointer fields (`*bool`, `*int64`, `*string`, where `false`
 *   and `0` mean something else than absent) and on fields whose JSON tag has
 *   no `omitempty`. Without it a zero scalar on the wire is dropped, as Go's
 *   JSON encoding of a non-pointer `omitempty` field would drop it. On a
 *   repeated field it makes an absent list decode as `[]` (list `items`).
 * - `inline`: the field is a Go embedded struct (`json:",inline"`): its
 *   message's JSON fields sit in the parent's JSON object (e.g. `Probe.handler`,
 *   `Volume.volumeSource`, `ConfigMapKeySelector.localObjectReference`).
 */
export type ProtobufFieldFlag = 'keep' | 'inline';

/**
 * One field of a message: `[name, number, type, flag?]`.
 *
 * `name` is the JSON name (Kubernetes' proto field names are the JSON names);
 * `number` the Kubernetes field number; `type` one of `string`, `bytes`,
 * `bool`, `int32`, `int64`, `double`, or a message type name (relative to the
 * package, or fully qualified with a leading dot), prefixed by `[]` for a
 * repeated field, or `map[string]<type>` for a map.
 */
export type ProtobufFieldDefinition = readonly [name: string, number: number, type: string, flag?: ProtobufFieldFlag];

/** The messages of one proto package, by short message name. */
export interface ProtobufPackage {
  /** The proto package, e.g. `k8s.io.api.core.v1`. */
  readonly package: string;
  /** Fields of each message, declared in ascending field-number order. */
  readonly messages: Readonly<Record<string, readonly ProtobufFieldDefinition[]>>;
}

/** A kind registered in a {@link ProtobufSchemaRegistry}. */
export interface ProtobufKind {
  readonly apiVersion: string;
  readonly kind: string;
  /** The fully qualified message name, e.g. `k8s.io.api.core.v1.Pod`. */
  readonly message: string;
}

/** Options of {@link ProtobufSchemaRegistry}. */
export interface ProtobufSchemaRegistryOptions {
  /** A name for the set of schemas; part of the encoder identifier. */
  readonly name: string;
}

const SCALARS: ReadonlySet<string> = new Set(['string', 'bytes', 'bool', 'int32', 'int64', 'double']);
const MAP_PREFIX = 'map[string]';

/**
 * The protobuf message types a host can encode, as protobufjs reflection
 * types built from compact field tables (no `.proto` files, no code
 * generation), and the `apiVersion` + `kind` → message mapping.
 *
 * Build it, then {@link seal} it (a `ProtobufEncoder` seals the registry it is
 * given): after sealing it is immutable, and {@link identity} — a hash of
 * every definition and kind — goes into the encoder's identifier, so encoders
 * over different schemas never share cached bytes.
 */
export class ProtobufSchemaRegistry {
  /** The name given in the options. */
  readonly name: string;
  /** The protobufjs root holding every defined message type. */
  readonly root: Root;
  readonly #kinds = new Map<string, ProtobufKind>();
  readonly #definitions: { package: string; name: string; fields: readonly ProtobufFieldDefinition[] }[] = [];
  #identity: string | undefined;
  /** protobufjs marks fields resolved even when resolution fails, so a failure is remembered. */
  #sealError: TypeError | undefined;

  /** @throws TypeError when `name` is empty. */
  constructor(options: ProtobufSchemaRegistryOptions) {
    if (typeof options.name !== 'string' || options.name === '' || /[;,=\s]/.test(options.name)) {
      throw new TypeError(`Expected \`name\` to be a non-empty string without spaces, ';', ',' or '=', got \`${String(options.name)}\` (${typeof options.name})`);
    }
    this.name = options.name;
    this.root = new protobuf.Root();
  }

  /** Whether {@link seal} has been called; a sealed registry accepts no more definitions. */
  get isSealed(): boolean {
    return this.#identity !== undefined;
  }

  /**
   * Adds the messages of one package. Field types may refer to messages defined
   * later; they are resolved by {@link seal}.
   * @throws TypeError when the registry is sealed, a type is malformed, or a name or number repeats.
   */
  definePackage(pkg: ProtobufPackage): this {
    this.#assertOpen();
    const namespace: Namespace = this.root.define(pkg.package);
    for (const [name, fields] of Object.entries(pkg.messages)) {
      const type = new protobuf.Type(name);
      let previous = 0;
      for (const [fieldName, id, typeName, flag] of fields) {
        if (!Number.isInteger(id) || id < 1 || id > 536_870_911) {
          throw new TypeError(`Expected the number of field \`${pkg.package}.${name}.${fieldName}\` to be a protobuf field number, got \`${String(id)}\``);
        }
        if (id <= previous) {
          throw new TypeError(`Expected the fields of \`${pkg.package}.${name}\` in ascending number order, got ${id} after ${previous}`);
        }
        previous = id;
        const options = flag === undefined ? undefined : { [flag]: true };
        try {
          type.add(makeField(fieldName, id, typeName, options));
        } catch (error) {
          throw new TypeError(`Invalid field \`${pkg.package}.${name}.${fieldName}\`: ${(error as Error).message}`, { cause: error });
        }
      }
      try {
        namespace.add(type);
      } catch (error) {
        throw new TypeError(`Invalid message \`${pkg.package}.${name}\`: ${(error as Error).message}`, { cause: error });
      }
      this.#definitions.push({ package: pkg.package, name, fields });
    }
    return this;
  }

  /**
   * Maps `apiVersion` + `kind` to a message (fully qualified name). One message
   * may serve several kinds (`Status` in every group).
   * @throws TypeError when the registry is sealed or the pair is already registered.
   */
  registerKind(apiVersion: string, kind: string, message: string): this {
    this.#assertOpen();
    const key = kindKey(apiVersion, kind);
    if (this.#kinds.has(key)) throw new TypeError(`Expected \`${apiVersion}, Kind=${kind}\` to be registered once, got a second registration`);
    this.#kinds.set(key, { apiVersion, kind, message: message.replace(/^\./, '') });
    return this;
  }

  /**
   * Resolves every type reference and freezes the registry. Idempotent.
   * @throws TypeError naming an unresolvable type or a kind without a message.
   */
  seal(): this {
    if (this.#identity !== undefined) return this;
    if (this.#sealError !== undefined) throw this.#sealError;
    try {
      this.root.resolveAll();
    } catch (error) {
      this.#sealError = new TypeError(`Invalid protobuf schemas "${this.name}": ${(error as Error).message}`, { cause: error });
      throw this.#sealError;
    }
    for (const kind of this.#kinds.values()) {
      if (this.#lookupType(kind.message) === undefined) {
        throw new TypeError(`Expected kind \`${kind.apiVersion}, Kind=${kind.kind}\` to name a defined message, got \`${kind.message}\``);
      }
    }
    const hash = createHash('sha256');
    hash.update(JSON.stringify(this.#definitions));
    hash.update(JSON.stringify([...this.#kinds.values()].sort((a, b) => compare(kindKey(a.apiVersion, a.kind), kindKey(b.apiVersion, b.kind)))));
    this.#identity = `${this.name}@${hash.digest('hex').slice(0, 16)}`;
    return this;
  }

  /** `<name>@<hash of the definitions and kinds>`; seals the registry. */
  get identity(): string {
    return this.seal().#identity!;
  }

  /** The message type registered for `apiVersion` + `kind`, if any. */
  lookupKind(apiVersion: string, kind: string): Type | undefined {
    const entry = this.#kinds.get(kindKey(apiVersion, kind));
    return entry === undefined ? undefined : this.#lookupType(entry.message);
  }

  /** Every registered kind, in registration order. */
  kinds(): ProtobufKind[] {
    return [...this.#kinds.values()];
  }

  #lookupType(fullName: string): Type | undefined {
    const found = this.root.lookup(fullName);
    return found instanceof protobuf.Type ? found : undefined;
  }

  #assertOpen(): void {
    if (this.#identity !== undefined) {
      throw new TypeError(`Expected the protobuf schema registry "${this.name}" to be open, got a sealed registry (encoders seal it)`);
    }
  }
}

function makeField(name: string, id: number, typeName: string, options: Record<string, boolean> | undefined): protobuf.Field | protobuf.MapField {
  if (typeName.startsWith(MAP_PREFIX)) {
    return new protobuf.MapField(name, id, 'string', checkType(typeName.slice(MAP_PREFIX.length)), options);
  }
  if (typeName.startsWith('[]')) return new protobuf.Field(name, id, checkType(typeName.slice(2)), 'repeated', undefined, options);
  return new protobuf.Field(name, id, checkType(typeName), 'optional', undefined, options);
}

function checkType(typeName: string): string {
  if (SCALARS.has(typeName) || /^\.?[A-Za-z_][\w]*(\.[A-Za-z_][\w]*)*$/.test(typeName)) return typeName;
  throw new TypeError(`unknown type syntax \`${typeName}\``);
}

function kindKey(apiVersion: string, kind: string): string {
  return `${apiVersion}\u0000${kind}`;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
