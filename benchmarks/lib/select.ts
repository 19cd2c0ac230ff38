import type { Suite } from './harness.js';

/** The suites named by `args` (exact names or `<package>` prefixes); all of them when none are named. */
export function selectSuites(all: readonly Suite[], names: readonly string[]): Suite[] {
  if (names.length === 0) return [...all];
  const selected = all.filter((suite) => names.some((name) => suite.name === name || suite.name.startsWith(`${name}/`)));
  const unknown = names.filter((name) => !all.some((suite) => suite.name === name || suite.name.startsWith(`${name}/`)));
  if (unknown.length > 0) {
    throw new TypeError(`Unknown suite ${unknown.map((n) => `\`${n}\``).join(', ')}; expected one of ${all.map((s) => s.name).join(', ')}`);
  }
  return selected;
}
