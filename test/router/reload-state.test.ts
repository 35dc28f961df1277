// What a reload replaces beyond the decision tables: the adapters of models whose provider changed,
// the share of a rate limit that counts as approaching, the answers cached under the old models; and
// a decision in flight across a reload keeps splitting by its own configuration's experiment.
import { beforeAll, describe, expect, it } from 'vitest';
import { createRouter, type LoadedConfig, type ProviderAdapter, type RouterConfigInput } from '../../src/index.js';
import { createMockProvider } from '../../src/test.js';
import { compileConfig } from '../../src/routing/compile-config.js';
import { decide } from '../../src/routing/decide.js';
import { validateConfig } from '../../src/config/validate-config.js';
import type { RoutingState } from '../../src/routing/types.js';
import { loadSeed, withExperiments } from '../helpers/seed.js';

let seed: LoadedConfig;
beforeAll(async () => {
  seed = await loadSeed();
});

const ASK = { messages: [{ role: 'user' as const, content: 'hello' }] };

function copy(config: LoadedConfig): RouterConfigInput {
  return structuredClone({ models: seed.models, agents: seed.agents, routing: config.routing! });
}

describe('a reload replaces', () => {
  it("a model's adapter when its provider changed: the factory is asked again", async () => {
    const made: string[] = [];
    const factory = (name: string) => (model: { id: string }): ProviderAdapter => {
      made.push(`${name}:${model.id}`);
      return createMockProvider({ name, responses: `from ${name}` });
    };
    const router = createRouter(copy(seed), { providers: { anthropic: factory('anthropic'), openai: factory('openai'), local: factory('local') }, logger: {} });
    const first = await router.complete('cto_agent', ASK, { task: { complexity: 9 } });
    expect(first.modelId).toBe('claude-3-opus');
    expect(first.text).toBe('from anthropic');

    const moved = copy(seed);
    moved.models['claude-3-opus'] = { ...moved.models['claude-3-opus']!, provider: 'openai' };
    router.reload(moved);
    const second = await router.complete('cto_agent', ASK, { task: { complexity: 9 } });
    expect(second.modelId).toBe('claude-3-opus');
    expect(second.text).toBe('from openai');
    expect(made).toContain('openai:claude-3-opus');
  });

  it('the share of a rate limit that counts as approaching it', async () => {
    const limited = copy(seed);
    limited.models['gpt-4-turbo'] = { ...limited.models['gpt-4-turbo']!, rate_limits: { requests_per_minute: 10 } };
    const router = createRouter(limited, { logger: {} });
    for (let i = 0; i < 5; i++) await router.complete('frontend_agent', ASK, { task: { involves_ui_design: true } });
    expect(router.modelState('gpt-4-turbo')).toMatchObject({ requests_last_minute: 5, rate_limit_approaching: false });
    const strict = structuredClone(limited);
    strict.routing!.rate_limit_threshold = 0.5;
    router.reload(strict);
    expect(router.modelState('gpt-4-turbo')).toMatchObject({ requests_last_minute: 5, rate_limit_approaching: true });
  });

  it('the cached answers: a strategy that caches answers anew after a reload', async () => {
    const router = createRouter(copy(seed), { logger: {} });
    router.overrides.setStrategy('performance_optimized');
    await router.complete('cto_agent', ASK, { task: { complexity: 9 } });
    expect((await router.complete('cto_agent', ASK, { task: { complexity: 9 } })).cached).toBe(true);
    router.reload(copy(seed));
    expect((await router.complete('cto_agent', ASK, { task: { complexity: 9 } })).cached).toBe(false);
  });
});

describe('a decision in flight across a reload', () => {
  it("splits by its own experiment's weights, not by a learned split worked out for the new one", () => {
    const experiment = { name: 'ab', agents: ['cto_agent'], variants: [{ model: 'claude-3-opus' }, { model: 'gpt-4-turbo' }] };
    const compile = () => compileConfig(validateConfig(withExperiments(seed, experiment)).config!, undefined);
    const old = compile();
    const fresh = compile();
    const state = (of: object): RoutingState => ({
      now: Date.parse('2026-11-29T10:00:00Z'),
      strategy: 'balanced',
      strategySource: 'default',
      dailyCostUsd: 0,
      agentDailyCostUsd: 0,
      budgetUsd: undefined,
      containsPii: false,
      inputTokens: 100,
      outputTokens: 100,
      // Every task to the first variant, had the split applied.
      experiments: new Map([['ab', { running: true, upTo: [1, 1], of }]]),
    });
    let second = 0;
    for (let i = 0; i < 200; i++) {
      const task = { id: `t${i}`, complexity: 6 };
      const own = decide(old, 'cto_agent', task, {}, state(old.experiments[0]!), false);
      expect(own.modelId).toBe('claude-3-opus');
      if (decide(old, 'cto_agent', task, {}, state(fresh.experiments[0]!), false).modelId === 'gpt-4-turbo') second++;
    }
    // By the weights (1:1), about half go to the second variant.
    expect(second).toBeGreaterThan(60);
    expect(second).toBeLessThan(140);
  });
});
