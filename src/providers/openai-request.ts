// The neutral request as a chat-completions body: messages, tools, tool choice, response format,
// sampling options and this adapter's own `providerOptions`. Pure: no client, no I/O.

import type OpenAI from 'openai';
import { toolOutputText } from '../request/tool-output.js';
import { base64ToText, imageMediaType, resolveData, toDataUrl, type ResolvedData } from '../request/data-content.js';
import type {
  AssistantContentPart,
  FilePart,
  ResponseFormat,
  ToolChoice,
  ToolDefinition,
  UserContentPart,
} from '../request/types.js';
import type { ProviderError } from '../call-errors.js';
import { type ErrorContext, otherError } from './error-mapping.js';
import type { ProviderRequest } from './provider.js';
import { isRecord, ownValue } from '../own-data.js';

type MessageParam = OpenAI.ChatCompletionMessageParam;
type ContentPart = OpenAI.ChatCompletionContentPart;

/** What the adapter owns: an option may tune the body, never change what is asked or how it arrives. */
const RESERVED_KEYS = ['model', 'messages', 'stream'];

/** A data URL needs a type: inline image bytes of a type neither given nor recognised are labelled as the commonest one. */
const DEFAULT_IMAGE_TYPE = 'image/jpeg';

function ownEntry(options: Record<string, unknown>, key: string): Record<string, unknown> {
  const value = Object.hasOwn(options, key) ? options[key] : undefined;
  return isRecord(value) ? value : {};
}

/**
 * This adapter's provider options: the `openai` entry, then the entry under the adapter's own
 * name (e.g. `vllm`) over it. Entries for other providers are someone else's.
 */
export function openAIProviderOptions(request: ProviderRequest, name: string): Record<string, unknown> {
  const all = request.providerOptions;
  const merged: Record<string, unknown> = {};
  if (all === undefined) return merged;
  copyOptions(merged, ownEntry(all, 'openai'));
  if (name !== 'openai') copyOptions(merged, ownEntry(all, name));
  return merged;
}

/** Copies `source`'s own options over `target`'s, but the adapter's own keys. */
function copyOptions(target: Record<string, unknown>, source: Record<string, unknown>): void {
  for (const key of Object.keys(source)) if (!RESERVED_KEYS.includes(key)) put(target, key, source[key]);
}

/**
 * `target[key] = value` as an object literal would define it: a key named `__proto__` (which the
 * request's JSON copy keeps as a plain own property) stays one here too.
 */
