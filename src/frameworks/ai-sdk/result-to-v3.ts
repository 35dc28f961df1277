// The router's results in the AI SDK's V3 shapes: content (tool-call input as a JSON string), the
// finish reason, usage, response metadata, and `providerMetadata.router` — which model served, why,
// what it cost and every attempt, as JSON values only.
import type {
  LanguageModelV3Content,
  LanguageModelV3FinishReason,
  LanguageModelV3GenerateResult,
  LanguageModelV3Usage,
  SharedV3ProviderMetadata,
  SharedV3Warning,
} from '@ai-sdk/provider';
import type { AttemptRecord } from '../../call-errors.js';
import type { CompletionResult, VerificationResult } from '../../execution/types.js';
import type { FinishReason, ResultPart, TokenUsage } from '../../request/types.js';
import type { RoutingDecision } from '../../routing/types.js';

/** What `providerMetadata.router` holds for every call. */
export interface RouterCallMetadata {
  /** The model that served (its key in models.yaml). */
  modelId: string;
  /** Its provider (`openai`, `anthropic`, `local`, ...); absent when a stream failed before its end. */
  provider?: string;
  /** The model the decision chose; differs from `modelId` after a fallback. */
  decidedModelId: string;
  source: string;
  reason: string;
  strategy: string;
  /** Hard constraints in force (e.g. `local only: ...; the PII scan found email`): what they are, never the data. */
  constraints: string[];
  /** What the call cost in USD; absent when a stream failed before its end. */
  costUsd?: number;
  usedFallback: boolean;
  attempts: Array<{ modelId: string; attempt: number; ok: boolean; skipped?: string }>;
  /** The cloud verification a global rule asked for, when it ran (`doGenerate` through the router's adapters). */
  verification?: { modelId: string; verdict: VerificationResult['verdict']; costUsd: number };
}

export function routerMetadata(details: {
  modelId: string;
  provider?: string | undefined;
  decision: RoutingDecision;
  attempts: readonly AttemptRecord[];
  costUsd?: number | undefined;
  verification?: VerificationResult | undefined;
}): RouterCallMetadata {
  const { modelId, provider, decision, attempts, costUsd, verification } = details;
  return {
    modelId,
    ...(provider !== undefined ? { provider } : {}),
    decidedModelId: decision.modelId,
    source: decision.source,
    reason: decision.reason,
    strategy: decision.strategy,
    constraints: [...decision.constraints],
    ...(costUsd !== undefined ? { costUsd } : {}),
    usedFallback: modelId !== decision.modelId,
    attempts: attempts.map((a) => ({ modelId: a.modelId, attempt: a.attempt, ok: a.ok, ...(a.skipped !== undefined ? { skipped: a.skipped } : {}) })),
    ...(verification ? { verification: { modelId: verification.modelId, verdict: verification.verdict, costUsd: verification.costUsd } } : {}),
  };
}

/** Adds the router's entry to a provider's metadata. */
export function withRouterMetadata(metadata: SharedV3ProviderMetadata | undefined, router: RouterCallMetadata): SharedV3ProviderMetadata {
  return { ...metadata, router: router as unknown as SharedV3ProviderMetadata[string] };
}

export function finishReasonToV3(reason: FinishReason, raw: string | undefined): LanguageModelV3FinishReason {
  return { unified: reason, raw };
}

/** Router usage as V3's: totals, with the cached and reasoning shares when the provider said. */
export function usageToV3(usage: TokenUsage): LanguageModelV3Usage {
  const { inputTokens, outputTokens, cachedInputTokens, reasoningTokens } = usage;
  return {
    inputTokens: { total: inputTokens, noCache: inputTokens - (cachedInputTokens ?? 0), cacheRead: cachedInputTokens, cacheWrite: undefined },
    outputTokens: { total: outputTokens, text: outputTokens - (reasoningTokens ?? 0), reasoning: reasoningTokens },
  };
}

/** Usage of a call that did not report it (a failed stream). */
export const UNKNOWN_USAGE: LanguageModelV3Usage = Object.freeze({
  inputTokens: { total: undefined, noCache: undefined, cacheRead: undefined, cacheWrite: undefined },
  outputTokens: { total: undefined, text: undefined, reasoning: undefined },
});

/** A tool call's input as V3 carries it: JSON text. Text that did not parse as JSON is passed on as it came. */
export function toolInputText(input: unknown): string {
  return typeof input === 'string' ? input : (JSON.stringify(input ?? {}) ?? '{}');
}

export function contentToV3(content: readonly ResultPart[]): LanguageModelV3Content[] {
  return content.map((part): LanguageModelV3Content => {
    switch (part.type) {
      case 'text':
      case 'reasoning':
        return { type: part.type, text: part.text };
      case 'tool-call':
        return { type: 'tool-call', toolCallId: part.toolCallId, toolName: part.toolName, input: toolInputText(part.input) };
    }
  });
}

/** `router.complete()`'s result as `doGenerate`'s. */
export function completionToV3(result: CompletionResult, warnings: SharedV3Warning[]): LanguageModelV3GenerateResult {
  return {
    content: contentToV3(result.content),
    finishReason: finishReasonToV3(result.finishReason, result.rawFinishReason),
    usage: usageToV3(result.usage),
    providerMetadata: withRouterMetadata(undefined, routerMetadata(result)),
    response: {
      ...(result.response.id !== undefined ? { id: result.response.id } : {}),
      modelId: result.modelId,
      timestamp: new Date(result.response.timestamp ?? result.decision.decidedAt),
    },
    warnings,
  };
}
