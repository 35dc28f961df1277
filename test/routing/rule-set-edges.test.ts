// Adversarial checks of an agent's routing rules decided as one set (from 8 rules on): the paths the
// rules' clause chains test read once, rules keyed on one path ruled out by its value. The decision
// and its trace must be those of each rule evaluated on its own, in order, and the condition
// language's safety rules (own properties only, a function reads as missing, nothing inherited is
// reached, nothing thrown reaches the caller) must hold either way.
//
// Three oracles:
//   - the same compiled configuration with the set switched off (`ruleSet: undefined`: each rule
//     then reads the scope for itself, as before the set existed);
//   - an independent walk over the rules, each one's compiled condition evaluated on the scope the
//     documentation describes (task, context, agent, data, daily_cost, budget, cost_limit_reached);
//   - through the public API, the same leading rules below the set's threshold.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileCondition, createRouter, type RouterConfigInput } from '../../src/index.js';
import { planConditionSet } from '../../src/conditions/index.js';
import { compileConfig, type CompiledConfig } from '../../src/routing/compile-config.js';
import { decide } from '../../src/routing/decide.js';
import type { RoutingContext, RoutingDecision, RoutingState, Task, TraceStep } from '../../src/routing/types.js';

// ---------------------------------------------------------------------------------------------
// Configuration and oracles

const MODEL_CONFIGS = {
  loc: { provider: 'local', type: 'local' },
  loc_nt: { provider: 'local', type: 'local', supports: { tools: false } },
  cloud: { provider: 'openai', type: 'cloud' },
  cloud_nt: { provider: 'openai', type: 'cloud', supports: { tools: false } },
} as const;
type ModelId = keyof typeof MODEL_CONFIGS;
const MODEL_IDS = Object.keys(MODEL_CONFIGS) as ModelId[];

interface Rule {
  condition: string;
  model: ModelId;
}

function configWith(rules: readonly Rule[]): RouterConfigInput {
  return {
    models: {
      loc: { provider: 'local', type: 'local' },
      loc_nt: { provider: 'local', type: 'local', supports: { tools: false } },
      cloud: { provider: 'openai', type: 'cloud' },
      cloud_nt: { provider: 'openai', type: 'cloud', supports: { tools: false } },
    },
    agents: { a: { name: 'alpha', model_preferences: { primary: 'loc', fallback: 'cloud' }, routing_rules: rules.map((rule) => ({ ...rule })) } },
  };
}

/** The same configuration with every agent's rules evaluated one by one (no set). */
function perRule(compiled: CompiledConfig): CompiledConfig {
  return { ...compiled, agents: new Map([...compiled.agents].map(([id, agent]) => [id, { ...agent, ruleSet: undefined }])) };
}

function stateWith(extra: Partial<RoutingState> = {}): RoutingState {
  return { now: 0, strategy: 'balanced', strategySource: 'default', dailyCostUsd: 0, agentDailyCostUsd: 0, budgetUsd: undefined, containsPii: false, inputTokens: 100, outputTokens: 50, ...extra };
}

const TOOLS = { tools: true, images: false, files: false, jsonSchema: false };

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function ownData(target: object, key: string): unknown {
  const descriptor = Object.getOwnPropertyDescriptor(target, key);
  return descriptor && 'value' in descriptor && typeof descriptor.value !== 'function' ? descriptor.value : undefined;
}

/** The scope a rule reads, built as the documentation describes it (independently of the router). */
function scopeFor(compiled: CompiledConfig, task: Task, context: unknown, state: RoutingState): Record<string, unknown> {
  const taskData = isRecord(task.data) ? task.data : {};
  const given = ownData(taskData, 'contains_pii');
  const containsPii = given === true || (typeof given !== 'boolean' && Boolean(given)) || state.containsPii === true;
  const data = given === containsPii || (given === undefined && state.containsPii === undefined) ? taskData : { ...taskData, contains_pii: containsPii };
  const fromContext = typeof context === 'object' && context !== null ? ownData(context, 'cost_limit_reached') : undefined;
  const costLimitReached = typeof fromContext === 'boolean' ? fromContext : state.budgetUsd !== undefined && state.dailyCostUsd >= state.budgetUsd;
  return { task, context, agent: compiled.agents.get('a')!.config, model: undefined, data, daily_cost: state.dailyCostUsd, budget: state.budgetUsd, cost_limit_reached: costLimitReached };
}

interface RuleStep {
  outcome: string;
  rule: string | undefined;
  modelId?: string | undefined;
  message?: string;
}

function ruleSteps(trace: readonly TraceStep[]): RuleStep[] {
  return trace
    .filter((step) => step.step === 'agent_rule')
    .map((step) => (step.outcome === 'not_matched' || step.outcome === 'error' ? { outcome: step.outcome, rule: step.rule, message: step.message } : { outcome: step.outcome, rule: step.rule, modelId: step.modelId }));
}

/** Each rule's condition compiled alone and evaluated on the scope, in order: the steps and the rule chosen. */
function reference(compiled: CompiledConfig, rules: readonly Rule[], task: Task, context: unknown, state: RoutingState): { steps: RuleStep[]; chosen: number | undefined } {
  const scope = scopeFor(compiled, task, context, state);
  const pii = (scope.data as Record<string, unknown>).contains_pii === true || state.containsPii === true;
  const localOnly = pii || (typeof task.privacy_level === 'string' && task.privacy_level.toLowerCase() === 'high');
  const eligible = (id: ModelId) => {
    const model: { type: string; supports?: { tools?: boolean } } = MODEL_CONFIGS[id];
    if (localOnly && model.type !== 'local') return false;
    return !(state.requires?.tools && model.supports?.tools === false);
  };
  const steps: RuleStep[] = [];
  for (let index = 0; index < rules.length; index++) {
    const { condition, model } = rules[index]!;
    const label = `routing_rules[${index}]`;
    const result = compileCondition(condition).evaluateDetailed(scope);
    if (result.error !== undefined) steps.push({ outcome: 'error', rule: label, message: `"${condition}" could not be evaluated (${result.error}); treated as false` });
    else if (!result.value) steps.push({ outcome: 'not_matched', rule: label, message: `"${condition}" is false` });
    else if (!eligible(model)) steps.push({ outcome: 'skipped', rule: label, modelId: model });
    else {
      steps.push({ outcome: 'chosen', rule: label, modelId: model });
      return { steps, chosen: index };
    }
  }
  return { steps, chosen: undefined };
}

