// `RouterChatModel`: the router as a LangChain chat model. Every call — each step of an agent loop —
// converts the conversation so far to the neutral request and routes it anew, so a step whose tool
// result holds PII stays on a local model. Without `models` the router's adapters make the call
// (`router.complete` / `router.stream`); with `models` the LangChain model registered for the chosen
// id makes it, under `router.execute`.
import type { CallbackManagerForLLMRun } from '@langchain/core/callbacks/manager';
import type { BaseLanguageModelInput, StructuredOutputMethodOptions } from '@langchain/core/language_models/base';
import {
  BaseChatModel,
  type BaseChatModelCallOptions,
  type BaseChatModelParams,
  type BindToolsInput,
  type LangSmithParams,
} from '@langchain/core/language_models/chat_models';
import type { AIMessageChunk, BaseMessage } from '@langchain/core/messages';
import { ChatGenerationChunk, type ChatResult } from '@langchain/core/outputs';
import type { Runnable } from '@langchain/core/runnables';
import type { SerializableSchema } from '@langchain/core/utils/standard_schema';
import type { ZodV3Like, ZodV4Like } from '@langchain/core/utils/types';
import { RequestAbortedError } from '../../call-errors.js';
import { InvalidArgumentError } from '../../errors.js';
import type { ExecuteAttempt } from '../../execution/execute-call.js';
import type { CompleteOptions, CompletionRequest } from '../../execution/types.js';
import type { ProviderOptions, ResponseFormat } from '../../request/types.js';
import type { Router } from '../../router/create-router.js';
import type { RoutingContext, Task } from '../../routing/types.js';
import { toLangChainError } from './langchain-errors.js';
import { messagesToRequest, type ConversionMode } from './messages-to-request.js';
import { asChunk, checkModels, invokeOnModels, streamOnModels, type LangChainChatModel, type LangChainModels, type ModelCall } from './model-call.js';
import { finishReasonOf, resultToMessage, withRouterMetadata } from './result-to-message.js';
import { StreamChunks } from './stream-to-chunks.js';
import { structuredOutput } from './structured-output.js';
import { toolChoiceOf, toolDefinitions } from './tool-definitions.js';
import { definedOnly } from '../../defined-only.js';
import { ownFields } from '../../own-data.js';

/** Sampling and request options, on the model or per call. */
export interface RouterRequestOptions {
  /** The most tokens the answer may have; cloud calls are reserved against it. */
  maxTokens?: number;
  temperature?: number;
  topP?: number;
  seed?: number;
  /** Extra HTTP headers for the provider call. */
  headers?: Record<string, string>;
  /** Options for one provider, keyed by its name (`openai`, `anthropic`, an adapter's `name`). */
  providerOptions?: ProviderOptions;
}

export interface RouterChatModelFields extends BaseChatModelParams, RouterRequestOptions {
  router: Router;
  /** The agent whose configuration routes every call. */
  agentId: string;
  /** The task as the router should see it (type, complexity, privacy_level, ...). The messages are scanned for PII either way. */
  task?: Task;
  /** The routing context (routing_strategy, budget_mode, ...). */
  context?: RoutingContext;
  /** Stop sequences for every call. */
  stop?: string[];
  /**
   * Router model ids → LangChain chat models that make the call for that id (`ChatOpenAI`,
   * `ChatAnthropic`, `ChatOllama`, ...). Without it the router's provider adapters make the call.
   */
  models?: Record<string, LangChainChatModel>;
}

export interface RouterChatModelCallOptions extends BaseChatModelCallOptions, RouterRequestOptions {
  /** Tools bound by `bindTools`: LangChain tools, `{ name, schema }`, OpenAI- or Anthropic-format tools. */
  tools?: BindToolsInput[];
  /** The answer's format (`withStructuredOutput` sets it). */
  responseFormat?: ResponseFormat;
  /** An OpenAI-style response format (as `createAgent`'s provider strategy passes it). */
  response_format?: unknown;
  /** Fields merged over the model's `task` for this call. */
  task?: Task;
  /** Fields merged over the model's `context` for this call. */
  context?: RoutingContext;
}

type ParsedOptions = Omit<RouterChatModelCallOptions, 'callbacks' | 'tags' | 'metadata' | 'runName' | 'configurable' | 'recursionLimit' | 'runId'>;

