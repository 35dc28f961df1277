// The seed's four agents, through the public API: every routing rule of every agent, the global
// rules, the four strategies and the environment overlays.
import { beforeAll, describe, expect, it } from 'vitest';
import { createRouter, MemoryLedger, NoEligibleModelError, type LoadedConfig } from '../../src/index.js';
import { loadSeed, manualClock } from '../helpers/seed.js';

let seed: LoadedConfig;
beforeAll(async () => {
  seed = await loadSeed();
});

const LOCAL = new Set(['llama-3-70b', 'deepseek-coder-33b', 'qwen-2-72b']);

describe('cto_agent rules', () => {
  it('rule 0: privacy_level high → llama-3-70b', async () => {
    const d = await createRouter(seed).route('cto_agent', { privacy_level: 'high', complexity: 9 });
    expect(d.modelId).toBe('llama-3-70b');
    expect(d.source).toBe('agent_rule');
    expect(d.reason).toContain("task.privacy_level == 'high'");
  });
  it('rule 1: complexity > 8 → claude-3-opus', async () => {
    const d = await createRouter(seed).route('cto_agent', { complexity: 9, privacy_level: 'low' }, { routing_strategy: 'balanced' });
    expect(d).toMatchObject({ modelId: 'claude-3-opus', source: 'agent_rule', strategy: 'balanced', confidence: 0.9 });
    expect(d.trace.find((s) => s.step === 'agent_rule' && s.outcome === 'not_matched')?.rule).toBe('routing_rules[0]');
    expect(d.fallbacks).toEqual(['gpt-4-turbo', 'llama-3-70b']);
    expect(d.estimatedCost).toBeCloseTo(1000 * 0.000015 + 500 * 0.000075, 9);
  });
  it('rule 2: cost_limit_reached → llama-3-70b (from context)', async () => {
    const d = await createRouter(seed).route('cto_agent', { complexity: 5 }, { cost_limit_reached: true });
    expect(d.modelId).toBe('llama-3-70b');
    expect(d.reason).toContain('cost_limit_reached');
  });
  it('rule 2: cost_limit_reached → llama-3-70b (from the ledger and the budget)', async () => {
    const clock = manualClock();
    const ledger = new MemoryLedger();
    const router = createRouter(seed, { ledger, clock, logger: {} });
    ledger.record('2026-11-25', { agentId: 'cto_agent', modelId: 'claude-3-opus', inputTokens: 1, outputTokens: 1, costMicros: 100_000_000, at: clock() });
    const d = await router.route('cto_agent', { complexity: 5 }, { routing_strategy: 'cost_optimized' });
    expect(d.modelId).toBe('llama-3-70b');
    expect(d.source).toBe('agent_rule');
    expect(d.trace.find((s) => s.rule === 'routing_rules[2]')?.outcome).toBe('chosen');
  });
  it('no rule matches → the strategy decides', async () => {
    const d = await createRouter(seed).route('cto_agent', { complexity: 5 });
    expect(d.source).toBe('strategy');
    expect(d.strategy).toBe('balanced');
    expect(d.trace.filter((s) => s.step === 'agent_rule').map((s) => s.outcome)).toEqual(['not_matched', 'not_matched', 'not_matched']);
    expect(d.trace.some((s) => s.step === 'score')).toBe(true);
  });
});

describe('backend_agent rules', () => {
  it("rule 0: type code_generation → deepseek-coder-33b", async () => {
    const d = await createRouter(seed).route('backend_agent', { type: 'code_generation', complexity: 9 });
    expect(d).toMatchObject({ modelId: 'deepseek-coder-33b', source: 'agent_rule' });
  });
  it('rule 1: complexity > 6 → claude-3-opus', async () => {
    const d = await createRouter(seed).route('backend_agent', { type: 'bug_fix', complexity: 7 });
    expect(d).toMatchObject({ modelId: 'claude-3-opus', source: 'agent_rule' });
  });
  it('rule 2: budget_mode == true (a bare name reads the context) → llama-3-70b', async () => {
    const d = await createRouter(seed).route('backend_agent', { type: 'bug_fix', complexity: 3 }, { budget_mode: true });
    expect(d).toMatchObject({ modelId: 'llama-3-70b', source: 'agent_rule' });
  });
  it('budget_mode as a string is not == true (strict comparison)', async () => {
    const d = await createRouter(seed).route('backend_agent', { type: 'bug_fix', complexity: 3 }, { budget_mode: 'true' as never });
    expect(d.source).toBe('strategy');
  });
});

