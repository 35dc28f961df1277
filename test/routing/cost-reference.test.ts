// `routing.defaults.cost_reference_usd` sets the task cost at which `cost_efficiency` scores 0.5
// (docs/strategies.md: cost_efficiency = reference / (reference + cost), default $0.05). Two
// configurations that differ only in it must score the same task differently, and a larger
// reference (cost matters less) must flip a choice from a cheap model to a capable, pricier one.
import { describe, expect, it } from 'vitest';
import { createRouter, MemoryLedger, type RouterConfigInput, type RoutingDecision } from 'llm-agent-router';
import { manualClock } from '../helpers/seed.js';

// A task of 1000 input and 1000 output tokens, complexity 5 (balanced: neither pool, best score overall).
const TASK = { complexity: 5, estimated_tokens: 1000, max_output_tokens: 1000 };
// cheap: $0.001 / 1k in and out → $0.002 for the task; quality 0.6 → task_complexity fit 0.7.
// premium: $0.03 / 1k in and out → $0.06 for the task; quality 1.0 → fit 1.
const CHEAP_COST = 0.002;
const PREMIUM_COST = 0.06;

function config(costReferenceUsd?: number): RouterConfigInput {
  return {
    models: {
      cheap: { provider: 'mock', type: 'cloud', quality: 0.6, cost_per_1k_tokens: { input: 0.001, output: 0.001 } },
      premium: { provider: 'mock', type: 'cloud', quality: 1, cost_per_1k_tokens: { input: 0.03, output: 0.03 } },
    },
    agents: { worker: { model_preferences: { primary: 'premium', secondary: 'cheap' } } },
    routing: {
      default_strategy: 'balanced',
      strategies: { balanced: { rules: [{ cloud_for_complex_tasks: true, local_for_routine_tasks: true, dynamic_routing: true }] } },
      // Only quality and cost weigh in, half each.
      routing_factors: [
        { name: 'task_complexity', weight: 0.5 },
        { name: 'cost_efficiency', weight: 0.5 },
      ],
      ...(costReferenceUsd === undefined ? {} : { defaults: { cost_reference_usd: costReferenceUsd } }),
    },
  };
}

async function decide(costReferenceUsd?: number): Promise<RoutingDecision> {
  const router = createRouter(config(costReferenceUsd), { clock: manualClock(), ledger: new MemoryLedger(), logger: {} });
  return router.route('worker', TASK);
}

/** The factors and score of `modelId` as the decision's trace records them. */
function scored(decision: RoutingDecision, modelId: string) {
  const step = decision.trace.find((s) => s.step === 'score' && s.modelId === modelId);
  expect(step, `a score step for ${modelId}`).toBeDefined();
  return { score: step!.score!, factors: step!.factors! };
}

const efficiency = (reference: number, cost: number) => Math.round((reference / (reference + cost)) * 1000) / 1000;

describe('routing.defaults.cost_reference_usd', () => {
  it('defaults to $0.05: an unset reference scores exactly like an explicit 0.05', async () => {
    const unset = await decide();
    const explicit = await decide(0.05);
    for (const id of ['cheap', 'premium']) {
      expect(scored(unset, id)).toEqual(scored(explicit, id));
    }
    expect(scored(unset, 'cheap').factors.cost_efficiency).toBe(efficiency(0.05, CHEAP_COST)); // 0.962
    expect(scored(unset, 'premium').factors.cost_efficiency).toBe(efficiency(0.05, PREMIUM_COST)); // 0.455
  });

  it('the same task on two configurations differing only in the reference gets different cost scores', async () => {
    const small = await decide(0.05);
    const large = await decide(5);
    expect(scored(small, 'premium').factors.cost_efficiency).toBe(0.455);
    expect(scored(large, 'premium').factors.cost_efficiency).toBe(efficiency(5, PREMIUM_COST)); // 0.988
    expect(scored(large, 'cheap').factors.cost_efficiency).toBe(efficiency(5, CHEAP_COST)); // 1
    expect(scored(large, 'premium').factors.cost_efficiency).not.toBe(scored(small, 'premium').factors.cost_efficiency);
    // The other factor does not move: only the cost scale changed.
    expect(scored(large, 'premium').factors.task_complexity).toBe(scored(small, 'premium').factors.task_complexity);
  });

  it('a task costing the reference scores 0.5, ten times it about 0.09 (as documented)', async () => {
    const atReference = await decide(PREMIUM_COST);
    expect(scored(atReference, 'premium').factors.cost_efficiency).toBe(0.5);
    const tenTimes = await decide(PREMIUM_COST / 10);
    expect(scored(tenTimes, 'premium').factors.cost_efficiency).toBe(0.091);
  });

  it('the choice between a cheap and an expensive model flips as the reference grows', async () => {
    // $0.05: cheap 0.5 × 0.7 + 0.5 × 0.962 ≈ 0.831 beats premium 0.5 × 1 + 0.5 × 0.455 ≈ 0.727.
    const small = await decide(0.05);
    expect(small.estimatedTokens).toMatchObject({ input: 1000, output: 1000 });
    expect(small).toMatchObject({ modelId: 'cheap', source: 'strategy' });
    expect(scored(small, 'cheap').score).toBeGreaterThan(scored(small, 'premium').score);
    expect(scored(small, 'cheap').score).toBeCloseTo(0.5 * 0.7 + 0.5 * (0.05 / (0.05 + CHEAP_COST)), 3);
    expect(scored(small, 'premium').score).toBeCloseTo(0.5 * 1 + 0.5 * (0.05 / (0.05 + PREMIUM_COST)), 3);

    // $5: a $0.06 task is cheap on that scale, so quality decides: premium ≈ 0.994 beats cheap ≈ 0.850.
    const large = await decide(5);
    expect(large).toMatchObject({ modelId: 'premium', source: 'strategy' });
    expect(scored(large, 'premium').score).toBeGreaterThan(scored(large, 'cheap').score);
    expect(scored(large, 'premium').score).toBeCloseTo(0.5 * 1 + 0.5 * (5 / (5 + PREMIUM_COST)), 3);
    expect(scored(large, 'cheap').score).toBeCloseTo(0.5 * 0.7 + 0.5 * (5 / (5 + CHEAP_COST)), 3);
  });
});
