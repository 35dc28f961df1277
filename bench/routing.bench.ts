// How long a routing decision takes for the seed's agents (tasks without prompt text, so no PII
// scan), against a hand-written TypeScript function that makes the same choices for the same
// tasks — the cheapest code that could do this job. Both run in the same process and run.
//
//   npm run build && npx tsx --tsconfig bench/tsconfig.json bench/routing.bench.ts
import { fileURLToPath } from 'node:url';
import { Bench } from 'tinybench';
import { createRouter, loadConfig, type Task } from 'llm-agent-router';
// decide() is the router's pure core, not part of the public API: measured from source.
import { compileConfig } from '../src/routing/compile-config.js';
import { decide } from '../src/routing/decide.js';
import type { RoutingState } from '../src/routing/types.js';
import { isMain, medianNs } from './bench-main.js';
import { MANY_RULES_TARGET_NS, PROMPT_TARGET_NS, ROUTE_RATIO_TARGET, ROUTE_TARGET_NS, RULE_TARGET } from './targets.js';

type Request = { agent: string; task: Task; context: Record<string, unknown> };

/** A mix of requests that hit each agent's rules and fall through to the strategy. */
const REQUESTS: Request[] = [
  { agent: 'cto_agent', task: { complexity: 9, privacy_level: 'low' }, context: {} },
  { agent: 'cto_agent', task: { complexity: 5, privacy_level: 'high' }, context: {} },
  { agent: 'cto_agent', task: { complexity: 3 }, context: {} },
  { agent: 'backend_agent', task: { type: 'code_generation', complexity: 5 }, context: {} },
  { agent: 'backend_agent', task: { type: 'bug_fix', complexity: 8 }, context: {} },
  { agent: 'backend_agent', task: { type: 'bug_fix', complexity: 2 }, context: { budget_mode: true } },
  { agent: 'frontend_agent', task: { involves_ui_design: true }, context: {} },
  { agent: 'frontend_agent', task: { complexity: 8 }, context: {} },
  { agent: 'qa_agent', task: { type: 'test_generation' }, context: {} },
  { agent: 'qa_agent', task: { type: 'review', requires_reasoning: true }, context: {} },
];

/**
 * The baseline: the seed's rules written out by hand, and for tasks no rule takes, the strategy's
 * answer for that complexity band (what the router computes by scoring, looked up here).
 */
function handWritten(agent: string, task: Task, context: Record<string, unknown>): string {
  const complexity = typeof task.complexity === 'number' ? task.complexity : 5;
  switch (agent) {
    case 'cto_agent':
      if (task.privacy_level === 'high') return 'llama-3-70b';
      if (complexity > 8) return 'claude-3-opus';
      if (context.cost_limit_reached === true) return 'llama-3-70b';
      return complexity >= 7 ? 'claude-3-opus' : complexity <= 3 ? 'llama-3-70b' : 'llama-3-70b';
    case 'backend_agent':
      if (task.type === 'code_generation') return 'deepseek-coder-33b';
      if (complexity > 6) return 'claude-3-opus';
      if (context.budget_mode === true) return 'llama-3-70b';
      return 'deepseek-coder-33b';
    case 'frontend_agent':
      if (task.involves_ui_design) return 'gpt-4-turbo';
      if (task.privacy_level === 'high') return 'llama-3-70b';
      return complexity >= 7 ? 'gpt-4-turbo' : 'llama-3-70b';
    case 'qa_agent':
      if (task.type === 'test_generation') return 'llama-3-70b';
      if (task.requires_reasoning) return 'gpt-4-turbo';
      return complexity >= 7 ? 'gpt-4-turbo' : 'llama-3-70b';
    default:
      throw new Error(`unknown agent ${agent}`);
  }
}

export interface RoutingRow {
  name: string;
  medianNs: number;
  /** What the row is held to, and whether it is met in this run. */
  target?: { text: string; met: boolean };
}

/** About 4 KB of ordinary English without PII: the prompt a task carries. */
const PROMPT_4KB = (() => {
  const sentence = 'Refactor the billing service so that refunds settle in one batch per day, keep the audit trail and add tests for partial refunds. ';
  return sentence.repeat(Math.ceil(4096 / sentence.length)).slice(0, 4096);
})();

/** Rules keyed on `task.type`, as most agents' are: its value rules out the rules naming another. */
const KEYED = (i: number) => `task.type == 'kind_${i}' and task.complexity > 3 and not data.contains_pii`;
/** Rules no value rules out: each is evaluated (its first clause fails for the benchmark's task). */
const UNKEYED = (i: number) => `task.complexity > ${i + 10} and task.type != 'kind_${i}' and not data.contains_pii`;

