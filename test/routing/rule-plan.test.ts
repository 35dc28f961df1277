// An agent's rules are decided as one set (src/conditions/path-slots.ts): the paths they test are
// read once, and when they key on one path its value rules out the rules naming another. The
// decision and its trace must be exactly those of every rule evaluated on its own, in order —
// checked against the same configuration with the plan switched off, over random rules and tasks.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileCondition, type RouterConfigInput } from '../../src/index.js';
import { compileConfig, type CompiledConfig } from '../../src/routing/compile-config.js';
import { decide } from '../../src/routing/decide.js';
import type { RoutingState, Task } from '../../src/routing/types.js';
import { ruleCondition, ruleScope } from '../helpers/rule-arbitraries.js';

const MODELS = ['m0', 'm1', 'm2', 'm3'] as const;

function configWith(rules: readonly { condition: string; model: string }[]): RouterConfigInput {
  return {
    models: { m0: { provider: 'local', type: 'local' }, m1: { provider: 'openai', type: 'cloud' }, m2: { provider: 'local', type: 'local' }, m3: { provider: 'openai', type: 'cloud', supports: { tools: false } } },
    agents: { a: { model_preferences: { primary: 'm0', fallback: 'm1' }, routing_rules: [...rules] } },
  };
}

/** The same configuration deciding every rule on its own: the plan reads nothing, so each rule reads for itself. */
function withoutPlan(compiled: CompiledConfig): CompiledConfig {
  const agents = new Map([...compiled.agents].map(([id, agent]) => [id, { ...agent, ruleSet: { read: () => undefined, candidates: () => undefined, next: () => 0, chained: () => false } }]));
  return { ...compiled, agents };
}

function state(extra: Partial<RoutingState> = {}): RoutingState {
  return { now: 0, strategy: 'balanced', strategySource: 'default', dailyCostUsd: 0, agentDailyCostUsd: 0, budgetUsd: undefined, containsPii: false, inputTokens: 100, outputTokens: 50, ...extra };
}

const rule = fc.record({ condition: ruleCondition, model: fc.constantFrom(...MODELS) });

