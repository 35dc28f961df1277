// The hard constraints a request brings with it — the features it needs, the context it fills —
// and the typed flags they leave on the decision (nothing reads a message's wording).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRouter, type RouterConfigInput } from '../../src/index.js';
import { compileConfig } from '../../src/routing/compile-config.js';
import { decide } from '../../src/routing/decide.js';
import type { RoutingState } from '../../src/routing/types.js';
import { createMockProvider } from '../../src/test.js';

const config: RouterConfigInput = {
  models: {
    big: { provider: 'openai', type: 'cloud', context_window: 128_000, cost_per_1k_tokens: { input: 0.01, output: 0.03 } },
    small: { provider: 'openai', type: 'cloud', context_window: 8_000, cost_per_1k_tokens: { input: 0.001, output: 0.002 }, supports: { images: false, json_schema: false } },
    plain: { provider: 'local', type: 'local', supports: { tools: false, images: false, files: false, json_schema: false } },
    vision: { provider: 'local', type: 'local', supports: { tools: false } },
  },
  agents: { a: { model_preferences: { primary: 'small', fallback: 'big', local_alternative: 'plain', vision: 'vision' } } },
  routing: { default_strategy: 'cloudy', strategies: { cloudy: { rules: [{ required_model_type: 'cloud' }, { dynamic_routing: false }] } } },
};
const compiled = compileConfig(config);
const NONE = { tools: false, images: false, files: false, jsonSchema: false };

function state(extra: Partial<RoutingState> = {}): RoutingState {
  return { now: 0, strategy: 'balanced', strategySource: 'default', dailyCostUsd: 0, agentDailyCostUsd: 0, budgetUsd: undefined, containsPii: false, inputTokens: 1000, outputTokens: 500, ...extra };
}

describe('what the request needs is a hard constraint', () => {
  it('a model without the feature is skipped, with the reason in the trace; without the need it is chosen', () => {
    const plain = decide(compiled, 'a', {}, {}, state({ strategy: 'cost_optimized', requires: NONE }));
    expect(plain.modelId).toBe('plain');
    const tools = decide(compiled, 'a', {}, {}, state({ strategy: 'cost_optimized', requires: { ...NONE, tools: true } }));
    expect(tools.modelId).not.toBe('plain');
    expect([tools.modelId, ...tools.fallbacks]).not.toContain('plain');
    expect([tools.modelId, ...tools.fallbacks]).not.toContain('vision');
    expect(tools.trace).toContainEqual(expect.objectContaining({ outcome: 'skipped', modelId: 'plain', message: 'plain skipped: the request needs tool calling, which it does not support' }));
  });

  it.each([
    ['images', 'image input', 'small'],
    ['jsonSchema', 'JSON-schema output', 'small'],
    ['files', 'file input', 'plain'],
  ] as const)('needing %s skips the models that say they cannot (%s)', (feature, words, excluded) => {
    const d = decide(compiled, 'a', {}, {}, state({ requires: { ...NONE, [feature]: true } }));
    expect([d.modelId, ...d.fallbacks]).not.toContain(excluded);
    expect(d.trace.some((step) => step.modelId === excluded && step.message.includes(words))).toBe(true);
  });

  it('a task override or a rule to a model that cannot serve the request is skipped, never obeyed', () => {
    const d = decide(compiled, 'a', { force_model: 'plain' }, {}, state({ requires: { ...NONE, tools: true } }));
    expect(d.modelId).not.toBe('plain');
    expect(d.trace.find((step) => step.step === 'task_override')).toMatchObject({ outcome: 'skipped', message: expect.stringContaining('tool calling') });
  });

  it('a context window smaller than input + output limit is skipped', () => {
    const fits = decide(compiled, 'a', {}, {}, state({ inputTokens: 7_000, outputLimit: 500 }));
    expect([fits.modelId, ...fits.fallbacks]).toContain('small');
    const tooBig = decide(compiled, 'a', {}, {}, state({ inputTokens: 7_000, outputLimit: 2_000 }));
    expect([tooBig.modelId, ...tooBig.fallbacks]).not.toContain('small');
    expect(tooBig.trace).toContainEqual(expect.objectContaining({ modelId: 'small', message: 'small skipped: the request needs 9000 tokens of context and it holds 8000' }));
  });

  it('through complete(): maxTokens counts against the context window, and the request routes around it', async () => {
    const mocks = { openai: createMockProvider({ name: 'openai' }), local: createMockProvider({ name: 'local' }) };
    const router = createRouter(config, { providers: mocks, logger: {} });
    const text = 'x'.repeat(4 * 7_000);
    const roomy = await router.complete('a', { messages: [{ role: 'user', content: text }], maxTokens: 500 });
    expect(roomy.modelId).toBe('small');
    const long = await router.complete('a', { messages: [{ role: 'user', content: text }], maxTokens: 4_000 });
    expect(long.modelId).toBe('big');
  });
});

