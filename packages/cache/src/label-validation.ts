/**
 * Label key and value syntax, with the exact messages of Kubernetes'
 * `k8s.io/apimachinery/pkg/api/validate/content` (`IsLabelKey`, the former
 * `validation.IsQualifiedName`, and `IsLabelValue`). Lengths are in UTF-8
 * bytes, as Go counts them.
 */
import { utf8Length } from './internal/go-format.js';

/** The longest label value, and the longest name part of a key, in bytes. */
export const LABEL_VALUE_MAX_LENGTH = 63;
/** The longest DNS subdomain (a key's prefix), in bytes. */
export const DNS1123_SUBDOMAIN_MAX_LENGTH = 253;

const LABEL_KEY_FORMAT = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const LABEL_KEY_MESSAGE =
  "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const LABEL_KEY_RE = new RegExp(`^${LABEL_KEY_FORMAT}$`);

const LABEL_VALUE_FORMAT = `(${LABEL_KEY_FORMAT})?`;
const LABEL_VALUE_MESSAGE =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const LABEL_VALUE_RE = new RegExp(`^${LABEL_VALUE_FORMAT}$`);

const DNS1123_LABEL_FORMAT = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const DNS1123_SUBDOMAIN_FORMAT = `${DNS1123_LABEL_FORMAT}(\\.${DNS1123_LABEL_FORMAT})*`;
const DNS1123_SUBDOMAIN_MESSAGE =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";
const DNS1123_SUBDOMAIN_RE = new RegExp(`^${DNS1123_SUBDOMAIN_FORMAT}$`);

function maxLengthError(length: number): string {
  return `must be no more than ${length} bytes`;
}

// Kubernetes' RegexError: note the two spaces before each "or", which come
// from its "'example', " + " or " concatenation and which clients see.
function regexError(message: string, format: string, examples: readonly string[]): string {
  let out = `${message} (e.g. `;
  examples.forEach((example, i) => {
    if (i > 0) out += ' or ';
    out += `'${example}', `;
  });
  return `${out}regex used for validation is '${format}')`;
}

const KEY_REGEX_ERROR = regexError(LABEL_KEY_MESSAGE, LABEL_KEY_FORMAT, ['MyName', 'my.name', '123-abc']);
const VALUE_REGEX_ERROR = regexError(LABEL_VALUE_MESSAGE, LABEL_VALUE_FORMAT, ['MyValue', 'my_value', '12345']);
const SUBDOMAIN_REGEX_ERROR = regexError(DNS1123_SUBDOMAIN_MESSAGE, DNS1123_SUBDOMAIN_FORMAT, ['example.com']);

/**
 * Checks a DNS-1123 subdomain (lowercase, ≤ 253 bytes), Kubernetes' `IsDNS1123Subdomain`.
 * Returns the error messages, empty when valid.
 */
export function validateDns1123Subdomain(value: string): string[] {
  const errors: string[] = [];
  if (utf8Length(value) > DNS1123_SUBDOMAIN_MAX_LENGTH) errors.push(maxLengthError(DNS1123_SUBDOMAIN_MAX_LENGTH));
  if (!DNS1123_SUBDOMAIN_RE.test(value)) errors.push(SUBDOMAIN_REGEX_ERROR);
  return errors;
}

/**
 * Checks a label key: an optional DNS-subdomain prefix (≤ 253 bytes) and `/`,
 * then a name of ≤ 63 bytes matching `([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]`.
 * Returns Kubernetes' messages (joined with `; ` in its errors), empty when valid.
 */
export function validateLabelKey(key: string): string[] {
  const errors: string[] = [];
  const parts = key.split('/');
  let name: string;
  if (parts.length === 1) {
    name = key;
  } else if (parts.length === 2) {
    const prefix = parts[0] ?? '';
    name = parts[1] ?? '';
    if (prefix.length === 0) errors.push('prefix part must be non-empty');
    else for (const message of validateDns1123Subdomain(prefix)) errors.push(`prefix part ${message}`);
  } else {
    errors.push(
      `a valid label key ${KEY_REGEX_ERROR} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
    );
    return errors;
  }
  if (name.length === 0) errors.push('name part must be non-empty');
  else if (utf8Length(name) > LABEL_VALUE_MAX_LENGTH) errors.push(`name part ${maxLengthError(LABEL_VALUE_MAX_LENGTH)}`);
  if (!LABEL_KEY_RE.test(name)) errors.push(`name part ${KEY_REGEX_ERROR}`);
  return errors;
}

/**
 * Checks a label value: empty, or ≤ 63 bytes matching
 * `(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?`. Returns Kubernetes' messages,
 * empty when valid.
 */
export function validateLabelValue(value: string): string[] {
  const errors: string[] = [];
  if (utf8Length(value) > LABEL_VALUE_MAX_LENGTH) errors.push(maxLengthError(LABEL_VALUE_MAX_LENGTH));
  if (!LABEL_VALUE_RE.test(value)) errors.push(VALUE_REGEX_ERROR);
  return errors;
}
