import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

// Every package README's first example runs against the built package and prints exactly the output shown under it.
const packagesDir = fileURLToPath(new URL('../packages/', import.meta.url));
const packages = readdirSync(packagesDir, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();

it.each(packages)('packages/%s/README.md — the example prints the output shown', (name) => {
  const dir = join(packagesDir, name);
  const readme = readFileSync(join(dir, 'README.md'), 'utf8');
  const example = /## Example\n\n```js\n([\s\S]*?)```/.exec(readme)?.[1];
  const output = /Output[^\n]*\n\n```text\n([\s\S]*?)```/.exec(readme)?.[1];
  expect(example, 'a "## Example" section with a js block').toBeDefined();
  expect(output, 'an "Output" paragraph with a text block').toBeDefined();
  // Inside the package folder, `@apiserver-kit/<name>` resolves to the package itself (self-reference).
  const file = join(dir, '.readme-example.mjs');
  writeFileSync(file, example!);
  try {
    // The timeout turns an example that never exits (a timer left running) into a failure.
    expect(execFileSync(process.execPath, [file], { encoding: 'utf8', timeout: 30_000 })).toBe(output);
  } finally {
    rmSync(file, { force: true });
  }
});
