// Chat-completions answers in the neutral shape: a whole completion as a `ProviderResponse`, and a
// stream of chunks as text deltas, tool-input parts, tool calls and one final `finish`.

import type OpenAI from 'openai';
import type { ResponseInfo, ResultPart } from '../request/types.js';
import {
  abortError,
  type ErrorContext,
  invalidResponseError,
  streamInterruptedError,
} from './error-mapping.js';
import { mapOpenAIError } from './openai-errors.js';
import type { FinishReason, ProviderResponse, StreamPart, TokenUsage } from './provider.js';
import { isRecord, ownValue } from '../own-data.js';

/**
 * What the `finish` part of a stream carries in `raw`. When the server never reported usage (older
 * local servers ignore `stream_options.include_usage`), `usage` in the part is `{ 0, 0 }` and
 * `usageMissing` is true: the adapter does not guess, so the caller can estimate or flag it.
 */
export interface OpenAIStreamFinishRaw {
  id: string | undefined;
  model: string | undefined;
  finishReason: string;
  usage: OpenAI.CompletionUsage | null;
  usageMissing: boolean;
}

export function mapOpenAIFinishReason(reason: string | null | undefined): FinishReason {
  switch (reason) {
    case 'stop':
      return 'stop';
    case 'length':
      return 'length';
    case 'tool_calls':
    case 'function_call':
      return 'tool-calls';
    case 'content_filter':
      return 'content-filter';
    default:
      return 'other';
  }
}

