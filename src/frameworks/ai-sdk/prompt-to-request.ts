// The AI SDK's call options (`LanguageModelV3CallOptions`) as the router's neutral request: the
// conversation so far, tools, tool choice, structured output and sampling settings. What the neutral
// form cannot carry is reported twice: as the call's warnings, and as `unmapped` — so that a call an
// AI SDK model makes with the original options can still have every byte it sends scanned for PII.
import type {
  LanguageModelV3CallOptions,
  LanguageModelV3Message,
  LanguageModelV3ToolResultOutput,
  SharedV3Warning,
} from '@ai-sdk/provider';
import { bytesToBase64 } from '../../request/data-content.js';
import type {
  AssistantContentPart,
  CompletionRequest,
  DataContent,
  FilePart,
  ImagePart,
  ProviderOptions,
  RequestMessage,
  ToolChoice,
  ToolDefinition,
  ToolResultInput,
  ToolResultOutput,
  UserContentPart,
} from '../../request/types.js';

/** The `providerOptions` key the router model reads per call (`{ task, context }`); it is never sent. */
export const ROUTER_OPTIONS_KEY = 'llm-agent-router';

export interface ConvertedCall {
  /** What the router's own adapters send. */
  request: CompletionRequest;
  /** Settings and parts the router's adapters cannot send, for the call's `warnings`. */
  warnings: SharedV3Warning[];
  /** Provider-defined tools, which no path supports (they are left out, with a warning). */
  providerToolWarnings: SharedV3Warning[];
  /** Everything in the options that `request` does not hold: scanned when the original options are sent. */
  unmapped: { values: unknown[]; media: Array<ImagePart | FilePart> };
}

type Part = Exclude<LanguageModelV3Message['content'][number], string>;
type ContentItem = Extract<LanguageModelV3ToolResultOutput, { type: 'content' }>['value'][number];

/** Converts one call's options. Throws nothing itself: the router validates the request it is given. */
export function callOptionsToRequest(options: LanguageModelV3CallOptions): ConvertedCall {
  const converter = new CallConverter();
  return converter.convert(options);
}

/**
 * The request to scan when the original options are sent (the `models` option): the neutral
 * request, plus media it could not place and, under the router's own provider key (never sent by
 * any adapter), every other value it left out — so nothing the call sends escapes the PII scan.
 */
export function requestForScan(converted: ConvertedCall): CompletionRequest {
  const { request, unmapped } = converted;
  if (unmapped.values.length === 0 && unmapped.media.length === 0) return request;
  const scanned: CompletionRequest = { ...request };
  if (unmapped.media.length > 0) scanned.messages = [...request.messages, { role: 'user', content: unmapped.media }];
  if (unmapped.values.length > 0) scanned.providerOptions = { ...request.providerOptions, [ROUTER_OPTIONS_KEY]: { unmapped: unmapped.values } };
  return scanned;
}

/** The call's provider options without the router's own key. */
export function forwardedProviderOptions(options: LanguageModelV3CallOptions): LanguageModelV3CallOptions['providerOptions'] {
  if (!options.providerOptions || !(ROUTER_OPTIONS_KEY in options.providerOptions)) return options.providerOptions;
  const { [ROUTER_OPTIONS_KEY]: _own, ...rest } = options.providerOptions;
  return rest;
}

const UNSUPPORTED_SETTINGS = ['topK', 'presencePenalty', 'frequencyPenalty'] as const;

class CallConverter {
  private readonly warnings: SharedV3Warning[] = [];
  private readonly providerToolWarnings: SharedV3Warning[] = [];
  private readonly values: unknown[] = [];
  private readonly media: Array<ImagePart | FilePart> = [];
  /** Tool calls run by the provider: their results are left out with them. */
  private readonly providerExecuted = new Set<string>();

  convert(options: LanguageModelV3CallOptions): ConvertedCall {
    const request: CompletionRequest = { messages: [] };
    for (const message of options.prompt) {
      if (message.providerOptions) this.values.push(message.providerOptions);
      const converted = this.message(message);
      if (converted) request.messages.push(converted);
    }
    const tools = this.tools(options.tools);
    if (tools) request.tools = tools;
    const toolChoice = this.toolChoice(options.toolChoice, tools);
    if (toolChoice) request.toolChoice = toolChoice;
    if (options.responseFormat) request.responseFormat = { ...options.responseFormat } as CompletionRequest['responseFormat'];
    if (options.maxOutputTokens !== undefined) request.maxTokens = options.maxOutputTokens;
    if (options.temperature !== undefined) request.temperature = options.temperature;
    if (options.topP !== undefined) request.topP = options.topP;
    if (options.stopSequences !== undefined && options.stopSequences.length > 0) request.stop = [...options.stopSequences];
    if (options.seed !== undefined) request.seed = options.seed;
    const headers = definedHeaders(options.headers);
    if (headers) request.headers = headers;
    const providerOptions = forwardedProviderOptions(options);
    if (providerOptions && Object.keys(providerOptions).length > 0) request.providerOptions = providerOptions as ProviderOptions;
    for (const setting of UNSUPPORTED_SETTINGS) {
      if (options[setting] !== undefined) {
        this.warnings.push({ type: 'unsupported', feature: setting, details: `the router's adapters have no ${setting} setting; pass it in providerOptions for the provider that takes it` });
      }
    }
    return {
      request,
      warnings: [...this.providerToolWarnings, ...this.warnings],
      providerToolWarnings: this.providerToolWarnings,
      unmapped: { values: this.values, media: this.media },
    };
  }

