/** Helpers on JSON-shaped values shared by the suites' checks. */

/** `value` without its null-valued fields: protobuf has no null (a zero `lastProbeTime` is simply absent). */
export function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, v]) => v !== null)
      .map(([k, v]) => [k, withoutNulls(v)]),
  );
}
