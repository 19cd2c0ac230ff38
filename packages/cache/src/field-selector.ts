/**
 * Field selectors: Kubernetes' `fields.ParseSelector` grammar (`=`, `==`,
 * `!=`; no set operators; `\,` `\=` `\\` escapes in values), its error
 * messages, the field-label check an API server applies per resource, and
 * allocation-free matching against precomputed field sets.
 */
import { badRequest } from '@apiserver-kit/codec';
import { compareBytewise } from './internal/go-format.js';

/**
 * The selectable fields of one object version, computed once per version (see
 * `SelectableFields.compute`) and frozen. A field absent from the record reads
 * as `""`, as Kubernetes' `fields.Set.Get` does.
 */
export type FieldSet = Readonly<Record<string, string>> | undefined;

/** One term of a field selector. `==` is stored as `=`, as Kubernetes does. */
export interface FieldRequirement {
  /** The field name, e.g. `spec.nodeName` (after alias resolution). */
  readonly field: string;
  /** `=` (also for `==`) or `!=`. */
  readonly operator: '=' | '!=';
  /** The unescaped value. */
  readonly value: string;
}

/**
 * Which field labels a resource can select on: the check Kubernetes' API
 * server runs after parsing (`ConvertFieldLabel`). `SelectableFields`
 * implements it.
 */
export interface SupportedFields {
  /** The canonical field name for `label` (itself, or the field an alias stands for), or `undefined` if unsupported. */
  resolveField(label: string): string | undefined;
  /** The message of the BadRequest for an unsupported `label`, e.g. `field label not supported: spec.foo`. */
  unsupportedFieldMessage(label: string): string;
}

const EMPTY: readonly FieldRequirement[] = Object.freeze([]);

/**
 * A parsed field selector: the AND of its terms, in Kubernetes' order (the raw
 * terms sorted byte-wise). Immutable and shareable.
 */
export class FieldSelector {
  /** Matches everything; `isEmpty`. Its `matches` never reads the fields. */
  static readonly everything: FieldSelector = new FieldSelector(EMPTY);

  /** The terms. Frozen. */
  readonly requirements: readonly FieldRequirement[];
  /** Whether the selector selects everything: then callers skip matching altogether. */
  readonly isEmpty: boolean;
  #text: string | undefined;

  private constructor(requirements: readonly FieldRequirement[]) {
    this.requirements = requirements;
    this.isEmpty = requirements.length === 0;
  }

  /** A selector of the given terms, in the given order; none gives {@link FieldSelector.everything}. */
  static fromRequirements(requirements: Iterable<FieldRequirement>): FieldSelector {
    const list = [...requirements].map((r) => Object.freeze({ field: r.field, operator: r.operator, value: r.value }));
    return list.length === 0 ? FieldSelector.everything : new FieldSelector(Object.freeze(list));
  }

  /**
   * Whether `fields` satisfy every term (a missing field reads as `""`).
   * O(terms); allocates nothing; the empty selector returns `true` without
   * reading `fields`.
   */
  matches(fields: FieldSet): boolean {
    const requirements = this.requirements;
    for (let i = 0; i < requirements.length; i++) {
      const term = requirements[i] as FieldRequirement;
      const raw = fields === undefined ? undefined : fields[term.field];
      const value = typeof raw === 'string' ? raw : '';
      if ((value === term.value) !== (term.operator === '=')) return false;
    }
    return true;
  }

  /** The value an `=`/`==` term requires of `field`, or `undefined` (Kubernetes' `RequiresExactMatch`). */
  requiresExactMatch(field: string): string | undefined {
    for (const term of this.requirements) if (term.field === field && term.operator === '=') return term.value;
    return undefined;
  }

  /**
   * For index planning: the values `field` must take one of (a field selector
   * has no set operators, so at most one), or `undefined` when no term pins
   * `field`. Filter index hits with {@link FieldSelector.matches}.
   */
  pinnedValues(field: string): readonly string[] | undefined {
    const value = this.requiresExactMatch(field);
    return value === undefined ? undefined : [value];
  }

  /** Kubernetes' canonical form: `field=value` / `field!=value` terms joined by `,`, values escaped. Cached. */
  toString(): string {
    this.#text ??= this.requirements.map((t) => `${t.field}${t.operator}${escapeFieldValue(t.value)}`).join(',');
    return this.#text;
  }
}

/** Escapes a literal for use as a field selector value: `\` → `\\`, `,` → `\,`, `=` → `\=`. */
export function escapeFieldValue(value: string): string {
  return /[\\,=]/.test(value) ? value.replace(/[\\,=]/g, (c) => `\\${c}`) : value;
}

