import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createRouter, defaultPiiDetector, InvalidArgumentError, UnknownStrategyError, type RouterConfigInput } from '../../src/index.js';
import { parseWorkload, WorkloadError, type WorkloadTask } from '../../src/simulation/parse-workload.js';
import { simulateWorkload, type SimulationReport, type StrategyOutcome } from '../../src/simulation/simulate-workload.js';
import { loadSeed } from '../helpers/seed.js';

const DAY_FILE = fileURLToPath(new URL('../../examples/workloads/day.jsonl', import.meta.url));
const dayWorkload = () => parseWorkload(readFileSync(DAY_FILE, 'utf8'), { fileName: 'day.jsonl' }).tasks;

function outcome(report: SimulationReport, strategy: string): StrategyOutcome {
  const found = report.strategies.find((s) => s.strategy === strategy);
  if (!found) throw new Error(`no outcome for ${strategy}`);
  return found;
}

/** USD of a call at models.yaml prices (per 1000 tokens). */
function priceOf(config: RouterConfigInput, modelId: string, input: number, output: number): number {
  const price = config.models[modelId]!.cost_per_1k_tokens ?? { input: 0, output: 0 };
  return (input * (price.input ?? 0) + output * (price.output ?? 0)) / 1000;
}

function sum(values: Iterable<number>): number {
  let total = 0;
  for (const value of values) total += value;
  return total;
}

/** Checks the figures of one strategy agree with each other. */
function expectConsistent(s: StrategyOutcome): void {
  expect(s.served + s.refused + s.failed).toBe(s.requests);
  expect(s.refused).toBe(s.refusedBy.budget + s.refusedBy.noEligibleModel);
  expect(sum(Object.values(s.costByAgentUsd))).toBeCloseTo(s.totalCostUsd, 6);
  expect(sum(Object.values(s.costByModelUsd))).toBeCloseTo(s.totalCostUsd, 6);
  expect(sum(Object.values(s.modelMix).flatMap((byModel) => Object.values(byModel)))).toBe(s.served);
  expect(s.localShare).toBeCloseTo(s.served === 0 ? 0 : s.localRequests / s.served, 12);
  // The series is cumulative: never decreasing, ending at the total.
  for (let i = 1; i < s.costSeriesUsd.length; i++) expect(s.costSeriesUsd[i]!).toBeGreaterThanOrEqual(s.costSeriesUsd[i - 1]!);
  expect(s.costSeriesUsd[s.costSeriesUsd.length - 1]).toBeCloseTo(s.totalCostUsd, 6);
}

