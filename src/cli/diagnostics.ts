// How the CLI reports a problem: every error and warning on standard error as
// `llm-agent-router <command>: error: ...` / `...: warning: ...`, and a configuration issue at its
// file:line:col with the path as the user would type it.
import { dirname } from 'node:path';
import type { ConfigIssue } from '../errors.js';
import type { CliIO } from './cli-io.js';
import { painter, printable, shownPath } from './format.js';

function prefix(command: string | undefined): string {
  return `llm-agent-router${command ? ` ${command}` : ''}`;
}

// Every error and warning line is written here, made printable here: names, paths and values in a
// message come from arguments and files, and no control character of theirs reaches the terminal
// (a newline in one shows as `?` too: a message is one line; more goes in a failure's `details`).

export function writeError(io: CliIO, command: string | undefined, message: string): void {
  io.stderr.write(`${prefix(command)}: ${painter(io, 'stderr').red('error:')} ${printable(message)}\n`);
}

export function writeWarning(io: CliIO, command: string | undefined, message: string): void {
  io.stderr.write(`${prefix(command)}: ${painter(io, 'stderr').yellow('warning:')} ${printable(message)}\n`);
}

/** An issue's message, with its file's directory (`models.yaml not found in /abs/dir`) shown as the user would type it. */
export function issueMessage(io: CliIO, issue: ConfigIssue): string {
  if (!issue.file) return issue.message;
  const dir = dirname(issue.file);
  return issue.message.split(dir).join(shownPath(io, dir));
}

/** `config/agents.yaml:14:16 agents.cto_agent.routing_rules[1].model: unknown model "claude-4-opus"; ...`, printable. */
export function issueLine(io: CliIO, issue: ConfigIssue): string {
  const file = shownPath(io, issue.file);
  const where = file ? `${file}${issue.line ? `:${issue.line}:${issue.column ?? 1}` : ''}` : '';
  return printable(`${where ? `${where} ` : ''}${issue.path ? `${issue.path}: ` : ''}${issueMessage(io, issue)}`);
}

const FS_ERRORS: Record<string, string> = {
  ENOENT: 'no such file or directory',
  ENOTDIR: 'not a directory',
  EISDIR: 'is a directory',
  EEXIST: 'exists and is not a directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on device',
};

/** `no such file or directory (ENOENT)`: Node's own message would repeat the path, absolute. */
export function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (code) return `${FS_ERRORS[code] ?? 'failed'} (${code})`;
  return error instanceof Error ? error.message : String(error);
}
