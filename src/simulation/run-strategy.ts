// One strategy's run of a simulated workload: a router of its own over mock providers that bill each
// task's token counts, on a simulated clock; the figures are read from what the ledger books.
import type { RouterConfigInput } from '../config/schema.js';
import { BudgetExceededError, NoEligibleModelError } from '../errors.js';
import { AllModelsFailedError } from '../call-errors.js';
import { createMockProvider, type MockProvider, type MockReply } from '../providers/mock.js';
import type { ProviderRequest } from '../providers/provider.js';
import type { CompletionRequest } from '../request/types.js';
import { charsPerTokenEstimator } from '../request/token-estimator.js';
import { createRouter, type Router } from '../router/create-router.js';
import type { RouterMetricsSnapshot } from '../metrics/router-metrics.js';
import type { WorkloadTask } from './parse-workload.js';
import type { RoutingContext, RoutingDecision, Task } from '../routing/types.js';
import { microsToUsd, type CostLedger, type LedgerEntry } from '../state/cost-ledger.js';
import { MemoryLedger } from '../state/memory-ledger.js';

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
  /**
   * A/B experiments under this strategy, per experiment and variant: tasks, calls, failures,
   * fallbacks, cost, latency p50 / p95 (simulated time), feedback per metric and the share at the end.
   */
  experiments: RouterMetricsSnapshot['experiments'];
  /** Wall-clock time this strategy took to simulate, ms. */
  wallTimeMs: number;
}

/** A verifier's reply: a verdict and a short list of issues. */
const VERIFY_OUTPUT_TOKENS = 60;

/** A task with everything each strategy's run needs computed once. */
export interface PreparedTask {
  at: number;
  agent: string;
  task: Task;
  context: RoutingContext;
  request: CompletionRequest;
  reply: MockReply & { usage: { inputTokens: number; outputTokens: number } };
  /** Outcomes to report once an experiment's variant served the task. */
  feedback?: WorkloadTask['feedback'];
}

/** Totals of one strategy's run, kept as integer micro-dollars until the end. */
interface Tally {
  totalMicros: number;
  byAgent: Map<string, number>;
  byModel: Map<string, number>;
  buckets: Float64Array;
}

const instantSleep = () => Promise.resolve();
/** Resolves on the next turn of the event loop (after pending I/O and timers). */
export const nextTurn: () => Promise<void> =
  typeof setImmediate === 'function' ? () => new Promise((resolve) => setImmediate(resolve)) : () => new Promise((resolve) => setTimeout(resolve, 0));

export interface ModelProfile extends SimulatedModel {
  tokensPerSecond: number;
  /** Time to first token, ms. */
  latencyMs: number;
}

export interface RunSettings {
  /** Strategies whose `parallel_requests` race two models. */
  racingStrategies: ReadonlySet<string>;
  start: number;
  bucketMs: number;
  bucketCount: number;
  breakerRules: readonly string[];
  models: readonly ModelProfile[];
  /** The simulated time the clock starts at: the first task's. */
  firstAt: number;
}

/**
 * One strategy's run, fed the workload a few tasks at a time (in time order), its figures kept as
 * running totals: nothing is kept per task.
 */
export interface StrategyRun {
  readonly strategy: string;
  /**
   * Replays `tasks` after every task of the chunks before. After the last chunk (`last`) the outcome
   * is taken at once, before anything else can run (a race loser still settling is not booked).
   */
  runChunk(tasks: readonly PreparedTask[], last: boolean): Promise<void>;
  /** The figures; taken after the last chunk (or at once for an empty workload). */
  outcome(): StrategyOutcome;
}

