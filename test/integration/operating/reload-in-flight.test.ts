// router.reload against calls in flight, fallback chains naming models the reload removes, the
// rate windows and breakers it must carry over, and what the router reports after it.
import { beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, createRouter, loadConfig, UnknownAgentError, type LoadedConfig, type RouterChangeEvent, type RouterConfigInput } from '../../../src/index.js';
import { createMockProvider } from '../../../src/test.js';
import { loadSeed, manualClock, SEED_DIR } from '../../helpers/seed.js';
import { plain, REQUEST, sleep, stripModel } from './operating-helpers.js';

let seed: LoadedConfig;
beforeAll(async () => {
  seed = await loadSeed();
});

/** Every agent's first rule picks `model` for `task.type == "probe"`. */
function probeTo(model: string): RouterConfigInput {
  const config = plain(seed);
  for (const agent of Object.values(config.agents)) agent.routing_rules = [{ condition: 'task.type == "probe"', model }];
  return config;
}

describe('reload with calls in flight', () => {
  it('an in-flight complete() falls back along its old chain to a model the reload removed', async () => {
    // anthropic fails slowly; openai (gpt-4-turbo) answers. The reload removes gpt-4-turbo mid-call.
    const anthropic = createMockProvider({ responses: { latencyMs: 40, error: { status: 500 } } });
    const openai = createMockProvider();
    const local = createMockProvider();
    const router = createRouter(probeTo('claude-3-opus'), { retry: { retries: 0 }, providers: { anthropic, openai, local } });
    const decision = await router.explain('frontend_agent', { type: 'probe' });
    expect(decision.modelId).toBe('claude-3-opus');
    expect(decision.fallbacks).toContain('gpt-4-turbo');

    const call = router.complete('frontend_agent', REQUEST, { task: { type: 'probe' } });
    await sleep(10);
    expect(anthropic.calls).toHaveLength(1);
    router.reload(stripModel(probeTo('claude-3-opus'), 'gpt-4-turbo', 'claude-3-opus'));
    expect(router.modelIds()).not.toContain('gpt-4-turbo');
    expect(router.modelState('gpt-4-turbo')).toBeUndefined();

    const result = await call;
    expect(result.usedFallback).toBe(true);
    expect(result.modelId).toBe(decision.fallbacks.find((id) => id !== 'claude-3-opus' && openai.calls.length > 0) ?? result.modelId);
    expect(openai.calls.length + local.calls.length).toBe(1);
    // The failure of the model that is still configured is kept in its window.
    expect(router.modelState('claude-3-opus')).toBeDefined();
    // And the spend of the served call is booked (no removed-model crash on booking).
    expect((await router.budget()).calls).toBe(1);
  });

  it('an in-flight stream() on a model the reload removes runs to its finish part', async () => {
    const slow = createMockProvider({ responses: { text: 'a b c d', streamChunks: ['a ', 'b ', 'c ', 'd'], latencyMs: 20 } });
    const router = createRouter(probeTo('claude-3-opus'), { providers: { anthropic: slow, openai: slow, local: slow } });
    const parts: string[] = [];
    const iterator = router.stream('frontend_agent', REQUEST, { task: { type: 'probe' } });
    const first = await iterator.next();
    parts.push((first.value as { type: string }).type);
    router.reload(stripModel(probeTo('claude-3-opus'), 'claude-3-opus'));
    for await (const part of iterator) parts.push(part.type);
    expect(parts[0]).toBe('start');
    expect(parts.at(-1)).toBe('finish');
    expect((await router.route('frontend_agent', { type: 'probe' })).modelId).toBe('gpt-4-turbo');
  });

  it('many concurrent complete() calls interleaved with reloads that add and remove a model all resolve on a model of their own generation', async () => {
    const mock = createMockProvider({ responses: { latencyMs: 3 } });
    const router = createRouter(probeTo('claude-3-opus'), { providers: { anthropic: mock, openai: mock, local: mock } });
    const withOpus = probeTo('claude-3-opus');
    const withoutOpus = stripModel(probeTo('claude-3-opus'), 'claude-3-opus');
    const calls: Promise<{ modelId: string }>[] = [];
    for (let round = 0; round < 30; round++) {
      for (let i = 0; i < 5; i++) calls.push(router.complete('frontend_agent', REQUEST, { task: { type: 'probe' } }));
      router.reload(round % 2 === 0 ? withoutOpus : withOpus);
      await sleep(1);
    }
    const results = await Promise.allSettled(calls);
    const rejected = results.filter((r) => r.status === 'rejected');
    expect(rejected).toEqual([]);
    // Each served by a model configured in some generation (never an unknown id).
    for (const r of results) if (r.status === 'fulfilled') expect(seed.models).toHaveProperty([r.value.modelId]);
    expect((await router.budget()).calls).toBe(150);
  });
});

