// The `models` option: the chosen model's own AI SDK implementation makes the call, run by
// `router.execute()` under the decision's fallback chain, retries, breakers and budget reservation.
// The router is given the neutral form of the call (and everything it could not map), so the PII
// scan and the feature constraints see every byte the model will be sent.
//
// A stream falls back only before its first content part: the model's stream is read up to it
// inside the attempt, so an HTTP error, an `error` part or a stream that ends early moves on to the
// next model. Its usage is known at its `finish` part, and booked then.
import type { LanguageModelV3CallOptions, LanguageModelV3GenerateResult, LanguageModelV3StreamPart, LanguageModelV3StreamResult, LanguageModelV3Usage } from '@ai-sdk/provider';
import { ProviderError } from '../../call-errors.js';
import type { ExecuteAttempt, ExecuteResult } from '../../execution/execute-call.js';
import { charsPerTokenEstimator } from '../../request/token-estimator.js';
import type { TokenUsage } from '../../request/types.js';
import type { Router } from '../../router/create-router.js';
import type { RoutingContext, RoutingDecision, Task } from '../../routing/types.js';
import { forwardedProviderOptions, requestForScan, type ConvertedCall } from './prompt-to-request.js';
import { routerMetadata, UNKNOWN_USAGE, withRouterMetadata } from './result-to-v3.js';
import { toSdkError, unmappedModelError } from './sdk-errors.js';
import { generateWith, streamWith, type AiSdkLanguageModel } from './sdk-model-versions.js';

export interface HostCall {
  router: Router;
  agentId: string;
  task: Task;
  context: RoutingContext;
  models: Readonly<Record<string, AiSdkLanguageModel>>;
  options: LanguageModelV3CallOptions;
  converted: ConvertedCall;
}

export async function generateWithModels(call: HostCall): Promise<LanguageModelV3GenerateResult> {
  const { router, agentId, task, context, options, converted } = call;
  const signal = options.abortSignal;
  try {
    const run = await router.execute(agentId, { task, context, ...(signal ? { signal } : {}), request: requestForScan(converted) }, async (attempt) => {
      const result = await generateWith(modelFor(call, attempt), sentOptions(call, attempt));
      return { value: { result, provider: attempt.model.provider }, usage: tokenUsage(result.usage, attempt.decision, contentText(result.content)) };
    });
    const { costUsd } = await run.settled;
    const { result, provider } = run.value;
    return {
      ...result,
      warnings: [...converted.providerToolWarnings, ...result.warnings],
      providerMetadata: withRouterMetadata(result.providerMetadata, routerMetadata({ modelId: run.modelId, provider, decision: run.decision, attempts: run.attempts, costUsd })),
      response: { ...result.response, modelId: run.modelId, timestamp: result.response?.timestamp ?? new Date(run.decision.decidedAt) },
    };
  } catch (error) {
    throw toSdkError(error, signal);
  }
}

interface OpenedStream {
  result: LanguageModelV3StreamResult;
  reader: ReadableStreamDefaultReader<LanguageModelV3StreamPart>;
  /** Parts read before the first content part, and that part. */
  head: LanguageModelV3StreamPart[];
  usage: Settlement<TokenUsage>;
  decision: RoutingDecision;
  provider: string;
}

export async function streamWithModels(call: HostCall): Promise<LanguageModelV3StreamResult> {
  const { router, agentId, task, context, options, converted } = call;
  const signal = options.abortSignal;
  let run: ExecuteResult<OpenedStream>;
  try {
    run = await router.execute<OpenedStream>(agentId, { task, context, ...(signal ? { signal } : {}), request: requestForScan(converted) }, async (attempt) => {
      const model = modelFor(call, attempt);
      const result = await streamWith(model, sentOptions(call, attempt));
      const reader = result.stream.getReader();
      const head = await readHead(reader, model, attempt.modelId);
      const usage = new Settlement<TokenUsage>();
      return { value: { result, reader, head, usage, decision: attempt.decision, provider: attempt.model.provider }, usage: usage.promise };
    });
  } catch (error) {
    throw toSdkError(error, signal);
  }
  const { result, reader, head, usage, decision, provider } = run.value;
  const metadata = (costUsd?: number) => routerMetadata({ modelId: run.modelId, provider, decision, attempts: run.attempts, costUsd });
  const innerWarnings = head.flatMap((part) => (part.type === 'stream-start' ? part.warnings : []));
  const pending: LanguageModelV3StreamPart[] = head.filter((part) => part.type !== 'stream-start');
  let consumed = '';
  /** Set once the stream has ended (finished, failed, aborted) or the consumer cancelled it. */
  let closed = false;
  let cancelled = false;
  /** What the model consumed when it did not say: the estimated input and the output received. */
  const partial = (): TokenUsage => ({ inputTokens: decision.estimatedTokens.input, outputTokens: charsPerTokenEstimator.estimate(consumed) });
  /** A failure after the first part: an `error` part and a `finish` with reason `error`; the router books the estimated input. */
  const fail = (controller: ReadableStreamDefaultController<LanguageModelV3StreamPart>, error: unknown) => {
    closed = true;
    usage.reject(error);
    controller.enqueue({ type: 'error', error });
    controller.enqueue({ type: 'finish', finishReason: { unified: 'error', raw: undefined }, usage: UNKNOWN_USAGE, providerMetadata: withRouterMetadata(undefined, metadata()) });
    controller.close();
  };

  const stream = new ReadableStream<LanguageModelV3StreamPart>({
    start(controller) {
      controller.enqueue({ type: 'stream-start', warnings: [...converted.providerToolWarnings, ...innerWarnings] });
      controller.enqueue({ type: 'response-metadata', modelId: run.modelId });
    },
    async pull(controller) {
      let part: LanguageModelV3StreamPart | undefined = pending.shift();
      if (part === undefined) {
        let read: Awaited<ReturnType<typeof reader.read>>;
        try {
          read = await reader.read();
        } catch (error) {
          if (closed) return;
          if (!signal?.aborted) return fail(controller, error);
          closed = true;
          usage.resolve(partial());
          return controller.error(toSdkError(error, signal));
        }
        if (closed) return;
        if (read.done) return fail(controller, new Error(`The stream from ${run.modelId} ended without a finish part`));
        part = read.value;
      }
      switch (part.type) {
        case 'stream-start':
          return;
        case 'response-metadata':
          return controller.enqueue({ ...part, modelId: run.modelId });
        case 'text-delta':
        case 'reasoning-delta':
        case 'tool-input-delta':
          consumed += part.delta;
          return controller.enqueue(part);
        case 'finish': {
          closed = true;
          usage.resolve(tokenUsage(part.usage, decision, consumed));
          // The finish part carries what the step cost: wait for the router to book it.
          const costUsd = await run.settled.then((settled) => settled.costUsd, () => undefined);
          void reader.cancel().catch(() => {});
          if (cancelled) return;
          controller.enqueue({ ...part, providerMetadata: withRouterMetadata(part.providerMetadata, metadata(costUsd)) });
          return controller.close();
        }
        default:
          return controller.enqueue(part);
      }
    },
    async cancel(reason) {
      cancelled = true;
      if (closed) return;
      closed = true;
      // The consumer stopped reading (or aborted): the model's stream is ended and what it sent is booked.
      usage.resolve(partial());
      await reader.cancel(reason).catch(() => {});
    },
  });
  return { ...result, stream };
}