/**
 * Decides with the set and without it, traced and not: all four agree (the untraced ones with an
 * empty trace), and the traced one matches the independent reference. Returns the traced decision.
 */
function decideBothWays(compiled: CompiledConfig, rules: readonly Rule[], task: Task, context: unknown, state: RoutingState): RoutingDecision {
  const plain = perRule(compiled);
  const ctx = context as RoutingContext;
  const fast = decide(compiled, 'a', task, ctx, state, true);
  const slow = decide(plain, 'a', task, ctx, state, true);
  expect(fast).toEqual(slow);
  const fastQuiet = decide(compiled, 'a', task, ctx, state, false);
  const slowQuiet = decide(plain, 'a', task, ctx, state, false);
  expect(fastQuiet).toEqual(slowQuiet);
  expect(fastQuiet).toEqual({ ...fast, trace: [] });

  const expected = reference(compiled, rules, task, context, state);
  expect(ruleSteps(fast.trace)).toEqual(expected.steps);
  if (expected.chosen === undefined) expect(fast.source).not.toBe('agent_rule');
  else {
    expect(fast.source).toBe('agent_rule');
    expect(fast.modelId).toBe(rules[expected.chosen]!.model);
  }
  // Never a cloud model when a hard constraint keeps the decision local.
  if (fast.localOnly) {
    expect(fast.modelType).toBe('local');
    for (const id of fast.fallbacks) expect(MODEL_CONFIGS[id as ModelId].type).toBe('local');
  }
  return fast;
}

// ---------------------------------------------------------------------------------------------
// Random rules: shapes the set treats specially (keys, `in` lists short and long, NaN, -0, mixed
// types, negations, `or`, bare paths, has(), roots without a key, the same path spelt three ways)
// mixed with conditions that are not chains of clauses.

const PATHS = ['task.type', 'task.tier', 'task.n', 'task.obj', 'budget_mode', 'context.budget_mode', "context['budget_mode']", 'context.mode', 'context', 'data.kind', 'data.contains_pii', 'cost_limit_reached', 'daily_cost', 'budget', 'agent.name'] as const;
const LITERALS = ["'a'", "'b'", "'A'", "'1'", "''", "'alpha'", '1', '0', '-0', '2', '1.5', '(0 / 0)', 'true', 'false', 'null', 'undefined', "['a']"] as const;
const NUMBERS = ['-0', '0', '1', '1.5', '2', '5'] as const;

const path = fc.constantFrom(...PATHS);
const literal = fc.constantFrom(...LITERALS);
const list = fc.array(literal, { minLength: 0, maxLength: 11 }).map((items) => `[${items.join(', ')}]`);

const clause = fc.oneof(
  { weight: 5, arbitrary: fc.tuple(path, literal, fc.constantFrom('==', '!=', '===', 'flipped', 'not !=')).map(([p, v, op]) => (op === 'flipped' ? `${v} == ${p}` : op === 'not !=' ? `not ${p} != ${v}` : `${p} ${op} ${v}`)) },
  { weight: 4, arbitrary: fc.tuple(path, list, fc.constantFrom('in', 'not in', 'not not in')).map(([p, l, op]) => (op === 'not not in' ? `not (${p} not in ${l})` : `${p} ${op} ${l}`)) },
  { weight: 2, arbitrary: fc.tuple(path, fc.constantFrom('<', '<=', '>', '>='), fc.constantFrom(...NUMBERS), fc.boolean()).map(([p, op, n, flip]) => (flip ? `${n} ${op} ${p}` : `${p} ${op} ${n}`)) },
  { weight: 1, arbitrary: fc.tuple(path, fc.constantFrom('has(%)', 'not has(%)', '%', 'not %', '!%')).map(([p, shape]) => shape.replace('%', p)) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      'len(task.type) > 0',
      'task.n + 1 > 1',
      'task.n * 2 > 1',
      'task.type == task.tier',
      'task.obj.x == 1',
      "task[mode] == 'a'",
      "(task.type == 'a') == true",
      'true',
      'false',
      "lower(task.type) == 'a'",
      "task.type == 'a' ? budget_mode : true",
      "startsWith(task.type, 'a')",
    ),
  },
);

const condition = fc
  .tuple(fc.array(clause, { minLength: 1, maxLength: 5 }), fc.constantFrom(' and ', ' or ', ' && ', ' || ', 'mixed'))
  .map(([clauses, joiner]) => {
    if (joiner !== 'mixed' || clauses.length < 3) return clauses.join(joiner === 'mixed' ? ' and ' : joiner);
    const [first, second, ...rest] = clauses;
    return `(${first} or ${second}) and ${rest.join(' and ')}`;
  })
  .filter((source) => {
    try {
      compileCondition(source);
      return true;
    } catch {
      return false;
    }
  });

const rule = fc.record({ condition, model: fc.constantFrom(...MODEL_IDS) });

const value = fc.constantFrom<unknown>('a', 'b', 'A', '1', '', 'alpha', 1, 0, -0, 2, 1.5, Number.NaN, true, false, null, undefined, ['a'], { x: 1 }, () => 'a', 1n, Symbol.for('a'));
const task = fc.record(
  {
    type: value,
    tier: value,
    n: value,
    obj: fc.constantFrom<unknown>(undefined, { x: 1 }, { x: '1' }),
    privacy_level: fc.constantFrom('low', 'High', 'medium'),
    data: fc.record({ kind: value, contains_pii: fc.constantFrom<unknown>(true, false, undefined, 'yes', 0) }, { requiredKeys: [] }),
  },
  { requiredKeys: [] },
);
const context = fc.oneof(
  { weight: 4, arbitrary: fc.record({ budget_mode: value, mode: fc.constantFrom<unknown>('type', 'tier', 'n', 'nope', 0, undefined), cost_limit_reached: fc.constantFrom<unknown>(true, false, 'yes', undefined) }, { requiredKeys: [] }) },
  { weight: 1, arbitrary: fc.constantFrom<unknown>('ctx', 5, ['a'], [], true) },
);
const state = fc.record({ dailyCostUsd: fc.constantFrom(0, 5, 10), budgetUsd: fc.constantFrom<number | undefined>(undefined, 5, 10), tools: fc.boolean() }).map(({ tools, ...rest }) => stateWith(tools ? { ...rest, requires: TOOLS } : rest));

