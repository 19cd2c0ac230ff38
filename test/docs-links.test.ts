import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// Docs must work where they are read. A package README and the guides in its docs/ folder are read from the npm
// tarball, which holds only the package's "files" and README.md: their relative links must stay inside the package and
// name a shipped file. The repository's own docs (README.md, docs/*.md) may link anywhere in the repository.
const root = fileURLToPath(new URL('../', import.meta.url));
const packagesDir = join(root, 'packages');

/** Relative link targets of Markdown links and images (`[text](target)`, `![alt](target)`), without absolute URLs. */
function relativeLinks(markdown: string): string[] {
  const withoutCode = markdown.replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '');
  const links: string[] = [];
  for (const match of withoutCode.matchAll(/!?\[[^\]]*\]\(([^)\s]+)\)/g)) {
    const target = match[1]!;
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue;
    links.push(target);
  }
  return links;
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens. */
function anchors(markdown: string): Set<string> {
  const result = new Set<string>();
  for (const match of markdown.replace(/```[\s\S]*?```/g, '').matchAll(/^#{1,6} (.+)$/gm)) {
    result.add(
      match[1]!
        .trim()
        .toLowerCase()
        .replace(/[^\p{L}\p{N}\s_-]/gu, '')
        .replace(/\s/g, '-'),
    );
  }
  return result;
}

function markdownFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.md'))
    .map((entry) => join(entry.parentPath, entry.name));
}

/** Problems with the links of `file`: targets missing, anchors missing, or outside `boundary` / not `shipped`. */
function problems(file: string, boundary?: { dir: string; shipped: (path: string) => boolean }): string[] {
  const text = readFileSync(file, 'utf8');
  const found: string[] = [];
  for (const link of relativeLinks(text)) {
    const [path = '', anchor] = link.split('#');
    const target = path === '' ? file : join(dirname(file), decodeURIComponent(path));
    const where = `${relative(root, file)} → ${link}`;
    if (!existsSync(target)) {
      found.push(`${where}: no such file`);
      continue;
    }
    if (boundary !== undefined) {
      const inside = relative(boundary.dir, target);
      if (inside.startsWith('..') || !boundary.shipped(inside)) {
        found.push(`${where}: not in the package's tarball`);
        continue;
      }
    }
    if (anchor !== undefined && anchor !== '' && target.endsWith('.md') && !anchors(readFileSync(target, 'utf8')).has(anchor)) {
      found.push(`${where}: no heading #${anchor}`);
    }
  }
  return found;
}

const packages = readdirSync(packagesDir, { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && existsSync(join(packagesDir, entry.name, 'README.md')))
  .map((entry) => entry.name)
  .sort();

describe('docs links', () => {
  it.each(packages)('packages/%s — README and docs/ link only to files its npm tarball ships ("files", README.md)', (name) => {
    const dir = join(packagesDir, name);
    const files = (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { files?: string[] }).files ?? [];
    const shipped = (path: string): boolean => {
      const top = path.split(sep)[0]!;
      return path === 'README.md' || path === 'package.json' || files.includes(top) || (files.includes(path) && statSync(join(dir, path)).isFile());
    };
    const docs = markdownFiles(join(dir, 'docs'));
    if (docs.length > 0) expect(files, `"files" of ${name} ships docs/`).toContain('docs');
    expect([join(dir, 'README.md'), ...docs].flatMap((file) => problems(file, { dir, shipped }))).toEqual([]);
  });

  it('README.md and docs/*.md — every relative link names an existing file and heading', () => {
    const files = [join(root, 'README.md'), ...markdownFiles(join(root, 'docs'))];
    expect(files.flatMap((file) => problems(file))).toEqual([]);
  });
});
