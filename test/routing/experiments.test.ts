// A/B experiments (the seed's "A/B Testing"): sticky, weighted, within the hard constraints.
import { beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, createRouter, parseConfig, type LoadedConfig, type RouterConfigInput } from '../../src/index.js';
import { stableHash } from '../../src/routing/decide.js';
import { loadSeed, withExperiments } from '../helpers/seed.js';

let seed: LoadedConfig;
beforeAll(async () => {
  seed = await loadSeed();
});

const withExperiment = (experiment: Record<string, unknown>): RouterConfigInput => withExperiments(seed, experiment);

const OPUS_VS_GPT = {
  name: 'opus_vs_gpt',
  agents: ['frontend_agent'],
  condition: 'task.complexity >= 5',
  variants: [
    { model: 'claude-3-opus', weight: 3 },
    { model: 'gpt-4-turbo', weight: 1 },
  ],
};

describe('experiments', () => {
  it('assign a variant by task id: the same task always gets the same model', async () => {
    const router = createRouter(withExperiment(OPUS_VS_GPT));
    const first = await router.route('frontend_agent', { id: 'task-7', complexity: 6 });
    expect(first.experiment?.name).toBe('opus_vs_gpt');
    expect(first.reason).toContain('experiment opus_vs_gpt');
    for (let i = 0; i < 5; i++) {
      const again = await router.route('frontend_agent', { id: 'task-7', complexity: 6 });
      expect(again.modelId).toBe(first.modelId);
    }
  });

  it('split tasks by the variants\' weights', async () => {
    const router = createRouter(withExperiment(OPUS_VS_GPT));
    let opus = 0;
    for (let i = 0; i < 2000; i++) {
      const d = await router.route('frontend_agent', { id: `t-${i}`, complexity: 6 });
      if (d.modelId === 'claude-3-opus') opus++;
    }
    expect(opus / 2000).toBeGreaterThan(0.7);
    expect(opus / 2000).toBeLessThan(0.8);
    const metrics = await router.metrics();
    expect(metrics.experiments.opus_vs_gpt!['claude-3-opus']!.requests).toBe(opus);
    expect(metrics.experiments.opus_vs_gpt!['gpt-4-turbo']!.requests).toBe(2000 - opus);
    expect(metrics.experiments.opus_vs_gpt!['claude-3-opus']!.share).toBe(0.75);
  });

  it('come after the agent\'s rules, and only for the agents and tasks they name', async () => {
    const router = createRouter(withExperiment(OPUS_VS_GPT));
    expect((await router.route('frontend_agent', { id: 'a', involves_ui_design: true, complexity: 9 })).source).toBe('agent_rule');
    expect((await router.route('frontend_agent', { id: 'a', complexity: 2 })).experiment).toBeUndefined();
    expect((await router.route('qa_agent', { id: 'a', complexity: 9 })).experiment).toBeUndefined();
    const noId = await router.route('frontend_agent', { complexity: 6 });
    expect(noId.experiment).toBeUndefined();
    expect(noId.trace.find((s) => s.step === 'experiment')?.message).toContain('needs task.id');
  });

  it('never break a privacy constraint: a cloud variant is skipped under PII', async () => {
    const router = createRouter(withExperiment(OPUS_VS_GPT));
    for (let i = 0; i < 50; i++) {
      const d = await router.route('frontend_agent', { id: `p-${i}`, complexity: 6, prompt: 'reach me at ann@example.org' });
      expect(d.modelType).toBe('local');
      expect(d.experiment).toBeUndefined();
    }
  });

  it('are validated: unknown models and agents, conditions, zero weights', () => {
    const routing = `routing:
  experiments:
    - name: broken
      agents: [ghost_agent]
      condition: "task.complexity >"
      variants:
        - { model: gpt-9, weight: 0 }
`;
    const models = 'models:\n  m: { provider: local, type: local }\n';
    const agents = 'agents:\n  a: { model_preferences: { primary: m } }\n';
    try {
      parseConfig({ models, agents, routing });
      throw new Error('expected a ConfigError');
    } catch (error) {
      expect(ConfigError.isInstance(error)).toBe(true);
      const kinds = (error as ConfigError).issues.map((i) => `${i.kind} ${i.path}`).sort();
      expect(kinds).toEqual([
        'condition_syntax routing.experiments[0].condition',
        'invalid routing.experiments[0].variants',
        'unknown_agent routing.experiments[0].agents[0]',
        'unknown_model routing.experiments[0].variants[0].model',
      ]);
      expect((error as ConfigError).issues.find((i) => i.kind === 'unknown_model')).toMatchObject({ file: 'routing.yaml', line: 7 });
    }
  });

  it('stableHash spreads sequential ids evenly over 0..1', () => {
    const buckets = new Array(10).fill(0);
    for (let i = 0; i < 10_000; i++) buckets[Math.floor(stableHash(`exp\u0000${i}`) * 10)]++;
    for (const count of buckets) expect(Math.abs(count - 1000)).toBeLessThan(120);
  });
});
