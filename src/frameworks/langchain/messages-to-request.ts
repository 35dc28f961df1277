// LangChain messages → the router's neutral messages. Two modes: `send`, where the neutral request
// is what the router's adapter sends (a block it cannot carry is refused, never dropped), and `scan`,
// where a LangChain model sends the original messages and the neutral copy is only routed on and
// scanned for PII — so anything without a neutral form is kept as JSON text for the scan to read.
import type { BaseMessage } from '@langchain/core/messages';
import { InvalidArgumentError } from '../../errors.js';
import { imageMediaType, resolveData } from '../../request/data-content.js';
import type {
  AssistantContentPart,
  RequestMessage,
  ToolResultInput,
  ToolResultOutput,
  UserContentPart,
} from '../../request/types.js';
import { isRecord } from '../../own-data.js';

/** `send`: the neutral request is sent as it is. `scan`: it is only routed on and scanned. */
export type ConversionMode = 'send' | 'scan';

type Block = Record<string, unknown>;

/** The neutral messages of a LangChain conversation, in order. */
export function messagesToRequest(messages: readonly BaseMessage[], mode: ConversionMode): RequestMessage[] {
  const toolNames = new Map<string, string>();
  const out: RequestMessage[] = [];
  messages.forEach((message, index) => {
    const converted = convertMessage(message, `messages[${index}]`, mode, toolNames);
    if (converted) out.push(converted);
  });
  return out;
}

/** The text of a system prompt given as a string or as content blocks. */
export function systemText(content: unknown, path: string, mode: ConversionMode): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return mode === 'scan' ? jsonText(content) : refuse(path, content);
  return content
    .map((block, i) => {
      if (typeof block === 'string') return block;
      if (isRecord(block) && block['type'] === 'text' && typeof block['text'] === 'string') return block['text'];
      return mode === 'scan' ? jsonText(block) : refuse(`${path}[${i}]`, block);
    })
    .join('\n');
}

function convertMessage(message: BaseMessage, path: string, mode: ConversionMode, toolNames: Map<string, string>): RequestMessage | undefined {
  const type = message.getType();
  const role = type === 'generic' ? genericRole(message) : type;
  const named = typeof message.name === 'string' && message.name !== '' ? { name: message.name } : {};
  switch (role) {
    case 'system':
    case 'developer': {
      const text = systemText(message.content, `${path}.content`, mode);
      const extra = extrasText(message, mode);
      return { role: 'system', content: extra ? `${text}\n${extra}` : text };
    }
    case 'human': {
      const content = userContent(message, `${path}.content`, mode);
      const extra = extrasText(message, mode);
      if (extra) return { role: 'user', content: [...(typeof content === 'string' ? [{ type: 'text' as const, text: content }] : content), { type: 'text', text: extra }], ...named };
      return { role: 'user', content, ...named };
    }
    case 'ai': {
      const content = assistantContent(message, `${path}.content`, mode, toolNames);
      const extra = extrasText(message, mode);
      if (extra) content.push({ type: 'text', text: extra });
      return { role: 'assistant', content: content.length === 0 ? '' : content, ...named };
    }
    case 'tool':
      return { role: 'tool', content: [toolResult(message, `${path}.content`, mode, toolNames)] };
    case 'remove':
      return undefined;
    default:
      if (mode === 'scan') return { role: 'user', content: jsonText({ role, content: message.content }) };
      throw new InvalidArgumentError(path, `a LangChain message of type "${String(role)}" has no counterpart in the router's request (system, human, ai and tool messages do)`);
  }
}

/** A `ChatMessage`'s free-form role, as the message type it stands for. */
function genericRole(message: BaseMessage): string {
  const role = (message as { role?: unknown }).role;
  if (role === 'user') return 'human';
  if (role === 'assistant' || role === 'model') return 'ai';
  return typeof role === 'string' ? role : 'generic';
}

/**
 * `additional_kwargs` a LangChain model may send along (a function call, audio, provider fields):
 * in scan mode they are read as JSON text, so a model sending them cannot carry unscanned bytes.
 * Reasoning is converted on its own and not repeated here.
 */
function extrasText(message: BaseMessage, mode: ConversionMode): string | undefined {
  if (mode !== 'scan') return undefined;
  const { reasoning_content: _reasoning, ...rest } = (message.additional_kwargs ?? {}) as Record<string, unknown>;
  return Object.keys(rest).length > 0 ? jsonText(rest) : undefined;
}

