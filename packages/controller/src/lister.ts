/**
 * The read side of an informer: its watch cache, read synchronously. Sorted
 * (key order: namespace, then name), index-planned and selected with the same
 * selectors, list planner and indexes the server's cache uses.
 */
import { type IndexDefinition, parseFieldSelector, parseLabelSelector, type SelectableFields, SelectionPredicate, type WatchCache } from '@apiserver-kit/cache';
import type { ObjectShape, Stored } from '@apiserver-kit/codec';
import { received } from '@apiserver-kit/core';
import { asStored } from './informer-store.js';

/** Options of {@link Lister.list}. */
export interface ListerListOptions {
  /** Only this namespace; @default all */
  readonly namespace?: string | undefined;
  /** Kubernetes label selector syntax (`app=web,tier!=db`); @default everything */
  readonly labelSelector?: string | undefined;
  /** Kubernetes field selector syntax over the resource's selectable fields (`spec.nodeName=n1`); @default everything */
  readonly fieldSelector?: string | undefined;
}

/**
 * Reads an informer's cache (client-go's `GenericLister` plus the indexer's
 * `ByIndex`). Objects are the informer's frozen versions: clone before
 * changing. Before the informer's initial list, everything reads empty.
 *
 * Costs: `get` O(log n); `list` O(log n + k) through the index the planner
 * picks (a namespace, an indexed label or field), or a scan of the namespace
 * (or of everything) with the selectors applied; `byIndex` O(k log n).
 */
export class Lister<T extends ObjectShape> {
  readonly #cache: WatchCache;
  readonly #fields: SelectableFields;
  readonly #indexes: ReadonlySet<string>;
  /** The last parsed selector pair: controllers list with the same few selectors over and over. */
  #lastSelectors: { readonly label: string; readonly field: string; readonly predicate: SelectionPredicate } | undefined;

  /** @internal Built by the informer. */
  constructor(cache: WatchCache, fields: SelectableFields, indexes: readonly IndexDefinition[]) {
    this.#cache = cache;
    this.#fields = fields;
    this.#indexes = new Set(indexes.map((index) => index.name));
  }

  /**
   * The object `name` in namespace `namespaceOrName` (`get('ns', 'web')`),
   * or the cluster-scoped object `namespaceOrName` (`get('node-1')`).
   *
   * @throws TypeError for a name or namespace that is not a string.
   */
  get(namespaceOrName: string, name?: string): Stored<T> | undefined {
    if (typeof namespaceOrName !== 'string') throw new TypeError(`Expected \`namespaceOrName\` to be a string, got ${received(namespaceOrName)}`);
    if (name !== undefined && typeof name !== 'string') throw new TypeError(`Expected \`name\` to be a string, got ${received(name)}`);
    const key = name === undefined ? `${this.#cache.prefix}${namespaceOrName}` : `${this.#cache.prefix}${namespaceOrName}/${name}`;
    const held = this.#cache.get(key);
    return held === undefined ? undefined : asStored<T>(held.getObject());
  }

  /**
   * The objects in scope, in key order.
   *
   * @throws StatusError BadRequest 400 for a selector that does not parse or
   *   names a field the resource cannot select on; TypeError for a namespace
   *   that is not a string.
   */
  list(options: ListerListOptions = {}): Stored<T>[] {
    const namespace = options.namespace;
    if (namespace !== undefined && (typeof namespace !== 'string' || namespace.includes('/'))) {
      throw new TypeError(`Expected \`namespace\` to be a namespace name, got ${received(namespace)}`);
    }
    const predicate = this.#predicate(options.labelSelector ?? '', options.fieldSelector ?? '');
    if (!this.#cache.isReady) return [];
    const prefix = namespace === undefined || namespace === '' ? undefined : `${this.#cache.prefix}${namespace}/`;
    // resourceVersion "0": the cached state, served now, never waits.
    const result = this.#cache.tryList({ resourceVersion: '0', predicate, prefix });
    const items = result?.items ?? [];
    const objects = new Array<Stored<T>>(items.length);
    for (let i = 0; i < items.length; i++) objects[i] = asStored<T>(items[i]!.getObject());
    return objects;
  }

  /**
   * The objects filed under `value` in index `indexName`, in key order.
   *
   * @throws RangeError for an index the informer does not have.
   */
  byIndex(indexName: string, value: string): Stored<T>[] {
    if (!this.#indexes.has(indexName)) throw new RangeError(`Expected \`indexName\` to be one of ${[...this.#indexes].map((name) => JSON.stringify(name)).join(', ')}, got ${received(indexName)}`);
    if (typeof value !== 'string') throw new TypeError(`Expected \`value\` to be a string, got ${received(value)}`);
    return this.#cache.byIndex(indexName, value).map((object) => asStored<T>(object.getObject()));
  }

  /** The index names. */
  get indexNames(): readonly string[] {
    return [...this.#indexes];
  }

  #predicate(label: string, field: string): SelectionPredicate {
    if (typeof label !== 'string') throw new TypeError(`Expected \`labelSelector\` to be a string, got ${received(label)}`);
    if (typeof field !== 'string') throw new TypeError(`Expected \`fieldSelector\` to be a string, got ${received(field)}`);
    if (label === '' && field === '') return SelectionPredicate.everything;
    const last = this.#lastSelectors;
    if (last !== undefined && last.label === label && last.field === field) return last.predicate;
    const predicate = new SelectionPredicate(parseLabelSelector(label), parseFieldSelector(field, this.#fields));
    this.#lastSelectors = { label, field, predicate };
    return predicate;
  }
}
