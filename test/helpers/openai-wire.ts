// Chat-completions replies the shared wire server's `openaiWire` does not script: completions with
// any message and usage, streams built chunk by chunk (tool-call fragments), and errors with a code.
import type { SseEvent, WireReply } from './wire-server.js';

export const CREATED = 1_700_000_000;

const base = { id: 'chatcmpl-test', created: CREATED, model: 'gpt-test' };

/** A completion whose message and usage are given whole, e.g. with `reasoning_content` or token details. */
export function completionWith(
  message: Record<string, unknown>,
  options: { finishReason?: string; usage?: Record<string, unknown> } = {},
): WireReply {
  return {
    type: 'json',
    body: {
      ...base,
      object: 'chat.completion',
      choices: [{ index: 0, message: { role: 'assistant', content: null, ...message }, finish_reason: options.finishReason ?? 'stop', logprobs: null }],
      ...(options.usage ? { usage: options.usage } : {}),
    },
  };
}

/** One streamed chunk with a delta for choice 0. */
export function chunk(delta: Record<string, unknown>, finishReason: string | null = null): SseEvent {
  return { data: { ...base, object: 'chat.completion.chunk', choices: [{ index: 0, delta, finish_reason: finishReason, logprobs: null }] } };
}

/** A fragment of a streamed tool call, as `delta.tool_calls[n]`. */
export function toolFragment(index: number, fragment: { id?: string; name?: string; arguments?: string }): Record<string, unknown> {
  const fn: Record<string, string> = {};
  if (fragment.name !== undefined) fn['name'] = fragment.name;
  if (fragment.arguments !== undefined) fn['arguments'] = fragment.arguments;
  return { index, ...(fragment.id !== undefined ? { id: fragment.id, type: 'function' } : {}), function: fn };
}

/** The usage chunk `stream_options.include_usage` asks for: no choices, only usage. */
export function usageChunk(usage: Record<string, unknown>): SseEvent {
  return { data: { ...base, object: 'chat.completion.chunk', choices: [], usage } };
}

export const DONE: SseEvent = { data: '[DONE]' };

export function sse(events: SseEvent[], ending: 'end' | 'destroy' = 'end'): WireReply {
  return { type: 'sse', events, ending };
}

/** An error body the way OpenAI sends it; local servers put a number in `code`. */
export function errorWith(status: number, error: { message: string; type?: string; code?: string | number | null }): WireReply {
  return { type: 'json', status, body: { error: { type: 'invalid_request_error', param: null, code: null, ...error } } };
}
