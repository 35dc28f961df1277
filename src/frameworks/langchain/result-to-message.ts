// The router's results → LangChain messages: an `AIMessageChunk` (an `AIMessage` to every
// `isInstance` check, and what LangChain's own structured-output parsers expect) with tool calls
// (ids preserved), `usage_metadata`, and `response_metadata.router` saying who served and why.
import { AIMessageChunk, type BaseMessage, type UsageMetadata } from '@langchain/core/messages';
import type { AttemptRecord } from '../../call-errors.js';
import type { CompletionResult, VerificationResult } from '../../execution/types.js';
import type { FinishReason, TokenUsage, ToolCall } from '../../request/types.js';
import type { DecisionSource, RoutingDecision } from '../../routing/types.js';

/** One try of one model, as plain data (errors as their message). */
export interface RouterAttemptSummary {
  modelId: string;
  attempt: number;
  ok: boolean;
  durationMs: number;
  /** Why the model was not called at all (`circuit_open`, `budget`, ...). */
  skipped?: string;
  error?: string;
}

/** `response_metadata.router` on every message a router model returns. */
export interface RouterResponseMetadata {
  /** The model that served (its key in models.yaml); after a fallback, not the decision's. */
  modelId: string;
  /** The model the decision chose. */
  decidedModelId: string;
  provider: string;
  source: DecisionSource;
  reason: string;
  strategy: string;
  /** A privacy constraint (PII in what is sent, a privacy rule or strategy) kept the call local. */
  privacyEnforced: boolean;
  usedFallback: boolean;
  /** What this call cost, in USD. */
  costUsd: number;
  attempts: RouterAttemptSummary[];
  /** The cloud verification a global rule asked for (calls the router's adapters make). */
  verification?: { modelId: string; verdict: VerificationResult['verdict']; costUsd: number };
}

export interface RouterCallSummary {
  modelId: string;
  provider: string;
  decision: RoutingDecision;
  attempts: readonly AttemptRecord[];
  costUsd: number;
  verification?: VerificationResult;
}

export function routerMetadata(call: RouterCallSummary): RouterResponseMetadata {
  const { decision } = call;
  return {
    modelId: call.modelId,
    decidedModelId: decision.modelId,
    provider: call.provider,
    source: decision.source,
    reason: decision.reason,
    strategy: decision.strategy,
    privacyEnforced: decision.privacyEnforced,
    usedFallback: call.modelId !== decision.modelId,
    costUsd: call.costUsd,
    attempts: call.attempts.map(summarizeAttempt),
    ...(call.verification ? { verification: { modelId: call.verification.modelId, verdict: call.verification.verdict, costUsd: call.verification.costUsd } } : {}),
  };
}

function summarizeAttempt(attempt: AttemptRecord): RouterAttemptSummary {
  return {
    modelId: attempt.modelId,
    attempt: attempt.attempt,
    ok: attempt.ok,
    durationMs: attempt.durationMs,
    ...(attempt.skipped !== undefined ? { skipped: attempt.skipped } : {}),
    ...(attempt.error !== undefined ? { error: attempt.error instanceof Error ? attempt.error.message : String(attempt.error) } : {}),
  };
}

/** The router's usage as LangChain's `usage_metadata`. */
export function toUsageMetadata(usage: TokenUsage): UsageMetadata {
  return {
    input_tokens: usage.inputTokens,
    output_tokens: usage.outputTokens,
    total_tokens: usage.inputTokens + usage.outputTokens,
    ...(usage.cachedInputTokens !== undefined ? { input_token_details: { cache_read: usage.cachedInputTokens } } : {}),
    ...(usage.reasoningTokens !== undefined ? { output_token_details: { reasoning: usage.reasoningTokens } } : {}),
  };
}

/** A LangChain message's `usage_metadata` as the router's usage, when it has usable counts. */
export function usageOf(message: unknown): TokenUsage | undefined {
  const usage = (message as { usage_metadata?: Partial<UsageMetadata> } | null | undefined)?.usage_metadata;
  if (!usage || !isCount(usage.input_tokens) || !isCount(usage.output_tokens)) return undefined;
  const cached = usage.input_token_details?.cache_read;
  const reasoning = usage.output_token_details?.reasoning;
  return {
    inputTokens: usage.input_tokens,
    outputTokens: usage.output_tokens,
    ...(isCount(cached) ? { cachedInputTokens: cached } : {}),
    ...(isCount(reasoning) ? { reasoningTokens: reasoning } : {}),
  };
}

const isCount = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value) && value >= 0;

/** The finish reason in the words LangChain's OpenAI-style metadata uses. */
export function finishReasonOf(reason: FinishReason): string {
  if (reason === 'tool-calls') return 'tool_calls';
  if (reason === 'content-filter') return 'content_filter';
  return reason;
}

/**
 * Tool calls as `tool_call_chunks`: the message parses them into `tool_calls`, and arguments that
 * are not a JSON object (the raw text of a call that did not parse) into `invalid_tool_calls`.
 */
export function toolCallChunks(calls: readonly ToolCall[], firstIndex = 0) {
  return calls.map((call, i) => ({
    type: 'tool_call_chunk' as const,
    id: call.toolCallId,
    name: call.toolName,
    args: typeof call.input === 'string' ? call.input : JSON.stringify(call.input ?? {}),
    index: firstIndex + i,
  }));
}

/** A completed call as the message LangChain receives. */
export function resultToMessage(result: CompletionResult): AIMessageChunk {
  const reasoning = result.content
    .filter((part) => part.type === 'reasoning')
    .map((part) => part.text)
    .join('');
  return new AIMessageChunk({
    content: result.text,
    tool_call_chunks: toolCallChunks(result.toolCalls),
    // Where OpenAI-compatible LangChain models keep reasoning; read back when the message is sent again.
    additional_kwargs: reasoning !== '' ? { reasoning_content: reasoning } : {},
    usage_metadata: toUsageMetadata(result.usage),
    response_metadata: {
      ...responseMetadataOf(result),
      router: routerMetadata(result),
    },
  });
}

/**
 * The provider's finish reason, model name and response id. The id stays out of the message's own
 * `id`: LangGraph merges messages by id, and a cached or repeated response id would overwrite an
 * earlier step; LangChain gives each message its run's id instead.
 */
export function responseMetadataOf(result: CompletionResult): Record<string, unknown> {
  return {
    finish_reason: finishReasonOf(result.finishReason),
    model_name: result.response.modelId,
    ...(result.response.id !== undefined ? { id: result.response.id } : {}),
  };
}

/** Adds `response_metadata.router` to a message a LangChain model returned. */
export function withRouterMetadata<M extends BaseMessage>(message: M, metadata: RouterResponseMetadata): M {
  message.response_metadata = { ...message.response_metadata, router: metadata };
  return message;
}

/** The router's metadata on a message a router model (or the router middleware) returned, if any. */
export function routerMetadataOf(message: unknown): RouterResponseMetadata | undefined {
  const metadata = (message as { response_metadata?: Record<string, unknown> } | null | undefined)?.response_metadata;
  const router = metadata?.['router'];
  return typeof router === 'object' && router !== null ? (router as RouterResponseMetadata) : undefined;
}