export class RouterChatModel extends BaseChatModel<RouterChatModelCallOptions, AIMessageChunk> {
  static override lc_name(): string {
    return 'RouterChatModel';
  }

  override lc_serializable = false;
  readonly router: Router;
  readonly agentId: string;
  readonly task: Task | undefined;
  readonly context: RoutingContext | undefined;
  readonly models: LangChainModels | undefined;
  readonly stop: string[] | undefined;
  readonly requestOptions: RouterRequestOptions;

  constructor(given: RouterChatModelFields) {
    super(given ?? {});
    // The caller's own fields only: nothing planted on Object.prototype is a field (tools, options, models).
    const fields = typeof given === 'object' && given !== null ? ownFields(given) : given;
    if (typeof fields?.router?.complete !== 'function') throw new InvalidArgumentError('router', 'expected a router from createRouter()');
    if (typeof fields.agentId !== 'string' || !fields.router.agentIds().includes(fields.agentId)) {
      throw new InvalidArgumentError('agentId', `"${String(fields.agentId)}" is not an agent of this router (known: ${fields.router.agentIds().join(', ')})`);
    }
    this.router = fields.router;
    this.agentId = fields.agentId;
    this.task = fields.task;
    this.context = fields.context;
    this.stop = fields.stop;
    this.models = fields.models === undefined ? undefined : checkModels(fields.router, fields.models);
    const { maxTokens, temperature, topP, seed, headers, providerOptions } = fields;
    this.requestOptions = definedOnly({ maxTokens, temperature, topP, seed, headers, providerOptions });
  }

  _llmType(): string {
    return 'llm-agent-router';
  }

  override getLsParams(options: this['ParsedCallOptions']): LangSmithParams {
    return { ls_provider: 'llm-agent-router', ls_model_name: this.agentId, ls_model_type: 'chat', ...(options.stop ? { ls_stop: options.stop } : {}) };
  }

  override invocationParams(): Record<string, unknown> {
    return { agentId: this.agentId, ...this.requestOptions };
  }

  /** Binds tools (and `tool_choice`) to every call; each call still routes anew. */
  override bindTools(tools: BindToolsInput[], kwargs?: Partial<RouterChatModelCallOptions>): Runnable<BaseLanguageModelInput, AIMessageChunk, RouterChatModelCallOptions> {
    // Without `models` the router's adapters send the tools: refuse what they cannot carry now.
    if (!this.models) toolDefinitions(tools, 'send');
    return this.withConfig({ ...kwargs, tools });
  }

  /** The neutral request for `messages` under `options`: what is sent (`send`) or only scanned (`scan`). */
  requestFor(messages: BaseMessage[], parsed: ParsedOptions, mode: ConversionMode): CompletionRequest {
    // The call's own options only (LangChain builds them as plain objects): none is taken from Object.prototype.
    const options = ownFields(parsed);
    const tools = options.tools && options.tools.length > 0 ? toolDefinitions(options.tools, mode) : undefined;
    const toolChoice = toolChoiceOf(options.tool_choice);
    const responseFormat = options.responseFormat ?? responseFormatOf(options.response_format);
    const stop = options.stop ?? this.stop;
    const perCall = definedOnly({
      maxTokens: options.maxTokens,
      temperature: options.temperature,
      topP: options.topP,
      seed: options.seed,
      headers: options.headers,
      providerOptions: options.providerOptions,
    });
    return {
      messages: messagesToRequest(messages, mode),
      ...(tools ? { tools } : {}),
      ...(toolChoice !== undefined && (tools || typeof toolChoice === 'string') ? { toolChoice } : {}),
      ...(responseFormat ? { responseFormat } : {}),
      ...(stop && stop.length > 0 ? { stop } : {}),
      ...this.requestOptions,
      ...perCall,
    };
  }

  private routeOptions(parsed: ParsedOptions): CompleteOptions {
    const options = ownFields(parsed);
    const task = options.task ? { ...this.task, ...options.task } : this.task;
    const context = options.context ? { ...this.context, ...options.context } : this.context;
    return { ...(task ? { task } : {}), ...(context ? { context } : {}), ...(options.signal ? { signal: options.signal } : {}) };
  }

