// The neutral request as an Anthropic Messages body: system prompt hoisted, turns merged so roles
// alternate, tool results as user turns, media as image/document blocks, JSON answers and options.
import type Anthropic from '@anthropic-ai/sdk';
import { ProviderError } from '../call-errors.js';
import { toolOutputText } from '../request/tool-output.js';
import { base64ToText, imageMediaType, resolveData } from '../request/data-content.js';
import type {
  AssistantContentPart,
  DataContent,
  ToolResultOutput,
  ToolResultPart,
  UserContentPart,
} from '../request/types.js';
import type { ErrorContext } from './error-mapping.js';
import type { ProviderRequest } from './provider.js';
import { isRecord, ownValue } from '../own-data.js';

/** Anthropic requires `max_tokens`; this is used when the request gives none. */
export const DEFAULT_ANTHROPIC_MAX_TOKENS = 1024;

/** The forced tool whose input is the answer, when JSON is asked for without native support. */
export const JSON_TOOL_NAME = 'json_response';

/**
 * How a JSON answer is asked for: `native` uses `output_config.format` (structured outputs) when
 * the request has a schema; `tool` forces a tool whose input schema is the schema, for models and
 * gateways that predate `output_config`. A JSON request without a schema always uses the tool.
 */
export type AnthropicStructuredOutput = 'native' | 'tool';

export interface AnthropicBodyOptions {
  context: ErrorContext;
  /** The `providerOptions` keys this adapter reads, in order; later ones win. */
  optionKeys: string[];
  structuredOutput: AnthropicStructuredOutput;
}

export interface AnthropicBody {
  body: Record<string, unknown>;
  /** True when the answer comes back as the input of the `json_response` tool. */
  jsonTool: boolean;
}

/**
 * Fields `providerOptions` may not replace: the conversation and the streaming switch are the
 * router's, and `max_tokens` is what the budget reservation was made for.
 */
const PROTECTED_FIELDS = new Set(['model', 'messages', 'system', 'stream', 'max_tokens']);

const IMAGE_TYPES = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp']);

type Block = Anthropic.ContentBlockParam;
type Turn = { role: 'user' | 'assistant'; content: Block[] };

export function toAnthropicBody(request: ProviderRequest, options: AnthropicBodyOptions): AnthropicBody {
  const { context } = options;
  const system: string[] = request.system ? [request.system] : [];
  const turns: Turn[] = [];
  const append = (role: Turn['role'], blocks: Block[]) => {
    if (blocks.length === 0) return;
    const last = turns.at(-1);
    // Anthropic wants strict alternation: a user message after tool results joins their turn.
    if (last?.role === role) last.content.push(...blocks);
    else turns.push({ role, content: blocks });
  };
  for (const message of request.messages) {
    switch (message.role) {
      case 'system':
        system.push(message.content);
        break;
      case 'user':
        append('user', message.content.flatMap((part) => userBlocks(part, context)));
        break;
      case 'assistant':
        append('assistant', message.content.flatMap(assistantBlocks));
        break;
      case 'tool':
        append('user', message.content.map((part) => toolResultBlock(part, context)));
        break;
    }
  }

  const body: Record<string, unknown> = {
    model: request.model,
    max_tokens: request.maxTokens ?? DEFAULT_ANTHROPIC_MAX_TOKENS,
    messages: turns.map(toolResultsFirst),
  };
  if (system.length > 0) body['system'] = system.join('\n\n');
  if (request.temperature !== undefined) body['temperature'] = request.temperature;
  if (request.topP !== undefined) body['top_p'] = request.topP;
  if (request.stop && request.stop.length > 0) body['stop_sequences'] = request.stop;
  const jsonTool = applyToolsAndFormat(body, request, options.structuredOutput);
  mergeProviderOptions(body, request, options.optionKeys);
  return { body, jsonTool };
}

