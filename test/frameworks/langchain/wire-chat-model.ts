// A small LangChain chat model of the tests' own that speaks chat completions to the local wire
// server through `fetch` — what `ChatOpenAI` does, for hosts whose `models` are LangChain models
// (`@langchain/openai` is not installed here). It binds tools, streams SSE with tool-call chunks
// and usage, honours the abort signal, and throws errors with the HTTP `status`, as SDK errors do.
import type { CallbackManagerForLLMRun } from '@langchain/core/callbacks/manager';
import type { BaseLanguageModelInput } from '@langchain/core/language_models/base';
import { BaseChatModel, type BaseChatModelCallOptions, type BindToolsInput } from '@langchain/core/language_models/chat_models';
import { AIMessage, AIMessageChunk, type BaseMessage, type UsageMetadata } from '@langchain/core/messages';
import { ChatGenerationChunk, type ChatResult } from '@langchain/core/outputs';
import type { Runnable } from '@langchain/core/runnables';
import { convertToOpenAITool } from '@langchain/core/utils/function_calling';

export interface WireChatModelCallOptions extends BaseChatModelCallOptions {
  tools?: unknown[];
  response_format?: unknown;
}

export class WireChatModel extends BaseChatModel<WireChatModelCallOptions, AIMessageChunk> {
  readonly baseURL: () => string;
  readonly model: string;
  /** Every body this model sent. */
  readonly sent: Record<string, unknown>[] = [];

  constructor(fields: { baseURL: () => string; model: string }) {
    super({});
    this.baseURL = fields.baseURL;
    this.model = fields.model;
  }

  _llmType(): string {
    return 'wire-chat-model';
  }

  override bindTools(tools: BindToolsInput[], kwargs?: Partial<WireChatModelCallOptions>): Runnable<BaseLanguageModelInput, AIMessageChunk, WireChatModelCallOptions> {
    return this.withConfig({ ...kwargs, tools: tools.map((tool) => convertToOpenAITool(tool as never)) });
  }

  private body(messages: BaseMessage[], options: this['ParsedCallOptions'], stream: boolean): Record<string, unknown> {
    const choice = options.tool_choice;
    return {
      model: this.model,
      messages: messages.map(toOpenAIMessage),
      ...(options.tools?.length ? { tools: options.tools } : {}),
      ...(choice !== undefined ? { tool_choice: choice === 'any' ? 'required' : typeof choice === 'string' && !['auto', 'none', 'required'].includes(choice) ? { type: 'function', function: { name: choice } } : choice } : {}),
      ...(options.response_format ? { response_format: options.response_format } : {}),
      ...(options.stop ? { stop: options.stop } : {}),
      ...(stream ? { stream: true, stream_options: { include_usage: true } } : {}),
    };
  }

  private async post(body: Record<string, unknown>, signal: AbortSignal | undefined): Promise<Response> {
    this.sent.push(body);
    const response = await fetch(`${this.baseURL()}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      ...(signal ? { signal } : {}),
    });
    if (!response.ok) {
      const error = new Error(`HTTP ${response.status}: ${await response.text()}`) as Error & { status: number };
      error.status = response.status;
      throw error;
    }
    return response;
  }

  async _generate(messages: BaseMessage[], options: this['ParsedCallOptions']): Promise<ChatResult> {
    const json = (await (await this.post(this.body(messages, options, false), options.signal)).json()) as {
      choices: Array<{ message: { content: string | null; tool_calls?: Array<{ id: string; function: { name: string; arguments: string } }> } }>;
      usage?: { prompt_tokens: number; completion_tokens: number };
    };
    const reply = json.choices[0]!.message;
    const message = new AIMessage({
      content: reply.content ?? '',
      tool_calls: (reply.tool_calls ?? []).map((call) => ({ id: call.id, name: call.function.name, args: JSON.parse(call.function.arguments || '{}'), type: 'tool_call' as const })),
      ...(json.usage ? { usage_metadata: usageOf(json.usage) } : {}),
      response_metadata: { model_name: this.model },
    });
    return { generations: [{ text: message.text, message }] };
  }

  override async *_streamResponseChunks(messages: BaseMessage[], options: this['ParsedCallOptions'], runManager?: CallbackManagerForLLMRun): AsyncGenerator<ChatGenerationChunk> {
    const response = await this.post(this.body(messages, options, true), options.signal);
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const bytes of response.body as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(bytes, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const event = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = event.replace(/^data: /, '');
        if (data === '[DONE]') return;
        const parsed = JSON.parse(data) as {
          choices: Array<{ delta: { content?: string; tool_calls?: Array<{ index: number; id?: string; function?: { name?: string; arguments?: string } }> } }>;
          usage?: { prompt_tokens: number; completion_tokens: number };
        };
        const delta = parsed.choices[0]?.delta;
        const message = new AIMessageChunk({
          content: delta?.content ?? '',
          tool_call_chunks: (delta?.tool_calls ?? []).map((call) => ({
            type: 'tool_call_chunk' as const,
            index: call.index,
            ...(call.id ? { id: call.id } : {}),
            ...(call.function?.name ? { name: call.function.name } : {}),
            args: call.function?.arguments ?? '',
          })),
          ...(parsed.usage ? { usage_metadata: usageOf(parsed.usage) } : {}),
        });
        const chunk = new ChatGenerationChunk({ text: message.text, message });
        yield chunk;
        await runManager?.handleLLMNewToken(chunk.text, undefined, undefined, undefined, undefined, { chunk });
      }
    }
  }
}

function usageOf(usage: { prompt_tokens: number; completion_tokens: number }): UsageMetadata {
  return { input_tokens: usage.prompt_tokens, output_tokens: usage.completion_tokens, total_tokens: usage.prompt_tokens + usage.completion_tokens };
}

function toOpenAIMessage(message: BaseMessage): Record<string, unknown> {
  const text = message.text;
  switch (message.getType()) {
    case 'system':
      return { role: 'system', content: text };
    case 'ai': {
      const calls = (message as AIMessage).tool_calls ?? [];
      return {
        role: 'assistant',
        content: text || null,
        ...(calls.length ? { tool_calls: calls.map((call) => ({ id: call.id, type: 'function', function: { name: call.name, arguments: JSON.stringify(call.args) } })) } : {}),
      };
    }
    case 'tool':
      return { role: 'tool', tool_call_id: (message as BaseMessage & { tool_call_id: string }).tool_call_id, content: text };
    default:
      return { role: 'user', content: text };
  }
}
