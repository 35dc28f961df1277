// createRouter: validates and compiles a configuration once, then for each request gathers the
// state a decision needs (clock, ledger spend, overrides, PII, token estimate, model health) and
// hands it to the pure decide().
import { abortableSleep } from './abortable-sleep.js';
import type { LoadedConfig } from './config/load-config.js';
import type { RouterConfigInput } from './config/schema.js';
import { validateConfig } from './config/validate-config.js';
import { ConfigError, InvalidArgumentError, UnknownAgentError, UnknownStrategyError, type ConfigIssue } from './errors.js';
import { RouterMetrics, type RouterMetricsSnapshot } from './metrics/router-metrics.js';
import { collectTaskText, defaultPiiDetector, type PiiDetector } from './privacy/index.js';
import { charsPerTokenEstimator, type TokenEstimator } from './privacy/index.js';
import { compileConfig } from './routing/compile-config.js';
import { decide } from './routing/decide.js';
import type { ModelLiveState, RoutingContext, RoutingDecision, RoutingState, Task } from './routing/types.js';
import { RuntimeOverrides } from './runtime-overrides.js';
import { ledgerDay, microsToUsd, type CostLedger, type SpendSnapshot } from './state/cost-ledger.js';
import { MemoryLedger } from './state/memory-ledger.js';
import {
  createExecutor,
  type CompleteOptions,
  type CompletionRequest,
  type CompletionResult,
  type ProviderRegistry,
  type RecordOptions,
  type RetryOptions,
  type RouterStreamPart,
} from './execution/execute-request.js';
import { ResponseCache, type ResponseCacheOptions } from './execution/response-cache.js';
import { createMockProvider } from './providers/mock.js';
import type { TokenUsage } from './providers/provider.js';
import type { CircuitBreakerOptions } from './state/circuit-breaker.js';
import { ModelHealth } from './state/model-health.js';

export interface RouterLogger {
  debug?(message: string, details?: unknown): void;
  info?(message: string, details?: unknown): void;
  warn?(message: string, details?: unknown): void;
}

export interface RouterOptions {
  /** Where spend is read and booked. Default: a new `MemoryLedger`. */
  ledger?: CostLedger;
  /** Epoch-ms clock; overrides expire and days roll over on it. Default `Date.now`. */
  clock?: () => number;
  /** Finds PII in a task's prompt, messages and data. Default: the regex detector. */
  piiDetector?: PiiDetector;
  /** Estimates input tokens from text. Default: characters / 4. */
  tokenEstimator?: TokenEstimator;
  /** Receives decision logs when `verbose_routing_logs` is on. Default: `console`. */
  logger?: RouterLogger;
  /** Log every decision, whatever the configuration says. */
  verbose?: boolean;
  /**
   * Provider adapters by provider name (`anthropic`, `openai`, `local`) or by model id. A function
   * is a factory called once per model with its settings (e.g. its `endpoint`). Without this
   * option every model is served by the mock provider, for demos and tests.
   */
  providers?: ProviderRegistry;
  /** Retries per model: count, backoff, jitter and the longest Retry-After worth waiting out. */
  retry?: RetryOptions;
  /** Per-model circuit breaker thresholds. */
  circuitBreaker?: CircuitBreakerOptions;
  /** How long an unsettled budget reservation counts, in ms. Default 10 minutes. */
  reservationTtlMs?: number;
  /** The response cache used by strategies with `cache_responses: true`. */
  cache?: ResponseCacheOptions;
  /** Waits out a Retry-After (default: a timer); tests may inject one that returns at once. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export type RouterEvent = { type: 'decision'; decision: RoutingDecision };

export interface Router {
  /** Decides which model serves `task` for `agentId`. Never calls a model. */
  route(agentId: string, task?: Task, context?: RoutingContext): Promise<RoutingDecision>;
  /** Runtime overrides: `setAgentModel`, `setStrategy`, `setTaskRouting`, `list`, `clear...`. */
  readonly overrides: RuntimeOverrides;
  /** The validated configuration the router runs on. */
  readonly config: RouterConfigInput;
  /** Warnings found while validating the configuration. */
  readonly warnings: readonly ConfigIssue[];
  /** The environment overlay in use, if any. */
  readonly environment: string | undefined;
  readonly ledger: CostLedger;
  /** The seed's metrics, from this router's decisions and calls. */
  metrics(): Promise<RouterMetricsSnapshot>;
  /** Routes, then calls the chosen model with retries and fallbacks, and books the cost. */
  complete(agentId: string, request: CompletionRequest, options?: CompleteOptions): Promise<CompletionResult>;
  /** Like `complete`, streaming: `start`, `text-delta`s, then `finish` with the result. */
  stream(agentId: string, request: CompletionRequest, options?: CompleteOptions): AsyncGenerator<RouterStreamPart, void, undefined>;
  /** For hosts that call models themselves: books usage in the ledger, rate windows and metrics; returns the cost in USD. */
  record(decision: RoutingDecision, usage: TokenUsage, options?: RecordOptions): Promise<number>;
  /** A model's live state (rate window, circuit), as conditions see it under `model.*`. */
  modelState(modelId: string): ModelLiveState | undefined;
  /** Subscribes to router events; returns an unsubscribe function. */
  on(listener: (event: RouterEvent) => void): () => void;
  /** Known ids, for tooling. */
  agentIds(): string[];
  modelIds(): string[];
  strategyNames(): string[];
}