  private message(message: LanguageModelV3Message): RequestMessage | undefined {
    switch (message.role) {
      case 'system':
        return { role: 'system', content: message.content };
      case 'user': {
        const content = message.content.flatMap((part) => this.userPart(part));
        return { role: 'user', content };
      }
      case 'assistant': {
        const content = message.content.flatMap((part) => this.assistantPart(part));
        return content.length > 0 ? { role: 'assistant', content } : undefined;
      }
      case 'tool': {
        const content = message.content.flatMap((part) => this.toolPart(part));
        return content.length > 0 ? { role: 'tool', content } : undefined;
      }
    }
  }

  private userPart(part: Part): UserContentPart[] {
    if ('providerOptions' in part && part.providerOptions) this.values.push(part.providerOptions);
    if (part.type === 'text') return [{ type: 'text', text: part.text }];
    if (part.type === 'file') return this.file(part.data, part.mediaType, part.filename);
    return this.dropped(part, `a ${part.type} part in a user message`);
  }

  private assistantPart(part: Part): AssistantContentPart[] {
    if ('providerOptions' in part && part.providerOptions) this.values.push(part.providerOptions);
    switch (part.type) {
      case 'text':
      case 'reasoning':
        return [{ type: part.type, text: part.text }];
      case 'tool-call':
        if (part.providerExecuted) {
          this.providerExecuted.add(part.toolCallId);
          return this.dropped(part, `the provider-executed tool call ${part.toolName}`);
        }
        return [{ type: 'tool-call', toolCallId: part.toolCallId, toolName: part.toolName, input: parseInput(part.input) }];
      case 'file': {
        // A file the model generated earlier: the neutral assistant message has no place for it.
        // It is not sent through the router's adapters, but a host's own model gets it: scanned either way.
        for (const media of this.file(part.data, part.mediaType, part.filename)) {
          if (media.type === 'text') this.values.push(media.text);
          else this.media.push(media);
        }
        this.warnings.push({ type: 'other', message: 'A file in an assistant message is not sent by the router (the neutral request has no assistant files).' });
        return [];
      }
      default:
        return this.dropped(part, `a ${part.type} part in an assistant message`);
    }
  }

  private toolPart(part: Part): ToolResultInput[] {
    if ('providerOptions' in part && part.providerOptions) this.values.push(part.providerOptions);
    if (part.type !== 'tool-result') {
      // An approval response concerns a provider-executed tool, which is not sent either.
      this.values.push(part);
      return [];
    }
    if (this.providerExecuted.has(part.toolCallId)) return this.dropped(part, `the result of the provider-executed tool call ${part.toolName}`);
    const output = this.toolOutput(part.output);
    const isError = part.output.type === 'error-text' || part.output.type === 'error-json' || part.output.type === 'execution-denied';
    return [{ type: 'tool-result', toolCallId: part.toolCallId, toolName: part.toolName, output, ...(isError ? { isError } : {}) }];
  }

  private toolOutput(output: LanguageModelV3ToolResultOutput): ToolResultOutput {
    if ('providerOptions' in output && output.providerOptions) this.values.push(output.providerOptions);
    switch (output.type) {
      case 'text':
      case 'error-text':
        return { type: output.type, value: output.value };
      case 'json':
      case 'error-json':
        return { type: output.type, value: output.value };
      case 'execution-denied':
        return { type: 'error-text', value: output.reason ?? 'The tool call was denied; it did not run.' };
      case 'content':
        return { type: 'content', value: output.value.flatMap((item) => this.contentItem(item)) };
      default:
        this.dropped(output, 'a tool result of an unknown type');
        return { type: 'error-text', value: 'The tool result could not be sent.' };
    }
  }

