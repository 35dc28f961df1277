// `createRouterModel`: the router as an AI SDK `LanguageModelV3`, for `generateText`, `streamText`,
// agents and Mastra. Every `doGenerate` / `doStream` — every step of an agent loop — routes anew on
// the conversation so far, so a step whose tool result holds PII stays local while the next may not.
// Without `models` the router's own adapters make the call; with it, the chosen model's AI SDK
// implementation does, under `router.execute()`.
import type { LanguageModelV3, LanguageModelV3CallOptions, LanguageModelV3GenerateResult, LanguageModelV3StreamResult } from '@ai-sdk/provider';
import { InvalidArgumentError, UnknownAgentError } from '../../errors.js';
import type { Router } from '../../router/create-router.js';
import type { RoutingContext, Task } from '../../routing/types.js';
import { callOptionsToRequest, ROUTER_OPTIONS_KEY } from './prompt-to-request.js';
import { completionToV3 } from './result-to-v3.js';
import { generateWithModels, streamWithModels } from './sdk-model-call.js';
import { toSdkError } from './sdk-errors.js';
import { isAiSdkLanguageModel, type AiSdkLanguageModel } from './sdk-model-versions.js';
import { routerStreamToV3 } from './stream-to-v3.js';
import { ownFields, ownValue } from '../../own-data.js';

export interface RouterModelOptions {
  /** The task as the router sees it on every step (type, complexity, privacy_level, ...). Each step's request is scanned for PII too. */
  task?: Task;
  /** The routing context on every step (`routing_strategy`, `budget_mode`, ...). */
  context?: RoutingContext;
  /**
   * AI SDK models by router model id (a key of models.yaml): the chosen model's own implementation
   * makes the call, under the router's fallback chain, retries and budget. A chosen model without an
   * entry is skipped (`no_provider`) and the chain moves on. Without this option the router's own
   * provider adapters make every call.
   */
  models?: Readonly<Record<string, AiSdkLanguageModel>>;
  /** Run the cloud verification a global rule asks for (router adapters, `doGenerate` only). Default true. */
  verify?: boolean;
}

/** Per call, `providerOptions['llm-agent-router']` may add to the task and the context. */
export interface RouterCallOptions {
  task?: Task;
  context?: RoutingContext;
}

/** The router as a `LanguageModelV3` for `agentId`; its `modelId` is the agent's id. */
export function createRouterModel(router: Router, agentId: string, given: RouterModelOptions = {}): LanguageModelV3 {
  if (typeof router?.complete !== 'function' || typeof router.execute !== 'function') throw new InvalidArgumentError('router', 'expected a router from createRouter()');
  if (!router.agentIds().includes(agentId)) throw new UnknownAgentError(String(agentId), router.agentIds());
  if (typeof given !== 'object' || given === null) throw new InvalidArgumentError('options', 'expected { task?, context?, models?, verify? }');
  // The caller's own options only: nothing planted on Object.prototype is one.
  const options = ownFields(given);
  const models = checkModels(router, options.models);

  /** The task and context for one call: the model's, with the call's own `providerOptions['llm-agent-router']` over them. */
  const routingFor = (call: LanguageModelV3CallOptions) => {
    const all = call.providerOptions;
    const mine = ownFields(((all === undefined ? undefined : ownValue(all, ROUTER_OPTIONS_KEY)) ?? {}) as RouterCallOptions);
    return { task: { ...options.task, ...mine.task }, context: { ...options.context, ...mine.context } };
  };

  async function doGenerate(given: LanguageModelV3CallOptions): Promise<LanguageModelV3GenerateResult> {
    // The SDK's call options as their own fields: a planted `tools` or `prompt` is never read.
    const call = ownFields(given);
    const converted = callOptionsToRequest(call);
    const { task, context } = routingFor(call);
    if (models) return generateWithModels({ router, agentId, task, context, models, options: call, converted });
    const signal = call.abortSignal;
    try {
      const result = await router.complete(agentId, converted.request, { task, context, ...(signal ? { signal } : {}), ...(options.verify !== undefined ? { verify: options.verify } : {}) });
      return completionToV3(result, converted.warnings);
    } catch (error) {
      throw toSdkError(error, signal);
    }
  }

  async function doStream(given: LanguageModelV3CallOptions): Promise<LanguageModelV3StreamResult> {
    // The SDK's call options as their own fields: a planted `tools` or `prompt` is never read.
    const call = ownFields(given);
    const converted = callOptionsToRequest(call);
    const { task, context } = routingFor(call);
    if (models) return streamWithModels({ router, agentId, task, context, models, options: call, converted });
    const signal = call.abortSignal;
    // The router's stream runs under the caller's signal and one of its own, to end it when the consumer cancels.
    const stop = new AbortController();
    const streamSignal = signal ? AbortSignal.any([signal, stop.signal]) : stop.signal;
    const parts = router.stream(agentId, converted.request, { task, context, signal: streamSignal })[Symbol.asyncIterator]();
    // The router falls back before its `start` part; from here on the stream is the served model's.
    let first: IteratorResult<unknown>;
    try {
      first = await parts.next();
    } catch (error) {
      throw toSdkError(error, signal);
    }
    const start = first.done ? undefined : (first.value as { type?: string });
    if (start?.type !== 'start') throw new Error(`The router's stream for "${agentId}" did not begin with a start part`);
    return {
      stream: routerStreamToV3({
        start: first.value as Parameters<typeof routerStreamToV3>[0]['start'],
        rest: parts,
        warnings: converted.warnings,
        signal,
        stop: (reason) => stop.abort(reason),
      }),
    };
  }

  return {
    specificationVersion: 'v3',
    // Also the key of its own provider options, as the SDK's convention has it.
    provider: ROUTER_OPTIONS_KEY,
    modelId: agentId,
    // Any model may serve a step, local ones included, so every URL is downloaded by the SDK and sent as data.
    supportedUrls: {},
    doGenerate,
    doStream,
  };
}

function checkModels(router: Router, models: RouterModelOptions['models']): Readonly<Record<string, AiSdkLanguageModel>> | undefined {
  if (models === undefined) return undefined;
  if (typeof models !== 'object' || models === null) throw new InvalidArgumentError('models', 'expected AI SDK models by router model id: { [modelId]: LanguageModel }');
  const known = router.modelIds();
  for (const [modelId, model] of Object.entries(models)) {
    if (!known.includes(modelId)) throw new InvalidArgumentError(`models.${modelId}`, `"${modelId}" is not a model of the router's configuration (${known.join(', ')})`);
    if (!isAiSdkLanguageModel(model)) throw new InvalidArgumentError(`models.${modelId}`, 'expected an AI SDK language model (specificationVersion v2, v3 or v4, with doGenerate and doStream)');
  }
  return { ...models };
}
