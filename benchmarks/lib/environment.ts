/** The machine, runtime and package versions a run was measured with. */
import { existsSync, readFileSync } from 'node:fs';
import { cpus, release, totalmem, type } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The `benchmarks/` directory, whether running from sources (vitest) or from `dist/`. */
export const BENCHMARKS_ROOT: string = (() => {
  const lib = dirname(fileURLToPath(import.meta.url));
  const parent = dirname(lib);
  return basename(parent) === 'dist' ? dirname(parent) : parent;
})();

/** The repository root. */
export const REPO_ROOT: string = dirname(BENCHMARKS_ROOT);

/** Whether this module runs from the compiled `dist/` (node) rather than sources (vitest). */
export const RUNNING_FROM_DIST: boolean = basename(dirname(dirname(fileURLToPath(import.meta.url)))) === 'dist';

/**
 * The version of `name` as installed for `fromDir` (walking up its
 * `node_modules`), read from disk: some packages do not export their package.json.
 */
export function packageVersion(name: string, fromDir: string = BENCHMARKS_ROOT): string {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const manifest = join(dir, 'node_modules', name, 'package.json');
    if (existsSync(manifest)) return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
    if (dirname(dir) === dir) return 'unknown';
  }
}

/** What a report's header names. */
export interface Environment {
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly os: string;
  readonly node: string;
  readonly packages: Readonly<Record<string, string>>;
  readonly date: string;
}

/** The environment of this process. */
export function environment(): Environment {
  const cpuList = cpus();
  const codecDir = join(REPO_ROOT, 'packages', 'codec');
  return {
    cpu: cpuList[0]?.model.trim() ?? 'unknown CPU',
    cores: cpuList.length,
    memoryGiB: totalmem() / 2 ** 30,
    os: `${type()} ${release()}`,
    node: process.version,
    packages: {
      tinybench: packageVersion('tinybench'),
      typescript: packageVersion('typescript', REPO_ROOT),
      'fast-json-stable-stringify': packageVersion('fast-json-stable-stringify'),
      'js-yaml': packageVersion('js-yaml', codecDir),
      protobufjs: packageVersion('protobufjs', codecDir),
    },
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
  };
}

/** `Intel(R) Xeon(R) Processor, 2 cores, 23.5 GiB, Linux 6.1 · Node v20.20.2`. */
export function machineLine(env: Environment): string {
  return `${env.cpu}, ${env.cores} cores, ${env.memoryGiB.toFixed(1)} GiB, ${env.os} · Node ${env.node}`;
}
