import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isStatusError, type KubeObject, MemoryStorage, validateObjectMeta } from '../src/index.js';

const STRING_FIELDS = ['name', 'generateName', 'namespace', 'selfLink', 'uid', 'resourceVersion', 'creationTimestamp', 'deletionTimestamp'];
const INTEGER_FIELDS = ['generation', 'deletionGracePeriodSeconds'];
const MAP_FIELDS = ['labels', 'annotations'];
const LIST_FIELDS = ['finalizers', 'ownerReferences', 'managedFields'];

/** Whether `meta` has the shape decoding into apimachinery's ObjectMeta would give (nulls already dropped). */
function wellShaped(meta: Readonly<Record<string, unknown>>): boolean {
  const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  for (const field of STRING_FIELDS) if (Object.hasOwn(meta, field) && typeof meta[field] !== 'string') return false;
  for (const field of INTEGER_FIELDS) if (Object.hasOwn(meta, field) && !Number.isSafeInteger(meta[field])) return false;
  for (const field of MAP_FIELDS) {
    if (!Object.hasOwn(meta, field)) continue;
    const value = meta[field];
    if (!isMap(value) || !Object.values(value).every((v) => typeof v === 'string')) return false;
  }
  for (const field of LIST_FIELDS) {
    if (!Object.hasOwn(meta, field)) continue;
    const value = meta[field];
    if (!Array.isArray(value)) return false;
    if (!value.every((v) => (field === 'finalizers' ? typeof v === 'string' : isMap(v)))) return false;
  }
  return true;
}

describe('validateObjectMeta', () => {
  // ValidateObjectMeta / decoding a body into ObjectMeta: the outcome is either a
  // well-shaped metadata or Invalid 422, never a raw TypeError, whatever JSON is sent.
  it('any JSON metadata → a well-shaped metadata (nulls dropped, other fields kept) or Invalid 422 naming metadata fields (property)', () => {
    const value = fc.oneof(fc.constant(null), fc.string(), fc.integer(), fc.double(), fc.boolean(), fc.array(fc.oneof(fc.string(), fc.integer(), fc.constant(null), fc.object())), fc.dictionary(fc.string(), fc.oneof(fc.string(), fc.integer(), fc.constant(null))));
    const fields = fc.constantFrom(...STRING_FIELDS, ...INTEGER_FIELDS, ...MAP_FIELDS, ...LIST_FIELDS, 'other');
    fc.assert(
      fc.property(fc.dictionary(fields, value), (meta) => {
        const object: KubeObject = { apiVersion: 'v1', kind: 'Pod', metadata: meta as never };
        let result: KubeObject;
        try {
          result = validateObjectMeta('/pods/ns/a', object);
        } catch (error) {
          expect(isStatusError(error, 'Invalid') && error.code).toBe(422);
          const causes = (isStatusError(error) && error.details?.causes) || [];
          expect(causes.length).toBeGreaterThan(0);
          for (const cause of causes) expect(cause.field).toMatch(/^metadata\.\w+/);
          // Rejected only when something really has the wrong shape.
          expect(wellShaped(Object.fromEntries(Object.entries(meta).filter(([field, v]) => v !== null || field === 'other')))).toBe(false);
          return;
        }
        const out = result.metadata as Record<string, unknown>;
        expect(wellShaped(out)).toBe(true);
        for (const [field, v] of Object.entries(meta)) {
          if (v === null && field !== 'other') expect(Object.hasOwn(out, field)).toBe(false);
          else expect(out[field]).toBe(v);
        }
        if (!Object.entries(meta).some(([field, v]) => v === null && field !== 'other')) expect(result).toBe(object);
      }),
      { numRuns: 1000 },
    );
  });

  it('no metadata, or metadata without nulls → the very object; the input is never changed', () => {
    const bare: KubeObject = { kind: 'Pod' };
    expect(validateObjectMeta('/pods/ns/a', bare)).toBe(bare);
    const frozen = Object.freeze({ kind: 'Pod', metadata: Object.freeze({ name: 'a', labels: null }) }) as unknown as KubeObject;
    expect(validateObjectMeta('/pods/ns/a', frozen)).toEqual({ kind: 'Pod', metadata: { name: 'a' } });
    expect(frozen.metadata).toEqual({ name: 'a', labels: null });
  });
});

describe('MemoryStorage and metadata', () => {
  // The hostile input: `labels: null` was stored as such and every label-selector LIST threw.
  it('.create() — labels: null → stored without labels', async () => {
    const storage = new MemoryStorage();
    const created = await storage.create('/pods/ns/a', { kind: 'Pod', metadata: { name: 'a', labels: null } as never });
    expect(Object.hasOwn(created.metadata!, 'labels')).toBe(false);
    expect((await storage.list('/pods/')).items[0]).toBe(created);
  });

  // etcd3 store.go GuaranteedUpdate compares encoded bytes: no write, and the stored object itself back.
  it('.guaranteedUpdate() — only undefined-valued keys added → the stored object itself, same resourceVersion', async () => {
    const storage = new MemoryStorage();
    const created = await storage.create('/pods/ns/a', { kind: 'Pod', metadata: { name: 'a' }, spec: { v: 1 } });
    const same = await storage.guaranteedUpdate('/pods/ns/a', (o) => ({ ...o!, spec: { v: 1, a: undefined }, b: undefined }));
    expect(same).toBe(created);
    expect(await storage.currentRevision()).toBe(1);
  });
});