describe('typed flags on the decision', () => {
  it('cloudOnly is set by a strategy that requires cloud models, and localOnly by privacy; never both from one strategy', () => {
    const cloudy = decide(compiled, 'a', {}, {}, state({ strategy: 'cloudy' }));
    expect(cloudy).toMatchObject({ cloudOnly: true, localOnly: false, modelType: 'cloud' });
    const privateTask = decide(compiled, 'a', { privacy_level: 'HIGH' }, {}, state());
    expect(privateTask).toMatchObject({ cloudOnly: false, localOnly: true, privacyEnforced: true, modelType: 'local' });
    const balanced = decide(compiled, 'a', {}, {}, state());
    expect(balanced).toMatchObject({ cloudOnly: false, localOnly: false });
  });

  it('a cloud-only decision never degrades to local models when the budget refuses (complete())', async () => {
    const budgeted: RouterConfigInput = { ...config, routing: { ...config.routing!, budget: { daily: 0.000001 } } };
    const local = createMockProvider({ name: 'local' });
    const router = createRouter(budgeted, { providers: { openai: createMockProvider({ name: 'openai' }), local }, logger: {} });
    await expect(router.complete('a', { messages: [{ role: 'user', content: 'x'.repeat(4000) }] }, { task: { complexity: 9 } })).rejects.toMatchObject({ code: 'BUDGET_EXCEEDED' });
    expect(local.calls).toEqual([]);
  });
});

describe('complexity is inferred when the task gives none', () => {
  it('from the token count and what the request needs, shown in the trace; a given complexity is used as it is', async () => {
    const { loadSeed } = await import('../helpers/seed.js');
    const router = createRouter(await loadSeed(), { logger: {} });
    const large = await router.route('frontend_agent', { estimated_tokens: 50_000 });
    expect(large.trace).toContainEqual(expect.objectContaining({ step: 'input', message: 'complexity 7 inferred from 50000 input tokens (the task gives none)' }));
    expect(large.modelType).toBe('cloud');
    expect(large.reason).toContain('complex task (complexity 7 ≥ 7)');
    const small = await router.route('frontend_agent', { prompt: 'Fix the typo in the footer.' });
    expect(small.trace).toContainEqual(expect.objectContaining({ step: 'input', message: expect.stringContaining('complexity 2 inferred from') }));
    expect(small.modelType).toBe('local');
    // Without any size the complexity stays unknown (no complex or routine pool), and a given one wins.
    expect((await router.route('frontend_agent', {})).trace.some((step) => step.step === 'input')).toBe(false);
    expect((await router.route('frontend_agent', { complexity: 1, estimated_tokens: 50_000 })).modelType).toBe('local');
  });

  it('tools and images add to it', () => {
    const base = state({ inputTokens: 1000, inputTokensSource: 'text' });
    const plain = decide(compiled, 'a', {}, {}, base);
    const needs = decide(compiled, 'a', {}, {}, { ...base, requires: { tools: true, images: true, files: false, jsonSchema: true } });
    const inferred = (d: typeof plain) => Number(/complexity ([\d.]+) inferred/.exec(d.trace.find((s) => s.step === 'input')!.message)![1]);
    expect(inferred(plain)).toBe(3);
    expect(inferred(needs)).toBe(5.5);
  });
});