describe('frontend_agent rules', () => {
  it('rule 0: involves_ui_design → gpt-4-turbo', async () => {
    const d = await createRouter(seed).route('frontend_agent', { involves_ui_design: true });
    expect(d).toMatchObject({ modelId: 'gpt-4-turbo', source: 'agent_rule' });
  });
  it('rule 1: privacy_level high → llama-3-70b', async () => {
    const d = await createRouter(seed).route('frontend_agent', { privacy_level: 'high' });
    expect(d).toMatchObject({ modelId: 'llama-3-70b', source: 'agent_rule' });
  });
  it('rule 0 matches first, but a privacy constraint skips its cloud model', async () => {
    const d = await createRouter(seed).route('frontend_agent', { involves_ui_design: true, privacy_level: 'high', prompt: 'mail me: ann@example.org' });
    expect(d.modelId).toBe('llama-3-70b');
    const skipped = d.trace.find((s) => s.rule === 'routing_rules[0]');
    expect(skipped?.outcome).toBe('skipped');
    expect(skipped?.message).toContain('cloud');
  });
});

describe('qa_agent rules', () => {
  it('rule 0: type test_generation → llama-3-70b', async () => {
    const d = await createRouter(seed).route('qa_agent', { type: 'test_generation' });
    expect(d).toMatchObject({ modelId: 'llama-3-70b', source: 'agent_rule' });
  });
  it('rule 1: requires_reasoning → gpt-4-turbo', async () => {
    const d = await createRouter(seed).route('qa_agent', { type: 'review', requires_reasoning: true });
    expect(d).toMatchObject({ modelId: 'gpt-4-turbo', source: 'agent_rule' });
  });
});

describe('global rules', () => {
  it('privacy_enforcement: PII in the prompt keeps every candidate local', async () => {
    const d = await createRouter(seed).route('cto_agent', { complexity: 9, critical: true, prompt: 'Customer SSN 123-45-6789, please design the schema' });
    expect(d.modelId).toBe('llama-3-70b');
    expect(d.localOnly).toBe(true);
    expect(d.privacyEnforced).toBe(true);
    expect(d.fallbacks.every((id) => LOCAL.has(id))).toBe(true);
    expect(d.verification).toBeUndefined();
    expect(d.trace.find((s) => s.step === 'verification')?.outcome).toBe('skipped');
    expect(d.constraints.join(' ')).toContain('privacy_enforcement');
  });
  it('privacy_enforcement: data.contains_pii given by the task', async () => {
    const d = await createRouter(seed).route('frontend_agent', { involves_ui_design: true, data: { contains_pii: true } });
    expect(LOCAL.has(d.modelId)).toBe(true);
  });
  it('data.contains_pii: false given by the task cannot switch the scan off', async () => {
    const router = createRouter(seed);
    const d = await router.route('frontend_agent', { involves_ui_design: true, prompt: 'mail a@b.co', data: { contains_pii: false } });
    expect(d.modelType).toBe('local');
    expect(d.constraints.join()).toContain('the PII scan found email');
    // Without PII in the text, the same task goes to the cloud.
    expect((await router.route('frontend_agent', { involves_ui_design: true, prompt: 'mail the team', data: { contains_pii: false } })).modelId).toBe('gpt-4-turbo');
  });
  it('quality_assurance: a critical task on a local model gets a cloud verifier', async () => {
    const d = await createRouter(seed).route('qa_agent', { type: 'test_generation', critical: true });
    expect(d.modelId).toBe('llama-3-70b');
    expect(d.verification).toEqual({ modelId: 'gpt-4-turbo', reason: "global rule quality_assurance: task.critical and model.type == 'local'" });
  });
  it('quality_assurance: no verification for a critical task on a cloud model', async () => {
    const d = await createRouter(seed).route('cto_agent', { complexity: 9, critical: true });
    expect(d.modelId).toBe('claude-3-opus');
    expect(d.verification).toBeUndefined();
  });
  it('cost_circuit_breaker: spend above 80% of the budget switches to local only', async () => {
    const clock = manualClock();
    const ledger = new MemoryLedger();
    const production = await loadSeed('production');
    const router = createRouter(production, { ledger, clock });
    const before = await router.route('cto_agent', { complexity: 9 });
    expect(before.modelId).toBe('claude-3-opus');
    ledger.record('2026-11-25', { agentId: 'backend_agent', modelId: 'claude-3-opus', inputTokens: 0, outputTokens: 0, costMicros: 400_000_001, at: clock() });
    const after = await router.route('cto_agent', { complexity: 9 });
    expect(after.modelId).toBe('llama-3-70b');
    expect(after.constraints.join(' ')).toContain('cost_circuit_breaker');
    expect(after.privacyEnforced).toBe(false);
    // The next day starts with a fresh budget.
    clock.advance(24 * 3600_000);
    expect((await router.route('cto_agent', { complexity: 9 })).modelId).toBe('claude-3-opus');
  });
});

