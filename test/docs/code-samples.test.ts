// Runs every ```ts block of README.md and docs/*.md, so the documentation cannot drift from the code.
//
// Conventions (a block's markers are the HTML comments on the lines just before its opening fence):
//
// - Each block is written to `test/.doc-samples/<pid>/<doc>-<n>.ts` and imported, so it runs as an ES
//   module with top-level await; `llm-agent-router` and its subpaths resolve to `src/` through the
//   aliases in vitest.config.ts. The directory is removed afterwards (keep it with KEEP_DOC_SAMPLES=1).
// - Paths: a copy of `examples/config` sits at `./config`, and the block runs with that copy's parent
//   directory as the working directory (restored afterwards). So `loadConfig('./config', ...)` works as
//   written, and a block may write files next to it.
// - `<!-- not-run: reason -->` skips the block (it needs real API keys, network, a server, or is a fragment
//   that cannot stand alone). Skipped blocks appear in the report as skipped tests, with their reasons.
// - `<!-- run-with: router -->` runs a fragment that uses `router` without creating it: the block is
//   preceded by `const router = createRouter(await loadConfig('./config', { environment: 'production' }))`
//   (the seed configuration, mock providers, an in-memory ledger).
// - A line `<expression>; // <literal>` — a string, number, boolean, null, array or object literal after
//   the comment marker — is checked: the expression must deep-equal the literal. So `decision.modelId;
//   // 'claude-3-opus'` in a guide is a claim the test verifies. Any other comment is left alone.
// - console output of a block is captured, and shown only when the block fails.
import { cpSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isDeepStrictEqual, inspect } from 'node:util';
import { afterAll, beforeAll, describe, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const WORK = join(ROOT, 'test', '.doc-samples', String(process.pid));

interface Sample {
  doc: string;
  /** 1-based line of the opening fence. */
  line: number;
  index: number;
  code: string;
  notRun?: string;
  runWith?: string;
}

/** README.md and every docs/*.md, in a stable order. */
function documents(): string[] {
  const docsDir = join(ROOT, 'docs');
  const docs = readdirSync(docsDir)
    .filter((name) => name.endsWith('.md'))
    .sort()
    .map((name) => join('docs', name));
  return ['README.md', ...docs];
}

const FENCE = /^(\s*)(`{3,}|~{3,})\s*([\w-]*)/;

/** The ```ts / ```typescript blocks of one markdown file, with their markers. */
function extractSamples(doc: string, text: string): Sample[] {
  const lines = text.split(/\r?\n/);
  const samples: Sample[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i]!);
    if (!open) continue;
    const [, indent, fence, lang] = open;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      const line = lines[j]!;
      if (line.trim().startsWith(fence!) && line.trim().replace(/[`~]/g, '') === '') break;
      body.push(indent && line.startsWith(indent!) ? line.slice(indent!.length) : line);
    }
    if (lang === 'ts' || lang === 'typescript') {
      const markers = markersBefore(lines, i);
      const sample: Sample = { doc, line: i + 1, index: samples.length + 1, code: body.join('\n') };
      if (markers['not-run'] !== undefined) sample.notRun = markers['not-run'] || 'no reason given';
      if (markers['run-with'] !== undefined) sample.runWith = markers['run-with'];
      samples.push(sample);
    }
    i = j;
  }
  return samples;
}

/** `<!-- key: value -->` comments on the lines right above line `fence` (blank lines allowed between). */
function markersBefore(lines: string[], fence: number): Record<string, string> {
  const markers: Record<string, string> = {};
  for (let k = fence - 1; k >= 0; k--) {
    const line = lines[k]!.trim();
    if (line === '') continue;
    const marker = /^<!--\s*([\w-]+)\s*(?::\s*([\s\S]*?))?\s*-->$/.exec(line);
    if (!marker) break;
    markers[marker[1]!] = (marker[2] ?? '').trim();
  }
  return markers;
}

const LITERAL =
  /^(?:'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:e-?\d+)?|true|false|null|undefined|\[.*\]|\{.*\})$/;
const STATEMENT_KEYWORD = /^(?:const|let|var|import|export|return|throw|if|for|while|type|interface|function|class|async)\b|^[})\]]/;

/** Rewrites `expr; // literal` lines into checks; returns the code and how many checks it holds. */
function withChecks(code: string, where: string): { code: string; checks: number } {
  let checks = 0;
  const lines = code.split('\n').map((line, i) => {
    const match = /^(\s*)(.+?);\s*\/\/\s*(.+?)\s*$/.exec(line);
    if (!match) return line;
    const [, indent, expression, comment] = match;
    if (STATEMENT_KEYWORD.test(expression!.trim()) || !LITERAL.test(comment!)) return line;
    checks++;
    return `${indent}__docCheck((${expression}), (${comment}), ${JSON.stringify(`${where}, line ${i + 1} of the block: ${expression} // ${comment}`)});`;
  });
  return { code: lines.join('\n'), checks };
}