describe('rules decided as one set, against each rule on its own', () => {
  it('random rules (1 to 24) and hostile-but-plain scopes: the same decision and trace, and those of the reference', () => {
    fc.assert(
      fc.property(fc.array(rule, { minLength: 1, maxLength: 24 }), fc.array(fc.tuple(task, context, state), { minLength: 1, maxLength: 4 }), (rules, scopes) => {
        const compiled = compileConfig(configWith(rules));
        expect(compiled.agents.get('a')!.ruleSet === undefined).toBe(rules.length < 8);
        for (const [t, c, s] of scopes) decideBothWays(compiled, rules, t as Task, c, s);
      }),
      { numRuns: 250 },
    );
  });

  it('exactly 7, 8 and 9 rules: the threshold changes how rules are evaluated, never what they decide', () => {
    fc.assert(
      fc.property(fc.constantFrom(7, 8, 9), fc.array(rule, { minLength: 9, maxLength: 9 }), fc.array(fc.tuple(task, context, state), { minLength: 1, maxLength: 3 }), (count, all, scopes) => {
        const rules = all.slice(0, count);
        const compiled = compileConfig(configWith(rules));
        expect(compiled.agents.get('a')!.ruleSet === undefined).toBe(count === 7);
        for (const [t, c, s] of scopes) decideBothWays(compiled, rules, t as Task, c, s);
      }),
      { numRuns: 120 },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Hand-made sets

/** Runs `decideBothWays` on each task (context and state plain) and returns the chosen rules' models. */
function modelsFor(rules: readonly Rule[], tasks: readonly Task[], context: unknown = {}, state: RoutingState = stateWith()): string[] {
  const compiled = compileConfig(configWith(rules));
  expect(compiled.agents.get('a')!.ruleSet).toBeDefined();
  return tasks.map((t) => {
    const decision = decideBothWays(compiled, rules, t, context, state);
    return decision.source === 'agent_rule' ? decision.reason.replace(/^agent rule routing_rules\[(\d+)\].*$/, '$1') : '-';
  });
}

describe('keyed and unkeyed rules interleaved', () => {
  const rules: Rule[] = [
    { condition: 'budget_mode', model: 'loc' }, // 0: unkeyed, a bare context name
    { condition: "task.type == 'a' and task.n > 1", model: 'cloud' }, // 1: keyed a
    { condition: "task.type in ['b', 'b', 'a']", model: 'loc' }, // 2: keyed a, b (a duplicate)
    { condition: 'task.n > 5', model: 'cloud' }, // 3: unkeyed
    { condition: "task.type == 'c' or task.n == 0", model: 'loc' }, // 4: an `or` naming a value: unkeyed
    { condition: "task.type != 'a' and task.tier == 'x'", model: 'cloud' }, // 5: negated: unkeyed
    { condition: "task.type not in ['a', 'b'] and task.tier == 'y'", model: 'loc' }, // 6: unkeyed
    { condition: 'task.type in []', model: 'cloud' }, // 7: keyed on nothing: never holds
    { condition: "has(task.type) and task.type == 'd' and task.tier == 'z'", model: 'loc' }, // 8: keyed d
    { condition: "task.type == 'd'", model: 'cloud' }, // 9: keyed d, after unkeyed rules
    { condition: "len(task.type) > 3 and task.tier == 'w'", model: 'loc' }, // 10: not a chain
    { condition: "not task.type != 'e'", model: 'cloud' }, // 11: double negation: keyed e
    { condition: "task.type == 'late'", model: 'loc' }, // 12: a value first named after every unkeyed rule
    { condition: 'true', model: 'loc_nt' }, // 13: a catch-all that is not a chain
  ];

  it('each value keeps exactly the rules that may hold for it, in order', () => {
    const tasks: Task[] = [
      { type: 'a' },
      { type: 'a', n: 2 },
      { type: 'b' },
      { type: 'c' },
      { type: 'd' },
      { type: 'd', tier: 'z' },
      { type: 'e' },
      { type: 'late' },
      { type: 'longer', tier: 'w' },
      { type: 'zz', tier: 'x' },
      { type: 'b', tier: 'y' },
      { type: 'q', tier: 'y' },
      { n: 0 },
      { n: 9, type: 'a' },
      {},
      { type: 'a', n: -0 },
    ];
    expect(modelsFor(rules, tasks)).toEqual(['2', '1', '2', '4', '9', '8', '11', '12', '10', '5', '2', '6', '4', '1', '13', '2']);
    expect(modelsFor(rules, [{ type: 'zz' }], { budget_mode: 1 })).toEqual(['0']);
  });

  it('a value of another type than the constants (object, array, number for a string) rules every keyed rule out', () => {
    expect(modelsFor(rules, [{ type: ['a'] } as unknown as Task, { type: { a: 1 } } as unknown as Task, { type: 1 } as unknown as Task])).toEqual(['13', '13', '13']);
  });

  it('the rule matched but its model is ineligible: skipped, and the search goes on among the rules left in play', () => {
    const skipping: Rule[] = [
      ...Array.from({ length: 6 }, (_, i): Rule => ({ condition: `task.type == 'f${i}'`, model: 'loc' })),
      { condition: "task.type == 'k'", model: 'cloud' },
      { condition: "task.type in ['k', 'j']", model: 'loc_nt' },
      { condition: 'task.tier', model: 'cloud_nt' },
      { condition: "task.type == 'k'", model: 'loc' },
    ];
    const compiled = compileConfig(configWith(skipping));
    // PII: the cloud rules are skipped; tools needed: the no-tools ones too.
    const pii = decideBothWays(compiled, skipping, { type: 'k', tier: true, data: { contains_pii: true } } as Task, {}, stateWith({ requires: TOOLS }));
    expect(pii.modelId).toBe('loc');
    expect(ruleSteps(pii.trace).filter((step) => step.outcome === 'skipped').map((step) => step.rule)).toEqual(['routing_rules[6]', 'routing_rules[7]', 'routing_rules[8]']);
    const open = decideBothWays(compiled, skipping, { type: 'k' }, {}, stateWith());
    expect(open.modelId).toBe('cloud');
  });
});

describe('sets the index cannot key, or keys on one of two paths', () => {
  it('no rule is a chain of clauses (nothing to read up front): each is evaluated on the scope, errors traced', () => {
    const rules: Rule[] = [
      'len(task.type) > 3',
      'task.n * 2 > 10',
      'task.type == task.tier',
      "task[mode] == 'a'",
      "(task.type == 'a' or task.n > 1) and budget_mode",
      'task.obj.x == 1',
      "lower(task.type) == 'abc'",
      "task.n > 1 ? task.tier == 'x' : false",
      '1 == 1',
    ].map((source, i): Rule => ({ condition: source, model: i % 2 ? 'cloud' : 'loc' }));
    const tasks = [{ type: 'abcd' }, { n: 'x', type: 1 }, { type: 'q', tier: 'q' }, { type: 'a', n: 2 }, { obj: { x: 1 } }, { type: 'ABC' }, { n: 3, tier: 'x' }, {}];
    const compiled = compileConfig(configWith(rules));
    for (const t of tasks) for (const c of [{}, { mode: 'type', budget_mode: true }]) decideBothWays(compiled, rules, t as Task, c, stateWith());
  });

  it('rules keyed on two paths, as many on each: the rules keyed on the path not chosen stay in play', () => {
    const rules: Rule[] = [
      ...['a', 'b', 'c', 'd'].map((v): Rule => ({ condition: `task.type == '${v}' and task.tier == 1`, model: 'cloud' })),
      ...['a', 'b', 'c', 'd'].map((v): Rule => ({ condition: `budget_mode == '${v}'`, model: 'loc' })),
      { condition: "task.type in ['a', 'x'] and budget_mode in ['x']", model: 'loc_nt' },
    ];
    expect(modelsFor(rules, [{ type: 'a', tier: 1 }, { type: 'a' }, { type: 'x' }, { type: 'zz' }], { budget_mode: 'c' })).toEqual(['0', '6', '6', '6']);
    expect(modelsFor(rules, [{ type: 'x' }, { type: 'a' }, { type: 'b' }], { budget_mode: 'x' })).toEqual(['8', '8', '-']);
  });

  it('one condition text in two agents, one deciding as a set and one rule by rule', () => {
    const shared = "task.type == 'a' and budget_mode != true";
    const config = configWith([...Array.from({ length: 8 }, (_, i): Rule => ({ condition: `task.type == 'f${i}'`, model: 'cloud' })), { condition: shared, model: 'loc_nt' }]);
    config.agents.b = { model_preferences: { primary: 'loc' }, routing_rules: [{ condition: shared, model: 'cloud_nt' }] };
    const compiled = compileConfig(config);
    expect(compiled.agents.get('a')!.ruleSet).toBeDefined();
    expect(compiled.agents.get('b')!.ruleSet).toBeUndefined();
    for (const c of [{}, { budget_mode: true }]) {
      const a = decide(compiled, 'a', { type: 'a' }, c, stateWith());
      const b = decide(compiled, 'b', { type: 'a' }, c, stateWith());
      expect(a.source === 'agent_rule').toBe(b.source === 'agent_rule');
      expect(a).toEqual(decide(perRule(compiled), 'a', { type: 'a' }, c, stateWith()));
    }
  });
});

describe('constants the index might confuse: NaN, -0 and 0, mixed types, duplicates, long lists', () => {
  const rules: Rule[] = [
    { condition: 'task.n == (0 / 0)', model: 'cloud' }, // 0: never true
    { condition: 'task.n in [(0 / 0), 7]', model: 'cloud' }, // 1: 7 only
    { condition: 'task.n == -0', model: 'loc' }, // 2: 0 and -0
    { condition: "task.n in ['1', '1', 1, true]", model: 'cloud' }, // 3
    { condition: 'task.n == null', model: 'loc' }, // 4: null only (not missing)
    { condition: 'task.n in [undefined]', model: 'cloud' }, // 5: missing, undefined, a function
    { condition: "task.n in ['x', 'y', 'z', 'w', 'v', 'u', 't', 's', 'r', (0 / 0), -0]", model: 'loc' }, // 6: a long list (a set), with NaN and -0
    { condition: 'task.n == false', model: 'loc_nt' }, // 7
    { condition: "task.n == ['a']", model: 'cloud' }, // 8: an array constant equals no value
    { condition: "task.n == 'r'", model: 'cloud_nt' }, // 9: also in the long list before it
  ];
  const pick = (n: unknown, present = true) => modelsFor(rules, [present ? ({ n } as Task) : {}])[0];

  it('each value reaches the rule strict equality says, never one NaN or SameValueZero would', () => {
    expect(pick(Number.NaN)).toBe('-');
    expect(pick(7)).toBe('1');
    expect(pick(0)).toBe('2');
    expect(pick(-0)).toBe('2');
    expect(pick('1')).toBe('3');
    expect(pick(1)).toBe('3');
    expect(pick(true)).toBe('3');
    expect(pick(1n)).toBe('-');
    expect(pick(null)).toBe('4');
    expect(pick(undefined)).toBe('5');
    expect(pick(undefined, false)).toBe('5');
    expect(pick(() => 1)).toBe('5');
    expect(pick('r')).toBe('6');
    expect(pick(false)).toBe('7');
    expect(pick(['a'])).toBe('-');
    expect(pick('0')).toBe('-');
  });
});

describe('roots without a key, context spelt three ways, and context that is not an object', () => {
  const rules: Rule[] = [
    { condition: "budget_mode == 'x'", model: 'loc' }, // 0
    { condition: "context.budget_mode == 'y'", model: 'cloud' }, // 1
    { condition: "context['budget_mode'] in ['z', 'x']", model: 'loc_nt' }, // 2: never reached by 'x'
    { condition: "context == 'ctx'", model: 'cloud' }, // 3: the context itself
    { condition: 'cost_limit_reached == true', model: 'loc' }, // 4
    { condition: 'daily_cost >= 10 and budget == undefined', model: 'cloud' }, // 5
    { condition: 'budget == 5', model: 'loc' }, // 6
    { condition: "agent.name == 'alpha' and has(context)", model: 'cloud_nt' }, // 7
    { condition: 'context.length == 0', model: 'loc' }, // 8: an array's own length is an own property
  ];

  it('every combination decides as each rule alone', () => {
    const contexts: unknown[] = [{ budget_mode: 'x' }, { budget_mode: 'y' }, { budget_mode: 'z' }, 'ctx', 5, [], ['a'], { cost_limit_reached: true }, { cost_limit_reached: 'yes' }, {}];
    const states = [stateWith(), stateWith({ dailyCostUsd: 10 }), stateWith({ dailyCostUsd: 10, budgetUsd: 5 }), stateWith({ budgetUsd: 5 })];
    const compiled = compileConfig(configWith(rules));
    for (const c of contexts) for (const s of states) decideBothWays(compiled, rules, {}, c, s);
    expect(modelsFor(rules, [{}], { budget_mode: 'x' })).toEqual(['0']);
    expect(modelsFor(rules, [{}], 'ctx')).toEqual(['3']);
    expect(modelsFor(rules, [{}], {}, stateWith({ dailyCostUsd: 10, budgetUsd: 5 }))).toEqual(['4']);
    expect(modelsFor(rules, [{}], { cost_limit_reached: false }, stateWith({ dailyCostUsd: 10 }))).toEqual(['5']);
  });
});

// ---------------------------------------------------------------------------------------------
// Host code in the scope: own getters and Proxies run (at most as the rules need), inherited ones never.

describe('getters, Proxies and inherited properties', () => {
  const keyed = (n: number, model: ModelId = 'loc'): Rule[] => Array.from({ length: n }, (_, i) => ({ condition: `task.type == 'f${i}'`, model }));

  it('an own getter runs, and a rule set reads each path it tests once per decision', () => {
    const rules: Rule[] = [...keyed(4), { condition: "budget_mode == 'a'", model: 'cloud' }, { condition: "budget_mode in ['b', 'c'] and task.tier == 1", model: 'loc' }, { condition: 'has(budget_mode)', model: 'loc_nt' }, ...keyed(3)];
    const compiled = compileConfig(configWith(rules));
    let calls = 0;
    const ctx = Object.defineProperty({}, 'budget_mode', { enumerable: true, get: () => (calls++, 'b') });
    const decision = decide(compiled, 'a', { type: 'q' }, ctx, stateWith());
    expect(decision.reason).toContain('routing_rules[6]');
    expect(calls).toBe(1);
    calls = 0;
    decideBothWays(compiled, rules, { type: 'q' }, ctx, stateWith());
  });

  it('a getter that throws on a path only a later rule reads: the earlier match stands, with no error step', () => {
    const rules: Rule[] = [{ condition: "task.type == 'hit'", model: 'cloud' }, ...keyed(7), { condition: "mode == 'x'", model: 'loc' }];
    const compiled = compileConfig(configWith(rules));
    const ctx = Object.defineProperty({}, 'mode', { enumerable: true, get: () => { throw new Error('host getter failed'); } });
    const hit = decideBothWays(compiled, rules, { type: 'hit' }, ctx, stateWith());
    expect(hit.modelId).toBe('cloud');
    expect(ruleSteps(hit.trace).map((step) => step.outcome)).toEqual(['chosen']);
    // No match before it: the rule that reads it reports its own error, and nothing throws.
    const miss = decideBothWays(compiled, rules, { type: 'none' }, ctx, stateWith());
    expect(ruleSteps(miss.trace).at(-1)).toMatchObject({ outcome: 'error', rule: 'routing_rules[8]' });
    expect(ruleSteps(miss.trace).at(-1)!.message).toContain('host getter failed');
  });

  it('a strict Proxy context (throws on any name it does not know) decides as each rule alone', () => {
    const rules: Rule[] = [{ condition: 'budget_mode == true', model: 'cloud' }, ...keyed(7), { condition: "unknown_name == 'x'", model: 'loc_nt' }, { condition: "task.type == 'late'", model: 'loc' }];
    const compiled = compileConfig(configWith(rules));
    const known: Record<string, unknown> = { budget_mode: true, routing_strategy: undefined, cost_limit_reached: undefined };
    const strict = (budget: boolean) =>
      new Proxy({ ...known, budget_mode: budget }, {
        get: (target, key) => {
          if (typeof key === 'string' && !(key in known)) throw new Error(`no ${key}`);
          return Reflect.get(target, key);
        },
        getOwnPropertyDescriptor: (target, key) => {
          if (typeof key === 'string' && !(key in known)) throw new Error(`no ${key}`);
          return Reflect.getOwnPropertyDescriptor(target, key);
        },
      });
    expect(decideBothWays(compiled, rules, { type: 'late' }, strict(true), stateWith()).modelId).toBe('cloud');
    const late = decideBothWays(compiled, rules, { type: 'late' }, strict(false), stateWith());
    expect(late.modelId).toBe('loc');
    expect(ruleSteps(late.trace).map((step) => step.outcome)).toEqual([...Array(8).fill('not_matched'), 'error', 'chosen']);
  });

  it('a revoked Proxy as the context or as a value: false, never a throw', () => {
    const rules: Rule[] = [...keyed(8), { condition: 'budget_mode', model: 'cloud' }, { condition: 'task.tier == 1', model: 'loc' }];
    const compiled = compileConfig(configWith(rules));
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    // As a value it is an object: truthy, equal to nothing.
    expect(decideBothWays(compiled, rules, { tier: 1 }, { budget_mode: proxy }, stateWith()).modelId).toBe('cloud');
    expect(decideBothWays(compiled, rules, { tier: proxy }, {}, stateWith()).source).not.toBe('agent_rule');
  });

  it('a getter, a Proxy trap or a class accessor reached only through a prototype never runs', () => {
    const rules: Rule[] = [
      { condition: "budget_mode == 'a'", model: 'cloud' },
      { condition: "mode in ['a', 'b']", model: 'cloud' },
      { condition: 'has(data.kind)', model: 'cloud' },
      { condition: 'task.tier', model: 'cloud' },
      ...keyed(5),
      { condition: 'not has(budget_mode) and not has(mode) and not has(data.kind)', model: 'loc' },
    ];
    const compiled = compileConfig(configWith(rules));
    const ran: string[] = [];
    const proto = {
      get budget_mode() {
        ran.push('budget_mode');
        return 'a';
      },
      get mode() {
        ran.push('mode');
        return 'a';
      },
      get kind() {
        ran.push('kind');
        return 'a';
      },
      get tier() {
        ran.push('tier');
        return true;
      },
    };
    class Ctx {
      get budget_mode() {
        ran.push('class budget_mode');
        return 'a';
      }
    }
    const trappedProto = new Proxy({}, { get: (_, key) => (ran.push(`trap ${String(key)}`), 'a'), getOwnPropertyDescriptor: (_, key) => (ran.push(`trap own ${String(key)}`), undefined) });
    for (const ctx of [Object.create(proto) as object, new Ctx(), Object.create(trappedProto) as object]) {
      const decision = decideBothWays(compiled, rules, { type: 'z', data: Object.create(proto) as Record<string, unknown> }, ctx, stateWith());
      expect(decision.reason).toContain('routing_rules[9]');
    }
    // No rule, and none of the router's own reads (`cost_limit_reached` among them), reached a prototype.
    expect(ran).toEqual([]);
  });

  it('function values read as missing; arrays and objects equal no constant', () => {
    const rules: Rule[] = [
      { condition: 'has(task.tier) or has(budget_mode)', model: 'cloud' },
      { condition: 'task.tier in [undefined] and budget_mode == undefined', model: 'loc' },
      ...keyed(7),
    ];
    const fn = Object.assign(() => 'a', { type: 'a' });
    expect(modelsFor(rules, [{ tier: fn } as Task], { budget_mode: fn })).toEqual(['1']);
    expect(modelsFor(rules, [{ type: fn } as unknown as Task], {})).toEqual(['1']);
    expect(modelsFor(rules, [{ tier: [] } as Task], {})).toEqual(['0']);
  });

  it('a polluted Object.prototype changes nothing the rules read (task, context, data)', () => {
    const rules: Rule[] = [
      { condition: "task.type == 'a'", model: 'cloud' },
      { condition: "task.type in ['a', 'b'] and task.tier", model: 'cloud' },
      { condition: 'budget_mode', model: 'cloud' },
      { condition: "context.mode == 'a'", model: 'cloud' },
      { condition: 'has(data.kind)', model: 'cloud' },
      { condition: 'task.n > 0', model: 'cloud' },
      { condition: "task.zz_probe == 'a' or zz_probe == 'a' or data.zz_probe == 'a'", model: 'cloud' },
      { condition: "task.type == 'b'", model: 'cloud' },
      { condition: 'not has(task.type)', model: 'loc' },
    ];
    const compiled = compileConfig(configWith(rules));
    const plain = perRule(compiled);
    const polluted: Record<string, unknown> = { type: 'a', tier: true, budget_mode: true, mode: 'a', kind: 'a', n: 1 };
    const proto = Object.prototype as Record<string, unknown>;
    let probed = 0;
    const decisions: [RoutingDecision, RoutingDecision][] = [];
    try {
      for (const [key, v] of Object.entries(polluted)) proto[key] = v;
      Object.defineProperty(Object.prototype, 'zz_probe', { configurable: true, get: () => (probed++, 'a') });
      for (const tracing of [true, false]) decisions.push([decide(compiled, 'a', { data: {} }, {}, stateWith(), tracing), decide(plain, 'a', { data: {} }, {}, stateWith(), tracing)]);
    } finally {
      for (const key of Object.keys(polluted)) delete proto[key];
      delete proto.zz_probe;
    }
    for (const [fast, slow] of decisions) {
      expect(fast).toEqual(slow);
      expect(fast.reason).toContain('routing_rules[8]');
    }
    expect(probed).toBe(0);
    expect(({} as Record<string, unknown>).type).toBeUndefined();
  });
});

// ---------------------------------------------------------------------------------------------
// Privacy: a hard constraint keeps the decision local whatever the set keys on.

describe('hard constraints under a rule set', () => {
  const thousand: Rule[] = Array.from({ length: 1000 }, (_, i): Rule => {
    if (i % 10 === 9) return { condition: `task.n > ${i}`, model: 'cloud' };
    if (i % 10 === 5) return { condition: `task.type in ['k${i - 1}', 'k${i}']`, model: 'loc' };
    return { condition: `task.type == 'k${i}' and task.tier != 'none'`, model: i % 2 ? 'cloud' : 'cloud_nt' };
  });
  const compiled = compileConfig(configWith(thousand));

  it('a thousand rules: a cloud rule that matches is skipped under PII or privacy_level HIGH; a later local one is chosen', () => {
    const start = performance.now();
    const pii = decideBothWays(compiled, thousand, { type: 'k4', data: { contains_pii: true } } as Task, {}, stateWith());
    expect(pii).toMatchObject({ modelId: 'loc', modelType: 'local', source: 'agent_rule', localOnly: true });
    expect(ruleSteps(pii.trace).filter((step) => step.outcome !== 'not_matched')).toEqual([
      { outcome: 'skipped', rule: 'routing_rules[4]', modelId: 'cloud_nt' },
      { outcome: 'chosen', rule: 'routing_rules[5]', modelId: 'loc' },
    ]);
    const high = decideBothWays(compiled, thousand, { type: 'k998', privacy_level: 'HIGH', n: 5000 }, {}, stateWith());
    expect(high.modelType).toBe('local');
    expect(high.source).not.toBe('agent_rule');
    expect(ruleSteps(high.trace)).toHaveLength(1000);
    const open = decideBothWays(compiled, thousand, { type: 'k4' }, {}, stateWith());
    expect(open.modelId).toBe('cloud_nt');
    for (const type of ['k0', 'k1', 'k9', 'k95', 'k994', 'k995', 'nope', '']) for (const n of [undefined, 0, 500]) decideBothWays(compiled, thousand, { type, n, data: { contains_pii: n === 500 } } as Task, {}, stateWith({ requires: n === 0 ? TOOLS : undefined }));
    expect(performance.now() - start).toBeLessThan(2000);
  });

  it('more than 4096 rules not matched in a row: every step in the trace, in order', () => {
    const rules: Rule[] = Array.from({ length: 4200 }, (_, i) => ({ condition: `task.n > ${i} and task.tier`, model: 'cloud' }));
    const big = compileConfig(configWith(rules));
    const fast = decide(big, 'a', { n: 4150 }, {}, stateWith());
    expect(fast).toEqual(decide(perRule(big), 'a', { n: 4150 }, {}, stateWith()));
    const none = decide(big, 'a', { n: 5000 }, {}, stateWith());
    const steps = none.trace.filter((step) => step.step === 'agent_rule');
    expect(steps).toHaveLength(4200);
    expect(steps.map((step) => step.rule)).toEqual(rules.map((_, i) => `routing_rules[${i}]`));
  });
});

// ---------------------------------------------------------------------------------------------
// Through the public API

describe('through createRouter: route and explain, trace on and off, reload', () => {
  const base: Rule[] = [
    { condition: "task.type == 'code' and task.complexity > 5", model: 'cloud' },
    { condition: "task.type in ['code', 'test']", model: 'loc' },
    { condition: 'budget_mode == true', model: 'loc_nt' },
    { condition: "task.type == 'chat' or task.complexity > 8", model: 'cloud_nt' },
    { condition: "task.type != 'chat' and task.tier == 'gold'", model: 'cloud' },
    { condition: 'has(task.tier)', model: 'loc' },
    { condition: 'cost_limit_reached', model: 'loc_nt' },
  ];
  const fillers = (n: number): Rule[] => Array.from({ length: n }, (_, i) => ({ condition: `task.type == 'never_${i}'`, model: 'cloud' }));
  const tasks: Task[] = [{ type: 'code', complexity: 7 }, { type: 'code' }, { type: 'test' }, { type: 'chat' }, { type: 'x', complexity: 9 }, { type: 'x', tier: 'gold' }, { type: 'chat', tier: 'gold' }, { tier: 3 }, {}, { type: 'code', complexity: 7, privacy_level: 'high' }];
  const contexts: RoutingContext[] = [{}, { budget_mode: true }, { cost_limit_reached: true }];
  const clock = () => 1_767_225_600_000;

  it('7 rules, and the same 7 followed by rules that never match (8 and 9): the same decisions', async () => {
    const routers = [0, 1, 2, 30].map((n) => createRouter(configWith([...base, ...fillers(n)]), { logger: {}, clock }));
    const quiet = createRouter(configWith([...base, ...fillers(2)]), { logger: {}, clock, trace: false });
    for (const t of tasks) {
      for (const c of contexts) {
        const [seven, ...more] = await Promise.all(routers.map((router) => router.explain('a', t, c)));
        const routed = await Promise.all(routers.map((router) => router.route('a', t, c)));
        for (const [i, decision] of more.entries()) {
          const n = [1, 2, 30][i]!;
          expect({ ...decision, trace: [] }).toEqual({ ...seven!, trace: [] });
          const extra = seven!.source === 'agent_rule' ? [] : fillers(n).map((filler, j) => ({ outcome: 'not_matched', rule: `routing_rules[${7 + j}]`, message: `"${filler.condition}" is false` }));
          expect(ruleSteps(decision.trace)).toEqual([...ruleSteps(seven!.trace), ...extra]);
        }
        for (const [i, decision] of routed.entries()) expect(decision.modelId).toBe(i === 0 ? seven!.modelId : more[i - 1]!.modelId);
        const silent = await quiet.route('a', t, c);
        expect(silent.trace).toEqual([]);
        expect(silent.modelId).toBe(seven!.modelId);
        if (seven!.localOnly) expect(seven!.modelType).toBe('local');
      }
    }
  });

  it('reload between decisions: 9 rules, then 7, then 12 with other models; each decision follows the rules in force', async () => {
    const nine = [...base, ...fillers(2)];
    const router = createRouter(configWith(nine), { logger: {}, clock });
    const first = await router.explain('a', { type: 'code', complexity: 7 });
    expect(first).toMatchObject({ modelId: 'cloud', source: 'agent_rule' });

    const seven: Rule[] = [{ condition: "task.type == 'code'", model: 'loc_nt' }, ...base.slice(1)];
    router.reload(configWith(seven));
    const second = await router.route('a', { type: 'code', complexity: 7 });
    expect(second).toMatchObject({ modelId: 'loc_nt', reason: `agent rule routing_rules[0]: task.type == 'code'` });

    const twelve: Rule[] = [...fillers(10), { condition: "task.type in ['code'] and task.complexity >= 7", model: 'cloud_nt' }, { condition: "task.type == 'code'", model: 'loc' }];
    router.reload(configWith(twelve));
    const third = await router.explain('a', { type: 'code', complexity: 7 });
    expect(third).toMatchObject({ modelId: 'cloud_nt', reason: "agent rule routing_rules[10]: task.type in ['code'] and task.complexity >= 7" });
    expect(ruleSteps(third.trace)).toHaveLength(11);
    expect((await router.route('a', { type: 'code', complexity: 7, privacy_level: 'High' })).modelId).toBe('loc');

    // A decision made before a reload keeps the trace of the rules it was made by.
    expect(ruleSteps(first.trace)).toEqual([{ outcome: 'chosen', rule: 'routing_rules[0]', modelId: 'cloud' }]);
    router.reload(configWith(nine));
    expect(await router.explain('a', { type: 'code', complexity: 7 })).toEqual(first);
  });

  it("a decision's trace array is its own: changing it changes no later decision", async () => {
    const router = createRouter(configWith([...base, ...fillers(20)]), { logger: {} });
    const one = await router.explain('a', { type: 'none' });
    const before = structuredClone(one.trace);
    one.trace.length = 0;
    one.trace.push({ step: 'input', outcome: 'info', message: 'mine' });
    const two = await router.explain('a', { type: 'none' });
    expect(two.trace).toEqual(before);
  });

  it('a context with an own getter and one with a Proxy, through route()', async () => {
    const router = createRouter(configWith([...base, ...fillers(3)]), { logger: {} });
    let calls = 0;
    const getterContext = Object.defineProperty({}, 'budget_mode', { enumerable: true, get: () => (calls++, true) });
    expect((await router.route('a', { type: 'x' }, getterContext)).modelId).toBe('loc_nt');
    expect(calls).toBeGreaterThan(0);
    const proxied = new Proxy({ budget_mode: true } as RoutingContext, {});
    expect((await router.route('a', { type: 'x' }, proxied)).modelId).toBe('loc_nt');
    const throwing = Object.defineProperty({}, 'budget_mode', { enumerable: true, get: () => { throw new Error('no'); } });
    const decision = await router.explain('a', { type: 'x', tier: 'gold' }, throwing);
    expect(ruleSteps(decision.trace).find((step) => step.rule === 'routing_rules[2]')).toMatchObject({ outcome: 'error' });
    expect(decision).toMatchObject({ source: 'agent_rule', modelId: 'cloud' });
  });
});

// ---------------------------------------------------------------------------------------------
// Bounds and inherited fields

describe('bounds, and fields the decision reads itself', () => {
  // An index lists, for each value, the rules keyed on it and every unkeyed rule: with many values
  // and many unkeyed rules that is a product. Past a few entries per rule the set keeps no index
  // (every rule stays in play; the paths are still read once). Rules alternating
  // `task.type == 'v<i>'` and `task.n > <i>` once kept about a million entries for 2 000 rules.
  it('the index a rule set keeps grows with its rules, not with their square', () => {
    const count = 2000;
    const set = planConditionSet(Array.from({ length: count }, (_, i) => compileCondition(i % 2 ? `task.type == 'v${i}'` : `task.n > ${i}`)))!;
    const kept = new Set<readonly number[]>();
    let entries = 0;
    for (let i = 1; i < count; i += 2) {
      const values = set.read({ task: { type: `v${i}` } })!;
      const inPlay = set.candidates(values);
      // A list handed out again for the same value is one the set keeps.
      if (inPlay !== undefined && inPlay === set.candidates(values) && !kept.has(inPlay)) {
        kept.add(inPlay);
        entries += inPlay.length;
      }
    }
    expect(entries).toBeLessThanOrEqual(8 * count);
  });

  // `cost_limit_reached` is the context's own boolean when it has one, else `daily_cost >= budget`:
  // only an own property counts, so a polluted Object.prototype changes nothing.
  it('an inherited cost_limit_reached never reaches a condition', async () => {
    const rules: Rule[] = [{ condition: 'cost_limit_reached', model: 'loc_nt' }, ...Array.from({ length: 8 }, (_, i): Rule => ({ condition: `task.type == 't${i}'`, model: 'cloud' }))];
    const router = createRouter(configWith(rules), { logger: {} });
    const clean = await router.explain('a', { type: 'x' }, {});
    expect(clean.source).toBe('strategy');
    const proto = Object.prototype as Record<string, unknown>;
    let polluted: RoutingDecision;
    try {
      proto.cost_limit_reached = true;
      polluted = await router.explain('a', { type: 'x' }, {});
    } finally {
      delete proto.cost_limit_reached;
    }
    expect(polluted.source).toBe('strategy');
    expect(polluted.modelId).toBe(clean.modelId);
  });

  // The fields the decision reads itself (`force_model`, `privacy_level`, `id`, ...) are the task's
  // own: an inherited `force_model` never makes every task a task override.
  it('an inherited force_model never overrides the rules', async () => {
    const rules: Rule[] = Array.from({ length: 9 }, (_, i): Rule => ({ condition: `task.type == 't${i}'`, model: 'cloud' }));
    const router = createRouter(configWith(rules), { logger: {} });
    const proto = Object.prototype as Record<string, unknown>;
    let decision: RoutingDecision;
    try {
      proto.force_model = 'loc_nt';
      decision = await router.explain('a', { type: 't3' });
    } finally {
      delete proto.force_model;
    }
    expect(decision).toMatchObject({ source: 'agent_rule', modelId: 'cloud' });
  });

  it('an inherited routing_strategy, budget_mode, id or privacy_level changes nothing', async () => {
    const rules: Rule[] = Array.from({ length: 9 }, (_, i): Rule => ({ condition: `task.type == 't${i}'`, model: 'cloud' }));
    const router = createRouter(configWith(rules), { logger: {} });
    const clean = await router.explain('a', { type: 'x', complexity: 5 }, {});
    const proto = Object.prototype as Record<string, unknown>;
    const planted = { routing_strategy: 'no_such_strategy', budget_mode: true, id: 'planted', privacy_level: 'high', max_latency_ms: 1 };
    let polluted: RoutingDecision;
    try {
      Object.assign(proto, planted);
      polluted = await router.explain('a', { type: 'x', complexity: 5 }, {});
    } finally {
      for (const key of Object.keys(planted)) delete proto[key];
    }
    expect({ ...polluted, decidedAt: 0 }).toEqual({ ...clean, decidedAt: 0 });
    expect(polluted.taskId).toBeUndefined();
  });
});