/** A selector requiring each field to equal its value (terms sorted by field); `{}` gives `everything`. */
export function fieldSelectorFromSet(set: Readonly<Record<string, string>>): FieldSelector {
  const terms = Object.entries(set)
    .sort(([a], [b]) => compareBytewise(a, b))
    .map(([field, value]): FieldRequirement => ({ field, operator: '=', value }));
  return FieldSelector.fromRequirements(terms);
}

/**
 * Parses a field selector as Kubernetes' API server does: `fields.ParseSelector`
 * (terms split on unescaped `,`, sorted, each split at its first `!=`, `==` or
 * `=`, values unescaped; a term of empty field and empty value is dropped),
 * then, when `supportedFields` is given, the per-resource field label check
 * (aliases resolved). `""` gives {@link FieldSelector.everything}.
 *
 * @param supportedFields the resource's selectable fields (e.g. from a
 *   `SelectableFieldsRegistry`), or a plain list of names; omitted, any field
 *   name is accepted.
 * @throws StatusError BadRequest 400 with Kubernetes' messages:
 *   ``invalid selector: 'a'; can't understand 'a'``,
 *   ``invalid field selector: invalid escape sequence: \x``,
 *   ``invalid field selector: unescaped character in value: 61`` (Go prints the
 *   rune as a number), ``field label not supported: spec.foo``.
 */
export function parseFieldSelector(text: string, supportedFields?: SupportedFields | readonly string[]): FieldSelector {
  const parts = splitTerms(text).sort(compareBytewise);
  const terms: { field: string; operator: '=' | '!='; value: string }[] = [];
  for (const part of parts) {
    if (part === '') continue;
    const split = splitTerm(part);
    if (split === undefined) throw badRequest(`invalid selector: '${text}'; can't understand '${part}'`);
    const value = unescapeValue(split.rhs);
    // Kubernetes' Transform drops a term whose field and value are both empty.
    if (split.lhs === '' && value === '') continue;
    terms.push({ field: split.lhs, operator: split.op === '!=' ? '!=' : '=', value });
  }
  if (supportedFields !== undefined) {
    const support = Array.isArray(supportedFields) ? listSupport(supportedFields as readonly string[]) : (supportedFields as SupportedFields);
    for (const term of terms) {
      const field = support.resolveField(term.field);
      if (field === undefined) throw badRequest(support.unsupportedFieldMessage(term.field));
      term.field = field;
    }
  }
  return FieldSelector.fromRequirements(terms);
}

function listSupport(names: readonly string[]): SupportedFields {
  const set = new Set(names);
  return {
    resolveField: (label) => (set.has(label) ? label : undefined),
    unsupportedFieldMessage: (label) => `field label not supported: ${label}`,
  };
}

// Splits on commas not preceded by a backslash escape; escapes stay in the terms.
function splitTerms(text: string): string[] {
  if (text.length === 0) return [];
  const terms: string[] = [];
  let start = 0;
  let escaped = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (escaped) escaped = false;
    else if (c === 0x5c) escaped = true;
    else if (c === 0x2c) {
      terms.push(text.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(text.slice(start));
  return terms;
}

// The first position holding an operator wins; there `!=` beats `==` beats `=`.
function splitTerm(term: string): { lhs: string; op: '!=' | '==' | '='; rhs: string } | undefined {
  for (let i = 0; i < term.length; i++) {
    const c = term.charCodeAt(i);
    if (c === 0x21 && term.charCodeAt(i + 1) === 0x3d) return { lhs: term.slice(0, i), op: '!=', rhs: term.slice(i + 2) };
    if (c === 0x3d) {
      return term.charCodeAt(i + 1) === 0x3d
        ? { lhs: term.slice(0, i), op: '==', rhs: term.slice(i + 2) }
        : { lhs: term.slice(0, i), op: '=', rhs: term.slice(i + 1) };
    }
  }
  return undefined;
}

function unescapeValue(text: string): string {
  if (!/[\\,=]/.test(text)) return text;
  let out = '';
  let escaped = false;
  for (const char of text) {
    if (escaped) {
      if (char !== '\\' && char !== ',' && char !== '=') {
        throw badRequest(`invalid field selector: invalid escape sequence: \\${char}`);
      }
      out += char;
      escaped = false;
    } else if (char === '\\') {
      escaped = true;
    } else if (char === ',' || char === '=') {
      throw badRequest(`invalid field selector: unescaped character in value: ${char.codePointAt(0)}`);
    } else {
      out += char;
    }
  }
  if (escaped) throw badRequest('invalid field selector: invalid escape sequence: \\');
  return out;
}
