// Where the installed package is, for the files the CLI reads from it: its package.json, its starter
// configuration and its JSON Schemas. The CLI runs from dist/ (the published binary) or from src/cli/
// (`npm run cli` in a clone), so the package root is one or two levels up.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const NAME = 'llm-agent-router';

function readPackage(dir: string): { name?: string; version?: string } | undefined {
  try {
    return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
  } catch {
    return undefined;
  }
}

let root: string | undefined;

/** The directory holding the package's package.json. */
export function packageRoot(): string {
  if (root !== undefined) return root;
  for (const candidate of ['..', '../..']) {
    const dir = fileURLToPath(new URL(`${candidate}/`, import.meta.url)).replace(/[\\/]$/, '');
    if (readPackage(dir)?.name === NAME) return (root = dir);
  }
  throw new Error(`cannot find the ${NAME} package next to ${fileURLToPath(import.meta.url)}`);
}

export function packageVersion(): string {
  try {
    return readPackage(packageRoot())?.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}
