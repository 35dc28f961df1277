// `llm-agent-router simulate <config-dir> --tasks FILE.jsonl`: replays a workload under each
// strategy and prints what each would cost, where the work would go, and when budgets would bite.
import { readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig, type LoadedConfig } from '../config/load-config.js';
import { createRouter } from '../router/create-router.js';
import { ConfigError } from '../errors.js';
import { renderHtmlReport } from '../simulation/html-report.js';
import { parseWorkload, WorkloadError } from '../simulation/parse-workload.js';
import { simulateWorkload, type SimulationReport } from '../simulation/simulate-workload.js';
import { EXIT_INVALID, EXIT_OK, UsageError, type CliIO } from './cli-io.js';

export const SIMULATE_USAGE = `Usage: llm-agent-router simulate <config-dir> --tasks FILE.jsonl [options]

Replays a workload through the router once per strategy — mock providers billing each task's
tokens at models.yaml prices, a simulated clock, nothing sent anywhere — and compares cost, local
share, privacy activations, fallbacks, verifications, refusals and the cost breaker.

Options:
  --tasks FILE        the workload: one JSON object per line,
                      {"at", "agent", "task", "context", "input_tokens", "output_tokens"} (required)
  --env NAME          merge environments/NAME.yaml over the configuration
  --strategies LIST   "all" (default) or strategy names separated by commas
  --budget USD        daily cloud budget for every strategy (replaces the configured ones)
  --report FILE       also write an HTML report with charts to FILE
  --json              print the report as JSON instead of tables
  -h, --help          show this help
`;

const OPTIONS = {
  tasks: { type: 'string' },
  env: { type: 'string' },
  strategies: { type: 'string' },
  budget: { type: 'string' },
  report: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

interface SimulateArgs {
  configDir: string;
  tasksFile: string;
  environment: string | undefined;
  strategies: string[] | 'all';
  budgetUsd: number | undefined;
  reportFile: string | undefined;
  json: boolean;
}

/** Parses the arguments that follow `simulate`; throws `UsageError` for anything malformed. */
export function parseSimulateArgs(argv: string[]): SimulateArgs | 'help' {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) return 'help';
  if (positionals.length === 0) throw new UsageError('missing <config-dir>');
  if (positionals.length > 1) throw new UsageError(`expected one <config-dir>, got ${positionals.length}: ${positionals.join(' ')}`);
  if (values.tasks === undefined || values.tasks === '') throw new UsageError('missing --tasks FILE.jsonl');
  let budgetUsd: number | undefined;
  if (values.budget !== undefined) {
    budgetUsd = Number(values.budget.trim().replace(/^\$/, ''));
    if (values.budget.trim() === '' || !Number.isFinite(budgetUsd) || budgetUsd < 0) {
      throw new UsageError(`--budget expects a non-negative number of USD, got ${JSON.stringify(values.budget)}`);
    }
  }
  let strategies: string[] | 'all' = 'all';
  if (values.strategies !== undefined && values.strategies.trim() !== 'all') {
    strategies = values.strategies.split(',').map((name) => name.trim()).filter((name) => name.length > 0);
    if (strategies.length === 0) throw new UsageError('--strategies expects "all" or a comma-separated list of names');
  }
  return {
    configDir: positionals[0]!,
    tasksFile: values.tasks,
    environment: values.env,
    strategies,
    budgetUsd,
    reportFile: values.report,
    json: values.json === true,
  };
}

