// The terminal sessions shown in docs/cli.md and docs/cli-simulate.md are real: each block whose
// first line is `$ npx llm-agent-router ...` is run in a new user project (the package installed as
// published, `config/` as `npx llm-agent-router init config` writes it, and `day.jsonl`, the
// repository's sample day), and its output must be what the document shows. A line `...` stands
// for lines left out.
//
// `<!-- transcript-setup: no config -->` before a block runs it without config/;
// `<!-- transcript-setup: in FILE replace "A" with "B" -->` edits a file of the project first.
//
// When the router's behaviour changes on purpose, rewrite the outputs from real runs with
//   UPDATE_TRANSCRIPTS=1 npx vitest run test/cli/doc-transcripts.test.ts
import { copyFileSync, cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, ROOT } from '../helpers/built-cli.js';
import { compareOutput, regenerateOutput, transcripts, type Transcript } from './support/markdown-blocks.js';
import { shell, userProject } from './support/scratch-projects.js';

const DOCS = ['docs/cli.md', 'docs/cli-simulate.md'];
const UPDATE = process.env.UPDATE_TRANSCRIPTS === '1';
const found = DOCS.flatMap((doc) => transcripts(join(ROOT, doc), doc));
const rewrites = new Map<string, { transcript: Transcript; lines: string[] }[]>();

let template: string;
beforeAll(async () => {
  await ensureBuilt();
  template = userProject();
  const init = shell('npx llm-agent-router init config', template);
  if (init.status !== 0) throw new Error(init.output);
}, 180_000);

/** A new project for one transcript, set up as its marker says. */
function projectFor(transcript: Transcript): string {
  const dir = userProject();
  if (transcript.setup !== 'no config') cpSync(join(template, 'config'), join(dir, 'config'), { recursive: true });
  copyFileSync(join(ROOT, 'examples', 'workloads', 'day.jsonl'), join(dir, 'day.jsonl'));
  const edit = transcript.setup === undefined ? null : /^in (\S+) replace ("(?:[^"\\]|\\.)*") with ("(?:[^"\\]|\\.)*")$/.exec(transcript.setup);
  if (edit) {
    const file = join(dir, edit[1]!);
    const text = readFileSync(file, 'utf8');
    const [from, to] = [JSON.parse(edit[2]!) as string, JSON.parse(edit[3]!) as string];
    if (!text.includes(from)) throw new Error(`${transcript.doc}:${transcript.line}: ${edit[1]} has no ${edit[2]}`);
    writeFileSync(file, text.replace(from, to));
  } else if (transcript.setup !== undefined && transcript.setup !== 'no config') {
    throw new Error(`${transcript.doc}:${transcript.line}: unknown transcript-setup "${transcript.setup}"`);
  }
  return dir;
}

describe('terminal sessions in the CLI guides', () => {
  it('there are some, in each guide, all of the installed command', () => {
    for (const doc of DOCS) expect(found.filter((t) => t.doc === doc).length, doc).toBeGreaterThan(0);
    for (const t of found) expect(t.command, `${t.doc}:${t.line}`).toMatch(/^npx llm-agent-router /);
  });

  it.each(found.map((t) => [`${t.doc}:${t.line}: ${t.command}`, t] as const))('%s', (_, transcript) => {
    const dir = projectFor(transcript);
    try {
      const actual = shell(transcript.command, dir).output.split('\n');
      if (UPDATE) {
        const list = rewrites.get(transcript.doc) ?? [];
        list.push({ transcript, lines: regenerateOutput(transcript.expected, actual) });
        rewrites.set(transcript.doc, list);
        return;
      }
      const difference = compareOutput(transcript.expected, actual);
      expect(difference, `${transcript.doc}:${transcript.line} (UPDATE_TRANSCRIPTS=1 rewrites it)`).toBeUndefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

afterAll(() => {
  for (const [doc, list] of rewrites) {
    const lines = readFileSync(join(ROOT, doc), 'utf8').split('\n');
    // From the end, so earlier line numbers stay valid.
    for (const { transcript, lines: output } of list.sort((a, b) => b.transcript.line - a.transcript.line)) {
      lines.splice(transcript.outputFrom, transcript.outputTo - transcript.outputFrom + 1, ...output);
    }
    writeFileSync(join(ROOT, doc), lines.join('\n'));
  }
});
