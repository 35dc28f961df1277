// Errors as the AI SDK reads them: an abort is an error named `AbortError` (the SDK's
// `isAbortError`), a missing model is a `NoSuchModelError` (by the SDK's own Symbol.for markers, so
// no runtime import of `@ai-sdk/provider` is needed), and a model id without an AI SDK model in the
// `models` option is a model without a provider, which the fallback chain skips.
import { ProviderNotConfiguredError, RequestAbortedError } from '../../call-errors.js';
import { asFrameworkAbort } from '../framework-abort.js';

/** Whether `error` ends the call because the caller aborted. */
export function isAbortLike(error: unknown, signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true || RequestAbortedError.isInstance(error);
}

/**
 * What a model method throws: the router's `RequestAbortedError` (code `ABORTED`) renamed
 * `AbortError` when the caller aborted, so `generateText` / `streamText` end as an abort; anything
 * else as it is.
 */
export function toSdkError(error: unknown, signal: AbortSignal | undefined): unknown {
  return asFrameworkAbort(error, signal);
}

/** The AI SDK's `NoSuchModelError`, recognised by its `isInstance` through the SDK's markers. */
export class RouterNoSuchModelError extends Error {
  readonly modelId: string;
  readonly modelType: string;
  constructor(modelId: string, modelType: string) {
    super(`The llm-agent-router provider has no ${modelType} "${modelId}": it routes language models only`);
    this.name = 'AI_NoSuchModelError';
    this.modelId = modelId;
    this.modelType = modelType;
    for (const marker of ['vercel.ai.error', 'vercel.ai.error.AI_NoSuchModelError']) {
      Object.defineProperty(this, Symbol.for(marker), { value: true, enumerable: false });
    }
  }
}

/**
 * A model the router chose but the `models` option does not map: skipped (`no_provider`), neither
 * retried nor held against the model's health, and the chain moves on to the next model.
 */
export function unmappedModelError(modelId: string, provider: string, mapped: readonly string[]): ProviderNotConfiguredError {
  return new ProviderNotConfiguredError(
    modelId,
    provider,
    `give it an AI SDK model in createRouterModel(router, agentId, { models: { '${modelId}': ... } }) (models given: ${mapped.join(', ') || 'none'})`,
  );
}
