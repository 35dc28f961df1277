// What every execution policy is handed: the router's dependencies once, and per call one context
// object (`{ deps, decision, request, attempts, signal }`) rather than the same five parameters
// repeated through every function.
import type { AttemptRecord } from '../call-errors.js';
import type { RouterMetrics } from '../metrics/router-metrics.js';
import type { ProviderAdapter } from '../providers/provider.js';
import type { TokenEstimator } from '../request/token-estimator.js';
import type { NormalizedRequest, TokenUsage } from '../request/types.js';
import type { CompiledConfig, CompiledModel } from '../routing/compile-config.js';
import type { RoutingDecision } from '../routing/types.js';
import type { CostLedger } from '../state/cost-ledger.js';
import type { ModelHealth } from '../state/model-health.js';
import type { Observed, RouterObserver } from './call-observer.js';
import type { RetryOptions } from './types.js';

export interface ExecutorDeps {
  compiled: CompiledConfig;
  clock: () => number;
  ledger: CostLedger;
  health: ModelHealth;
  metrics: RouterMetrics;
  tokenEstimator: TokenEstimator;
  /** The adapter for a model; throws when none is configured or its factory fails. */
  adapterFor: (model: CompiledModel) => ProviderAdapter;
  retry: Required<RetryOptions>;
  /** Waits out a Retry-After or a backoff; injectable for tests. */
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  reservationTtlMs: number;
  /** How long one try may take, and a stream may go quiet between parts, before the router ends it (ms). */
  timeouts: { attemptMs: number; streamIdleMs: number };
  /** Why a request must not leave for the cloud (PII, or what the scan could not read), if it must not. */
  privacyReasonOf: (request: NormalizedRequest) => string | undefined;
  /** Reports what the host should hear of (a call billed past its reservation). */
  emit: (event: BudgetOverrunEvent) => void;
  /** The host's logger, for what goes wrong out of any caller's sight (a late answer that cannot be booked). */
  warn: (message: string, details?: unknown) => void;
  /** Watches every operation (spans, logs), when the host gave one. */
  observer?: RouterObserver | undefined;
  /** Told how every call of a decision an experiment assigned ended (per-variant metrics, feedback). */
  onOutcome?: ((decision: RoutingDecision, outcome: CallOutcome) => void) | undefined;
}

/** How a call ended, for what follows a decision's variant. */
export interface CallOutcome {
  ok: boolean;
  /** The model that served, when one did. */
  servedModelId?: string | undefined;
  costUsd: number;
  latencyMs: number;
}

/** A provider billed more than the call's reservation covered: booked at actual, and reported. */
export interface BudgetOverrunEvent {
  type: 'budget_overrun';
  /** The decision whose call ran over. */
  decision: RoutingDecision;
  agentId: string;
  modelId: string;
  reservedUsd: number;
  actualUsd: number;
  usage: TokenUsage;
}

export interface CallContext {
  readonly deps: ExecutorDeps;
  readonly decision: RoutingDecision;
  readonly request: NormalizedRequest;
  /** Every try and skip, in order; the result and the errors carry it. */
  readonly attempts: AttemptRecord[];
  readonly signal: AbortSignal | undefined;
  /** The observation watching this call, when the router has an observer. */
  readonly observed?: Observed | undefined;
}

/**
 * One model's turn: its value, or why it did not serve — refused by the budget, unavailable until
 * `retryAt`, or a `fatal` error that ends the whole call (an abort, a malformed request).
 */
export type AttemptOutcome<T> = { ok: true; value: T } | { ok: false; budgetRefused: boolean; retryAt?: number; fatal?: unknown };

export type SkipReason =
  | 'privacy'
  | 'rate_limited'
  | 'circuit_open'
  | 'cooling_down'
  | 'half_open_trial_in_flight'
  | 'no_provider'
  | 'no_streaming'
  | 'budget';

/** Records that `model` was not called, and why. */
export function skip(call: CallContext, modelId: string, reason: SkipReason, error?: unknown): void {
  call.attempts.push({ modelId, attempt: 0, ok: false, startedAt: call.deps.clock(), durationMs: 0, skipped: reason, ...(error !== undefined ? { error } : {}) });
}
