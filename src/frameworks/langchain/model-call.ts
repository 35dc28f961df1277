// A call the host's own LangChain chat model makes, run under `router.execute`: the router decides
// on the neutral copy of what will be sent (scanned for PII, routed on its needs), then the LangChain
// model registered for the chosen id makes the call, down the fallback chain with retries, breakers
// and the budget reservation; the usage it reports (`usage_metadata`) settles the cost.
import type { BaseMessage } from '@langchain/core/messages';
import { AIMessageChunk } from '@langchain/core/messages';
import { ProviderNotConfiguredError, RequestAbortedError, StreamInterruptedError } from '../../call-errors.js';
import { InvalidArgumentError } from '../../errors.js';
import type { ExecuteOptions } from '../../execution/create-executor.js';
import type { ExecuteAttempt } from '../../execution/execute-call.js';
import { charsPerTokenEstimator } from '../../request/token-estimator.js';
import type { TokenUsage } from '../../request/types.js';
import type { Router } from '../../router/create-router.js';
import { toLangChainError } from './langchain-errors.js';
import { routerMetadata, usageOf, type RouterResponseMetadata } from './result-to-message.js';

/**
 * A LangChain chat model (`ChatOpenAI`, `ChatAnthropic`, `ChatOllama`, a `RouterChatModel`, ...).
 * Structural, so this entry's types do not pin one copy of `@langchain/core`.
 */
export interface LangChainChatModel {
  invoke(input: BaseMessage[], options?: Record<string, unknown>): Promise<BaseMessage>;
  stream(input: BaseMessage[], options?: Record<string, unknown>): Promise<AsyncIterable<BaseMessage>>;
  bindTools?(tools: unknown[], kwargs?: Record<string, unknown>): unknown;
  withConfig(config: Record<string, unknown>): unknown;
}

/** Router model ids → the LangChain chat model that serves each. */
export type LangChainModels = Readonly<Record<string, LangChainChatModel>>;

/** Everything a host-made call needs: which router, which agent, its models and the execute options. */
export interface ModelCall {
  router: Router;
  agentId: string;
  models: LangChainModels;
  options: ExecuteOptions;
}

export interface ServedMessage {
  message: BaseMessage;
  metadata: RouterResponseMetadata;
}

/** Runs `run` on the chosen model (then on each fallback it needs), and books what it used. */
export async function invokeOnModels(call: ModelCall, run: (model: LangChainChatModel, attempt: ExecuteAttempt) => Promise<BaseMessage>): Promise<ServedMessage> {
  try {
    const served = await call.router.execute(call.agentId, call.options, async (attempt) => {
      const message = await run(modelFor(call, attempt.modelId), attempt);
      return { value: { message, provider: attempt.model.provider }, usage: usageOf(message) ?? estimateUsage(attempt, message) };
    });
    const { costUsd } = await served.settled;
    const { message, provider } = served.value;
    return { message, metadata: routerMetadata({ modelId: served.modelId, provider, decision: served.decision, attempts: served.attempts, costUsd }) };
  } catch (error) {
    throw toLangChainError(error, call.options.signal);
  }
}

interface OpenedStream {
  iterator: AsyncIterator<BaseMessage>;
  first: BaseMessage;
  attempt: ExecuteAttempt;
  /** Settles the call with what the stream used. */
  finish: (usage: TokenUsage) => void;
  /** The stream failed: the router books the input it estimated and counts a failure. */
  fail: (error: unknown) => void;
}

/**
 * Streams from the chosen model. Until its first chunk a failure falls back to the next model;
 * after it, a failure ends the stream with a `StreamInterruptedError`. The last chunk carries
 * `response_metadata.router`; the call is settled once the stream ends, fails or is abandoned.
 */
