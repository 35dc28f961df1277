// Replays a workload through the real router, once per strategy: a fresh router and in-memory
// ledger each time, a simulated clock that jumps to each task's time, and mock providers that bill
// the task's token counts. Every request goes through `complete()`, so spend is reserved, settled
// and refused exactly as in production; the figures are read from what the ledger books.
import type { LoadedConfig } from '../config/load-config.js';
import type { RouterConfigInput } from '../config/schema.js';
import { InvalidArgumentError } from '../errors.js';
import { charsPerTokenEstimator } from '../request/token-estimator.js';
import { createRouter } from '../router/create-router.js';
import { compileConfig } from '../routing/compile-config.js';
import type { Task } from '../routing/types.js';
import { checkWorkloadTask, workloadTime, type WorkloadTask } from './parse-workload.js';
import { runStrategy, type ModelProfile, type PreparedTask, type SimulatedModel, type StrategyOutcome } from './run-strategy.js';

export type { SimulatedModel, StrategyOutcome } from './run-strategy.js';

export type { WorkloadTask } from './parse-workload.js';

export interface SimulationOptions {
  /** Strategy names to compare (each a key of `routing.strategies` or a built-in one). */
  strategies: string[];
  /**
   * The daily cloud budget in USD for every strategy. It is set as the environment-level
   * `routing.global_overrides.max_cloud_spend_per_day`, the budget that takes precedence over a
   * strategy's `cloud_budget_per_day` and `routing.budget.daily`, so it is the one in force.
   * Default: whatever the configuration says.
   */
  budgetUsd?: number;
  /** The environment's name, as the router reports it. Default: the loaded configuration's. */
  environment?: string;
  /** Called every few thousand tasks and at the end, with tasks done and total over all strategies. */
  onProgress?(done: number, total: number): void;
  /**
   * Where tasks without `at` start (they are spread evenly over the following 24 hours). Default: the
   * UTC day of the earliest task that has a time, else 2026-01-05T00:00:00Z.
   */
  dayStart?: string | number;
}

export interface SimulationReport {
  tasks: number;
  /** The environment overlay in use, or null. */
  environment: string | null;
  /** The budget the caller set (`budgetUsd`), or null; each strategy reports the one in force. */
  budgetUsd: number | null;
  /** Simulated time range of the cost series (epoch ms) and its interval. */
  start: number;
  end: number;
  bucketMs: number;
  /** Agents that appear in the workload, in configuration order. */
  agents: string[];
  models: SimulatedModel[];
  strategies: StrategyOutcome[];
}

const DAY_MS = 86_400_000;
const BUCKET_MS = 15 * 60_000;
const MAX_BUCKETS = 3000;
const DEFAULT_DAY_START = Date.parse('2026-01-05T00:00:00Z');

/**
 * Simulates `tasks` under each of `options.strategies` and reports cost, local share, model mix,
 * privacy activations, fallbacks, verifications, refusals and when the cost breaker tripped.
 */
export async function simulateWorkload(
  config: LoadedConfig | RouterConfigInput,
  tasks: readonly WorkloadTask[],
  options: SimulationOptions,
): Promise<SimulationReport> {
  if (typeof config !== 'object' || config === null) throw new InvalidArgumentError('config', 'expected a configuration object');
  if (!Array.isArray(tasks)) throw new InvalidArgumentError('tasks', 'expected an array of workload tasks');
  if (!options || !Array.isArray(options.strategies) || options.strategies.length === 0) {
    throw new InvalidArgumentError('options.strategies', 'expected at least one strategy name');
  }
  const { budgetUsd } = options;
  if (budgetUsd !== undefined && (typeof budgetUsd !== 'number' || !Number.isFinite(budgetUsd) || budgetUsd < 0)) {
    throw new InvalidArgumentError('options.budgetUsd', 'expected a non-negative number of USD');
  }
  const simulated = simulationConfig(config, budgetUsd, options.environment);

  // A probe router validates the configuration and the strategy names before any work is done.
  const probe = createRouter(simulated, { logger: {} });
  const knownAgents = new Set(probe.agentIds());
  const strategies = [...new Set(options.strategies)];
  for (const name of strategies) probe.overrides.setStrategy(name);
  tasks.forEach((task, index) => {
    const problem = checkWorkloadTask(task, knownAgents);
    if (problem) throw new InvalidArgumentError(`tasks[${index}]`, problem);
  });

  const defaultOutput = probe.config.routing?.defaults?.output_tokens ?? 500;
  let dayStart: number | undefined;
  if (options.dayStart !== undefined) {
    try {
      dayStart = workloadTime(options.dayStart)!;
    } catch (error) {
      throw new InvalidArgumentError('options.dayStart', (error as Error).message.replace('"at"', 'dayStart'));
    }
  }
  const prepared = prepareTasks(tasks, dayStart, defaultOutput);

  const first = prepared[0]?.at ?? dayStart ?? DEFAULT_DAY_START;
  const last = prepared[prepared.length - 1]?.at ?? first;
  const start = Math.floor(first / DAY_MS) * DAY_MS;
  const span = Math.max(DAY_MS, last - start + 1);
  const bucketMs = Math.max(BUCKET_MS, Math.ceil(span / MAX_BUCKETS / BUCKET_MS) * BUCKET_MS);
  const bucketCount = Math.ceil(span / bucketMs);

  const compiled = compileConfig(probe.config);
  const profiles: ModelProfile[] = [...compiled.models.values()].map((model) => ({
    id: model.id,
    type: model.type,
    provider: model.provider,
    tokensPerSecond: model.tokensPerSecond,
    latencyMs: model.config.performance?.latency_ms ?? 0,
  }));
  const models: SimulatedModel[] = profiles.map(({ id, type, provider }) => ({ id, type, provider }));
  const racingStrategies = new Set(strategies.filter((name) => compiled.strategies.get(name)?.parallelRequests === true));
  const breakerRules = (probe.config.routing?.global_rules ?? [])
    .filter((rule) => rule.enabled !== false && rule.action === 'switch_to_local_only')
    .map((rule) => rule.name);

  const seenAgents = new Set(prepared.map((task) => task.agent));
  const agents = probe.agentIds().filter((agent) => seenAgents.has(agent));

  const total = prepared.length * strategies.length;
  let done = 0;
  const outcomes: StrategyOutcome[] = [];
  for (const strategy of strategies) {
    const run = await runStrategy(simulated, strategy, prepared, {
      racingStrategies,
      start,
      bucketMs,
      bucketCount,
      breakerRules,
      models: profiles,
      progress: (n) => {
        done += n;
        options.onProgress?.(done, total);
      },
    });
    outcomes.push(run);
  }

  return {
    tasks: prepared.length,
    environment: probe.environment ?? null,
    budgetUsd: budgetUsd ?? null,
    start,
    end: start + bucketCount * bucketMs,
    bucketMs,
    agents,
    models,
    strategies: outcomes,
  };
}