describe('simulateWorkload: a small hand-made workload', () => {
  const at = (time: string) => `2026-03-10T${time}:00Z`;
  const tasks: WorkloadTask[] = [
    // cto_agent rule "task.complexity > 8" → claude-3-opus
    { at: at('09:00'), agent: 'cto_agent', task: { type: 'design', complexity: 9, privacy_level: 'low' }, input_tokens: 1000, output_tokens: 200 },
    // backend_agent rule "task.type == 'code_generation'" → deepseek-coder-33b (local, free)
    { at: at('09:10'), agent: 'backend_agent', task: { type: 'code_generation', complexity: 4 }, input_tokens: 3000, output_tokens: 900 },
    // frontend_agent rule "task.involves_ui_design" → gpt-4-turbo
    { at: at('10:20'), agent: 'frontend_agent', task: { type: 'design', complexity: 5, involves_ui_design: true }, input_tokens: 2000, output_tokens: 500 },
    // qa_agent rule "task.type == 'test_generation'" → llama-3-70b (local, free)
    { at: at('11:00'), agent: 'qa_agent', task: { type: 'test_generation', complexity: 3 }, input_tokens: 1500, output_tokens: 1200 },
    // qa_agent rule "task.requires_reasoning" → gpt-4-turbo
    { at: at('13:45'), agent: 'qa_agent', task: { type: 'review', complexity: 5, requires_reasoning: true }, input_tokens: 500, output_tokens: 100 },
    // PII in the prompt: the cto rule's cloud model is skipped, a local model serves
    { at: at('14:00'), agent: 'cto_agent', task: { type: 'design', complexity: 10, prompt: 'Check the account of jane.doe@example.com' }, input_tokens: 800, output_tokens: 300 },
  ];

  it('books exactly the models.yaml price of each call, per agent and in total', async () => {
    const config = await loadSeed();
    const report = await simulateWorkload(config, tasks, { strategies: ['balanced'] });
    const s = outcome(report, 'balanced');
    const cto = priceOf(config, 'claude-3-opus', 1000, 200); // 0.015 + 0.015
    const frontend = priceOf(config, 'gpt-4-turbo', 2000, 500); // 0.02 + 0.015
    const qa = priceOf(config, 'gpt-4-turbo', 500, 100); // 0.005 + 0.003
    expect(cto).toBeCloseTo(0.03, 10);
    expect(Object.keys(s.costByAgentUsd).sort()).toEqual(['cto_agent', 'frontend_agent', 'qa_agent']);
    expect(s.costByAgentUsd.cto_agent).toBeCloseTo(cto, 10);
    expect(s.costByAgentUsd.frontend_agent).toBeCloseTo(frontend, 10);
    expect(s.costByAgentUsd.qa_agent).toBeCloseTo(qa, 10);
    expect(s.totalCostUsd).toBeCloseTo(0.073, 10);
    expect(Object.keys(s.costByModelUsd).sort()).toEqual(['claude-3-opus', 'gpt-4-turbo']);
    expect(s.costByModelUsd['claude-3-opus']).toBeCloseTo(cto, 10);
    expect(s.costByModelUsd['gpt-4-turbo']).toBeCloseTo(frontend + qa, 10);
    expect(s.modelMix).toEqual({
      cto_agent: { 'claude-3-opus': 1, 'llama-3-70b': 1 },
      backend_agent: { 'deepseek-coder-33b': 1 },
      frontend_agent: { 'gpt-4-turbo': 1 },
      qa_agent: { 'llama-3-70b': 1, 'gpt-4-turbo': 1 },
    });
    expect(s.localRequests).toBe(3);
    expect(s.localShare).toBeCloseTo(0.5, 12);
    expect(s.privacyActivations).toBe(1);
    expect([s.fallbacks, s.ruleSwitches, s.verifications, s.refused, s.failed]).toEqual([0, 0, 0, 0, 0]);
    expect(s.breakerTrippedAt).toBeNull();
    expect(s.budgetUsd).toBeNull();
    expectConsistent(s);
  });

  it('puts each cost in the 15-minute interval of its simulated time', async () => {
    const config = await loadSeed();
    const report = await simulateWorkload(config, tasks, { strategies: ['balanced'] });
    expect(report.start).toBe(Date.parse('2026-03-10T00:00:00Z'));
    expect(report.bucketMs).toBe(15 * 60_000);
    expect(report.end - report.start).toBe(86_400_000);
    const series = outcome(report, 'balanced').costSeriesUsd;
    expect(series).toHaveLength(96);
    const bucket = (time: string) => (Date.parse(at(time)) - report.start) / report.bucketMs;
    expect(series[bucket('09:00') - 1]).toBe(0);
    expect(series[bucket('09:00')]).toBeCloseTo(0.03, 10);
    expect(series[bucket('10:15')]).toBeCloseTo(0.065, 10); // the 10:20 call falls in 10:15–10:30
    expect(series[bucket('13:45')]).toBeCloseTo(0.073, 10);
    expect(series[95]).toBeCloseTo(0.073, 10);
  });

  it('runs a cloud verification for critical work on a local model, and bills it', async () => {
    const config = await loadSeed();
    const critical: WorkloadTask[] = [
      { at: at('09:00'), agent: 'qa_agent', task: { type: 'test_generation', complexity: 3, critical: true }, input_tokens: 1000, output_tokens: 500 },
    ];
    const s = outcome(await simulateWorkload(config, critical, { strategies: ['balanced'] }), 'balanced');
    expect(s.modelMix).toEqual({ qa_agent: { 'llama-3-70b': 1 } });
    expect(s.verifications).toBe(1);
    // The answer is free (local); the verifier is a cloud model reading the conversation and the answer.
    expect(s.totalCostUsd).toBeGreaterThan(0);
    expect(Object.keys(s.costByModelUsd).every((id) => config.models[id]!.type === 'cloud')).toBe(true);
    expectConsistent(s);
  });
});

