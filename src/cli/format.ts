// Small output helpers for the CLI: colour only on a terminal (and never with NO_COLOR), paths
// relative to the working directory, arguments quoted for a shell.
import { isAbsolute, relative } from 'node:path';
import type { CliIO } from './cli-io.js';

export interface Painter {
  red(text: string): string;
  yellow(text: string): string;
  green(text: string): string;
  dim(text: string): string;
  bold(text: string): string;
}

const plain = (text: string) => text;

export function painter(io: CliIO, stream: 'stdout' | 'stderr' = 'stdout'): Painter {
  const tty = stream === 'stdout' ? io.stdoutIsTTY : io.stderrIsTTY;
  const enabled = tty && io.env.NO_COLOR === undefined && io.env.TERM !== 'dumb';
  const code = (open: number, close: number) => (enabled ? (text: string) => `\u001b[${open}m${text}\u001b[${close}m` : plain);
  return { red: code(31, 39), yellow: code(33, 39), green: code(32, 39), dim: code(2, 22), bold: code(1, 22) };
}

/** A path as the user would type it from the working directory: relative, unless absolute is shorter (`/proc/x`, not `../../proc/x`). */
export function shownPath(io: CliIO, path: string | undefined): string {
  if (!path) return '';
  const rel = relative(io.cwd, path);
  if (rel === '') return '.';
  return isAbsolute(path) && path.length < rel.length ? path : rel;
}

/** An argument as it would be typed in a POSIX shell: bare when safe, else single-quoted. */
export function shellQuote(argument: string): string {
  return /^[\w@%+=:,./-]+$/.test(argument) ? argument : `'${argument.replace(/'/g, `'\\''`)}'`;
}

/** A path as an argument of a command to run: `./-h`, not `-h`, which would be read as an option. */
export function shellPath(path: string): string {
  return shellQuote(path.startsWith('-') ? `./${path}` : path);
}

/** Names and messages come from files and arguments: no control characters reach the terminal. */
export function printable(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
}