function userBlocks(part: UserContentPart, context: ErrorContext): Block[] {
  if (part.type === 'text') return part.text === '' ? [] : [{ type: 'text', text: part.text }];
  if (part.type === 'image') return [imageBlock(part.data, ownValue<string>(part, 'mediaType'), context)];
  return [mediaBlock(part.data, part.mediaType, ownValue<string>(part, 'filename'), context)];
}

/** Reasoning is dropped: Anthropic only takes back thinking blocks with its own signature. */
function assistantBlocks(part: AssistantContentPart): Block[] {
  if (part.type === 'text') return part.text === '' ? [] : [{ type: 'text', text: part.text }];
  if (part.type === 'tool-call') {
    return [{ type: 'tool_use', id: part.toolCallId, name: part.toolName, input: part.input ?? {} }];
  }
  return [];
}

function toolResultBlock(part: ToolResultPart, context: ErrorContext): Anthropic.ToolResultBlockParam {
  const isError = ownValue(part, 'isError') === true || part.output.type.startsWith('error-');
  return {
    type: 'tool_result',
    tool_use_id: part.toolCallId,
    content: toolResultContent(part.output, context),
    ...(isError ? { is_error: true } : {}),
  };
}

/** Rich content keeps its images and documents here (a tool result block takes them); the rest is text. */
function toolResultContent(output: ToolResultOutput, context: ErrorContext): Anthropic.ToolResultBlockParam['content'] {
  if (output.type !== 'content') return toolOutputText(output);
  return output.value.flatMap((item): Array<Anthropic.TextBlockParam | Anthropic.ImageBlockParam | Anthropic.DocumentBlockParam> => {
    if (item.type === 'text') return item.text === '' ? [] : [{ type: 'text', text: item.text }];
    return [mediaBlock(item.data, item.mediaType, undefined, context)];
  });
}

/** Images, PDFs and text files: the kinds of media the Messages API reads. */
function mediaBlock(
  data: DataContent,
  mediaType: string,
  filename: string | undefined,
  context: ErrorContext,
): Anthropic.ImageBlockParam | Anthropic.DocumentBlockParam {
  const type = mediaType.toLowerCase();
  if (type.startsWith('image/')) return imageBlock(data, type, context);
  const title = filename ? { title: filename } : {};
  const resolved = resolveData(data, type);
  if (type === 'application/pdf') {
    const source: Anthropic.DocumentBlockParam['source'] =
      resolved.kind === 'url'
        ? { type: 'url', url: resolved.url }
        : { type: 'base64', media_type: 'application/pdf', data: resolved.base64 };
    return { type: 'document', source, ...title };
  }
  if (type.startsWith('text/') && resolved.kind === 'base64') {
    const text = base64ToText(resolved.base64);
    if (text === undefined) throw unsupported(context, `the ${type} file is not valid base64`, 'bad_request');
    // The API's plain-text source is typed `text/plain` only; the text itself is what matters.
    return { type: 'document', source: { type: 'text', media_type: 'text/plain', data: text }, ...title };
  }
  throw unsupported(
    context,
    resolved.kind === 'url' ? `a ${type} file by URL (only images and PDFs can be linked)` : `files of type ${type}`,
  );
}

function imageBlock(data: DataContent, mediaType: string | undefined, context: ErrorContext): Anthropic.ImageBlockParam {
  const resolved = resolveData(data, mediaType);
  if (resolved.kind === 'url') return { type: 'image', source: { type: 'url', url: resolved.url } };
  const type = imageMediaType(resolved.mediaType, resolved.base64);
  if (type === undefined || !IMAGE_TYPES.has(type)) {
    throw unsupported(context, `images of type ${resolved.mediaType ?? 'unknown'} (JPEG, PNG, GIF and WebP are)`);
  }
  return {
    type: 'image',
    source: { type: 'base64', media_type: type as Anthropic.Base64ImageSource['media_type'], data: resolved.base64 },
  };
}

