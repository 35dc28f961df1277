// Dispatches the command line to a command. Every failure becomes a one-line message and an exit
// code — never a raw stack trace (set LLM_ROUTER_DEBUG=1 to see one).
import { readFileSync } from 'node:fs';
import { ConfigError, RouterError, formatIssue } from '../errors.js';
import { EXIT_INVALID, EXIT_USAGE, UsageError, type CliIO } from './cli-io.js';
import { ROUTE_USAGE, routeCommand } from './route-command.js';
import { SCHEMA_USAGE, schemaCommand } from './schema-command.js';
import { SIMULATE_USAGE, simulateCommand } from './simulate-command.js';
import { VALIDATE_USAGE, validateCommand } from './validate-command.js';

export const USAGE = `Usage: llm-agent-router <command> [options]

Commands:
  validate <config-dir> [--env NAME] [--json]           check a configuration; errors at file:line:col
  route <config-dir> --agent ID --task JSON|@file        explain one routing decision
  simulate <config-dir> --tasks FILE.jsonl [options]     replay a workload per strategy; HTML report
  schema [--out DIR]                                     write JSON Schemas for editors

Run "llm-agent-router <command> --help" (or "help <command>") for a command's options;
"llm-agent-router --version" prints the version.`;

const COMMANDS: Record<string, { run: (argv: string[], io: CliIO) => Promise<number>; usage: string }> = {
  validate: { run: validateCommand, usage: VALIDATE_USAGE },
  route: { run: routeCommand, usage: ROUTE_USAGE },
  simulate: { run: simulateCommand, usage: SIMULATE_USAGE },
  schema: { run: schemaCommand, usage: SCHEMA_USAGE },
};

export function packageVersion(): string {
  // Works from src/cli (tests) and from dist/ (the published binary).
  for (const candidate of ['../../package.json', '../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(candidate, import.meta.url), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'llm-agent-router' && pkg.version) return pkg.version;
    } catch {
      // try the next place
    }
  }
  return 'unknown';
}

export async function runCli(argv: string[], io: CliIO): Promise<number> {
  const [command, ...rest] = argv;
  // `help validate` is `validate --help`.
  if (command === 'help' && rest[0] !== undefined && Object.hasOwn(COMMANDS, rest[0])) {
    io.stdout.write(`${COMMANDS[rest[0]]!.usage}\n`);
    return 0;
  }
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    (command === undefined ? io.stderr : io.stdout).write(`${USAGE}\n`);
    return command === undefined ? EXIT_USAGE : 0;
  }
  if (command === '--version' || command === '-v') {
    io.stdout.write(`${packageVersion()}\n`);
    return 0;
  }
  const entry = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
  if (!entry) {
    io.stderr.write(`llm-agent-router: unknown command "${command}"\n\n${USAGE}\n`);
    return EXIT_USAGE;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout.write(`${entry.usage}\n`);
    return 0;
  }
  try {
    return await entry.run(rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`llm-agent-router ${command}: ${error.message}\n\n${entry.usage}\n`);
      return EXIT_USAGE;
    }
    if (io.env.LLM_ROUTER_DEBUG === '1') io.stderr.write(`${(error as Error)?.stack ?? String(error)}\n`);
    if (ConfigError.isInstance(error)) {
      io.stderr.write(`llm-agent-router ${command}: invalid configuration:\n${error.issues.map((i) => `  ${formatIssue(i)}`).join('\n')}\n`);
      return EXIT_INVALID;
    }
    const message = RouterError.isInstance(error) || error instanceof Error ? error.message : String(error);
    io.stderr.write(`llm-agent-router ${command}: ${message.split('\n')[0]}\n`);
    return EXIT_INVALID;
  }
}
