// The router's public contract: the options `createRouter` takes, the `Router` it returns and the
// events it emits. The implementation is create-router.ts.
import type { LoadedConfig } from '../config/load-config.js';
import type { RouterConfigInput } from '../config/schema.js';
import type { ConfigIssue } from '../errors.js';
import type { BudgetOverrunEvent } from '../execution/call-context.js';
import type { RouterObserver } from '../execution/call-observer.js';
import type { ExecuteOptions } from '../execution/create-executor.js';
import type { ExecuteFn, ExecuteResult } from '../execution/execute-call.js';
import type { ResponseCacheOptions } from '../execution/response-cache.js';
import type { CompleteOptions, CompletionRequest, CompletionResult, ProviderRegistry, RecordOptions, RetryOptions, RouterStreamPart } from '../execution/types.js';
import type { RouterMetricsSnapshot } from '../metrics/router-metrics.js';
import type { PiiDetector } from '../privacy/index.js';
import type { ScanLimits } from '../request/collect-text.js';
import type { TokenEstimator } from '../request/token-estimator.js';
import type { TokenUsage } from '../request/types.js';
import type { ModelLiveState, RoutingContext, RoutingDecision, Task } from '../routing/types.js';
import type { CircuitBreakerOptions } from '../state/circuit-breaker.js';
import type { CostLedger } from '../state/cost-ledger.js';
import type { SharedModelState } from '../state/shared-model-state.js';
import type { ExperimentControl, ExperimentStatus } from './experiment-control.js';
import type { ActiveOverride, RuntimeOverrides } from './runtime-overrides.js';

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
  /**
   * Watches every `route`, `complete`, `stream` and `execute`: its decision, its tries, its result or
   * error (e.g. `createOpenTelemetryObserver()` from `llm-agent-router/telemetry`).
   */
  observer?: RouterObserver;
  /** Seeds the random source adaptive experiments sample with (default: each experiment's own `seed`, else its name). */
  random?: () => number;
}

export type RouterEvent = { type: 'decision'; decision: RoutingDecision } | BudgetOverrunEvent;

/** What changed in how the router runs: a reload, an override it dropped, an experiment started, paused or ended. */
export type RouterChangeEvent =
  | { type: 'config_reloaded'; environment: string | undefined; warnings: readonly ConfigIssue[] }
  | { type: 'override_dropped'; override: ActiveOverride; reason: string }
  | { type: 'experiment_changed'; experiment: ExperimentStatus; reason?: string | undefined };

/** What `router.reload()` did. */
export interface ReloadResult {
  warnings: readonly ConfigIssue[];
  /** Runtime overrides that named an agent, model or strategy the new configuration lacks. */
  droppedOverrides: ActiveOverride[];
}

/** One outcome of a task an experiment assigned: `{ metric: 'quality', value: 0.8 }`, `{ metric: 'thumbs_up', value: true }`. */
export interface Feedback {
  metric: string;
  /** A finite number, or a boolean (counted as 1 or 0). An adaptive experiment's metric takes 0..1. */
  value: number | boolean;
}

/** Today's spend against the daily cloud budget in force. */
export interface BudgetStatus {
  /** The ledger's day (`YYYY-MM-DD`, UTC). */
  day: string;
  /** Settled spend today, in USD. */
  spentUsd: number;
  /** Reserved for calls in flight, in USD. */
  reservedUsd: number;
  /** The daily cloud budget of the strategy in force (USD), if any; `remainingUsd` what is left of it. */
  budgetUsd: number | undefined;
  remainingUsd: number | undefined;
  /** The strategy whose budget is in force (the runtime override, else the default). */
  strategy: string;
  /** Settled spend today per agent and per model, in USD. */
  byAgent: Record<string, number>;
  byModel: Record<string, number>;
  calls: number;
}

export interface Router {
  /** Decides which model serves `task` for `agentId`. Never calls a model. */
  route(agentId: string, task?: Task, context?: RoutingContext): Promise<RoutingDecision>;
  /** Runtime overrides: `setAgentModel`, `setStrategy`, `setTaskRouting`, `list`, `clear...`. */
  readonly overrides: RuntimeOverrides;
  /** The validated configuration the router runs on (the new one after `reload`). */
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
  /** Subscribes to changes in how the router runs (reloads, dropped overrides, experiments); returns an unsubscribe function. */
  onChange(listener: (event: RouterChangeEvent) => void): () => void;
  /** Subscribes to router events; returns an unsubscribe function. */
  on(listener: (event: RouterEvent) => void): () => void;
  /**
   * Decides exactly as `route` would, but leaves no mark: no metrics, no events, no log; the trace is
   * always written. For tooling (a dry run, the admin API's explain).
   */
  explain(agentId: string, task?: Task, context?: RoutingContext): Promise<RoutingDecision>;
  /**
   * Swaps in a new configuration atomically: calls in flight finish on the old one, decisions from
   * now on use the new one. An invalid configuration throws `ConfigError` and the old one stays.
   * Overrides, spend, rate windows and circuits carry over; an override naming what no longer
   * exists is dropped (and reported as an `override_dropped` event).
   */
  reload(config: LoadedConfig | RouterConfigInput): ReloadResult;
  /**
   * Records an outcome (a quality score, a thumbs-up, a test passing) for the task an experiment
   * assigned — by its task id, or the decision itself — attributed to the variant that served.
   * Returns whether it was attributed (false when no experiment decision of that task is known).
   */
  feedback(target: string | RoutingDecision, feedback: Feedback): boolean;
  /** A/B experiments: their status and allocation; start, pause and end them at runtime. */
  readonly experiments: ExperimentControl;
  /** Today's spend, reservations and the budget in force. */
  budget(): Promise<BudgetStatus>;
  /** Known ids, for tooling. */
  agentIds(): string[];
  modelIds(): string[];
  strategyNames(): string[];
}

