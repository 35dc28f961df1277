// The neutral request model: one shape for a conversation with tools, images and structured output,
// whatever provider serves it. Names mirror the Vercel AI SDK's prompt types, so framework adapters
// stay thin and a conversation can move between providers mid-way.

/** JSON as it travels on the wire. */
export type JsonValue = null | string | number | boolean | JsonValue[] | { [key: string]: JsonValue };

/** Binary content: base64 text, raw bytes, or a URL the provider fetches. */
export type DataContent = string | Uint8Array | ArrayBuffer | URL;

export interface TextPart {
  type: 'text';
  text: string;
}

export interface ImagePart {
  type: 'image';
  /** Base64 (or a `data:` URL), bytes, or an http(s) URL. */
  data: DataContent;
  /** e.g. `image/png`; detected from a `data:` URL when absent. */
  mediaType?: string;
}

export interface FilePart {
  type: 'file';
  data: DataContent;
  /** e.g. `application/pdf`, `text/plain`. */
  mediaType: string;
  filename?: string;
}

export interface ReasoningPart {
  type: 'reasoning';
  text: string;
}

/** A tool call the model made: `input` is the parsed JSON arguments. */
export interface ToolCallPart {
  type: 'tool-call';
  toolCallId: string;
  toolName: string;
  input: unknown;
}

/** The result of a tool, in the AI SDK's output shapes. */
export type ToolResultOutput =
  | { type: 'text'; value: string }
  | { type: 'json'; value: unknown }
  | { type: 'error-text'; value: string }
  | { type: 'error-json'; value: unknown }
  | { type: 'content'; value: Array<{ type: 'text'; text: string } | { type: 'media'; data: string; mediaType: string }> };

export interface ToolResultPart {
  type: 'tool-result';
  toolCallId: string;
  toolName: string;
  output: ToolResultOutput;
  /** The tool failed; `output` describes the failure. */
  isError?: boolean;
}

export type UserContentPart = TextPart | ImagePart | FilePart;
export type AssistantContentPart = TextPart | ToolCallPart | ReasoningPart;

export interface SystemMessage {
  role: 'system';
  content: string;
}

export interface UserMessage {
  role: 'user';
  /** A string is shorthand for one text part. */
  content: string | UserContentPart[];
  /** A participant name, sent where the provider supports it (OpenAI). */
  name?: string;
}

export interface AssistantMessage {
  role: 'assistant';
  content: string | AssistantContentPart[];
  name?: string;
}

/** A tool result as a caller may give it: an AI SDK output shape, or any JSON (a string reads as text). */
export type ToolResultInput = Omit<ToolResultPart, 'output'> & { output: ToolResultOutput | JsonValue };

export type ToolMessage =
  | { role: 'tool'; content: ToolResultInput[] }
  /** The first release's shorthand for one text result. */
  | { role: 'tool'; content: string; toolCallId: string; name?: string };

export type RequestMessage = SystemMessage | UserMessage | AssistantMessage | ToolMessage;
export type MessageRole = RequestMessage['role'];

/** A tool the model may call. `inputSchema` is a JSON Schema for its input object. */
export interface ToolDefinition {
  name: string;
  description?: string;
  inputSchema: Record<string, unknown>;
}

export type ToolChoice = 'auto' | 'none' | 'required' | { type: 'tool'; toolName: string };

export type ResponseFormat =
  | { type: 'text' }
  | { type: 'json'; schema?: Record<string, unknown>; name?: string; description?: string };

/**
 * Options for one provider, keyed by the provider's name (`openai`, `anthropic`, or an adapter's
 * own `name`); each adapter applies only its own entry, merged into the request body.
 */
export type ProviderOptions = Record<string, Record<string, unknown>>;

/** A message as adapters receive it: contents always as parts. */
export type NormalizedMessage =
  | SystemMessage
  | { role: 'user'; content: UserContentPart[]; name?: string }
  | { role: 'assistant'; content: AssistantContentPart[]; name?: string }
  | { role: 'tool'; content: ToolResultPart[] };

/** What `complete()` and `stream()` send, in the provider-neutral shape. */
export interface CompletionRequest {
  messages: RequestMessage[];
  /** A system prompt; adapters place it where their API expects it. */
  system?: string;
  tools?: ToolDefinition[];
  toolChoice?: ToolChoice;
  responseFormat?: ResponseFormat;
  /** The most tokens the answer may have. */
  maxTokens?: number;
  temperature?: number;
  topP?: number;
  stop?: string[];
  seed?: number;
  /** Extra HTTP headers for this request. */
  headers?: Record<string, string>;
  providerOptions?: ProviderOptions;
}

/** A request after `complete()` checked and copied it: contents always as parts. */
export interface NormalizedRequest extends Omit<CompletionRequest, 'messages'> {
  messages: NormalizedMessage[];
}

/** `tool-calls` when the model stopped to call tools; `content-filter` when the provider refused. */
export type FinishReason = 'stop' | 'length' | 'tool-calls' | 'content-filter' | 'error' | 'other';

export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
  /** Input tokens read from the provider's prompt cache (included in `inputTokens`). */
  cachedInputTokens?: number;
  /** Output tokens spent on reasoning (included in `outputTokens`). */
  reasoningTokens?: number;
}

export interface ToolCall {
  toolCallId: string;
  toolName: string;
  /** The parsed arguments; the raw text when the model sent JSON that does not parse. */
  input: unknown;
}

export type ResultPart = TextPart | ReasoningPart | ({ type: 'tool-call' } & ToolCall);

/** What the provider said about the response it served. */
export interface ResponseInfo {
  id?: string;
  /** The model that served, as the provider named it. */
  modelId: string;
  /** Epoch ms, when the provider said. */
  timestamp?: number;
}

/** Parts of a stream, in order: deltas and tool calls, then exactly one `finish`. */
export type StreamPart =
  | { type: 'text-delta'; text: string }
  | { type: 'reasoning-delta'; text: string }
  | { type: 'tool-input-start'; id: string; toolName: string }
  | { type: 'tool-input-delta'; id: string; delta: string }
  | { type: 'tool-input-end'; id: string }
  | ({ type: 'tool-call' } & ToolCall)
  | {
      type: 'finish';
      finishReason: FinishReason;
      rawFinishReason?: string;
      usage: TokenUsage;
      response?: ResponseInfo;
      raw?: unknown;
    };

/** Features beyond plain text: what a request needs, and what a model supports. */
export interface FeatureSet {
  tools: boolean;
  images: boolean;
  files: boolean;
  jsonSchema: boolean;
}
