// The Agents SDK's conversation (`AgentInputItem[]`) as neutral messages: user, system and assistant
// messages, function calls and their results, reasoning. Consecutive assistant output (text, reasoning,
// function calls) becomes one assistant message and consecutive results one tool message, the way the
// providers expect a turn. What no router adapter can carry (hosted tools, computer and shell calls,
// files stored on OpenAI's servers, audio) is refused by path rather than dropped: a dropped item
// would change the conversation, and one the privacy scan cannot read must not leave unread.
import type {
  AgentInputItem,
  AssistantMessageItem,
  FunctionCallResultItem,
  ReasoningItem,
  UserMessageItem,
} from '@openai/agents-core';
import { InvalidArgumentError } from '../../errors.js';
import type {
  AssistantContentPart,
  RequestMessage,
  ToolResultInput,
  ToolResultOutput,
  UserContentPart,
} from '../../request/types.js';

type UserContent = Exclude<UserMessageItem['content'], string>[number];
type ToolOutputItem = Exclude<FunctionCallResultItem['output'], string | unknown[]> | Extract<FunctionCallResultItem['output'], unknown[]>[number];

const DATA_URL = /^data:([^;,]+)[;,]/;

/** Media types by file extension, for a file given by name without a `data:` URL to say its type. */
const MEDIA_TYPES: Record<string, string> = {
  pdf: 'application/pdf',
  txt: 'text/plain',
  md: 'text/markdown',
  csv: 'text/csv',
  html: 'text/html',
  json: 'application/json',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
};

function unsupported(path: string, what: string): never {
  throw new InvalidArgumentError(path, `${what} cannot be routed: no router adapter can send it, so the router will not pick a model for it`);
}

/** The conversation so far as neutral messages, in order. */
export function inputToMessages(input: string | AgentInputItem[], path = 'modelRequest.input'): RequestMessage[] {
  if (typeof input === 'string') return [{ role: 'user', content: input }];
  if (!Array.isArray(input)) throw new InvalidArgumentError(path, 'expected a string or an array of input items');
  const messages: RequestMessage[] = [];
  // The assistant turn or the tool results being gathered; pushed when the other kind begins.
  let assistant: AssistantContentPart[] | undefined;
  let results: ToolResultInput[] | undefined;
  const closeAssistant = () => {
    if (assistant && assistant.length > 0) messages.push({ role: 'assistant', content: assistant });
    assistant = undefined;
  };
  const closeResults = () => {
    if (results && results.length > 0) messages.push({ role: 'tool', content: results });
    results = undefined;
  };
  const assistantParts = (): AssistantContentPart[] => {
    closeResults();
    return (assistant ??= []);
  };

  input.forEach((item, index) => {
    const at = `${path}[${index}]`;
    if (typeof item !== 'object' || item === null) throw new InvalidArgumentError(at, 'expected an input item object');
    const type = (item as { type?: unknown }).type ?? 'message';
    switch (type) {
      case 'message': {
        const role = (item as { role?: unknown }).role;
        if (role === 'assistant') {
          assistantParts().push(...assistantContent(item as AssistantMessageItem, at));
          return;
        }
        closeAssistant();
        closeResults();
        if (role === 'user') messages.push({ role: 'user', content: userContent((item as UserMessageItem).content, `${at}.content`) });
        else if (role === 'system') messages.push({ role: 'system', content: stringOf((item as { content?: unknown }).content, `${at}.content`) });
        else throw new InvalidArgumentError(`${at}.role`, "expected 'user', 'assistant' or 'system'");
        return;
      }
      case 'function_call': {
        const call = item as { callId?: unknown; name?: unknown; arguments?: unknown };
        const callId = stringOf(call.callId, `${at}.callId`);
        const name = stringOf(call.name, `${at}.name`);
        assistantParts().push({ type: 'tool-call', toolCallId: callId, toolName: name, input: parseArguments(stringOf(call.arguments, `${at}.arguments`)) });
        return;
      }
      case 'reasoning':
        for (const part of (item as ReasoningItem).content ?? []) {
          if (part.text) assistantParts().push({ type: 'reasoning', text: part.text });
        }
        return;
      case 'function_call_result': {
        closeAssistant();
        const result = item as FunctionCallResultItem;
        (results ??= []).push({
          type: 'tool-result',
          toolCallId: stringOf(result.callId, `${at}.callId`),
          toolName: stringOf(result.name, `${at}.name`),
          output: toolOutput(result.output, `${at}.output`),
        });
        return;
      }
      default:
        unsupported(`${at}.type`, `an input item of type "${String(type)}"`);
    }
  });
  closeAssistant();
  closeResults();
  return messages;
}

function stringOf(value: unknown, path: string): string {
  if (typeof value !== 'string') throw new InvalidArgumentError(path, 'expected a string');
  return value;
}

/** A function call's arguments as the neutral tool-call input: parsed JSON, else the raw text as sent. */
function parseArguments(text: string): unknown {
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function userContent(content: UserMessageItem['content'], path: string): string | UserContentPart[] {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) throw new InvalidArgumentError(path, 'expected a string or an array of content parts');
  return content.map((part, index) => userPart(part, `${path}[${index}]`));
}

