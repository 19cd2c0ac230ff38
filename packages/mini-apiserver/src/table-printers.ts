/**
 * Which printer prints which kind: Kubernetes' `AddHandlers` for the served
 * kinds (namespaces and configmaps are small enough to live here), and the
 * default table convertor (apiserver `rest.NewDefaultTableConvertor`) for
 * every other kind.
 */
import type { KubeObject } from '@apiserver-kit/codec';
import { ageOf, timestampMillis } from './table-duration.js';
import { NODE_PRINTER } from './table-node.js';
import { POD_PRINTER } from './table-pod.js';
import { AGE_COLUMN, NAME_COLUMN, column, nameOf, record, text } from './table-printer.js';
import type { PrintedRow, TablePrinter } from './table-printer.js';

/** Namespaces: NAME STATUS AGE (`printNamespace`). */
export const NAMESPACE_PRINTER: TablePrinter = Object.freeze({
  columns: Object.freeze([NAME_COLUMN, column('Status', 'string', "The namespace's phase: Active or Terminating."), AGE_COLUMN]),
  print: (namespace: KubeObject, now: number): PrintedRow => ({
    cells: [nameOf(namespace), text(record(namespace['status'])['phase']), ageOf(namespace.metadata?.creationTimestamp, now)],
  }),
});

/** ConfigMaps: NAME DATA AGE (`printConfigMap`); DATA counts `data` and `binaryData` keys. */
export const CONFIGMAP_PRINTER: TablePrinter = Object.freeze({
  columns: Object.freeze([NAME_COLUMN, column('Data', 'string', 'The number of keys in data and binaryData.'), AGE_COLUMN]),
  print: (configMap: KubeObject, now: number): PrintedRow => ({
    cells: [
      nameOf(configMap),
      Object.keys(record(configMap['data'])).length + Object.keys(record(configMap['binaryData'])).length,
      ageOf(configMap.metadata?.creationTimestamp, now),
    ],
  }),
});

/**
 * Any other kind: NAME and `Created At` (type `date`, an RFC 3339 time, not an
 * age), as Kubernetes' default table convertor prints resources without a
 * printer of their own.
 */
export const DEFAULT_PRINTER: TablePrinter = Object.freeze({
  columns: Object.freeze([NAME_COLUMN, column('Created At', 'date', 'When the object was created (metadata.creationTimestamp).')]),
  print: (object: KubeObject): PrintedRow => ({ cells: [nameOf(object), rfc3339(object.metadata?.creationTimestamp)] }),
});

/** Go's `Time.UTC().Format(time.RFC3339)`: whole seconds, `Z`; the zero time for a missing one. */
function rfc3339(timestamp: unknown): string {
  const at = timestampMillis(timestamp);
  if (at === undefined) return '0001-01-01T00:00:00Z';
  const iso = new Date(Math.floor(at / 1000) * 1000).toISOString();
  return `${iso.slice(0, 19)}Z`;
}

const PRINTERS: ReadonlyMap<string, TablePrinter> = new Map([
  ['Pod', POD_PRINTER],
  ['Node', NODE_PRINTER],
  ['Namespace', NAMESPACE_PRINTER],
  ['ConfigMap', CONFIGMAP_PRINTER],
]);

/** The printer of a core/v1 kind, or {@link DEFAULT_PRINTER}. */
export function printerFor(group: string, kind: string): TablePrinter {
  return (group === '' ? PRINTERS.get(kind) : undefined) ?? DEFAULT_PRINTER;
}