function userContent(message: BaseMessage, path: string, mode: ConversionMode): string | UserContentPart[] {
  if (typeof message.content === 'string') return message.content;
  // `contentBlocks` turns provider formats (OpenAI image_url, Anthropic sources, v0 data blocks)
  // into LangChain's standard blocks; what it leaves alone is read below as it is.
  return (message.contentBlocks as unknown as Block[]).map((block, i) => userPart(block, `${path}[${i}]`, mode));
}

function userPart(block: Block, path: string, mode: ConversionMode): UserContentPart {
  switch (block['type']) {
    case 'text':
      if (typeof block['text'] === 'string') return { type: 'text', text: block['text'] };
      break;
    case 'text-plain':
      if (typeof block['text'] === 'string') return { type: 'text', text: block['text'] };
      return mediaPart(block, 'file', 'text/plain', path, mode);
    case 'image':
      return mediaPart(block, 'image', undefined, path, mode);
    case 'image_url': {
      const source = block['image_url'];
      const url = typeof source === 'string' ? source : isRecord(source) ? source['url'] : undefined;
      if (typeof url === 'string') return { type: 'image', data: url };
      break;
    }
    case 'file':
    case 'audio':
    case 'video':
      return mediaPart(block, 'file', undefined, path, mode);
  }
  return mode === 'scan' ? { type: 'text', text: jsonText(block) } : refuse(path, block);
}

/** A standard data block (`data` + `mimeType`, or `url`) as an image or file part. */
function mediaPart(block: Block, kind: 'image' | 'file', defaultType: string | undefined, path: string, mode: ConversionMode): UserContentPart {
  const data = block['data'] ?? block['url'];
  const mediaType = typeof block['mimeType'] === 'string' ? block['mimeType'] : defaultType;
  if (typeof data === 'string' || data instanceof Uint8Array) {
    if (kind === 'image' && (mediaType === undefined || mediaType.startsWith('image/'))) {
      return { type: 'image', data, ...(mediaType !== undefined ? { mediaType } : {}) };
    }
    const metadata = isRecord(block['metadata']) ? block['metadata'] : {};
    const filename = metadata['filename'] ?? metadata['name'] ?? block['filename'];
    return {
      type: 'file',
      data,
      mediaType: mediaType ?? 'application/octet-stream',
      ...(typeof filename === 'string' ? { filename } : {}),
    };
  }
  // A provider-side file id (or no data at all) is nothing the router's adapters can send.
  return mode === 'scan' ? { type: 'text', text: jsonText(block) } : refuse(path, block);
}

function assistantContent(message: BaseMessage, path: string, mode: ConversionMode, toolNames: Map<string, string>): AssistantContentPart[] {
  const parts: AssistantContentPart[] = [];
  const reasoning = (message.additional_kwargs as Record<string, unknown> | undefined)?.['reasoning_content'];
  if (typeof reasoning === 'string' && reasoning !== '') parts.push({ type: 'reasoning', text: reasoning });
  const { content } = message;
  if (typeof content === 'string') {
    if (content !== '') parts.push({ type: 'text', text: content });
  } else {
    content.forEach((raw, i) => {
      const block = raw as Block;
      switch (block['type']) {
        case 'text':
          if (typeof block['text'] === 'string') {
            if (block['text'] !== '') parts.push({ type: 'text', text: block['text'] });
            return;
          }
          break;
        case 'reasoning':
          if (typeof block['reasoning'] === 'string') return void parts.push({ type: 'reasoning', text: block['reasoning'] });
          break;
        case 'thinking':
          if (typeof block['thinking'] === 'string') return void parts.push({ type: 'reasoning', text: block['thinking'] });
          break;
        case 'tool_call':
        case 'tool_use':
        case 'tool_call_chunk':
        case 'function_call':
          // The same calls are in `tool_calls`, which is what LangChain models send; the scan reads both.
          if (mode === 'scan') parts.push({ type: 'text', text: jsonText(block) });
          return;
      }
      if (mode === 'scan') parts.push({ type: 'text', text: jsonText(block) });
      else refuse(`${path}[${i}]`, block);
    });
  }
  const ai = message as BaseMessage & {
    tool_calls?: Array<{ id?: string; name: string; args: unknown }>;
    invalid_tool_calls?: Array<{ id?: string; name?: string; args?: string }>;
  };
  const calls = [
    ...(ai.tool_calls ?? []).map((call) => ({ id: call.id, name: call.name, input: call.args })),
    // Arguments that did not parse are sent back as the model wrote them.
    ...(ai.invalid_tool_calls ?? []).map((call) => ({ id: call.id, name: call.name ?? '', input: call.args ?? '' })),
  ];
  calls.forEach((call, i) => {
    const name = call.name || 'unknown_tool';
    if (!call.id && mode === 'send') {
      throw new InvalidArgumentError(`${path}.tool_calls[${i}]`, `the tool call to "${name}" has no id; a tool result could not answer it`);
    }
    const id = call.id || `${path}.tool_calls[${i}]`;
    toolNames.set(id, name);
    parts.push({ type: 'tool-call', toolCallId: id, toolName: name, input: call.input ?? {} });
  });
  return parts;
}