function userPart(part: UserContent, path: string): UserContentPart {
  switch (part.type) {
    case 'input_text':
      return { type: 'text', text: stringOf(part.text, `${path}.text`) };
    case 'input_image': {
      if (typeof part.image !== 'string') unsupported(`${path}.image`, 'an image stored on OpenAI (by file id)');
      return { type: 'image', data: part.image };
    }
    case 'input_file': {
      const file = part.file;
      const filename = part.filename;
      if (typeof file === 'object' && file !== null && 'url' in file) {
        return { type: 'file', data: file.url, mediaType: mediaTypeOf(file.url, filename, path), ...(filename ? { filename } : {}) };
      }
      if (typeof file !== 'string') unsupported(`${path}.file`, 'a file stored on OpenAI (by file id)');
      return { type: 'file', data: file, mediaType: mediaTypeOf(file, filename, path), ...(filename ? { filename } : {}) };
    }
    default:
      return unsupported(`${path}.type`, `a user content part of type "${String((part as { type?: unknown }).type)}"`);
  }
}

/** From a `data:` URL, else from the file name's extension. */
function mediaTypeOf(data: string, filename: string | undefined, path: string): string {
  const declared = DATA_URL.exec(data)?.[1];
  if (declared) return declared;
  const extension = (filename ?? data).split(/[?#]/)[0]!.split('.').pop()?.toLowerCase();
  const known = extension ? MEDIA_TYPES[extension] : undefined;
  if (!known) throw new InvalidArgumentError(`${path}.file`, 'cannot tell the media type: pass a data: URL (data:application/pdf;base64,...) or a filename with a known extension');
  return known;
}

function assistantContent(item: AssistantMessageItem, path: string): AssistantContentPart[] {
  if (!Array.isArray(item.content)) throw new InvalidArgumentError(`${path}.content`, 'expected an array of content parts');
  return item.content.map((part, index): AssistantContentPart => {
    switch (part.type) {
      case 'output_text':
        return { type: 'text', text: stringOf(part.text, `${path}.content[${index}].text`) };
      // A refusal is what the assistant said; the next model reads it as such.
      case 'refusal':
        return { type: 'text', text: stringOf(part.refusal, `${path}.content[${index}].refusal`) };
      default:
        return unsupported(`${path}.content[${index}].type`, `an assistant content part of type "${String((part as { type?: unknown }).type)}"`);
    }
  });
}

/** A function tool's result as a neutral tool output: text as text, rich content as text and media parts. */
function toolOutput(output: FunctionCallResultItem['output'], path: string): ToolResultOutput {
  if (typeof output === 'string') return { type: 'text', value: output };
  if (Array.isArray(output)) {
    return { type: 'content', value: output.map((part, index) => toolContentPart(part as ToolOutputItem, `${path}[${index}]`)) };
  }
  if (typeof output === 'object' && output !== null && output.type === 'text') return { type: 'text', value: stringOf(output.text, `${path}.text`) };
  return { type: 'content', value: [toolContentPart(output as ToolOutputItem, path)] };
}

type MediaOrText = { type: 'text'; text: string } | { type: 'media'; data: string; mediaType: string };

function toolContentPart(part: ToolOutputItem, path: string): MediaOrText {
  switch (part?.type) {
    case 'text':
    case 'input_text':
      return { type: 'text', text: stringOf(part.text, `${path}.text`) };
    case 'image':
    case 'input_image':
      return inlineMedia(part.type === 'image' ? imageData(part.image) : typeof part.image === 'string' ? part.image : undefined, undefined, `${path}.image`);
    case 'file':
    case 'input_file': {
      const file = part.file;
      if (typeof file === 'string') return inlineMedia(file, undefined, `${path}.file`);
      if (typeof file === 'object' && file !== null && 'data' in file && typeof file.data === 'string') return inlineMedia(file.data, file.mediaType, `${path}.file`);
      return unsupported(`${path}.file`, 'a tool result file given by URL, by file id or as bytes');
    }
    default:
      return unsupported(`${path}.type`, `a tool output part of type "${String((part as { type?: unknown } | undefined)?.type)}"`);
  }
}

function imageData(image: unknown): string | undefined {
  if (typeof image === 'string') return image;
  if (typeof image === 'object' && image !== null && 'data' in image) {
    const { data, mediaType } = image as { data: unknown; mediaType?: string };
    if (typeof data === 'string') return data.startsWith('data:') || !mediaType ? data : `data:${mediaType};base64,${data}`;
  }
  return undefined;
}

/** Media in a tool result travel inline only: base64 with its media type. */
function inlineMedia(data: string | undefined, mediaType: string | undefined, path: string): MediaOrText {
  if (data === undefined) return unsupported(path, 'a tool result image given by URL, by file id or as bytes');
  const match = /^data:([^;,]+);base64,/.exec(data);
  if (match) return { type: 'media', data: data.slice(match[0].length), mediaType: match[1]! };
  if (/^https?:\/\//i.test(data)) return unsupported(path, 'a tool result image or file given by URL');
  if (!mediaType) throw new InvalidArgumentError(path, 'expected a data: URL (data:image/png;base64,...) or base64 with its mediaType');
  return { type: 'media', data, mediaType };
}
