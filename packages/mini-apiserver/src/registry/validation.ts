/**
 * apimachinery's `ValidateObjectMeta` for the served kinds, with Kubernetes'
 * messages: the name (or `generateName`) of the kind's form — a DNS-1123
 * label for namespaces (`ValidateNamespaceName`), a DNS-1123 subdomain for
 * the others (`NameIsDNSSubdomain`: pods, nodes, configmaps) — the namespace
 * of a namespaced kind (a DNS-1123 label), and label keys and values.
 */
import { validateDns1123Subdomain, validateLabelKey, validateLabelValue } from '@apiserver-kit/cache';
import { type FieldError, invalid, type KubeObject, type ObjectMeta } from '@apiserver-kit/codec';
import type { ResourceInfo } from '../resources.js';

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_LABEL_MAX_LENGTH = 63;
// Kubernetes' RegexError: the two spaces before "or" are its own ("'my-name', " + " or ").
const DNS1123_LABEL_MESSAGE =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";

/** `IsDNS1123Label`: its messages, empty when valid. */
export function validateDns1123Label(value: string): string[] {
  const errors: string[] = [];
  if (value.length > DNS1123_LABEL_MAX_LENGTH) errors.push(`must be no more than ${DNS1123_LABEL_MAX_LENGTH} characters`);
  if (!DNS1123_LABEL.test(value)) errors.push(DNS1123_LABEL_MESSAGE);
  return errors;
}

/** apimachinery's `maskTrailingDash` (with its quirk: two characters go, one `a` comes), so a generateName may end in `-`. */
function maskTrailingDash(name: string): string {
  return name.length > 1 && name.endsWith('-') ? `${name.slice(0, -2)}a` : name;
}

/**
 * The name rule of a kind (`ValidateNameFunc`): namespaces are DNS-1123
 * labels, the other served kinds DNS-1123 subdomains; `prefix` for a
 * `generateName`, which may end with `-`.
 */
export function nameErrors(info: ResourceInfo, name: string, prefix = false): string[] {
  const value = prefix ? maskTrailingDash(name) : name;
  if (info.group === '' && info.resource === 'namespaces') return validateDns1123Label(value);
  return validateDns1123Subdomain(value);
}

/**
 * `ValidateObjectMeta` for the served kinds: a generateName and a name of the
 * kind's form (a name is required), for namespaced kinds a namespace of
 * DNS-1123 label form, label keys and values of Kubernetes' forms.
 * @throws StatusError Invalid 422 naming every offending field
 *   (`Pod "Web" is invalid: metadata.name: Invalid value: "Web": a lowercase RFC 1123 subdomain must consist of …`)
 */
export function validateObject(info: ResourceInfo, object: KubeObject): void {
  const metadata: ObjectMeta = object.metadata ?? {};
  const errors: FieldError[] = [];
  const generate = metadata.generateName;
  if (typeof generate === 'string' && generate !== '') {
    for (const message of nameErrors(info, generate, true)) errors.push({ field: 'metadata.generateName', type: 'Invalid value', detail: message, value: generate });
  }
  const name = metadata.name;
  if (name === undefined || name === '') {
    errors.push({ field: 'metadata.name', type: 'Required value', detail: 'name or generateName is required' });
  } else if (typeof name !== 'string') {
    errors.push({ field: 'metadata.name', type: 'Invalid value', detail: 'must be a string', value: name });
  } else {
    for (const message of nameErrors(info, name)) errors.push({ field: 'metadata.name', type: 'Invalid value', detail: message, value: name });
  }
  if (info.namespaced) {
    const namespace = metadata.namespace;
    if (namespace === undefined || namespace === '') errors.push({ field: 'metadata.namespace', type: 'Required value', detail: '' });
    else if (typeof namespace !== 'string') errors.push({ field: 'metadata.namespace', type: 'Invalid value', detail: DNS1123_LABEL_MESSAGE, value: namespace });
    else for (const message of validateDns1123Label(namespace)) errors.push({ field: 'metadata.namespace', type: 'Invalid value', detail: message, value: namespace });
  }
  const labels = metadata.labels;
  if (labels !== undefined && labels !== null && typeof labels === 'object') {
    for (const [key, value] of Object.entries(labels)) {
      const keyErrors = validateLabelKey(key);
      if (keyErrors.length > 0) errors.push({ field: 'metadata.labels', type: 'Invalid value', detail: keyErrors.join('; '), value: key });
      if (typeof value === 'string') {
        const valueErrors = validateLabelValue(value);
        if (valueErrors.length > 0) errors.push({ field: `metadata.labels`, type: 'Invalid value', detail: valueErrors.join('; '), value });
      }
    }
  }
  if (errors.length > 0) throw invalid(info.kind, typeof name === 'string' ? name : '', errors, info.group);
}
