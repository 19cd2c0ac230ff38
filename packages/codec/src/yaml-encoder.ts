import {
  boolYaml11Tag,
  DUMP_SCHEMA,
  defineScalarTag,
  dump,
  floatYaml11Tag,
  intYaml11Tag,
  load,
  mapTag,
  NOT_RESOLVED,
  nullYaml11Tag,
  Schema,
  seqTag,
  strTag,
  YAMLException,
} from 'js-yaml';
import type { Codec } from './encoder.js';
import { encodeError, notBytesMessage } from './internal/encode-error.js';
import { measureExpansion } from './internal/yaml-expansion.js';
import type { KubeObject } from './object.js';
import type { Sink } from './splice-buffer.js';
import { badRequest } from '@apiserver-kit/core';

/**
 * How many times the body's size the JSON of a YAML document may reach once
 * its aliases are expanded (see {@link YamlEncoder.decode}).
 */
export const YAML_EXPANSION_FACTOR = 16;

/** Bytes of expansion every YAML body is allowed beyond {@link YAML_EXPANSION_FACTOR} times its size. */
export const YAML_EXPANSION_SLACK_BYTES: number = 1024 * 1024;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Options of {@link YamlEncoder}. */
export interface YamlEncoderOptions {
  /** Spaces of indentation. @default 2 */
  readonly indent?: number | undefined;
  /** Deepest nesting {@link YamlEncoder.decode} accepts. @default 1000 */
  readonly maxDepth?: number | undefined;
}

/**
 * Kubernetes reads YAML as YAML 1.1 (`yes`/`on` are booleans, `0755` is octal)
 * and keeps timestamps as strings. Plain JSON data only: no `!!binary`, no
 * timestamps, no merge keys.
 */
const KUBERNETES_YAML_SCHEMA = new Schema([strTag, seqTag, mapTag, nullYaml11Tag, boolYaml11Tag, intYaml11Tag, floatYaml11Tag]);

/**
 * The plain scalars kubectl's YAML reader (go-yaml v2 `resolve`) takes for
 * numbers: those starting with a digit, a sign or a dot that parse as a Go
 * integer (any base) or float once every `_` is removed — `-_0`, `1_000`,
 * `08`. js-yaml's YAML 1.1 rules miss some of them (`-_0`, `+_1`), so without
 * this tag such a string would be written plain and come back as a number.
 * Dump-only: it only tells the dumper to quote.
 */
const GO_YAML_INT = /^[-+]?(?:0[xX][0-9a-fA-F]+|0[oO]?[0-7]+|0[bB][01]+|[0-9]+)$/;
const GO_YAML_FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/;
const goYamlNumberTag = defineScalarTag('tag:apiserver-kit.io,2026:go-yaml-number', {
  implicit: true,
  implicitFirstChars: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '-', '+', '.'],
  resolve: (source: string) => {
    const plain = source.replaceAll('_', '');
    return GO_YAML_INT.test(plain) || GO_YAML_FLOAT.test(plain) ? plain : NOT_RESOLVED;
  },
  identify: () => false,
});
const KUBECTL_SAFE_DUMP_SCHEMA: Schema = DUMP_SCHEMA.withTags(goYamlNumberTag);

/**
 * YAML (`application/yaml`) in block style with sorted keys. Every string that
 * a YAML 1.1 or 1.2 reader could take for something else (`yes`, `0755`,
 * `1.0`, `null`, a date) is quoted, so `kubectl apply -f` reads back exactly
 * the object that was written.
 *
 * YAML has no watch framing in Kubernetes, and lists are encoded whole.
 */
export class YamlEncoder implements Codec {
  readonly identifier: string;
  readonly mediaType: string = 'application/yaml';
  readonly indent: number;
  readonly maxDepth: number;

  constructor(options: YamlEncoderOptions = {}) {
    const indent = options.indent ?? 2;
    if (!Number.isInteger(indent) || indent < 1 || indent > 10) {
      throw new RangeError(`Expected \`indent\` to be an integer from 1 to 10, got \`${String(indent)}\` (${typeof indent})`);
    }
    const maxDepth = options.maxDepth ?? 1000;
    if (!Number.isInteger(maxDepth) || maxDepth < 1) {
      throw new RangeError(`Expected \`maxDepth\` to be a positive integer, got \`${String(maxDepth)}\` (${typeof maxDepth})`);
    }
    this.indent = indent;
    this.maxDepth = maxDepth;
    this.identifier = `yaml;indent=${indent};sorted;width=unlimited`;
  }

  /**
   * Writes `object` as one YAML document. `undefined` values are left out of
   * mappings (null in sequences), as in JSON.
   * @throws StatusError InternalError for what YAML cannot hold here: a BigInt,
   *   a function, a symbol, a Map or class instance, a cycle, nesting deep
   *   enough to overflow the stack.
   */
  encode(object: KubeObject, sink: Sink): void {
    let text: string;
    try {
      text = dump(object, {
        schema: KUBECTL_SAFE_DUMP_SCHEMA,
        indent: this.indent,
        sortKeys: true,
        noRefs: true,
        lineWidth: -1,
      });
    } catch (error) {
      throw encodeError('YAML', object, error);
    }
    sink.writeString(text);
  }

  /**
   * Parses one YAML document holding a mapping.
   *
   * Aliases share the node they name, so a small body can stand for a huge
   * document ("billion laughs"; Kubernetes' YAML reader refuses "excessive
   * aliasing"). The document with aliases expanded is measured without
   * expanding it (each distinct node once) and refused when its JSON would
   * exceed {@link YAML_EXPANSION_FACTOR} times the body plus
   * {@link YAML_EXPANSION_SLACK_BYTES}, or nest deeper than `maxDepth`, or when
   * an alias names a node that contains it (a cycle, which JSON cannot hold).
   *
   * @throws StatusError BadRequest naming line and column of malformed YAML,
   *   for the expansion, depth and cycle limits above, or when the document is
   *   not a mapping.
   */
  decode(bytes: Uint8Array): KubeObject {
    const notBytes = notBytesMessage('YAML', bytes);
    if (notBytes !== undefined) throw badRequest(notBytes);
    let text: string;
    try {
      text = utf8.decode(bytes);
    } catch (error) {
      throw badRequest('invalid YAML: the body is not valid UTF-8', error);
    }
    let value: unknown;
    try {
      value = load(text, { schema: KUBERNETES_YAML_SCHEMA, maxDepth: this.maxDepth });
    } catch (error) {
      if (error instanceof YAMLException && error.mark !== undefined) {
        throw badRequest(
          `invalid YAML at line ${error.mark.line + 1}, column ${error.mark.column + 1} (offset ${error.mark.position}): ${error.reason}`,
          error,
        );
      }
      const reason = error instanceof YAMLException ? error.reason : error instanceof Error ? error.message : String(error);
      throw badRequest(`invalid YAML: ${reason}`, error);
    }
    const maxBytes = YAML_EXPANSION_FACTOR * bytes.byteLength + YAML_EXPANSION_SLACK_BYTES;
    const refusal = measureExpansion(value, maxBytes, this.maxDepth);
    if (refusal !== undefined) throw badRequest(`invalid YAML: ${refusal}`);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw badRequest(`invalid YAML: expected a mapping at the top level, got ${value === null ? 'null' : Array.isArray(value) ? 'a sequence' : typeof value}`);
    }
    return value as KubeObject;
  }
}