export async function* streamOnModels(
  call: ModelCall,
  open: (model: LangChainChatModel, attempt: ExecuteAttempt) => Promise<AsyncIterable<BaseMessage>>,
): AsyncGenerator<AIMessageChunk, void, undefined> {
  const { signal } = call.options;
  let served;
  try {
    served = await call.router.execute<OpenedStream>(call.agentId, call.options, async (attempt) => {
      const iterator = (await open(modelFor(call, attempt.modelId), attempt))[Symbol.asyncIterator]();
      let first: IteratorResult<BaseMessage>;
      try {
        first = await iterator.next();
      } catch (error) {
        await closeQuietly(iterator);
        throw error;
      }
      if (first.done) throw new Error(`The LangChain model for "${attempt.modelId}" ended its stream before any output`);
      let finish!: (usage: TokenUsage) => void;
      let fail!: (error: unknown) => void;
      const usage = new Promise<TokenUsage>((resolve, reject) => {
        finish = resolve;
        fail = reject;
      });
      return { value: { iterator, first: first.value, attempt, finish, fail }, usage };
    });
  } catch (error) {
    throw toLangChainError(error, signal);
  }
  const { iterator, attempt } = served.value;
  let received: AIMessageChunk | undefined;
  let ended = false;
  /** Books what was consumed (not the model's fault: its health is untouched) and closes its stream. */
  const stop = async () => {
    if (ended) return;
    ended = true;
    served.value.finish(usageOf(received) ?? estimateUsage(attempt, received));
    await closeQuietly(iterator);
  };
  // LangChain ends an aborted stream without resuming or returning this generator: stop on the abort itself.
  const onAbort = () => void stop();
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    let next: IteratorResult<BaseMessage> = { done: false, value: served.value.first };
    while (!next.done) {
      const chunk = asChunk(next.value);
      received = received ? received.concat(chunk) : chunk;
      yield chunk;
      next = await iterator.next();
    }
    if (signal?.aborted) throw new RequestAbortedError(signal.reason);
    ended = true;
    served.value.finish(usageOf(received) ?? estimateUsage(attempt, received));
  } catch (error) {
    if (signal?.aborted) {
      await stop();
      throw toLangChainError(error, signal);
    }
    ended = true;
    served.value.fail(error);
    throw new StreamInterruptedError(served.modelId, received?.text ?? '', error);
  } finally {
    signal?.removeEventListener('abort', onAbort);
    // The consumer stopped reading: close the model's stream and book what was consumed.
    await stop();
  }
  const { costUsd } = await served.settled;
  const metadata = routerMetadata({ modelId: served.modelId, provider: attempt.model.provider, decision: served.decision, attempts: served.attempts, costUsd });
  yield new AIMessageChunk({ content: '', response_metadata: { router: metadata } });
}

/**
 * The model registered for `modelId`. A model the router may choose but the host did not give is
 * skipped (`no_provider`, not a failure on its breaker), and the chain moves on.
 */
function modelFor(call: ModelCall, modelId: string): LangChainChatModel {
  const model = Object.hasOwn(call.models, modelId) ? call.models[modelId] : undefined;
  if (!model) {
    const error = new ProviderNotConfiguredError(modelId, 'langchain');
    // The class's message speaks of router adapters; here the missing piece is a LangChain model.
    error.message = `No LangChain model is given for "${modelId}", which the router chose for agent "${call.agentId}": add it to \`models\``;
    throw error;
  }
  return model;
}

/** Checks that every id in `models` is one of the router's models (a typo would never be chosen). */
export function checkModels(router: Router, models: unknown): LangChainModels {
  if (typeof models !== 'object' || models === null) throw new InvalidArgumentError('models', 'expected an object of router model ids to LangChain chat models');
  const known = new Set(router.modelIds());
  for (const [id, model] of Object.entries(models)) {
    if (!known.has(id)) throw new InvalidArgumentError(`models.${id}`, `"${id}" is not a model of this router (known: ${[...known].join(', ')})`);
    if (typeof (model as { invoke?: unknown } | null)?.invoke !== 'function') throw new InvalidArgumentError(`models.${id}`, 'expected a LangChain chat model');
  }
  return models as LangChainModels;
}

/** When the model reported no usage: the input the router estimated, the output from its text. */
function estimateUsage(attempt: ExecuteAttempt, message: unknown): TokenUsage {
  const { text, tool_calls } = (message ?? {}) as { text?: unknown; tool_calls?: unknown[] };
  const output = `${typeof text === 'string' ? text : ''}${tool_calls?.length ? JSON.stringify(tool_calls) : ''}`;
  return { inputTokens: attempt.decision.estimatedTokens.input, outputTokens: charsPerTokenEstimator.estimate(output) };
}

/** Any AI message as a chunk, so chunks concatenate and LangChain's parsers accept the result. */
export function asChunk(message: BaseMessage): AIMessageChunk {
  if (AIMessageChunk.isInstance(message)) return message;
  const ai = message as BaseMessage & {
    tool_calls?: Array<{ id?: string; name: string; args: unknown }>;
    invalid_tool_calls?: Array<{ id?: string; name?: string; args?: string }>;
    usage_metadata?: AIMessageChunk['usage_metadata'];
  };
  const calls = [
    ...(ai.tool_calls ?? []).map((c) => ({ id: c.id, name: c.name, args: JSON.stringify(c.args ?? {}) })),
    ...(ai.invalid_tool_calls ?? []).map((c) => ({ id: c.id, name: c.name, args: c.args ?? '' })),
  ];
  return new AIMessageChunk({
    content: message.content,
    ...(message.id !== undefined ? { id: message.id } : {}),
    ...(message.name !== undefined ? { name: message.name } : {}),
    additional_kwargs: message.additional_kwargs,
    response_metadata: message.response_metadata,
    tool_call_chunks: calls.map((c, index) => ({ type: 'tool_call_chunk' as const, ...c, index })),
    ...(ai.usage_metadata ? { usage_metadata: ai.usage_metadata } : {}),
  });
}

async function closeQuietly(iterator: AsyncIterator<unknown>): Promise<void> {
  try {
    await iterator.return?.();
  } catch {
    // the stream already failed; nothing more to close
  }
}