  private contentItem(item: ContentItem): Extract<ToolResultOutput, { type: 'content' }>['value'] {
    if (item.providerOptions) this.values.push(item.providerOptions);
    // Item shapes of the SDK's other specification versions arrive here too (V2 `media`, V4 `file`).
    const loose = item as { type: string; data?: unknown; mediaType?: string; url?: string; text?: string };
    switch (loose.type) {
      case 'text':
        return [{ type: 'text', text: loose.text ?? '' }];
      case 'file-data':
      case 'image-data':
      case 'media':
        return [{ type: 'media', data: base64Of(loose.data as string | Uint8Array), mediaType: loose.mediaType ?? 'application/octet-stream' }];
      case 'file-url':
      case 'image-url':
        return [{ type: 'text', text: loose.url ?? '' }];
      case 'file': {
        const data = loose.data as { type?: string; data?: string | Uint8Array; url?: URL | string; text?: string } | undefined;
        if (data?.type === 'data' && data.data !== undefined) return [{ type: 'media', data: base64Of(data.data), mediaType: loose.mediaType ?? 'application/octet-stream' }];
        if (data?.type === 'url' && data.url !== undefined) return [{ type: 'text', text: String(data.url) }];
        if (data?.type === 'text' && data.text !== undefined) return [{ type: 'text', text: data.text }];
        return this.dropped(item, 'a file reference in a tool result');
      }
      default:
        return this.dropped(item, `a ${loose.type} item in a tool result`);
    }
  }

  /** A file or image part; V4 file data (text, a provider reference) as the SDK may pass it on. */
  private file(data: unknown, mediaType: string, filename: string | undefined): UserContentPart[] {
    let content: DataContent;
    if (typeof data === 'string' || data instanceof Uint8Array || data instanceof URL) content = data;
    else {
      const shaped = data as { type?: string; data?: string | Uint8Array; url?: URL; text?: string } | null;
      if (shaped?.type === 'text' && typeof shaped.text === 'string') return [{ type: 'text', text: shaped.text }];
      if (shaped?.type === 'data' && shaped.data !== undefined) content = shaped.data;
      else if (shaped?.type === 'url' && shaped.url !== undefined) content = new URL(String(shaped.url));
      else return this.dropped(data, 'a file given by a provider reference');
    }
    if (mediaType.startsWith('image/')) return [{ type: 'image', data: content, ...(mediaType !== 'image/*' ? { mediaType } : {}) }];
    return [{ type: 'file', data: content, mediaType, ...(filename !== undefined ? { filename } : {}) }];
  }

  private tools(tools: LanguageModelV3CallOptions['tools']): ToolDefinition[] | undefined {
    if (!tools || tools.length === 0) return undefined;
    const out: ToolDefinition[] = [];
    for (const tool of tools) {
      if (tool.type !== 'function') {
        this.providerToolWarnings.push({ type: 'unsupported', feature: `provider-defined tool ${tool.name} (${tool.id})`, details: 'the router routes across providers; provider-defined tools are left out' });
        continue;
      }
      if (tool.providerOptions) this.values.push(tool.providerOptions);
      if (tool.inputExamples) this.values.push(tool.inputExamples);
      out.push({ name: tool.name, ...(tool.description !== undefined ? { description: tool.description } : {}), inputSchema: tool.inputSchema as Record<string, unknown> });
    }
    return out.length > 0 ? out : undefined;
  }

  private toolChoice(choice: LanguageModelV3CallOptions['toolChoice'], tools: ToolDefinition[] | undefined): ToolChoice | undefined {
    if (!choice) return undefined;
    if (choice.type !== 'tool') return choice.type;
    if (tools?.some((tool) => tool.name === choice.toolName)) return { type: 'tool', toolName: choice.toolName };
    this.warnings.push({ type: 'unsupported', feature: `toolChoice ${choice.toolName}`, details: 'the tool is not among the function tools sent' });
    return undefined;
  }

  /** Leaves `value` out of the request, with a warning; it is still scanned where the options are sent. */
  private dropped(value: unknown, what: string): never[] {
    this.values.push(value);
    this.warnings.push({ type: 'other', message: `${what} is not sent by the router's adapters` });
    return [];
  }
}

/** A tool call's input: the SDK passes the parsed object; a JSON string (as V3 results carry it) is parsed. */
function parseInput(input: unknown): unknown {
  if (typeof input !== 'string') return input;
  try {
    return JSON.parse(input);
  } catch {
    return input;
  }
}

function base64Of(data: string | Uint8Array): string {
  return typeof data === 'string' ? data : bytesToBase64(data);
}

function definedHeaders(headers: Record<string, string | undefined> | undefined): Record<string, string> | undefined {
  if (!headers) return undefined;
  const entries = Object.entries(headers).filter((entry): entry is [string, string] => typeof entry[1] === 'string');
  return entries.length > 0 ? Object.fromEntries(entries) : undefined;
}
