/**
 * One requirement of a label selector (`tier in (web,api)`), its validation
 * with Kubernetes' `NewRequirement` messages, and its allocation-free match.
 */
import { badRequest } from '@apiserver-kit/codec';
import type { StatusError } from '@apiserver-kit/codec';
import { compareBytewise, compareInt64, goJsonStrings, goQuote, parseGoInt64 } from './internal/go-format.js';
import { validateLabelKey, validateLabelValue } from './label-validation.js';

/**
 * A label selector operator, spelled as Kubernetes' `selection.Operator`
 * (`exists` is a bare key, `!` is `!key`, `gt`/`lt` are `>`/`<`).
 */
export type LabelOperator = 'in' | 'notin' | '=' | '==' | '!=' | 'exists' | '!' | 'gt' | 'lt';

/**
 * The labels of one object version: a plain record, normally the object's own
 * (deep-frozen) `metadata.labels`, so that nothing is computed or copied per
 * version. `undefined` means no labels.
 */
export type LabelSet = Readonly<Record<string, string>> | undefined;

const OPERATORS: readonly LabelOperator[] = ['in', 'notin', '=', '==', '!=', 'gt', 'lt', 'exists', '!'];

/** `in` sets larger than this are matched through a `Set` instead of a scan. */
const SET_LOOKUP_THRESHOLD = 8;

/**
 * A validated requirement: key, operator and values (sorted byte-wise and
 * de-duplicated, as Kubernetes' parser leaves them). Immutable; build it with
 * {@link labelRequirement} or get it from {@link parseLabelSelector}.
 */
export class LabelRequirement {
  /** The label key. */
  readonly key: string;
  /** The operator. */
  readonly operator: LabelOperator;
  /** The values, sorted byte-wise, unique; empty for `exists` and `!`. Frozen. */
  readonly values: readonly string[];
  readonly #set: ReadonlySet<string> | undefined;
  readonly #bound: number | bigint;

  /** @internal Use {@link labelRequirement}, which validates. */
  constructor(key: string, operator: LabelOperator, values: readonly string[]) {
    this.key = key;
    this.operator = operator;
    this.values = Object.freeze(sortUnique(values));
    this.#set = this.values.length > SET_LOOKUP_THRESHOLD ? new Set(this.values) : undefined;
    this.#bound = operator === 'gt' || operator === 'lt' ? (parseGoInt64(this.values[0] ?? '') ?? 0) : 0;
  }

