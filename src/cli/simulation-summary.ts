// The table `llm-agent-router simulate` prints: one row per strategy, then the cost per agent.
import type { SimulationReport } from '../simulation/simulate-workload.js';
import { printable } from './format.js';

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
