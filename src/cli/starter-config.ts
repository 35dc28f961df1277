// The starter configuration `init` writes: the seed's files as the package ships them
// (examples/config), each pointed at its JSON Schema by a `# yaml-language-server: $schema=` line
// that resolves from where the file is written.
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, sep } from 'node:path';
import { packageRoot } from './package-files.js';

export type SchemaKind = 'models' | 'agents' | 'routing' | 'environment';

export interface StarterFile {
  /** Relative to the configuration directory, with `/`: `models.yaml`, `environments/production.yaml`. */
  path: string;
  kind: SchemaKind;
  text: string;
}

export async function starterFiles(): Promise<StarterFile[]> {
  const seed = join(packageRoot(), 'examples', 'config');
  const files: StarterFile[] = [];
  for (const kind of ['models', 'agents', 'routing'] as const) {
    files.push({ path: `${kind}.yaml`, kind, text: await readFile(join(seed, `${kind}.yaml`), 'utf8') });
  }
  const environments = (await readdir(join(seed, 'environments'))).filter((name) => name.endsWith('.yaml')).sort();
  for (const name of environments) {
    files.push({ path: `environments/${name}`, kind: 'environment', text: await readFile(join(seed, 'environments', name), 'utf8') });
  }
  return files;
}

const SCHEMA_COMMENT = /^# yaml-language-server: \$schema=.*$/;

/** The text with its first line set to `# yaml-language-server: $schema=<reference>`. */
export function withSchemaReference(text: string, reference: string): string {
  const comment = `# yaml-language-server: $schema=${reference}`;
  const [first, ...rest] = text.split('\n');
  return SCHEMA_COMMENT.test(first ?? '') ? [comment, ...rest].join('\n') : `${comment}\n${text}`;
}

export interface SchemaLocation {
  /** The directory holding `<kind>.schema.json`. */
  dir: string;
  /** `installed`: found under node_modules; `package`: the target is inside this package (a clone); `expected`: where an install would put it. */
  found: 'installed' | 'package' | 'expected';
}

/**
 * Where the configuration written to `targetDir` should find the schemas: the nearest
 * node_modules/llm-agent-router above it (the path a project keeps across upgrades, not the real path
 * of the running copy, which may be in a versioned store or npx's cache); else this package's own
 * schema/ when the target is inside it; else where `npm install` run in `cwd` would put them.
 */
export function schemaLocation(targetDir: string, cwd: string): SchemaLocation {
  for (let dir = targetDir; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', 'llm-agent-router', 'schema');
    if (existsSync(join(candidate, 'models.schema.json'))) return { dir: candidate, found: 'installed' };
    if (dirname(dir) === dir) break;
  }
  const root = packageRoot();
  const inside = relative(root, targetDir);
  if (!inside.startsWith('..') && !isAbsolute(inside)) return { dir: join(root, 'schema'), found: 'package' };
  return { dir: join(cwd, 'node_modules', 'llm-agent-router', 'schema'), found: 'expected' };
}

/** The `$schema` reference for a file written at `filePath`, relative to its directory, with `/`. */
export function schemaReference(filePath: string, location: SchemaLocation, kind: SchemaKind): string {
  return relative(dirname(filePath), join(location.dir, `${kind}.schema.json`)).split(sep).join('/');
}
