// The one place a `CompletionResult` is built, from what served the call — for `complete()`,
// `stream()` and the cache alike.
import type { ProviderResponse } from '../providers/provider.js';
import type { ResultPart, ToolCall } from '../request/types.js';
import { microsToUsd } from '../state/cost-ledger.js';
import type { CallContext } from './call-context.js';
import type { CompletionResult } from './types.js';

export function completionResult(call: CallContext, response: ProviderResponse, served: { modelId: string; costMicros: number; startedAt: number }): CompletionResult {
  const { deps, decision } = call;
  const model = deps.compiled.models.get(served.modelId)!;
  const result: CompletionResult = {
    text: textOf(response.content),
    content: response.content,
    toolCalls: toolCallsOf(response.content),
    finishReason: response.finishReason,
    usage: response.usage,
    response: response.response ?? { modelId: model.providerModelId },
    raw: response.raw,
    modelId: served.modelId,
    provider: model.provider,
    decision,
    attempts: call.attempts,
    costUsd: microsToUsd(served.costMicros),
    latencyMs: deps.clock() - served.startedAt,
    cached: false,
    usedFallback: served.modelId !== decision.modelId,
  };
  if (response.rawFinishReason !== undefined) result.rawFinishReason = response.rawFinishReason;
  return result;
}

export function textOf(content: readonly ResultPart[]): string {
  let text = '';
  for (const part of content) if (part.type === 'text') text += part.text;
  return text;
}

export function toolCallsOf(content: readonly ResultPart[]): ToolCall[] {
  const calls: ToolCall[] = [];
  for (const part of content) if (part.type === 'tool-call') calls.push({ toolCallId: part.toolCallId, toolName: part.toolName, input: part.input });
  return calls;
}
