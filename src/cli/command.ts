// The shape of a CLI command — its arguments, options and help — declared once, so the parser, the
// `--help` text and the command list cannot disagree.
import type { CliIO } from './cli-io.js';

export interface OptionSpec {
  /** The long name, without dashes. */
  name: string;
  short?: string;
  /** The value's placeholder (`FILE.jsonl`); a flag has none. */
  value?: string;
  /** The parser reports a missing required option; the help marks it. */
  required?: boolean;
  /** One line, or several separated by `\n`. */
  help: string;
}

export interface CommandLine {
  /** Positional arguments, in the order the command declares them; a missing optional one is undefined. */
  positionals: (string | undefined)[];
  string(name: string): string | undefined;
  flag(name: string): boolean;
}

export interface CliCommand {
  name: string;
  /** The positional arguments: `<config-dir>` is required, `[dir]` optional. */
  positionals: string[];
  options: OptionSpec[];
  /** One line, for the list of commands. */
  summary: string;
  /** A paragraph, for `--help`. */
  description: string;
  run(line: CommandLine, io: CliIO): Promise<number>;
}

export const HELP_OPTION: OptionSpec = { name: 'help', short: 'h', help: 'show this help' };

/** `Usage: llm-agent-router route <config-dir> --agent ID --task JSON|@file [options]` */
export function usageLine(command: CliCommand): string {
  const required = command.options.filter((option) => option.required).map((option) => `--${option.name} ${option.value ?? ''}`.trimEnd());
  return ['Usage: llm-agent-router', command.name, ...command.positionals, ...required, '[options]'].join(' ');
}

/** The text of `llm-agent-router <command> --help`. */
export function helpText(command: CliCommand): string {
  const options = [...command.options, HELP_OPTION];
  const flags = options.map((option) => `${option.short ? `-${option.short}, ` : ''}--${option.name}${option.value ? ` ${option.value}` : ''}`);
  const width = Math.max(...flags.map((flag) => flag.length)) + 2;
  const rows = options.map((option, i) => {
    const help = `${option.help}${option.required ? ' (required)' : ''}`.split('\n');
    return [`  ${flags[i]!.padEnd(width)}${help[0]}`, ...help.slice(1).map((line) => `  ${' '.repeat(width)}${line}`)].join('\n');
  });
  return `${usageLine(command)}\n\n${command.description}\n\nOptions:\n${rows.join('\n')}\n`;
}