describe('simulateWorkload: the sample day', () => {
  it('under privacy_first sends every request to a local model and costs nothing', async () => {
    const config = await loadSeed('production');
    const tasks = dayWorkload();
    const report = await simulateWorkload(config, tasks, { strategies: ['privacy_first'] });
    const s = outcome(report, 'privacy_first');
    expect(s.requests).toBe(tasks.length);
    expect(s.served).toBe(tasks.length);
    expect(s.localRequests).toBe(tasks.length);
    expect(s.localShare).toBe(1);
    expect(s.totalCostUsd).toBe(0);
    expect(s.costByAgentUsd).toEqual({});
    expect(s.privacyActivations).toBe(tasks.length);
    expect(s.verifications).toBe(0);
    const localModels = new Set(Object.entries(config.models).filter(([, m]) => m.type === 'local').map(([id]) => id));
    for (const byModel of Object.values(s.modelMix)) for (const id of Object.keys(byModel)) expect(localModels.has(id)).toBe(true);
    expectConsistent(s);
  });

  it('agrees with figures recomputed independently: PII activations from the detector, model mix from route()', async () => {
    const config = await loadSeed();
    const tasks = dayWorkload();
    const report = await simulateWorkload(config, tasks, { strategies: ['balanced'] });
    const s = outcome(report, 'balanced');

    // Privacy activations: a prompt the detector flags, or a task whose privacy_level is high (the
    // default local-only level, in any letter case).
    const withPii = tasks.filter((t) => defaultPiiDetector.detect(String(t.task.prompt ?? '')).length > 0).length;
    // docs/cli-simulate.md, "The sample day": PII in 171 of the 3 000 prompts.
    expect(tasks).toHaveLength(3000);
    expect(withPii).toBe(171);
    const privateTasks = tasks.filter(
      (t) => defaultPiiDetector.detect(String(t.task.prompt ?? '')).length > 0 || String(t.task.privacy_level ?? '').toLowerCase() === 'high',
    ).length;
    expect(privateTasks).toBeGreaterThan(withPii);
    expect(s.privacyActivations).toBe(privateTasks);

    // Without a budget in force, spend does not change decisions, and the day is far below the rate
    // limits: each task is served by the model route() picks for it, and verified when it says so —
    // except near-ties that the model_availability factor tips: the simulated calls load the rate
    // windows a little, while route() on an idle router sees no load. Those stay under 1 % of tasks.
    const router = createRouter(config, { logger: {} });
    const mix: Record<string, Record<string, number>> = {};
    let verifications = 0;
    let local = 0;
    for (const t of tasks) {
      const d = await router.route(t.agent, { ...t.task, estimated_tokens: t.input_tokens, max_output_tokens: t.output_tokens }, { routing_strategy: 'balanced' });
      (mix[t.agent] ??= {})[d.modelId] = (mix[t.agent]?.[d.modelId] ?? 0) + 1;
      if (d.verification) verifications++;
      if (d.modelType === 'local') local++;
    }
    let differences = 0;
    for (const agent of new Set([...Object.keys(mix), ...Object.keys(s.modelMix)])) {
      for (const model of new Set([...Object.keys(mix[agent] ?? {}), ...Object.keys(s.modelMix[agent] ?? {})])) {
        differences += Math.abs((mix[agent]?.[model] ?? 0) - (s.modelMix[agent]?.[model] ?? 0));
      }
    }
    expect(Object.keys(s.modelMix).sort()).toEqual(Object.keys(mix).sort());
    expect(differences).toBeLessThanOrEqual(tasks.length * 0.01 * 2);
    expect(Math.abs(s.verifications - verifications)).toBeLessThanOrEqual(tasks.length * 0.01);
    expect(Math.abs(s.localRequests - local)).toBeLessThanOrEqual(tasks.length * 0.01);
    expect(s.fallbacks).toBe(0);
    expectConsistent(s);
  });

  it('compares every strategy, each figure consistent, the forced strategy really in force', async () => {
    const config = await loadSeed('production');
    const report = await simulateWorkload(config, dayWorkload(), { strategies: ['balanced', 'cost_optimized', 'performance_optimized', 'privacy_first'] });
    expect(report.strategies.map((s) => s.strategy)).toEqual(['balanced', 'cost_optimized', 'performance_optimized', 'privacy_first']);
    expect(report.environment).toBe('production');
    expect(report.agents).toEqual(['cto_agent', 'backend_agent', 'frontend_agent', 'qa_agent']);
    for (const s of report.strategies) {
      expectConsistent(s);
      expect(s.budgetUsd).toBe(500); // production's max_cloud_spend_per_day
    }
    const cost = (name: string) => outcome(report, name).totalCostUsd;
    expect(cost('privacy_first')).toBe(0);
    expect(cost('performance_optimized')).toBeGreaterThan(cost('cost_optimized'));
    expect(outcome(report, 'performance_optimized').localShare).toBeLessThan(outcome(report, 'balanced').localShare);
  });

  it('--budget is the budget in force for every strategy, and the cost breaker trips under it', async () => {
    const config = await loadSeed('production'); // production says 500/day, cost_optimized 100/day
    const budget = 20;
    const report = await simulateWorkload(config, dayWorkload(), { strategies: ['balanced', 'cost_optimized'], budgetUsd: budget });
    expect(report.budgetUsd).toBe(budget);
    for (const s of report.strategies) {
      expectConsistent(s);
      expect(s.budgetUsd).toBe(budget);
      expect(s.totalCostUsd).toBeLessThanOrEqual(budget);
      expect(s.breakerRule).toBe('cost_circuit_breaker');
      expect(s.breakerTrippedAt).not.toBeNull();
      expect(Date.parse(s.breakerTrippedAt!)).toBe(s.breakerTrippedAtMs);
      // The breaker goes local-only once spend passes 80 % of the budget: nothing is billed after it.
      const tripBucket = Math.floor((s.breakerTrippedAtMs! - report.start) / report.bucketMs);
      expect(s.costSeriesUsd[tripBucket]).toBeGreaterThan(budget * 0.8);
      expect(s.costSeriesUsd[s.costSeriesUsd.length - 1]).toBe(s.costSeriesUsd[tripBucket]);
    }
  });

  it('reports progress up to the total over all strategies', async () => {
    const config = await loadSeed();
    const tasks = dayWorkload();
    const calls: [number, number][] = [];
    await simulateWorkload(config, tasks, { strategies: ['balanced', 'privacy_first'], onProgress: (done, total) => calls.push([done, total]) });
    expect(calls.length).toBeGreaterThan(2);
    expect(calls.every(([, total]) => total === tasks.length * 2)).toBe(true);
    for (let i = 1; i < calls.length; i++) expect(calls[i]![0]).toBeGreaterThanOrEqual(calls[i - 1]![0]);
    expect(calls[calls.length - 1]).toEqual([tasks.length * 2, tasks.length * 2]);
  });
});