function count(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Cache and reasoning counts appear only when the server reported them. */
export function toUsage(usage: unknown): TokenUsage {
  const record = isRecord(usage) ? usage : {};
  const prompt = ownRecord(record, 'prompt_tokens_details') ?? {};
  const completion = ownRecord(record, 'completion_tokens_details') ?? {};
  const cached = count(ownValue(prompt, 'cached_tokens'));
  const reasoning = count(ownValue(completion, 'reasoning_tokens'));
  return {
    inputTokens: count(ownValue(record, 'prompt_tokens')) ?? 0,
    outputTokens: count(ownValue(record, 'completion_tokens')) ?? 0,
    ...(cached !== undefined ? { cachedInputTokens: cached } : {}),
    ...(reasoning !== undefined ? { reasoningTokens: reasoning } : {}),
  };
}

/**
 * The arguments a model wrote, parsed. Text that is not JSON is kept as it is, so nothing the model
 * said is lost; empty arguments (some local servers send them for tools without parameters) are `{}`.
 */
export function parseToolInput(args: string): unknown {
  if (args.trim() === '') return {};
  try {
    return JSON.parse(args) as unknown;
  } catch {
    return args;
  }
}

/**
 * Calls from servers that send no id (some local ones) still get a stable one, so the next turn
 * can answer them; its shape cannot clash with OpenAI's `call_…` ids.
 */
function toolCallId(id: unknown, index: number): string {
  return text(id) ?? `tool-call-${index}`;
}

/** vLLM, llama.cpp and DeepSeek send `reasoning_content`; Ollama and newer vLLM send `reasoning`. */
function reasoningOf(record: Record<string, unknown>): string | undefined {
  return text(ownValue(record, 'reasoning_content')) ?? text(ownValue(record, 'reasoning'));
}

function responseInfo(id: unknown, model: unknown, created: unknown, requestedModel: string): ResponseInfo {
  const seconds = count(created);
  const responseId = text(id);
  // A server that does not name its model served the one asked for.
  const modelId = text(model) ?? requestedModel;
  // No leading spread: on Node 20 adding a property after one takes a slow path.
  const info: ResponseInfo = responseId !== undefined ? { id: responseId, modelId } : { modelId };
  if (seconds !== undefined) info.timestamp = seconds * 1000;
  return info;
}

/** A non-streamed completion; anything that is not one is an `invalid_response`. */
export function toProviderResponse(context: ErrorContext & { modelId: string }, completion: unknown): ProviderResponse {
  const choices = isRecord(completion) ? ownArray(completion, 'choices') : undefined;
  if (choices === undefined) {
    throw invalidResponseError(
      context,
      typeof completion === 'string' ? 'expected a JSON chat completion, got text' : 'no choices in the body',
    );
  }
  const choice: unknown = choices[0];
  const message = isRecord(choice) ? ownRecord(choice, 'message') : undefined;
  if (!isRecord(choice) || message === undefined) {
    throw invalidResponseError(context, 'the first choice has no message');
  }
  const content: ResultPart[] = [];
  const reasoning = reasoningOf(message);
  if (reasoning !== undefined) content.push({ type: 'reasoning', text: reasoning });
  const answer = text(ownValue(message, 'content'));
  if (answer !== undefined) content.push({ type: 'text', text: answer });
  const toolCalls = ownArray(message, 'tool_calls') ?? [];
  toolCalls.forEach((call: unknown, index) => {
    const fn = isRecord(call) ? ownRecord(call, 'function') : undefined;
    if (!isRecord(call) || fn === undefined) return;
    content.push({
      type: 'tool-call',
      toolCallId: toolCallId(ownValue(call, 'id'), index),
      toolName: ownString(fn, 'name') ?? '',
      input: parseToolInput(ownString(fn, 'arguments') ?? ''),
    });
  });
  const rawFinishReason = text(ownValue(choice, 'finish_reason'));
  return {
    content,
    finishReason: mapOpenAIFinishReason(rawFinishReason),
    ...(rawFinishReason !== undefined ? { rawFinishReason } : {}),
    usage: toUsage(ownValue(completion as Record<string, unknown>, 'usage')),
    response: responseInfo(ownValue(completion as Record<string, unknown>, 'id'), ownValue(completion as Record<string, unknown>, 'model'), ownValue(completion as Record<string, unknown>, 'created'), context.modelId),
    raw: completion,
  };
}

/** One tool call being streamed, keyed by its `index` in the deltas. */
interface StreamedToolCall {
  id: string | undefined;
  name: string | undefined;
  args: string;
  started: boolean;
}

/**
 * Folds one chunk's tool-call fragments into `calls` and returns the parts they produce. A call
 * starts when both its id and name are known; fragments of arguments that came earlier follow the
 * start as one delta. The name is taken whole from its first appearance: OpenAI never splits it,
 * and some compatible servers repeat it in every fragment.
 */
function toolCallDeltas(calls: StreamedToolCall[], fragments: unknown[]): StreamPart[] {
  const parts: StreamPart[] = [];
  fragments.forEach((fragment, position) => {
    if (!isRecord(fragment)) return;
    const index = count(ownValue(fragment, 'index')) ?? position;
    const call = (calls[index] ??= { id: undefined, name: undefined, args: '', started: false });
    const fn = ownRecord(fragment, 'function') ?? {};
    call.id ??= text(ownValue(fragment, 'id'));
    call.name ??= text(ownValue(fn, 'name'));
    const args = ownString(fn, 'arguments') ?? '';
    call.args += args;
    if (call.started) {
      if (args !== '') parts.push({ type: 'tool-input-delta', id: call.id!, delta: args });
    } else if (call.id !== undefined && call.name !== undefined) {
      parts.push(...startToolCall(call, call.id));
    }
  });
  return parts;
}

function startToolCall(call: StreamedToolCall, id: string): StreamPart[] {
  call.started = true;
  const parts: StreamPart[] = [{ type: 'tool-input-start', id, toolName: call.name ?? '' }];
  if (call.args !== '') parts.push({ type: 'tool-input-delta', id, delta: call.args });
  return parts;
}

/** Every streamed call closed and parsed, in index order; one never named still gets an id. */
function finishToolCalls(calls: StreamedToolCall[]): StreamPart[] {
  const parts: StreamPart[] = [];
  calls.forEach((call, index) => {
    const id = call.id ?? toolCallId(undefined, index);
    if (!call.started) parts.push(...startToolCall(call, id));
    parts.push(
      { type: 'tool-input-end', id },
      { type: 'tool-call', toolCallId: id, toolName: call.name ?? '', input: parseToolInput(call.args) },
    );
  });
  return parts;
}

/**
 * The stream's parts, ending with exactly one `finish`. A failure after the first part is a
 * `stream_interrupted` error (a retry would repeat what the caller already has); before it, the
 * mapped error, which the router may retry or fall back from.
 */
export async function* readOpenAIStream(
  chunks: AsyncIterable<unknown>,
  context: ErrorContext & { modelId: string },
  signal: AbortSignal | undefined,
): AsyncGenerator<StreamPart> {
  let yielded = 0;
  let finishReason: string | undefined;
  let usage: OpenAI.CompletionUsage | null = null;
  let id: string | undefined;
  let model: string | undefined;
  let created: number | undefined;
  const calls: StreamedToolCall[] = [];
  try {
    for await (const chunk of chunks) {
      if (!isRecord(chunk)) throw invalidResponseError(context, 'a stream event is not a JSON object');
      id ??= text(ownValue(chunk, 'id'));
      model ??= text(ownValue(chunk, 'model'));
      created ??= count(ownValue(chunk, 'created'));
      const reported = ownRecord(chunk, 'usage');
      if (reported !== undefined) usage = reported as unknown as OpenAI.CompletionUsage;
      const choice: unknown = ownArray(chunk, 'choices')?.[0];
      if (!isRecord(choice)) continue;
      const delta = ownRecord(choice, 'delta') ?? {};
      const parts: StreamPart[] = [];
      const reasoning = reasoningOf(delta);
      if (reasoning !== undefined) parts.push({ type: 'reasoning-delta', text: reasoning });
      const answer = text(ownValue(delta, 'content'));
      if (answer !== undefined) parts.push({ type: 'text-delta', text: answer });
      const fragments = ownArray(delta, 'tool_calls');
      if (fragments !== undefined) parts.push(...toolCallDeltas(calls, fragments));
      finishReason = text(ownValue(choice, 'finish_reason')) ?? finishReason;
      for (const part of parts) {
        yielded++;
        yield part;
      }
    }
  } catch (error) {
    if (signal?.aborted) throw abortError(context, error);
    if (yielded > 0) throw streamInterruptedError(context, error instanceof Error ? error.message : String(error), error);
    throw mapOpenAIError(context, error, signal);
  }
  // The SDK ends the iteration quietly when the request is aborted; say so instead.
  if (signal?.aborted) throw abortError(context);
  if (finishReason === undefined) {
    if (yielded > 0) throw streamInterruptedError(context, 'the stream ended without a finish_reason');
    throw invalidResponseError(context, 'the stream ended without output or a finish_reason');
  }
  yield* finishToolCalls(calls);
  const raw: OpenAIStreamFinishRaw = { id, model, finishReason, usage, usageMissing: usage === null };
  yield {
    type: 'finish',
    finishReason: mapOpenAIFinishReason(finishReason),
    rawFinishReason: finishReason,
    usage: toUsage(usage),
    response: responseInfo(id, model, created, context.modelId),
    raw,
  };
}

/** An answer's own field of the kind expected (a record, a string, a list), else undefined. */
function ownRecord(record: Record<string, unknown>, key: string): Record<string, unknown> | undefined {
  const value = ownValue(record, key);
  return isRecord(value) ? value : undefined;
}

function ownString(record: Record<string, unknown>, key: string): string | undefined {
  const value = ownValue(record, key);
  return typeof value === 'string' ? value : undefined;
}

function ownArray(record: Record<string, unknown>, key: string): unknown[] | undefined {
  const value = ownValue(record, key);
  return Array.isArray(value) ? value : undefined;
}
