import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CliIO } from '../../src/cli/cli-io.js';
import { runCli } from '../../src/cli/run-cli.js';
import type { SimulationReport } from '../../src/simulation/simulate-workload.js';
import { SEED_DIR } from '../helpers/seed.js';

const dir = mkdtempSync(join(tmpdir(), 'llm-agent-router-simulate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const lines = [
  { at: '2026-03-10T09:00:00Z', agent: 'cto_agent', task: { type: 'design', complexity: 9 }, input_tokens: 1000, output_tokens: 200 },
  { at: '2026-03-10T10:00:00Z', agent: 'backend_agent', task: { type: 'code_generation', complexity: 4 }, input_tokens: 3000, output_tokens: 900 },
  { at: '2026-03-10T11:00:00Z', agent: 'frontend_agent', task: { involves_ui_design: true, prompt: 'Mail ann@example.org the mock-ups' }, input_tokens: 2000, output_tokens: 500 },
];
writeFileSync(join(dir, 'small.jsonl'), `${lines.map((line) => JSON.stringify(line)).join('\n')}\n`);

function fakeIO(options: { stderrIsTTY?: boolean } = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIO = {
    stdout: { write: (text: string) => out.push(text) },
    stderr: { write: (text: string) => err.push(text) },
    stdoutIsTTY: false,
    stderrIsTTY: options.stderrIsTTY ?? false,
    cwd: dir,
    env: {},
  };
  return { io, stdout: () => out.join(''), stderr: () => err.join('') };
}

describe('simulate command', () => {
  it('prints a summary table per strategy and writes the HTML report', async () => {
    const { io, stdout, stderr } = fakeIO();
    const code = await runCli(['simulate', SEED_DIR, '--tasks', 'small.jsonl', '--env', 'production', '--strategies', 'balanced,privacy_first', '--report', 'out.html'], io);
    expect(code).toBe(0);
    const text = stdout();
    expect(text).toMatch(/Simulated 3 tasks from 3 agents on 2026-03-10 \(UTC\) · environment production · budget as configured/);
    // claude-3-opus bills 0.03 for the cto task; the other two stay local (a coding rule, and PII).
    expect(text).toMatch(/^balanced\s+\$0\.03\s+66\.7%\s+1\s+0\s+0\s+0\s+0\s+-\s+\$500\.00$/m);
    expect(text).toMatch(/^privacy_first\s+\$0\.00\s+100\.0%\s+3\s/m);
    expect(text).toMatch(/\n\nHTML report written to out\.html\n$/);
    expect(stderr()).toBe(''); // not a terminal: no progress bar
    const html = readFileSync(join(dir, 'out.html'), 'utf8');
    expect(html).toContain('<svg class="cost-chart"');
  });

  it('prints the report as JSON with --json', async () => {
    const { io, stdout } = fakeIO();
    expect(await runCli(['simulate', SEED_DIR, '--tasks', 'small.jsonl', '--strategies', 'privacy_first', '--budget', '12.5', '--json'], io)).toBe(0);
    const report = JSON.parse(stdout()) as SimulationReport;
    expect(report.tasks).toBe(3);
    expect(report.budgetUsd).toBe(12.5);
    expect(report.strategies.map((s) => [s.strategy, s.budgetUsd, s.totalCostUsd])).toEqual([['privacy_first', 12.5, 0]]);
  });

  it('a report path with control characters is shown without them', async () => {
    const { io, stdout } = fakeIO();
    expect(await runCli(['simulate', SEED_DIR, '--tasks', 'small.jsonl', '--strategies', 'balanced', '--report', 'out\u001b[31m.html'], io)).toBe(0);
    expect(stdout()).toMatch(/\nHTML report written to out\?\[31m\.html\n$/);
  });

  it('--budget takes a plain decimal number, spaces around it allowed', async () => {
    for (const [budget, usd] of [['40', 40], [' 7 ', 7], ['0.25', 0.25]] as const) {
      const { io, stdout } = fakeIO();
      expect(await runCli(['simulate', SEED_DIR, '--tasks', 'small.jsonl', '--strategies', 'balanced', '--budget', budget, '--json'], io)).toBe(0);
      expect((JSON.parse(stdout()) as SimulationReport).budgetUsd, budget).toBe(usd);
    }
  });

  it('runs every strategy by default', async () => {
    const { io, stdout } = fakeIO();
    expect(await runCli(['simulate', SEED_DIR, '--tasks', 'small.jsonl', '--json'], io)).toBe(0);
    const names = (JSON.parse(stdout()) as SimulationReport).strategies.map((s) => s.strategy).sort();
    expect(names).toEqual(['balanced', 'cost_optimized', 'performance_optimized', 'privacy_first']);
  });

  it('draws a progress bar on stderr only when stderr is a terminal', async () => {
    const { io, stderr } = fakeIO({ stderrIsTTY: true });
    expect(await runCli(['simulate', SEED_DIR, '--tasks', 'small.jsonl', '--strategies', 'balanced'], io)).toBe(0);
    expect(stderr()).toMatch(/\r\[#+\] 100%/);
    expect(stderr().endsWith('\r\u001b[2K')).toBe(true); // and clears it
  });

  it('rejects a bad line with FILE:LINE and exit code 1', async () => {
    writeFileSync(join(dir, 'bad.jsonl'), `${JSON.stringify(lines[0])}\n\n{"agent": "ghost", "task": {}}\n`);
    const { io, stdout, stderr } = fakeIO();
    expect(await runCli(['simulate', SEED_DIR, '--tasks', 'bad.jsonl'], io)).toBe(1);
    expect(stderr()).toMatch(/^llm-agent-router simulate: error: bad\.jsonl:3: unknown agent "ghost"/);
    expect(stdout()).toBe('');

    writeFileSync(join(dir, 'broken.jsonl'), '{"agent": "cto_agent", "task": {}\n');
    const second = fakeIO();
    expect(await runCli(['simulate', SEED_DIR, '--tasks', 'broken.jsonl'], second.io)).toBe(1);
    expect(second.stderr()).toMatch(/^llm-agent-router simulate: error: broken\.jsonl:1: invalid JSON/);
  });

  it('exits 1 for a missing workload or an invalid configuration directory', async () => {
    const missing = fakeIO();
    expect(await runCli(['simulate', SEED_DIR, '--tasks', 'nope.jsonl'], missing.io)).toBe(1);
    expect(missing.stderr()).toBe('llm-agent-router simulate: error: cannot read nope.jsonl: no such file or directory (ENOENT)\n');
    mkdirSync(join(dir, 'no-config'), { recursive: true });
    const config = fakeIO();
    expect(await runCli(['simulate', join(dir, 'no-config'), '--tasks', 'small.jsonl'], config.io)).toBe(1);
    expect(config.stderr()).toBe('llm-agent-router simulate: error: invalid configuration (2 errors):\n  no-config/models.yaml models.yaml not found in no-config\n  no-config/agents.yaml agents.yaml not found in no-config\n');
  });

  it('exits 1 when the workload is a directory', async () => {
    mkdirSync(join(dir, 'folder.jsonl'), { recursive: true });
    const { io, stdout, stderr } = fakeIO();
    expect(await runCli(['simulate', SEED_DIR, '--tasks', 'folder.jsonl'], io)).toBe(1);
    expect(stderr()).toBe('llm-agent-router simulate: error: cannot read folder.jsonl: is a directory (EISDIR)\n');
    expect(stdout()).toBe('');
  });

  it('replays a workload out of time order, with blank lines, as the same tasks in order', async () => {
    writeFileSync(join(dir, 'unordered.jsonl'), `\n${[...lines].reverse().map((line) => JSON.stringify(line)).join('\n\n')}\n`);
    const ordered = fakeIO();
    const unordered = fakeIO();
    expect(await runCli(['simulate', SEED_DIR, '--tasks', 'small.jsonl', '--env', 'production', '--strategies', 'balanced,performance_optimized'], ordered.io)).toBe(0);
    expect(await runCli(['simulate', SEED_DIR, '--tasks', 'unordered.jsonl', '--env', 'production', '--strategies', 'balanced,performance_optimized'], unordered.io)).toBe(0);
    expect(unordered.stdout()).toBe(ordered.stdout());
  });

  it.each([
    [[SEED_DIR], /missing --tasks FILE\.jsonl/],
    [['--tasks', 'small.jsonl'], /missing <config-dir>/],
    [[SEED_DIR, 'extra', '--tasks', 'small.jsonl'], /unexpected argument "extra"/],
    [[SEED_DIR, '--tasks', 'small.jsonl', '--budget', 'lots'], /--budget expects a non-negative decimal number/],
    [[SEED_DIR, '--tasks', 'small.jsonl', '--budget=-3'], /--budget expects a non-negative decimal number/],
    [[SEED_DIR, '--tasks', 'small.jsonl', '--budget', '0x10'], /--budget expects a non-negative decimal number of USD \(like 40 or 12\.5\), got "0x10"\n/],
    [[SEED_DIR, '--tasks', 'small.jsonl', '--budget', '1e3'], /--budget expects a non-negative decimal number of USD \(like 40 or 12\.5\), got "1e3"\n/],
    [[SEED_DIR, '--tasks', 'small.jsonl', '--budget', ' '], /--budget expects a non-negative decimal number/],
    [[SEED_DIR, '--tasks', 'small.jsonl', '--fast'], /unknown option --fast\n/],
    [[SEED_DIR, '--tasks', 'small.jsonl', '--strategies', 'balanced,fastest'], /unknown strategy "fastest"/],
  ])('exits 2 with a usage message for %j', async (argv, message) => {
    const { io, stdout, stderr } = fakeIO();
    expect(await runCli(['simulate', ...(argv as string[])], io)).toBe(2);
    expect(stderr()).toMatch(message);
    expect(stderr()).toMatch(/^llm-agent-router simulate: error: /);
    expect(stdout()).toBe('');
  });

  it('prints its usage with --help', async () => {
    const { io, stdout } = fakeIO();
    expect(await runCli(['simulate', '--help'], io)).toBe(0);
    expect(stdout()).toMatch(/^Usage: llm-agent-router simulate <config-dir> --tasks FILE\.jsonl/);
  });
});