/** Runs `simulate`; returns the exit code. Bad arguments throw `UsageError` (exit 2, with the usage). */
export async function simulateCommand(argv: string[], io: CliIO): Promise<number> {
  const args = parseSimulateArgs(argv);
  if (args === 'help') {
    io.stdout.write(SIMULATE_USAGE);
    return EXIT_OK;
  }

  let config: LoadedConfig;
  try {
    config = await loadConfig(resolve(io.cwd, args.configDir), args.environment === undefined ? {} : { environment: args.environment });
  } catch (error) {
    if (ConfigError.isInstance(error)) {
      io.stderr.write(`${error.message}\n`);
      return EXIT_INVALID;
    }
    throw error;
  }
  const probe = createRouter(config, { logger: {} });
  const known = probe.strategyNames();
  const strategies = args.strategies === 'all' ? known : args.strategies;
  const unknown = strategies.filter((name) => !known.includes(name));
  if (unknown.length > 0) {
    throw new UsageError(`unknown strateg${unknown.length === 1 ? 'y' : 'ies'} ${unknown.map((n) => JSON.stringify(n)).join(', ')}; the configuration defines ${known.join(', ')}`);
  }

  let text: string;
  try {
    text = await readFile(resolve(io.cwd, args.tasksFile), 'utf8');
  } catch (error) {
    io.stderr.write(`${args.tasksFile}: cannot read the workload: ${(error as Error).message}\n`);
    return EXIT_INVALID;
  }
  let tasks;
  try {
    tasks = parseWorkload(text, { fileName: args.tasksFile, knownAgents: new Set(probe.agentIds()) }).tasks;
  } catch (error) {
    if (error instanceof WorkloadError) {
      io.stderr.write(`${error.message}\n`);
      return EXIT_INVALID;
    }
    throw error;
  }

  const progress = io.stderrIsTTY ? createProgressBar(io) : undefined;
  let report: SimulationReport;
  try {
    report = await simulateWorkload(config, tasks, {
      strategies,
      ...(args.budgetUsd !== undefined ? { budgetUsd: args.budgetUsd } : {}),
      ...(progress ? { onProgress: progress.update } : {}),
    });
  } finally {
    progress?.done();
  }

  if (args.json) io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else io.stdout.write(formatSummary(report));

  if (args.reportFile !== undefined) {
    const out = resolve(io.cwd, args.reportFile);
    try {
      await writeFile(out, renderHtmlReport(report));
    } catch (error) {
      io.stderr.write(`${args.reportFile}: cannot write the report: ${(error as Error).message}\n`);
      return EXIT_INVALID;
    }
    (args.json ? io.stderr : io.stdout).write(`HTML report written to ${args.reportFile}\n`);
  }
  return EXIT_OK;
}

/** A one-line progress bar on stderr, redrawn at most ten times a second. */
function createProgressBar(io: CliIO) {
  const width = 30;
  let lastDraw = 0;
  let drawn = false;
  return {
    update(done: number, total: number) {
      const now = Date.now();
      if (done < total && now - lastDraw < 100) return;
      lastDraw = now;
      const share = total === 0 ? 1 : done / total;
      const filled = Math.round(share * width);
      io.stderr.write(`\r[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(Math.floor(share * 100)).padStart(3)}%  ${done.toLocaleString('en-US')}/${total.toLocaleString('en-US')} requests`);
      drawn = true;
    },
    done() {
      if (drawn) io.stderr.write('\r\u001b[2K');
    },
  };
}

/** Names come from the configuration: control characters are not passed to the terminal. */
function printable(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
}

function money(usd: number): string {
  return `$${usd.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

/** Columns padded to their widest cell; the first column left-aligned, the others right-aligned. */
function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, col) => Math.max(...rows.map((row) => (row[col] ?? '').length)));
  return rows
    .map((row) => row.map((cell, col) => (col === 0 ? cell.padEnd(widths[col]!) : cell.padStart(widths[col]!))).join('  ').trimEnd())
    .join('\n');
}

/** The human-readable summary: one row per strategy, then cost per agent. */
export function formatSummary(report: SimulationReport): string {
  const multiDay = report.end - report.start > 86_400_000;
  const time = (ms: number) => {
    const iso = new Date(ms).toISOString();
    return multiDay ? `${iso.slice(0, 10)} ${iso.slice(11, 16)}` : iso.slice(11, 16);
  };
  const period = multiDay
    ? `${new Date(report.start).toISOString().slice(0, 10)} to ${new Date(report.end - 1).toISOString().slice(0, 10)}`
    : new Date(report.start).toISOString().slice(0, 10);
  const header =
    `Simulated ${report.tasks.toLocaleString('en-US')} tasks from ${report.agents.length} agents on ${period} (UTC)` +
    ` · environment ${printable(report.environment ?? 'none')}` +
    ` · budget ${report.budgetUsd === null ? 'as configured' : `${money(report.budgetUsd)}/day`}\n\n`;

  const rows = [['strategy', 'cost', 'local', 'privacy', 'fallbacks', 'switches', 'verified', 'refused', 'breaker', 'budget']];
  for (const s of report.strategies) {
    rows.push([
      printable(s.strategy),
      money(s.totalCostUsd),
      `${(s.localShare * 100).toFixed(1)}%`,
      String(s.privacyActivations),
      String(s.fallbacks),
      String(s.ruleSwitches),
      String(s.verifications),
      s.failed > 0 ? `${s.refused} (+${s.failed} failed)` : String(s.refused),
      s.breakerTrippedAtMs === null ? '-' : time(s.breakerTrippedAtMs),
      s.budgetUsd === null ? 'none' : money(s.budgetUsd),
    ]);
  }
  const agentRows = [['cost by agent', ...report.agents.map(printable)]];
  for (const s of report.strategies) agentRows.push([printable(s.strategy), ...report.agents.map((agent) => money(s.costByAgentUsd[agent] ?? 0))]);
  return `${header}${table(rows)}\n\n${table(agentRows)}\n`;
}