  async _generate(messages: BaseMessage[], options: this['ParsedCallOptions'], runManager?: CallbackManagerForLLMRun): Promise<ChatResult> {
    if (this.models) {
      const served = await invokeOnModels(this.modelCall(messages, options, this.models), (model, attempt) =>
        invokeRunnable(this.prepare(model, options), messages, innerConfig(attempt)),
      );
      const message = withRouterMetadata(asChunk(served.message), served.metadata);
      return { generations: [{ text: message.text, message }] };
    }
    const request = this.requestFor(messages, options, 'send');
    let result;
    try {
      result = await this.router.complete(this.agentId, request, this.routeOptions(options));
    } catch (error) {
      throw toLangChainError(error, options.signal);
    }
    const message = resultToMessage(result);
    return {
      generations: [{ text: result.text, message, generationInfo: { finish_reason: finishReasonOf(result.finishReason) } }],
      llmOutput: { tokenUsage: { promptTokens: result.usage.inputTokens, completionTokens: result.usage.outputTokens, totalTokens: result.usage.inputTokens + result.usage.outputTokens } },
    };
  }

  override async *_streamResponseChunks(messages: BaseMessage[], options: this['ParsedCallOptions'], runManager?: CallbackManagerForLLMRun): AsyncGenerator<ChatGenerationChunk> {
    const chunks = this.models
      ? streamOnModels(this.modelCall(messages, options, this.models), async (model, attempt) =>
          streamRunnable(this.prepare(model, options), messages, innerConfig(attempt)),
        )
      : this.routerChunks(messages, options);
    for await (const message of chunks) {
      const generation = new ChatGenerationChunk({ text: message.text, message });
      yield generation;
      await runManager?.handleLLMNewToken(generation.text, { prompt: 0, completion: 0 }, undefined, undefined, undefined, { chunk: generation });
    }
  }

  private async *routerChunks(messages: BaseMessage[], options: ParsedOptions): AsyncGenerator<AIMessageChunk> {
    const request = this.requestFor(messages, options, 'send');
    const { signal } = options;
    const parts = this.router.stream(this.agentId, request, this.routeOptions(options));
    // LangChain ends an aborted stream at once, without resuming or returning this generator: close
    // the router's stream on the abort itself, so its reservation is settled now, not when it expires.
    const close = () => void parts.return(undefined).catch(() => {});
    signal?.addEventListener('abort', close, { once: true });
    const chunks = new StreamChunks();
    try {
      for await (const part of parts) {
        const chunk = chunks.toChunk(part);
        if (chunk) yield chunk;
      }
      // Closed by the abort above: an abort, never a short answer.
      if (signal?.aborted) throw new RequestAbortedError(signal.reason);
    } catch (error) {
      throw toLangChainError(error, signal);
    } finally {
      signal?.removeEventListener('abort', close);
    }
  }

  private modelCall(messages: BaseMessage[], options: ParsedOptions, models: LangChainModels): ModelCall {
    return { router: this.router, agentId: this.agentId, models, options: { ...this.routeOptions(options), request: this.requestFor(messages, options, 'scan') } };
  }

  /** The chosen LangChain model with this call's tools, tool choice, format and stop sequences. */
  private prepare(model: LangChainChatModel, options: ParsedOptions): LangChainChatModel {
    const format = options.responseFormat?.type === 'json' ? openAIResponseFormat(options.responseFormat) : options.response_format;
    const stop = options.stop ?? this.stop;
    const kwargs = definedOnly({ tool_choice: options.tool_choice, response_format: format, stop });
    if (options.tools && options.tools.length > 0) {
      if (typeof model.bindTools !== 'function') throw new InvalidArgumentError('models', 'the chosen LangChain model cannot bind tools (it has no bindTools)');
      return model.bindTools(options.tools, kwargs) as LangChainChatModel;
    }
    return Object.keys(kwargs).length > 0 ? (model.withConfig(kwargs) as LangChainChatModel) : model;
  }