describe('an agent\'s rules decided as one set', () => {
  it('make the decision, and the trace, of each rule evaluated on its own (a set from 8 rules on)', () => {
    fc.assert(
      fc.property(fc.array(rule, { minLength: 1, maxLength: 40 }), fc.array(ruleScope, { minLength: 1, maxLength: 4 }), fc.boolean(), fc.boolean(), (rules, scopes, tracing, noTools) => {
        const compiled = compileConfig(configWith(rules));
        const plain = withoutPlan(compiled);
        const routingState = state(noTools ? { requires: { tools: true, images: false, files: false, jsonSchema: false } } : {});
        for (const { task, context } of scopes) {
          const ctx = typeof context === 'object' && context !== null && !Array.isArray(context) ? (context as Record<string, unknown>) : {};
          const fast = decide(compiled, 'a', task as Task, ctx, routingState, tracing);
          const slow = decide(plain, 'a', task as Task, ctx, routingState, tracing);
          expect(fast).toEqual(slow);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('a hundred rules keyed on task.type: the trace still names each rule not matched, in order', () => {
    const rules = Array.from({ length: 100 }, (_, i) => ({ condition: `task.type == 'kind_${i}' and task.complexity > 3`, model: i % 2 ? 'm1' : 'm2' }));
    const compiled = compileConfig(configWith(rules));
    const decision = decide(compiled, 'a', { type: 'kind_57', complexity: 5 }, {}, state());
    expect(decision.modelId).toBe('m1');
    const steps = decision.trace.filter((step) => step.step === 'agent_rule');
    expect(steps).toHaveLength(58);
    expect(steps.slice(0, 57).map((step) => step.rule)).toEqual(Array.from({ length: 57 }, (_, i) => `routing_rules[${i}]`));
    expect(steps[56]).toEqual({ step: 'agent_rule', outcome: 'not_matched', rule: 'routing_rules[56]', message: `"task.type == 'kind_56' and task.complexity > 3" is false` });
    expect(steps[57]).toMatchObject({ outcome: 'chosen', modelId: 'm1' });
    // The steps the configuration made once are shared between decisions, so they cannot be changed.
    expect(Object.isFrozen(steps[0])).toBe(true);
    const none = decide(compiled, 'a', { type: 'other', complexity: 5 }, {}, state());
    expect(none.source).toBe('strategy');
    expect(none.trace.filter((step) => step.step === 'agent_rule')).toHaveLength(100);
  });

  it('a context whose read throws: each rule reads for itself and the trace says which could not be evaluated', () => {
    const fillers = Array.from({ length: 8 }, (_, i) => ({ condition: `task.type == 'f${i}'`, model: 'm3' }));
    const compiled = compileConfig(configWith([{ condition: "budget_mode == 'a'", model: 'm1' }, { condition: "task.type == 'b'", model: 'm2' }, ...fillers]));
    expect(compiled.agents.get('a')!.ruleSet).toBeDefined();
    const context = Object.defineProperty({}, 'budget_mode', { enumerable: true, get: () => { throw new Error('no'); } });
    const decision = decide(compiled, 'a', { type: 'b' }, context, state());
    expect(decision.modelId).toBe('m2');
    expect(decision.trace.find((step) => step.step === 'agent_rule')).toMatchObject({ outcome: 'error', rule: 'routing_rules[0]' });
  });
});

describe('a global rule about the model alone', () => {
  const withRules = (condition: string): RouterConfigInput => ({
    ...configWith([]),
    routing: { global_rules: [{ name: 'about_model', condition, action: 'switch_to_fallback' }] },
  });
  const live = (approaching: boolean) => ({ available: true, rate_limit_approaching: approaching, requests_last_minute: 1, tokens_last_minute: 1, load: 0.1 });

  it('is decided once per model while the model is idle, and on its live state when it has one', () => {
    for (const condition of ['model.rate_limit_approaching', "model.type == 'local'", 'model.requests_last_minute > 0', 'not model.available']) {
      const compiled = compileConfig(withRules(condition));
      const rule = compiled.fallbackRules[0]!;
      expect(rule.whenIdle).toBeDefined();
      for (const model of compiled.models.values()) expect(rule.whenIdle!.get(model.id)).toBe(compileCondition(condition).evaluate({ model: model.idleView }));
      // Idle: the verdict found once; live: the condition on the live view, as before.
      const idle = decide(compiled, 'a', {}, {}, state());
      const plain = decide({ ...compiled, fallbackRules: [{ ...rule, whenIdle: undefined }] }, 'a', {}, {}, state());
      expect(idle).toEqual(plain);
      for (const approaching of [true, false]) {
        const modelStates = new Map(MODELS.map((id) => [id, live(approaching)]));
        const withLive = decide(compiled, 'a', {}, {}, state({ modelStates }));
        const withLivePlain = decide({ ...compiled, fallbackRules: [{ ...rule, whenIdle: undefined }] }, 'a', {}, {}, state({ modelStates }));
        expect(withLive).toEqual(withLivePlain);
      }
    }
    // A rule that reads anything else is always evaluated.
    expect(compileConfig(withRules("model.rate_limit_approaching and task.type == 'x'")).fallbackRules[0]!.whenIdle).toBeUndefined();
  });

  it('the seed rate-limit rule moves to the fallback only when the chosen model is near its limit', () => {
    const compiled = compileConfig(withRules('model.rate_limit_approaching'));
    const idle = decide(compiled, 'a', {}, {}, state());
    expect(idle.source).not.toBe('global_rule');
    const near = decide(compiled, 'a', {}, {}, state({ modelStates: new Map([[idle.modelId, live(true)]]) }));
    expect(near.source).toBe('global_rule');
    expect(near.modelId).not.toBe(idle.modelId);
  });
});