const EMPTY_CONTEXT: RoutingContext = Object.freeze({});

/**
 * Creates a router from a loaded configuration (`loadConfig`, `parseConfig`) or a plain object
 * `{ models, agents, routing }`. Throws `ConfigError` listing every problem.
 */
export function createRouter(config: LoadedConfig | RouterConfigInput, options: RouterOptions = {}): Router {
  if (typeof options !== 'object' || options === null) throw new InvalidArgumentError('options', 'expected an object');
  if (typeof config !== 'object' || config === null) {
    throw new InvalidArgumentError('config', 'expected a configuration object { models, agents, routing } or the result of loadConfig()');
  }
  const { environment, warnings: loadWarnings, ...input } = config as Partial<LoadedConfig> & RouterConfigInput;
  const validation = validateConfig(input);
  if (validation.errors.length > 0 || !validation.config) throw new ConfigError(validation.errors, validation.warnings);
  const validated = validation.config;
  const warnings = loadWarnings ?? validation.warnings;

  const compiled = compileConfig(validated, environment);
  const clock = options.clock ?? Date.now;
  const ledger = options.ledger ?? new MemoryLedger();
  const piiDetector = options.piiDetector ?? defaultPiiDetector;
  const tokenEstimator = options.tokenEstimator ?? charsPerTokenEstimator;
  const logger = options.logger ?? console;
  const verbose = options.verbose ?? compiled.verboseRoutingLogs;
  const metrics = new RouterMetrics();
  const listeners = new Set<(event: RouterEvent) => void>();
  const agentIds = [...compiled.agents.keys()];
  const modelIds = [...compiled.models.keys()];
  const strategyNames = () => [...compiled.strategies.keys()];

  const overrides = new RuntimeOverrides({ agents: () => agentIds, models: () => modelIds, strategies: strategyNames }, clock);

  const emit = (event: RouterEvent) => {
    for (const listener of listeners) {
      try {
        listener(event);
      } catch (error) {
        logger.warn?.('[llm-agent-router] an event listener threw; ignored', error);
      }
    }
  };


  function resolveStrategy(context: RoutingContext, now: number): Pick<RoutingState, 'strategy' | 'strategySource' | 'requestedStrategy'> {
    const override = overrides.isEmpty ? undefined : overrides.strategyAt(now);
    const requested = context.routing_strategy;
    if (override) {
      const keep = typeof requested === 'string' && compiled.strategies.has(requested) && requested !== override.value;
      return { strategy: override.value, strategySource: 'override', ...(keep ? { requestedStrategy: requested } : {}) };
    }
    if (requested !== undefined) {
      if (typeof requested !== 'string' || !compiled.strategies.has(requested)) {
        throw new UnknownStrategyError(String(requested), strategyNames());
      }
      return { strategy: requested, strategySource: 'context' };
    }
    return { strategy: compiled.defaultStrategy.name, strategySource: compiled.defaultStrategy.source };
  }

  function gatherState(agentId: string, task: Task, context: RoutingContext, spend: SpendSnapshot, now: number): RoutingState {
    const { strategy, strategySource, requestedStrategy } = resolveStrategy(context, now);
    const budgetUsd = compiled.maxCloudSpendPerDay ?? compiled.strategies.get(strategy)!.cloudBudgetPerDay ?? compiled.budgetDaily;

    // Text is gathered only when something needs it: the PII scan or the token estimate.
    const data = task.data;
    // Only an explicit boolean counts as the task's word on PII; anything else is scanned.
    const piiGiven = typeof data === 'object' && data !== null && typeof ownData(data, 'contains_pii') === 'boolean';
    const givenInput = ownData(task, 'estimated_tokens');
    const givenOutput = ownData(task, 'max_output_tokens');
    const needsTokenEstimate = !isCount(givenInput);
    let texts: string[] | undefined;
    if ((compiled.readsPii && !piiGiven) || needsTokenEstimate) {
      if (task.prompt !== undefined || task.messages !== undefined || data !== undefined) texts = collectTaskText(task);
    }
    let containsPii: boolean | undefined;
    if (compiled.readsPii && !piiGiven) {
      containsPii = false;
      if (texts) {
        for (const text of texts) {
          if (piiDetector.containsPii ? piiDetector.containsPii(text) : piiDetector.detect(text).length > 0) {
            containsPii = true;
            break;
          }
        }
      }
    }
    let inputTokens: number;
    if (!needsTokenEstimate) inputTokens = givenInput as number;
    else if (task.prompt !== undefined || task.messages !== undefined) {
      inputTokens = 0;
      for (const text of texts ?? []) inputTokens += tokenEstimator.estimate(text);
    } else inputTokens = compiled.defaults.inputTokens;
    const outputTokens = isCount(givenOutput) ? givenOutput : compiled.defaults.outputTokens;

    const state: RoutingState = {
      now,
      strategy,
      strategySource,
      requestedStrategy,
      dailyCostUsd: microsToUsd(spend.totalMicros + spend.reservedMicros),
      agentDailyCostUsd: microsToUsd(spend.agentMicros + spend.agentReservedMicros),
      budgetUsd,
      containsPii,
      inputTokens,
      outputTokens,
      modelStates: modelStatesAt(now),
    };
    if (!overrides.isEmpty) {
      const agentOverride = overrides.agentModelAt(agentId, now);
      if (agentOverride) state.agentOverride = { modelId: agentOverride.value, ...(agentOverride.reason ? { reason: agentOverride.reason } : {}) };
      if (typeof task.id === 'string') {
        const taskOverride = overrides.taskRoutingAt(task.id, now);
        if (taskOverride) state.taskOverride = { modelId: taskOverride.value, ...(taskOverride.reason ? { reason: taskOverride.reason } : {}) };
      }
    }
    return state;
  }

  const health = new ModelHealth(compiled.models.values(), {
    approachingShare: compiled.rateLimitThreshold,
    ...(options.circuitBreaker ? { breaker: options.circuitBreaker } : {}),
  });
  const modelStatesAt = (now: number) => health.snapshot(now);

  function finish(decision: RoutingDecision): RoutingDecision {
    metrics.recordDecision(decision);
    if (verbose) {
      logger.info?.(
        `[llm-agent-router] ${decision.agentId} → ${decision.modelId} (${decision.source}, strategy ${decision.strategy}): ${decision.reason}`,
        decision,
      );
    }
    if (listeners.size > 0) emit({ type: 'decision', decision });
    return decision;
  }

  function checkArguments(agentId: unknown, task: unknown, context: unknown): void {
    if (typeof agentId !== 'string' || !compiled.agents.has(agentId)) throw new UnknownAgentError(String(agentId), agentIds);
    if (typeof task !== 'object' || task === null || Array.isArray(task)) throw new InvalidArgumentError('task', 'expected an object');
    if (typeof context !== 'object' || context === null || Array.isArray(context)) throw new InvalidArgumentError('context', 'expected an object');
  }

  async function route(agentId: string, task: Task = {}, context: RoutingContext = EMPTY_CONTEXT): Promise<RoutingDecision> {
    checkArguments(agentId, task, context);
    const now = clock();
    if (!Number.isFinite(now) || Math.abs(now) > MAX_EPOCH_MS) {
      throw new InvalidArgumentError('clock', `the clock returned ${String(now)}, not epoch milliseconds`);
    }
    const snapshot = ledger.snapshot({ day: ledgerDay(now), agentId, now });
    const spend = isPromiseLike(snapshot) ? await snapshot : snapshot;
    return finish(decide(compiled, agentId, task, context, gatherState(agentId, task, context, spend, now)));
  }

  let warnedMock = false;
  const executor = createExecutor({
    compiled,
    clock,
    ledger,
    health,
    metrics,
    route,
    providers: options.providers,
    defaultProvider: () => {
      if (!warnedMock) {
        warnedMock = true;
        logger.warn?.('[llm-agent-router] no providers configured: every model is served by the mock provider');
      }
      return createMockProvider({ clock });
    },
    retry: options.retry ?? {},
    sleep: options.sleep ?? abortableSleep,
    reservationTtlMs: options.reservationTtlMs ?? 10 * 60_000,
    cache: new ResponseCache<CompletionResult>(options.cache),
    warn: (message) => logger.warn?.(message),
  });

  const router = {
    route,
    complete: executor.complete,
    stream: executor.stream,
    record: executor.record,
    modelState: (modelId: string) => health.stateOf(modelId, clock()),
    overrides,
    config: validated,
    warnings,
    environment,
    ledger,
    async metrics() {
      const report = await ledger.report(ledgerDay(clock()));
      const costPerAgent: Record<string, number> = {};
      for (const [agent, micros] of Object.entries(report.byAgent)) costPerAgent[agent] = microsToUsd(micros);
      return metrics.snapshot(costPerAgent);
    },
    on(listener: (event: RouterEvent) => void) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    agentIds: () => [...agentIds],
    modelIds: () => [...modelIds],
    strategyNames,
  };
  return router;
}

function isPromiseLike<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}


/** The largest time a Date can hold. */
const MAX_EPOCH_MS = 8.64e15;

/** A token count the router can price: a finite, non-negative number. Anything else is ignored. */
function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

/** An own data property's value, never running a getter. */
function ownData(target: object, key: string): unknown {
  const descriptor = Object.getOwnPropertyDescriptor(target, key);
  return descriptor && 'value' in descriptor ? descriptor.value : undefined;
}
