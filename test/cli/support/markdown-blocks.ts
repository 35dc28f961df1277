// Reads the blocks of a markdown document the CLI tests run: shell blocks (```sh) with the marker on
// the line before the fence that says where they run, and transcripts (a plain ``` block whose first
// line is `$ command`), with the output the document claims.
import { readFileSync } from 'node:fs';

export interface ShellBlock {
  doc: string;
  /** 1-based line of the opening fence. */
  line: number;
  /** `<!-- shell: clone -->`, `<!-- shell: installed -->`, `<!-- shell: not-run: reason -->`, or undefined. */
  marker: string | undefined;
  /** One entry per command: continuation lines joined, comments removed. */
  commands: string[];
}

export interface Transcript {
  doc: string;
  line: number;
  /** The command after `$ `, continuation lines joined. */
  command: string;
  /** The output lines the document shows; a line `...` stands for any number of lines. */
  expected: string[];
  /** `<!-- transcript-setup: ... -->` on the line before the fence. */
  setup: string | undefined;
  /** 0-based line indexes (in the document) of the first and last output line, for rewriting. */
  outputFrom: number;
  outputTo: number;
}

const FENCE = /^```(\w*)\s*$/;

function markerBefore(lines: string[], index: number, name: string): string | undefined {
  const previous = lines[index - 1]?.trim() ?? '';
  const match = new RegExp(`^<!--\\s*${name}:\\s*(.*?)\\s*-->$`).exec(previous);
  return match ? match[1] : undefined;
}

function blocks(text: string): { lang: string; open: number; close: number; body: string[] }[] {
  const lines = text.split('\n');
  const found = [];
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i]!);
    if (!open) continue;
    let j = i + 1;
    while (j < lines.length && lines[j]!.trim() !== '```') j++;
    found.push({ lang: open[1]!, open: i, close: j, body: lines.slice(i + 1, j) });
    i = j;
  }
  return found;
}

/** `a \` + newline + `  b` → `a b`. */
function joinContinuations(lines: string[]): string[] {
  const joined: string[] = [];
  let pending = '';
  for (const line of lines) {
    const current = pending ? `${pending} ${line.trim()}` : line;
    if (current.endsWith('\\')) pending = current.slice(0, -1).trimEnd();
    else {
      joined.push(current);
      pending = '';
    }
  }
  if (pending) joined.push(pending);
  return joined;
}

/** The command without a trailing `# comment` (a `#` inside quotes is not one). */
export function stripComment(line: string): string {
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === "'" || c === '"') quote = c;
    else if (c === '#' && (i === 0 || /\s/.test(line[i - 1]!))) return line.slice(0, i).trimEnd();
  }
  return line.trimEnd();
}

export function shellBlocks(file: string, doc: string): ShellBlock[] {
  const text = readFileSync(file, 'utf8');
  const lines = text.split('\n');
  return blocks(text)
    .filter((block) => ['sh', 'bash', 'shell', 'console'].includes(block.lang))
    .map((block) => ({
      doc,
      line: block.open + 1,
      marker: markerBefore(lines, block.open, 'shell'),
      commands: joinContinuations(block.body).map(stripComment).filter((command) => command.trim() !== ''),
    }));
}

export function transcripts(file: string, doc: string): Transcript[] {
  const text = readFileSync(file, 'utf8');
  const lines = text.split('\n');
  const found: Transcript[] = [];
  for (const block of blocks(text)) {
    if (block.lang !== '' || !block.body[0]?.startsWith('$ ')) continue;
    let end = 1;
    while (end <= block.body.length && block.body[end - 1]!.trimEnd().endsWith('\\')) end++;
    const command = joinContinuations(block.body.slice(0, end))[0]!.slice(2);
    found.push({
      doc,
      line: block.open + 1,
      command,
      expected: block.body.slice(end),
      setup: markerBefore(lines, block.open, 'transcript-setup'),
      outputFrom: block.open + 1 + end,
      outputTo: block.close - 1,
    });
  }
  return found;
}

/**
 * Whether `actual` shows what `expected` claims: the same lines in order, where a line `...` in
 * `expected` stands for any number of lines. Trailing spaces are ignored. Returns the first
 * difference, or undefined.
 */
export function compareOutput(expected: string[], actual: string[]): string | undefined {
  const norm = (lines: string[]) => lines.map((line) => line.trimEnd());
  const want = norm(expected);
  const got = norm(actual);
  while (got.length > 0 && got[got.length - 1] === '') got.pop();
  const segments: string[][] = [[]];
  for (const line of want) {
    if (line.trim() === '...') segments.push([]);
    else segments[segments.length - 1]!.push(line);
  }
  let at = 0;
  for (let s = 0; s < segments.length; s++) {
    const segment = segments[s]!;
    const first = s === 0;
    const last = s === segments.length - 1;
    let start = -1;
    if (first) start = 0;
    else if (last && segment.length > 0) start = got.length - segment.length;
    else {
      for (let i = at; i + segment.length <= got.length && start < 0; i++) {
        if (segment.every((line, k) => got[i + k] === line)) start = i;
      }
    }
    if (start < at) return `expected, after line ${at}:\n${segment.join('\n')}\n\ngot:\n${got.join('\n')}`;
    for (let k = 0; k < segment.length; k++) {
      if (got[start + k] !== segment[k]) {
        return `line ${start + k + 1} differs:\n  expected: ${JSON.stringify(segment[k])}\n  got:      ${JSON.stringify(got[start + k])}\n\nwhole output:\n${got.join('\n')}`;
      }
    }
    at = start + segment.length;
    if (last && segments.length === 1 && at !== got.length) return `the output goes on after line ${at}:\n${got.slice(at).join('\n')}`;
  }
  return undefined;
}

/**
 * What a transcript's output lines should be, for `actual`: the whole output, or as many lines as the
 * document shows before and after its `...` (one `...` at most).
 */
export function regenerateOutput(expected: string[], actual: string[]): string[] {
  const got = actual.map((line) => line.trimEnd());
  while (got.length > 0 && got[got.length - 1] === '') got.pop();
  const gap = expected.findIndex((line) => line.trim() === '...');
  if (gap < 0) return got;
  const head = gap;
  const tail = expected.length - gap - 1;
  if (head + tail >= got.length) return got;
  return [...got.slice(0, head), '...', ...got.slice(got.length - tail)];
}
