// Writing a set of files all or nothing, for `init`: a run that fails half-way must not leave a
// configuration that is neither the old one nor the new one (and that a rerun then refuses to touch).
// Paths are checked with lstat: a symbolic link where a file goes is an entry of its own, replaced
// as a link, never written through.
import { randomBytes } from 'node:crypto';
import type { Stats } from 'node:fs';
import { chmod, lstat, open, rename, rm, rmdir } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { CommandFailure, type CliIO } from './cli-io.js';
import { describeFsError } from './diagnostics.js';
import { shownPath } from './format.js';
import { ensureDirectory } from './output-files.js';

export interface FileToWrite {
  path: string;
  text: string;
}

/** What is at `path` itself (a symbolic link, even a dangling one, counts), or undefined when nothing is. */
export async function entryAt(io: CliIO, path: string): Promise<Stats | undefined> {
  try {
    return await lstat(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // ENOTDIR: a parent is not a directory; creating the directories says so.
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw new CommandFailure(`cannot write ${shownPath(io, path)}: ${describeFsError(error)}`);
  }
}

interface Plan extends FileToWrite {
  existing: Stats | undefined;
  /** Where the new text is written first, next to the file. */
  temporary: string;
  /** Where the existing entry waits until every file is in place. */
  backup: string | undefined;
  /** How far this file got: what undoing it must remove or put back. */
  state: 'planned' | 'opened' | 'aside' | 'placed';
}

/**
 * Writes every file or none, replacing what is there. First checks every target (a directory where a
 * file goes fails) and creates the missing directories; then writes each file under a temporary name
 * in its directory; then moves each into place, the entry it replaces set aside until all are in. On
 * any failure it removes what it created and puts back what it set aside, then throws a
 * `CommandFailure` naming the file.
 */
export async function writeFilesTogether(io: CliIO, files: readonly FileToWrite[]): Promise<void> {
  const tag = `${process.pid}-${randomBytes(4).toString('hex')}`;
  const plans: Plan[] = [];
  for (const file of files) {
    const existing = await entryAt(io, file.path);
    if (existing?.isDirectory()) throw new CommandFailure(`cannot write ${shownPath(io, file.path)}: it is a directory`);
    const aside = (suffix: string) => join(dirname(file.path), `.${basename(file.path)}.${tag}.${suffix}`);
    plans.push({ ...file, existing, temporary: aside('tmp'), backup: existing ? aside('old') : undefined, state: 'planned' });
  }

  const createdDirectories: string[] = [];
  let current: Plan | undefined;
  try {
    for (const dir of new Set(plans.map((plan) => dirname(plan.path)))) await ensureDirectory(io, dir, createdDirectories);
    for (const plan of plans) {
      current = plan;
      // 'wx': a name that is somehow taken is not ours to overwrite, nor to remove.
      const handle = await open(plan.temporary, 'wx');
      plan.state = 'opened';
      try {
        await handle.writeFile(plan.text);
      } finally {
        await handle.close();
      }
      if (plan.existing?.isFile()) await chmod(plan.temporary, plan.existing.mode & 0o7777);
    }
    for (const plan of plans) {
      current = plan;
      if (plan.backup) {
        await rename(plan.path, plan.backup);
        plan.state = 'aside';
      }
      await rename(plan.temporary, plan.path);
      plan.state = 'placed';
    }
  } catch (error) {
    await undo(plans, createdDirectories);
    if (error instanceof CommandFailure || current === undefined) throw error;
    throw new CommandFailure(`cannot write ${shownPath(io, current.path)}: ${describeFsError(error)}`);
  }
  // Every file is in place; what they replaced can go. A backup that will not is harmless.
  await Promise.all(plans.map((plan) => (plan.backup ? rm(plan.backup, { force: true }).catch(() => undefined) : undefined)));
}

/** Best effort, in reverse: each file as it was, then the directories this run created, if still empty. */
async function undo(plans: Plan[], createdDirectories: string[]): Promise<void> {
  const quietly = (work: Promise<unknown>) => work.catch(() => undefined);
  for (const plan of [...plans].reverse()) {
    if (plan.state === 'placed' && plan.backup) await quietly(rename(plan.backup, plan.path));
    else if (plan.state === 'placed') await quietly(rm(plan.path, { force: true }));
    if (plan.state === 'aside' && plan.backup) await quietly(rename(plan.backup, plan.path));
    if (plan.state === 'opened' || plan.state === 'aside') await quietly(rm(plan.temporary, { force: true }));
  }
  for (const dir of [...createdDirectories].reverse()) await quietly(rmdir(dir));
}
