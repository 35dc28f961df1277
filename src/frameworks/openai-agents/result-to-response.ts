// The router's answer as the Agents SDK reads a model's: output items (an assistant message, reasoning,
// function calls with their JSON arguments), usage in the SDK's shape, the response id, and which
// model served under `providerData.router`.
import { Usage } from '@openai/agents-core';
import type { ModelResponse, StreamEventResponseCompleted, UsageInput } from '@openai/agents-core';
import type { CompletionResult } from '../../execution/types.js';
import type { ResultPart, TokenUsage } from '../../request/types.js';

/** What a response says of the routing, under `providerData.router`. */
export interface RouterResponseInfo {
  /** The model that served (its key in models.yaml). */
  modelId: string;
  provider: string;
  /** The model the decision chose; differs from `modelId` after a fallback. */
  decidedModelId: string;
  usedFallback: boolean;
  costUsd: number;
  /** Why the decision chose its model. */
  reason: string;
}

type UsageData = StreamEventResponseCompleted['response']['usage'];
/** An item a model outputs (the SDK's `OutputModelItem`). */
type OutputItem = StreamEventResponseCompleted['response']['output'][number];

/** The SDK's usage data for one request; cache and reasoning counts under the Responses API's names. */
export function usageDataOf(usage: TokenUsage): UsageData {
  const data: UsageData = {
    requests: 1,
    inputTokens: usage.inputTokens,
    outputTokens: usage.outputTokens,
    totalTokens: usage.inputTokens + usage.outputTokens,
  };
  if (usage.cachedInputTokens !== undefined) data.inputTokensDetails = { cached_tokens: usage.cachedInputTokens };
  if (usage.reasoningTokens !== undefined) data.outputTokensDetails = { reasoning_tokens: usage.reasoningTokens };
  return data;
}

/**
 * The answer's parts as output items, in order: runs of text as one assistant message, reasoning as a
 * reasoning item, each tool call as a function call. An answer with neither text nor tool calls is
 * an empty message, so the Runner ends the turn instead of asking again.
 */
export function outputItemsOf(content: readonly ResultPart[]): OutputItem[] {
  const items: OutputItem[] = [];
  let text: string | undefined;
  const closeText = () => {
    if (text !== undefined) items.push(assistantMessage(text));
    text = undefined;
  };
  for (const part of content) {
    if (part.type === 'text') {
      text = (text ?? '') + part.text;
    } else if (part.type === 'reasoning') {
      closeText();
      items.push({ type: 'reasoning', content: [{ type: 'input_text', text: part.text }] });
    } else {
      closeText();
      items.push({
        type: 'function_call',
        callId: part.toolCallId,
        name: part.toolName,
        // A string is the raw text of arguments that did not parse: passed on for the tool to report.
        arguments: typeof part.input === 'string' ? part.input : JSON.stringify(part.input ?? {}),
        status: 'completed',
      });
    }
  }
  closeText();
  if (!items.some((item) => item.type === 'message' || item.type === 'function_call')) items.push(assistantMessage(''));
  return items;
}

function assistantMessage(text: string): OutputItem {
  return { type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text }] };
}

export function routerInfoOf(result: CompletionResult): RouterResponseInfo {
  return {
    modelId: result.modelId,
    provider: result.provider,
    decidedModelId: result.decision.modelId,
    usedFallback: result.usedFallback,
    costUsd: result.costUsd,
    reason: result.decision.reason,
  };
}

export function toModelResponse(result: CompletionResult): ModelResponse {
  const response: ModelResponse = {
    usage: new Usage(usageDataOf(result.usage) as UsageInput),
    output: outputItemsOf(result.content),
    providerData: { router: routerInfoOf(result) },
  };
  if (result.response.id !== undefined) response.responseId = result.response.id;
  return response;
}

/** The stream's last event: the whole response, as `getResponse` would have returned it. */
export function responseDoneOf(result: CompletionResult, fallbackId: string): StreamEventResponseCompleted {
  return {
    type: 'response_done',
    response: {
      id: result.response.id ?? fallbackId,
      usage: usageDataOf(result.usage),
      output: outputItemsOf(result.content),
      providerData: { router: routerInfoOf(result) },
    },
  };
}
