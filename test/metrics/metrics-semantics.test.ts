// What router.metrics() promises about fallbacks (src/metrics/router-metrics.ts):
// - `fallback_trigger_rate` is over decisions: (decisions a rate-limit rule moved, or whose call a
//   fallback served) / decisions, a decision counting once even when both happened;
// - `model_usage_by_agent` counts the model that served the request (a fallback when one did), and
//   for `route()` alone the model decided.
import { beforeAll, describe, expect, it } from 'vitest';
import { createRouter, MemoryLedger, type LoadedConfig, type RouterConfigInput } from 'llm-agent-router';
import { createMockProvider, type MockProvider, type MockReply, type MockResponses } from 'llm-agent-router/test';
import { loadSeed, manualClock } from '../helpers/seed.js';

let seed: LoadedConfig;
beforeAll(async () => {
  seed = await loadSeed();
});

const NO_RETRY = { retries: 0, minTimeoutMs: 0, maxTimeoutMs: 0, randomize: false } as const;
const ask = (content = 'Design the payment service.') => ({ messages: [{ role: 'user' as const, content }] });
const ok = (text: string): MockReply => ({ text, usage: { inputTokens: 10, outputTokens: 10 } });
const unavailable: MockReply = { error: { status: 503 } };

/** One mock per model of `config`, a manual clock, no waiting and no retries. */
function mockedRouter(config: LoadedConfig | RouterConfigInput, scripts: Partial<Record<string, MockResponses>> = {}) {
  const clock = manualClock();
  const mocks: Record<string, MockProvider> = {};
  for (const [id, model] of Object.entries(config.models)) {
    mocks[id] = createMockProvider({ name: model.provider, responses: scripts[id] ?? ok(`answer from ${id}`), clock, sleep: async () => {} });
  }
  const router = createRouter(config, { ledger: new MemoryLedger(), clock, sleep: async () => {}, providers: mocks, retry: NO_RETRY, logger: {} });
  return { router, mocks, clock };
}

// The seed's cto_agent sends a complexity-9 task to claude-3-opus, then falls back to gpt-4-turbo.
const COMPLEX = { task: { complexity: 9 } };

describe('metrics(): fallback_trigger_rate is over decisions', () => {
  it('3 complete() calls, 1 served by a fallback after a 503 → exactly 1/3', async () => {
    // claude-3-opus answers the first two calls and fails the third with a 503.
    const { router, mocks } = mockedRouter(seed, { 'claude-3-opus': [ok('one'), ok('two'), unavailable] });
    const results = [];
    for (let i = 0; i < 3; i++) results.push(await router.complete('cto_agent', ask(), COMPLEX));
    expect(results.map((r) => r.decision.modelId)).toEqual(['claude-3-opus', 'claude-3-opus', 'claude-3-opus']);
    expect(results.map((r) => r.modelId)).toEqual(['claude-3-opus', 'claude-3-opus', 'gpt-4-turbo']);
    expect(results.map((r) => r.usedFallback)).toEqual([false, false, true]);
    expect(mocks['claude-3-opus']!.calls).toHaveLength(3);

    const metrics = await router.metrics();
    expect(metrics.decisions).toBe(3);
    // No rate-limit rule moved any of them: the one trigger is the fallback.
    expect(metrics.decisions_by_source.global_rule).toBeUndefined();
    expect(metrics.fallback_trigger_rate).toBeCloseTo(1 / 3, 4);
    expect(metrics.fallback_trigger_rate).toBe(0.3333);
  });

  it('calls served by the decided model trigger nothing: the rate stays 0', async () => {
    const { router } = mockedRouter(seed);
    for (let i = 0; i < 3; i++) await router.complete('cto_agent', ask(), COMPLEX);
    expect((await router.metrics()).fallback_trigger_rate).toBe(0);
  });

  it('route() decisions count in the denominator: 1 fallback-served call among 4 decisions → 1/4', async () => {
    const { router } = mockedRouter(seed, { 'claude-3-opus': unavailable });
    await router.route('cto_agent', COMPLEX.task);
    await router.route('cto_agent', COMPLEX.task);
    await router.route('cto_agent', COMPLEX.task);
    const result = await router.complete('cto_agent', ask(), COMPLEX);
    expect(result).toMatchObject({ modelId: 'gpt-4-turbo', usedFallback: true });
    const metrics = await router.metrics();
    expect(metrics.decisions).toBe(4);
    expect(metrics.fallback_trigger_rate).toBe(0.25);
  });
});

/**
 * `primary` allows 4 requests a minute and counts as "approaching" at half of that, so after two
 * requests `rate_limit_protection` moves decisions to `backup`.
 */
