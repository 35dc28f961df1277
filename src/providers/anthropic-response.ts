// Anthropic's answers in the neutral shape: a Messages body as a `ProviderResponse`, and stream
// events as `StreamPart`s. The stream parser is synchronous; the adapter owns the I/O and failures.
import type Anthropic from '@anthropic-ai/sdk';
import type { FinishReason, ResponseInfo, ResultPart, StreamPart, TokenUsage } from '../request/types.js';
import { JSON_TOOL_NAME } from './anthropic-request.js';
import { type ErrorContext, invalidResponseError } from './error-mapping.js';
import type { ProviderResponse } from './provider.js';
import { isRecord } from '../own-data.js';

export interface AnthropicResponseOptions {
  /** The request asked for JSON through the `json_response` tool: its input is the answer. */
  jsonTool: boolean;
  /** The model asked for, in case the server does not name the one that served. */
  modelId: string;
}

/** What the `finish` part of a stream carries in `raw`. */
export interface AnthropicStreamFinishRaw {
  id: string | undefined;
  model: string | undefined;
  stopReason: string | null;
  stopSequence: string | null;
  /** The usage as reported: `message_start`'s, updated by `message_delta`'s cumulative counts. */
  usage: Record<string, unknown> | null;
  usageMissing: boolean;
}

export function mapAnthropicStopReason(reason: string | null | undefined): FinishReason {
  switch (reason) {
    case 'end_turn':
    case 'stop_sequence':
      return 'stop';
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    case 'tool_use':
      return 'tool-calls';
    case 'refusal':
      return 'content-filter';
    default:
      return 'other';
  }
}

/** The JSON tool's call is the answer, not a request to run a tool: the turn is done. */
function finishReasonOf(reason: string | null | undefined, answeredAsJson: boolean): FinishReason {
  return answeredAsJson && reason === 'tool_use' ? 'stop' : mapAnthropicStopReason(reason);
}

function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

/**
 * Input tokens include cache writes and reads, as OpenAI's `prompt_tokens` includes cached
 * tokens, so both providers report the whole prompt; `raw` keeps the breakdown.
 */
export function toUsage(usage: Record<string, unknown> | null | undefined): TokenUsage {
  if (!usage) return { inputTokens: 0, outputTokens: 0 };
  const cacheRead = usage['cache_read_input_tokens'];
  const details = usage['output_tokens_details'];
  const thinking = isRecord(details) ? details['thinking_tokens'] : undefined;
  return {
    inputTokens: count(usage['input_tokens']) + count(usage['cache_creation_input_tokens']) + count(cacheRead),
    outputTokens: count(usage['output_tokens']),
    ...(typeof cacheRead === 'number' ? { cachedInputTokens: cacheRead } : {}),
    ...(typeof thinking === 'number' ? { reasoningTokens: thinking } : {}),
  };
}

/** A non-streamed Messages body; anything else is an invalid response (often a proxy's page). */
export function toProviderResponse(
  context: ErrorContext,
  message: unknown,
  options: AnthropicResponseOptions,
): ProviderResponse {
  if (!isRecord(message) || !Array.isArray(message['content'])) {
    throw invalidResponseError(
      context,
      typeof message === 'string' ? 'expected a JSON message, got text' : 'no content in the body',
    );
  }
  const body = message as unknown as Anthropic.Message;
  const content: ResultPart[] = [];
  let answeredAsJson = false;
  for (const block of body.content as unknown[]) {
    if (!isRecord(block)) continue;
    if (block['type'] === 'text' && typeof block['text'] === 'string' && block['text'] !== '') {
      content.push({ type: 'text', text: block['text'] });
    } else if (block['type'] === 'thinking' && typeof block['thinking'] === 'string') {
      content.push({ type: 'reasoning', text: block['thinking'] });
    } else if (block['type'] === 'tool_use') {
      const name = String(block['name']);
      if (options.jsonTool && name === JSON_TOOL_NAME) {
        answeredAsJson = true;
        content.push({ type: 'text', text: JSON.stringify(block['input'] ?? {}) });
      } else {
        content.push({ type: 'tool-call', toolCallId: String(block['id']), toolName: name, input: block['input'] });
      }
    }
  }
  return {
    content,
    finishReason: finishReasonOf(body.stop_reason, answeredAsJson),
    ...(body.stop_reason ? { rawFinishReason: body.stop_reason } : {}),
    usage: toUsage(body.usage as unknown as Record<string, unknown>),
    response: responseInfo(body.id, body.model || options.modelId),
    raw: message,
  };
}

interface ToolInput {
  id: string;
  name: string;
  /** The input as streamed so far, in `input_json_delta` pieces. */
  json: string;
  /** The input in `content_block_start`, used when no delta follows. */
  input: unknown;
  /** The JSON tool: its input streams out as the answer's text. */
  asText: boolean;
}

