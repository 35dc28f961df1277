// What a failed write must not change: every entry under a directory, with a file's text and a
// link's target.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';

export function snapshot(dir: string): Record<string, string> {
  const entries: Record<string, string> = {};
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    const path = join(entry.parentPath, entry.name);
    const key = path.slice(dir.length + 1);
    if (entry.isSymbolicLink()) entries[key] = `-> ${readlinkSync(path)}`;
    else entries[key] = entry.isDirectory() ? '/' : readFileSync(path, 'utf8');
  }
  return entries;
}
