// Replays a workload through the real router under each strategy: a router and in-memory ledger of
// its own per strategy, a simulated clock that jumps to each task's time, and mock providers that
// bill the task's token counts. Every request goes through `complete()`, so spend is reserved,
// settled and refused exactly as in production; the figures are read from what the ledger books.
// The workload is streamed: a few tasks are held at a time and the report's figures are running
// totals, so memory does not grow with the workload (nor with its file, see simulateWorkloadFile).
import type { LoadedConfig } from '../config/load-config.js';
import type { RouterConfigInput } from '../config/schema.js';
import { InvalidArgumentError } from '../errors.js';
import { charsPerTokenEstimator } from '../request/token-estimator.js';
import { createRouter, type Router } from '../router/create-router.js';
import { compileConfig } from '../routing/compile-config.js';
import type { Task } from '../routing/types.js';
import { checkWorkloadTask, workloadTime, type WorkloadTask } from './parse-workload.js';
import { createStrategyRun, nextTurn, type ModelProfile, type PreparedTask, type SimulatedModel, type StrategyOutcome } from './run-strategy.js';
import { arrayReader, fileReader, indexFile, indexTasks, openWorkloadFile, type TaskReader, type WorkloadIndex } from './workload-source.js';

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
 * Tasks read, prepared and replayed under every strategy at a time: few enough that they are done
 * with before the garbage collector's next minor pass, so they never reach the old generation.
 */
const GROUP = 16;
/** Requests (tasks × strategies) between yields to the event loop and progress reports. */
const TURN_REQUESTS = 2048;

/** Options of {@link simulateWorkloadFile}: those of {@link simulateWorkload}, and the file's name in messages. */
export interface SimulationFileOptions extends SimulationOptions {
  /** How the file is named in a `WorkloadError` (`FILE:LINE: message`). Default: the path as given. */
  fileName?: string;
}

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
  const setup = setUp(config, options);
  tasks.forEach((task, index) => {
    const problem = checkWorkloadTask(task, setup.knownAgents, setup.unitMetrics);
    if (problem) throw new InvalidArgumentError(`tasks[${index}]`, problem);
  });
  const dayStart = dayStartOption(options);
  return replay(setup, indexTasks(tasks), arrayReader(tasks), dayStart, options);
}

/**
 * {@link simulateWorkload} on a JSONL workload file, streamed: the file is read once to check every
 * line (the first bad one throws a `WorkloadError`, `FILE:LINE: message`, before anything is
 * simulated) and note each task's time, then again a few tasks at a time while every strategy
 * replays them. Memory stays flat however long the workload: no task is kept once replayed, and
 * each figure of the report is a running total. A file out of time order is replayed in time order
 * (its lines read where they are). Failures to read the file are Node's own errors
 * (`code` ENOENT, EISDIR, ...). Same report as `simulateWorkload(config, parseWorkload(text).tasks, options)`.
 */
export async function simulateWorkloadFile(config: LoadedConfig | RouterConfigInput, file: string, options: SimulationFileOptions): Promise<SimulationReport> {
  if (typeof config !== 'object' || config === null) throw new InvalidArgumentError('config', 'expected a configuration object');
  if (typeof file !== 'string' || file.length === 0) throw new InvalidArgumentError('file', 'expected the path of a JSONL workload file');
  const setup = setUp(config, options);
  const dayStart = dayStartOption(options);
  const fileName = options.fileName ?? file;
  const handle = await openWorkloadFile(file);
  let reader: TaskReader | undefined;
  try {
    const index = await indexFile(handle, fileName, setup.knownAgents, setup.unitMetrics);
    reader = fileReader(handle, index, fileName);
    return await replay(setup, index, reader, dayStart, options);
  } finally {
    await (reader ? reader.close() : handle.close());
  }
}

interface Setup {
  simulated: RouterConfigInput & { environment?: string };
  probe: Router;
  knownAgents: ReadonlySet<string>;
  /** The feedback metrics adaptive experiments learn from (values 0..1). */
  unitMetrics: ReadonlySet<string>;
  strategies: string[];
  budgetUsd: number | undefined;
}

/** Checks the options and the configuration, and the strategy names against it, before any work. */
function setUp(config: LoadedConfig | RouterConfigInput, options: SimulationOptions): Setup {
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
  const strategies = [...new Set(options.strategies)];
  for (const name of strategies) probe.overrides.setStrategy(name);
  const unitMetrics = new Set(probe.experiments.list().flatMap((experiment) => (experiment.metric !== undefined ? [experiment.metric] : [])));
  return { simulated, probe, knownAgents: new Set(probe.agentIds()), unitMetrics, strategies, budgetUsd };
}

