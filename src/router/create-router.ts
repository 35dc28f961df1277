// createRouter: validates and compiles a configuration once, then for each request gathers the
// state a decision needs (clock, ledger spend, overrides, what the request holds and needs, model
// health) and hands it to the pure decide(); complete() and stream() then make the call.
import { abortableSleep } from '../abortable-sleep.js';
import type { LoadedConfig } from '../config/load-config.js';
import { MAX_TIMER_MS, type RouterConfigInput } from '../config/schema.js';
import { validateConfig } from '../config/validate-config.js';
import { ConfigError, InvalidArgumentError, NoEligibleModelError, UnknownAgentError, type ConfigIssue } from '../errors.js';
import type { BudgetOverrunEvent } from '../execution/call-context.js';
import { createExecutor, type ExecuteOptions } from '../execution/create-executor.js';
import type { ExecuteFn, ExecuteResult } from '../execution/execute-call.js';
import { createAdapterLookup } from '../execution/provider-registry.js';
import { ResponseCache, type ResponseCacheOptions } from '../execution/response-cache.js';
import type { CompleteOptions, CompletionRequest, CompletionResult, ProviderRegistry, RecordOptions, RetryOptions, RouterStreamPart } from '../execution/types.js';
import { RouterMetrics, type RouterMetricsSnapshot } from '../metrics/router-metrics.js';
import { defaultPiiDetector, withPiiAllowList, type PiiDetector } from '../privacy/index.js';
import { createMockProvider } from '../providers/mock.js';
import { DEFAULT_SCAN_LIMITS, type ScanLimits } from '../request/collect-text.js';
import { charsPerTokenEstimator, type TokenEstimator } from '../request/token-estimator.js';
import type { NormalizedRequest, TokenUsage } from '../request/types.js';
import { compileConfig } from '../routing/compile-config.js';
import { decide } from '../routing/decide.js';
import type { ModelLiveState, RoutingContext, RoutingDecision, Task } from '../routing/types.js';
import type { CircuitBreakerOptions } from '../state/circuit-breaker.js';
import { ledgerDay, microsToUsd, type CostLedger } from '../state/cost-ledger.js';
import { MemoryLedger } from '../state/memory-ledger.js';
import { ModelHealth } from '../state/model-health.js';
import { SHARED_STATE_TIMEOUT_MS } from '../state/guarded-shared-state.js';
import type { SharedModelState } from '../state/shared-model-state.js';
import { checkTask } from './check-task.js';
import { gatherState } from './gather-state.js';
import { inspectRequest, privacyReasonOf, type Inspector } from './inspect-request.js';
import { OverrideStore, type RuntimeOverrides } from './runtime-overrides.js';
import { RESERVATION_TTL_MS, RETRY_DEFAULTS, TIMEOUT_DEFAULTS } from './router-defaults.js';

export interface RouterLogger {
  debug?(message: string, details?: unknown): void;
  info?(message: string, details?: unknown): void;
  warn?(message: string, details?: unknown): void;
}

export interface RouterOptions {
  /** Where spend is read and booked. Default: a new `MemoryLedger`. */
  ledger?: CostLedger;
  /**
   * Models' rate windows and cooldowns shared with other router instances (e.g.
   * `createRedisModelState` from `llm-agent-router/redis`). Default: this instance's own, in memory.
   */
  modelState?: SharedModelState;
  /**
   * The longest the router waits for `modelState` (a read before a decision, a check before a call,
   * a write after a failure) before it goes on with this instance's own view, in ms. Default 1000.
   */
  modelStateTimeoutMs?: number;
  /** Epoch-ms clock; overrides expire and days roll over on it. Default `Date.now`. */
  clock?: () => number;
  /**
   * Finds PII in everything a request would send and in the task's text. Default: the regex
   * detector. The configuration's `routing.privacy.allow_patterns` apply to it either way.
   */
  piiDetector?: PiiDetector;
  /** Limits of the PII scan; what it cannot read within them counts as PII. */
  scanLimits?: Partial<ScanLimits>;
  /** Estimates input tokens from text. Default: characters / 4. */
  tokenEstimator?: TokenEstimator;
  /** Receives decision logs when `verbose_routing_logs` is on. Default: `console`. */
  logger?: RouterLogger;
  /** Log every decision, whatever the configuration says. */
  verbose?: boolean;
  /**
   * Write each decision's `trace` (default `true`). `false` leaves it empty — about a fifth of a
   * decision's time, for hot paths that never read it; a `NoEligibleModelError` still carries its
   * trace, and verbose logging writes it whatever this says.
   */
  trace?: boolean;
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
  /** How long an unsettled budget reservation counts, in ms. Default 1 hour. */
  reservationTtlMs?: number;
  /** The response cache used by strategies with `cache_responses: true`. */
  cache?: ResponseCacheOptions;
  /** Waits out a Retry-After (default: a timer); tests may inject one that returns at once. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /**
   * How long the router lets one try run before it ends it and retries or moves on (a model's
   * `timeout_ms` in models.yaml wins), and how long a stream may go quiet between parts, in ms.
   * Defaults: 10 minutes and 1 minute.
   */
  timeouts?: { attemptMs?: number; streamIdleMs?: number };
}

