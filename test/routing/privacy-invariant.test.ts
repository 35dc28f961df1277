// Privacy is an invariant: with PII in the data, a local-only privacy level (`high`, in any case)
// or a privacy constraint in force, no cloud model
// appears in modelId, fallbacks or verification — for any task, context, spend, override or model
// health. Checked with fast-check over the seed configuration and its environments.
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileConfig } from '../../src/routing/compile-config.js';
import { decide } from '../../src/routing/decide.js';
import {
  createRouter,
  MemoryLedger,
  NoEligibleModelError,
  type LoadedConfig,
  type ModelLiveState,
  type RoutingDecision,
} from '../../src/index.js';
import { loadSeed, manualClock } from '../helpers/seed.js';

const PII_SNIPPETS = [
  'reach me at jane.doe@example.com',
  'SSN 123-45-6789',
  'card 4111 1111 1111 1111',
  'IBAN DE89 3704 0044 0532 0130 00',
  'call +44 20 7946 0958',
  'key sk-proj-abcdefghijklmnopqrstuvwxyz0123456789',
];
const SAFE_WORDS = ['design', 'the', 'schema', 'for', 'orders', 'refactor', 'tests', 'API', 'version 2.3.1', 'in 2026', 'order #123456'];
const AGENTS = ['cto_agent', 'backend_agent', 'frontend_agent', 'qa_agent'];
const STRATEGIES = ['balanced', 'cost_optimized', 'performance_optimized', 'privacy_first'];

const prompt = (withPii: boolean) =>
  fc
    .tuple(fc.array(fc.constantFrom(...SAFE_WORDS), { maxLength: 8 }), fc.constantFrom(...PII_SNIPPETS), fc.nat(8))
    .map(([words, pii, at]) => {
      if (withPii) words.splice(Math.min(at, words.length), 0, pii);
      return words.join(' ');
    });

const taskArb = fc.record(
  {
    id: fc.constantFrom('t1', 't2', 't3'),
    type: fc.constantFrom('code_generation', 'test_generation', 'review', 'design'),
    complexity: fc.integer({ min: 0, max: 10 }),
    privacy_level: fc.constantFrom('low', 'medium', 'high', 'HIGH', 'High'),
    critical: fc.boolean(),
    involves_ui_design: fc.boolean(),
    requires_reasoning: fc.boolean(),
    estimated_tokens: fc.integer({ min: 1, max: 200_000 }),
  },
  { requiredKeys: [] },
);

const contextArb = fc.record(
  {
    routing_strategy: fc.constantFrom(...STRATEGIES),
    budget_mode: fc.boolean(),
    cost_limit_reached: fc.boolean(),
  },
  { requiredKeys: [] },
);

const scenarioArb = fc.record({
  agent: fc.constantFrom(...AGENTS),
  task: taskArb,
  context: contextArb,
  withPii: fc.boolean(),
  piiVia: fc.constantFrom('prompt', 'data_flag', 'data_text', 'messages'),
  text: fc.boolean().chain((pii) => prompt(pii)),
  environment: fc.constantFrom(undefined, 'production', 'development', 'experiment'),
  spendUsd: fc.double({ min: 0, max: 1000, noNaN: true }),
  strategyOverride: fc.option(fc.constantFrom(...STRATEGIES), { nil: undefined }),
  agentOverride: fc.option(fc.constantFrom('claude-3-opus', 'gpt-4-turbo', 'llama-3-70b', 'qwen-2-72b'), { nil: undefined }),
  taskOverride: fc.option(fc.constantFrom('claude-3-opus', 'gpt-4-turbo', 'deepseek-coder-33b'), { nil: undefined }),
});

const configs: Record<string, LoadedConfig> = {};
beforeAll(async () => {
  configs.base = await loadSeed();
  configs.production = await loadSeed('production');
  configs.development = await loadSeed('development');
  // An A/B experiment whose every variant is a cloud model, for every agent and task.
  configs.experiment = {
    ...configs.base!,
    routing: { ...configs.base!.routing!, experiments: [{ name: 'cloud_ab', variants: [{ model: 'claude-3-opus' }, { model: 'gpt-4-turbo' }] }] },
  };
});

function assertAllLocal(config: LoadedConfig, decision: RoutingDecision): void {
  const type = (id: string) => config.models[id]!.type;
  expect(type(decision.modelId)).toBe('local');
  for (const id of decision.fallbacks) expect(type(id)).toBe('local');
  expect(decision.verification).toBeUndefined();
  expect(decision.localOnly).toBe(true);
}

