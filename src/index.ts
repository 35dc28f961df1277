// The public entry: configuration, conditions, the router, the request model, state and errors —
// the documented contract only. Provider adapters for SDKs live behind their own subpaths
// (`llm-agent-router/openai`, `/anthropic`), the mock behind `/test`, the simulator behind `/simulation`.
export { createRouter } from './router/create-router.js';
export type { Router, RouterOptions, RouterLogger, RouterEvent, RouterChangeEvent, ReloadResult, Feedback, BudgetStatus } from './router/create-router.js';
export { watchConfig } from './router/watch-config.js';
export type { ConfigWatcher, WatchConfigOptions } from './router/watch-config.js';
export type { ExperimentControl, ExperimentChangeOptions, ExperimentState, ExperimentStatus } from './router/experiment-control.js';
export type { ObservedEnd, ObservedOperation, ObservedResult, OperationObservation, RouterObserver } from './execution/call-observer.js';
export { parseDuration } from './router/runtime-overrides.js';
export type {
  ActiveOverride,
  OverrideChange,
  OverrideOptions,
  OverridesListing,
  RuntimeOverrides,
  TaskRoutingOptions,
} from './router/runtime-overrides.js';

export { loadConfig, parseConfig } from './config/load-config.js';
export type { LoadedConfig, LoadConfigOptions, ParseConfigOptions, ParseConfigSources } from './config/load-config.js';
export { validateConfig } from './config/validate-config.js';
export type { Locator, ValidateOptions, ValidationResult } from './config/validate-config.js';
export type { PathSegment } from './config/yaml-source.js';
export { configJsonSchemas } from './config/json-schema.js';
export type { ConfigFileKind } from './config/json-schema.js';
export type {
  AgentConfig,
  ExperimentConfig,
  GlobalOverridesConfig,
  GlobalRuleConfig,
  ModelConfig,
  PrivacyConfig,
  RouterConfigInput,
  RoutingConfig,
  RoutingFactorConfig,
  RoutingRuleConfig,
  StrategyConfig,
  StrategyRuleConfig,
} from './config/schema.js';

export { compileCondition } from './conditions/index.js';
export type { CompiledCondition, ConditionOptions, ConditionScope, ConditionEvaluation } from './conditions/index.js';

export type {
  DecisionSource,
  ModelLiveState,
  RoutingContext,
  RoutingDecision,
  Task,
  TraceOutcome,
  TraceStep,
  TraceStepKind,
  Verification,
} from './routing/types.js';

export type {
  AssistantContentPart,
  AssistantMessage,
  CompletionRequest,
  DataContent,
  FilePart,
  FinishReason,
  ImagePart,
  JsonValue,
  MessageRole,
  NormalizedMessage,
  NormalizedRequest,
  ProviderOptions,
  ReasoningPart,
  RequestMessage,
  RequestMessage as ChatMessage,
  MessageRole as ChatRole,
  ResponseFormat,
  ResponseInfo,
  ResultPart,
  StreamPart,
  SystemMessage,
  TextPart,
  TokenUsage,
  ToolCall,
  ToolCallPart,
  ToolChoice,
  ToolDefinition,
  ToolMessage,
  ToolResultInput,
  ToolResultOutput,
  ToolResultPart,
  UserContentPart,
  UserMessage,
} from './request/types.js';
export { charsPerTokenEstimator, createCharsPerTokenEstimator } from './request/token-estimator.js';
export type { TokenEstimator } from './request/token-estimator.js';
export type { ScanLimits } from './request/collect-text.js';

export type { CallOptions, ProviderAdapter, ProviderRequest, ProviderResponse } from './providers/provider.js';
export type {
  CompleteOptions,
  CompletionResult,
  ModelInfo,
  ProviderFactory,
  ProviderRegistry,
  RecordOptions,
  RetryOptions,
  RouterStreamPart,
  VerificationResult,
} from './execution/types.js';
export type { ResponseCacheOptions } from './execution/response-cache.js';
export type { ExecuteOptions } from './execution/create-executor.js';
export type { BudgetOverrunEvent } from './execution/call-context.js';
export type { ExecuteAttempt, ExecuteAttemptResult, ExecuteFn, ExecuteResult } from './execution/execute-call.js';
export type { CircuitBreakerOptions, CircuitState } from './state/circuit-breaker.js';

export { MemoryLedger } from './state/memory-ledger.js';
export type { SharedBlockReason, SharedModelFacts, SharedModelState, SharedPermit } from './state/shared-model-state.js';
export type { ModelLimits } from './state/model-live-state.js';
export type { MemoryLedgerOptions } from './state/memory-ledger.js';
export { ledgerDay, microsToUsd, usdToMicros, MICROS_PER_USD } from './state/cost-ledger.js';
export type {
  CostLedger,
  DayReport,
  LedgerEntry,
  MaybePromise,
  ReserveRequest,
  ReserveResult,
  SpendQuery,
  SpendSnapshot,
} from './state/cost-ledger.js';

export { createRegexPiiDetector, defaultPiiDetector, withPiiAllowList } from './privacy/index.js';
export type { PiiAllowList, PiiDetector, PiiFinding, PiiKind, RegexPiiDetectorOptions } from './privacy/index.js';

export type { RouterMetricsSnapshot, ModelPerformance, VariantMetrics } from './metrics/router-metrics.js';

export {
  BudgetExceededError,
  StateUnavailableError,
  ConditionSyntaxError,
  ConfigError,
  InvalidArgumentError,
  NoEligibleModelError,
  RouterError,
  UnknownAgentError,
  UnknownModelError,
  UnknownStrategyError,
  UnknownExperimentError,
  formatIssue,
} from './errors.js';
export type { ConfigIssue, RouterErrorCode, SourcePosition } from './errors.js';
export {
  AllModelsFailedError,
  ProviderError,
  ProviderNotConfiguredError,
  RequestAbortedError,
  RequestRejectedError,
  StreamInterruptedError,
} from './call-errors.js';
export type { AttemptRecord, ProviderErrorKind } from './call-errors.js';
