/**
 * The HTTP side of `fieldValidation`: the directive from the query and the
 * `Warning` headers; the checks themselves are the registry's
 * (`registry/field-validation.ts`), shared with the in-process fake API.
 */
import type { ServerResponse } from 'node:http';
import type { FieldValidationDirective } from '../registry/field-validation.js';

export type { FieldValidationDirective } from '../registry/field-validation.js';

/** The request's directive: Warn when absent, as the apiserver's `fieldValidation` helper defaults it (the query was checked before). */
export function fieldValidationDirective(query: URLSearchParams): FieldValidationDirective {
  const value = query.get('fieldValidation');
  return value === 'Strict' || value === 'Ignore' ? value : 'Warn';
}

/** Sets one `Warning: 299 - "text"` header per warning, quoted as apiserver's `NewWarningHeader` quotes. */
export function setWarningHeaders(response: ServerResponse, warnings: readonly string[]): void {
  if (warnings.length === 0) return;
  response.setHeader(
    'Warning',
    // Quotes and backslashes escaped; anything outside printable ASCII as \uXXXX, since a header cannot carry it.
    warnings.map((text) => `299 - "${text.replace(/[\\"]/g, (char) => `\\${char}`).replace(/[^\x20-\x7e]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`)}"`),
  );
}
