// The call made by the host's own Agents SDK models (`models`: router model id → SDK `Model`), run
// inside `router.execute`: the router decides on the neutral form of the request (and scans it), then
// the chosen model's own `getResponse` / `getStreamedResponse` is called under the router's fallback
// chain, retries, breakers and budget. A stream falls back until its first event, as `stream()` does.
import type { Model, ModelRequest, ModelResponse, StreamEvent } from '@openai/agents-core';
import { ProviderError, ProviderNotConfiguredError } from '../../call-errors.js';
import type { ExecuteAttempt, ExecuteResult } from '../../execution/execute-call.js';
import type { CompleteOptions } from '../../execution/types.js';
import type { TokenUsage } from '../../request/types.js';
import type { Router } from '../../router/create-router.js';
import { toCompletionRequest } from './input-to-request.js';
import type { RouterResponseInfo } from './result-to-response.js';
import { asSdkAbort } from './sdk-abort.js';

export interface HostCall {
  router: Router;
  agentId: string;
  options: Pick<CompleteOptions, 'task' | 'context'>;
  models: Readonly<Record<string, Model>>;
}

/** The SDK model for the router's model, or a failure that moves the call down the chain. */
function sdkModelFor(call: HostCall, attempt: ExecuteAttempt): Model {
  const model = Object.hasOwn(call.models, attempt.modelId) ? call.models[attempt.modelId] : undefined;
  if (model) return model;
  // Skipped (`no_provider`), not failed: the model is fine, this host just cannot call it.
  throw new ProviderNotConfiguredError(attempt.modelId, attempt.model.provider, 'add an Agents SDK model for it to the models option');
}

/**
 * The SDK request for one try. Its signal ends with the try (the router gave up on it: a timeout, a
 * race lost) and with the caller's signal: the router lets go of a try's signal once the attempt
 * returns, but a stream goes on after that and must still end when the caller aborts.
 */
function requestFor(request: ModelRequest, attempt: ExecuteAttempt): ModelRequest {
  const signal = eitherSignal(attempt.signal, request.signal);
  const copy: ModelRequest = { ...request };
  if (signal) copy.signal = signal;
  else delete copy.signal;
  // The output limit the reservation covers: the SDK model may not write past it.
  const limit = attempt.maxOutputTokens;
  if (limit !== undefined) {
    const asked = request.modelSettings?.maxTokens;
    copy.modelSettings = { ...request.modelSettings, maxTokens: typeof asked === 'number' ? Math.min(asked, limit) : limit };
  }
  return copy;
}

function eitherSignal(a: AbortSignal | undefined, b: AbortSignal | undefined): AbortSignal | undefined {
  if (!a || !b || a === b) return a ?? b;
  if (typeof AbortSignal.any === 'function') return AbortSignal.any([a, b]);
  const controller = new AbortController();
  const abort = (source: AbortSignal) => () => controller.abort(source.reason);
  for (const source of [a, b]) {
    if (source.aborted) controller.abort(source.reason);
    else source.addEventListener('abort', abort(source), { once: true });
  }
  return controller.signal;
}

function tokenUsageOf(usage: { inputTokens?: number; outputTokens?: number } | undefined): TokenUsage {
  return { inputTokens: usage?.inputTokens ?? 0, outputTokens: usage?.outputTokens ?? 0 };
}

function infoOf(result: ExecuteResult<unknown>, provider: string, costUsd: number): RouterResponseInfo {
  return {
    modelId: result.modelId,
    provider,
    decidedModelId: result.decision.modelId,
    usedFallback: result.usedFallback,
    costUsd,
    reason: result.decision.reason,
  };
}

function execute<T>(call: HostCall, request: ModelRequest, attempt: (try_: ExecuteAttempt) => Promise<{ value: T; usage: TokenUsage | Promise<TokenUsage> }>) {
  const neutral = toCompletionRequest(request, 'host');
  const { signal } = request;
  return call.router.execute(call.agentId, { ...call.options, ...(signal ? { signal } : {}), request: neutral }, attempt);
}

export async function hostResponse(call: HostCall, request: ModelRequest): Promise<ModelResponse> {
  let provider = '';
  try {
    const result = await execute(call, request, async (attempt) => {
      const response = await sdkModelFor(call, attempt).getResponse(requestFor(request, attempt));
      provider = attempt.model.provider;
      return { value: response, usage: tokenUsageOf(response.usage) };
    });
    const { costUsd } = await result.settled;
    const response = result.value;
    return { ...response, providerData: { ...response.providerData, router: infoOf(result, provider, costUsd) } };
  } catch (error) {
    throw asSdkAbort(error, request.signal);
  }
}

interface OpenedStream {
  iterator: AsyncIterator<StreamEvent>;
  first: StreamEvent;
  provider: string;
  ended: (usage: TokenUsage | Error) => void;
}

export async function* hostStream(call: HostCall, request: ModelRequest): AsyncGenerator<StreamEvent, void, undefined> {
  let result: ExecuteResult<OpenedStream>;
  try {
    result = await execute(call, request, async (attempt) => {
      const iterator = sdkModelFor(call, attempt).getStreamedResponse(requestFor(request, attempt))[Symbol.asyncIterator]();
      // Open the stream within the try: a failure before the first event is retried or falls back.
      const first = await iterator.next();
      if (first.done) {
        throw new ProviderError(`The stream from ${attempt.modelId} ended before any event`, { provider: attempt.model.provider, modelId: attempt.modelId, kind: 'stream_interrupted', retryable: true });
      }
      let ended!: OpenedStream['ended'];
      const usage = new Promise<TokenUsage>((resolve, reject) => {
        ended = (outcome) => (outcome instanceof Error ? reject(outcome) : resolve(outcome));
      });
      return { value: { iterator, first: first.value, provider: attempt.model.provider, ended }, usage };
    });
  } catch (error) {
    throw asSdkAbort(error, request.signal);
  }

  const { iterator, first, provider, ended } = result.value;
  let finished = false;
  try {
    let next: IteratorResult<StreamEvent> = { done: false, value: first };
    while (!next.done) {
      const event = next.value;
      if (event.type === 'response_done') {
        finished = true;
        ended(tokenUsageOf(event.response.usage));
        const { costUsd } = await result.settled;
        const router = infoOf(result, provider, costUsd);
        yield { ...event, response: { ...event.response, providerData: { ...event.response.providerData, router } } };
      } else {
        yield event;
      }
      next = await iterator.next();
    }
  } catch (error) {
    throw asSdkAbort(error, request.signal);
  } finally {
    if (!finished) {
      // Cut, failed or abandoned before its end: the router books the input it estimated.
      ended(new Error(`The stream from ${result.modelId} ended before response_done`));
      await iterator.return?.()?.catch(() => {});
    }
  }
}