describe('strategies', () => {
  it('privacy_first: every agent stays local, with local fallbacks', async () => {
    const router = createRouter(seed);
    for (const agent of ['cto_agent', 'backend_agent', 'frontend_agent', 'qa_agent']) {
      const d = await router.route(agent, { complexity: 9, involves_ui_design: true, requires_reasoning: true }, { routing_strategy: 'privacy_first' });
      expect(LOCAL.has(d.modelId), `${agent} → ${d.modelId}`).toBe(true);
      expect(d.fallbacks.every((id) => LOCAL.has(id))).toBe(true);
      expect(d.verification).toBeUndefined();
    }
  });
  it('cost_optimized: the local alternative, unless the task is complex enough for the cloud', async () => {
    const router = createRouter(seed);
    const routine = await router.route('frontend_agent', { complexity: 4 }, { routing_strategy: 'cost_optimized' });
    expect(routine.modelId).toBe('llama-3-70b');
    expect(routine.reason).toContain('prefers local models');
    const complex = await router.route('frontend_agent', { complexity: 7 }, { routing_strategy: 'cost_optimized' });
    expect(complex.modelType).toBe('cloud');
    expect(complex.reason).toContain('falls back to the cloud');
  });
  it("cost_optimized: the seed's confidence threshold (0.6) sends a medium task the local model is too weak for to the cloud", async () => {
    // confidence = clamp(0.5 + 2 × (quality − complexity / 10)); the seed's local models have quality 0.6.
    const router = createRouter(seed);
    const medium = await router.route('cto_agent', { complexity: 5 }, { routing_strategy: 'cost_optimized' });
    expect(medium).toMatchObject({ modelId: 'llama-3-70b', confidence: 0.7 });
    const harder = await router.route('cto_agent', { complexity: 6 }, { routing_strategy: 'cost_optimized' });
    expect(harder.modelType).toBe('cloud');
    expect(harder.reason).toContain('confidence in llama-3-70b is 0.5 < 0.6');
    // A weaker local model falls under the threshold on a task of complexity 5 already.
    const config = structuredClone({ models: seed.models, agents: seed.agents, routing: seed.routing! });
    config.models['llama-3-70b']!.quality = 0.5;
    const weak = await createRouter(config).route('cto_agent', { complexity: 5 }, { routing_strategy: 'cost_optimized' });
    expect(weak.modelType).toBe('cloud');
    expect(weak.reason).toContain('confidence in llama-3-70b is 0.5 < 0.6');
  });
  it('performance_optimized: the primary cloud model, with the execution hints', async () => {
    const d = await createRouter(seed).route('backend_agent', { type: 'refactor', complexity: 2 }, { routing_strategy: 'performance_optimized' });
    expect(d.modelId).toBe('claude-3-opus');
    expect(d.execution).toEqual({ parallelRequests: true, cacheResponses: true });
  });
  it('balanced: complex tasks to the cloud, routine tasks local', async () => {
    const router = createRouter(seed);
    const complex = await router.route('qa_agent', { type: 'review', complexity: 8 });
    expect(complex.modelType).toBe('cloud');
    const routine = await router.route('frontend_agent', { complexity: 2 });
    expect(routine.modelType).toBe('local');
  });
  it('balanced weighs capability against cost for medium tasks; cost_optimized stays local', async () => {
    const router = createRouter(seed);
    // cto_agent needs architecture_design and complex_reasoning, which only claude-3-opus offers.
    const balanced = await router.route('cto_agent', { complexity: 5 }, { routing_strategy: 'balanced' });
    expect(balanced.modelId).toBe('claude-3-opus');
    const scores = Object.fromEntries(balanced.trace.filter((s) => s.step === 'score').map((s) => [s.modelId, s.score!]));
    expect(scores['claude-3-opus']).toBeGreaterThan(scores['llama-3-70b']!);
    const cheap = await router.route('cto_agent', { complexity: 5 }, { routing_strategy: 'cost_optimized' });
    expect(cheap.modelId).toBe('llama-3-70b');
    // backend_agent's coder model has both of its capabilities and costs nothing: it wins under both.
    expect((await router.route('backend_agent', { type: 'bug_fix', complexity: 5 })).modelId).toBe('deepseek-coder-33b');
  });
  it('budget_mode role: a constrained budget picks the agent\'s budget_mode model', async () => {
    const d = await createRouter(seed).route('backend_agent', { type: 'bug_fix', complexity: 5 }, { cost_limit_reached: true });
    expect(d.modelId).toBe('llama-3-70b');
    expect(d.reason).toContain('budget_mode');
  });
  it('an unknown context strategy is a typed error', async () => {
    await expect(createRouter(seed).route('qa_agent', {}, { routing_strategy: 'fastest' })).rejects.toMatchObject({ code: 'UNKNOWN_STRATEGY' });
  });
});

