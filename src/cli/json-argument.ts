// A JSON object given on the command line, inline or as `@file`. Malformed JSON says where: JSON.parse
// names the position only for some mistakes (and not at all on older Node versions), so the position
// is found by a small scan of the text. Inline, a mistake is a usage error (exit 2); in a file, the
// file is invalid input (exit 1).
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { CommandFailure, UsageError, type CliIO } from './cli-io.js';
import { describeFsError } from './diagnostics.js';

export async function readJsonObjectArgument(flag: string, value: string, io: CliIO): Promise<Record<string, unknown>> {
  let text = value;
  let source: string | undefined;
  if (value.startsWith('@')) {
    source = value.slice(1);
    try {
      text = await readFile(resolve(io.cwd, source), 'utf8');
    } catch (error) {
      throw new CommandFailure(`${flag}: cannot read ${source}: ${describeFsError(error)}`);
    }
  }
  const fail = (message: string, details = '') =>
    source === undefined ? new UsageError(`${flag}: ${message}`, details) : new CommandFailure(`${flag}: ${source}: ${message}`, details);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    // The first line is the message; the excerpt and its caret follow it.
    const [reason, ...excerpt] = describeJsonError(text, (error as Error).message).split('\n');
    throw fail(reason!, excerpt.map((line) => `${line}\n`).join(''));
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw fail(`expected a JSON object, got ${Array.isArray(parsed) ? 'an array' : parsed === null ? 'null' : typeof parsed}`);
  }
  return parsed as Record<string, unknown>;
}

/** `invalid JSON at line 1, column 15: Unexpected token '}'`, then the line with a caret under the place. */
export function describeJsonError(text: string, parseMessage: string): string {
  // V8 appends the whole input (`..., "<text>" is not valid JSON`) and sometimes the offset; both are said better below.
  const reason = parseMessage.replace(/, (?:\.\.\.)?"[\s\S]*$/, '').replace(/ (?:in JSON )?at position \d+[\s\S]*$/, '');
  const offset = jsonErrorOffset(text);
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const lineEnd = text.indexOf('\n', offset) === -1 ? text.length : text.indexOf('\n', offset);
  const line = text.slice(0, offset).split('\n').length;
  const column = offset - lineStart + 1;
  // A window of the line around the place, so a long one-line task still fits a terminal.
  const from = Math.max(lineStart, offset - 40);
  const to = Math.min(lineEnd, offset + 40);
  const excerpt = `${from > lineStart ? '…' : ''}${text.slice(from, to)}${to < lineEnd ? '…' : ''}`.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ');
  const caret = ' '.repeat(offset - from + (from > lineStart ? 1 : 0));
  return `invalid JSON at line ${line}, column ${column}: ${reason}\n  ${excerpt}\n  ${caret}^`;
}

const MAX_DEPTH = 500;

/** The offset where `text` stops being JSON (`text.length` when it ends too early). */
export function jsonErrorOffset(text: string): number {
  let i = 0;
  const fail = (): never => {
    throw new JsonScanStop(i);
  };
  const space = () => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  };
  const string = () => {
    i++; // the opening quote
    while (i < text.length) {
      const c = text[i]!;
      if (c === '"') {
        i++;
        return;
      }
      if (c === '\\') {
        i++;
        if (text[i] === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) fail();
          i += 5;
        } else if (text[i] !== undefined && '"\\/bfnrt'.includes(text[i]!)) i++;
        else fail();
        continue;
      }
      if (c < ' ') fail();
      i++;
    }
    fail();
  };
  const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
  const value = (depth: number): void => {
    if (depth > MAX_DEPTH) fail();
    space();
    const c = text[i];
    if (c === '{' || c === '[') {
      const close = c === '{' ? '}' : ']';
      i++;
      space();
      if (text[i] === close) {
        i++;
        return;
      }
      for (;;) {
        if (c === '{') {
          space();
          if (text[i] !== '"') fail();
          string();
          space();
          if (text[i] !== ':') fail();
          i++;
        }
        value(depth + 1);
        space();
        if (text[i] === ',') i++;
        else if (text[i] === close) {
          i++;
          return;
        } else fail();
      }
    }
    if (c === '"') return string();
    NUMBER.lastIndex = i;
    if (NUMBER.test(text)) {
      i = NUMBER.lastIndex;
      return;
    }
    const word = c === 't' ? 'true' : c === 'f' ? 'false' : c === 'n' ? 'null' : '';
    let matched = 0;
    while (matched < word.length && text[i + matched] === word[matched]) matched++;
    i += matched;
    if (matched === 0 || matched < word.length) fail();
  };
  try {
    value(0);
    space();
    return i;
  } catch (error) {
    if (error instanceof JsonScanStop) return Math.min(error.offset, text.length);
    throw error;
  }
}

class JsonScanStop {
  constructor(readonly offset: number) {}
}
