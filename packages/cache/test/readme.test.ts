import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

it('README — the example runs against the built package and prints the output shown', () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const example = /## Example\n\n```js\n([\s\S]*?)```/.exec(readme)?.[1];
  const output = /Output[^\n]*\n\n```text\n([\s\S]*?)```/.exec(readme)?.[1];
  expect(example).toBeDefined();
  expect(output).toBeDefined();
  // Inside the package folder, `@apiserver-kit/cache` resolves to the package itself (self-reference).
  const file = fileURLToPath(new URL('../.readme-example.mjs', import.meta.url));
  writeFileSync(file, example!);
  try {
    // The example closes the cache and stops the reflector; the timeout turns a hang into a failure.
    expect(execFileSync(process.execPath, [file], { encoding: 'utf8', timeout: 20_000 })).toBe(output);
  } finally {
    rmSync(file, { force: true });
  }
});
