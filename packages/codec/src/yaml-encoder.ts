import {
  boolYaml11Tag,
  DUMP_SCHEMA,
  dump,
  floatYaml11Tag,
  intYaml11Tag,
  load,
  mapTag,
  nullYaml11Tag,
  Schema,
  seqTag,
  strTag,
  YAMLException,
} from 'js-yaml';
import type { Codec } from './encoder.js';
import type { KubeObject } from './object.js';
import type { Sink } from './splice-buffer.js';
import { badRequest } from '@apiserver-kit/core';

/** Options of {@link YamlEncoder}. */
export interface YamlEncoderOptions {
  /** Spaces of indentation. @default 2 */
  readonly indent?: number;
  /** Deepest nesting {@link YamlEncoder.decode} accepts. @default 1000 */
  readonly maxDepth?: number;
}

/**
 * Kubernetes reads YAML as YAML 1.1 (`yes`/`on` are booleans, `0755` is octal)
 * and keeps timestamps as strings. Plain JSON data only: no `!!binary`, no
 * timestamps, no merge keys.
 */
const KUBERNETES_YAML_SCHEMA = new Schema([strTag, seqTag, mapTag, nullYaml11Tag, boolYaml11Tag, intYaml11Tag, floatYaml11Tag]);

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

  encode(object: KubeObject, sink: Sink): void {
    sink.writeString(
      dump(object, {
        schema: DUMP_SCHEMA,
        indent: this.indent,
        sortKeys: true,
        noRefs: true,
        lineWidth: -1,
      }),
    );
  }

  /**
   * Parses one YAML document holding a mapping.
   * @throws StatusError BadRequest naming line and column of malformed YAML,
   *   or when the document is not a mapping.
   */
  decode(bytes: Uint8Array): KubeObject {
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
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
    // Aliases share nodes: a few bytes can expand to billions ("billion laughs"). Cap the expansion.
    const budget = 4 * text.length + 1000;
    if (expandedSize(value, budget) > budget) {
      throw badRequest(`invalid YAML: aliases expand the document to more than ${budget} nodes`);
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw badRequest(`invalid YAML: expected a mapping at the top level, got ${value === null ? 'null' : Array.isArray(value) ? 'a sequence' : typeof value}`);
    }
    return value as KubeObject;
  }
}

/** Nodes in `value` with aliases expanded, counting stops just past `budget`. */
function expandedSize(value: unknown, budget: number): number {
  let count = 0;
  const stack: unknown[] = [value];
  while (stack.length > 0 && count <= budget) {
    const node = stack.pop();
    count++;
    if (typeof node === 'object' && node !== null) {
      for (const child of Array.isArray(node) ? node : Object.values(node)) stack.push(child);
    }
  }
  return count;
}
