/**
 * `metadata.generateName`, as apimachinery's `SimpleNameGenerator` and the
 * generic registry's create (`BeforeCreate` names the object; the store
 * retries a clash of generated names).
 */
import type { MutableObject } from './object.js';

// apimachinery's SimpleNameGenerator: 5 characters with no vowels (no words) and no look-alikes.
const NAME_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';
const GENERATED_SUFFIX_LENGTH = 5;
const MAX_GENERATED_NAME_LENGTH = 63;

/** How many generated names a create tries before giving up (the generic store retries generateName clashes, 8 times in all). */
export const GENERATE_NAME_ATTEMPTS = 8;

/** A name from `generateName` as apimachinery's `SimpleNameGenerator`: the base (cut to 58) plus 5 random characters. */
export function generateName(base: string, random: () => number): string {
  const prefix = base.length > MAX_GENERATED_NAME_LENGTH - GENERATED_SUFFIX_LENGTH ? base.slice(0, MAX_GENERATED_NAME_LENGTH - GENERATED_SUFFIX_LENGTH) : base;
  let suffix = '';
  for (let i = 0; i < GENERATED_SUFFIX_LENGTH; i++) suffix += NAME_ALPHABET[Math.floor(random() * NAME_ALPHABET.length) % NAME_ALPHABET.length];
  return prefix + suffix;
}

/**
 * What `BeforeCreate` does to metadata: the server's own fields are cleared
 * (storage stamps uid and creationTimestamp), and a missing name is generated
 * from `generateName`. Returns whether the name was generated (a clash is retried).
 */
export function prepareCreate(object: MutableObject, random: () => number): boolean {
  const metadata = object.metadata;
  for (const field of ['uid', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'selfLink']) delete metadata[field];
  const name = metadata['name'];
  const base = metadata['generateName'];
  if ((name === undefined || name === '') && typeof base === 'string' && base !== '') {
    metadata['name'] = generateName(base, random);
    return true;
  }
  return false;
}