/** The AI SDK model for the router's choice; a model the option does not map is skipped, and the chain moves on. */
function modelFor(call: HostCall, attempt: ExecuteAttempt): AiSdkLanguageModel {
  const model = Object.hasOwn(call.models, attempt.modelId) ? call.models[attempt.modelId] : undefined;
  if (!model) throw unmappedModelError(attempt.modelId, attempt.model.provider, Object.keys(call.models));
  return model;
}

/**
 * The call's own options for the model: provider tools and the router's provider key left out, the
 * output limit the router's budget reservation covers, and the try's signal (it aborts with the
 * caller's, and when the router gives up on the try).
 */
function sentOptions(call: HostCall, attempt: ExecuteAttempt): LanguageModelV3CallOptions {
  const { options } = call;
  const tools = options.tools?.filter((tool) => tool.type === 'function');
  const choice = options.toolChoice;
  const toolChoice = choice?.type === 'tool' && !tools?.some((tool) => tool.name === choice.toolName) ? undefined : choice;
  const sent: LanguageModelV3CallOptions = {
    ...options,
    tools: tools && tools.length > 0 ? tools : undefined,
    toolChoice,
    providerOptions: forwardedProviderOptions(options),
    abortSignal: attempt.signal,
  };
  if (attempt.maxOutputTokens !== undefined) sent.maxOutputTokens = attempt.maxOutputTokens;
  return sent;
}

/** Reads up to the first content part: an `error` part or an early end before it fails the try. */
async function readHead(reader: ReadableStreamDefaultReader<LanguageModelV3StreamPart>, model: AiSdkLanguageModel, modelId: string): Promise<LanguageModelV3StreamPart[]> {
  const head: LanguageModelV3StreamPart[] = [];
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) throw new ProviderError(`The stream from ${modelId} ended before any output`, { provider: model.provider, modelId, kind: 'stream_interrupted', retryable: true });
      if (value.type === 'error') throw value.error;
      head.push(value);
      if (value.type !== 'stream-start' && value.type !== 'response-metadata' && value.type !== 'raw') return head;
    }
  } catch (error) {
    await reader.cancel(error).catch(() => {});
    throw error;
  }
}

/** V3 usage as the router books it; counts the model left out are estimated. */
function tokenUsage(usage: LanguageModelV3Usage, decision: RoutingDecision, outputText: string): TokenUsage {
  const sum = (...values: Array<number | undefined>) => (values.every((v) => v === undefined) ? undefined : values.reduce<number>((total, v) => total + (v ?? 0), 0));
  const input = usage.inputTokens.total ?? sum(usage.inputTokens.noCache, usage.inputTokens.cacheRead) ?? decision.estimatedTokens.input;
  const output = usage.outputTokens.total ?? sum(usage.outputTokens.text, usage.outputTokens.reasoning) ?? charsPerTokenEstimator.estimate(outputText);
  const { cacheRead } = usage.inputTokens;
  const { reasoning } = usage.outputTokens;
  return { inputTokens: input, outputTokens: output, ...(cacheRead !== undefined ? { cachedInputTokens: cacheRead } : {}), ...(reasoning !== undefined ? { reasoningTokens: reasoning } : {}) };
}

function contentText(content: LanguageModelV3GenerateResult['content']): string {
  return content.map((part) => (part.type === 'text' || part.type === 'reasoning' ? part.text : part.type === 'tool-call' ? part.input : '')).join('');
}

/** A promise settled once, from outside: a stream's usage, known at its end. */
class Settlement<T> {
  readonly promise: Promise<T>;
  private settle!: { resolve: (value: T) => void; reject: (error: unknown) => void };
  private done = false;
  constructor() {
    this.promise = new Promise<T>((resolve, reject) => {
      this.settle = { resolve, reject };
    });
  }
  resolve(value: T): void {
    if (!this.done) (this.done = true), this.settle.resolve(value);
  }
  reject(error: unknown): void {
    if (!this.done) (this.done = true), this.settle.reject(error);
  }
}
