/**
 * Server-side Table output (`Accept: application/json;as=Table;g=meta.k8s.io;v=v1`),
 * what `kubectl get` asks for: Kubernetes' columns for each kind, computed on
 * the server so that every client prints the same thing.
 */
import type { KubeObject, ListMeta } from '@apiserver-kit/codec';
import { apiVersionOf } from './resources.js';
import type { ResourceInfo } from './resources.js';
import { printerFor } from './table-printers.js';
import type { TableColumnDefinition, TablePrinter, TableRowCondition } from './table-printer.js';

export type { TableColumnDefinition, TableRowCondition } from './table-printer.js';

/** What each row carries of its object (the `includeObject` query parameter). */
export type IncludeObjectPolicy = 'None' | 'Metadata' | 'Object';

/** One row of a Table (meta/v1 `TableRow`). */
export interface TableRow {
  readonly cells: readonly unknown[];
  readonly conditions?: readonly TableRowCondition[];
  /** The object, its PartialObjectMetadata, or absent, by `includeObject`. */
  readonly object?: KubeObject;
}

/** A Table's metadata: a ListMeta (typed open, so that a Table is a {@link KubeObject}). */
export interface TableMeta extends ListMeta {
  readonly [field: string]: unknown;
}

/** A meta.k8s.io/v1 Table. */
export interface Table extends KubeObject {
  readonly kind: 'Table';
  readonly apiVersion: 'meta.k8s.io/v1';
  readonly metadata: TableMeta;
  readonly columnDefinitions: readonly TableColumnDefinition[];
  readonly rows: readonly TableRow[];
}

/** Options of {@link toTable}. */
export interface TableOptions {
  /** The time ages are computed at, in milliseconds since the epoch (inject the server's clock). */
  readonly now: number;
  /**
   * What each row carries: the whole object, a PartialObjectMetadata
   * (`kind: PartialObjectMetadata`, `apiVersion: meta.k8s.io/v1`, the
   * object's metadata), or nothing.
   * @default 'Metadata' — Kubernetes' default; kubectl asks for `Object`.
   */
  readonly includeObject?: IncludeObjectPolicy | undefined;
  /**
   * Whether the `-o wide` columns (priority 1) are included. The server
   * always sends them, as Kubernetes does, and kubectl hides them unless
   * asked; `false` drops both their definitions and their cells.
   * @default true
   */
  readonly wide?: boolean | undefined;
  /**
   * Leave `columnDefinitions` empty, as Kubernetes does for every event of a
   * Table watch after the first (`TableOptions.NoHeaders`). Kubernetes
   * writes `null` there; this writes `[]`, which every client reads alike.
   * @default false
   */
  readonly noHeaders?: boolean | undefined;
  /**
   * The list's metadata. @default for a single object its resourceVersion (as
   * Kubernetes' table convertor takes it from the object), else empty.
   */
  readonly listMeta?: ListMeta | undefined;
}

const TABLE_API_VERSION = 'meta.k8s.io/v1';

/**
 * The Table of `objects` with the columns Kubernetes prints for their kind
 * (`printPod`, `printNode`, `printNamespace`, `printConfigMap`; any other
 * kind gets the default convertor's NAME and `Created At`).
 *
 * Watches: call it once per event with one object; pass `noHeaders: true`
 * after the first event, as Kubernetes sends the headers only once. A
 * bookmark is an empty Table carrying its resourceVersion in `listMeta`.
 *
 * Cost: one pass over the objects; cells are computed, objects are embedded
 * by reference (or spread once when they lack `kind`/`apiVersion`).
 */
export function toTable(info: ResourceInfo, objects: readonly KubeObject[], options: TableOptions): Table {
  const printer = printerFor(info.group, info.kind);
  const wide = options.wide ?? true;
  const includeObject = options.includeObject ?? 'Metadata';
  // Wide (the server's only use) keeps every column: no index table to build per call (a Table watch calls this per event).
  const shown = wide ? undefined : narrowColumnsOf(printer);
  const apiVersion = apiVersionOf(info);
  const rows = objects.map((object): TableRow => {
    const printed = printer.print(object, options.now);
    const cells = shown === undefined || shown.length === printed.cells.length ? printed.cells : shown.map((index) => printed.cells[index]);
    const embedded = embed(object, includeObject, apiVersion, info.kind);
    return {
      cells,
      ...(printed.conditions === undefined ? {} : { conditions: printed.conditions }),
      ...(embedded === undefined ? {} : { object: embedded }),
    };
  });
  return {
    kind: 'Table',
    apiVersion: TABLE_API_VERSION,
    metadata: listMetaOf(options.listMeta, objects),
    columnDefinitions: options.noHeaders === true ? [] : shown === undefined ? printer.columns : shown.map((index) => printer.columns[index]!),
    rows,
  };
}

/** The indices of a printer's priority-0 columns (what `wide: false` shows). */
function narrowColumnsOf(printer: TablePrinter): number[] {
  const shown: number[] = [];
  printer.columns.forEach((definition, index) => {
    if (definition.priority === 0) shown.push(index);
  });
  return shown;
}

function embed(object: KubeObject, policy: IncludeObjectPolicy, apiVersion: string, kind: string): KubeObject | undefined {
  switch (policy) {
    case 'None':
      return undefined;
    case 'Object':
      return object.kind !== undefined && object.apiVersion !== undefined ? object : { ...object, apiVersion, kind };
    default:
      return { kind: 'PartialObjectMetadata', apiVersion: TABLE_API_VERSION, metadata: object.metadata ?? {} };
  }
}

function listMetaOf(listMeta: ListMeta | undefined, objects: readonly KubeObject[]): TableMeta {
  if (listMeta === undefined) {
    const rv = objects.length === 1 ? objects[0]!.metadata?.resourceVersion : undefined;
    return rv === undefined || rv === '' ? {} : { resourceVersion: rv };
  }
  // ListMeta's fields are all omitempty on the wire.
  return {
    ...(listMeta.resourceVersion === undefined || listMeta.resourceVersion === '' ? {} : { resourceVersion: listMeta.resourceVersion }),
    ...(listMeta.continue === undefined || listMeta.continue === '' ? {} : { continue: listMeta.continue }),
    ...(listMeta.remainingItemCount === undefined ? {} : { remainingItemCount: listMeta.remainingItemCount }),
  };
}