describe('reload keeps windows and breakers', () => {
  it('a lowered rate limit applies to the requests already counted in the window', async () => {
    const clock = manualClock();
    const mock = createMockProvider({ clock });
    const router = createRouter(probeTo('gpt-4-turbo'), { clock, providers: { anthropic: mock, openai: mock, local: mock } });
    for (let i = 0; i < 5; i++) await router.complete('frontend_agent', REQUEST, { task: { type: 'probe' } });
    expect(router.modelState('gpt-4-turbo')!.requests_last_minute).toBe(5);
    const tighter = probeTo('gpt-4-turbo');
    tighter.models['gpt-4-turbo']!.rate_limits = { requests_per_minute: 5, tokens_per_minute: 150000 };
    router.reload(tighter);
    const state = router.modelState('gpt-4-turbo')!;
    expect(state.requests_last_minute).toBe(5);
    expect(state.available).toBe(false);
    expect(state.unavailableReason).toBe('rate_limited');
    const next = await router.route('frontend_agent', { type: 'probe' });
    expect(next.modelId).not.toBe('gpt-4-turbo');
    clock.advance(61_000);
    expect(router.modelState('gpt-4-turbo')!.available).toBe(true);
  });

  it('an open circuit stays open across a reload that keeps the model, and a re-added model starts closed', async () => {
    const clock = manualClock();
    const failing = createMockProvider({ clock, responses: { error: { status: 500 } } });
    const ok = createMockProvider({ clock });
    const router = createRouter(probeTo('claude-3-opus'), { clock, retry: { retries: 0 }, circuitBreaker: { consecutiveFailures: 2 }, providers: { anthropic: failing, openai: ok, local: ok } });
    for (let i = 0; i < 3; i++) await router.complete('frontend_agent', REQUEST, { task: { type: 'probe' } });
    expect(router.modelState('claude-3-opus')!.unavailableReason).toBe('circuit_open');
    router.reload(probeTo('claude-3-opus'));
    expect(router.modelState('claude-3-opus')!.unavailableReason).toBe('circuit_open');
    router.reload(stripModel(probeTo('claude-3-opus'), 'claude-3-opus'));
    router.reload(probeTo('claude-3-opus'));
    expect(router.modelState('claude-3-opus')!.available).toBe(true);
  });
});

describe('what the router reports after a reload', () => {
  it('config, warnings, environment, ids follow the new configuration; a failed reload changes none of them', async () => {
    const production = await loadConfig(SEED_DIR, { environment: 'production' });
    const router = createRouter(production);
    expect(router.environment).toBe('production');
    const events: RouterChangeEvent[] = [];
    router.onChange((event) => events.push(event));
    const development = await loadConfig(SEED_DIR, { environment: 'development' });
    router.reload(development);
    expect(router.environment).toBe('development');
    expect(router.config).toEqual(createRouter(development).config);
    expect(router.warnings).toEqual(development.warnings);
    expect(events[0]).toMatchObject({ type: 'config_reloaded', environment: 'development' });

    const broken = probeTo('no-such-model');
    const before = { config: router.config, env: router.environment, models: router.modelIds(), agents: router.agentIds() };
    expect(() => router.reload(broken)).toThrow(ConfigError);
    expect(router.config).toBe(before.config);
    expect(router.environment).toBe(before.env);
    expect(router.modelIds()).toEqual(before.models);
    expect(events).toHaveLength(1);

    router.reload(probeTo('gpt-4-turbo'));
    expect(router.environment).toBeUndefined();
    expect(() => router.reload(null as unknown as RouterConfigInput)).toThrow();
    expect(() => router.reload('x' as unknown as RouterConfigInput)).toThrow();
    expect(router.modelIds()).toContain('gpt-4-turbo');
  });

  it('mutating router.config does not change routing, and mutating the config passed to reload afterwards does not either', async () => {
    const input = probeTo('gpt-4-turbo');
    const router = createRouter(probeTo('claude-3-opus'));
    router.reload(input);
    input.agents.frontend_agent!.routing_rules![0]!.model = 'claude-3-opus';
    expect((await router.route('frontend_agent', { type: 'probe' })).modelId).toBe('gpt-4-turbo');
  });

  it('a reload that removes an agent drops its agent override and the agent stops routing with UnknownAgentError; explain throws the same', async () => {
    const router = createRouter(plain(seed));
    const events: RouterChangeEvent[] = [];
    router.onChange((event) => events.push(event));
    router.overrides.setAgentModel('qa_agent', 'gpt-4-turbo');
    const without = plain(seed);
    delete (without.agents as Record<string, unknown>).qa_agent;
    const result = router.reload(without);
    expect(result.droppedOverrides).toHaveLength(1);
    expect(events.map((e) => e.type)).toEqual(['config_reloaded', 'override_dropped']);
    await expect(router.route('qa_agent')).rejects.toBeInstanceOf(UnknownAgentError);
    await expect(router.explain('qa_agent')).rejects.toBeInstanceOf(UnknownAgentError);
    await expect(router.explain('nope', {})).rejects.toBeInstanceOf(UnknownAgentError);
    await expect(router.route('nope', {})).rejects.toBeInstanceOf(UnknownAgentError);
  });

  // An override that ran out before a reload expires; only overrides still in force are reported as dropped.
  it('a reload does not report an already-expired override as dropped by it', async () => {
    const clock = manualClock();
    const router = createRouter(probeTo('claude-3-opus'), { clock });
    const changes: string[] = [];
    router.overrides.onChange((change) => changes.push(change.action));
    router.overrides.setTaskRouting('t-old', { forceModel: 'claude-3-opus', duration: '1s' });
    clock.advance(5_000);
    const result = router.reload(stripModel(probeTo('claude-3-opus'), 'claude-3-opus'));
    expect(result.droppedOverrides).toEqual([]);
    expect(changes).toEqual(['set', 'expire']);
  });

  it('a reload that removes a strategy in force drops the strategy override, and budget() then reports the default', async () => {
    const router = createRouter(plain(seed));
    const withCustom = plain(seed);
    (withCustom.routing!.strategies as Record<string, unknown>).night_shift = { description: 'custom', rules: [{ prefer_local_models: true }] };
    router.reload(withCustom);
    router.overrides.setStrategy('night_shift');
    expect((await router.budget()).strategy).toBe('night_shift');
    const without = plain(seed);
    const result = router.reload(without);
    expect(result.droppedOverrides.map((o) => o.kind)).toEqual(['strategy']);
    expect((await router.budget()).strategy).toBe(router.config.routing!.default_strategy ?? (await router.budget()).strategy);
    expect(router.overrides.list().strategy).toBeUndefined();
  });
});
