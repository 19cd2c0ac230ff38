import { describe, expect, it } from 'vitest';
import { OrderedStore } from '../src/index.js';
import { entry } from './helpers.js';

describe('OrderedStore', () => {
  it('.entries() — key order whatever the insertion order, no sort on read', () => {
    const store = new OrderedStore();
    for (const name of ['c', 'a', 'b', 'aa']) store.set(entry({ name }));
    expect([...store.entries()].map((e) => e.key)).toEqual(['/pods/default/a', '/pods/default/aa', '/pods/default/b', '/pods/default/c']);
    expect([...store.entries('/pods/default/ab')].map((e) => e.key)).toEqual(['/pods/default/b', '/pods/default/c']);
  });

  it('.set() / .delete() — return the entry they replaced or removed', () => {
    const store = new OrderedStore();
    const first = entry({ name: 'a', rv: 1 });
    expect(store.set(first)).toBeUndefined();
    expect(store.set(entry({ name: 'a', rv: 2 }))).toBe(first);
    expect(store.delete('/pods/default/a')?.revision).toBe(2);
    expect(store.delete('/pods/default/a')).toBeUndefined();
    expect(store.size).toBe(0);
  });

  it('.snapshot() — does not see later writes (copy-on-write)', () => {
    const store = new OrderedStore();
    for (let i = 0; i < 500; i++) store.set(entry({ name: `p${String(i).padStart(3, '0')}`, rv: 1 }));
    const snapshot = store.snapshot(1);
    store.delete('/pods/default/p000');
    store.set(entry({ name: 'p001', rv: 2 }));
    store.set(entry({ name: 'zzz', rv: 3 }));
    expect(snapshot.size).toBe(500);
    expect(snapshot.get('/pods/default/p000')).toBeDefined();
    expect(snapshot.get('/pods/default/p001')?.revision).toBe(1);
    expect(snapshot.get('/pods/default/zzz')).toBeUndefined();
    expect(store.size).toBe(500);
    expect([...snapshot.entries()].length).toBe(500);
  });

  it('StoreEntry — labels are the object’s own record, fields computed once, ADDED event shared', () => {
    const e = entry({ name: 'a', labels: { app: 'web' }, node: 'n1' });
    expect(e.labels).toBe(e.object.getObject().metadata?.labels);
    expect(e.fields?.['spec.nodeName']).toBe('n1');
    expect(e.addedEvent()).toBe(e.addedEvent());
    expect(e.addedEvent().object).toBe(e.object);
  });
});