describe('simulateWorkload: refusals, races and edge cases', () => {
  const cloudOnly: RouterConfigInput = {
    models: {
      'fast-cloud': { provider: 'acme', type: 'cloud', cost_per_1k_tokens: { input: 0.01, output: 0.02 }, performance: { tokens_per_second: 100 } },
      'slow-cloud': { provider: 'other', type: 'cloud', cost_per_1k_tokens: { input: 0.001, output: 0.002 }, performance: { tokens_per_second: 10 } },
    },
    agents: { writer: { model_preferences: { primary: 'slow-cloud', fallback: 'fast-cloud' } } },
    routing: {
      strategies: { racing: { rules: [{ prefer_cloud_models: true }, { parallel_requests: true }] } },
      global_rules: [{ name: 'privacy_enforcement', condition: 'data.contains_pii', action: 'force_local_model' }],
    },
  };

  it('counts requests refused over budget and for want of an eligible (local) model', async () => {
    const tasks: WorkloadTask[] = [
      { agent: 'writer', task: { complexity: 5 }, input_tokens: 1000, output_tokens: 1000 }, // 0.003 on slow-cloud
      { agent: 'writer', task: { complexity: 5 }, input_tokens: 1000, output_tokens: 1000 }, // served with its output cut to the $0.002 left
      { agent: 'writer', task: { complexity: 5 }, input_tokens: 1000, output_tokens: 1000 }, // nothing left: refused
      { agent: 'writer', task: { complexity: 5, prompt: 'Card 4111 1111 1111 1111 was declined' }, input_tokens: 10, output_tokens: 10 }, // PII, no local model
    ];
    const s = outcome(await simulateWorkload(cloudOnly, tasks, { strategies: ['balanced'], budgetUsd: 0.005 }), 'balanced');
    expect(s.served).toBe(2);
    expect(s.refusedBy).toEqual({ budget: 1, noEligibleModel: 1 });
    expect(s.refused).toBe(2);
    // The budget is spent to the cent, never past it.
    expect(s.totalCostUsd).toBeCloseTo(0.005, 10);
    expectConsistent(s);
  });

  it('under parallel_requests the faster model wins the race and the cancelled one is not billed', async () => {
    const tasks: WorkloadTask[] = [{ agent: 'writer', task: { complexity: 5 }, input_tokens: 1000, output_tokens: 1000 }];
    const report = await simulateWorkload(cloudOnly, tasks, { strategies: ['racing', 'performance_optimized'] });
    // The decision names the agent's primary (slow-cloud); the race against its fallback is won by fast-cloud.
    const raced = outcome(report, 'racing');
    expect(raced.modelMix).toEqual({ writer: { 'fast-cloud': 1 } });
    expect(raced.fallbacks).toBe(1);
    expect(Object.keys(raced.costByModelUsd)).toEqual(['fast-cloud']);
    expect(raced.totalCostUsd).toBeCloseTo(priceOf(cloudOnly, 'fast-cloud', 1000, 1000), 10);
    // The built-in performance_optimized has the seed's rules, parallel_requests included: it races too.
    expect(outcome(report, 'performance_optimized').modelMix).toEqual({ writer: { 'fast-cloud': 1 } });
  });

  it('spreads tasks without a time evenly over one day, in workload order', async () => {
    const tasks: WorkloadTask[] = Array.from({ length: 4 }, () => ({ agent: 'writer', task: { complexity: 5 }, input_tokens: 1000, output_tokens: 0 }));
    const report = await simulateWorkload(cloudOnly, tasks, { strategies: ['balanced'], dayStart: '2026-06-01T00:00:00Z' });
    expect(report.start).toBe(Date.parse('2026-06-01T00:00:00Z'));
    const { costSeriesUsd: series, costByModelUsd } = outcome(report, 'balanced');
    // Every task goes to the same model; each step of the series is one of its calls.
    const served = Object.keys(costByModelUsd);
    expect(served).toHaveLength(1);
    const perCall = priceOf(cloudOnly, served[0]!, 1000, 0);
    // 00:00, 06:00, 12:00 and 18:00
    expect([series[0], series[24], series[48], series[72]].map((usd) => Math.round(usd! / perCall))).toEqual([1, 2, 3, 4]);
  });

  it('rejects unknown agents and strategies, and a bad budget, before simulating anything', async () => {
    const config = await loadSeed();
    const ok: WorkloadTask = { agent: 'cto_agent', task: {} };
    await expect(simulateWorkload(config, [ok, { agent: 'ghost', task: {} }], { strategies: ['balanced'] })).rejects.toSatisfy(
      (error: unknown) => InvalidArgumentError.isInstance(error) && /tasks\[1\].*unknown agent "ghost"/.test(error.message),
    );
    await expect(simulateWorkload(config, [ok], { strategies: ['fastest'] })).rejects.toSatisfy((error: unknown) => UnknownStrategyError.isInstance(error));
    await expect(simulateWorkload(config, [ok], { strategies: [] })).rejects.toSatisfy((error: unknown) => InvalidArgumentError.isInstance(error));
    await expect(simulateWorkload(config, [ok], { strategies: ['balanced'], budgetUsd: -1 })).rejects.toSatisfy((error: unknown) => InvalidArgumentError.isInstance(error));
  });

  it('simulates 100 000 tasks in seconds', async () => {
    const config = await loadSeed('production');
    const agents = ['cto_agent', 'backend_agent', 'frontend_agent', 'qa_agent'];
    const types = ['code_generation', 'review', 'bug_fix', 'test_generation', 'design'];
    const tasks: WorkloadTask[] = Array.from({ length: 100_000 }, (_, i) => ({
      agent: agents[i % 4]!,
      task: { type: types[i % 5], complexity: i % 11, critical: i % 31 === 0, prompt: `Fix the export of order batch ${i % 997}${i % 20 === 0 ? '; contact ann@example.org' : ''}` },
      input_tokens: 500 + (i % 1500),
      output_tokens: 200 + (i % 700),
    }));
    const started = performance.now();
    const report = await simulateWorkload(config, tasks, { strategies: ['balanced'] });
    const seconds = (performance.now() - started) / 1000;
    expect(outcome(report, 'balanced').requests).toBe(100_000);
    expectConsistent(outcome(report, 'balanced'));
    expect(seconds).toBeLessThan(20);
  }, 60_000);
});

