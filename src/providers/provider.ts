// The provider specification: what every model adapter implements. Adapters (openai, anthropic,
// mock) live in their own files and import only this; the router talks to nothing else.

export type ChatRole = 'system' | 'user' | 'assistant' | 'tool';

export interface ChatMessage {
  role: ChatRole;
  content: string;
  /** For `tool` messages: the id of the tool call this answers. */
  toolCallId?: string;
  name?: string;
}

/** A normalised chat request, independent of any vendor's wire format. */
export interface ProviderRequest {
  /** The provider's own model name (the config's `model_id`, else the model's key). */
  model: string;
  messages: ChatMessage[];
  /** A system prompt; adapters place it where their API expects it. */
  system?: string;
  maxTokens?: number;
  temperature?: number;
  stop?: string[];
  /** Tool definitions, passed through to the provider untouched. */
  tools?: unknown[];
  /** Extra vendor-specific body fields, passed through untouched. */
  providerOptions?: Record<string, unknown>;
}

export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter' | 'other';

export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
}

export interface ProviderResponse {
  text: string;
  finishReason: FinishReason;
  usage: TokenUsage;
  /** Tool calls the model asked for, passed through in the provider's shape. */
  toolCalls?: unknown[];
  /** The provider's raw response body. */
  raw: unknown;
}

export type StreamPart =
  | { type: 'text-delta'; text: string }
  | { type: 'finish'; finishReason: FinishReason; usage: TokenUsage; raw?: unknown };

export interface CallOptions {
  signal?: AbortSignal;
}

/**
 * A model provider. `complete` returns one normalised response; `stream` yields text deltas and
 * ends with exactly one `finish` part. Failures are thrown as `ProviderError` (with `status`,
 * `retryable`, `retryAfterMs`) so the router can decide whether to retry or fall back.
 */
export interface ProviderAdapter {
  readonly specificationVersion: 'v1';
  /** A short name for logs and errors, e.g. `openai`, `anthropic`, `mock`. */
  readonly provider: string;
  complete(request: ProviderRequest, options?: CallOptions): Promise<ProviderResponse>;
  stream?(request: ProviderRequest, options?: CallOptions): AsyncIterable<StreamPart>;
}
