/**
 * Structural equality of JSON data, with `metadata.resourceVersion` at the top
 * level ignored: the test Kubernetes applies (on the encoded bytes) to skip
 * writes that change nothing.
 */
export function sameObjectIgnoringVersion(a: Readonly<Record<string, unknown>>, b: Readonly<Record<string, unknown>>): boolean {
  const keysA = Object.keys(a);
  if (keysA.length !== Object.keys(b).length) return false;
  for (const key of keysA) {
    if (!Object.hasOwn(b, key)) return false;
    if (key === 'metadata') {
      const ma = a[key];
      const mb = b[key];
      if (isRecord(ma) && isRecord(mb)) {
        if (!equalRecords(ma, mb, 'resourceVersion')) return false;
        continue;
      }
    }
    if (!deepEqual(a[key], b[key])) return false;
  }
  return true;
}

function isRecord(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function equalRecords(a: Readonly<Record<string, unknown>>, b: Readonly<Record<string, unknown>>, ignored?: string): boolean {
  let countA = 0;
  for (const key of Object.keys(a)) {
    if (key === ignored) continue;
    countA++;
    if (!Object.hasOwn(b, key) || !deepEqual(a[key], b[key])) return false;
  }
  let countB = 0;
  for (const key of Object.keys(b)) if (key !== ignored) countB++;
  return countA === countB;
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) {
    return typeof a === 'number' && typeof b === 'number' && Number.isNaN(a) && Number.isNaN(b);
  }
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!deepEqual(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  return equalRecords(a as Record<string, unknown>, b as Record<string, unknown>);
}