describe('cost counts on an absolute scale', () => {
  it('a $0.04 task and a $3.30 task score apart, whatever else is a candidate', () => {
    const priced: RouterConfigInput = {
      models: {
        cheap: { provider: 'p', type: 'cloud', cost_per_1k_tokens: { input: 0.01, output: 0.06 } },
        dear: { provider: 'p', type: 'cloud', cost_per_1k_tokens: { input: 0.825, output: 4.95 } },
      },
      agents: { a: { model_preferences: { primary: 'cheap' } }, b: { model_preferences: { primary: 'dear' } } },
    };
    const c = compileConfig(priced);
    const costOf = (agent: string) => {
      const d = decide(c, agent, {}, {}, state({ inputTokens: 1000, outputTokens: 500 }));
      return d.trace.find((s) => s.step === 'score')!.factors!['cost_efficiency']!;
    };
    // Alone among the candidates, each was once scored 0 (the priciest); now $0.04 → 0.556, $3.30 → 0.015.
    expect(costOf('a')).toBeCloseTo(0.05 / (0.05 + 0.04), 3);
    expect(costOf('b')).toBeCloseTo(0.05 / (0.05 + 3.3), 3);
  });
});

describe('the candidates are exactly the eligible preferred models', () => {
  // decide() takes every preferred model as a candidate at once when nothing can rule one out (no
  // constraint, no need, no live state, the request within the smallest window), else checks each.
  // Either way the decision's models must be the preferred models that may serve, in order.
  const windows = fc.array(fc.option(fc.integer({ min: 1_000, max: 20_000 }), { nil: undefined }), { minLength: 1, maxLength: 5 });
  it('for any context windows, request size, strategy and live state', () => {
    fc.assert(
      fc.property(
        windows,
        fc.integer({ min: 0, max: 25_000 }),
        fc.option(fc.integer({ min: 0, max: 5_000 }), { nil: undefined }),
        fc.constantFrom('balanced', 'cost_optimized', 'privacy_first', 'performance_optimized'),
        fc.option(fc.nat(4), { nil: undefined }),
        (sizes, inputTokens, outputLimit, strategy, busy) => {
          const ids = sizes.map((_, i) => `m${i}`);
          const models = Object.fromEntries(
            sizes.map((size, i) => [ids[i]!, { provider: 'mock', type: i % 2 ? ('local' as const) : ('cloud' as const), ...(size === undefined ? {} : { context_window: size }) }]),
          );
          const roles = Object.fromEntries(ids.map((id, i) => [i === 0 ? 'primary' : `role_${i}`, id]));
          const compiledHere = compileConfig({ models, agents: { a: { model_preferences: roles } } });
          // A model with a live state that is unavailable: never a candidate.
          const modelStates =
            busy === undefined || busy >= ids.length
              ? undefined
              : new Map([[ids[busy]!, { available: false, rate_limit_approaching: false, requests_last_minute: 0, tokens_last_minute: 0, load: 0 }]]);
          const given = state({ strategy, inputTokens, outputLimit, modelStates: modelStates as RoutingState['modelStates'] });
          const needed = inputTokens + (outputLimit ?? 0);
          const localOnly = strategy === 'privacy_first';
          const eligible = ids.filter((id, i) => (sizes[i] === undefined || needed <= sizes[i]!) && !(localOnly && i % 2 === 0) && ids[busy ?? -1] !== id);
          if (eligible.length === 0) return;
          const d = decide(compiledHere, 'a', {}, {}, given);
          expect([d.modelId, ...d.fallbacks].sort()).toEqual([...eligible].sort());
        },
      ),
      { numRuns: 400 },
    );
  });
});
