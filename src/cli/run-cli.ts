// Dispatches the command line to a command. Every failure becomes a message on standard error —
// `llm-agent-router <command>: error: ...` — and an exit code, never a raw stack trace (set
// LLM_ROUTER_DEBUG=1 to see one).
import { ConfigError, RouterError } from '../errors.js';
import { CommandFailure, EXIT_INVALID, EXIT_OK, EXIT_USAGE, UsageError, type CliIO } from './cli-io.js';
import { didYouMean } from '../edit-distance.js';
import { helpText, usageLine, type CliCommand } from './command.js';
import { issueLine, writeError } from './diagnostics.js';
import { printable } from './format.js';
import { initCommand } from './init-command.js';
import { packageVersion } from './package-files.js';
import { parseCommandLine } from './parse-command-line.js';
import { routeCommand } from './route-command.js';
import { schemaCommand } from './schema-command.js';
import { simulateCommand } from './simulate-command.js';
import { validateCommand } from './validate-command.js';

const COMMANDS: readonly CliCommand[] = [initCommand, validateCommand, routeCommand, simulateCommand, schemaCommand];

export function usage(): string {
  const names = COMMANDS.map((command) => [command.name, ...command.positionals].join(' '));
  const width = Math.max(...names.map((name) => name.length)) + 2;
  const rows = COMMANDS.map((command, i) => `  ${names[i]!.padEnd(width)}${command.summary}`);
  return `Usage: llm-agent-router <command> [options]

Commands:
${rows.join('\n')}

Run "llm-agent-router <command> --help" (or "help <command>") for a command's options;
"llm-agent-router --version" prints the version.
`;
}

function findCommand(name: string | undefined): CliCommand | undefined {
  return COMMANDS.find((command) => command.name === name);
}

/** `--help` or `-h` before a `--` that ends the options. */
function asksForHelp(argv: string[]): boolean {
  const end = argv.indexOf('--');
  return (end < 0 ? argv : argv.slice(0, end)).some((arg) => arg === '--help' || arg === '-h');
}

function unknownCommand(io: CliIO, name: string): number {
  writeError(io, undefined, `unknown command "${name}"${didYouMean(name, COMMANDS.map((c) => c.name))}`);
  io.stderr.write('Run "llm-agent-router --help" for the commands.\n');
  return EXIT_USAGE;
}

/** `help`, `help help` and `help --help` print the list of commands; `help <unknown>` is an unknown command. */
const HELP = ['help', '--help', '-h'];

export async function runCli(argv: string[], io: CliIO): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    io.stderr.write(usage());
    return EXIT_USAGE;
  }
  if (name === 'help' && rest[0] !== undefined && !HELP.includes(rest[0])) {
    const named = findCommand(rest[0]);
    if (!named) return unknownCommand(io, rest[0]);
    io.stdout.write(helpText(named));
    return EXIT_OK;
  }
  if (HELP.includes(name)) {
    io.stdout.write(usage());
    return EXIT_OK;
  }
  if (name === '--version' || name === '-v') {
    io.stdout.write(`${packageVersion()}\n`);
    return EXIT_OK;
  }
  const command = findCommand(name);
  if (!command) return unknownCommand(io, name);
  if (asksForHelp(rest)) {
    io.stdout.write(helpText(command));
    return EXIT_OK;
  }
  try {
    return await command.run(parseCommandLine(command, rest), io);
  } catch (error) {
    return reportFailure(error, command, io);
  }
}

function reportFailure(error: unknown, command: CliCommand, io: CliIO): number {
  if (error instanceof UsageError) {
    writeError(io, command.name, error.message);
    io.stderr.write(error.details);
    io.stderr.write(`${usageLine(command)}\nRun "llm-agent-router ${command.name} --help" for its options.\n`);
    return EXIT_USAGE;
  }
  if (error instanceof CommandFailure) {
    writeError(io, command.name, error.message);
    io.stderr.write(error.details);
    return EXIT_INVALID;
  }
  if (io.env.LLM_ROUTER_DEBUG === '1') {
    const stack = (error as Error | undefined)?.stack ?? String(error);
    io.stderr.write(`${stack.split('\n').map(printable).join('\n')}\n`);
  }
  if (ConfigError.isInstance(error)) {
    const count = `${error.issues.length} error${error.issues.length === 1 ? '' : 's'}`;
    writeError(io, command.name, `invalid configuration (${count}):`);
    io.stderr.write(error.issues.map((issue) => `  ${issueLine(io, issue)}\n`).join(''));
    return EXIT_INVALID;
  }
  // A RouterError's message is written for people (a WorkloadError's is `FILE:line: message`); an
  // unexpected error shows its first line only.
  const message = RouterError.isInstance(error) || error instanceof Error ? error.message : String(error);
  writeError(io, command.name, message.split('\n')[0] ?? '');
  return EXIT_INVALID;
}