export type RouterEvent = { type: 'decision'; decision: RoutingDecision } | BudgetOverrunEvent;

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
  /**
   * Runs a call the host makes itself (a framework's own model, an SDK without an adapter here)
   * under the router's decision, fallback chain, retries, breakers, rate windows and budget
   * reservation: `attempt` is called once per model tried and returns `{ value, usage }`.
   */
  execute<T>(agentId: string, options: ExecuteOptions, attempt: ExecuteFn<T>): Promise<ExecuteResult<T>>;
  /** Like `complete`, streaming: `start`, deltas and tool calls, then `finish` with the result. */
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
  const validation = validateConfig(input, undefined, { providers: Object.keys(options.providers ?? {}) });
  if (validation.errors.length > 0 || !validation.config) throw new ConfigError(validation.errors, validation.warnings);
  const validated = validation.config;
  const warnings = loadWarnings ?? validation.warnings;

  for (const [name, ms] of Object.entries(options.timeouts ?? {})) {
    if (ms !== undefined && !(typeof ms === 'number' && ms > 0 && (ms <= MAX_TIMER_MS || ms === Number.POSITIVE_INFINITY))) {
      throw new InvalidArgumentError(`options.timeouts.${name}`, `expected a positive number of milliseconds up to ${MAX_TIMER_MS} (about 24.8 days), or Infinity for none; got ${String(ms)}`);
    }
  }
  if (options.modelStateTimeoutMs !== undefined && !(typeof options.modelStateTimeoutMs === 'number' && options.modelStateTimeoutMs > 0 && options.modelStateTimeoutMs <= MAX_TIMER_MS)) {
    throw new InvalidArgumentError('options.modelStateTimeoutMs', `expected a positive number of milliseconds up to ${MAX_TIMER_MS}, got ${String(options.modelStateTimeoutMs)}`);
  }
  const compiled = compileConfig(validated, environment);
  const clock = options.clock ?? Date.now;
  const ledger = options.ledger ?? new MemoryLedger();
  const logger = options.logger ?? console;
  const verbose = options.verbose ?? compiled.verboseRoutingLogs;
  const traceDecisions = options.trace ?? true;
  const metrics = new RouterMetrics();
  const listeners = new Set<(event: RouterEvent) => void>();
  const agentIds = [...compiled.agents.keys()];
  const modelIds = [...compiled.models.keys()];
  const strategyNames = () => [...compiled.strategies.keys()];
  const overrides = new OverrideStore({ agents: () => agentIds, models: () => modelIds, strategies: strategyNames }, clock);
  // A store that is down fails on every call: its failures are logged once a minute per operation.
  const sharedWarnedAt = new Map<string, number>();
  const warnSharedFailure = (operation: string, error: unknown) => {
    const at = Date.now();
    if (at - (sharedWarnedAt.get(operation) ?? Number.NEGATIVE_INFINITY) < 60_000) return;
    sharedWarnedAt.set(operation, at);
    logger.warn?.(`[llm-agent-router] the shared model state failed (${operation}); going on with this instance's own view`, error);
  };
  const health = new ModelHealth(compiled.models.values(), {
    approachingShare: compiled.rateLimitThreshold,
    ...(options.circuitBreaker ? { breaker: options.circuitBreaker } : {}),
    ...(options.modelState ? { shared: options.modelState, sharedTimeoutMs: options.modelStateTimeoutMs ?? SHARED_STATE_TIMEOUT_MS, onSharedError: warnSharedFailure } : {}),
  });
  const inspector: Inspector = {
    compiled,
    piiDetector: withPiiAllowList(options.piiDetector ?? defaultPiiDetector, compiled.piiAllowPatterns),
    tokenEstimator: options.tokenEstimator ?? charsPerTokenEstimator,
    scanLimits: { ...DEFAULT_SCAN_LIMITS, ...definedOnly(options.scanLimits ?? {}) },
  };

  const emit = (event: RouterEvent) => {
    for (const listener of listeners) {
      try {
        listener(event);
      } catch (error) {
        logger.warn?.('[llm-agent-router] an event listener threw; ignored', error);
      }
    }
  };

  function finish(decision: RoutingDecision): RoutingDecision {
    metrics.recordDecision(decision);
    if (verbose) {
      // One line a decision at info; the whole decision, trace included, at debug.
      const line = `[llm-agent-router] ${decision.agentId} → ${decision.modelId} (${decision.source}, strategy ${decision.strategy}): ${decision.reason}`;
      logger.info?.(line);
      logger.debug?.(line, decision);
    }
    if (listeners.size > 0) emit({ type: 'decision', decision });
    return decision;
  }

  const warned = new Set<string>();
  /** A note on a task, logged the first time it is seen (the trace carries it every time). */
  const warnOnce = (note: string) => {
    if (warned.has(note) || warned.size >= 100) return;
    warned.add(note);
    logger.warn?.(`[llm-agent-router] ${note}`);
  };

  function checkArguments(agentId: unknown, task: unknown, context: unknown): void {
    if (typeof agentId !== 'string' || !compiled.agents.has(agentId)) throw new UnknownAgentError(String(agentId), agentIds);
    if (typeof task !== 'object' || task === null || Array.isArray(task)) throw new InvalidArgumentError('task', 'expected an object');
    if (typeof context !== 'object' || context === null || Array.isArray(context)) throw new InvalidArgumentError('context', 'expected an object');
  }

  /** route() for a task, or for the request complete() and stream() are about to send. */
  async function routeFor(agentId: string, given: Task, context: RoutingContext, request: NormalizedRequest | undefined): Promise<RoutingDecision> {
    checkArguments(agentId, given, context);
    const { task, notes } = checkTask(given);
    const now = clock();
    if (!Number.isFinite(now) || Math.abs(now) > MAX_EPOCH_MS) {
      throw new InvalidArgumentError('clock', `the clock returned ${String(now)}, not epoch milliseconds`);
    }
    const snapshot = ledger.snapshot({ day: ledgerDay(now), agentId, now });
    // With a shared model state, what every instance counted and blocked is read alongside the spend.
    const refreshed = health.sharesState ? health.refresh(now) : undefined;
    const spend = isPromiseLike(snapshot) ? await snapshot : snapshot;
    if (refreshed) await refreshed;
    for (const note of notes) warnOnce(note);
    const inspection = inspectRequest(inspector, task, request);
    const state = gatherState({ compiled, overrides, health }, agentId, task, context, spend, inspection, now);
    if (notes.length > 0) state.notes = notes;
    const tracing = traceDecisions || verbose;
    try {
      return finish(decide(compiled, agentId, task, context, state, tracing));
    } catch (error) {
      // decide() is pure: run it again with the trace, so the refusal explains itself.
      if (!tracing && NoEligibleModelError.isInstance(error)) decide(compiled, agentId, task, context, state, true);
      throw error;
    }
  }

  let warnedMock = false;
  const executor = createExecutor({
    compiled,
    clock,
    ledger,
    health,
    metrics,
    tokenEstimator: inspector.tokenEstimator,
    privacyReasonOf: (request) => privacyReasonOf(inspector, request),
    warn: (message, details) => logger.warn?.(`[llm-agent-router] ${message}`, details),
    emit: (event) => {
      logger.warn?.(`[llm-agent-router] ${event.modelId} billed $${event.actualUsd} for a call ${event.agentId} reserved $${event.reservedUsd} for`, event);
      if (listeners.size > 0) emit(event);
    },
    adapterFor: createAdapterLookup(options.providers, () => {
      if (!warnedMock) {
        warnedMock = true;
        logger.warn?.('[llm-agent-router] no providers configured: every model is served by the mock provider');
      }
      return createMockProvider({ clock });
    }),
    retry: { ...RETRY_DEFAULTS, ...definedOnly(options.retry ?? {}) },
    sleep: options.sleep ?? abortableSleep,
    reservationTtlMs: options.reservationTtlMs ?? RESERVATION_TTL_MS,
    timeouts: { ...TIMEOUT_DEFAULTS, ...definedOnly(options.timeouts ?? {}) },
    route: routeFor,
    cache: new ResponseCache<CompletionResult>(options.cache),
  });

  return {
    route: (agentId: string, task: Task = {}, context: RoutingContext = EMPTY_CONTEXT) => routeFor(agentId, task, context, undefined),
    execute: executor.execute,
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
}

function isPromiseLike<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

/**
 * An option given as `undefined` keeps its default (a spread would copy the undefined: p-retry
 * then retries 10 times, and every Retry-After, however long, is waited out).
 */
function definedOnly<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as Partial<T>;
}

/** The largest time a Date can hold. */
const MAX_EPOCH_MS = 8.64e15;