function put(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

/**
 * The body for `chat.completions.create`. Throws a `ProviderError` for content chat completions
 * cannot carry (a PDF by URL, an unsupported file type), before anything is sent.
 */
export function toChatCompletionBody(
  request: ProviderRequest,
  context: ErrorContext,
  stream: boolean,
): Record<string, unknown> {
  const options = openAIProviderOptions(request, context.provider);
  // Built in place, property by property: it is made for every call, and on Node 20 copying it with
  // a spread and then adding to the copy takes a slow path (as does `delete`).
  const body: Record<string, unknown> = { model: request.model, messages: toMessages(request, context) };
  if (request.tools && request.tools.length > 0) body['tools'] = request.tools.map(toTool);
  if (request.toolChoice !== undefined) body['tool_choice'] = toToolChoice(request.toolChoice);
  const responseFormat = toResponseFormat(request.responseFormat);
  if (responseFormat) body['response_format'] = responseFormat;
  if (request.temperature !== undefined) body['temperature'] = request.temperature;
  if (request.topP !== undefined) body['top_p'] = request.topP;
  if (request.stop && request.stop.length > 0) body['stop'] = request.stop;
  if (request.seed !== undefined) body['seed'] = request.seed;

  for (const key of Object.keys(options)) {
    // OpenAI rejects stream_options on a request that does not stream.
    if (key !== 'stream_options' || stream) put(body, key, options[key]);
  }
  body['stream'] = stream;
  if (request.maxTokens !== undefined) {
    // `maxTokens` is the limit the router's budget reservation covers: an option may pick the
    // field (newer OpenAI models take only max_completion_tokens) or lower it, never raise it.
    const field = 'max_completion_tokens' in options ? 'max_completion_tokens' : 'max_tokens';
    const asked = options[field];
    body[field] = typeof asked === 'number' && asked < request.maxTokens ? asked : request.maxTokens;
  }
  if (stream) {
    // Usage arrives only when asked for; the router books cost from it.
    const streamOptions: Record<string, unknown> = {};
    const given = options['stream_options'];
    if (isRecord(given)) for (const key of Object.keys(given)) put(streamOptions, key, given[key]);
    streamOptions['include_usage'] = true;
    body['stream_options'] = streamOptions;
  }
  return body;
}

function toMessages(request: ProviderRequest, context: ErrorContext): MessageParam[] {
  const messages: MessageParam[] = [];
  if (request.system) messages.push({ role: 'system', content: request.system });
  for (const message of request.messages) {
    switch (message.role) {
      case 'system':
        messages.push({ role: 'system', content: message.content });
        break;
      case 'user':
        messages.push(toUserMessage(message.content, ownValue<string>(message, 'name'), context));
        break;
      case 'assistant':
        messages.push(toAssistantMessage(message.content, ownValue<string>(message, 'name')));
        break;
      case 'tool':
        // Chat completions answers each call in a message of its own.
        for (const part of message.content) {
          messages.push({ role: 'tool', tool_call_id: part.toolCallId, content: toolOutputText(part.output) });
        }
        break;
    }
  }
  return messages;
}

function toUserMessage(
  content: UserContentPart[],
  name: string | undefined,
  context: ErrorContext,
): OpenAI.ChatCompletionUserMessageParam {
  const named = name !== undefined ? { name } : {};
  // A lone text part goes as a plain string: older OpenAI-compatible servers take nothing else.
  const only = content.length === 1 ? content[0] : undefined;
  if (only?.type === 'text') return { role: 'user', content: only.text, ...named };
  return { role: 'user', content: content.map((part) => toUserPart(part, context)), ...named };
}

function toUserPart(part: UserContentPart, context: ErrorContext): ContentPart {
  switch (part.type) {
    case 'text':
      return { type: 'text', text: part.text };
    case 'image':
      return imagePart(resolveData(part.data, ownValue<string>(part, 'mediaType')));
    case 'file':
      return filePart(part, context);
  }
}

function imagePart(resolved: ResolvedData): ContentPart {
  const url = resolved.kind === 'url' ? resolved.url : toDataUrl(resolved.base64, imageMediaType(resolved.mediaType, resolved.base64) ?? DEFAULT_IMAGE_TYPE);
  return { type: 'image_url', image_url: { url } };
}

/** Chat completions takes files inline only: PDFs as a `file` part, text as text, images as images. */
function filePart(part: FilePart, context: ErrorContext): ContentPart {
  const mediaType = part.mediaType.split(';')[0]!.trim().toLowerCase();
  const resolved = resolveData(part.data, part.mediaType);
  if (mediaType.startsWith('image/')) return imagePart(resolved);
  const isPdf = mediaType === 'application/pdf';
  const isText = mediaType.startsWith('text/');
  if (!isPdf && !isText) throw unsupported(context, `a file of type ${part.mediaType}; it takes PDF, text and image files`);
  if (resolved.kind === 'url') throw unsupported(context, `a ${part.mediaType} file by URL; pass its bytes or base64 instead`);
  if (isPdf) {
    return {
      type: 'file',
      file: { filename: ownValue<string>(part, 'filename') ?? 'document.pdf', file_data: toDataUrl(resolved.base64, 'application/pdf') },
    };
  }
  const text = base64ToText(resolved.base64);
  if (text === undefined) throw unsupported(context, `${ownValue<string>(part, 'filename') ?? 'a text file'} (${part.mediaType}): its data is not base64`);
  return { type: 'text', text };
}

/**
 * Not a malformed request, only one this API cannot carry: kind `other`, not retryable, so the
 * router may still try a model whose provider takes it.
 */
function unsupported(context: ErrorContext, what: string): ProviderError {
  return otherError(context, `chat completions cannot carry ${what}`);
}

function toAssistantMessage(
  content: AssistantContentPart[],
  name: string | undefined,
): OpenAI.ChatCompletionAssistantMessageParam {
  let text = '';
  const toolCalls: OpenAI.ChatCompletionMessageFunctionToolCall[] = [];
  for (const part of content) {
    if (part.type === 'text') text += part.text;
    else if (part.type === 'tool-call') {
      toolCalls.push({
        id: part.toolCallId,
        type: 'function',
        function: { name: part.toolName, arguments: toolArguments(part.input) },
      });
    }
    // Reasoning stays behind: chat completions has no field for it on input.
  }
  return {
    role: 'assistant',
    // OpenAI wants null, not '', beside tool calls that came without text.
    content: text === '' && toolCalls.length > 0 ? null : text,
    ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
    ...(name !== undefined ? { name } : {}),
  };
}

/**
 * A string input is the raw text of arguments that did not parse when the model sent them: it
 * goes back verbatim, so the model sees what it wrote rather than that text quoted as JSON.
 */
function toolArguments(input: unknown): string {
  if (typeof input === 'string') return input;
  return JSON.stringify(input ?? {}) ?? '{}';
}

function toTool(tool: ToolDefinition): OpenAI.ChatCompletionFunctionTool {
  return {
    type: 'function',
    function: {
      name: tool.name,
      ...(ownValue(tool, 'description') !== undefined ? { description: tool.description } : {}),
      parameters: tool.inputSchema,
    },
  };
}

function toToolChoice(choice: ToolChoice): OpenAI.ChatCompletionToolChoiceOption {
  if (typeof choice === 'string') return choice;
  return { type: 'function', function: { name: choice.toolName } };
}

/** `text` is the default and sends nothing, so servers without `response_format` still work. */
function toResponseFormat(format: ResponseFormat | undefined): OpenAI.ChatCompletionCreateParams['response_format'] {
  if (!format || format.type === 'text') return undefined;
  const schema = ownValue<Record<string, unknown>>(format, 'schema');
  if (!schema) return { type: 'json_object' };
  return {
    type: 'json_schema',
    json_schema: {
      name: ownValue<string>(format, 'name') ?? 'response',
      ...(ownValue(format, 'description') !== undefined ? { description: format.description } : {}),
      schema,
      // Strict mode accepts only a subset of JSON Schema; a caller's arbitrary schema would be refused.
      strict: false,
    },
  };
}
