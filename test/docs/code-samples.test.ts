// Runs every ```ts block of README.md and docs/*.md, so the documentation cannot drift from the code:
// `npx vitest run test/docs`.
//
// Conventions (a block's markers are the HTML comments on the lines just before its opening fence):
//
// - Each block is written to `test/.doc-samples/<pid>/<doc>-<n>.ts` and imported, so it runs as an ES
//   module with top-level await; `llm-agent-router` and its subpaths resolve to `src/` through the
//   aliases in vitest.config.ts. The directory is removed afterwards (keep it with KEEP_DOC_SAMPLES=1).
// - Paths: a block runs in a scratch copy of the examples — `./config` is `examples/config` (the seed's
//   configuration) and `./workloads` is `examples/workloads` — as its working directory, restored
//   afterwards. So `loadConfig('./config', ...)` and `./workloads/day.jsonl` work as written, and a block
//   may write files there.
// - `<!-- not-run: reason -->` skips the block (it needs real API keys, network, a server, or is a fragment
//   that cannot stand alone). Skipped blocks appear in the report as skipped tests, with their reasons.
// - `<!-- run-with: router -->` runs a fragment that uses `router` without creating it: the block is
//   preceded by `const router = createRouter(await loadConfig('./config', { environment: 'production' }))`
//   (the seed configuration, mock providers, an in-memory ledger).
// - `<!-- needs: redis -->` runs the block with `REDIS_URL` set to a throw-away redis-server started for it
//   (skipped, saying so, where redis-server is not installed).
// - A line `<expression>; // <literal>` — a string, number, boolean, null, array or object literal after
//   the comment marker — is checked: the expression must deep-equal the literal. So `decision.modelId;
//   // 'claude-3-opus'` in a guide is a claim the test verifies. Any other comment is left alone.
// - console and stdout / stderr output of a block is captured, and shown only when the block fails.
// - DOC_SAMPLES_TYPECHECK=1 also type-checks the blocks with the repository's tsconfig (several seconds, so
//   off by default): every block that runs, and every not-run block that parses, so samples that need real
//   keys are at least checked against the API's types.
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isDeepStrictEqual, inspect } from 'node:util';
import ts from 'typescript';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { REDIS_MISSING_MESSAGE, redisAvailable, startRedis, type RedisServer } from '../support/redis-server.js';

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
  needs?: string;
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
      if (markers['needs'] !== undefined) sample.needs = markers['needs'];
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