/** A router whose one agent has `count` three-clause rules that never match the benchmark's task. */
function manyRules(count: number, trace = true, condition: (i: number) => string = KEYED) {
  return createRouter(
    {
      models: { big: { provider: 'openai', type: 'cloud' }, small: { provider: 'local', type: 'local' } },
      agents: { many: { model_preferences: { primary: 'small', fallback: 'big' }, routing_rules: Array.from({ length: count }, (_, i) => ({ condition: condition(i), model: 'big' })) } },
      routing: { default_strategy: 'balanced' },
    },
    { logger: {}, trace },
  );
}

export async function runRoutingBench(): Promise<RoutingRow[]> {
  const configDir = fileURLToPath(new URL('../examples/config', import.meta.url));
  const config = await loadConfig(configDir);
  const router = createRouter(config);
  const untraced = createRouter(config, { trace: false });
  const compiled = compileConfig(config);

  // The baseline must make the same choices, or the comparison means nothing.
  for (const { agent, task, context } of REQUESTS) {
    const decision = await router.route(agent, task, context);
    const expected = handWritten(agent, task, context);
    if (decision.modelId !== expected) {
      throw new Error(`baseline disagrees for ${agent} ${JSON.stringify(task)}: router ${decision.modelId}, hand-written ${expected}`);
    }
  }

  // The state as the router gathers it, field for field and in its order: decide() called with
  // another shape would learn two shapes, and the route() rows after it would pay for both.
  const state = (): RoutingState => ({
    now: 0,
    strategy: 'balanced',
    strategySource: 'default',
    requestedStrategy: undefined,
    dailyCostUsd: 0,
    agentDailyCostUsd: 0,
    budgetUsd: undefined,
    cloudRefused: undefined,
    notes: undefined,
    agentOverride: undefined,
    taskOverride: undefined,
    experiments: undefined,
    containsPii: false,
    piiReason: undefined,
    inputTokens: 1000,
    inputTokensSource: 'default',
    outputTokens: 500,
    outputLimit: undefined,
    requires: undefined,
    modelStates: undefined,
  });

  const none = manyRules(0);
  const hundred = manyRules(100);
  const noneUntraced = manyRules(0, false);
  const hundredUntraced = manyRules(100, false);
  const unkeyed = manyRules(100, true, UNKEYED);
  const unkeyedUntraced = manyRules(100, false, UNKEYED);
  const task = { type: 'other', complexity: 5 };
  const data = { contains_pii: false };
  // The same hundred checks written as closures: what a rule costs at the least.
  type Checked = { type: string; complexity: number };
  const closures = Array.from({ length: 100 }, (_, i) => {
    const kind = `kind_${i}`;
    return (t: Checked, d: { contains_pii: boolean }) => t.type === kind && t.complexity > 3 && !d.contains_pii;
  });
  const unkeyedClosures = Array.from({ length: 100 }, (_, i) => {
    const kind = `kind_${i}`;
    const least = i + 10;
    return (t: Checked, d: { contains_pii: boolean }) => t.complexity > least && t.type !== kind && !d.contains_pii;
  });
  for (const many of [hundred, unkeyed]) if ((await many.route('many', task)).source !== 'strategy') throw new Error('a rule matched the task that none should');

  let i = 0;
  let sink = 0;
  // Each timed iteration makes BATCH calls, and a row is the iteration's median over BATCH: the
  // harness's own cost per iteration (two timer reads, its own await: about 30 ns for a function,
  // 110 ns for an async one on this machine) would otherwise be most of the hand-written baseline
  // and a tenth of route(). The closures' row is a hundred closures per iteration already.
  const BATCH = 100;
  const batched = new Set<string>();
  const each = (name: string, call: () => number) => {
    batched.add(name);
    bench.add(name, () => {
      for (let k = 0; k < BATCH; k++) sink += call();
    });
  };
  // `call` hands back route()'s own promise, awaited here: one await per call, as a caller makes.
  const eachAwaited = (name: string, call: () => Promise<{ modelId: string }>) => {
    batched.add(name);
    bench.add(name, async () => {
      for (let k = 0; k < BATCH; k++) sink += (await call()).modelId.length;
    });
  };
  const bench = new Bench({ time: 1000, warmup: true });
  const next = () => REQUESTS[i++ % REQUESTS.length]!;
  each('hand-written routing function (baseline)', () => {
    const r = next();
    return handWritten(r.agent, r.task, r.context).length;
  });
  each('decide() — the pure core', () => {
    const r = next();
    return decide(compiled, r.agent, r.task, r.context, state()).modelId.length;
  });
  eachAwaited('router.route() — state gathering + decide, awaited', () => {
    const r = next();
    return router.route(r.agent, r.task, r.context);
  });
  eachAwaited('router.route() — the same, trace: false', () => {
    const r = next();
    return untraced.route(r.agent, r.task, r.context);
  });
  eachAwaited('router.route() with a 4 KB prompt (PII scan, token estimate)', () => router.route('cto_agent', { complexity: 5, prompt: PROMPT_4KB }));
  eachAwaited('router.route(), an agent with no rules', () => none.route('many', task));
  eachAwaited('router.route(), an agent with 100 rules that do not match', () => hundred.route('many', task));
  eachAwaited('router.route(), no rules, trace: false', () => noneUntraced.route('many', task));
  eachAwaited('router.route(), 100 rules that do not match, trace: false', () => hundredUntraced.route('many', task));
  eachAwaited('router.route(), 100 rules no value rules out', () => unkeyed.route('many', task));
  eachAwaited('router.route(), 100 rules no value rules out, trace: false', () => unkeyedUntraced.route('many', task));
  bench
    .add('100 three-clause closures (hand-written rules)', () => {
      for (const check of closures) if (check(task, data)) sink++;
      sink++;
    })
    .add('100 three-clause closures, the rules no value rules out', () => {
      for (const check of unkeyedClosures) if (check(task, data)) sink++;
      sink++;
    });
  await bench.run();
  if (sink === 0) throw new Error('unreachable');
  const rows: RoutingRow[] = bench.tasks.map((t) => ({ name: t.name, medianNs: medianNs(t) / (batched.has(t.name) ? BATCH : 1) }));
  const at = (prefix: string) => rows.find((row) => row.name.startsWith(prefix))!;
  const hand = at('hand-written routing').medianNs;
  for (const route of [at('router.route() —'), at('router.route() — the same, trace: false')]) {
    route.target = { text: `≤ ${ROUTE_TARGET_NS / 1000} µs and ≤ ${ROUTE_RATIO_TARGET}× hand-written`, met: route.medianNs <= ROUTE_TARGET_NS && route.medianNs <= ROUTE_RATIO_TARGET * hand };
  }
  const prompt = at('router.route() with a 4 KB');
  prompt.target = { text: `≤ ${PROMPT_TARGET_NS / 1000} µs`, met: prompt.medianNs <= PROMPT_TARGET_NS };
  const many = at('router.route(), an agent with 100');
  many.target = { text: `≤ ${MANY_RULES_TARGET_NS / 1000} µs`, met: many.medianNs <= MANY_RULES_TARGET_NS };
  // One rule's share of a decision: the difference the hundred rules make, per rule, next to one closure.
  const perRule = (label: string, withRules: RoutingRow, withoutRules: RoutingRow, closures: RoutingRow) => {
    const ns = (withRules.medianNs - withoutRules.medianNs) / 100;
    const closure = closures.medianNs / 100;
    rows.push({ name: label, medianNs: ns, target: { text: `≤ ${RULE_TARGET}× a closure (${closure.toFixed(1)} ns here): ${(ns / closure).toFixed(1)}×`, met: ns <= RULE_TARGET * closure } });
  };
  const noRules = at('router.route(), an agent with no rules');
  const noRulesUntraced = at('router.route(), no rules, trace: false');
  const keyedClosures = at('100 three-clause closures (hand-written');
  const otherClosures = at('100 three-clause closures, the rules no value');
  perRule('one three-clause rule inside route() (per rule: 100 rules − none, / 100)', many, noRules, keyedClosures);
  perRule('the same, trace: false', at('router.route(), 100 rules that do not match, trace: false'), noRulesUntraced, keyedClosures);
  perRule('one rule no value rules out, inside route()', at('router.route(), 100 rules no value rules out'), noRules, otherClosures);
  perRule('the same, trace: false ', at('router.route(), 100 rules no value rules out, trace: false'), noRulesUntraced, otherClosures);
  return rows;
}

if (isMain(import.meta.url)) {
  const rows = await runRoutingBench();
  const baseline = rows[0]!.medianNs;
  console.log('Routing decision for the seed agents (median per decision)');
  for (const row of rows) {
    const target = row.target ? `   target ${row.target.text}: ${row.target.met ? 'met' : 'NOT met'}` : '';
    console.log(`  ${row.name.padEnd(72)} ${(row.medianNs / 1000).toFixed(3).padStart(8)} µs   ${(row.medianNs / baseline).toFixed(1).padStart(6)}× baseline${target}`);
  }
}