describe('privacy invariant', () => {
  it('PII or privacy_first never routes to the cloud (route(), random scenarios)', async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb, async (s) => {
        const config = configs[s.environment ?? 'base']!;
        const clock = manualClock();
        const ledger = new MemoryLedger();
        ledger.record('2026-11-25', { agentId: 'x', modelId: 'claude-3-opus', inputTokens: 0, outputTokens: 0, costMicros: Math.round(s.spendUsd * 1e6), at: clock() });
        const router = createRouter(config, { ledger, clock, logger: {} });
        if (s.strategyOverride) router.overrides.setStrategy(s.strategyOverride);
        if (s.agentOverride) router.overrides.setAgentModel(s.agent, s.agentOverride);
        if (s.taskOverride) router.overrides.setTaskRouting(s.task.id ?? 't1', { forceModel: s.taskOverride });

        const task: Record<string, unknown> = { ...s.task, id: s.task.id ?? 't1' };
        const piiText = `${s.text} ${PII_SNIPPETS[0]}`;
        if (s.withPii) {
          if (s.piiVia === 'prompt') task.prompt = piiText;
          else if (s.piiVia === 'data_flag') task.data = { contains_pii: true };
          else if (s.piiVia === 'data_text') task.data = { customer: { note: piiText } };
          else task.messages = [{ role: 'user', content: piiText }];
        }
        const strategy = s.strategyOverride ?? s.context.routing_strategy ?? 'balanced';
        const mustBeLocal = s.withPii || strategy === 'privacy_first' || s.task.privacy_level?.toLowerCase() === 'high';

        let decision: RoutingDecision;
        try {
          decision = await router.route(s.agent, task, s.context);
        } catch (error) {
          // Refusing is allowed; leaking is not. The seed always has a local model, so this should not happen.
          expect(NoEligibleModelError.isInstance(error)).toBe(true);
          return;
        }
        if (mustBeLocal) {
          assertAllLocal(config, decision);
          expect(decision.privacyEnforced).toBe(true);
        }
      }),
      { numRuns: 400 },
    );
  });

  it('holds when models are unavailable or near their rate limits (decide(), random live state)', () => {
    const compiled = compileConfig(configs.base!);
    const modelIds = [...compiled.models.keys()];
    const liveArb = fc.record({ available: fc.boolean(), rate_limit_approaching: fc.boolean(), load: fc.double({ min: 0, max: 1, noNaN: true }) });
    fc.assert(
      fc.property(scenarioArb, fc.array(liveArb, { minLength: modelIds.length, maxLength: modelIds.length }), (s, lives) => {
        const modelStates = new Map<string, ModelLiveState>(
          modelIds.map((id, i) => [id, { ...lives[i]!, requests_last_minute: 0, tokens_last_minute: 0, availableAt: lives[i]!.available ? undefined : 1 }]),
        );
        const strategy = s.context.routing_strategy ?? 'balanced';
        try {
          const decision = decide(compiled, s.agent, { ...s.task, data: { contains_pii: s.withPii } }, s.context, {
            now: 0,
            strategy,
            strategySource: 'context',
            dailyCostUsd: s.spendUsd,
            agentDailyCostUsd: 0,
            budgetUsd: 500,
            containsPii: undefined,
            inputTokens: 100,
            outputTokens: 100,
            modelStates,
          });
          expect(modelStates.get(decision.modelId)!.available).toBe(true);
          for (const id of decision.fallbacks) expect(modelStates.get(id)!.available).toBe(true);
          if (s.withPii || strategy === 'privacy_first' || s.task.privacy_level?.toLowerCase() === 'high') assertAllLocal(configs.base!, decision);
        } catch (error) {
          expect(NoEligibleModelError.isInstance(error)).toBe(true);
          const local = modelIds.filter((id) => compiled.models.get(id)!.type === 'local');
          // Refused only when every model the constraints allow is down.
          const localOnly = s.withPii || strategy === 'privacy_first' || s.task.privacy_level?.toLowerCase() === 'high' || s.spendUsd > 500 * 0.8;
          const allowed = localOnly ? local : modelIds;
          expect(allowed.every((id) => !modelStates.get(id)!.available)).toBe(true);
        }
      }),
      { numRuns: 400 },
    );
  });
});