export function createStrategyRun(config: RouterConfigInput, strategy: string, settings: RunSettings): StrategyRun {
  let wallMs = 0;
  const created = performance.now();
  let now = settings.firstAt;
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
      // A race's loser is aborted on every request: no error is made for it (nobody reads it).
      rejectWithAbortReason: true,
      responses: (request: ProviderRequest): MockReply => {
        const reply = current!.reply;
        let answer: MockReply = reply;
        if (request.system !== undefined) {
          const usage = reply.usage;
          answer = { text: 'VERIFIED', usage: { inputTokens: usage.inputTokens + usage.outputTokens + charsPerTokenEstimator.estimate(request.system), outputTokens: VERIFY_OUTPUT_TOKENS } };
        }
        // Like a real provider, the answer stops at the output limit the call was sent with.
        const outputTokens = answer.usage?.outputTokens;
        if (request.maxTokens !== undefined && outputTokens !== undefined && outputTokens > request.maxTokens) {
          answer = { ...answer, usage: { ...answer.usage, outputTokens: request.maxTokens }, finishReason: 'length' };
        }
        if (!racing) return answer;
        return { ...answer, latencyMs: firstTokenMs + (answer.usage?.outputTokens ?? 0) * msPerToken };
      },
    });
    mocks.push(mock);
    providers[model.id] = mock;
  }
  // The report reads decisions' fields, never their traces: none is written.
  const router = createRouter(config, { ledger, clock, providers, retry: { retries: 0 }, sleep: instantSleep, logger: {}, trace: false });
  router.overrides.setStrategy(strategy);
  let decision: RoutingDecision | undefined;
  router.on((event) => {
    decision = event.decision;
  });

  const breakerPrefixes = settings.breakerRules.map((name) => `local only: global rule ${name} (`);
  const modelType = new Map(settings.models.map((model) => [model.id, model.type]));
  const mix = new Map<string, Map<string, number>>();
  let requests = 0;
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
  let result: StrategyOutcome | undefined;
  let experiments: StrategyOutcome['experiments'] = {};
  wallMs += performance.now() - created;

  const finish = (): StrategyOutcome => {
    const series: number[] = new Array(settings.bucketCount);
    let cumulative = 0;
    for (let b = 0; b < settings.bucketCount; b++) {
      cumulative += tally.buckets[b]!;
      series[b] = microsToUsd(cumulative);
    }
    const refused = refusedBudget + refusedNoModel;
    return {
      strategy,
      budgetUsd: budgetInForce,
      requests,
      served,
      localRequests,
      localShare: served === 0 ? 0 : localRequests / served,
      totalCostUsd: microsToUsd(tally.totalMicros),
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
      experiments,
      wallTimeMs: Math.round(wallMs),
    };
  };

  return {
    strategy,
    async runChunk(tasks, last) {
      const started = performance.now();
      for (let i = 0; i < tasks.length; i++) {
        const task = tasks[i]!;
        if (task.at > now) now = task.at;
        current = task;
        decision = undefined;
        requests++;
        try {
          const answer = await router.complete(task.agent, task.request, { task: task.task, context: task.context });
          served++;
          if (modelType.get(answer.modelId) === 'local') localRequests++;
          if (answer.usedFallback) fallbacks++;
          if (answer.verification) verifications++;
          let byModel = mix.get(task.agent);
          if (!byModel) mix.set(task.agent, (byModel = new Map()));
          byModel.set(answer.modelId, (byModel.get(answer.modelId) ?? 0) + 1);
          if (task.feedback !== undefined && answer.decision.experiment) reportFeedback(router, answer.decision, answer.modelId, task.feedback);
        } catch (error) {
          if (BudgetExceededError.isInstance(error)) refusedBudget++;
          else if (NoEligibleModelError.isInstance(error)) refusedNoModel++;
          else if (AllModelsFailedError.isInstance(error)) failed++;
          else throw error;
        }
        // The mocks record every call, and nothing here reads them: let them go while they are young.
        for (let m = 0; m < mocks.length; m++) mocks[m]!.reset();
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
      }
      wallMs += performance.now() - started;
      // Taken now: a race loser still settling must not be booked after the run has ended.
      if (last) {
        experiments = (await router.metrics()).experiments;
        result = finish();
      }
    },
    outcome() {
      return (result ??= finish());
    },
  };
}

/** Reports a task's outcomes for the model that served it (a value per model, or one for any). */
function reportFeedback(router: Router, decision: RoutingDecision, modelId: string, feedback: NonNullable<PreparedTask['feedback']>): void {
  for (const [metric, given] of Object.entries(feedback)) {
    const value = typeof given === 'object' ? given[modelId] : given;
    if (value !== undefined) router.feedback(decision, { metric, value });
  }
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

/** Micro-dollars by key as USD, in a record with own properties only (agent names are data, not keys of a prototype). */
function toUsdRecord(map: ReadonlyMap<string, number>): Record<string, number> {
  return Object.fromEntries([...map].map(([key, micros]) => [key, microsToUsd(micros)]));
}
