/**
 * The shape of a kind's table printer (Kubernetes' `printers.PrintHandler`
 * entries: column definitions plus a function from an object to its row),
 * and the field readers the printers share. Objects are untyped JSON here, so
 * every read tolerates a missing or mistyped field the way a Go zero value
 * would read.
 */
import type { KubeObject } from '@apiserver-kit/codec';

/** A column of a Table (meta/v1 `TableColumnDefinition`). */
export interface TableColumnDefinition {
  /** The header, as kubectl upper-cases it: `Name`, `Ready`, `Nominated Node`. */
  readonly name: string;
  /** OpenAPI type of the cells: `string`, `integer`, `date`, … */
  readonly type: string;
  /** OpenAPI format; `name` marks the column that names the object. */
  readonly format: string;
  readonly description: string;
  /** 0: always shown; 1 and up: only with `kubectl get -o wide`. */
  readonly priority: number;
}

/** A row condition (meta/v1 `TableRowCondition`): kubectl greys out completed pods with it. */
export interface TableRowCondition {
  readonly type: string;
  readonly status: string;
  readonly reason?: string;
  readonly message?: string;
}

/** What a printer produces for one object: its cells, one per column, and any row conditions. */
export interface PrintedRow {
  readonly cells: readonly unknown[];
  readonly conditions?: readonly TableRowCondition[];
}

/** A kind's columns and the function that prints one object's row (`now` in milliseconds). */
export interface TablePrinter {
  readonly columns: readonly TableColumnDefinition[];
  print(object: KubeObject, now: number): PrintedRow;
}

/** Builds a column definition. */
export function column(name: string, type: string, description: string, priority = 0, format = ''): TableColumnDefinition {
  return Object.freeze({ name, type, format, description, priority });
}

/** The NAME column every printer starts with. */
export const NAME_COLUMN: TableColumnDefinition = column('Name', 'string', "The object's name, unique within its namespace (metadata.name).", 0, 'name');
/** The AGE column. */
export const AGE_COLUMN: TableColumnDefinition = column('Age', 'string', 'Time since the object was created (metadata.creationTimestamp).');

/** A JSON object field as a record, or an empty one. */
export function record(value: unknown): Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** A list field, or an empty one. */
export function list(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [];
}

/** A string field, or `''`. */
export function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/** An integer field, or 0. */
export function integer(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? Math.trunc(value) : 0;
}

/** The object's name, or `''`. */
export function nameOf(object: KubeObject): string {
  return text(object.metadata?.name);
}