/** A comment that states a value: a string, number, boolean, null, undefined, array or object literal. */
function literalOf(comment: string): string | undefined {
  const text = comment.trim();
  if (!/^(?:'|"|-?\d|true$|false$|null$|undefined$|\[|\{)/.test(text)) return undefined;
  const file = ts.createSourceFile('literal.ts', `(${text});`, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const statement = file.statements[0];
  if (file.statements.length !== 1 || !statement || !ts.isExpressionStatement(statement)) return undefined;
  if ((file as unknown as { parseDiagnostics?: unknown[] }).parseDiagnostics?.length) return undefined;
  let expression: ts.Expression = statement.expression;
  while (ts.isParenthesizedExpression(expression)) expression = expression.expression;
  return isLiteral(expression) ? text : undefined;
}

function isLiteral(node: ts.Node): boolean {
  if (ts.isStringLiteral(node) || ts.isNumericLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return true;
  if (node.kind === ts.SyntaxKind.TrueKeyword || node.kind === ts.SyntaxKind.FalseKeyword || node.kind === ts.SyntaxKind.NullKeyword) return true;
  if (ts.isIdentifier(node)) return node.text === 'undefined';
  if (ts.isPrefixUnaryExpression(node)) return node.operator === ts.SyntaxKind.MinusToken && ts.isNumericLiteral(node.operand);
  if (ts.isArrayLiteralExpression(node)) return node.elements.every(isLiteral);
  if (ts.isObjectLiteralExpression(node)) {
    return node.properties.every((p) => ts.isPropertyAssignment(p) && !ts.isComputedPropertyName(p.name) && isLiteral(p.initializer));
  }
  return false;
}

/**
 * Rewrites each expression statement followed by `// <literal>` on the same line into a check.
 * Statements are found with the TypeScript parser, so declarations, type members and object
 * properties with such comments are left alone.
 */
function withChecks(code: string, where: string): { code: string; checks: number } {
  const file = ts.createSourceFile('sample.ts', code, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const edits: { start: number; end: number; text: string }[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isExpressionStatement(node)) {
      const comment = ts.getTrailingCommentRanges(code, node.end)?.[0];
      if (comment && comment.kind === ts.SyntaxKind.SingleLineCommentTrivia) {
        const literal = literalOf(code.slice(comment.pos + 2, comment.end));
        if (literal !== undefined) {
          const expression = node.expression.getText(file);
          const line = file.getLineAndCharacterOfPosition(node.getStart(file)).line + 1;
          const label = `${where}, line ${line} of the block: ${expression} // ${literal}`;
          edits.push({ start: node.getStart(file), end: node.end, text: `__docCheck((${expression}), (${literal}), ${JSON.stringify(label)});` });
          return;
        }
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  let out = code;
  for (const edit of edits.sort((a, b) => b.start - a.start)) out = out.slice(0, edit.start) + edit.text + out.slice(edit.end);
  return { code: out, checks: edits.length };
}

const SETUPS: Record<string, string> = {
  router:
    "import { createRouter as __createRouter, loadConfig as __loadConfig } from 'llm-agent-router';\n" +
    "const router = __createRouter(await __loadConfig('./config', { environment: 'production' }), { logger: {} });\n",
};

function setupOf(sample: Sample): string {
  const setup = sample.runWith ? SETUPS[sample.runWith] : '';
  if (setup === undefined) {
    throw new Error(`${sample.doc}:${sample.line}: unknown <!-- run-with: ${sample.runWith} --> (known: ${Object.keys(SETUPS).join(', ')})`);
  }
  return setup;
}

function moduleSource(sample: Sample): string {
  const { code } = withChecks(sample.code, `${sample.doc}:${sample.line}`);
  // `export {}` makes even an import-free block a module, so top-level await is allowed.
  return `${setupOf(sample)}${code}\nexport {};\n`;
}

function fileNameOf(sample: Sample, dir: string): string {
  const base = sample.doc.replace(/^docs\//, '').replace(/\.md$/, '').replace(/[^\w-]/g, '_');
  return join(dir, `${base}-${sample.index}.ts`);
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

let redis: RedisServer | undefined;

beforeAll(async () => {
  for (const sample of all) {
    if (sample.needs !== undefined && sample.needs !== 'redis') throw new Error(`${sample.doc}:${sample.line}: unknown <!-- needs: ${sample.needs} --> (known: redis)`);
  }
  if (all.some((sample) => sample.needs === 'redis' && sample.notRun === undefined) && redisAvailable()) {
    redis = await startRedis();
    if (redis) process.env.REDIS_URL = redis.url;
  }
  rmSync(WORK, { recursive: true, force: true });
  mkdirSync(WORK, { recursive: true });
  for (const dir of ['config', 'workloads']) {
    if (existsSync(join(ROOT, 'examples', dir))) cpSync(join(ROOT, 'examples', dir), join(WORK, dir), { recursive: true });
  }
});

afterAll(async () => {
  await redis?.stop();
  if (!process.env.KEEP_DOC_SAMPLES) {
    rmSync(WORK, { recursive: true, force: true });
    // The parent goes too once no other run is using it.
    if (readdirSync(dirname(WORK)).length === 0) rmSync(dirname(WORK), { recursive: true, force: true });
  }
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
      if (sample.needs === 'redis' && !redisAvailable()) {
        it.skip(`${title} — ${REDIS_MISSING_MESSAGE}`, () => {});
        continue;
      }
      it(title, async () => {
        const file = fileNameOf(sample, WORK);
        writeFileSync(file, moduleSource(sample));
        const output: string[] = [];
        const saved = { log: console.log, info: console.info, warn: console.warn, error: console.error, debug: console.debug };
        const capture = (...args: unknown[]) => void output.push(args.map((a) => (typeof a === 'string' ? a : inspect(a))).join(' '));
        const cwd = process.cwd();
        const streams = { out: process.stdout.write, err: process.stderr.write };
        const captureStream = (chunk: unknown) => (output.push(String(chunk)), true);
        Object.assign(console, { log: capture, info: capture, warn: capture, error: capture, debug: capture });
        process.stdout.write = captureStream as typeof process.stdout.write;
        process.stderr.write = captureStream as typeof process.stderr.write;
        process.chdir(WORK);
        try {
          await import(pathToFileURL(file).href);
        } catch (error) {
          const shown = output.length ? `\n--- console output ---\n${output.join('\n')}` : '';
          const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
          throw new Error(`${sample.doc}:${sample.line} (${relative(ROOT, file)}) failed:\n${message}${shown}`);
        } finally {
          process.chdir(cwd);
          Object.assign(console, saved);
          process.stdout.write = streams.out;
          process.stderr.write = streams.err;
        }
      });
    }
  });
}

describe.runIf(process.env.DOC_SAMPLES_TYPECHECK === '1')('types', () => {
  it('every sample type-checks', () => {
    const dir = join(WORK, 'typecheck');
    mkdirSync(dir, { recursive: true });
    const parses = (code: string) =>
      !(ts.createSourceFile('x.ts', code, ts.ScriptTarget.ES2022, false, ts.ScriptKind.TS) as unknown as { parseDiagnostics?: unknown[] })
        .parseDiagnostics?.length;
    const files = new Map<string, Sample>();
    for (const sample of all) {
      if (sample.notRun !== undefined && !parses(sample.code)) continue;
      const file = fileNameOf(sample, dir);
      writeFileSync(file, moduleSource(sample));
      files.set(file, sample);
    }
    const globals = join(dir, 'globals.d.ts');
    writeFileSync(globals, 'declare function __docCheck(actual: unknown, expected: unknown, where: string): void;\n');
    const parsed = ts.getParsedCommandLineOfConfigFile(join(ROOT, 'tsconfig.json'), { noEmit: true }, {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      },
    })!;
    const program = ts.createProgram({ rootNames: [...files.keys(), globals], options: parsed.options });
    const problems = ts
      .getPreEmitDiagnostics(program)
      .filter((d) => d.file && files.has(d.file.fileName))
      .map((d) => {
        const sample = files.get(d.file!.fileName)!;
        const setupLines = setupOf(sample).split('\n').length - 1;
        const { line } = d.file!.getLineAndCharacterOfPosition(d.start ?? 0);
        return `${sample.doc}:${sample.line + 1 + line - setupLines}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`;
      });
    if (problems.length > 0) throw new Error(`${problems.length} type error(s) in doc samples:\n${problems.join('\n')}`);
  });
});

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
    const source = "x.y; // 'z'\nconst q = 1; // 2\nfoo(); // not a literal\ninterface I {\n  readonly p: string[]; // ['a']\n}\nawait f(); // { a: [1, -2], b: null }";
    const { checks, code } = withChecks(source, 'x.md:1');
    if (checks !== 2 || !code.startsWith("__docCheck((x.y), ('z')") || !code.includes("__docCheck((await f()), ({ a: [1, -2], b: null })")) {
      throw new Error(`unexpected checks: ${code}`);
    }
  });
});