/** The streamed JSON of a tool's input, parsed; the raw text when it does not parse. */
function parseToolInput(tool: ToolInput): unknown {
  if (tool.json === '') return tool.input ?? {};
  try {
    return JSON.parse(tool.json);
  } catch {
    return tool.json;
  }
}

/**
 * Turns Messages stream events into stream parts, one event at a time. Content blocks are
 * tracked by index, since a tool's input arrives in pieces and is complete only at its block's
 * stop event.
 */
export class AnthropicStreamParser {
  #stopped = false;
  #answeredAsJson = false;
  #id: string | undefined;
  #model: string | undefined;
  #stopReason: string | null = null;
  #stopSequence: string | null = null;
  #usage: Record<string, unknown> | null = null;
  readonly #tools = new Map<number, ToolInput>();
  readonly #options: AnthropicResponseOptions;

  constructor(options: AnthropicResponseOptions) {
    this.#options = options;
  }

  /** Whether `message_stop` arrived: a stream without it was cut short. */
  get stopped(): boolean {
    return this.#stopped;
  }

  accept(event: Anthropic.RawMessageStreamEvent): StreamPart[] {
    switch (event.type) {
      case 'message_start':
        this.#id = event.message.id;
        this.#model = event.message.model;
        if (isRecord(event.message.usage)) this.#usage = { ...event.message.usage };
        return [];
      case 'content_block_start':
        return this.#blockStart(event);
      case 'content_block_delta':
        return this.#blockDelta(event);
      case 'content_block_stop':
        return this.#blockStop(event.index);
      case 'message_delta':
        this.#stopReason = event.delta.stop_reason ?? this.#stopReason;
        this.#stopSequence = event.delta.stop_sequence ?? this.#stopSequence;
        if (isRecord(event.usage)) {
          // Counts here are cumulative; null means "unchanged".
          const update = Object.entries(event.usage).filter(([, value]) => value !== null);
          this.#usage = { ...(this.#usage ?? {}), ...Object.fromEntries(update) };
        }
        return [];
      case 'message_stop':
        this.#stopped = true;
        return [];
      default:
        return [];
    }
  }

  /** The one `finish` part, once the stream has ended. */
  finish(): StreamPart {
    const raw: AnthropicStreamFinishRaw = {
      id: this.#id,
      model: this.#model,
      stopReason: this.#stopReason,
      stopSequence: this.#stopSequence,
      usage: this.#usage,
      usageMissing: this.#usage === null,
    };
    return {
      type: 'finish',
      finishReason: finishReasonOf(this.#stopReason, this.#answeredAsJson),
      ...(this.#stopReason ? { rawFinishReason: this.#stopReason } : {}),
      usage: toUsage(this.#usage),
      response: responseInfo(this.#id, this.#model || this.#options.modelId),
      raw,
    };
  }

  #blockStart(event: Anthropic.RawContentBlockStartEvent): StreamPart[] {
    const block = event.content_block;
    if (block.type === 'text') return block.text ? [{ type: 'text-delta', text: block.text }] : [];
    if (block.type === 'thinking') return block.thinking ? [{ type: 'reasoning-delta', text: block.thinking }] : [];
    if (block.type !== 'tool_use') return [];
    const asText = this.#options.jsonTool && block.name === JSON_TOOL_NAME;
    this.#tools.set(event.index, { id: block.id, name: block.name, json: '', input: block.input, asText });
    return asText ? [] : [{ type: 'tool-input-start', id: block.id, toolName: block.name }];
  }

  #blockDelta(event: Anthropic.RawContentBlockDeltaEvent): StreamPart[] {
    const delta = event.delta;
    if (delta.type === 'text_delta') return delta.text ? [{ type: 'text-delta', text: delta.text }] : [];
    if (delta.type === 'thinking_delta') return delta.thinking ? [{ type: 'reasoning-delta', text: delta.thinking }] : [];
    if (delta.type !== 'input_json_delta') return [];
    const tool = this.#tools.get(event.index);
    if (!tool || !delta.partial_json) return [];
    tool.json += delta.partial_json;
    return tool.asText
      ? [{ type: 'text-delta', text: delta.partial_json }]
      : [{ type: 'tool-input-delta', id: tool.id, delta: delta.partial_json }];
  }

  #blockStop(index: number): StreamPart[] {
    const tool = this.#tools.get(index);
    if (!tool) return [];
    this.#tools.delete(index);
    if (tool.asText) {
      this.#answeredAsJson = true;
      // An input given whole in the start event never streamed as text.
      return tool.json === '' ? [{ type: 'text-delta', text: JSON.stringify(tool.input ?? {}) }] : [];
    }
    return [
      { type: 'tool-input-end', id: tool.id },
      { type: 'tool-call', toolCallId: tool.id, toolName: tool.name, input: parseToolInput(tool) },
    ];
  }
}

/** No leading spread: on Node 20 adding a property after one takes a slow path. */
function responseInfo(id: string | undefined | null, modelId: string): ResponseInfo {
  return id ? { id, modelId } : { modelId };
}