/** The configuration the simulation runs on: the caller's, with the budget and environment name set. */
function simulationConfig(config: LoadedConfig | RouterConfigInput, budgetUsd: number | undefined, environment: string | undefined): RouterConfigInput & { environment?: string } {
  const { warnings: _warnings, ...rest } = config as LoadedConfig;
  const out: RouterConfigInput & { environment?: string } = { ...rest };
  if (environment !== undefined) out.environment = environment;
  if (budgetUsd !== undefined) {
    const routing = config.routing ?? {};
    out.routing = { ...routing, global_overrides: { ...(routing.global_overrides ?? {}), max_cloud_spend_per_day: budgetUsd } };
  }
  return out;
}

/** Resolves times, builds each request and its mock reply once, and orders the tasks by time (stable). */
function prepareTasks(tasks: readonly WorkloadTask[], dayStart: number | undefined, defaultOutput: number): PreparedTask[] {
  const times = tasks.map((entry) => workloadTime(entry.at));
  if (dayStart === undefined) {
    // Tasks without a time go on the (UTC) day of the earliest task that has one, else a fixed day.
    let earliest = Number.POSITIVE_INFINITY;
    for (const time of times) if (time !== undefined && time < earliest) earliest = time;
    dayStart = Number.isFinite(earliest) ? Math.floor(earliest / DAY_MS) * DAY_MS : DEFAULT_DAY_START;
  }
  const out: PreparedTask[] = new Array(tasks.length);
  for (let i = 0; i < tasks.length; i++) {
    const entry = tasks[i]!;
    const at = times[i] ?? dayStart + Math.floor((i * DAY_MS) / tasks.length);
    // The prompt travels as the request's message, as a host calling complete() would send it;
    // the router adds it to the task for the PII scan and the token estimate.
    const { prompt, ...rest } = entry.task;
    const content = typeof prompt === 'string' && prompt.length > 0 ? prompt : `Simulated ${typeof rest.type === 'string' ? rest.type : 'task'} for ${entry.agent}`;
    const task: Task = rest;
    const inputTokens = Math.round(entry.input_tokens ?? (typeof rest.estimated_tokens === 'number' ? rest.estimated_tokens : charsPerTokenEstimator.estimate(content)));
    const outputTokens = Math.round(entry.output_tokens ?? (typeof rest.max_output_tokens === 'number' ? rest.max_output_tokens : defaultOutput));
    // The caller knows its token counts: the router's estimate (and so the reservation) uses them.
    if (entry.input_tokens !== undefined && task.estimated_tokens === undefined) task.estimated_tokens = inputTokens;
    if (entry.output_tokens !== undefined && task.max_output_tokens === undefined) task.max_output_tokens = outputTokens;
    out[i] = {
      at,
      agent: entry.agent,
      task,
      context: entry.context ?? {},
      request: { messages: [{ role: 'user', content }] },
      reply: { text: 'Simulated answer.', usage: { inputTokens, outputTokens } },
    };
  }
  // Array.prototype.sort is stable, so tasks at the same time keep the workload's order.
  return out.sort((a, b) => a.at - b.at);
}

/** A model as the simulation sees it: its type, and its speed for races between models. */