describe('environments', () => {
  it('development: force_local_models keeps everything local and logs decisions verbosely', async () => {
    const messages: string[] = [];
    const router = createRouter(await loadSeed('development'), { logger: { info: (m) => messages.push(m) } });
    const d = await router.route('cto_agent', { complexity: 9 });
    expect(d.modelId).toBe('llama-3-70b');
    expect(d.constraints[0]).toContain('force_local_models');
    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain('cto_agent → llama-3-70b');
  });
  it('production: max_cloud_spend_per_day is the budget conditions see', async () => {
    // The environment's $500 outranks cost_optimized's own cloud_budget_per_day of $100.
    const production = await router(await loadSeed('production'), 450);
    expect(production.budgetUsd).toBe(500);
    expect(production.constraints.join(' ')).toContain('cost_circuit_breaker');
    const base = await router(seed, 90);
    expect(base.budgetUsd).toBe(100);
    expect(base.constraints.join(' ')).toContain('cost_circuit_breaker');
    // Without a budget (balanced has none), the breaker never trips.
    const none = await createRouter(seed).route('cto_agent', { complexity: 9 });
    expect(none.budgetUsd).toBeUndefined();
    expect(none.localOnly).toBe(false);

    async function router(config: LoadedConfig, spentUsd: number) {
      const clock = manualClock();
      const ledger = new MemoryLedger();
      ledger.record('2026-11-25', { agentId: 'x', modelId: 'claude-3-opus', inputTokens: 0, outputTokens: 0, costMicros: spentUsd * 1e6, at: clock() });
      return createRouter(config, { ledger, clock }).route('cto_agent', { complexity: 9 }, { routing_strategy: 'cost_optimized' });
    }
  });
});

