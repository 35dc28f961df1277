// simulateWorkloadFile streams a JSONL workload (read once to check and index it, again while
// replaying it a few tasks at a time): its report must be the one simulateWorkload gives for the
// same tasks parsed into memory, whatever the file's order, blank lines, BOM or line endings.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { RouterConfigInput } from '../../src/index.js';
import { parseWorkload, WorkloadError, type WorkloadTask } from '../../src/simulation/parse-workload.js';
import { simulateWorkload, simulateWorkloadFile, type SimulationReport } from '../../src/simulation/simulate-workload.js';
import { loadSeed } from '../helpers/seed.js';

const DAY_FILE = fileURLToPath(new URL('../../examples/workloads/day.jsonl', import.meta.url));
const DAY_TEXT = readFileSync(DAY_FILE, 'utf8');
const STRATEGIES = ['balanced', 'cost_optimized', 'performance_optimized', 'privacy_first'];

const dir = mkdtempSync(join(tmpdir(), 'llm-agent-router-workload-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

/** The report without the wall-clock times, which differ from run to run. */
function figures(report: SimulationReport): unknown {
  return JSON.parse(JSON.stringify(report, (key, value: unknown) => (key === 'wallTimeMs' ? undefined : value)));
}

/** A deterministic shuffle (a seeded LCG), so a failure reproduces. */
function shuffled<T>(items: readonly T[], seed = 7): T[] {
  const out = [...items];
  let state = seed;
  for (let i = out.length - 1; i > 0; i--) {
    state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
    const j = state % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

describe('simulateWorkloadFile', () => {
  it('reports exactly what simulateWorkload reports for the parsed sample day, every strategy, under a budget', async () => {
    const config = await loadSeed('production');
    const options = { strategies: STRATEGIES, budgetUsd: 40 };
    const inMemory = await simulateWorkload(config, parseWorkload(DAY_TEXT).tasks, options);
    const streamed = await simulateWorkloadFile(config, DAY_FILE, options);
    expect(figures(streamed)).toEqual(figures(inMemory));
    expect(streamed.tasks).toBe(3000);
    expect(streamed.strategies.every((s) => s.requests === 3000)).toBe(true);
  }, 60_000);

  it('replays a shuffled file in time order, with blank lines, CRLF line endings and a BOM', async () => {
    const config = await loadSeed('production');
    const lines = DAY_TEXT.split('\n').filter((line) => line.trim() !== '');
    const text = `\uFEFF${shuffled(lines).map((line, i) => (i % 97 === 0 ? `${line}\r\n\n  \n` : `${line}\r\n`)).join('')}`;
    const file = write('shuffled.jsonl', text);
    const options = { strategies: ['balanced', 'performance_optimized'] };
    const inMemory = await simulateWorkload(config, parseWorkload(DAY_TEXT).tasks, options);
    expect(figures(await simulateWorkloadFile(config, file, options))).toEqual(figures(inMemory));
    // The same file parsed whole gives the same figures too (ties in time keep the file's order).
    expect(figures(await simulateWorkloadFile(config, file, options))).toEqual(figures(await simulateWorkload(config, parseWorkload(text).tasks, options)));
  }, 60_000);

  it('spreads tasks without a time over the day, as simulateWorkload does, and takes dayStart', async () => {
    const config = await loadSeed();
    const tasks: WorkloadTask[] = Array.from({ length: 50 }, (_, i) => ({
      agent: ['cto_agent', 'backend_agent', 'frontend_agent', 'qa_agent'][i % 4]!,
      task: { type: 'review', complexity: i % 11 },
      input_tokens: 1000 + i,
      output_tokens: 100,
      ...(i % 5 === 0 ? { at: `2026-04-0${1 + (i % 3)}T10:00:00Z` } : {}),
    }));
    const file = write('untimed.jsonl', tasks.map((task) => JSON.stringify(task)).join('\n'));
    for (const options of [{ strategies: ['balanced'] }, { strategies: ['balanced'], dayStart: '2026-05-01T00:00:00Z' }]) {
      expect(figures(await simulateWorkloadFile(config, file, options))).toEqual(figures(await simulateWorkload(config, tasks, options)));
    }
  });

  it('reads a line longer than its read buffer', async () => {
    const cloudOnly: RouterConfigInput = {
      models: { m: { provider: 'acme', type: 'cloud', cost_per_1k_tokens: { input: 0.01, output: 0.02 } } },
      agents: { writer: { model_preferences: { primary: 'm' } } },
    };
    const tasks: WorkloadTask[] = [
      { at: '2026-03-10T09:00:00Z', agent: 'writer', task: { type: 'review', notes: 'x'.repeat(3_000_000) }, input_tokens: 100, output_tokens: 10 },
      { at: '2026-03-10T10:00:00Z', agent: 'writer', task: { type: 'review' }, input_tokens: 200, output_tokens: 20 },
    ];
    const file = write('long.jsonl', `${tasks.map((task) => JSON.stringify(task)).join('\n')}\n`);
    const report = await simulateWorkloadFile(cloudOnly, file, { strategies: ['balanced'] });
    expect(report.tasks).toBe(2);
    expect(figures(report)).toEqual(figures(await simulateWorkload(cloudOnly, tasks, { strategies: ['balanced'] })));
  });

  it('rejects the first bad line with FILE:LINE before simulating anything', async () => {
    const config = await loadSeed();
    const lines = DAY_TEXT.split('\n');
    const progress: number[] = [];
    for (const [bad, message] of [
      ['{"agent":"qa_agent","task":{}', /invalid JSON/],
      ['{"agent":"qa-agent","task":{}}', /unknown agent "qa-agent"; the configuration defines cto_agent, backend_agent, frontend_agent, qa_agent/],
      ['{"agent":"qa_agent","task":{},"at":"yesterday"}', /"at" is not an ISO 8601 time/],
    ] as const) {
      const file = write('bad.jsonl', [...lines.slice(0, 2500), bad, ...lines.slice(2500)].join('\n'));
      const failure = simulateWorkloadFile(config, file, { strategies: ['balanced'], fileName: 'bad.jsonl', onProgress: (done) => progress.push(done) });
      await expect(failure).rejects.toSatisfy((error: unknown) => WorkloadError.isInstance(error) && error.line === 2501);
      await expect(failure).rejects.toThrow(/^bad\.jsonl:2501: /);
      await expect(failure).rejects.toThrow(message);
    }
    expect(progress).toEqual([]);
  });

  it('names the file as given when no fileName is set', async () => {
    const config = await loadSeed();
    const file = write('ghost.jsonl', '{"agent":"ghost","task":{}}\n');
    await expect(simulateWorkloadFile(config, file, { strategies: ['balanced'] })).rejects.toThrow(`${file}:1: unknown agent "ghost"`);
  });

  it("fails with Node's own error for a file it cannot read", async () => {
    const config = await loadSeed();
    await expect(simulateWorkloadFile(config, join(dir, 'missing.jsonl'), { strategies: ['balanced'] })).rejects.toMatchObject({ code: 'ENOENT' });
    mkdirSync(join(dir, 'a-directory.jsonl'), { recursive: true });
    await expect(simulateWorkloadFile(config, join(dir, 'a-directory.jsonl'), { strategies: ['balanced'] })).rejects.toMatchObject({ code: 'EISDIR' });
  });

  it('checks the configuration and strategies before opening the file', async () => {
    const config = await loadSeed();
    await expect(simulateWorkloadFile(config, join(dir, 'missing.jsonl'), { strategies: ['fastest'] })).rejects.toThrow(/fastest/);
    await expect(simulateWorkloadFile(config, join(dir, 'missing.jsonl'), { strategies: [] })).rejects.toThrow(/strateg/);
  });

  it('stops with a WorkloadError if the file changes while it is replayed', async () => {
    const config = await loadSeed();
    // Large enough that the replay reads the file again after the first progress report.
    const lines = DAY_TEXT.split('\n').filter((line) => line.trim() !== '');
    const file = write('changing.jsonl', `${[...lines, ...lines, ...lines].join('\n')}\n`);
    let truncated = false;
    const run = simulateWorkloadFile(config, file, {
      strategies: ['privacy_first'],
      fileName: 'changing.jsonl',
      onProgress: () => {
        if (truncated) return;
        truncated = true;
        truncateSync(file, 1000);
      },
    });
    await expect(run).rejects.toThrow(/^changing\.jsonl:\d+: the file changed while it was being simulated/);
  });

  it('reports progress up to the total over all strategies', async () => {
    const config = await loadSeed();
    const calls: [number, number][] = [];
    await simulateWorkloadFile(config, DAY_FILE, { strategies: ['balanced', 'privacy_first'], onProgress: (done, total) => calls.push([done, total]) });
    expect(calls.length).toBeGreaterThan(2);
    expect(calls.every(([, total]) => total === 6000)).toBe(true);
    for (let i = 1; i < calls.length; i++) expect(calls[i]![0]).toBeGreaterThanOrEqual(calls[i - 1]![0]);
    expect(calls[calls.length - 1]).toEqual([6000, 6000]);
  });

  it('an empty file is an empty report', async () => {
    const config = await loadSeed();
    const file = write('empty.jsonl', '\n\n');
    expect(figures(await simulateWorkloadFile(config, file, { strategies: ['balanced'] }))).toEqual(figures(await simulateWorkload(config, [], { strategies: ['balanced'] })));
  });
});