function dayStartOption(options: SimulationOptions): number | undefined {
  if (options.dayStart === undefined) return undefined;
  try {
    return workloadTime(options.dayStart)!;
  } catch (error) {
    throw new InvalidArgumentError('options.dayStart', (error as Error).message.replace('"at"', 'dayStart'));
  }
}

/**
 * Replays the workload under every strategy at once, a few tasks at a time: each group of tasks is
 * read and prepared once, then run through each strategy's router in turn (every router sees its
 * tasks in time order, exactly as when it ran the workload alone). Only the group is held.
 */
async function replay(setup: Setup, index: WorkloadIndex, reader: TaskReader, dayStartOption: number | undefined, options: SimulationOptions): Promise<SimulationReport> {
  const { probe, simulated, strategies, budgetUsd } = setup;
  const defaultOutput = probe.config.routing?.defaults?.output_tokens ?? 500;
  const { count } = index;
  const { at, order } = orderTasks(index, dayStartOption);
  const position = (k: number) => (order === null ? k : order[k]!);

  const first = count > 0 ? at[position(0)]! : (dayStartOption ?? DEFAULT_DAY_START);
  const last = count > 0 ? at[position(count - 1)]! : first;
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
  const agents = probe.agentIds().filter((agent) => index.agents.has(agent));

  const settings = { racingStrategies, start, bucketMs, bucketCount, breakerRules, models: profiles, firstAt: count > 0 ? first : start };
  const runs = strategies.map((strategy) => createStrategyRun(simulated, strategy, settings));
  const total = count * runs.length;
  let done = 0;
  let sinceTurn = 0;
  for (let from = 0; from < count; from += GROUP) {
    const to = Math.min(count, from + GROUP);
    const entries = await reader.read(order, from, to);
    const group: PreparedTask[] = new Array(entries.length);
    for (let k = from; k < to; k++) group[k - from] = prepareTask(entries[k - from]!, at[position(k)]!, defaultOutput);
    for (const run of runs) await run.runChunk(group, to === count);
    done += (to - from) * runs.length;
    sinceTurn += (to - from) * runs.length;
    if (sinceTurn >= TURN_REQUESTS && to < count) {
      sinceTurn = 0;
      options.onProgress?.(done, total);
      await nextTurn();
    }
  }
  options.onProgress?.(done, total);

  return {
    tasks: count,
    environment: probe.environment ?? null,
    budgetUsd: budgetUsd ?? null,
    start,
    end: start + bucketCount * bucketMs,
    bucketMs,
    agents,
    models,
    strategies: runs.map((run) => run.outcome()),
  };
}

/**
 * Each task's simulated time, and the replay order when the workload is not in time order already.
 * Tasks without a time are spread evenly over the (UTC) day of `dayStart`, else of the earliest task
 * that has a time, else a fixed day; tasks at the same time keep the workload's order.
 */
function orderTasks(index: WorkloadIndex, dayStart: number | undefined): { at: Float64Array; order: Uint32Array | null } {
  const { count, times } = index;
  if (dayStart === undefined) {
    let earliest = Number.POSITIVE_INFINITY;
    for (let i = 0; i < count; i++) if (times[i]! < earliest) earliest = times[i]!;
    dayStart = Number.isFinite(earliest) ? Math.floor(earliest / DAY_MS) * DAY_MS : DEFAULT_DAY_START;
  }
  const at = new Float64Array(count);
  let sorted = true;
  for (let i = 0; i < count; i++) {
    const time = times[i]!;
    at[i] = Number.isNaN(time) ? dayStart + Math.floor((i * DAY_MS) / count) : time;
    if (i > 0 && at[i]! < at[i - 1]!) sorted = false;
  }
  if (sorted) return { at, order: null };
  const order = new Uint32Array(count);
  for (let i = 0; i < count; i++) order[i] = i;
  order.sort((a, b) => at[a]! - at[b]! || a - b);
  return { at, order };
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

/** Builds a task's request and its mock reply, at its simulated time. */
function prepareTask(entry: WorkloadTask, at: number, defaultOutput: number): PreparedTask {
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
  return {
    at,
    agent: entry.agent,
    task,
    context: entry.context ?? {},
    request: { messages: [{ role: 'user', content }] },
    reply: { text: 'Simulated answer.', usage: { inputTokens, outputTokens } },
    ...(entry.feedback !== undefined ? { feedback: entry.feedback } : {}),
  };
}

/** A model as the simulation sees it: its type, and its speed for races between models. */