/**
 * The stores the storage suites time: N pod keys under `/pods/<ns>/<name>`,
 * in a MemoryStorage and in the floor, a plain `Map`. Pod bodies come from a
 * pool of 256 distinct frozen pods (the store's costs do not depend on bodies
 * being distinct; 100 k distinct 3.5 KB pods would only measure the heap).
 */
import { inspect } from 'node:util';
import type { KubeObject } from '@apiserver-kit/codec';
import { MemoryStorage } from '@apiserver-kit/storage';
import { makeFrozenPods } from '../fixtures/pod.js';

const POOL = 256;
let pool: KubeObject[] | undefined;

/** Pod number `i` ready for `create`: named `p<i>`, namespace `ns-<i % 100>`, no resourceVersion. */
export function podFor(i: number): KubeObject {
  pool ??= makeFrozenPods(POOL);
  const body = pool[i % POOL]!;
  const { resourceVersion: _rv, uid: _uid, ...metadata } = body.metadata!;
  return { ...body, metadata: { ...metadata, name: `p${i}`, namespace: `ns-${i % 100}` } };
}

/** The key of pod number `i`. */
export function keyFor(i: number): string {
  return `/pods/ns-${i % 100}/p${i}`;
}

/** A MemoryStorage holding pods 0…n-1 (created synchronously: MemoryStorage writes complete within the call). */
export function filledStorage(n: number, options: ConstructorParameters<typeof MemoryStorage>[0] = {}): MemoryStorage {
  const storage = new MemoryStorage({ uid: () => 'bench', ...options });
  for (let i = 0; i < n; i++) void storage.create(keyFor(i), podFor(i));
  return storage;
}

/** The floor: a Map holding pods 0…n-1. */
export function filledMap(n: number): Map<string, KubeObject> {
  const map = new Map<string, KubeObject>();
  for (let i = 0; i < n; i++) map.set(keyFor(i), podFor(i));
  return map;
}

/**
 * A promise's state, read synchronously (`util.inspect`). The tasks time
 * MemoryStorage calls in a synchronous loop, which is right only because
 * MemoryStorage settles its promises within the call: the checks assert it.
 */
export function settledNow(promise: Promise<unknown>): 'fulfilled' | 'rejected' | 'pending' {
  promise.catch(() => undefined);
  const shown = inspect(promise, { depth: 0 });
  return shown.includes('<pending>') ? 'pending' : shown.includes('<rejected>') ? 'rejected' : 'fulfilled';
}
