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

export async function runRoutingBench(): Promise<{ name: string; medianNs: number }[]> {
  const configDir = fileURLToPath(new URL('../examples/config', import.meta.url));
  const config = await loadConfig(configDir);
  const router = createRouter(config);
  const compiled = compileConfig(config);

  // The baseline must make the same choices, or the comparison means nothing.
  for (const { agent, task, context } of REQUESTS) {
    const decision = await router.route(agent, task, context);
    const expected = handWritten(agent, task, context);
    if (decision.modelId !== expected) {
      throw new Error(`baseline disagrees for ${agent} ${JSON.stringify(task)}: router ${decision.modelId}, hand-written ${expected}`);
    }
  }

  const state = (): RoutingState => ({
    now: 0,
    strategy: 'balanced',
    strategySource: 'default',
    dailyCostUsd: 0,
    agentDailyCostUsd: 0,
    budgetUsd: undefined,
    containsPii: false,
    inputTokens: 1000,
    outputTokens: 500,
  });

  let i = 0;
  let sink = 0;
  const bench = new Bench({ time: 1000, warmup: true });
  bench
    .add('hand-written routing function (baseline)', () => {
      const r = REQUESTS[i++ % REQUESTS.length]!;
      sink += handWritten(r.agent, r.task, r.context).length;
    })
    .add('decide() — the pure core', () => {
      const r = REQUESTS[i++ % REQUESTS.length]!;
      sink += decide(compiled, r.agent, r.task, r.context, state()).modelId.length;
    })
    .add('router.route() — state gathering + decide, awaited', async () => {
      const r = REQUESTS[i++ % REQUESTS.length]!;
      sink += (await router.route(r.agent, r.task, r.context)).modelId.length;
    });
  await bench.run();
  if (sink === 0) throw new Error('unreachable');
  return bench.tasks.map((task) => {
    return { name: task.name, medianNs: medianNs(task) };
  });
}


if (isMain(import.meta.url)) {
  const rows = await runRoutingBench();
  const baseline = rows[0]!.medianNs;
  console.log('Routing decision for the seed agents (median per decision)');
  for (const row of rows) {
    console.log(`  ${row.name.padEnd(52)} ${(row.medianNs / 1000).toFixed(3).padStart(8)} µs   ${(row.medianNs / baseline).toFixed(1).padStart(6)}× baseline`);
  }
}