const SETUPS: Record<string, string> = {
  router:
    "import { createRouter as __createRouter, loadConfig as __loadConfig } from 'llm-agent-router';\n" +
    "const router = __createRouter(await __loadConfig('./config', { environment: 'production' }), { logger: {} });\n",
};

function moduleSource(sample: Sample): string {
  const where = `${sample.doc}:${sample.line}`;
  const { code } = withChecks(sample.code, where);
  const setup = sample.runWith ? SETUPS[sample.runWith] : '';
  if (setup === undefined) throw new Error(`${where}: unknown <!-- run-with: ${sample.runWith} --> (known: ${Object.keys(SETUPS).join(', ')})`);
  // `export {}` makes even an import-free block a module, so top-level await is allowed.
  return `${setup}${code}\nexport {};\n`;
}

declare global {
  // eslint-disable-next-line no-var
  var __docCheck: (actual: unknown, expected: unknown, where: string) => void;
}

globalThis.__docCheck = (actual, expected, where) => {
  if (!isDeepStrictEqual(actual, expected)) {
    throw new Error(`${where}\n  expected ${inspect(expected, { depth: 6 })}\n  actual   ${inspect(actual, { depth: 6 })}`);
  }
};

const all = documents().flatMap((doc) => extractSamples(doc, readFileSync(join(ROOT, doc), 'utf8')));
const skipped = all.filter((sample) => sample.notRun !== undefined);

beforeAll(() => {
  rmSync(WORK, { recursive: true, force: true });
  mkdirSync(WORK, { recursive: true });
  cpSync(join(ROOT, 'examples', 'config'), join(WORK, 'config'), { recursive: true });
});

afterAll(() => {
  if (!process.env.KEEP_DOC_SAMPLES) rmSync(WORK, { recursive: true, force: true });
  if (skipped.length > 0) {
    const list = skipped.map((s) => `  ${s.doc}:${s.line} — ${s.notRun}`).join('\n');
    process.stdout.write(`\ndoc samples not run (${skipped.length}):\n${list}\n`);
  }
});

for (const doc of new Set(all.map((sample) => sample.doc))) {
  describe(doc, () => {
    for (const sample of all.filter((s) => s.doc === doc)) {
      const title = `block ${sample.index} (line ${sample.line})`;
      if (sample.notRun !== undefined) {
        it.skip(`${title} — not run: ${sample.notRun}`, () => {});
        continue;
      }
      it(title, async () => {
        const base = sample.doc.replace(/^docs\//, '').replace(/\.md$/, '').replace(/[^\w-]/g, '_');
        const file = join(WORK, `${base}-${sample.index}.ts`);
        writeFileSync(file, moduleSource(sample));
        const output: string[] = [];
        const saved = { log: console.log, info: console.info, warn: console.warn, error: console.error, debug: console.debug };
        const capture = (...args: unknown[]) => void output.push(args.map((a) => (typeof a === 'string' ? a : inspect(a))).join(' '));
        const cwd = process.cwd();
        Object.assign(console, { log: capture, info: capture, warn: capture, error: capture, debug: capture });
        process.chdir(dirname(join(WORK, 'config')));
        try {
          await import(pathToFileURL(file).href);
        } catch (error) {
          const shown = output.length ? `\n--- console output ---\n${output.join('\n')}` : '';
          const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
          throw new Error(`${sample.doc}:${sample.line} (${relative(ROOT, file)}) failed:\n${message}${shown}`);
        } finally {
          process.chdir(cwd);
          Object.assign(console, saved);
        }
      });
    }
  });
}

describe('the sample runner', () => {
  it('finds blocks, markers and checks', () => {
    const text = [
      '```ts',
      'const a = 1;',
      '```',
      '<!-- not-run: needs a key -->',
      '```typescript',
      'call();',
      '```',
      '<!-- run-with: router -->',
      '',
      '```ts',
      'router.agentIds().length; // 4',
      '```',
      '```sh',
      'npm test',
      '```',
    ].join('\n');
    const samples = extractSamples('x.md', text);
    const summary = samples.map((s) => [s.line, s.notRun, s.runWith]);
    if (!isDeepStrictEqual(summary, [[1, undefined, undefined], [5, 'needs a key', undefined], [10, undefined, 'router']])) {
      throw new Error(`unexpected extraction: ${inspect(summary)}`);
    }
    const { checks, code } = withChecks("x.y; // 'z'\nconst q = 1; // 2\nfoo(); // not a literal", 'x.md:1');
    if (checks !== 1 || !code.startsWith('__docCheck((x.y), (\'z\')')) throw new Error(`unexpected checks: ${code}`);
  });
});
