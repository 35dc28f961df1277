// The simulator's report compares an experiment's variants, and replays the workload's feedback so
// that an adaptive experiment can be tried on recorded outcomes before it runs for real.
import { beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseWorkload, simulateWorkload, simulateWorkloadFile, WorkloadError, type WorkloadTask } from '../../src/simulation.js';
import type { LoadedConfig, RouterConfigInput } from '../../src/index.js';
import { loadSeed, withExperiments } from '../helpers/seed.js';

let seed: LoadedConfig;
beforeAll(async () => {
  seed = await loadSeed();
});

const withExperiment = (experiment: Record<string, unknown>): RouterConfigInput => withExperiments(seed, experiment);

describe('simulating an experiment', () => {
  it('reports each variant, and the adaptive split follows the replayed feedback', async () => {
    const config = withExperiment({
      name: 'learn',
      agents: ['frontend_agent'],
      variants: [{ model: 'claude-3-opus' }, { model: 'gpt-4-turbo' }],
      allocation: { mode: 'adaptive', metric: 'accepted', min_share: 0.1, seed: 3 },
    });
    // Recorded outcomes: gpt-4-turbo's answers were accepted 9 times in 10, claude-3-opus's 3 in 10.
    const tasks: WorkloadTask[] = Array.from({ length: 400 }, (_, i) => ({
      agent: 'frontend_agent',
      task: { id: `t${i}`, complexity: 6 },
      feedback: { accepted: { 'gpt-4-turbo': i % 10 !== 0, 'claude-3-opus': i % 10 < 3 } },
    }));
    const report = await simulateWorkload(config, tasks, { strategies: ['balanced'] });
    const variants = report.strategies[0]!.experiments.learn!;
    expect(variants['gpt-4-turbo']!.requests + variants['claude-3-opus']!.requests).toBe(400);
    expect(variants['gpt-4-turbo']!.share).toBeGreaterThan(0.8);
    expect(variants['claude-3-opus']!.share).toBeGreaterThanOrEqual(0.1);
    expect(variants['gpt-4-turbo']!.feedback.accepted!.mean).toBeGreaterThan(0.85);
    expect(variants['gpt-4-turbo']!.cost_usd).toBeGreaterThan(0);
    expect(variants['gpt-4-turbo']!.calls).toBe(variants['gpt-4-turbo']!.requests);
  });

  it("refuses, with its line, feedback outside 0..1 for a metric an adaptive experiment learns from", async () => {
    const config = withExperiment({ name: 'learn', agents: ['frontend_agent'], variants: [{ model: 'claude-3-opus' }, { model: 'gpt-4-turbo' }], allocation: { mode: 'adaptive', metric: 'accepted' } });
    const dir = mkdtempSync(join(tmpdir(), 'router-feedback-'));
    const file = join(dir, 'w.jsonl');
    writeFileSync(file, '{"agent":"frontend_agent","task":{"id":"a"},"feedback":{"accepted":1}}\n{"agent":"frontend_agent","task":{"id":"b"},"feedback":{"accepted":4,"minutes":4}}\n');
    try {
      await expect(simulateWorkloadFile(config, file, { strategies: ['balanced'] })).rejects.toThrow(/w\.jsonl:2: "feedback\.accepted" feeds an adaptive experiment/);
      // Other metrics take any finite number.
      writeFileSync(file, '{"agent":"frontend_agent","task":{"id":"b"},"feedback":{"accepted":0.5,"minutes":4}}\n');
      expect((await simulateWorkloadFile(config, file, { strategies: ['balanced'] })).strategies[0]!.served).toBe(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses malformed feedback with the line it is on', () => {
    const text = '{"agent":"frontend_agent","task":{"id":"a"}}\n{"agent":"frontend_agent","task":{"id":"b"},"feedback":{"accepted":"yes"}}\n';
    expect(() => parseWorkload(text, { fileName: 'w.jsonl' })).toThrow(WorkloadError);
    expect(() => parseWorkload(text, { fileName: 'w.jsonl' })).toThrow(/w\.jsonl:2: "feedback\.accepted" must be/);
  });
});
