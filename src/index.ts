// The public entry: configuration, conditions, the router, state and errors. Provider adapters for
// SDKs live behind their own subpaths (`llm-agent-router/openai`, `llm-agent-router/anthropic`).
export { createRouter } from './create-router.js';
export type { Router, RouterOptions, RouterLogger, RouterEvent } from './create-router.js';

export { loadConfig, parseConfig } from './config/load-config.js';
export type { LoadedConfig, LoadConfigOptions, ParseConfigOptions, ParseConfigSources } from './config/load-config.js';
export { validateConfig } from './config/validate-config.js';
export type { Locator, ValidationResult } from './config/validate-config.js';
export { configJsonSchemas } from './config/json-schema.js';
export type { ConfigFileKind } from './config/json-schema.js';
export type {
  AgentConfig,
  GlobalRuleConfig,
  ModelConfig,
  RouterConfigInput,
  RoutingConfig,
  RoutingFactorConfig,
  RoutingRuleConfig,
  StrategyConfig,
  StrategyRuleConfig,
} from './config/schema.js';

export { compileCondition } from './conditions/index.js';
export type { CompiledCondition, ConditionOptions, ConditionScope, ConditionEvaluation } from './conditions/index.js';

export { decide } from './routing/decide.js';
export { compileConfig } from './routing/compile-config.js';
export type {
  CompiledAgent,
  CompiledConfig,
  CompiledFactor,
  CompiledGlobalRule,
  CompiledModel,
  CompiledStrategy,
} from './routing/compile-config.js';
export type {
  DecisionSource,
  ModelLiveState,
  RoutingContext,
  RoutingDecision,
  RoutingState,
  Task,
  TraceOutcome,
  TraceStep,
  TraceStepKind,
  Verification,
} from './routing/types.js';

export { RuntimeOverrides, parseDuration } from './runtime-overrides.js';
export type { ActiveOverride, OverrideChange, OverrideOptions, OverridesListing, TaskRoutingOptions } from './runtime-overrides.js';

export { MemoryLedger } from './state/memory-ledger.js';
export type { MemoryLedgerOptions } from './state/memory-ledger.js';
export { ledgerDay, microsToUsd, usdToMicros, MICROS_PER_USD } from './state/cost-ledger.js';
export type {
  CostLedger,
  DayReport,
  LedgerEntry,
  ReserveRequest,
  ReserveResult,
  SpendQuery,
  SpendSnapshot,
} from './state/cost-ledger.js';

export { createRegexPiiDetector, defaultPiiDetector, collectTaskText } from './privacy/index.js';
export type { PiiDetector, PiiFinding, PiiKind, TokenEstimator, CollectTaskTextOptions, RegexPiiDetectorOptions } from './privacy/index.js';
export { charsPerTokenEstimator, createCharsPerTokenEstimator } from './privacy/index.js';

export type { RouterMetricsSnapshot, ModelPerformance } from './metrics/router-metrics.js';

export { simulateWorkload } from './simulation/simulate-workload.js';
export type { SimulationOptions, SimulationReport, SimulatedModel, StrategyOutcome } from './simulation/simulate-workload.js';
export { parseWorkload, WorkloadError } from './simulation/parse-workload.js';
export type { ParsedWorkload, WorkloadTask } from './simulation/parse-workload.js';
export { renderHtmlReport } from './simulation/html-report.js';

export type {
  CallOptions,
  ChatMessage,
  ChatRole,
  FinishReason,
  ProviderAdapter,
  ProviderRequest,
  ProviderResponse,
  StreamPart,
  TokenUsage,
} from './providers/provider.js';

export type {
  CompleteOptions,
  CompletionRequest,
  CompletionResult,
  ModelInfo,
  ProviderFactory,
  ProviderRegistry,
  RecordOptions,
  RetryOptions,
  RouterStreamPart,
  VerificationResult,
} from './execution/execute-request.js';
export type { ResponseCacheOptions } from './execution/response-cache.js';
export type { CircuitBreakerOptions, CircuitState } from './state/circuit-breaker.js';

export {
  AllModelsFailedError,
  BudgetExceededError,
  ConditionSyntaxError,
  ConfigError,
  InvalidArgumentError,
  NoEligibleModelError,
  ProviderError,
  ProviderNotConfiguredError,
  RequestAbortedError,
  RouterError,
  StreamInterruptedError,
  UnknownAgentError,
  UnknownModelError,
  UnknownStrategyError,
  formatIssue,
} from './errors.js';
export type { AttemptRecord, ConfigIssue, SourcePosition } from './errors.js';