/** A merged user turn may hold text before tool results; the API wants the results first. */
function toolResultsFirst(turn: Turn): Anthropic.MessageParam {
  if (turn.role === 'assistant') return turn;
  const results = turn.content.filter((block) => block.type === 'tool_result');
  if (results.length === 0) return turn;
  return { role: 'user', content: [...results, ...turn.content.filter((block) => block.type !== 'tool_result')] };
}

function applyToolsAndFormat(
  body: Record<string, unknown>,
  request: ProviderRequest,
  structuredOutput: AnthropicStructuredOutput,
): boolean {
  const tools: Anthropic.Tool[] = (request.tools ?? []).map((tool) => ({
    name: tool.name,
    ...(ownValue(tool, 'description') !== undefined ? { description: tool.description } : {}),
    input_schema: tool.inputSchema as Anthropic.Tool.InputSchema,
  }));
  let toolChoice = toolChoiceOf(request.toolChoice);
  const format = request.responseFormat;
  let jsonTool = false;
  if (format?.type === 'json') {
    const schema = ownValue<Record<string, unknown>>(format, 'schema');
    if (schema && structuredOutput === 'native') {
      body['output_config'] = { format: { type: 'json_schema', schema } };
    } else {
      jsonTool = true;
      tools.push({
        name: JSON_TOOL_NAME,
        description: ownValue<string>(format, 'description') ?? 'Give the answer as the input of this tool.',
        // Without a schema this is JSON mode as OpenAI has it: any JSON object.
        input_schema: (schema ?? { type: 'object' }) as Anthropic.Tool.InputSchema,
      });
      toolChoice = { type: 'tool', name: JSON_TOOL_NAME };
    }
  }
  // The API refuses a tool_choice without tools.
  if (tools.length > 0) {
    body['tools'] = tools;
    if (toolChoice) body['tool_choice'] = toolChoice;
  }
  return jsonTool;
}

function toolChoiceOf(choice: ProviderRequest['toolChoice']): Anthropic.ToolChoice | undefined {
  if (choice === undefined) return undefined;
  if (choice === 'auto') return { type: 'auto' };
  if (choice === 'required') return { type: 'any' };
  if (choice === 'none') return { type: 'none' };
  return { type: 'tool', name: choice.toolName };
}

/**
 * `providerOptions.anthropic`, then the adapter's own name over it, merged into the body. An
 * object meets an object one level deep, so `{ tool_choice: { disable_parallel_tool_use: true } }`
 * or `{ output_config: { effort: 'low' } }` adds to what the request set instead of replacing it.
 */
function mergeProviderOptions(body: Record<string, unknown>, request: ProviderRequest, keys: string[]): void {
  const all = request.providerOptions;
  if (!all) return;
  for (const key of keys) {
    const options = Object.hasOwn(all, key) ? all[key] : undefined;
    if (!isRecord(options)) continue;
    for (const [field, value] of Object.entries(options)) {
      if (PROTECTED_FIELDS.has(field)) continue;
      const current = Object.hasOwn(body, field) ? body[field] : undefined;
      const merged = isRecord(current) && isRecord(value) ? { ...current, ...value } : value;
      // defineProperty, so a `__proto__` key from parsed JSON stays a plain field.
      Object.defineProperty(body, field, { value: merged, enumerable: true, writable: true, configurable: true });
    }
  }
}

/** Content this API cannot take: the request is wrong for this provider, not a passing fault. */
/**
 * Content this provider cannot take. Malformed content (`bad_request`) would fail anywhere and ends
 * the call; content of a type only this provider refuses (`other`) may still be served by the next model.
 */
function unsupported(context: ErrorContext, what: string, kind: 'bad_request' | 'other' = 'other'): ProviderError {
  const where = context.modelId ? `${context.provider} (${context.modelId})` : context.provider;
  return new ProviderError(`${where} cannot take ${what}`, { ...context, kind, retryable: false });
}