  /**
   * Whether `labels` satisfy this requirement, with Kubernetes' semantics: a
   * missing key fails `in`/`=`/`exists`/`gt`/`lt` and passes `notin`/`!=`/`!`;
   * `gt`/`lt` compare the label as a 64-bit integer and fail if it is not one.
   * Reads one property; allocates nothing (except `gt`/`lt` on a label of more
   * than 15 digits, which is compared as a bigint).
   */
  matches(labels: LabelSet): boolean {
    // Robust to whatever a caller passes (null, a string): only a record's own string values count.
    const value = typeof labels === 'object' && labels !== null ? labels[this.key] : undefined;
    // typeof, not `in`/hasOwn: inherited Object.prototype members are never
    // strings, so this both guards and costs nothing.
    const has = typeof value === 'string';
    switch (this.operator) {
      case 'in':
      case '=':
      case '==':
        return has && this.#hasValue(value);
      case 'notin':
      case '!=':
        return !has || !this.#hasValue(value);
      case 'exists':
        return has;
      case '!':
        return !has;
      case 'gt':
      case 'lt': {
        if (!has) return false;
        const parsed = parseGoInt64(value);
        if (parsed === undefined) return false;
        const order = compareInt64(parsed, this.#bound);
        return this.operator === 'gt' ? order > 0 : order < 0;
      }
    }
  }

  #hasValue(value: string): boolean {
    if (this.#set !== undefined) return this.#set.has(value);
    const values = this.values;
    for (let i = 0; i < values.length; i++) if (values[i] === value) return true;
    return false;
  }

  /** Kubernetes' canonical text: `!k`, `k`, `k=v`, `k==v`, `k!=v`, `k in (a,b)`, `k notin (a,b)`, `k>1`, `k<1`. */
  toString(): string {
    switch (this.operator) {
      case 'exists':
        return this.key;
      case '!':
        return `!${this.key}`;
      case 'in':
        return `${this.key} in (${this.values.join(',')})`;
      case 'notin':
        return `${this.key} notin (${this.values.join(',')})`;
      case 'gt':
        return `${this.key}>${this.values.join(',')}`;
      case 'lt':
        return `${this.key}<${this.values.join(',')}`;
      default:
        return `${this.key}${this.operator}${this.values.join(',')}`;
    }
  }
}

function sortUnique(values: readonly string[]): string[] {
  const sorted = [...values].sort(compareBytewise);
  let n = 0;
  for (let i = 0; i < sorted.length; i++) {
    const value = sorted[i] as string;
    if (i === 0 || value !== sorted[n - 1]) sorted[n++] = value;
  }
  sorted.length = n;
  return sorted;
}

/**
 * The errors Kubernetes' `NewRequirement` reports, as `field.Error` strings
 * (`values[0][tier]: Invalid value: "a b": …`), in its order.
 */
export function requirementErrors(key: string, operator: string, values: readonly string[]): string[] {
  const errors: string[] = [];
  const keyErrors = validateLabelKey(key);
  if (keyErrors.length > 0) errors.push(`key: Invalid value: ${goQuote(key)}: ${keyErrors.join('; ')}`);
  switch (operator) {
    case 'in':
    case 'notin':
      if (values.length === 0) {
        errors.push(`values: Invalid value: ${goJsonStrings(values)}: for 'in', 'notin' operators, values set can't be empty`);
      }
      break;
    case '=':
    case '==':
    case '!=':
      if (values.length !== 1) {
        errors.push(`values: Invalid value: ${goJsonStrings(values)}: exact-match compatibility requires one single value`);
      }
      break;
    case 'exists':
    case '!':
      if (values.length !== 0) {
        errors.push(
          `values: Invalid value: ${goJsonStrings(values)}: values set must be empty for exists and does not exist`,
        );
      }
      break;
    case 'gt':
    case 'lt':
      if (values.length !== 1) {
        errors.push(
          `values: Invalid value: ${goJsonStrings(values)}: for 'Gt', 'Lt' operators, exactly one value is required`,
        );
      }
      values.forEach((value, i) => {
        if (parseGoInt64(value) === undefined) {
          errors.push(`values[${i}]: Invalid value: ${goQuote(value)}: for 'Gt', 'Lt' operators, the value must be an integer`);
        }
      });
      break;
    default:
      errors.push(
        `operator: Unsupported value: ${JSON.stringify(operator)}: supported values: ${OPERATORS.map((o) => JSON.stringify(o)).join(', ')}`,
      );
  }
  values.forEach((value, i) => {
    const valueErrors = validateLabelValue(value);
    if (valueErrors.length > 0) {
      errors.push(`values[${i}][${key}]: Invalid value: ${goQuote(value)}: ${valueErrors.join('; ')}`);
    }
  });
  return errors;
}

/** Kubernetes' aggregate error text: one message as is, several as `[a, b]`, duplicates once. */
export function aggregateMessage(errors: readonly string[]): string {
  const unique = [...new Set(errors)];
  return unique.length === 1 ? (unique[0] as string) : `[${unique.join(', ')}]`;
}

/**
 * Builds a validated requirement, as Kubernetes' `labels.NewRequirement`.
 * `values` may come in any order; the requirement keeps them sorted and unique.
 *
 * @throws StatusError BadRequest 400 with Kubernetes' messages, e.g.
 *   ``values: Invalid value: ["1","2"]: for 'Gt', 'Lt' operators, exactly one value is required``.
 */
export function labelRequirement(key: string, operator: LabelOperator, values: readonly string[] = []): LabelRequirement {
  const errors = requirementErrors(key, operator, values);
  if (errors.length > 0) throw invalidRequirement(errors);
  return new LabelRequirement(key, operator, values);
}

function invalidRequirement(errors: readonly string[]): StatusError {
  return badRequest(aggregateMessage(errors));
}
