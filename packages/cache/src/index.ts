export {
  escapeFieldValue,
  FieldSelector,
  fieldSelectorFromSet,
  parseFieldSelector,
} from './field-selector.js';
export type { FieldRequirement, FieldSet, SupportedFields } from './field-selector.js';
export { LabelRequirement, labelRequirement } from './label-requirement.js';
export type { LabelOperator, LabelSet } from './label-requirement.js';
export { LabelSelector, labelSelectorFromSet, parseLabelSelector } from './label-selector.js';
export {
  DNS1123_SUBDOMAIN_MAX_LENGTH,
  LABEL_VALUE_MAX_LENGTH,
  validateDns1123Subdomain,
  validateLabelKey,
  validateLabelValue,
} from './label-validation.js';
export {
  KUBERNETES_SELECTABLE_FIELDS,
  METADATA_SELECTABLE_FIELDS,
  SelectableFields,
  SelectableFieldsRegistry,
} from './selectable-fields.js';
export type { SelectableFieldsDefinition, SelectableFieldsRegistryOptions } from './selectable-fields.js';
export { SelectionPredicate } from './selection-predicate.js';
export type { ObjectAttributes } from './selection-predicate.js';
