// An adapter's answer is checked before it is billed or returned: it must be a response with
// content parts and usage as non-negative finite counts. Anything else — null, a string, a
// throwing getter, negative usage — is a `bad_response` failure of that model, never a raw
// TypeError and never a negative cost.
import { ProviderError } from '../call-errors.js';
import type { ProviderResponse } from '../providers/provider.js';
import type { ResultPart, TokenUsage } from '../request/types.js';
import type { CompiledModel } from '../routing/compile-config.js';
import { ownValue } from '../own-data.js';

const FINISH_REASONS = new Set(['stop', 'length', 'tool-calls', 'content-filter', 'error', 'other']);

export function checkResponse(value: unknown, provider: string, model: CompiledModel): ProviderResponse {
  const bad = (why: string, cause?: unknown) =>
    new ProviderError(`${provider} (${model.id}) returned a malformed response: ${why}`, { provider, modelId: model.id, kind: 'bad_response', retryable: false, cause });
  try {
    if (typeof value !== 'object' || value === null) throw bad(`expected an object, got ${value === null ? 'null' : typeof value}`);
    const response = value as ProviderResponse;
    if (!Array.isArray(response.content)) throw bad('no content parts');
    const content: ResultPart[] = [];
    for (const part of response.content) {
      if (typeof part !== 'object' || part === null) throw bad('a content part is not an object');
      if ((part.type === 'text' || part.type === 'reasoning') && typeof part.text === 'string') content.push({ type: part.type, text: part.text });
      else if (part.type === 'tool-call' && typeof part.toolCallId === 'string' && typeof part.toolName === 'string') {
        content.push({ type: 'tool-call', toolCallId: part.toolCallId, toolName: part.toolName, input: part.input });
      } else throw bad(`a content part of type ${String((part as { type?: unknown }).type)} is malformed`);
    }
    const checked: ProviderResponse = {
      content,
      finishReason: FINISH_REASONS.has(response.finishReason) ? response.finishReason : 'other',
      usage: checkUsage(response.usage, bad),
      raw: response.raw,
    };
    if (typeof response.rawFinishReason === 'string') checked.rawFinishReason = response.rawFinishReason;
    if (typeof response.response === 'object' && response.response !== null) checked.response = response.response;
    return checked;
  } catch (error) {
    if (ProviderError.isInstance(error)) throw error;
    throw bad('reading it threw', error);
  }
}

/** Usage as non-negative finite integers; anything else is a malformed response. */
export function checkUsage(usage: unknown, bad: (why: string) => Error): TokenUsage {
  if (typeof usage !== 'object' || usage === null) throw bad('no usage');
  // Its own fields only: a count planted on Object.prototype is never taken for one.
  const inputTokens = ownValue(usage, 'inputTokens');
  const outputTokens = ownValue(usage, 'outputTokens');
  const cachedInputTokens = ownValue(usage, 'cachedInputTokens');
  const reasoningTokens = ownValue(usage, 'reasoningTokens');
  if (!isCount(inputTokens) || !isCount(outputTokens)) throw bad(`usage must be non-negative finite token counts, got ${String(inputTokens)} / ${String(outputTokens)}`);
  const out: TokenUsage = { inputTokens: Math.ceil(inputTokens), outputTokens: Math.ceil(outputTokens) };
  if (isCount(cachedInputTokens)) out.cachedInputTokens = cachedInputTokens;
  if (isCount(reasoningTokens)) out.reasoningTokens = reasoningTokens;
  return out;
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}
