// `llm-agent-router simulate <config-dir> --tasks FILE.jsonl`: replays a workload under each
// strategy and prints what each would cost, where the work would go, and when budgets would bite.
// Everything that can fail without simulating — arguments, the report's destination, the
// configuration, the strategies, every workload line — fails before the replay starts.
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { createRouter } from '../router/create-router.js';
import { renderHtmlReport } from '../simulation/html-report.js';
import { simulateWorkloadFile, type SimulationReport } from '../simulation/simulate-workload.js';
import { CommandFailure, EXIT_OK, UsageError, type CliIO } from './cli-io.js';
import { didYouMean } from '../edit-distance.js';
import type { CliCommand, CommandLine } from './command.js';
import { describeFsError } from './diagnostics.js';
import { printable, shownPath } from './format.js';
import { loadCliConfig } from './load-cli-config.js';
import { assertWritableFile } from './output-files.js';
import { createProgressBar } from './progress-bar.js';
import { formatSummary } from './simulation-summary.js';

export const simulateCommand: CliCommand = {
  name: 'simulate',
  positionals: ['<config-dir>'],
  options: [
    { name: 'tasks', value: 'FILE.jsonl', required: true, help: 'the workload: one JSON object per line,\n{"at", "agent", "task", "context", "input_tokens", "output_tokens"}' },
    { name: 'env', value: 'NAME', help: 'merge environments/NAME.yaml over the configuration' },
    { name: 'strategies', value: 'LIST', help: '"all" (default) or strategy names separated by commas' },
    { name: 'budget', value: 'USD', help: 'daily cloud budget for every strategy (replaces the configured ones)' },
    { name: 'report', value: 'FILE', help: 'also write an HTML report with charts to FILE' },
    { name: 'json', help: 'print the report as JSON instead of tables' },
  ],
  summary: 'replay a workload under each strategy; cost, local share, budgets; HTML report',
  description: `Replays a workload through the router once per strategy — mock providers billing each task's
tokens at models.yaml prices, a simulated clock, nothing sent anywhere — and compares cost, local
share, privacy activations, fallbacks, verifications, refusals and the cost breaker.`,
  run: simulate,
};

function budgetArgument(line: CommandLine): number | undefined {
  const value = line.string('budget');
  if (value === undefined) return undefined;
  // Plain decimals only: Number() would also take 0x10, 1e3 and Infinity.
  const usd = Number(value.trim());
  if (!/^\d+(\.\d+)?$/.test(value.trim()) || !Number.isFinite(usd)) {
    throw new UsageError(`--budget expects a non-negative decimal number of USD (like 40 or 12.5), got ${JSON.stringify(value)}`);
  }
  return usd;
}

/** The strategies named by --strategies, checked against the configuration's. */
function chosenStrategies(line: CommandLine, known: string[]): string[] {
  const value = line.string('strategies');
  if (value === undefined || value.trim() === 'all') return known;
  const names = value.split(',').map((name) => name.trim()).filter((name) => name.length > 0);
  if (names.length === 0) throw new UsageError('--strategies expects "all" or a comma-separated list of names');
  const unknown = names.filter((name) => !known.includes(name));
  if (unknown.length === 1) throw new UsageError(`unknown strategy "${unknown[0]!}"${didYouMean(unknown[0]!, known)}; the configuration defines ${known.join(', ')}`);
  if (unknown.length > 1) throw new UsageError(`unknown strategies ${unknown.map((n) => `"${n}"`).join(', ')}; the configuration defines ${known.join(', ')}`);
  return names;
}

/** An error of the file system (Node's `SystemError`: a `code` and the `syscall` that failed). */
function isFsError(error: unknown): boolean {
  const { code, syscall } = (error ?? {}) as NodeJS.ErrnoException;
  return typeof code === 'string' && typeof syscall === 'string';
}

async function simulate(line: CommandLine, io: CliIO): Promise<number> {
  const budgetUsd = budgetArgument(line);
  const reportArgument = line.string('report');
  const reportFile = reportArgument === undefined ? undefined : resolve(io.cwd, reportArgument);
  if (reportFile !== undefined) await assertWritableFile(io, reportFile, 'the report');

  const config = await loadCliConfig(io, line.positionals[0]!, line.string('env'));
  const probe = createRouter(config, { logger: {} });
  const strategies = chosenStrategies(line, probe.strategyNames());

  // The workload is streamed: read once to check every line (a bad one is a WorkloadError,
  // `FILE:line: message`, reported before anything is simulated), then again as it is replayed.
  const tasksFile = resolve(io.cwd, line.string('tasks')!);
  const progress = io.stderrIsTTY ? createProgressBar(io, 'requests') : undefined;
  let report: SimulationReport;
  try {
    report = await simulateWorkloadFile(config, tasksFile, {
      fileName: shownPath(io, tasksFile),
      strategies,
      ...(budgetUsd !== undefined ? { budgetUsd } : {}),
      ...(progress ? { onProgress: progress.update } : {}),
    });
  } catch (error) {
    if (isFsError(error)) throw new CommandFailure(`cannot read ${shownPath(io, tasksFile)}: ${describeFsError(error)}`);
    throw error;
  } finally {
    progress?.done();
  }

  const json = line.flag('json');
  io.stdout.write(json ? `${JSON.stringify(report, null, 2)}\n` : formatSummary(report));
  if (reportFile !== undefined) {
    try {
      await writeFile(reportFile, renderHtmlReport(report));
    } catch (error) {
      throw new CommandFailure(`cannot write the report to ${shownPath(io, reportFile)}: ${describeFsError(error)}`);
    }
    const written = `HTML report written to ${printable(shownPath(io, reportFile))}\n`;
    if (json) io.stderr.write(written);
    else io.stdout.write(`\n${written}`);
  }
  return EXIT_OK;
}
