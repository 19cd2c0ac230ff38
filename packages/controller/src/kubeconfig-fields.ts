/**
 * Field access of a parsed kubeconfig, with errors naming the field and the
 * file: named entries (`clusters[].cluster`), strings, and the credential
 * pairs a kubeconfig gives either inline (`x-data`, base64) or as a file path
 * relative to the kubeconfig's directory (client-go `ResolvePaths`).
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { received } from '@apiserver-kit/core';

/** Where a kubeconfig came from: named in errors, and the directory relative paths resolve against. */
export interface Where {
  readonly source: string;
  readonly baseDir: string;
}

/** One `cluster:`, `user:` or `context:` mapping. */
export type ConfigEntry = Readonly<Record<string, unknown>>;

/** `` Expected `field` (in <source>) to be <constraint>, got <value> `` as a TypeError. */
export function configError(where: Where, field: string, constraint: string, value: unknown, cause?: unknown): TypeError {
  return new TypeError(`Expected \`${field}\` (in the kubeconfig ${where.source}) to be ${constraint}, got ${received(value)}`, cause === undefined ? undefined : { cause });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A string field, or undefined when absent (YAML null too). @throws TypeError for another type. */
export function optionalString(value: unknown, field: string, where: Where): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw configError(where, field, 'a string', value);
  return value;
}

/**
 * The `inner` mapping of the entry of `list` named `name` (`clusters` → `{name, cluster}`).
 * @throws TypeError naming `field` (the reference) and the names there are.
 */
export function entryNamed(config: Readonly<Record<string, unknown>>, list: string, inner: string, name: string, where: Where, field: string): ConfigEntry {
  const entries = config[list] ?? [];
  if (!Array.isArray(entries)) throw configError(where, list, 'a list', entries);
  const names: string[] = [];
  for (const entry of entries) {
    if (!isRecord(entry)) continue;
    if (typeof entry['name'] === 'string') names.push(entry['name']);
    if (entry['name'] !== name) continue;
    const value = entry[inner] ?? {};
    if (!isRecord(value)) throw configError(where, `${list}["${name}"].${inner}`, 'a mapping', value);
    return value;
  }
  const known = names.length === 0 ? `it has no ${list}` : `one of ${names.map((n) => JSON.stringify(n)).join(', ')}`;
  throw configError(where, field, `the name of an entry of \`${list}\` (${known})`, name);
}

/** A path from a kubeconfig, resolved as client-go does (relative to the kubeconfig's directory). */
export function resolveConfigPath(path: string, where: Where): string {
  return isAbsolute(path) ? path : resolve(where.baseDir, path);
}

/** The bytes of a credential file. @throws TypeError naming the field and the path. */
export function readCredentialFile(path: string, field: string, where: Where): Buffer {
  const resolved = resolveConfigPath(path, where);
  try {
    return readFileSync(resolved);
  } catch (error) {
    throw configError(where, field, `a readable file (${error instanceof Error ? error.message : String(error)})`, resolved, error);
  }
}

/**
 * `<name>-data` (base64, wins as in client-go's `CAData`/`CertData`) or the file `<name>`; undefined when neither.
 * @throws TypeError for bad base64, a non-string, or an unreadable file.
 */
export function readData(entry: ConfigEntry, name: string, path: string, where: Where): Buffer | undefined {
  const data = optionalString(entry[`${name}-data`], `${path}.${name}-data`, where);
  if (data !== undefined && data !== '') {
    const compact = data.replace(/\s+/g, '');
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact) || compact.length % 4 === 1) {
      // Never echo key material, even broken.
      throw configError(where, `${path}.${name}-data`, 'base64 data', name === 'client-key' ? '<redacted>' : `${data.slice(0, 20)}…`);
    }
    return Buffer.from(compact, 'base64');
  }
  const file = optionalString(entry[name], `${path}.${name}`, where);
  if (file === undefined || file === '') return undefined;
  return readCredentialFile(file, `${path}.${name}`, where);
}
