// Every shell command the README and the CLI guides tell a newcomer to type works as written.
//
// Each ```sh block carries, on the line before its fence, where it runs:
// - `<!-- shell: clone -->`: in a fresh clone of this repository after `npm ci` (no dist/ built);
// - `<!-- shell: installed -->`: in a project that ran `npm install llm-agent-router` (the files the
//   package publishes, nothing else), with `day.jsonl` standing for the user's own workload;
// - `<!-- shell: installed, with config -->`: the same, after `npx llm-agent-router init config`;
// - `<!-- shell: not-run: reason -->`: not run.
// The setup commands themselves (`npm ci`, `npm install ...`, `npm test`, which CI runs) are skipped,
// and a block of nothing else (the README's Install) needs no marker.
import { copyFileSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, ROOT } from '../helpers/built-cli.js';
import { shellBlocks, type ShellBlock } from './support/markdown-blocks.js';
import { freshClone, shell, userProject } from './support/scratch-projects.js';

const DOCS = ['README.md', 'docs/getting-started.md', 'docs/cli.md', 'docs/cli-simulate.md'];
const blocks = DOCS.flatMap((doc) => shellBlocks(join(ROOT, doc), doc));

const SETUP = /^(npm ci|npm test|npm install\b.*)$/;

/** The commands of a block that are not setup; `npm ci && npm run demo` keeps `npm run demo`. */
function runnable(block: ShellBlock): string[] {
  return block.commands
    .map((command) => command.split(/\s*&&\s*/).filter((part) => !SETUP.test(part.trim())).join(' && '))
    .filter((command) => command !== '');
}

beforeAll(async () => {
  await ensureBuilt();
}, 180_000);

describe('shell blocks in the README and the CLI guides', () => {
  it('each says where it runs', () => {
    const unmarked = blocks.filter((block) => runnable(block).length > 0 && (block.marker === undefined || !/^(clone|installed|installed, with config|not-run: .+)$/.test(block.marker)));
    expect(unmarked.map((block) => `${block.doc}:${block.line}`)).toEqual([]);
  });

  it('the README has commands for both a clone and an installed package', () => {
    const readme = blocks.filter((block) => block.doc === 'README.md');
    expect(readme.filter((b) => b.marker === 'clone').flatMap(runnable)).toEqual(expect.arrayContaining(['npm run demo', expect.stringMatching(/^npm run cli -- validate /)]));
    expect(readme.filter((b) => b.marker === 'installed').flatMap(runnable)).toEqual(expect.arrayContaining([expect.stringMatching(/^npx llm-agent-router init/)]));
  });

  const clone = blocks.filter((block) => block.marker === 'clone');
  it.each(clone.map((block) => [`${block.doc}:${block.line}`, block] as const))('%s runs in a fresh clone', (_, block) => {
    const dir = freshClone();
    expect(() => statSync(join(dir, 'dist'))).toThrow(); // nothing built: the commands must not need it
    const started = Date.now();
    for (const command of runnable(block)) {
      const result = shell(command, dir);
      expect(result.status, `${command}\n${result.output}`).toBe(0);
    }
    // What a clone's commands write leaves the repository's own files as they were (the workload
    // generator "rewrites day.jsonl, byte for byte the same").
    for (const file of ['examples/workloads/day.jsonl', 'schema/models.schema.json', 'examples/config/agents.yaml']) {
      if (statSync(join(dir, file)).mtimeMs >= started) expect(readFileSync(join(dir, file), 'utf8'), file).toBe(readFileSync(join(ROOT, file), 'utf8'));
    }
  }, 120_000);

  const installed = blocks.filter((block) => block.marker?.startsWith('installed') && runnable(block).length > 0);
  it.each(installed.map((block) => [`${block.doc}:${block.line}`, block] as const))('%s runs in a project that installed the package', (_, block) => {
    const dir = userProject();
    copyFileSync(join(ROOT, 'examples', 'workloads', 'day.jsonl'), join(dir, 'day.jsonl'));
    if (block.marker === 'installed, with config') expect(shell('npx llm-agent-router init config', dir).status).toBe(0);
    for (const command of runnable(block)) {
      const result = shell(command, dir);
      expect(result.status, `${command}\n${result.output}`).toBe(0);
    }
  }, 120_000);
});
