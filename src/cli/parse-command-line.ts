// Reads a command's arguments against its declared options. node:util's parseArgs splits them; the
// checks are ours, so each mistake gets a message a person can act on ("--tasks needs a value:
// --tasks FILE.jsonl", "unknown option --strategy (did you mean --strategies?)") rather than
// parseArgs' wording.
import { parseArgs } from 'node:util';
import { UsageError } from './cli-io.js';
import { didYouMean } from '../edit-distance.js';
import type { CliCommand, CommandLine, OptionSpec } from './command.js';

/** `--json` or `-h` where a value was expected; `-3` is a value. */
const OPTION_LIKE = /^--?[A-Za-z]/;

export function parseCommandLine(command: CliCommand, argv: string[]): CommandLine {
  const specs = new Map<string, OptionSpec>(command.options.map((option) => [option.name, option]));
  const { tokens } = parseArgs({
    args: argv,
    strict: false,
    allowPositionals: true,
    tokens: true,
    options: Object.fromEntries(command.options.map((option) => [option.name, { type: option.value ? 'string' : 'boolean', ...(option.short ? { short: option.short } : {}) }] as const)),
  });
  const values = new Map<string, string | true>();
  const positionals: string[] = [];
  for (const token of tokens) {
    if (token.kind === 'positional') positionals.push(token.value);
    if (token.kind !== 'option') continue;
    const spec = specs.get(token.name);
    if (!spec) throw new UsageError(`unknown option ${token.rawName}${didYouMean(token.name, [...specs.keys()], '--')}`);
    const flag = `--${spec.name}`;
    if (!spec.value) {
      if (token.value !== undefined) throw new UsageError(`${flag} takes no value`);
      values.set(spec.name, true);
      continue;
    }
    const missing = `${flag} needs a value: ${flag} ${spec.value}`;
    if (token.value === undefined || token.value === '') throw new UsageError(missing);
    if (!token.inlineValue && OPTION_LIKE.test(token.value)) throw new UsageError(`${missing} (got the option ${token.value})`);
    values.set(spec.name, token.value);
  }

  const required = command.positionals.filter((name) => name.startsWith('<'));
  if (positionals.length < required.length) throw new UsageError(`missing ${required[positionals.length]}`);
  if (positionals.length > command.positionals.length) throw new UsageError(`unexpected argument "${positionals[command.positionals.length]}"`);
  for (const spec of command.options) {
    if (spec.required && !values.has(spec.name)) throw new UsageError(`missing --${spec.name} ${spec.value ?? ''}`.trimEnd());
  }

  return {
    positionals: command.positionals.map((_, i) => positionals[i]),
    string: (name) => {
      const value = values.get(name);
      return typeof value === 'string' ? value : undefined;
    },
    flag: (name) => values.get(name) === true,
  };
}
