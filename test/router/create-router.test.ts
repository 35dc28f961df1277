import { describe, expect, it } from 'vitest';
import { createRouter, RouterError, type RoutingDecision } from '../../src/index.js';
import { loadSeed, manualClock } from '../helpers/seed.js';

describe('createRouter', () => {
  it('emits a decision event per route() and unsubscribes', async () => {
    const router = createRouter(await loadSeed());
    const seen: RoutingDecision[] = [];
    const off = router.on((event) => seen.push(event.decision));
    await router.route('qa_agent', { type: 'test_generation' });
    off();
    await router.route('qa_agent', { type: 'test_generation' });
    expect(seen.map((d) => d.modelId)).toEqual(['llama-3-70b']);
  });

  it('a listener that throws does not break routing', async () => {
    const warnings: string[] = [];
    const router = createRouter(await loadSeed(), { logger: { warn: (m) => warnings.push(m) } });
    router.on(() => {
      throw new Error('listener bug');
    });
    await expect(router.route('qa_agent', {})).resolves.toMatchObject({ agentId: 'qa_agent' });
    expect(warnings[0]).toContain('listener threw');
  });

  it('metrics count decisions per agent, strategy, source and privacy activations', async () => {
    const router = createRouter(await loadSeed());
    await router.route('cto_agent', { complexity: 9 });
    await router.route('cto_agent', { complexity: 9, prompt: 'ssn 123-45-6789' });
    await router.route('qa_agent', { type: 'test_generation', critical: true }, { routing_strategy: 'cost_optimized' });
    const metrics = await router.metrics();
    expect(metrics.decisions).toBe(3);
    expect(metrics.model_usage_by_agent).toEqual({ cto_agent: { 'claude-3-opus': 1, 'llama-3-70b': 1 }, qa_agent: { 'llama-3-70b': 1 } });
    expect(metrics.routing_decisions_per_strategy).toEqual({ balanced: 2, cost_optimized: 1 });
    expect(metrics.privacy_rule_activations).toBe(1);
    expect(metrics.verifications_required).toBe(1);
    expect(metrics.decisions_by_source).toEqual({ agent_rule: 2, strategy: 1 });
  });

  it('a clock that does not return epoch milliseconds is a typed error', async () => {
    const router = createRouter(await loadSeed(), { clock: () => Number.NaN });
    await expect(router.route('qa_agent', {})).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', argument: 'clock' });
  });

  it('verbose: true logs one line a decision at info, the whole decision at debug, even without verbose_routing_logs', async () => {
    const info: unknown[][] = [];
    const debug: unknown[][] = [];
    const router = createRouter(await loadSeed(), { verbose: true, logger: { info: (...args) => info.push(args), debug: (...args) => debug.push(args) } });
    await router.route('frontend_agent', { involves_ui_design: true });
    expect(info).toEqual([[expect.stringContaining('frontend_agent → gpt-4-turbo (agent_rule')]]);
    expect(String(info[0]![0]).split('\n')).toHaveLength(1);
    expect(debug).toEqual([[info[0]![0], expect.objectContaining({ modelId: 'gpt-4-turbo', trace: expect.any(Array) })]]);
  });

  it('the decision is the same for the same inputs (pure core, injected clock)', async () => {
    const clock = manualClock();
    const a = await createRouter(await loadSeed(), { clock }).route('cto_agent', { complexity: 5, prompt: 'hello' });
    const b = await createRouter(await loadSeed(), { clock }).route('cto_agent', { complexity: 5, prompt: 'hello' });
    expect(a).toEqual(b);
  });

  it('the config is validated, not trusted: a mutated loaded config is rejected', async () => {
    const config = await loadSeed();
    const broken = { ...config, agents: { ...config.agents, x: { model_preferences: { primary: 'nope' } } } };
    expect(() => createRouter(broken)).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
    expect(() => createRouter(null as never)).toThrow(RouterError);
  });
});

describe('a task with keys that name Object.prototype members', () => {
  it.each(['__proto__', 'constructor', 'toString', 'valueOf', 'hasOwnProperty'])('routes a task with an own key %s like any other open field', async (key) => {
    const router = createRouter(await loadSeed(), { logger: {} });
    const task = JSON.parse(`{"complexity": 9, ${JSON.stringify(key)}: {"x": 1}}`);
    const decision = await router.route('cto_agent', task);
    expect(decision.modelId).toBe((await router.route('cto_agent', { complexity: 9 })).modelId);
  });
});

describe('a task field of the wrong type', () => {
  it('is refused without quoting what may be the prompt itself', async () => {
    const router = createRouter(await loadSeed(), { logger: {} });
    for (const key of ['messages', 'data', 'prompt']) {
      const value = key === 'prompt' ? 42 : 'Patient Jane Roe, DOB 1984-03-02';
      const error = await router.route('cto_agent', { [key]: value }).catch((caught: unknown) => caught as Error);
      expect(error).toBeInstanceOf(RouterError);
      expect((error as Error).message).not.toContain('Jane');
    }
    await expect(router.route('cto_agent', { messages: 'Jane Roe' as unknown as unknown[] })).rejects.toThrow('got a string of 8 characters');
  });
});