  /**
   * The schema goes into the request as the router's JSON-schema `responseFormat` (routing then
   * requires a model with JSON-schema output) and the answer is parsed; `method: 'functionCalling'`
   * uses a forced tool call instead, `jsonMode` asks for JSON without a schema.
   */
  override withStructuredOutput<RunOutput extends Record<string, any> = Record<string, any>>(outputSchema: SerializableSchema<RunOutput>, config?: StructuredOutputMethodOptions<false>): Runnable<BaseLanguageModelInput, RunOutput>;
  override withStructuredOutput<RunOutput extends Record<string, any> = Record<string, any>>(outputSchema: SerializableSchema<RunOutput>, config?: StructuredOutputMethodOptions<true>): Runnable<BaseLanguageModelInput, { raw: BaseMessage; parsed: RunOutput }>;
  override withStructuredOutput<RunOutput extends Record<string, any> = Record<string, any>>(outputSchema: ZodV4Like<RunOutput> | Record<string, any>, config?: StructuredOutputMethodOptions<false>): Runnable<BaseLanguageModelInput, RunOutput>;
  override withStructuredOutput<RunOutput extends Record<string, any> = Record<string, any>>(outputSchema: ZodV4Like<RunOutput> | Record<string, any>, config?: StructuredOutputMethodOptions<true>): Runnable<BaseLanguageModelInput, { raw: BaseMessage; parsed: RunOutput }>;
  override withStructuredOutput<RunOutput extends Record<string, any> = Record<string, any>>(outputSchema: ZodV3Like<RunOutput> | Record<string, any>, config?: StructuredOutputMethodOptions<false>): Runnable<BaseLanguageModelInput, RunOutput>;
  override withStructuredOutput<RunOutput extends Record<string, any> = Record<string, any>>(outputSchema: ZodV3Like<RunOutput> | Record<string, any>, config?: StructuredOutputMethodOptions<true>): Runnable<BaseLanguageModelInput, { raw: BaseMessage; parsed: RunOutput }>;
  override withStructuredOutput<RunOutput extends Record<string, any> = Record<string, any>>(
    outputSchema: SerializableSchema<RunOutput> | ZodV4Like<RunOutput> | ZodV3Like<RunOutput> | Record<string, any>,
    config?: StructuredOutputMethodOptions<boolean>,
  ): Runnable<BaseLanguageModelInput, RunOutput> | Runnable<BaseLanguageModelInput, { raw: BaseMessage; parsed: RunOutput }> {
    if (config?.method === 'functionCalling') return super.withStructuredOutput(outputSchema as Record<string, any>, config as StructuredOutputMethodOptions<true>) as unknown as Runnable<BaseLanguageModelInput, RunOutput>;
    return structuredOutput<RunOutput>(this as never, outputSchema, config);
  }
}

/**
 * The run config of the inner model's call: the attempt's signal. Its run inherits the enclosing
 * run's callbacks (an LLM run has no children) but is tagged not to stream: this model passes the
 * inner model's chunks on itself, and LangGraph's `messages` mode would otherwise send them twice.
 */
function innerConfig(attempt: ExecuteAttempt): Record<string, unknown> {
  return { ...(attempt.signal ? { signal: attempt.signal } : {}), tags: ['langsmith:nostream'] };
}

function invokeRunnable(model: LangChainChatModel, messages: BaseMessage[], config: Record<string, unknown>): Promise<BaseMessage> {
  return model.invoke(messages, config);
}

function streamRunnable(model: LangChainChatModel, messages: BaseMessage[], config: Record<string, unknown>): Promise<AsyncIterable<BaseMessage>> {
  return model.stream(messages, config);
}

/** An OpenAI-style `response_format` as the router's. */
function responseFormatOf(format: unknown): ResponseFormat | undefined {
  if (typeof format !== 'object' || format === null) return undefined;
  const { type, json_schema: spec } = format as { type?: unknown; json_schema?: { name?: unknown; description?: unknown; schema?: unknown } };
  if (type === 'json_object') return { type: 'json' };
  if (type === 'text') return { type: 'text' };
  if (type !== 'json_schema' || typeof spec?.schema !== 'object' || spec.schema === null) return undefined;
  return {
    type: 'json',
    schema: spec.schema as Record<string, unknown>,
    ...(typeof spec.name === 'string' ? { name: spec.name } : {}),
    ...(typeof spec.description === 'string' ? { description: spec.description } : {}),
  };
}

/** The router's JSON format as the OpenAI-style `response_format` LangChain models read. */
function openAIResponseFormat(format: Extract<ResponseFormat, { type: 'json' }>): Record<string, unknown> {
  if (!format.schema) return { type: 'json_object' };
  return {
    type: 'json_schema',
    json_schema: { name: format.name ?? 'extract', ...(format.description !== undefined ? { description: format.description } : {}), schema: format.schema },
  };
}

