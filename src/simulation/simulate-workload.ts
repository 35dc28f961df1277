// Replays a workload through the real router, once per strategy: a fresh router and in-memory
// ledger each time, a simulated clock that jumps to each task's time, and mock providers that bill
// the task's token counts. Every request goes through `complete()`, so spend is reserved, settled
// and refused exactly as in production; the figures are read from what the ledger books.
import { compileConfig } from '../routing/compile-config.js';
import type { LoadedConfig } from '../config/load-config.js';
import type { RouterConfigInput } from '../config/schema.js';
import { createRouter } from '../router/create-router.js';
import { AllModelsFailedError, BudgetExceededError, InvalidArgumentError, NoEligibleModelError } from '../errors.js';
import type { CompletionRequest } from '../request/types.js';
import { createMockProvider, type MockProvider, type MockReply } from '../providers/mock.js';
import type { ProviderRequest } from '../providers/provider.js';
import type { RoutingContext, RoutingDecision, Task } from '../routing/types.js';
import type { CostLedger, LedgerEntry } from '../state/cost-ledger.js';
import { MemoryLedger } from '../state/memory-ledger.js';
import { checkWorkloadTask, workloadTime, type WorkloadTask } from './parse-workload.js';

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

export interface SimulatedModel {
  id: string;
  type: 'cloud' | 'local';
  provider: string;
}