describe('overrides', () => {
  it('setTaskRouting forces a model for one task id, within the hard constraints', async () => {
    const router = createRouter(seed);
    router.overrides.setTaskRouting('task-42', { forceModel: 'claude-3-opus', reason: 'complex architectural decision' });
    const d = await router.route('qa_agent', { id: 'task-42', type: 'test_generation' });
    expect(d).toMatchObject({ modelId: 'claude-3-opus', source: 'task_override', confidence: 1 });
    expect(d.reason).toContain('complex architectural decision');
    const withPii = await router.route('qa_agent', { id: 'task-42', prompt: 'call me on +1 415 555 0132' });
    expect(withPii.modelId).toBe('llama-3-70b');
    expect(withPii.trace.find((s) => s.step === 'task_override')?.outcome).toBe('skipped');
  });
  it("setAgentModel beats the agent's rules and strategy, and expires on the router clock", async () => {
    const clock = manualClock();
    const router = createRouter(seed, { clock });
    router.overrides.setAgentModel('cto_agent', 'qwen-2-72b', { reason: 'privacy', duration: '30m' });
    expect((await router.route('cto_agent', { complexity: 5 })).modelId).toBe('qwen-2-72b');
    // The README's example: a complex task that the agent's rule sends to claude-3-opus stays on the override.
    const complex = await router.route('cto_agent', { complexity: 9 });
    expect(complex).toMatchObject({ modelId: 'qwen-2-72b', source: 'agent_override' });
    expect(complex.trace.find((step) => step.step === 'agent_override')?.message).toContain("comes before the agent's routing rules");
    expect(complex.trace.some((step) => step.step === 'agent_rule')).toBe(false);
    clock.advance(30 * 60_000);
    expect((await router.route('cto_agent', { complexity: 5 })).source).toBe('strategy');
    expect(router.overrides.list().agentModels).toEqual([]);
  });
  it('setStrategy outranks the context and expires after its duration', async () => {
    const clock = manualClock();
    const router = createRouter(seed, { clock });
    router.overrides.setStrategy('privacy_first', { duration: '2h' });
    const d = await router.route('cto_agent', { complexity: 9 }, { routing_strategy: 'performance_optimized' });
    expect(d.strategy).toBe('privacy_first');
    expect(d.modelId).toBe('llama-3-70b');
    clock.advance(2 * 3600_000 - 1);
    expect((await router.route('cto_agent', {})).strategy).toBe('privacy_first');
    clock.advance(1);
    expect((await router.route('cto_agent', {})).strategy).toBe('balanced');
  });
  it('rejects unknown agents, models, strategies and bad durations with typed errors', () => {
    const router = createRouter(seed);
    expect(() => router.overrides.setAgentModel('ceo_agent', 'llama-3-70b')).toThrow(expect.objectContaining({ code: 'UNKNOWN_AGENT' }));
    expect(() => router.overrides.setAgentModel('cto_agent', 'gpt-5')).toThrow(expect.objectContaining({ code: 'UNKNOWN_MODEL' }));
    expect(() => router.overrides.setStrategy('yolo')).toThrow(expect.objectContaining({ code: 'UNKNOWN_STRATEGY' }));
    expect(() => router.overrides.setStrategy('balanced', { duration: 'soon' })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => router.overrides.setTaskRouting('t', { forceModel: 'nope' })).toThrow(expect.objectContaining({ code: 'UNKNOWN_MODEL' }));
    expect(router.overrides.list()).toEqual({ agentModels: [], strategy: undefined, taskRouting: [] });
  });
  it('clear removes an override', async () => {
    const router = createRouter(seed);
    router.overrides.setAgentModel('qa_agent', 'qwen-2-72b');
    expect(router.overrides.clearAgentModel('qa_agent')).toBe(true);
    expect((await router.route('qa_agent', { complexity: 5 })).source).toBe('strategy');
  });
});

describe('errors', () => {
  it('an unknown agent is UnknownAgentError', async () => {
    await expect(createRouter(seed).route('ceo_agent', {})).rejects.toMatchObject({ code: 'UNKNOWN_AGENT', agentId: 'ceo_agent' });
  });
  it('a task that is not an object is InvalidArgumentError', async () => {
    await expect(createRouter(seed).route('qa_agent', 'hello' as never)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
  it('no local model in the registry + PII → NoEligibleModelError, never the cloud', async () => {
    const config = {
      models: { big: { provider: 'openai', type: 'cloud' as const, cost_per_1k_tokens: { input: 1, output: 1 } } },
      agents: { a: { model_preferences: { primary: 'big' } } },
    };
    const error = await createRouter(config).route('a', { prompt: 'my card is 4111 1111 1111 1111' }).catch((e: unknown) => e);
    expect(NoEligibleModelError.isInstance(error)).toBe(true);
    expect((error as NoEligibleModelError).constraints.join(' ')).toContain('PII');
  });
});
