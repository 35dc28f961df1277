// router.reload: a new configuration swapped in whole — never half of each under concurrent routes —
// an invalid one refused with the old one kept, calls in flight finishing on the old one, and the
// router's state (overrides, spend, windows, breakers) carried over.
import { beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, createRouter, MemoryLedger, type CostLedger, type LoadedConfig, type RouterChangeEvent, type RouterConfigInput } from '../../src/index.js';
import { createMockProvider } from '../../src/test.js';
import { loadSeed } from '../helpers/seed.js';

let seed: LoadedConfig;
beforeAll(async () => {
  seed = await loadSeed();
});

/** The seed with one signature: every agent's first rule picks `model`, and `strategy` is the default. */
function variant(model: string, strategy: string): RouterConfigInput {
  const config = structuredClone({ models: seed.models, agents: seed.agents, routing: seed.routing! });
  for (const agent of Object.values(config.agents)) agent.routing_rules = [{ condition: 'task.type == "probe"', model }];
  config.routing.default_strategy = strategy;
  return config;
}

describe('router.reload', () => {
  it('never yields a decision from a half-applied configuration while routes run concurrently', async () => {
    const a = variant('claude-3-opus', 'cost_optimized');
    const b = variant('gpt-4-turbo', 'performance_optimized');
    const allowed = new Set(['claude-3-opus/cost_optimized', 'gpt-4-turbo/performance_optimized']);
    // A ledger that answers asynchronously, so that reloads land between a route's start and its decision.
    const router = createRouter(a, { ledger: slowLedger() });
    const agents = router.agentIds();
    let reloads = 0;
    const seen = new Set<string>();
    for (let round = 0; round < 200; round++) {
      // Twenty routes start, each waits for the ledger; the configuration changes under them.
      const routes = Array.from({ length: 20 }, (_, i) => router.route(agents[(round + i) % agents.length]!, { type: 'probe' }));
      router.reload(round % 2 === 0 ? b : a);
      reloads++;
      for (const decision of await Promise.all(routes)) {
        const signature = `${decision.modelId}/${decision.strategy}`;
        seen.add(signature);
        expect(allowed.has(signature), signature).toBe(true);
      }
    }
    expect(reloads).toBe(200);
    expect(seen.size).toBe(2);
  });

  it('lets a call in flight finish on the configuration it started on', async () => {
    const mock = createMockProvider({ responses: { latencyMs: 50 } });
    const router = createRouter(variant('claude-3-opus', 'balanced'), { providers: { anthropic: mock, openai: mock, local: mock } });
    const call = router.complete('frontend_agent', { messages: [{ role: 'user', content: 'hi' }] }, { task: { type: 'probe' } });
    await new Promise((resolve) => setTimeout(resolve, 10));
    const without = variant('gpt-4-turbo', 'balanced');
    delete (without.models as Record<string, unknown>)['claude-3-opus'];
    for (const agent of Object.values(without.agents)) {
      for (const [key, model] of Object.entries(agent.model_preferences ?? {})) if (model === 'claude-3-opus') agent.model_preferences![key] = 'gpt-4-turbo';
    }
    stripModel(without, 'claude-3-opus');
    router.reload(without);
    expect(mock.calls).toHaveLength(1); // still in flight when the configuration changed
    const result = await call;
    expect(result.modelId).toBe('claude-3-opus');
    expect(router.modelIds()).not.toContain('claude-3-opus');
    expect((await router.route('frontend_agent', { type: 'probe' })).modelId).toBe('gpt-4-turbo');
  });

  it('refuses an invalid configuration with its errors and keeps the old one', async () => {
    const router = createRouter(variant('claude-3-opus', 'balanced'));
    const broken = variant('no-such-model', 'balanced');
    let thrown: unknown;
    try {
      router.reload(broken);
    } catch (error) {
      thrown = error;
    }
    expect(ConfigError.isInstance(thrown)).toBe(true);
    expect((thrown as ConfigError).issues.some((issue) => issue.message.includes('no-such-model'))).toBe(true);
    expect((await router.route('frontend_agent', { type: 'probe' })).modelId).toBe('claude-3-opus');
    expect(router.config.agents.frontend_agent!.routing_rules![0]!.model).toBe('claude-3-opus');
  });

  it('keeps overrides, spend and model state; drops overrides naming what is gone, with an event', async () => {
    const mock = createMockProvider();
    const router = createRouter(variant('claude-3-opus', 'balanced'), { providers: { anthropic: mock, openai: mock, local: mock } });
    const events: RouterChangeEvent[] = [];
    router.onChange((event) => events.push(event));
    await router.complete('frontend_agent', { messages: [{ role: 'user', content: 'hi' }] }, { task: { type: 'probe' } });
    const spent = (await router.budget()).spentUsd;
    expect(spent).toBeGreaterThan(0);
    router.overrides.setAgentModel('qa_agent', 'gpt-4-turbo', { reason: 'kept' });
    router.overrides.setTaskRouting('t-1', { forceModel: 'claude-3-opus', reason: 'dropped' });
    router.overrides.setStrategy('cost_optimized');
    const requestsBefore = router.modelState('claude-3-opus')?.requests_last_minute;

    const next = variant('gpt-4-turbo', 'balanced');
    stripModel(next, 'claude-3-opus');
    const result = router.reload(next);

    expect(result.droppedOverrides.map((o) => `${o.kind}:${o.target}`)).toEqual(['task_routing:t-1']);
    expect(router.overrides.list().agentModels.map((o) => o.value)).toEqual(['gpt-4-turbo']);
    expect(router.overrides.list().strategy?.value).toBe('cost_optimized');
    expect((await router.budget()).spentUsd).toBe(spent);
    expect(requestsBefore).toBe(1);
    expect(router.modelState('gpt-4-turbo')).toBeDefined();
    expect(events.map((event) => event.type)).toEqual(['config_reloaded', 'override_dropped']);
    expect(events[1]).toMatchObject({ type: 'override_dropped', reason: 'model "claude-3-opus" is no longer configured' });
  });
});

/** Removes every mention of `modelId` from a seed-shaped config (preferences, rules, strategies, experiments). */
function stripModel(config: RouterConfigInput, modelId: string): void {
  delete (config.models as Record<string, unknown>)[modelId];
  const replacement = 'gpt-4-turbo';
  const json = JSON.stringify(config).replaceAll(`"${modelId}"`, `"${replacement}"`);
  Object.assign(config, JSON.parse(json));
}

function slowLedger(): CostLedger {
  const inner = new MemoryLedger();
  return {
    snapshot: async (query) => {
      await new Promise((resolve) => setImmediate(resolve));
      return inner.snapshot(query);
    },
    record: (day, entry) => inner.record(day, entry),
    reserve: (request) => inner.reserve(request),
    commit: (id, day, entry) => inner.commit(id, day, entry),
    release: (id) => inner.release(id),
    report: (day) => inner.report(day),
  };
}
