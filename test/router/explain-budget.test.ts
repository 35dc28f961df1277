// router.explain (a dry run that leaves no mark) and router.budget (today's spend against the budget in force).
import { beforeAll, describe, expect, it } from 'vitest';
import { createRouter, type LoadedConfig, type RouterEvent } from '../../src/index.js';
import { createMockProvider } from '../../src/test.js';
import { loadSeed } from '../helpers/seed.js';

let seed: LoadedConfig;
beforeAll(async () => {
  seed = await loadSeed('production');
});

describe('router.explain', () => {
  it('decides as route() does, with the trace, and counts nothing', async () => {
    const router = createRouter(seed, { trace: false, verbose: false });
    const events: RouterEvent[] = [];
    router.on((event) => events.push(event));
    const task = { id: 'x1', complexity: 9, type: 'architecture_decision' };
    const explained = await router.explain('cto_agent', task);
    const routed = await router.route('cto_agent', task);
    expect(explained.modelId).toBe(routed.modelId);
    expect(explained.trace.length).toBeGreaterThan(0);
    expect(routed.trace).toEqual([]);
    expect(events).toHaveLength(1);
    expect((await router.metrics()).decisions).toBe(1);
  });
});

describe('router.budget', () => {
  it('reports settled spend per agent and model, reservations and what is left of the budget in force', async () => {
    const mock = createMockProvider();
    const router = createRouter(seed, { providers: { anthropic: mock, openai: mock, local: mock } });
    const empty = await router.budget();
    expect(empty).toMatchObject({ spentUsd: 0, reservedUsd: 0, calls: 0, byAgent: {}, byModel: {} });
    expect(empty.budgetUsd).toBe(500); // production's max_cloud_spend_per_day
    expect(empty.remainingUsd).toBe(500);

    const result = await router.complete('cto_agent', { messages: [{ role: 'user', content: 'Plan the migration.' }] }, { task: { complexity: 9 } });
    const after = await router.budget();
    expect(after.spentUsd).toBe(result.costUsd);
    expect(after.byAgent).toEqual({ cto_agent: result.costUsd });
    expect(after.byModel).toEqual({ [result.modelId]: result.costUsd });
    expect(after.calls).toBe(1);
    expect(after.remainingUsd).toBeCloseTo(500 - result.costUsd, 6);
    expect(after.day).toMatch(/^\d{4}-\d{2}-\d{2}$/);

    router.overrides.setStrategy('cost_optimized');
    expect((await router.budget()).strategy).toBe('cost_optimized');
  });
});
