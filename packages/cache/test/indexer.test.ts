import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  candidates,
  customIndex,
  fieldIndex,
  Indexer,
  labelIndex,
  namespaceIndex,
  OrderedStore,
  parseFieldSelector,
  parseLabelSelector,
  planList,
  SelectionPredicate,
} from '../src/index.js';
import { entry, podFields } from './helpers.js';

describe('Indexer', () => {
  it('.update() — files and moves keys between ordered buckets', () => {
    const indexer = new Indexer([namespaceIndex(), labelIndex('app'), fieldIndex('spec.nodeName')]);
    const a1 = entry({ ns: 'a', name: 'x', labels: { app: 'web' }, node: 'n1' });
    indexer.update(undefined, a1);
    indexer.update(undefined, entry({ ns: 'a', name: 'b', labels: { app: 'web' } }));
    expect([...indexer.keys('label:app', 'web')]).toEqual(['/pods/a/b', '/pods/a/x']);
    expect([...indexer.keys('field:spec.nodeName', 'n1')]).toEqual(['/pods/a/x']);
    indexer.update(a1, entry({ ns: 'a', name: 'x', labels: { app: 'db' }, node: 'n2' }));
    expect([...indexer.keys('label:app', 'web')]).toEqual(['/pods/a/b']);
    expect([...indexer.keys('label:app', 'db')]).toEqual(['/pods/a/x']);
    expect(indexer.count('field:spec.nodeName', 'n1')).toBe(0);
    expect(indexer.count('namespace', 'a')).toBe(2);
  });

  it('.mergedKeys() — an in set merges buckets in key order without duplicates', () => {
    const indexer = new Indexer([customIndex('letters', (e) => [...new Set(e.key.slice(-2))])]);
    for (const name of ['ab', 'bc', 'ca', 'dd']) indexer.update(undefined, entry({ name }));
    expect([...indexer.mergedKeys('letters', ['a', 'b'])]).toEqual(['/pods/default/ab', '/pods/default/bc', '/pods/default/ca']);
  });

  it('constructor — duplicate index names are a TypeError', () => {
    expect(() => new Indexer([labelIndex('a'), labelIndex('a')])).toThrow(new TypeError('Expected index names to be unique, got `label:a` twice'));
  });

  it('.keys() — unknown index is a RangeError', () => {
    expect(() => new Indexer().keys('nope', 'x')).toThrow(new RangeError('Expected `name` to be a registered index, got `"nope"` (string)'));
  });
});

describe('planList()', () => {
  const indexer = new Indexer([namespaceIndex(), labelIndex('app'), fieldIndex('spec.nodeName')]);
  for (let i = 0; i < 20; i++) indexer.update(undefined, entry({ name: `p${i}`, labels: { app: i < 2 ? 'rare' : 'common' }, node: `n${i % 4}` }));

  it('uses the index with the fewest candidates', () => {
    const predicate = new SelectionPredicate(parseLabelSelector('app=rare'), parseFieldSelector('spec.nodeName=n1', podFields));
    expect(planList(predicate, indexer, 20)).toEqual({ kind: 'index', index: 'label:app', values: ['rare'], estimate: 2 });
  });

  it('uses an index for a small in set', () => {
    expect(planList(new SelectionPredicate(parseLabelSelector('app in (rare,none)')), indexer, 20)).toEqual({
      kind: 'index',
      index: 'label:app',
      values: ['none', 'rare'],
      estimate: 2,
    });
  });

  it('scans for an empty selector, a negation or an unindexed key', () => {
    expect(planList(SelectionPredicate.everything, indexer, 20).kind).toBe('scan');
    expect(planList(new SelectionPredicate(parseLabelSelector('app!=rare')), indexer, 20).kind).toBe('scan');
    expect(planList(new SelectionPredicate(parseLabelSelector('tier=x')), indexer, 20).kind).toBe('scan');
  });
});

describe('candidates() — index and scan give the same key-ordered results', () => {
  it('property: random pods, random pinned selectors, random prefixes and start keys', () => {
    const podArb = fc.record({
      ns: fc.constantFrom('a', 'b', 'c'),
      name: fc.stringMatching(/^[a-d]{1,3}$/),
      app: fc.option(fc.constantFrom('web', 'db', 'api')),
      node: fc.constantFrom('n1', 'n2', ''),
    });
    fc.assert(
      fc.property(
        fc.array(podArb, { maxLength: 40 }),
        fc.constantFrom('app=web', 'app in (web,db)', 'app=api,tier!=x', 'app'),
        fc.constantFrom('', 'spec.nodeName=n1', 'metadata.namespace=b'),
        fc.constantFrom('/pods/', '/pods/a/', '/pods/b/'),
        fc.option(fc.constantFrom('/pods/a/b', '/pods/b/', '/pods/c/a\u0000')),
        (pods, labels, fields, prefix, startKey) => {
          const store = new OrderedStore();
          const indexer = new Indexer([namespaceIndex(), labelIndex('app'), fieldIndex('spec.nodeName')]);
          for (const p of pods) {
            const next = entry({ ns: p.ns, name: p.name, ...(p.app === null ? {} : { labels: { app: p.app } }), ...(p.node === '' ? {} : { node: p.node }) });
            indexer.update(store.set(next), next);
          }
          const predicate = new SelectionPredicate(parseLabelSelector(labels), parseFieldSelector(fields, podFields));
          const from = startKey ?? undefined;
          const run = (plan: ReturnType<typeof planList>): string[] =>
            [...candidates(plan, store, indexer, prefix, from)].filter((e) => predicate.matches(e)).map((e) => e.key);
          const planned = run(planList(predicate, indexer, store.size));
          const scanned = run({ kind: 'scan' });
          expect(planned).toEqual(scanned);
          expect([...scanned].sort()).toEqual(scanned);
        },
      ),
      { numRuns: 300 },
    );
  });
});
