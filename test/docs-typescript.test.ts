// Every complete TypeScript example in the shipped docs (a ```ts block that starts with its imports, in a package
// README or a guide under packages/*/docs) type-checks as a strict NodeNext consumer would compile it: resolved
// through the packages' published `exports` and declarations, with no casts needed. Fragments (blocks without
// imports) are illustrations and are not compiled.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const root = fileURLToPath(new URL('../', import.meta.url));
const packagesDir = join(root, 'packages');
const tsc = join(root, 'node_modules/typescript/bin/tsc');

/** The complete TypeScript examples of one package's README and guides: [file, index, source]. */
function examplesOf(dir: string): Array<readonly [string, number, string]> {
  const files = ['README.md', ...(existsSync(join(dir, 'docs')) ? readdirSync(join(dir, 'docs')).filter((name) => name.endsWith('.md')).map((name) => `docs/${name}`) : [])];
  const examples: Array<readonly [string, number, string]> = [];
  for (const file of files) {
    const markdown = readFileSync(join(dir, file), 'utf8');
    let index = 0;
    for (const match of markdown.matchAll(/```ts\n([\s\S]*?)```/g)) {
      const source = match[1]!;
      const firstCode = source.split('\n').find((line) => line.trim() !== '' && !line.trim().startsWith('//'));
      if (firstCode?.startsWith('import ') === true) examples.push([file, index, source]);
      index++;
    }
  }
  return examples;
}

const packages = readdirSync(packagesDir, { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && examplesOf(join(packagesDir, entry.name)).length > 0)
  .map((entry) => entry.name)
  .sort();

it.each(packages)('packages/%s — its complete TypeScript examples type-check (strict, NodeNext, exactOptionalPropertyTypes)', (name) => {
  const dir = join(packagesDir, name);
  const examples = examplesOf(dir);
  const written: string[] = [];
  const config = join(dir, '.docs-examples.tsconfig.json');
  try {
    for (const [file, index, source] of examples) {
      const path = join(dir, `.docs-example-${file.replace(/[/.]/g, '-')}-${index}.mts`);
      // Each example is its own module (top-level await, no clashing names).
      writeFileSync(path, `${source}\nexport {};\n`);
      written.push(path);
    }
    writeFileSync(
      config,
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          lib: ['ES2023'],
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          types: ['node'],
          strict: true,
          noUncheckedIndexedAccess: true,
          exactOptionalPropertyTypes: true,
          noEmit: true,
          skipLibCheck: true,
        },
        files: written.map((path) => path.slice(dir.length + 1)),
      }),
    );
    let output = '';
    try {
      execFileSync(process.execPath, [tsc, '-p', config], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
    } catch (error) {
      output = String((error as { stdout?: unknown }).stdout ?? error);
    }
    expect(output).toBe('');
  } finally {
    for (const path of written) rmSync(path, { force: true });
    rmSync(config, { force: true });
  }
});
