// Scratch directories the way newcomers meet the package:
// - a user's project that has installed it: exactly the files `npm pack` would publish, copied to
//   node_modules/llm-agent-router, its bin linked in node_modules/.bin (as npm links it), its
//   dependencies resolved from this repository's node_modules;
// - a fresh clone of this repository: the files git would hand out (tracked, plus new ones not
//   ignored), with node_modules as `npm ci` leaves it, and no dist/.
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { ROOT } from '../../helpers/built-cli.js';

const PACKAGE = 'llm-agent-router';

/** The files `npm pack` would put in the package (needs dist/ built). */
export function packedFiles(): string[] {
  const result = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts', '--offline'], { cwd: ROOT, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`npm pack --dry-run failed:\n${result.stderr}`);
  const [pack] = JSON.parse(result.stdout) as [{ files: { path: string }[] }];
  return pack.files.map((file) => file.path);
}

let installed: string | undefined;

/** A directory holding node_modules/ with the package installed; made once per test file. */
export function installedPackage(): string {
  if (installed) return installed;
  const base = mkdtempSync(join(tmpdir(), 'router-installed-'));
  const pkg = join(base, 'node_modules', PACKAGE);
  for (const file of packedFiles()) {
    mkdirSync(dirname(join(pkg, file)), { recursive: true });
    copyFileSync(join(ROOT, file), join(pkg, file));
  }
  // The package's own dependencies (yaml, zod, ...), as npm would install them next to it.
  symlinkSync(join(ROOT, 'node_modules'), join(pkg, 'node_modules'), 'dir');
  mkdirSync(join(base, 'node_modules', '.bin'));
  symlinkSync(join('..', PACKAGE, 'dist', 'cli.js'), join(base, 'node_modules', '.bin', PACKAGE));
  chmodSync(join(pkg, 'dist', 'cli.js'), 0o755);
  installed = base;
  return base;
}

/** A new, empty user project with the package installed: a package.json and node_modules. */
export function userProject(): string {
  const dir = mkdtempSync(join(tmpdir(), 'router-project-'));
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify({ name: 'my-agents', private: true, type: 'module', dependencies: { [PACKAGE]: '*' } }, null, 2)}\n`);
  symlinkSync(join(installedPackage(), 'node_modules'), join(dir, 'node_modules'), 'dir');
  return dir;
}

/** Runs one shell command line as a user types it (NO_COLOR, stdout and stderr as one stream). */
export function shell(command: string, cwd: string): { status: number | null; output: string } {
  const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: '1', npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' };
  // Not the repository's npm run context: the command runs as if typed in a terminal.
  for (const key of Object.keys(env)) if (key.startsWith('npm_package_') || key.startsWith('npm_lifecycle_')) delete env[key];
  const result = spawnSync('sh', ['-c', `exec 2>&1; ${command}`], { cwd, encoding: 'utf8', env, timeout: 120_000 });
  if (result.error) throw result.error;
  return { status: result.status, output: result.stdout };
}

/** The files a fresh clone has: tracked and new files git does not ignore. */
function cloneFiles(): string[] {
  const git = spawnSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], { cwd: ROOT, encoding: 'utf8' });
  if (git.status === 0) return git.stdout.split('\0').filter((file) => file !== '' && existsSync(join(ROOT, file)));
  // Not a git checkout: everything but what .gitignore names.
  const skip = new Set(['.git', 'node_modules', 'dist', 'coverage', '.doc-samples', '.distx']);
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (skip.has(entry.name)) continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else files.push(relative(ROOT, path));
    }
  };
  walk(ROOT);
  return files;
}

/** A copy of this repository as a fresh clone after `npm ci`: no dist/, node_modules linked. */
export function freshClone(): string {
  const dir = mkdtempSync(join(tmpdir(), 'router-clone-'));
  for (const file of cloneFiles()) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    copyFileSync(join(ROOT, file), join(dir, file));
  }
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return dir;
}