const rateLimited: RouterConfigInput = {
  models: {
    primary: { provider: 'p', type: 'cloud', cost_per_1k_tokens: { input: 0.001, output: 0.001 }, rate_limits: { requests_per_minute: 4 } },
    backup: { provider: 'b', type: 'cloud', cost_per_1k_tokens: { input: 0.001, output: 0.001 } },
  },
  agents: { worker: { model_preferences: { primary: 'primary', fallback: 'backup' } } },
  routing: {
    default_strategy: 'cloud_first',
    strategies: { cloud_first: { rules: [{ prefer_cloud_models: true }] } },
    rate_limit_threshold: 0.5,
    global_rules: [{ name: 'rate_limit_protection', condition: 'model.rate_limit_approaching', action: 'switch_to_fallback' }],
  },
};

describe('metrics(): decisions a rate-limit rule moved', () => {
  it('a decision moved by rate_limit_protection counts as a trigger: 1 of 3 decisions', async () => {
    const { router, mocks } = mockedRouter(rateLimited);
    const first = await router.complete('worker', ask());
    const second = await router.complete('worker', ask());
    expect([first.modelId, second.modelId]).toEqual(['primary', 'primary']);
    expect(router.modelState('primary')).toMatchObject({ rate_limit_approaching: true, available: true });

    const third = await router.complete('worker', ask());
    expect(third.decision).toMatchObject({ modelId: 'backup', source: 'global_rule' });
    // Served by the model decided: the rule moved it, no fallback served it.
    expect(third).toMatchObject({ modelId: 'backup', usedFallback: false });
    expect(mocks.primary!.calls).toHaveLength(2);

    const metrics = await router.metrics();
    expect(metrics.decisions).toBe(3);
    expect(metrics.decisions_by_source).toEqual({ strategy: 2, global_rule: 1 });
    expect(metrics.fallback_trigger_rate).toBe(0.3333);
  });

  it('a moved decision whose call a fallback then served counts once, not twice', async () => {
    // backup fails with a 503, so the call falls back to primary (still available, only approaching).
    const { router } = mockedRouter(rateLimited, { backup: unavailable });
    await router.complete('worker', ask());
    await router.complete('worker', ask());
    const third = await router.complete('worker', ask());
    expect(third.decision).toMatchObject({ modelId: 'backup', source: 'global_rule' });
    expect(third).toMatchObject({ modelId: 'primary', usedFallback: true });
    const metrics = await router.metrics();
    expect(metrics.decisions).toBe(3);
    expect(metrics.fallback_trigger_rate).toBe(0.3333);
    expect(metrics.model_usage_by_agent).toEqual({ worker: { primary: 3 } });
  });
});

describe('metrics(): model_usage_by_agent counts the model that served', () => {
  it('a call a fallback served counts for the fallback, not for the model decided', async () => {
    const { router } = mockedRouter(seed, { 'claude-3-opus': [ok('one'), ok('two'), unavailable] });
    for (let i = 0; i < 3; i++) await router.complete('cto_agent', ask(), COMPLEX);
    expect((await router.metrics()).model_usage_by_agent).toEqual({ cto_agent: { 'claude-3-opus': 2, 'gpt-4-turbo': 1 } });
  });

  it('a model whose only decision a fallback served drops out of the usage', async () => {
    const { router } = mockedRouter(seed, { 'claude-3-opus': unavailable });
    const result = await router.complete('cto_agent', ask(), COMPLEX);
    expect(result.decision.modelId).toBe('claude-3-opus');
    expect(result.modelId).toBe('gpt-4-turbo');
    expect((await router.metrics()).model_usage_by_agent).toEqual({ cto_agent: { 'gpt-4-turbo': 1 } });
  });

  it('route() alone counts the model decided', async () => {
    // Even with claude-3-opus scripted to fail: route() never calls it.
    const { router, mocks } = mockedRouter(seed, { 'claude-3-opus': unavailable });
    const decision = await router.route('cto_agent', COMPLEX.task);
    expect(decision.modelId).toBe('claude-3-opus');
    expect(mocks['claude-3-opus']!.calls).toHaveLength(0);
    const metrics = await router.metrics();
    expect(metrics.model_usage_by_agent).toEqual({ cto_agent: { 'claude-3-opus': 1 } });
    expect(metrics.fallback_trigger_rate).toBe(0);
  });

  it('route() and a fallback-served complete() together: each counts for its own model', async () => {
    const { router } = mockedRouter(seed, { 'claude-3-opus': unavailable });
    await router.route('cto_agent', COMPLEX.task);
    await router.complete('cto_agent', ask(), COMPLEX);
    const metrics = await router.metrics();
    expect(metrics.model_usage_by_agent).toEqual({ cto_agent: { 'claude-3-opus': 1, 'gpt-4-turbo': 1 } });
    expect(metrics.fallback_trigger_rate).toBe(0.5);
  });
});
