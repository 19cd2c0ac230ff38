/**
 * A label selector and a field selector together: what a LIST or a watch asks
 * for, matched against the attributes a store precomputes per object version.
 */
import type { FieldSet } from './field-selector.js';
import { FieldSelector } from './field-selector.js';
import type { LabelSet } from './label-requirement.js';
import { LabelSelector } from './label-selector.js';

/**
 * What a selector reads of one object version, computed once per version:
 * `labels` is the object's own `metadata.labels` (no copy), `fields` the
 * resource's frozen field set (`SelectableFields.compute`).
 */
export interface ObjectAttributes {
  /** The object's labels, or `undefined` when it has none. */
  readonly labels: LabelSet;
  /** The object's selectable fields. */
  readonly fields: FieldSet;
}

/**
 * The AND of a label and a field selector (Kubernetes' `SelectionPredicate`).
 * `isEverything` is the fast path: a cache that sees it skips matching and
 * reads no attributes at all.
 */
export class SelectionPredicate {
  /** Selects everything. */
  static readonly everything: SelectionPredicate = new SelectionPredicate();

  /** The label selector. */
  readonly label: LabelSelector;
  /** The field selector. */
  readonly field: FieldSelector;
  /** Whether both selectors are empty. */
  readonly isEverything: boolean;

  constructor(label: LabelSelector = LabelSelector.everything, field: FieldSelector = FieldSelector.everything) {
    this.label = label;
    this.field = field;
    this.isEverything = label.isEmpty && field.isEmpty;
  }

  /** Whether an object with these attributes is selected. Allocates nothing. */
  matches(attributes: ObjectAttributes): boolean {
    if (this.isEverything) return true;
    return this.label.matches(attributes.labels) && this.field.matches(attributes.fields);
  }

  /** {@link SelectionPredicate.matches} with the two sets passed apart. */
  matchesLabelsAndFields(labels: LabelSet, fields: FieldSet): boolean {
    if (this.isEverything) return true;
    return this.label.matches(labels) && this.field.matches(fields);
  }

  /** A description for logs: `labels: <label selector>; fields: <field selector>`. */
  toString(): string {
    return `labels: ${this.label.toString()}; fields: ${this.field.toString()}`;
  }
}