describe('parseWorkload', () => {
  it('parses JSONL, skipping blank lines and keeping line numbers', () => {
    const { tasks, lines } = parseWorkload('{"agent":"a","task":{}}\n\n  \n{"agent":"b","task":{"complexity":3},"at":"2026-01-01T10:00:00Z"}\n');
    expect(tasks.map((t) => t.agent)).toEqual(['a', 'b']);
    expect(lines).toEqual([1, 4]);
  });

  it.each([
    ['{"agent":"a","task":{}', /invalid JSON/],
    ['[1,2]', /expected an object/],
    ['{"task":{}}', /"agent" must be a non-empty string/],
    ['{"agent":"a"}', /"task" must be an object/],
    ['{"agent":"a","task":{},"at":"yesterday"}', /"at" is not an ISO 8601 time/],
    ['{"agent":"a","task":{},"input_tokens":-5}', /"input_tokens" must be a non-negative number/],
    ['{"agent":"a","task":{},"taks":{}}', /unknown field "taks"/],
    ['{"agent":"ghost","task":{}}', /unknown agent "ghost"/],
  ])('reports FILE:LINE for %s', (line, message) => {
    const text = `{"agent":"a","task":{}}\n${line}\n`;
    let caught: unknown;
    try {
      parseWorkload(text, { fileName: 'w.jsonl', knownAgents: new Set(['a']) });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(WorkloadError);
    expect((caught as WorkloadError).line).toBe(2);
    expect((caught as Error).message).toMatch(/^w\.jsonl:2: /);
    expect((caught as Error).message).toMatch(message);
  });
});
