// Attribute names and the attribute sets of the router's spans and metrics: the OpenTelemetry
// semantic conventions for generative AI where one applies, `llm_router.*` for the router's own.
// Only ids, numbers and typed fields are read: never a prompt, an answer or a task's data.
import type { Attributes } from '@opentelemetry/api';
import type { ObservedEnd, ObservedOperation } from '../execution/call-observer.js';
import type { RoutingDecision } from '../routing/types.js';
import type { TryView } from './describe-tries.js';
import { errorType } from './error-type.js';

export const GEN_AI = {
  operationName: 'gen_ai.operation.name',
  providerName: 'gen_ai.provider.name',
  /** The older name of `gen_ai.provider.name`, still read by many backends. */
  system: 'gen_ai.system',
  requestModel: 'gen_ai.request.model',
  responseModel: 'gen_ai.response.model',
  inputTokens: 'gen_ai.usage.input_tokens',
  outputTokens: 'gen_ai.usage.output_tokens',
  cacheReadInputTokens: 'gen_ai.usage.cache_read.input_tokens',
  finishReasons: 'gen_ai.response.finish_reasons',
  tokenType: 'gen_ai.token.type',
} as const;

export const ERROR_TYPE = 'error.type';

export const ROUTER = {
  agent: 'llm_router.agent',
  model: 'llm_router.model',
  provider: 'llm_router.provider',
  modelType: 'llm_router.model_type',
  source: 'llm_router.source',
  strategy: 'llm_router.strategy',
  confidence: 'llm_router.confidence',
  estimatedCostUsd: 'llm_router.estimated_cost_usd',
  fallbackModels: 'llm_router.fallback_models',
  privacyEnforced: 'llm_router.privacy_enforced',
  localOnly: 'llm_router.local_only',
  experimentName: 'llm_router.experiment.name',
  experimentVariant: 'llm_router.experiment.variant',
  servedModel: 'llm_router.served_model',
  fallback: 'llm_router.fallback',
  costUsd: 'llm_router.cost_usd',
  cached: 'llm_router.cached',
  cancelled: 'llm_router.cancelled',
  tries: 'llm_router.tries',
  attempt: 'llm_router.attempt',
  verification: 'llm_router.verification',
  raceLost: 'llm_router.race_lost',
  skipReason: 'llm_router.skip_reason',
} as const;

/** Span event on the operation span for a model the router passed over without calling it. */
export const SKIPPED_EVENT = 'llm_router.skipped';

/** Every try is a chat call in GenAI terms; the router has no other kind of model call. */
export const CHAT = 'chat';

export function operationSpanName(operation: ObservedOperation): string {
  return `llm_router.${operation}`;
}

export function trySpanName(view: TryView): string {
  return `${CHAT} ${view.requestModel}`;
}

/** The decision's attributes: what was chosen, by which rule or strategy, under which constraints. */
export function decisionAttributes(decision: RoutingDecision): Attributes {
  const attributes: Attributes = {
    [ROUTER.model]: decision.modelId,
    [ROUTER.provider]: decision.provider,
    [ROUTER.modelType]: decision.modelType,
    [ROUTER.source]: decision.source,
    [ROUTER.strategy]: decision.strategy,
    [ROUTER.confidence]: decision.confidence,
    [ROUTER.estimatedCostUsd]: decision.estimatedCost,
    [ROUTER.fallbackModels]: decision.fallbacks,
    [ROUTER.privacyEnforced]: decision.privacyEnforced,
    [ROUTER.localOnly]: decision.localOnly,
  };
  if (decision.experiment) {
    attributes[ROUTER.experimentName] = decision.experiment.name;
    attributes[ROUTER.experimentVariant] = decision.experiment.variant;
  }
  return attributes;
}

/** How the operation ended: the model that served, whether a fallback did, what it cost. */
export function outcomeAttributes(end: ObservedEnd, tries: number): Attributes {
  const attributes: Attributes = { [ROUTER.tries]: tries };
  const { result } = end;
  if (result) {
    attributes[ROUTER.servedModel] = result.modelId;
    attributes[ROUTER.fallback] = result.usedFallback;
    if (result.costUsd !== undefined) attributes[ROUTER.costUsd] = result.costUsd;
    if (result.cached) attributes[ROUTER.cached] = true;
  }
  if (end.cancelled) attributes[ROUTER.cancelled] = true;
  if (end.error !== undefined) attributes[ERROR_TYPE] = errorType(end.error);
  return attributes;
}

/** The GenAI attributes every try and its metrics share. */
export function genAiAttributes(view: TryView): Attributes {
  const attributes: Attributes = {
    [GEN_AI.operationName]: CHAT,
    [GEN_AI.requestModel]: view.requestModel,
  };
  if (view.provider !== undefined) {
    attributes[GEN_AI.providerName] = view.provider;
    attributes[GEN_AI.system] = view.provider;
  }
  if (view.served) attributes[GEN_AI.responseModel] = view.responseModel;
  if (view.errorType !== undefined) attributes[ERROR_TYPE] = view.errorType;
  return attributes;
}

/** One try's span: the GenAI attributes, the router's model id and try number, usage when it served. */
export function tryAttributes(view: TryView, end: ObservedEnd): Attributes {
  const attributes = genAiAttributes(view);
  attributes[ROUTER.model] = view.attempt.modelId;
  attributes[ROUTER.attempt] = view.attempt.attempt;
  if (view.verification) attributes[ROUTER.verification] = true;
  if (view.lostRace) attributes[ROUTER.raceLost] = true;
  const result = view.served ? end.result : undefined;
  if (result) {
    if (result.usage) {
      attributes[GEN_AI.inputTokens] = result.usage.inputTokens;
      attributes[GEN_AI.outputTokens] = result.usage.outputTokens;
      if (result.usage.cachedInputTokens !== undefined) attributes[GEN_AI.cacheReadInputTokens] = result.usage.cachedInputTokens;
    }
    if (result.finishReason !== undefined) attributes[GEN_AI.finishReasons] = [finishReason(result.finishReason)];
    if (result.costUsd !== undefined) attributes[ROUTER.costUsd] = result.costUsd;
  }
  return attributes;
}

/** The router's finish reasons in the conventions' spelling (`tool-calls` → `tool_call`). */
export function finishReason(reason: string): string {
  if (reason === 'tool-calls') return 'tool_call';
  if (reason === 'content-filter') return 'content_filter';
  return reason;
}
