// Writing a set of files all or nothing (what `init` relies on): whatever step fails, the directory
// is left as it was — no new file, no temporary file, no new directory, every replaced file back.
// Failures are real where a real one is easy to cause (a name too long for its temporary twin) and
// injected into rename otherwise.
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { CommandFailure, type CliIO } from '../../src/cli/cli-io.js';
import { writeFilesTogether } from '../../src/cli/write-files.js';
import { snapshot } from './support/dir-snapshot.js';

const renames = vi.hoisted(() => ({ calls: 0, failAt: -1 }));
vi.mock('node:fs/promises', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs/promises')>();
  const rename: typeof actual.rename = async (from, to) => {
    if (renames.calls++ === renames.failAt) throw Object.assign(new Error('injected'), { code: 'EIO' });
    return actual.rename(from, to);
  };
  return { ...actual, rename, default: { ...actual, rename } };
});

beforeEach(() => {
  renames.calls = 0;
  renames.failAt = -1;
});

function scratch(): { root: string; io: CliIO } {
  const root = mkdtempSync(join(tmpdir(), 'router-write-files-'));
  const io: CliIO = { stdout: { write: () => true }, stderr: { write: () => true }, stdoutIsTTY: false, stderrIsTTY: false, cwd: root, env: {} };
  return { root, io };
}


async function failure(work: Promise<unknown>): Promise<CommandFailure> {
  const error = await work.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(CommandFailure);
  return error as CommandFailure;
}

describe('writeFilesTogether', () => {
  it('writes every file, creating the directories, replacing files and links, and leaves nothing else', async () => {
    const { root, io } = scratch();
    writeFileSync(join(root, 'old.txt'), 'old\n');
    writeFileSync(join(root, 'pointed-at.txt'), 'keep\n');
    symlinkSync(join(root, 'pointed-at.txt'), join(root, 'link.txt'));
    await writeFilesTogether(io, [
      { path: join(root, 'old.txt'), text: 'new\n' },
      { path: join(root, 'link.txt'), text: 'file\n' },
      { path: join(root, 'a', 'b', 'c.txt'), text: 'c\n' },
    ]);
    expect(snapshot(root)).toEqual({ 'old.txt': 'new\n', 'link.txt': 'file\n', 'pointed-at.txt': 'keep\n', a: '/', 'a/b': '/', 'a/b/c.txt': 'c\n' });
  });

  it('a directory where a file goes fails before anything is created', async () => {
    const { root, io } = scratch();
    mkdirSync(join(root, 'taken'));
    const before = snapshot(root);
    const error = await failure(writeFilesTogether(io, [{ path: join(root, 'new', 'a.txt'), text: 'a' }, { path: join(root, 'taken'), text: 't' }]));
    expect(error.message).toBe('cannot write taken: it is a directory');
    expect(snapshot(root)).toEqual(before);
  });

  it('a failure while writing removes the temporary files and the directories it created, and keeps the old file', async () => {
    const { root, io } = scratch();
    writeFileSync(join(root, 'keep.txt'), 'mine\n');
    const before = snapshot(root);
    // The longest name a file may have: its temporary twin, longer, cannot be created.
    const long = `${'x'.repeat(250)}.yaml`;
    const error = await failure(
      writeFilesTogether(io, [
        { path: join(root, 'keep.txt'), text: 'theirs\n' },
        { path: join(root, 'new', 'a.txt'), text: 'a\n' },
        { path: join(root, 'new', 'sub', long), text: 'b\n' },
      ]),
    );
    expect(error.message).toBe(`cannot write new/sub/${long}: failed (ENAMETOOLONG)`);
    expect(snapshot(root)).toEqual(before);
  });

  // Renames, in order: a.txt aside, a.txt in place, link.txt aside, link.txt in place, c.txt in place.
  it.each([0, 1, 2, 3, 4])('a failure at rename %i puts back every file and link it replaced', async (failAt) => {
    const { root, io } = scratch();
    writeFileSync(join(root, 'a.txt'), 'old a\n');
    symlinkSync(join(root, 'nowhere.txt'), join(root, 'link.txt'));
    const before = snapshot(root);
    renames.failAt = failAt;
    const error = await failure(
      writeFilesTogether(io, [
        { path: join(root, 'a.txt'), text: 'new a\n' },
        { path: join(root, 'link.txt'), text: 'new link\n' },
        { path: join(root, 'c.txt'), text: 'new c\n' },
      ]),
    );
    expect(error.message).toBe(`cannot write ${['a.txt', 'a.txt', 'link.txt', 'link.txt', 'c.txt'][failAt]}: failed (EIO)`);
    expect(snapshot(root)).toEqual(before);
  });
});
