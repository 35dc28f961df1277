// Making sure a command can write where it was told to before it does any work, and creating output
// directories without fs.mkdir's `recursive` mode: on some paths (`/proc/x` on Linux) Node's
// recursive mkdir retries forever at full CPU instead of failing.
import { constants } from 'node:fs';
import { access, mkdir, open, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { CommandFailure, type CliIO } from './cli-io.js';
import { describeFsError } from './diagnostics.js';
import { shownPath } from './format.js';

/**
 * Creates `dir` and any missing parents; a failure is a `CommandFailure` naming the directory. Each
 * directory it creates is appended to `created` (outermost first), also when a deeper one then fails,
 * so the caller can remove them again.
 */
export async function ensureDirectory(io: CliIO, dir: string, created: string[] = []): Promise<void> {
  try {
    await makeDirectory(dir, created);
  } catch (error) {
    throw new CommandFailure(`cannot create the directory ${shownPath(io, dir)}: ${describeFsError(error)}`);
  }
}

async function makeDirectory(dir: string, created: string[]): Promise<void> {
  try {
    await mkdir(dir);
    created.push(dir);
    return;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST' && (await isDirectory(dir))) return;
    const parent = dirname(dir);
    // ENOENT with the parent present (or at the root) is final: do not loop on it.
    if (code !== 'ENOENT' || parent === dir || (await isDirectory(parent))) throw error;
    await makeDirectory(parent, created);
  }
  try {
    await mkdir(dir);
    created.push(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST' && (await isDirectory(dir))) return;
    throw error;
  }
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Fails now, with a clear message, if `file` could not be written later: its directory is missing,
 * it is a directory, or opening it for writing fails. Leaves an existing file as it was, and no new one.
 */
export async function assertWritableFile(io: CliIO, file: string, what: string): Promise<void> {
  const fail = (reason: string) => new CommandFailure(`cannot write ${what} to ${shownPath(io, file)}: ${reason}`);
  const parent = dirname(file);
  if (!(await isDirectory(parent))) throw fail(`the directory ${shownPath(io, parent)} does not exist`);
  if (await isDirectory(file)) throw fail('it is a directory');
  let existed = true;
  try {
    await access(file, constants.F_OK);
  } catch {
    existed = false;
  }
  try {
    const handle = await open(file, 'a');
    await handle.close();
  } catch (error) {
    throw fail(describeFsError(error));
  }
  if (!existed) await rm(file, { force: true });
}