function toolResult(message: BaseMessage, path: string, mode: ConversionMode, toolNames: Map<string, string>): ToolResultInput {
  const tool = message as BaseMessage & { tool_call_id?: string; status?: string };
  const toolCallId = tool.tool_call_id ?? '';
  const isError = tool.status === 'error';
  return {
    type: 'tool-result',
    toolCallId,
    toolName: message.name || toolNames.get(toolCallId) || '',
    output: toolOutput(message.content, isError, path, mode),
    ...(isError ? { isError } : {}),
  };
}

/** A tool message's content: text (or error text), or text and media parts when it holds images. */
function toolOutput(content: BaseMessage['content'], isError: boolean, path: string, mode: ConversionMode): ToolResultOutput {
  if (typeof content === 'string') return { type: isError ? 'error-text' : 'text', value: content };
  const parts: Array<{ type: 'text'; text: string } | { type: 'media'; data: string; mediaType: string }> = [];
  content.forEach((raw, i) => {
    const block = raw as Block;
    if (typeof raw === 'string') return void parts.push({ type: 'text', text: raw });
    if (block['type'] === 'text' && typeof block['text'] === 'string') return void parts.push({ type: 'text', text: block['text'] });
    if (['image', 'file', 'audio', 'video', 'image_url'].includes(String(block['type']))) {
      const media = userPart(block, `${path}[${i}]`, 'scan');
      if ((media.type === 'image' || media.type === 'file') && typeof media.data === 'string' && !isUrl(media.data)) {
        // The type the block declares, else the one its data URL states, else read from the bytes.
        const resolved = resolveData(media.data, media.mediaType);
        const base64 = resolved.kind === 'base64' ? resolved.base64 : stripDataUrl(media.data);
        const mediaType = resolved.kind === 'base64' && resolved.mediaType !== undefined ? resolved.mediaType : (imageMediaType(undefined, base64) ?? 'application/octet-stream');
        return void parts.push({ type: 'media', data: base64, mediaType });
      }
    }
    if (mode === 'scan') parts.push({ type: 'text', text: jsonText(block) });
    else refuse(`${path}[${i}]`, block);
  });
  if (parts.every((part) => part.type === 'text')) {
    return { type: isError ? 'error-text' : 'text', value: parts.map((part) => (part as { text: string }).text).join('') };
  }
  return { type: 'content', value: parts };
}

const isUrl = (data: string) => /^https?:\/\//i.test(data);
const stripDataUrl = (data: string) => data.replace(/^data:[^,]*;base64,/, '');

/** Anything as JSON text for the PII scan; what will not serialise still yields some text to scan. */
function jsonText(value: unknown): string {
  try {
    // Bytes are media to the scan, as they are in a neutral image or file part.
    return JSON.stringify(value, (_key, item: unknown) => (item instanceof Uint8Array ? `[${item.length} bytes]` : typeof item === 'bigint' ? String(item) : item)) ?? String(value);
  } catch {
    return String(value);
  }
}

function refuse(path: string, block: unknown): never {
  const type = isRecord(block) ? String(block['type']) : typeof block;
  throw new InvalidArgumentError(path, `a content block of type "${type}" that the router's adapters cannot send (text, images, files, reasoning and tool calls can be sent)`);
}