export interface StrategyOutcome {
  strategy: string;
  /** The daily cloud budget in force under this strategy (USD), or null when there is none. */
  budgetUsd: number | null;
  /** Tasks replayed. */
  requests: number;
  /** Tasks a model answered (the others were refused or failed). */
  served: number;
  /** Tasks answered by a local model, and their share of `served` (0..1). */
  localRequests: number;
  localShare: number;
  /** Everything the ledger booked (answers, verifications, parallel requests), USD. */
  totalCostUsd: number;
  costByAgentUsd: Record<string, number>;
  costByModelUsd: Record<string, number>;
  /** Per agent: how many of its tasks each model answered. */
  modelMix: Record<string, Record<string, number>>;
  /** Decisions in which a privacy constraint (PII, a privacy rule or strategy) was active. */
  privacyActivations: number;
  /** Requests a model other than the decision's answered. */
  fallbacks: number;
  /** Decisions a global rule moved to another model (rate-limit protection). */
  ruleSwitches: number;
  /** Cloud verifications run for critical work on local models. */
  verifications: number;
  /** Requests refused: over budget with no local model, or no eligible model at all. */
  refused: number;
  refusedBy: { budget: number; noEligibleModel: number };
  /** Requests whose every model failed (e.g. all rate-limited). */
  failed: number;
  /** The first decision made under the cost circuit breaker (a `switch_to_local_only` rule), simulated time. */
  breakerTrippedAt: string | null;
  breakerTrippedAtMs: number | null;
  breakerRule: string | null;
  /** Cumulative cost (USD) at the end of each `bucketMs` interval from the report's `start`. */
  costSeriesUsd: number[];
  /** Wall-clock time this strategy took to simulate, ms. */
  wallTimeMs: number;
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
/** Tasks between yields to the event loop (and progress reports). */
const CHUNK = 2048;
/** A verifier's reply: a verdict and a short list of issues. */
const VERIFY_OUTPUT_TOKENS = 60;

/** A task with everything each strategy's run needs computed once. */
interface PreparedTask {
  at: number;
  agent: string;
  task: Task;
  context: RoutingContext;
  request: CompletionRequest;
  reply: MockReply & { usage: { inputTokens: number; outputTokens: number } };
}

/** Totals of one strategy's run, kept as integer micro-dollars until the end. */
interface Tally {
  totalMicros: number;
  byAgent: Map<string, number>;
  byModel: Map<string, number>;
  buckets: Float64Array;
}

const instantSleep = () => Promise.resolve();
const nextTurn: () => Promise<void> =
  typeof setImmediate === 'function' ? () => new Promise((resolve) => setImmediate(resolve)) : () => new Promise((resolve) => setTimeout(resolve, 0));

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
    const inputTokens = Math.round(entry.input_tokens ?? (typeof rest.estimated_tokens === 'number' ? rest.estimated_tokens : Math.ceil(content.length / 4)));
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
interface ModelProfile extends SimulatedModel {
  tokensPerSecond: number;
  /** Time to first token, ms. */
  latencyMs: number;
}

interface RunSettings {
  /** Strategies whose `parallel_requests` race two models. */
  racingStrategies: ReadonlySet<string>;
  start: number;
  bucketMs: number;
  bucketCount: number;
  breakerRules: readonly string[];
  models: readonly ModelProfile[];
  progress: (tasksDone: number) => void;
}

async function runStrategy(config: RouterConfigInput, strategy: string, tasks: readonly PreparedTask[], settings: RunSettings): Promise<StrategyOutcome> {
  const started = performance.now();
  let now = tasks[0]?.at ?? settings.start;
  const clock = () => now;
  const tally: Tally = { totalMicros: 0, byAgent: new Map(), byModel: new Map(), buckets: new Float64Array(settings.bucketCount) };
  const ledger = tallyingLedger(new MemoryLedger(), (entry) => {
    const micros = Math.max(0, Math.round(entry.costMicros));
    if (micros === 0) return;
    tally.totalMicros += micros;
    tally.byAgent.set(entry.agentId, (tally.byAgent.get(entry.agentId) ?? 0) + micros);
    tally.byModel.set(entry.modelId, (tally.byModel.get(entry.modelId) ?? 0) + micros);
    const bucket = Math.min(settings.bucketCount - 1, Math.max(0, Math.floor((entry.at - settings.start) / settings.bucketMs)));
    tally.buckets[bucket]! += micros;
  });

  // One mock per model, answering with the current task's token counts. A verification (the only
  // request with a system prompt) reads the conversation and the answer, and writes a short verdict.
  let current: PreparedTask | undefined;
  // Under a strategy that races two models (`parallel_requests`), the faster model must win and the
  // slower one be cancelled, unbilled, as with real latency: replies then take their model's
  // simulated time on virtual timers. Other strategies need no latency, and skip the timers.
  const racing = settings.racingStrategies.has(strategy);
  const sleep = racing ? createVirtualTimers() : instantSleep;
  const mocks: MockProvider[] = [];
  const providers: Record<string, MockProvider> = {};
  for (const model of settings.models) {
    const msPerToken = 1000 / model.tokensPerSecond;
    const firstTokenMs = model.latencyMs;
    const mock = createMockProvider({
      clock,
      sleep,
      responses: (request: ProviderRequest): MockReply => {
        const reply = current!.reply;
        let answer: MockReply = reply;
        if (request.system !== undefined) {
          const usage = reply.usage;
          answer = { text: 'VERIFIED', usage: { inputTokens: usage.inputTokens + usage.outputTokens + Math.ceil(request.system.length / 4), outputTokens: VERIFY_OUTPUT_TOKENS } };
        }
        if (!racing) return answer;
        return { ...answer, latencyMs: firstTokenMs + (answer.usage?.outputTokens ?? 0) * msPerToken };
      },
    });
    mocks.push(mock);
    providers[model.id] = mock;
  }
  const router = createRouter(config, { ledger, clock, providers, retry: { retries: 0 }, sleep: instantSleep, logger: {} });
  router.overrides.setStrategy(strategy);
  let decision: RoutingDecision | undefined;
  router.on((event) => {
    decision = event.decision;
  });

  const breakerPrefixes = settings.breakerRules.map((name) => `local only: global rule ${name} (`);
  const modelType = new Map(settings.models.map((model) => [model.id, model.type]));
  const mix = new Map<string, Map<string, number>>();
  let served = 0;
  let localRequests = 0;
  let privacyActivations = 0;
  let fallbacks = 0;
  let ruleSwitches = 0;
  let verifications = 0;
  let refusedBudget = 0;
  let refusedNoModel = 0;
  let failed = 0;
  let breakerAt: number | null = null;
  let breakerRule: string | null = null;
  let budgetInForce: number | null = null;
  let budgetSeen = false;

  for (let i = 0; i < tasks.length; i++) {
    const task = tasks[i]!;
    if (task.at > now) now = task.at;
    current = task;
    decision = undefined;
    try {
      const result = await router.complete(task.agent, task.request, { task: task.task, context: task.context });
      served++;
      if (modelType.get(result.modelId) === 'local') localRequests++;
      if (result.usedFallback) fallbacks++;
      if (result.verification) verifications++;
      let byModel = mix.get(task.agent);
      if (!byModel) mix.set(task.agent, (byModel = new Map()));
      byModel.set(result.modelId, (byModel.get(result.modelId) ?? 0) + 1);
    } catch (error) {
      if (BudgetExceededError.isInstance(error)) refusedBudget++;
      else if (NoEligibleModelError.isInstance(error)) refusedNoModel++;
      else if (AllModelsFailedError.isInstance(error)) failed++;
      else throw error;
    }
    const d = decision as RoutingDecision | undefined;
    if (d) {
      if (!budgetSeen) {
        budgetSeen = true;
        budgetInForce = d.budgetUsd ?? null;
      }
      if (d.privacyEnforced) privacyActivations++;
      if (d.source === 'global_rule') ruleSwitches++;
      if (breakerAt === null && d.localOnly) {
        for (let r = 0; r < breakerPrefixes.length; r++) {
          if (d.constraints.some((constraint) => constraint.startsWith(breakerPrefixes[r]!))) {
            breakerAt = d.decidedAt;
            breakerRule = settings.breakerRules[r]!;
            break;
          }
        }
      }
    }
    if ((i + 1) % CHUNK === 0) {
      for (const mock of mocks) mock.reset();
      settings.progress(CHUNK);
      await nextTurn();
    }
  }
  settings.progress(tasks.length % CHUNK);

  const series: number[] = new Array(settings.bucketCount);
  let cumulative = 0;
  for (let b = 0; b < settings.bucketCount; b++) {
    cumulative += tally.buckets[b]!;
    series[b] = usd(cumulative);
  }
  const refused = refusedBudget + refusedNoModel;
  return {
    strategy,
    budgetUsd: budgetInForce,
    requests: tasks.length,
    served,
    localRequests,
    localShare: served === 0 ? 0 : localRequests / served,
    totalCostUsd: usd(tally.totalMicros),
    costByAgentUsd: toUsdRecord(tally.byAgent),
    costByModelUsd: toUsdRecord(tally.byModel),
    modelMix: Object.fromEntries([...mix].map(([agent, byModel]) => [agent, Object.fromEntries(byModel)])),
    privacyActivations,
    fallbacks,
    ruleSwitches,
    verifications,
    refused,
    refusedBy: { budget: refusedBudget, noEligibleModel: refusedNoModel },
    failed,
    breakerTrippedAt: breakerAt === null ? null : new Date(breakerAt).toISOString(),
    breakerTrippedAtMs: breakerAt,
    breakerRule,
    costSeriesUsd: series,
    wallTimeMs: Math.round(performance.now() - started),
  };
}

/**
 * Sleeps on virtual time: nothing really waits, but of the sleeps pending at one moment the shortest
 * ends first. Each turn of the event loop ends one sleep, so a racer woken first can cancel the
 * others before their turn comes; cancelled sleeps are dropped (the mock stops waiting on abort).
 */
function createVirtualTimers(): (ms: number, signal?: AbortSignal) => Promise<void> {
  let pending: { ms: number; signal: AbortSignal | undefined; resolve: () => void }[] = [];
  let scheduled = false;
  const fire = () => {
    scheduled = false;
    pending = pending.filter((entry) => !entry.signal?.aborted);
    let best = -1;
    for (let i = 0; i < pending.length; i++) if (best === -1 || pending[i]!.ms < pending[best]!.ms) best = i;
    if (best === -1) return;
    const [entry] = pending.splice(best, 1);
    entry!.resolve();
    if (pending.length > 0) schedule();
  };
  const schedule = () => {
    if (scheduled) return;
    scheduled = true;
    void nextTurn().then(fire);
  };
  return (ms, signal) =>
    new Promise<void>((resolve) => {
      pending.push({ ms, signal, resolve });
      schedule();
    });
}

/** A ledger that tells `onEntry` about every booking, then books it in `inner`. */
function tallyingLedger(inner: MemoryLedger, onEntry: (entry: LedgerEntry) => void): CostLedger {
  return {
    snapshot: (query) => inner.snapshot(query),
    reserve: (request) => inner.reserve(request),
    release: (id) => inner.release(id),
    report: (day) => inner.report(day),
    record(day, entry) {
      onEntry(entry);
      inner.record(day, entry);
    },
    commit(id, day, entry) {
      onEntry(entry);
      inner.commit(id, day, entry);
    },
  };
}

function usd(micros: number): number {
  return micros / 1_000_000;
}

/** Micro-dollars by key as USD, in a record with own properties only (agent names are data, not keys of a prototype). */
function toUsdRecord(map: ReadonlyMap<string, number>): Record<string, number> {
  return Object.fromEntries([...map].map(([key, micros]) => [key, usd(micros)]));
}
